import Features
import PortfolioIO
import Scoring

/// What a streamed scoring run found over all its chunks: what `ScoredPortfolio` says of
/// a whole portfolio, without the rows (they went to the outputs chunk by chunk).
public struct StreamedPortfolio: Sendable {
    /// Row counts, rejects (in `Portfolio.rejects` order) and fingerprints.
    public var totals: PortfolioStream.Totals
    public var asOf: CalendarDay
    public var model: ModelArtifact
    /// Statements on or before as-of, and after it (ignored), over every chunk.
    public var statementsUsed = 0
    public var statementsAfterAsOf = 0
    /// The categorical levels the model never saw, per column in the feature plan's order.
    public var unseen: [UnseenTally] = []

    /// `Portfolio.rejectedAccountRows` / `rejectedPaymentRows` of the whole input.
    public var rejectedAccountRows: Int { totals.accountRejects.count }
    public var rejectedPaymentRows: Int { totals.paymentRejects.count }
    public var rejects: [Reject] { totals.rejects }
}

/// The unseen levels of one categorical column over a streamed run: their account count
/// and the accounts per text (`UnseenLevels` over all rows, without the row list).
public struct UnseenTally: Sendable, Equatable {
    public var column: String
    public var accounts = 0
    public var byText: [String: Int] = [:]
    public var otherHadTrainingRows: Bool

    /// `UnseenLevels.summary` of the whole portfolio's rows.
    public var summary: String {
        let counts = byText.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let shown = counts.prefix(5).map { "\($0.key.isEmpty ? "(empty)" : $0.key) \($0.value)" }
        let more = counts.count > 5 ? ", … (\(counts.count) levels)" : ""
        return "\(column): \(accounts) account\(accounts == 1 ? "" : "s") with a level not among the training levels, scored as other: "
            + shown.joined(separator: ", ") + more
    }
}

/// Whether a run can stream, and how chunks are cut.
public struct StreamingOptions: Sendable {
    /// Chunk and window sizes (`PortfolioStream.Layout`); the outputs never depend on them.
    public var layout = PortfolioStream.Layout()

    public init(layout: PortfolioStream.Layout = PortfolioStream.Layout()) { self.layout = layout }

    /// Streaming reads each file once, in order, and may give up midway (then the run
    /// starts again reading the portfolio whole), so it needs two regular files.
    public static func canStream(_ source: PortfolioSource) -> Bool {
        guard case .files(let a, let p) = source, a != "-", p != "-" else { return false }
        return isRegularFile(a) && isRegularFile(p)
    }
}

extension Pipeline {
    /// Scores a portfolio chunk by chunk in bounded memory (DESIGN §9): reads both files as
    /// a `PortfolioStream`, builds each chunk's features and scores exactly as
    /// `score(_:with:asOf:reasons:)` does for a whole portfolio, and hands each scored chunk
    /// to `body` in the accounts' order. Each chunk's rows are those the whole-portfolio
    /// run gives for its accounts, byte for byte.
    /// - Parameter progress: called after each chunk with (bytes read, total bytes).
    /// - Throws: `StreamFallback` when the input is not grouped by account (read it whole
    ///   then: `score(_:with:asOf:…)` gives the same outputs); any other error likewise
    ///   means "run the whole-portfolio path", which reports it as it always has.
    public static func streamScore(accounts: String, payments: String, with model: ModelArtifact, asOf: CalendarDay,
                                   labels: Bool = false, reasons: Bool = true, options: StreamingOptions = StreamingOptions(),
                                   progress: (Int, Int?) -> Void = { _, _ in },
                                   _ body: (ScoredPortfolio, _ firstAccount: Int) throws -> Void) throws -> StreamedPortfolio {
        let stream = try PortfolioStream(accountsPath: accounts, paymentsPath: payments,
                                         options: ReadOptions(requireLabels: labels), layout: options.layout)
        var result = StreamedPortfolio(totals: PortfolioStream.Totals(), asOf: asOf, model: model)
        var tallies: [String: UnseenTally] = [:]
        try stream.run { chunk in
            let scored = try score(chunk.portfolio, with: model, asOf: asOf, reasons: reasons)
            result.statementsUsed += scored.matrix.statementsUsed
            result.statementsAfterAsOf += scored.matrix.statementsAfterAsOf
            for u in scored.matrix.unseenLevels {
                var t = tallies[u.column] ?? UnseenTally(column: u.column, otherHadTrainingRows: u.otherHadTrainingRows)
                t.accounts += u.rows.count
                for text in u.texts { t.byText[text, default: 0] += 1 }
                tallies[u.column] = t
            }
            try body(scored, chunk.firstAccount)
            progress(stream.progress.done, stream.progress.total)
        }
        result.totals = stream.totals
        // The plan's order of the categorical columns: their first one-hot column in the spec.
        var order: [String] = []
        for c in model.features.columns {
            if case .oneHot(let column, _) = c.kind, !order.contains(column) { order.append(column) }
        }
        result.unseen = order.compactMap { tallies[$0] }
        return result
    }
}

extension ScoredPortfolio {
    /// The `arrears score` rows of this (chunk of a) portfolio without the CSV header.
    public func tableRows(format: OutputFormat) -> [UInt8] {
        let bytes = table.rendered(format: format)
        guard format == .csv else { return bytes }
        let header = TextOutput(format: .csv, header: ScoreTable.columns(horizons: scores.horizons, outcomes: scores.outcomes)).bytes
        precondition(bytes.starts(with: header), "score table without its header")
        return Array(bytes[header.count...])
    }
}

extension StreamedPortfolio {
    /// `Portfolio.countsLine`: "accounts: 5000 rows read = 5000 scored + 0 rejected; payments: …".
    public func countsLine(_ verb: String) -> String {
        "accounts: \(totals.accountRows) rows read = \(totals.accountsKept) \(verb) + \(rejectedAccountRows) rejected; "
            + "payments: \(totals.paymentRows) rows read = \(totals.paymentsUsed) used + \(rejectedPaymentRows) rejected"
    }

    /// The `--strict` error of `Pipeline.score` when a row was rejected.
    public var strictError: PipelineError? {
        guard let first = rejects.first else { return nil }
        return PipelineError(code: .strict, message: "\(rejects.count) rows rejected, first: \(first)")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// True when `path` is a regular file (links followed).
func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
}
