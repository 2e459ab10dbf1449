import Foundation
import GRDB
import GRDBSQLite
import PortfolioIO

/// What one import did. Counts add up: `rowsRead = added + alreadyPresent + rejected.count`.
public struct ImportSummary: Sendable, Equatable, CustomStringConvertible {
    public var kind: String
    public var file: String
    /// Data rows in the file (the header excluded).
    public var rowsRead = 0
    /// Rows new to the ledger.
    public var added = 0
    /// Valid rows the ledger already had (a re-import adds nothing).
    public var alreadyPresent = 0
    /// Rows not taken, by line.
    public var rejected: [LedgerReject] = []

    public var description: String {
        "\(kind): \(file): \(rowsRead) rows read = \(added) added + \(alreadyPresent) already in the ledger + \(rejected.count) rejected"
    }
}

/// A CSV export being imported: its header mapped to the columns an import knows.
struct ImportFile {
    let reader: CSVReader
    let path: String
    /// Column index of each known name (lower-cased; the first of its aliases found).
    let index: [String: Int]
    let width: Int

    /// Opens `path` and maps the header. `required` and `optional` are lists of aliases
    /// per column, the first alias being the column's name in errors.
    init(path: String, required: [[String]], optional: [[String]]) throws(LedgerError) {
        do {
            reader = try CSVReader(path: path)
        } catch {
            throw LedgerError(code: .unreadableFile, file: path, message: error.message, cause: error)
        }
        self.path = path
        let header: [String]
        do {
            guard try reader.next() != .end else {
                throw LedgerError(code: .emptyFile, file: path, message: "the file is empty; expected a header row with \(required.map { $0[0] }.joined(separator: ", "))")
            }
            header = reader.strings().map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        } catch let e as LedgerError { throw e } catch {
            throw LedgerError(code: .unreadableFile, file: path, message: "\(error)", cause: error as? InputError)
        }
        width = header.count
        var index: [String: Int] = [:]
        for aliases in required + optional {
            if let k = aliases.lazy.compactMap({ header.firstIndex(of: $0) }).first { index[aliases[0]] = k }
        }
        for aliases in required where index[aliases[0]] == nil {
            throw LedgerError(code: .missingColumn, file: path, message:
                "the header has no \(aliases[0]) column" + (aliases.count > 1 ? " (or \(aliases.dropFirst().joined(separator: ", ")))" : "")
                + "; the header read is: \(header.joined(separator: ","))")
        }
        self.index = index
    }

    /// Advances to the next record; false at the end.
    func next() throws(LedgerError) -> Bool {
        do { return try reader.next() != .end } catch {
            throw LedgerError(code: .unreadableFile, file: path, message: error.message, cause: error)
        }
    }

    var line: Int { reader.line }

    /// The field of column `name` (empty when the column is absent), spaces trimmed.
    func field(_ name: String) -> UnsafeBufferPointer<UInt8> { field(at: index[name]) }

    /// The field at column index `k` (from `index`), spaces trimmed; empty when nil.
    @inline(__always)
    func field(at k: Int?) -> UnsafeBufferPointer<UInt8> {
        guard let k, k < reader.fieldCount else { return UnsafeBufferPointer(start: nil, count: 0) }
        return Self.trimmed(reader.field(k))
    }

    /// `f` without leading and trailing spaces.
    @inline(__always)
    static func trimmed(_ f: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = f.count
        while lo < hi && f[lo] == 32 { lo += 1 }
        while hi > lo && f[hi - 1] == 32 { hi -= 1 }
        return lo == 0 && hi == f.count ? f : UnsafeBufferPointer(rebasing: f[lo..<hi])
    }

    func string(_ name: String) -> String { String(decoding: field(name), as: UTF8.self) }
    func string(at k: Int?) -> String { String(decoding: field(at: k), as: UTF8.self) }

    func reject(_ column: String?, _ code: LedgerReject.Code, _ reason: String, account: String) -> LedgerReject {
        LedgerReject(file: path, line: line, column: column, code: code, reason: reason, accountID: account)
    }

    /// Rejects a record whose field count differs from the header's.
    func raggedReject(account: String) -> LedgerReject? {
        reader.fieldCount == width ? nil : reject(nil, .raggedRow,
            "\(reader.fieldCount) fields where the header has \(width); check for an unquoted comma", account: account)
    }
}

