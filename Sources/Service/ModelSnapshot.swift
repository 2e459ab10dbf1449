import Features
import Foundation
import Pipeline
import PortfolioIO
import Prioritizer
import Scoring

/// The model and policy one request uses, loaded together and swapped whole on SIGHUP:
/// a request takes the snapshot once at its start, so it sees the old pair or the new
/// one, never a mix. A class, so taking it is one reference count, not a copy of every
/// field.
public final class ModelSnapshot: Sendable {
    public let model: ModelArtifact
    public let policy: Policy
    /// `<first 12 hex digits of the model file's SHA-256>` (the `/metrics` model version).
    public let version: String
    /// Account keys a score request may carry: the schema's columns and the extra
    /// columns the model's features read.
    let allowedColumns: Set<String>
    /// The extra (non-schema) account columns the model's features read: a request must
    /// carry each (null when unknown), as the accounts file must have the column.
    let modelColumns: [String]
    /// The model's scoring kernel, built once per snapshot (its median table is most of
    /// the cost of scoring one account when built per request); nil for a model that
    /// needs more than one pass (a stratified Cox model, competing outcomes), which is
    /// scored through `Pipeline.score`.
    let kernel: ScoringKernel?
    /// The one-account path of `POST /v1/score` (nil when the model needs the general one).
    let fast: FastScorePath?

    /// Loads both files.
    /// - Throws: `ServiceError` naming `--model` or `--policy`.
    public static func load(modelPath: String, policyPath: String?) throws(ServiceError) -> ModelSnapshot {
        let model: ModelArtifact
        do { model = try ModelArtifact.load(path: modelPath) } catch { throw ServiceError("--model: \(error.description)") }
        var policy = Policy()
        if let policyPath {
            do { policy = try Policy.load(path: policyPath) } catch { throw ServiceError("--policy: \(error.description)") }
        }
        let digest: String
        do { digest = try sha256Hex(ofFileAt: modelPath) } catch { throw ServiceError("--model: cannot read \(modelPath) (\(error))") }
        return ModelSnapshot(model: model, policy: policy, version: String(digest.prefix(12)))
    }

    /// The accounts file's schema columns without the labels (docs/schema.md).
    static let schemaColumns = SingleAccount.schemaColumns

    public init(model: ModelArtifact, policy: Policy, version: String) {
        self.model = model
        self.policy = policy
        self.version = version
        kernel = model.strata == nil && model.stratumLevels == nil && model.competingRisks == nil ? ScoringKernel(model) : nil
        let schema = Set(Self.schemaColumns)
        // The extra account columns the features read: numeric pass-throughs, their
        // missing indicators and one-hot text columns other than the schema's.
        var extras: Set<String> = []
        for c in model.features.columns {
            switch c.kind {
            case .builtin: break
            case .numeric(let column, _), .missingIndicator(let column), .oneHot(let column, _): extras.insert(column)
            }
        }
        for c in model.features.categoricals { extras.insert(c.column) }
        extras.subtract(schema)
        allowedColumns = schema.union(extras)
        modelColumns = extras.sorted()
        fast = FastScorePath(model: model, modelColumns: modelColumns)
    }

