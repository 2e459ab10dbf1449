import PortfolioIO
import Prioritizer

/// A rank run with the ledger: the worklist, and the facts it was computed from (for
/// the audit trail).
public struct LedgerRankResult: Sendable {
    public var result: WorklistResult
    public var facts: LedgerFacts
}

extension Ledger {
    /// Ranks with the contact rules computed from the ledger's events as of `asOf`
    /// (`Prioritizer.rank(…, contacts:)`); write the run to the audit trail afterwards
    /// with `recordRun`.
    public func rank(_ prioritizer: Prioritizer, portfolio: Portfolio, asOf: CalendarDay, scores: ModelOutputs,
                     capacity: Int?) throws -> LedgerRankResult {
        let facts = try facts(for: portfolio.accounts, asOf: asOf.dayNumber)
        let result = try prioritizer.rank(portfolio, asOf: asOf, scores: scores, capacity: capacity, contacts: facts.contacts)
        return LedgerRankResult(result: result, facts: facts)
    }
}
