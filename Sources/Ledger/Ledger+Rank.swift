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
    /// (`Prioritizer.rank(…, contacts:, payments:)`); write the run to the audit trail
    /// afterwards with `recordRun`.
    public func rank(_ prioritizer: Prioritizer, accounts: AccountTable, payments: PaymentTable, rejects: [Reject],
                     accountRows: Int, asOf: Int32, scores: ModelOutputs, capacity: Int?) throws -> LedgerRankResult {
        let facts = try facts(for: accounts, asOf: asOf)
        let result = try prioritizer.rank(accounts: accounts, rejects: rejects, accountRows: accountRows, asOf: asOf,
                                          scores: scores, capacity: capacity, contacts: facts.contacts, payments: payments)
        return LedgerRankResult(result: result, facts: facts)
    }
}
