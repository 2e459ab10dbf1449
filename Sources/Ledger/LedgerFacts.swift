import Foundation
import GRDB
import GRDBSQLite
import PortfolioIO
import Prioritizer

/// The ledger's events summarised per account as of a day: the contact facts the
/// prioritizer's rules read, and the counts behind the ledger features.
public struct LedgerFacts: Sendable {
    /// The rules' inputs (see `ContactFacts`).
    public var contacts: ContactFacts
    /// account_key of each account row, 0 when the ledger does not have the account.
    public var accountKeys: [Int64]
    /// Contact attempts on any channel in the 30 days ending on as-of.
    public var contacts30d: [Int32]
    /// Of those, the ones that reached the person (`ContactOutcome.reachedPerson`).
    public var rightParty30d: [Int32]
    /// Accounts of the table the ledger knows.
    public var accountsInLedger: Int
    /// Events read (dated on or before as-of).
    public var eventsRead: Int
}

extension Ledger {
    /// Summarises the events dated on or before `asOf` (UTC days) for the accounts of
    /// `accounts`, in its row order. Events after as-of are not read, so neither the
    /// rules nor the features can see the future.
    ///
    /// - Complexity: one pass over the contacts in key order, O(E + n) for E events and
    ///   n accounts.
    public func facts(for accounts: AccountTable, asOf: Int32) throws(LedgerError) -> LedgerFacts {
        let n = accounts.count
        var row: [String: Int32] = [:]
        row.reserveCapacity(n)
        for (i, id) in accounts.accountID.enumerated() { row[id] = Int32(i) }
        var facts = ContactFacts(count: n)
        var keys = [Int64](repeating: 0, count: n)
        var contacts30 = [Int32](repeating: 0, count: n)
        var reached30 = [Int32](repeating: 0, count: n)
        var known = 0, events = 0
        let endOfDay = (Int64(asOf) + 1) * 86_400
        let windowStart = asOf - Int32(ContactFacts.windowDays - 1), start30 = asOf - 29
        try read { db in
            var rowOfKey: [Int32] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT account_key, account_id, state, time_zone, call_opt_out FROM accounts")
            while let r = try cursor.next() {
                let key: Int64 = r[0]
                guard let i = row[r[1]] else { continue }
                if Int(key) >= rowOfKey.count { rowOfKey += Array(repeating: -1, count: Int(key) + 1 - rowOfKey.count) }
                rowOfKey[Int(key)] = i
                keys[Int(i)] = key
                facts.state[Int(i)] = r[2]
                facts.timeZone[Int(i)] = r[3]
                facts.callOptOut[Int(i)] = (r[4] as Int64) != 0
                known += 1
            }
            let statement = try db.makeStatement(sql: "SELECT account_key, at, channel, outcome FROM contacts WHERE at < ?")
            let s = statement.sqliteStatement
            sqlite3_bind_int64(s, 1, endOfDay)
            let call = Int64(ContactChannel.call.rawValue)
            let cease = Int64(ContactOutcome.ceaseRequest.rawValue), dispute = Int64(ContactOutcome.dispute.rawValue)
            var reached = [Bool](repeating: false, count: 256)
            for o in ContactOutcome.allCases where o.reachedPerson { reached[Int(o.rawValue)] = true }
            defer { sqlite3_reset(s) }
            while true {
                let code = sqlite3_step(s)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let key = Int(sqlite3_column_int64(s, 0))
                guard key < rowOfKey.count, rowOfKey[key] >= 0 else { continue }
                let i = Int(rowOfKey[key])
                events += 1
                let day = Timestamp.day(sqlite3_column_int64(s, 1))
                let channel = sqlite3_column_int64(s, 2), outcome = sqlite3_column_int64(s, 3)
                let person = outcome >= 0 && outcome < 256 && reached[Int(outcome)]
                if day >= start30 {
                    contacts30[i] += 1
                    if person { reached30[i] += 1 }
                }
                if channel == call {
                    if day >= windowStart { facts.callsByDay[i * ContactFacts.windowDays + Int(day - windowStart)] &+= 1 }
                    if person && (facts.lastConversationDay[i] == CalendarDay.missing || day > facts.lastConversationDay[i]) {
                        facts.lastConversationDay[i] = day
                    }
                }
                if outcome == cease && (facts.ceaseRequestDay[i] == CalendarDay.missing || day < facts.ceaseRequestDay[i]) {
                    facts.ceaseRequestDay[i] = day
                }
                if outcome == dispute && (facts.disputeDay[i] == CalendarDay.missing || day < facts.disputeDay[i]) {
                    facts.disputeDay[i] = day
                }
            }
            let promises = try Row.fetchCursor(db, sql: "SELECT account_key, promised_on, due, amount_cents FROM promises WHERE promised_on <= ?",
                                               arguments: [Int64(asOf)])
            while let p = try promises.next() {
                let key: Int64 = p[0]
                guard Int(key) < rowOfKey.count, rowOfKey[Int(key)] >= 0 else { continue }
                facts.promises.append(PromiseRecord(account: rowOfKey[Int(key)], promisedOn: Int32(p[1] as Int64),
                                                    due: Int32(p[2] as Int64), amount: Double(p[3] as Int64) / 100))
            }
        }
        return LedgerFacts(contacts: facts, accountKeys: keys, contacts30d: contacts30, rightParty30d: reached30,
                           accountsInLedger: known, eventsRead: events)
    }
}
