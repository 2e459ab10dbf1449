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
    ///   n accounts, split into two ranges of account keys read at once (WAL readers run
    ///   concurrently).
    public func facts(for accounts: AccountTable, asOf: Int32) throws(LedgerError) -> LedgerFacts {
        let n = accounts.count
        // Ledger id → portfolio row. The ledger's accounts usually come from the same
        // export as the portfolio, in the same order: the row after the last match is
        // tried first (compared byte for byte), and only a miss consults a byte hash
        // table of the portfolio's ids (built at the first miss). Zones are interned (most
        // are longer than a small string, and a portfolio has a few dozen).
        var table: AccountIDTable?
        var nextRow = 0
        func row(of id: UnsafeBufferPointer<UInt8>) -> Int32? {
            if nextRow < n && accounts.accountID[nextRow].utf8.elementsEqual(id) {
                nextRow += 1
                return Int32(nextRow - 1)
            }
            if table == nil {
                let t = AccountIDTable(expectedCount: n)
                for (i, id) in accounts.accountID.enumerated() {
                    var id = id
                    id.withUTF8 { _ = t.insert($0, value: Int32(i)) }
                }
                table = t
            }
            guard let i = table!.find(id) else { return nil }
            nextRow = Int(i) + 1
            return i
        }
        var facts = ContactFacts(count: n)
        var keys = [Int64](repeating: 0, count: n)
        var rowOfKey: [Int32] = []
        var known = 0
        let zoneIndex = AccountIDTable(expectedCount: 64)
        var zones: [String] = []
        try read { db in
            func bytes(_ s: OpaquePointer, _ k: Int32) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(start: sqlite3_column_text(s, k), count: Int(sqlite3_column_bytes(s, k)))
            }
            try Self.forEachRow(db, "SELECT account_key, account_id, state, time_zone, call_opt_out FROM accounts ORDER BY account_key") { s in
                let key = sqlite3_column_int64(s, 0)
                guard let i = row(of: bytes(s, 1)) else { return }
                if Int(key) >= rowOfKey.count { rowOfKey += Array(repeating: -1, count: Int(key) + 1 - rowOfKey.count) }
                rowOfKey[Int(key)] = i
                keys[Int(i)] = key
                facts.state[Int(i)] = String(decoding: bytes(s, 2), as: UTF8.self)
                let zone = bytes(s, 3)
                if !zone.isEmpty {
                    let z = zoneIndex.insert(zone, value: Int32(zones.count)) ?? Int32(zones.count)
                    if Int(z) == zones.count { zones.append(String(decoding: zone, as: UTF8.self)) }
                    facts.timeZone[Int(i)] = zones[Int(z)]
                }
                facts.callOptOut[Int(i)] = sqlite3_column_int64(s, 4) != 0
                known += 1
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
        // Two halves of the key range, each read by its own connection into its own tally.
        let split = Int64(rowOfKey.count / 2)
        let ranges: [(Int64, Int64)] = [(0, split), (split, Int64.max)]
        let lookup = rowOfKey
        let buffer = UnsafeMutableBufferPointer<Result<EventTally, LedgerError>?>.allocate(capacity: ranges.count)
        buffer.initialize(repeating: nil)
        defer { buffer.deinitialize().deallocate() }
        // Each iteration writes only its own slot, and the slots are read after all end.
        let slots = SlotsBox(buffer: buffer)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
            do throws(LedgerError) {
                slots.buffer[k] = .success(try tally(keys: ranges[k], rowOfKey: lookup, count: n, asOf: asOf))
            } catch {
                slots.buffer[k] = .failure(error)
            }
        }
        let results = buffer
        var total = try results[0]!.get()
        for k in 1..<ranges.count { total.merge(try results[k]!.get()) }
        facts.callsByDay = total.callsByDay
        facts.lastConversationDay = total.lastConversation
        facts.ceaseRequestDay = total.ceaseRequest
        facts.disputeDay = total.dispute
        return LedgerFacts(contacts: facts, accountKeys: keys, contacts30d: total.contacts30, rightParty30d: total.reached30,
                           accountsInLedger: known, eventsRead: total.events)
    }

    /// The events of the account keys in [keys.0, keys.1) dated on or before as-of.
    func tally(keys: (Int64, Int64), rowOfKey: [Int32], count n: Int, asOf: Int32) throws(LedgerError) -> EventTally {
        var t = EventTally(count: n, asOf: asOf)
        let endOfDay = (Int64(asOf) + 1) * 86_400
        try read { db in
            try Self.forEachRow(db, "SELECT account_key, at, channel, outcome FROM contacts WHERE account_key >= ? AND account_key < ? AND at < ?",
                                bind: { sqlite3_bind_int64($0, 1, keys.0); sqlite3_bind_int64($0, 2, keys.1); sqlite3_bind_int64($0, 3, endOfDay) }) { s in
                let key = Int(sqlite3_column_int64(s, 0))
                guard key < rowOfKey.count, rowOfKey[key] >= 0 else { return }
                t.add(Int(rowOfKey[key]), day: Timestamp.day(sqlite3_column_int64(s, 1)),
                      channel: sqlite3_column_int64(s, 2), outcome: sqlite3_column_int64(s, 3))
            }
        }
        return t
    }
}

