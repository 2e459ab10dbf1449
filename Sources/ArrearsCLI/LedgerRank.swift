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
        audit.start {
            do throws(LedgerError) {
                return .success(try ledger.recordRun(result, identity: identity, facts: facts) {
                    guard audit.awaitDecision() else { throw PendingAudit.Abandoned() }
                })
            } catch {
                return .failure(error)
            }
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
///
/// The thread is a joinable POSIX thread, and `finish` joins it: by the time `finish`
/// returns, the writer has released everything it held — the ledger's connection pool
/// (closing its SQLite connections and disposing of its dispatch queues), the worklist,
/// the facts. A detached thread did that teardown after signalling completion, racing with
/// the command's next allocations or with the process's exit handlers; that race was the
/// occasional `malloc(): unaligned fastbin chunk detected` abort after `rank --ledger`.
final class PendingAudit: @unchecked Sendable {
    // @unchecked: `commit` is written before `decided` is signalled and read after the
    // wait; `outcome` is written by the thread and read after `pthread_join`; `note` is
    // set before `finish` is called.
    struct Abandoned: Error {}
    private let decided = DispatchSemaphore(value: 0)
    private var commit = false
    private var outcome: Result<Int64, LedgerError>?
    private var thread: pthread_t?
    var note: (Int64) -> String = { "run \($0)" }

    /// The thread's work and where its result goes; released on the thread before it ends.
    private final class Work {
        let body: () -> Result<Int64, LedgerError>
        let audit: PendingAudit
        init(_ body: @escaping () -> Result<Int64, LedgerError>, _ audit: PendingAudit) { self.body = body; self.audit = audit }
    }

    /// Runs `body` on a new joinable thread (on this thread, when no thread can be made —
    /// then `body` must not wait for `finish`, so the decision is taken as a commit).
    func start(_ body: @escaping () -> Result<Int64, LedgerError>) {
        let context = Unmanaged.passRetained(Work(body, self)).toOpaque()
        var id = pthread_t()
        let rc = pthread_create(&id, nil, { raw in
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            work.audit.outcome = work.body()
            return nil                                   // `work` (and what `body` captured) is released here
        }, context)
        if rc == 0 {
            thread = id
        } else {
            let work = Unmanaged<Work>.fromOpaque(context).takeRetainedValue()
            commit = true
            decided.signal()
            outcome = work.body()
        }
    }

    /// Called by the writer inside its transaction: true to commit.
    func awaitDecision() -> Bool {
        decided.wait()
        return commit
    }

    /// Lets the writer commit (`commit`) or roll back, waits for its thread to end, and
    /// returns the note for standard error (after a commit).
    @discardableResult
    func finish(commit: Bool) throws -> String {
        if let t = thread {
            self.commit = commit
            decided.signal()
            pthread_join(t, nil)
            thread = nil
        }
        switch outcome {
        case .success(let run)?: return note(run)
        case .failure(let error)?:
            if !commit { return "" }
            throw CommandFailure(message: "--ledger: \(error.description)")
        case nil: return ""
        }
    }

    deinit {
        // Never left running: a run that was not finished is rolled back.
        if let t = thread {
            commit = false
            decided.signal()
            pthread_join(t, nil)
        }
    }
}
