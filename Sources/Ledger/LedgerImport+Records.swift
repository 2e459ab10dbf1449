import Foundation
import GRDB
import PortfolioIO

extension Ledger {
    // MARK: Accounts (contact points)

    /// Imports accounts and their contact points: `account_id` and optional `state`
    /// (two letters), `time_zone` (an IANA name, e.g. America/Chicago), `call_opt_out`,
    /// `sms_opt_out`, `email_opt_out` (0/1/true/false/yes/no; empty = 0). The portfolio's
    /// accounts.csv works as is (its other columns are ignored). An account already in the
    /// ledger gets the non-empty values of the columns the file has; it counts as already
    /// present. Rejected: an empty or repeated account_id, a bad state, a zone the IANA
    /// database does not know, a bad flag.
    public func importAccounts(path: String) throws(LedgerError) -> ImportSummary {
        let file = try ImportFile(path: path, required: [["account_id"]],
                                  optional: [["state"], ["time_zone", "timezone", "tz"], ["call_opt_out"], ["sms_opt_out"], ["email_opt_out"]])
        let flags = ["call_opt_out", "sms_opt_out", "email_opt_out"].filter { file.index[$0] != nil }
        let hasState = file.index["state"] != nil, hasZone = file.index["time_zone"] != nil
        var knownZones: [String: Bool] = [:]
        return try write { db in
            let existing = try Self.accountKeys(db)
            let importID = try Self.beginImport("accounts", path, db)
            var summary = ImportSummary(kind: "accounts", file: path)
            var seen: [String: Int] = [:]
            // One upsert for the columns the file has; an empty cell keeps the stored value.
            let columns = (hasState ? ["state"] : []) + (hasZone ? ["time_zone"] : []) + flags
            let updates = columns.map { c in
                flags.contains(c) ? "\(c) = excluded.\(c)"
                    : "\(c) = CASE WHEN excluded.\(c) <> '' THEN excluded.\(c) ELSE accounts.\(c) END"
            }
            let upsert = try db.makeStatement(sql: "INSERT INTO accounts (account_id\(columns.map { ", " + $0 }.joined())) VALUES (?"
                + String(repeating: ", ?", count: columns.count) + ") ON CONFLICT (account_id) DO "
                + (updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", ")))
            row: while try file.next() {
                summary.rowsRead += 1
                let id = file.string("account_id")
                if let r = file.raggedReject(account: id) { summary.rejected.append(r); continue }
                guard !id.isEmpty else {
                    summary.rejected.append(file.reject("account_id", .missingValue, "account_id is empty", account: "")); continue
                }
                if let first = seen[id] {
                    summary.rejected.append(file.reject("account_id", .duplicateRow, "account '\(id)' is already on line \(first)", account: id)); continue
                }
                let state = file.string("state").uppercased()
                if hasState && !state.isEmpty && !(state.utf8.count == 2 && state.utf8.allSatisfy { (65...90).contains($0) }) {
                    summary.rejected.append(file.reject("state", .badState, "'\(state)' is not a two-letter state code", account: id)); continue
                }
                let zone = file.string("time_zone")
                if hasZone && !zone.isEmpty {
                    let ok = knownZones[zone] ?? (TimeZone(identifier: zone) != nil)
                    knownZones[zone] = ok
                    if !ok {
                        summary.rejected.append(file.reject("time_zone", .unknownTimeZone,
                            "'\(zone)' is not an IANA time zone (e.g. America/New_York); leave it empty when unknown", account: id))
                        continue
                    }
                }
                var values: [(String, Int)] = []
                for flag in flags {
                    guard let v = Self.flag(file.string(flag)) else {
                        summary.rejected.append(file.reject(flag, .badFlag, "'\(file.string(flag))' is not 0/1/true/false/yes/no", account: id))
                        continue row
                    }
                    values.append((flag, v))
                }
                seen[id] = file.line
                var args: [any DatabaseValueConvertible] = [id]
                if hasState { args.append(state) }
                if hasZone { args.append(zone) }
                for (_, v) in values { args.append(v) }
                try upsert.execute(arguments: StatementArguments(args))
                if existing[id] == nil { summary.added += 1 } else { summary.alreadyPresent += 1 }
            }
            try Self.finishImport(importID, summary, db)
            return summary
        }
    }

    static func flag(_ s: String) -> Int? {
        switch s.lowercased() {
        case "", "0", "false", "no": 0
        case "1", "true", "yes": 1
        default: nil
        }
    }

    // MARK: Promises

    /// Imports promises to pay: `account_id`, `promised_on` and `due_date` (YYYY-MM-DD),
    /// `amount` (currency, > 0) and optional `collector`. Rejected: a bad date, a due
    /// date before the promise, a bad amount, an unknown account, a row repeating an
    /// earlier one (same account, dates and amount). Re-importing changes nothing.
    public func importPromises(path: String) throws(LedgerError) -> ImportSummary {
        let file = try ImportFile(path: path, required: [["account_id"], ["promised_on"], ["due_date", "due"], ["amount"]],
                                  optional: [["collector", "collector_id"]])
        return try write { db in
            let accounts = try Self.accountKeys(db)
            var collectors = try Self.collectors(db)
            let importID = try Self.beginImport("promises", path, db)
            var summary = ImportSummary(kind: "promises", file: path)
            var seen: [String: Int] = [:]
            let insert = try BulkInsert(db, "INSERT OR IGNORE INTO promises (account_key, promised_on, due, amount_cents, collector_key, import_id) VALUES (?, ?, ?, ?, ?, ?)")
            while try file.next() {
                summary.rowsRead += 1
                let id = file.string("account_id")
                if let r = file.raggedReject(account: id) { summary.rejected.append(r); continue }
                guard let key = accounts[id] else {
                    summary.rejected.append(file.reject("account_id", id.isEmpty ? .missingValue : .unknownAccount,
                        id.isEmpty ? "account_id is empty" : "account '\(id)' is not in the ledger; import it first with `arrears ledger import accounts FILE`", account: id))
                    continue
                }
                guard let made = CalendarDay.parse(file.field("promised_on")) else {
                    summary.rejected.append(file.reject("promised_on", .badDate, "'\(file.string("promised_on"))' is not a date YYYY-MM-DD", account: id)); continue
                }
                guard let due = CalendarDay.parse(file.field("due_date")) else {
                    summary.rejected.append(file.reject("due_date", .badDate, "'\(file.string("due_date"))' is not a date YYYY-MM-DD", account: id)); continue
                }
                guard due >= made else {
                    summary.rejected.append(file.reject("due_date", .dueBeforePromise,
                        "due date \(CalendarDay.format(due)) is before the promise date \(CalendarDay.format(made))", account: id)); continue
                }
                guard case .value(let amount) = NumberParser.parse(file.field("amount")), amount > 0, amount < 1e13 else {
                    summary.rejected.append(file.reject("amount", .badNumber,
                        "'\(file.string("amount"))' is not an amount > 0 (currency units, e.g. 125.50)", account: id)); continue
                }
                let cents = Int64((amount * 100).rounded())
                let dedup = "\(key),\(made),\(due),\(cents)"
                if let first = seen[dedup] {
                    summary.rejected.append(file.reject(nil, .duplicateRow, "repeats line \(first) (same account, dates and amount)", account: id)); continue
                }
                seen[dedup] = file.line
                let collector = try Self.collectorKey(file.string("collector"), &collectors, db)
                if try insert.run(key, Int64(made), Int64(due), cents, collector, importID) == 1 {
                    summary.added += 1
                } else {
                    summary.alreadyPresent += 1
                }
            }
            try Self.finishImport(importID, summary, db)
            return summary
        }
    }
}
