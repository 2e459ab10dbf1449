import Foundation
import GRDB
import PortfolioIO

/// One line of an account's timeline (`arrears ledger show`), in time order.
public struct TimelineEntry: Sendable, Equatable {
    public enum Kind: String, Sendable { case statement, contact, promise, decision }
    /// UTC timestamp (seconds) for contacts; the day's midnight for dated entries.
    public var at: Int64
    public var kind: Kind
    public var text: String
}

/// An account's history in the ledger, plus its statements when a payments file is given.
public struct Timeline: Sendable {
    public var accountID: String
    /// Contact point: state, time zone and opt-outs, as one line.
    public var contactPoint: String
    public var entries: [TimelineEntry]

    /// The timeline as text, one entry per line: `2026-03-04T14:05:00Z  contact  call right_party by C07`.
    public var text: String {
        var lines = ["account \(accountID): \(contactPoint)"]
        for e in entries {
            let when = e.kind == .contact ? Timestamp.format(e.at) : CalendarDay.format(Timestamp.day(e.at)) + "          "
            lines.append("\(when)  \(e.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(e.text)")
        }
        return lines.joined(separator: "\n")
    }
}

extension Ledger {
    /// The account's timeline: contacts, promises (with the status of the last run),
    /// every rank decision recorded for it, and the statements of `payments` (rows of
    /// `statements` already filtered to the account: (day, amount due, amount paid)).
    public func timeline(account: String, statements: [(day: Int32, due: Double, paid: Double)] = []) throws(LedgerError) -> Timeline {
        try read { db in
            guard let point = try Row.fetchOne(db, sql: "SELECT account_key, state, time_zone, call_opt_out, sms_opt_out, email_opt_out FROM accounts WHERE account_id = ?",
                                               arguments: [account]) else {
                throw LedgerError(code: .unknownAccount, file: path, message:
                    "account '\(account)' is not in the ledger (import it with `arrears ledger import accounts FILE`)")
            }
            let key: Int64 = point[0]
            let optOuts = ["call", "sms", "email"].enumerated().filter { (point[3 + $0.offset] as Int64) != 0 }.map(\.element)
            let state: String = point[1], zone: String = point[2]
            let contactPoint = "state \(state.isEmpty ? "unknown" : state), time zone \(zone.isEmpty ? "unknown" : zone), opted out of "
                + (optOuts.isEmpty ? "nothing" : optOuts.joined(separator: ", "))
            var entries: [TimelineEntry] = statements.map {
                TimelineEntry(at: Int64($0.day) * 86_400, kind: .statement,
                              text: "due \(String(format: "%.2f", $0.due)), paid \(String(format: "%.2f", $0.paid))")
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT c.at, ch.name, o.name, k.collector_id FROM contacts c JOIN channels ch ON ch.code = c.channel
                JOIN outcomes o ON o.code = c.outcome JOIN collectors k USING (collector_key) WHERE c.account_key = ?
                """, arguments: [key]) {
                let collector: String = r[3]
                entries.append(TimelineEntry(at: r[0], kind: .contact, text: "\(r[1] as String) \(r[2] as String)" + (collector.isEmpty ? "" : " by \(collector)")))
            }
            for r in try Row.fetchAll(db, sql: "SELECT promised_on, due, amount_cents, status, paid_cents, resolved_as_of FROM promises WHERE account_key = ?",
                                      arguments: [key]) {
                let resolved: Int64? = r[5]
                let status = resolved.map { "\(r[3] as String) as of \(CalendarDay.format(Int32($0))), paid \(String(format: "%.2f", Double(r[4] as Int64) / 100))" }
                    ?? "not resolved yet (rank --ledger resolves it)"
                entries.append(TimelineEntry(at: (r[0] as Int64) * 86_400, kind: .promise,
                    text: "promised \(String(format: "%.2f", Double(r[2] as Int64) / 100)) due \(CalendarDay.format(Int32(r[1] as Int64))): \(status)"))
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT runs.as_of, run_accounts.run_id, class, rule, rank, calls_left, next_contact_date, reason, runs.capacity
                FROM run_accounts JOIN runs USING (run_id) WHERE account_id = ? ORDER BY run_id
                """, arguments: [account]) {
                let day = CalendarDay.parse(r[0] as String) ?? 0
                var text = "run \(r[1] as Int64): \(r[2] as String)"
                let rule: String = r[3]
                if !rule.isEmpty { text += " (\(rule))" }
                if let rank: Int64 = r[4] { text += ", rank \(rank)" }
                if let left: Int64 = r[5] { text += ", \(left) calls left" }
                if let next: String = r[6] { text += ", next contact \(next)" }
                var reason: String = r[7]
                if reason.isEmpty, let rank: Int64 = r[4], let capacity: Int64 = r[8] {
                    reason = rank > capacity ? "over capacity: rank \(rank) > capacity \(capacity)" : "worklist rank \(rank) of \(capacity)"
                }
                if !reason.isEmpty { text += ": \(reason)" }
                entries.append(TimelineEntry(at: Int64(day) * 86_400 + 86_399, kind: .decision, text: text))
            }
            entries.sort { ($0.at, $0.kind.rawValue) < ($1.at, $1.kind.rawValue) }
            return Timeline(accountID: account, contactPoint: contactPoint, entries: entries)
        }
    }