/// The result slots of the parallel tally, one per iteration (see `facts`).
struct SlotsBox: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Result<EventTally, LedgerError>?>
}

/// Per-account sums of contact events (see `ContactFacts` for the definitions).
struct EventTally {
    let asOf: Int32, windowStart: Int32, start30: Int32
    var callsByDay: [UInt16]
    var lastConversation: [Int32], ceaseRequest: [Int32], dispute: [Int32]
    var contacts30: [Int32], reached30: [Int32]
    var events = 0
    /// outcome raw value → reached the person.
    let reached: [Bool]

    init(count n: Int, asOf: Int32) {
        self.asOf = asOf
        windowStart = asOf - Int32(ContactFacts.windowDays - 1)
        start30 = asOf - 29
        callsByDay = Array(repeating: 0, count: n * ContactFacts.windowDays)
        lastConversation = Array(repeating: CalendarDay.missing, count: n)
        ceaseRequest = lastConversation
        dispute = lastConversation
        contacts30 = Array(repeating: 0, count: n)
        reached30 = contacts30
        var r = [Bool](repeating: false, count: 256)
        for o in ContactOutcome.allCases where o.reachedPerson { r[Int(o.rawValue)] = true }
        reached = r
    }

    static let call = Int64(ContactChannel.call.rawValue)
    static let cease = Int64(ContactOutcome.ceaseRequest.rawValue), disputed = Int64(ContactOutcome.dispute.rawValue)

    /// Earlier of two days, `CalendarDay.missing` meaning none.
    static func earlier(_ a: Int32, _ b: Int32) -> Int32 { a == CalendarDay.missing ? b : b == CalendarDay.missing ? a : min(a, b) }

    mutating func add(_ i: Int, day: Int32, channel: Int64, outcome: Int64) {
        events += 1
        let person = outcome >= 0 && outcome < 256 && reached[Int(outcome)]
        if day >= start30 {
            contacts30[i] += 1
            if person { reached30[i] += 1 }
        }
        if channel == Self.call {
            if day >= windowStart { callsByDay[i * ContactFacts.windowDays + Int(day - windowStart)] &+= 1 }
            if person { lastConversation[i] = max(lastConversation[i], day) }
        }
        if outcome == Self.cease { ceaseRequest[i] = Self.earlier(ceaseRequest[i], day) }
        if outcome == Self.disputed { dispute[i] = Self.earlier(dispute[i], day) }
    }

    /// Adds another tally of the same accounts (of other events).
    mutating func merge(_ o: EventTally) {
        events += o.events
        for k in 0..<callsByDay.count { callsByDay[k] &+= o.callsByDay[k] }
        for i in 0..<contacts30.count {
            contacts30[i] += o.contacts30[i]
            reached30[i] += o.reached30[i]
            lastConversation[i] = max(lastConversation[i], o.lastConversation[i])
            ceaseRequest[i] = Self.earlier(ceaseRequest[i], o.ceaseRequest[i])
            dispute[i] = Self.earlier(dispute[i], o.dispute[i])
        }
    }
}
