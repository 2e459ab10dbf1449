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
        let audit = try startRecording(result, asOf: asOf, model: model, policy: policy)
        return try audit.finish(commit: true)
    }

    /// Starts writing the run to the audit trail on another thread, so that it overlaps
    /// the output files being rendered and written; the transaction stays open until
    /// `finish(commit:)`: the run is committed only when the outputs were written.
    func startRecording(_ result: WorklistResult, asOf: Int32, model: String, policy: String?) throws -> PendingAudit {
        guard let facts else { preconditionFailure("LedgerRank.record before facts(for:asOf:)") }
        let identity: RunIdentity
        do {
            identity = RunIdentity(asOf: asOf, modelSHA256: try sha256Hex(ofFileAt: model),
                                   policySHA256: try policy.map { try sha256Hex(ofFileAt: $0) } ?? "")
        } catch {
            throw CommandFailure(message: "--model/--policy: cannot hash the file for the audit trail (\(error))")
        }
        let audit = PendingAudit()
        let ledger = self.ledger
        Thread.detachNewThread {
            let outcome: Result<Int64, LedgerError>
            do throws(LedgerError) {
                outcome = .success(try ledger.recordRun(result, identity: identity, facts: facts) {
                    guard audit.awaitDecision() else { throw PendingAudit.Abandoned() }
                })
            } catch {
                outcome = .failure(error)
            }
            audit.finished(outcome)
        }
        let followUps = result.counts[.promiseDue] + result.counts[.promiseBroken]
        audit.note = { run in
            "ledger: \(facts.eventsRead) events of \(facts.accountsInLedger) accounts read; run \(run) recorded in \(ledger.path)"
                + " (\(result.counts.total) decisions; follow-ups \(followUps): promise due \(result.counts[.promiseDue]), promise broken \(result.counts[.promiseBroken]))"
        }
        return audit
    }
}

/// An audit-trail write running on its own thread (see `LedgerRank.startRecording`):
/// the writer waits in its transaction for `finish(commit:)`, then commits or rolls back.
final class PendingAudit: @unchecked Sendable {
    // @unchecked: `commit` is written before `decided` is signalled and read after the
    // wait; `outcome` likewise with `done`; `note` is set before `finish` is called.
    struct Abandoned: Error {}
    private let decided = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
    private var commit = false
    private var outcome: Result<Int64, LedgerError>?
    var note: (Int64) -> String = { "run \($0)" }

    /// Called by the writer inside its transaction: true to commit.
    func awaitDecision() -> Bool {
        decided.wait()
        return commit
    }

    func finished(_ outcome: Result<Int64, LedgerError>) {
        self.outcome = outcome
        done.signal()
    }

    /// Lets the writer commit (`commit`) or roll back, waits for it, and returns the
    /// note for standard error (after a commit).
    @discardableResult
    func finish(commit: Bool) throws -> String {
        self.commit = commit
        decided.signal()
        done.wait()
        switch outcome! {
        case .success(let run): return note(run)
        case .failure(let error):
            if !commit { return "" }
            throw CommandFailure(message: "--ledger: \(error.description)")
        }
    }
}
