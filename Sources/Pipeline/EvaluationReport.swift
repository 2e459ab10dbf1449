import Foundation
import Models
import PortfolioIO
import Scoring

/// A model measured on a labelled portfolio (`arrears evaluate`): the metrics `train`
/// prints for its holdout and the PSI of the score points against the training
/// distribution stored in the model.
public struct EvaluationReport: Codable, Sendable {
    /// The model's path as loaded.
    public var model: String
    /// The as-of day, `YYYY-MM-DD`.
    public var asOf: String
    public var metrics: EvaluationMetrics
    public var populationStability: PopulationStability?
    /// Caveats: an as-of day that looks wrong, in-sample figures.
    public var warnings: [String] = []

    /// "stable" below 0.1, "some shift" below 0.25, else "significant shift".
    public static func verdict(psi: Double) -> String {
        psi < 0.1 ? "stable" : psi < 0.25 ? "some shift" : "significant shift"
    }

    /// One JSON object, keys sorted, with a final newline.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                      negativeInfinity: "-Infinity", nan: "NaN")
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [0x0A]
    }

    /// The summary text, titled with the portfolio's name.
    /// `cox` false: the model has no Cox part (`train --models logistic`), its lines are left out.
    public func text(portfolioName: String, horizonDays: Int, cox: Bool = true) -> [UInt8] {
        var lines = metrics.summaryLines(title: "Evaluation of \(model) on \(portfolioName) as of \(asOf) (\(metrics.accounts) accounts)",
                                         horizonDays: horizonDays, cox: cox)
        if let psi = populationStability {
            lines.append("  PSI of score points vs training: \(String(format: "%.4f", psi.index)) (\(Self.verdict(psi: psi.index)))")
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }
}

extension Pipeline {
    /// The metrics of the model behind `scored` on its labelled accounts, and the PSI of
    /// their score points against training.
    /// - Throws: `PipelineError.data` when the accounts have no labels.
    /// `rows` (indices into the accounts) restricts both to those accounts.
    public static func evaluate(_ scored: ScoredPortfolio, rows: [Int]? = nil) throws(PipelineError) -> EvaluationReport {
        guard let labels = scored.labels else {
            throw PipelineError(code: .data, message: "the accounts have no labels (days_to_recovery, recovered) to evaluate against")
        }
        let metrics = scored.model.evaluate(scored.scores, labels: labels, rows: rows,
                                            accountIDs: scored.portfolio.accounts.accountID)
        let points = rows.map { $0.map { scored.scores.scorePoints[$0] } } ?? scored.scores.scorePoints
        let psi = scored.model.training.scoreDistribution.stability(of: points)
        return EvaluationReport(model: scored.model.source ?? "(in memory)", asOf: scored.asOf.description,
                                metrics: metrics, populationStability: psi)
    }
}

extension Pipeline {
    /// The rows of `portfolio`'s valid accounts whose ids a one-column CSV (`account_id`)
    /// lists, ascending. An id that is not among the valid accounts stops with its line.
    public static func rows(listedIn path: String, of portfolio: Portfolio) throws(PipelineError) -> [Int] {
        var index: [String: Int] = [:]
        for (i, id) in portfolio.accounts.accountID.enumerated() { index[id] = i }
        let reader: CSVReader
        do throws(InputError) { reader = try CSVReader(path: path) } catch { throw PipelineError(.input, error) }
        var rows: [Int] = [], column = -1
        do throws(InputError) {
            while try reader.next() != .end {
                let fields = reader.strings()
                if fields.count == 1 && fields[0].isEmpty { continue }
                if column < 0 {
                    guard let c = fields.firstIndex(where: { $0.lowercased() == "account_id" }) else {
                        throw InputError(code: .missingColumn, file: path, line: reader.line, column: "account_id",
                                         message: "the header has no account_id column")
                    }
                    column = c
                    continue
                }
                guard column < fields.count, let i = index[fields[column]] else {
                    throw InputError(code: .missingColumn, file: path, line: reader.line, column: "account_id",
                                     message: "account '\(column < fields.count ? fields[column] : "")' is not a valid account of the portfolio")
                }
                rows.append(i)
            }
        } catch {
            throw PipelineError(.input, error)
        }
        return Array(Set(rows)).sorted()
    }
}