/// A raw prepared statement for the bulk loops (GRDB's `Statement` keeps ownership).
struct BulkInsert {
    let statement: Statement
    let db: Database

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    /// Binds `values` (Int64 each) and steps once; returns the rows changed (0 or 1).
    func run(_ values: Int64...) throws -> Int {
        let s = statement.sqliteStatement
        for (k, v) in values.enumerated() { sqlite3_bind_int64(s, Int32(k + 1), v) }
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// One value of a row for `run(values:)`.
    enum Value {
        case int(Int64?), real(Double?), text(String?)
    }

    /// Binds mixed values (nil → NULL; a NaN real → NULL) and steps once.
    func run(values: [Value]) throws {
        let s = statement.sqliteStatement
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (k, v) in values.enumerated() {
            let i = Int32(k + 1)
            switch v {
            case .int(let x?): sqlite3_bind_int64(s, i, x)
            case .real(let x?) where !x.isNaN: sqlite3_bind_double(s, i, x)
            case .text(var x?): x.withUTF8 { b in _ = sqlite3_bind_text(s, i, b.baseAddress, Int32(b.count), transient) }
            default: sqlite3_bind_null(s, i)
            }
        }
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}

extension Ledger {
    /// Account id → account_key of every account in the ledger.
    static func accountKeys(_ db: Database) throws -> [String: Int64] {
        var keys: [String: Int64] = [:]
        keys.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts") ?? 0)
        // Raw steps: a million accounts load in a fraction of a second.
        try forEachRow(db, "SELECT account_id, account_key FROM accounts") { s in
            let bytes = UnsafeBufferPointer(start: sqlite3_column_text(s, 0), count: Int(sqlite3_column_bytes(s, 0)))
            keys[String(decoding: bytes, as: UTF8.self)] = sqlite3_column_int64(s, 1)
        }
        return keys
    }

    /// Steps `sql` (with `bind` applied first) and calls `body` with the raw statement on
    /// each row: the bulk reads' loop, without a `Row` per row.
    static func forEachRow(_ db: Database, _ sql: String, bind: (OpaquePointer) -> Void = { _ in },
                           _ body: (OpaquePointer) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let s = statement.sqliteStatement
        bind(s)
        defer { sqlite3_reset(s) }
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            try body(s)
        }
    }

    /// Collector id → collector_key, adding the missing ones.
    static func collectorKey(_ id: String, _ known: inout [String: Int64], _ db: Database) throws -> Int64 {
        if let k = known[id] { return k }
        try db.execute(sql: "INSERT INTO collectors (collector_id) VALUES (?)", arguments: [id])
        let k = db.lastInsertedRowID
        known[id] = k
        return k
    }

    static func collectors(_ db: Database) throws -> [String: Int64] {
        var keys: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT collector_id, collector_key FROM collectors") { keys[row[0]] = row[1] }
        return keys
    }

    static func beginImport(_ kind: String, _ file: String, _ db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT INTO imports (kind, file, imported_at) VALUES (?, ?, ?)",
                       arguments: [kind, file, ISO8601DateFormatter().string(from: Date())])
        return db.lastInsertedRowID
    }

    static func finishImport(_ id: Int64, _ s: ImportSummary, _ db: Database) throws {
        try db.execute(sql: "UPDATE imports SET rows_read = ?, rows_added = ?, rows_present = ?, rows_rejected = ? WHERE import_id = ?",
                       arguments: [s.rowsRead, s.added, s.alreadyPresent, s.rejected.count, id])
    }

    /// Logs one contact attempt (`arrears ledger log`); the same event twice is stored once.
    public func log(account: String, at: Int64, channel: ContactChannel, outcome: ContactOutcome,
                    collector: String) throws(LedgerError) -> ImportSummary {
        try write { db in
            guard let key = try Int64.fetchOne(db, sql: "SELECT account_key FROM accounts WHERE account_id = ?", arguments: [account]) else {
                throw LedgerError(code: .unknownAccount, file: path, message:
                    "--account: account '\(account)' is not in the ledger; import it first with `arrears ledger import accounts FILE`")
            }
            var collectors = try Self.collectors(db)
            let c = try Self.collectorKey(collector, &collectors, db)
            let importID = try Self.beginImport("log", "-", db)
            var summary = ImportSummary(kind: "log", file: "-", rowsRead: 1)
            try db.execute(sql: "INSERT OR IGNORE INTO contacts (account_key, at, channel, outcome, collector_key, import_id) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [key, at, Int64(channel.rawValue), Int64(outcome.rawValue), c, importID])
            if db.changesCount == 1 { summary.added = 1 } else { summary.alreadyPresent = 1 }
            try Self.finishImport(importID, summary, db)
            return summary
        }
    }
}

/// A parsed contact row waiting for its insert, ordered by the table's key then line.
/// Fields laid out widest first: 32 bytes a row.
struct PendingContact: Comparable {
    var account: Int64
    var at: Int64
    var collector: Int64
    var line: Int32
    var channel: UInt8
    var outcome: UInt8

    func sameKey(_ o: PendingContact) -> Bool {
        account == o.account && at == o.at && channel == o.channel && outcome == o.outcome && collector == o.collector
    }

    static func < (a: PendingContact, b: PendingContact) -> Bool {
        if a.account != b.account { return a.account < b.account }
        if a.at != b.at { return a.at < b.at }
        if a.channel != b.channel { return a.channel < b.channel }
        if a.outcome != b.outcome { return a.outcome < b.outcome }
        if a.collector != b.collector { return a.collector < b.collector }
        return a.line < b.line
    }
}