    // MARK: Check and backup

    /// The result of `check`: SQLite's integrity check and the counts that must add up.
    public struct CheckReport: Sendable {
        /// "ok", or SQLite's list of problems.
        public var integrity: String
        /// (name, expected, actual) for each count; a mismatch means rows were lost.
        public var counts: [(name: String, expected: Int, actual: Int)]
        public var isHealthy: Bool { integrity == "ok" && counts.allSatisfy { $0.expected == $0.actual } }

        public var text: String {
            var lines = ["integrity: \(integrity)"]
            for c in counts {
                lines.append("\(c.name): \(c.expected) expected, \(c.actual) found\(c.expected == c.actual ? "" : "  MISMATCH")")
            }
            lines.append(isHealthy ? "ledger ok" : "ledger has problems")
            return lines.joined(separator: "\n")
        }
    }

    /// Runs `PRAGMA integrity_check` and checks that the rows each import added are the
    /// rows in the tables, that every import's rows read = added + present + rejected, and
    /// that every run has one audit row per input row.
    public func check() throws(LedgerError) -> CheckReport {
        try read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            func int(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            var counts: [(String, Int, Int)] = []
            counts.append(("contacts (rows added by imports and logs)",
                           try int("SELECT COALESCE(SUM(rows_added), 0) FROM imports WHERE kind IN ('contacts', 'log')"),
                           try int("SELECT COUNT(*) FROM contacts")))
            counts.append(("promises (rows added by imports)",
                           try int("SELECT COALESCE(SUM(rows_added), 0) FROM imports WHERE kind = 'promises'"),
                           try int("SELECT COUNT(*) FROM promises")))
            counts.append(("accounts (rows added by imports)",
                           try int("SELECT COALESCE(SUM(rows_added), 0) FROM imports WHERE kind = 'accounts'"),
                           try int("SELECT COUNT(*) FROM accounts")))
            counts.append(("import rows read (= added + present + rejected)",
                           try int("SELECT COALESCE(SUM(rows_read), 0) FROM imports"),
                           try int("SELECT COALESCE(SUM(rows_added + rows_present + rows_rejected), 0) FROM imports")))
            counts.append(("audit rows (= input rows of every run)",
                           try int("SELECT COALESCE(SUM(total), 0) FROM runs"),
                           try int("SELECT COUNT(*) FROM run_accounts")))
            return CheckReport(integrity: integrity, counts: counts)
        }
    }

    /// Copies the ledger to `destination` with SQLite's online backup (readers and
    /// writers may keep working); the copy is written beside it and renamed into place.
    public func backup(to destination: String) throws(LedgerError) {
        let temporary = destination + ".tmp-\(getpid())"
        do {
            try? FileManager.default.removeItem(atPath: temporary)
            let target = try DatabaseQueue(path: temporary)
            try pool.backup(to: target)
            try target.close()
            if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
            try FileManager.default.moveItem(atPath: temporary, toPath: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw LedgerError(code: .database, file: destination, message: "backup failed: \(error)", cause: error)
        }
    }

    /// Counts of the main tables, for summaries: (accounts, contacts, promises, runs).
    public func tableCounts() throws(LedgerError) -> (accounts: Int, contacts: Int, promises: Int, runs: Int) {
        try read { db in
            func int(_ t: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(t)") ?? 0 }
            return (try int("accounts"), try int("contacts"), try int("promises"), try int("runs"))
        }
    }
}