    /// Scores parsed requests as one portfolio with the same reader, features and
    /// rendering as `arrears score --format jsonl` (`ScoreTable.rendered`), so each row
    /// is byte for byte the line `arrears score` prints for the same account.
    ///
    /// - Returns: per request, its JSON Lines row (without the newline) or the error that
    ///   rejected it (a reject of its account row or of one of its statements, naming the
    ///   field).
    /// - Throws: `APIError` 422 when the requests name different as-of days, or the
    ///   portfolio does not fit the model.
    func score(_ requests: [ScoreRequest], defaultAsOf: CalendarDay) throws(APIError) -> [Result<ArraySlice<UInt8>, APIError>] {
        let asOfs = Set(requests.map { $0.asOf ?? defaultAsOf })
        guard asOfs.count <= 1 else {
            throw APIError(.unprocessableContent, code: "mixed_as_of",
                           message: "the lines name different as_of days (\(asOfs.sorted().map(\.description).joined(separator: ", "))); send one batch per day",
                           field: "as_of")
        }
        let asOf = asOfs.first ?? defaultAsOf
        guard !requests.isEmpty else { return [] }
        // The accounts header: the required columns, then the others in first-seen order.
        // The accounts header: every schema column (a cell the request leaves out is empty,
        // "not known", as in a file with the column) and the model's columns, then the
        // others in first-seen order.
        var header = Self.schemaColumns + modelColumns
        var seen = Set(header)
        for r in requests { for c in r.account where seen.insert(c.column).inserted { header.append(c.column) } }
        let position = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var accounts = Array((header.joined(separator: ",") + "\n").utf8)
        var payments = Array("account_id,date,amount_due,amount_paid\n".utf8)
        // Payments line → (request, statement index).
        var statementOf: [(request: Int, index: Int)] = []
        // A second line with an account id already sent: refused, and its statements kept
        // out, so they cannot join the first account's history.
        var firstLine: [String: Int] = [:]
        var duplicate = [Bool](repeating: false, count: requests.count)
        for (k, r) in requests.enumerated() {
            if firstLine[r.accountID] != nil { duplicate[k] = true } else { firstLine[r.accountID] = k }
        }
        for (k, r) in requests.enumerated() {
            var cells = [String](repeating: "", count: header.count)
            for c in r.account { cells[position[c.column]!] = c.cell }
            accounts += Array(cells.joined(separator: ",").utf8)
            accounts.append(0x0A)
            let id = r.accountID
            for (j, s) in r.statements.enumerated() where !duplicate[k] {
                payments += Array("\(id),\(s.date),\(s.amountDue),\(s.amountPaid)\n".utf8)
                statementOf.append((k, j))
            }
        }
        let portfolio: Portfolio
        do {
            portfolio = try Pipeline.read(.bytes(accounts: accounts, payments: payments,
                                                 accountsName: "account", paymentsName: "statements"))
        } catch {
            throw APIError(.unprocessableContent, code: "bad_input", message: error.message)
        }
        var failure = [APIError?](repeating: nil, count: requests.count)
        for (k, r) in requests.enumerated() {
            if duplicate[k], let first = firstLine[r.accountID] {
                failure[k] = APIError(.unprocessableContent, code: "duplicate_id",
                                      message: "account.account_id '\(r.accountID)' was already sent on line \(first + 1) of this batch; send each account once",
                                      field: "account.account_id")
                continue
            }
            let given = Set(r.account.map(\.column))
            if let absent = modelColumns.first(where: { !given.contains($0) }) {
                failure[k] = APIError(.unprocessableContent, code: "missing_field",
                                      message: "account.\(absent) is required: the model's features use it (send null when it is not known)",
                                      field: "account.\(absent)")
            }
        }
        for reject in portfolio.rejects {
            switch reject.source {
            case .accounts:
                let k = reject.line - 2
                guard requests.indices.contains(k), failure[k] == nil else { continue }
                failure[k] = APIError(.unprocessableContent, code: reject.code.rawValue,
                                      message: "account.\(reject.column ?? "row"): \(reject.reason)",
                                      field: reject.column.map { "account.\($0)" })
            case .payments:
                let line = reject.line - 2
                guard statementOf.indices.contains(line) else { continue }
                let (k, j) = statementOf[line]
                guard failure[k] == nil else { continue }
                let field = "statements[\(j)]" + (reject.column.map { ".\($0)" } ?? "")
                failure[k] = APIError(.unprocessableContent, code: reject.code.rawValue, message: "\(field): \(reject.reason)", field: field)
            }
        }
        var rows: [ArraySlice<UInt8>] = []
        if portfolio.accounts.count > 0 {
            // `Pipeline.score` with the kernel kept: the same features, kernel and table.
            let scored: ScoredPortfolio
            if let kernel {
                let matrix: FeatureMatrix
                do { matrix = try model.features.apply(to: portfolio, asOf: asOf) } catch {
                    throw APIError(.unprocessableContent, code: "features", message: error.message)
                }
                let scores = kernel.score(matrix, horizonDays: model.horizonDays, horizons: model.predictionHorizons,
                                          parallel: false, reasons: true)
                scored = ScoredPortfolio(portfolio: portfolio, matrix: matrix, scores: scores, model: model)
            } else {
                do throws(PipelineError) { scored = try Pipeline.score(portfolio, with: model, asOf: asOf) } catch {
                    throw APIError(.unprocessableContent, code: "features", message: error.message)
                }
            }
            let bytes = scored.table.rendered(format: .jsonl)
            rows = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
        }
        // Valid accounts come out in request order, skipping rejected account rows.
        var results: [Result<ArraySlice<UInt8>, APIError>] = []
        results.reserveCapacity(requests.count)
        let rejectedRows = Set(portfolio.rejects.filter { $0.source == .accounts }.map { $0.line - 2 })
        var next = 0
        for k in requests.indices {
            if rejectedRows.contains(k) {
                results.append(.failure(failure[k]!))
                continue
            }
            let row = rows[next]
            next += 1
            if let f = failure[k] { results.append(.failure(f)) } else { results.append(.success(row)) }
        }
        return results
    }
}
