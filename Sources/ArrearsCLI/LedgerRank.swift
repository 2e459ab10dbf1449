import Foundation
import Ledger
import PortfolioIO
import Prioritizer
import Scoring

/// `rank --ledger FILE`: the glue between the rank command and the ledger library.
struct LedgerRank {
    let ledger: Ledger
    var facts: LedgerFacts?

    init(path: String) throws {
        do { ledger = try Ledger(path: path) } catch { throw CommandFailure(message: "--ledger: \(error.description)") }
    }

    /// Reads the ledger's facts for the portfolio's accounts as of `asOf`.
    mutating func facts(for accounts: AccountTable, asOf: Int32) throws -> ContactFacts {
        do {
            let facts = try ledger.facts(for: accounts, asOf: asOf)
            self.facts = facts
            return facts.contacts
        } catch {
            throw CommandFailure(message: "--ledger: \(error.description)")
        }
    }

    /// Writes the run to the audit trail; returns the note for standard error.
    func record(_ result: WorklistResult, asOf: Int32, model: String, policy: String?) throws -> String {
        guard let facts else { preconditionFailure("LedgerRank.record before facts(for:asOf:)") }
        let identity: RunIdentity
        do {
            identity = RunIdentity(asOf: asOf, modelSHA256: try sha256Hex(ofFileAt: model),
                                   policySHA256: try policy.map { try sha256Hex(ofFileAt: $0) } ?? "")
        } catch {
            throw CommandFailure(message: "--model/--policy: cannot hash the file for the audit trail (\(error))")
        }
        let run: Int64
        do { run = try ledger.recordRun(result, identity: identity, facts: facts) } catch {
            throw CommandFailure(message: "--ledger: \(error.description)")
        }
        let followUps = result.counts[.promiseDue] + result.counts[.promiseBroken]
        return "ledger: \(facts.eventsRead) events of \(facts.accountsInLedger) accounts read; run \(run) recorded in \(ledger.path)"
            + " (\(result.counts.total) decisions; follow-ups \(followUps): promise due \(result.counts[.promiseDue]), promise broken \(result.counts[.promiseBroken]))"
    }
}
