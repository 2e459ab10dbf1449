import Foundation
import PortfolioIO
import Scoring

/// Checks of the as-of day against the data and the model (`arrears score`, `rank`,
/// `evaluate`): an as-of far before the history (every statement dated after it, so every
/// history feature reads "no statements") or later than the model's own as-of by more
/// than `maxDaysAfterTraining` (the model may be stale) is legal but rarely meant, so it
/// is reported as a warning.
public struct AsOfCheck: Sendable {
    /// One sentence per problem found; empty when the as-of day looks right.
    public var warnings: [String] = []
    /// Statements dated after the as-of day (ignored, no leakage from the future).
    public var statementsAfterAsOf: Int

    /// The default of `maxDaysAfterTraining`: a year.
    public static let defaultMaxDaysAfterTraining = 365

    public init(_ scored: ScoredPortfolio, maxDaysAfterTraining: Int = AsOfCheck.defaultMaxDaysAfterTraining) {
        let m = scored.matrix
        self.init(statementsUsed: m.statementsUsed, statementsAfterAsOf: m.statementsAfterAsOf,
                  unseenSummaries: m.unseenLevels.map(\.summary), asOf: scored.asOf, model: scored.model,
                  maxDaysAfterTraining: maxDaysAfterTraining)
    }

    /// The same checks over a streamed run's totals.
    public init(_ streamed: StreamedPortfolio, maxDaysAfterTraining: Int = AsOfCheck.defaultMaxDaysAfterTraining) {
        self.init(statementsUsed: streamed.statementsUsed, statementsAfterAsOf: streamed.statementsAfterAsOf,
                  unseenSummaries: streamed.unseen.map(\.summary), asOf: streamed.asOf, model: streamed.model,
                  maxDaysAfterTraining: maxDaysAfterTraining)
    }

    init(statementsUsed: Int, statementsAfterAsOf: Int, unseenSummaries: [String], asOf: CalendarDay, model: ModelArtifact,
         maxDaysAfterTraining: Int) {
        self.statementsAfterAsOf = statementsAfterAsOf
        if statementsUsed == 0 && statementsAfterAsOf > 0 {
            warnings.append("every one of the \(statementsAfterAsOf) statements is dated after the as-of day \(asOf), so every account is scored as if it had no payment history; check the as-of date")
        }
        // Levels the model never saw are scored as `other`: said here so that the
        // standard error, the run's metadata and the evaluation report count them.
        warnings += unseenSummaries
        if let trained = CalendarDay(model.training.asOf) {
            let days = asOf - trained
            if days > maxDaysAfterTraining {
                warnings.append("the as-of day \(asOf) is \(days) days after the model's training as-of \(trained) (more than \(maxDaysAfterTraining)); the model may no longer describe this portfolio: retrain it or check the as-of date")
            }
        }
    }
}

/// What a scoring run did, written beside its outputs (`<out>-meta.json`): the model, the
/// as-of day, the row counts that add up, and the warnings. No clock times, so the same
/// inputs give the same bytes.
public struct RunMetadata: Codable, Sendable {
    public var command: String
    public var asOf: String
    /// The model's path as given, its training as-of day and when it was trained.
    public var model: String
    public var modelTrainingAsOf: String
    public var modelTrainedAt: String
    public var accountRows: Int
    public var accountsKept: Int
    public var accountRowsRejected: Int
    public var paymentRows: Int
    public var paymentsUsed: Int
    public var paymentRowsRejected: Int
    public var statementsAfterAsOf: Int
    /// Other figures of the run (class counts of a worklist), by name.
    public var figures: [String: Int]
    public var warnings: [String]

    public init(command: String, scored: ScoredPortfolio, check: AsOfCheck, figures: [String: Int] = [:]) {
        let p = scored.portfolio
        self.command = command
        asOf = scored.asOf.description
        model = scored.model.source ?? "(in memory)"
        modelTrainingAsOf = scored.model.training.asOf
        modelTrainedAt = scored.model.training.trainedAt
        accountRows = p.accountRows
        accountsKept = p.accounts.count
        accountRowsRejected = p.rejectedAccountRows
        paymentRows = p.paymentRows
        paymentsUsed = p.payments.count
        paymentRowsRejected = p.rejectedPaymentRows
        statementsAfterAsOf = check.statementsAfterAsOf
        self.figures = figures
        warnings = check.warnings
    }

    /// The same record of a streamed run.
    public init(command: String, streamed: StreamedPortfolio, check: AsOfCheck, figures: [String: Int] = [:]) {
        let t = streamed.totals
        self.command = command
        asOf = streamed.asOf.description
        model = streamed.model.source ?? "(in memory)"
        modelTrainingAsOf = streamed.model.training.asOf
        modelTrainedAt = streamed.model.training.trainedAt
        accountRows = t.accountRows
        accountsKept = t.accountsKept
        accountRowsRejected = streamed.rejectedAccountRows
        paymentRows = t.paymentRows
        paymentsUsed = t.paymentsUsed
        paymentRowsRejected = streamed.rejectedPaymentRows
        statementsAfterAsOf = check.statementsAfterAsOf
        self.figures = figures
        warnings = check.warnings
    }

    /// One JSON object, keys sorted, with a final newline.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [0x0A]
    }
}
