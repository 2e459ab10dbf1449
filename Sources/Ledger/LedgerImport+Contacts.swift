import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import PortfolioIO

extension Ledger {
    // MARK: Contacts

    /// Imports a dialer/CRM export of contact attempts: columns `account_id`,
    /// `timestamp` (or `at`; ISO 8601 with `Z` or an offset, see `Timestamp`),
    /// `channel` (call, sms, email, letter, visit), `outcome` (no_answer, voicemail,
    /// right_party, wrong_number, refused, promise, dispute, cease_request) and optional
    /// `collector`; names case-insensitive, other columns ignored.
    ///
    /// A row is rejected with its line, column and reason for a malformed timestamp, an
    /// account the ledger does not have (import the accounts first), an unknown channel
    /// or outcome, or when it repeats an earlier row of the same file (same account,
    /// second, channel, outcome and collector). A valid row the ledger already holds is
    /// counted as already present, so importing a file twice changes nothing. The whole
    /// file is one transaction: a killed import leaves the ledger as it was.
    ///
    /// How it goes fast (10M rows): the file is parsed in pieces on every core
    /// (`readPieces`, merged in file order, so lines and rejects are those of one
    /// sequential pass); account ids resolve through a byte hash table (no `String` per
    /// row); each piece sorts its rows, so the merged rows are nearly in key order and
    /// the final sort is almost linear; the rows then go into the table's B-tree in
    /// primary-key order through one prepared multi-row insert, with SQLite's
    /// foreign-key checks off for the transaction (every key was just resolved against
    /// its parent table, see `ContactBatch`).
    ///
    /// - Complexity: O(n log n) for n rows in the worst case (a file in random order);
    ///   O(n) plus the inserts for a file grouped by account.
    public func importContacts(path: String) throws(LedgerError) -> ImportSummary {
        try importContacts(path: path, layout: .standard)
    }

    /// `importContacts(path:)` with the parallel reader's layout (tests make it tiny).
    func importContacts(path: String, layout: ParallelReadLayout) throws(LedgerError) -> ImportSummary {
        let file = try ImportFile(path: path, required: [["account_id"], ["timestamp", "at", "time"], ["channel"], ["outcome"]],
                                  optional: [["collector", "collector_id"]])
        return try write(foreignKeys: false) { db in
            let accounts = try Self.accountKeyTable(db)
            var collectors = try Self.collectors(db)
            let importID = try Self.beginImport("contacts", path, db)
            var summary = ImportSummary(kind: "contacts", file: path)
            let parser = ContactRowParser(file: file, accounts: accounts)
            // File-wide collectors in order of first appearance (pieces are merged in file
            // order, so collectors new to the ledger get their keys in that order).
            let fileCollectors = AccountIDTable(expectedCount: 64)
            var collectorNames: [[UInt8]] = []
            var rows: [PendingContact] = []
            if let size = file.reader.knownSize { rows.reserveCapacity(size / 40 + 16) }
            do throws(InputError) {
                try readPieces(of: file.reader, layout: layout, parse: { piece throws(InputError) in
                    try parser.parse(piece)
                }, merge: { (piece: ContactPiece, firstLine: Int) in
                    summary.rowsRead += piece.rowsRead
                    var local: [Int64] = []
                    local.reserveCapacity(piece.collectors.count)
                    for name in piece.collectors {
                        let k = name.withUnsafeBufferPointer { b in
                            fileCollectors.insert(b, value: Int32(collectorNames.count)) ?? Int32(collectorNames.count)
                        }
                        if Int(k) == collectorNames.count { collectorNames.append(name) }
                        local.append(Int64(k))
                    }
                    let base = Int32(clamping: firstLine)
                    for var row in piece.rows {
                        row.collector = local[Int(row.collector)]
                        row.line &+= base
                        rows.append(row)
                    }
                    for var r in piece.rejects {
                        r.line += firstLine
                        summary.rejected.append(r)
                    }
                })
            } catch {
                throw LedgerError(code: .unreadableFile, file: path, message: error.message, cause: error)
            }
            let keys = try collectorNames.map { name in
                try Self.collectorKey(String(decoding: name, as: UTF8.self), &collectors, db)
            }
            rows.withUnsafeMutableBufferPointer { b in
                for k in b.indices { b[k].collector = keys[Int(b[k].collector)] }
            }
            // Each piece's rows are sorted: the merged array is a few long runs.
            rows.sort()
            var batch = try ContactBatch(db, importID: importID)
            var previous: PendingContact?
            var idOfKey: [Int64: String] = [:]
            for row in rows {
                if let p = previous, p.sameKey(row) {
                    if idOfKey.isEmpty { idOfKey = try Self.accountIDs(db) }
                    summary.rejected.append(LedgerReject(file: path, line: Int(row.line), column: nil, code: .duplicateRow,
                        reason: "repeats line \(p.line) (same account, timestamp, channel, outcome and collector)",
                        accountID: idOfKey[row.account] ?? ""))
                    continue
                }
                previous = row
                try batch.add(row)
            }
            try batch.flush()
            summary.added = batch.added
            summary.alreadyPresent = batch.present
            summary.rejected.sort { $0.line < $1.line }
            try Self.finishImport(importID, summary, db)
            return summary
        }
    }

    /// account_key → account_id of every account (the duplicate rejects' ids).
    static func accountIDs(_ db: Database) throws -> [Int64: String] {
        var ids: [Int64: String] = [:]
        try forEachRow(db, "SELECT account_key, account_id FROM accounts") { s in
            let bytes = UnsafeBufferPointer(start: sqlite3_column_text(s, 1), count: Int(sqlite3_column_bytes(s, 1)))
            ids[sqlite3_column_int64(s, 0)] = String(decoding: bytes, as: UTF8.self)
        }
        return ids
    }

    /// Every account id of the ledger in a byte hash table: `table.find(id)` is an index
    /// into `keys`, the account_key.
    static func accountKeyTable(_ db: Database) throws -> AccountKeys {
        let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts") ?? 0
        let table = AccountIDTable(expectedCount: n)
        var keys: [Int64] = []
        keys.reserveCapacity(n)
        try forEachRow(db, "SELECT account_id, account_key FROM accounts") { s in
            let bytes = UnsafeBufferPointer(start: sqlite3_column_text(s, 0), count: Int(sqlite3_column_bytes(s, 0)))
            // account_id is UNIQUE: every insert is new.
            table.insert(bytes, value: Int32(keys.count))
            keys.append(sqlite3_column_int64(s, 1))
        }
        return AccountKeys(table: table, keys: keys)
    }
}

/// The ledger's account ids → account_key, read-only while the pieces parse.
struct AccountKeys: @unchecked Sendable {
    // @unchecked: the table is a class; it is filled before the parse and only read by
    // the concurrent pieces (`AccountIDTable.find` does not mutate).
    let table: AccountIDTable
    let keys: [Int64]

    @inline(__always)
    func key(_ id: UnsafeBufferPointer<UInt8>) -> Int64? {
        table.find(id).map { keys[Int($0)] }
    }
}

/// What one piece of a contacts file produced: its valid rows (sorted; `collector` an
/// index into `collectors`, `line` relative to the piece), its rejects (lines relative)
/// and its rows read.
struct ContactPiece {
    var rows: [PendingContact] = []
    var rejects: [LedgerReject] = []
    /// Collector ids in order of first appearance in the piece.
    var collectors: [[UInt8]] = []
    var rowsRead = 0
}

/// The row code of a contacts import, run by each piece on its own reader.
struct ContactRowParser: @unchecked Sendable {
    // @unchecked: `accounts` is read-only during the parse (see `AccountKeys`); the rest
    // are values.
    let path: String
    let width: Int
    let idColumn: Int?, timeColumn: Int?, channelColumn: Int?, outcomeColumn: Int?, collectorColumn: Int?
    let accounts: AccountKeys

    init(file: ImportFile, accounts: AccountKeys) {
        path = file.path
        width = file.width
        idColumn = file.index["account_id"]
        timeColumn = file.index["timestamp"]
        channelColumn = file.index["channel"]
        outcomeColumn = file.index["outcome"]
        collectorColumn = file.index["collector"]
        self.accounts = accounts
    }

    /// Reads every record of `reader` (a piece) into a `ContactPiece`.
    func parse(_ reader: CSVReader) throws(InputError) -> ContactPiece {
        var piece = ContactPiece()
        if let size = reader.knownSize { piece.rows.reserveCapacity(size / 40 + 16) }
        // Collector ids of up to 7 bytes resolve through `packed` (their bytes and length in
        // one word: a few dozen keys), longer ones through a byte table.
        var packed: [UInt64: Int64] = [:]
        let collectors = AccountIDTable(expectedCount: 64)
        // The last account looked up: exports are usually grouped by account.
        var lastID: [UInt8] = [], lastKey: Int64? = nil
        func field(_ k: Int?) -> UnsafeBufferPointer<UInt8> {
            guard let k, k < reader.fieldCount else { return UnsafeBufferPointer(start: nil, count: 0) }
            return ImportFile.trimmed(reader.field(k))
        }
        func text(_ k: Int?) -> String { String(decoding: field(k), as: UTF8.self) }
        func reject(_ column: String?, _ code: LedgerReject.Code, _ reason: String, account: String) {
            piece.rejects.append(LedgerReject(file: path, line: reader.line, column: column, code: code, reason: reason, accountID: account))
        }
        while try reader.next() != .end {
            piece.rowsRead += 1
            let idBytes = field(idColumn)
            if reader.fieldCount != width {
                reject(nil, .raggedRow, "\(reader.fieldCount) fields where the header has \(width); check for an unquoted comma",
                       account: String(decoding: idBytes, as: UTF8.self))
                continue
            }
            if !idBytes.elementsEqual(lastID) {
                lastID = Array(idBytes)
                lastKey = accounts.key(idBytes)
            }
            guard let key = lastKey else {
                let id = String(decoding: idBytes, as: UTF8.self)
                reject("account_id", id.isEmpty ? .missingValue : .unknownAccount,
                       id.isEmpty ? "account_id is empty" : "account '\(id)' is not in the ledger; import it first with `arrears ledger import accounts FILE`",
                       account: id)
                continue
            }
            guard let at = Timestamp.parse(field(timeColumn)) else {
                reject("timestamp", .badTimestamp,
                       "'\(text(timeColumn))' is not an ISO 8601 timestamp with an offset (e.g. 2026-03-04T14:05:00Z or 2026-03-04T09:05:00-05:00)",
                       account: String(decoding: idBytes, as: UTF8.self))
                continue
            }
            guard let channel = ContactChannel(code: field(channelColumn)) else {
                reject("channel", .unknownChannel,
                       "'\(text(channelColumn))' is not a channel; use one of \(ContactChannel.allCases.map(\.code).joined(separator: ", "))",
                       account: String(decoding: idBytes, as: UTF8.self))
                continue
            }
            guard let outcome = ContactOutcome(code: field(outcomeColumn)) else {
                reject("outcome", .unknownOutcome,
                       "'\(text(outcomeColumn))' is not an outcome; use one of \(ContactOutcome.allCases.map(\.code).joined(separator: ", "))",
                       account: String(decoding: idBytes, as: UTF8.self))
                continue
            }
            let collectorBytes = field(collectorColumn)
            let collector: Int64
            if let word = Self.packed(collectorBytes) {
                if let k = packed[word] {
                    collector = k
                } else {
                    collector = Int64(piece.collectors.count)
                    packed[word] = collector
                    piece.collectors.append(Array(collectorBytes))
                }
            } else {
                let next = Int32(piece.collectors.count)
                let k = collectors.insert(collectorBytes, value: next) ?? next
                if k == next { piece.collectors.append(Array(collectorBytes)) }
                collector = Int64(k)
            }
            piece.rows.append(PendingContact(account: key, at: at, collector: collector, line: Int32(reader.line),
                                             channel: channel.rawValue, outcome: outcome.rawValue))
        }
        piece.rows.sort()
        return piece
    }

    /// Up to 7 bytes and their count in one word (count in the top byte), nil when longer:
    /// distinct byte strings give distinct words.
    @inline(__always)
    static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard bytes.count <= 7 else { return nil }
        var w = UInt64(bytes.count) << 56
        for k in 0..<bytes.count { w |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        return w
    }
}

/// The contacts insert: rows bound into one prepared `INSERT OR IGNORE … VALUES (…), …`
/// of `Self.rows` rows, stepped once per full batch (the tail goes row by row). SQLite
/// reports the rows a statement changed, so rows added = Σ changes and rows already
/// present = rows given − added.
///
/// Foreign keys: the import runs with SQLite's checks off (`Ledger.write(foreignKeys:)`);
/// every value here was resolved against its parent in the same transaction —
/// account_key from `accounts`, channel and outcome from the codes the v1 migration
/// wrote, collector_key from `collectors` (inserted when new), import_id just inserted.
struct ContactBatch {
    static let rows = 128
    let many: Statement, one: Statement
    let db: Database
    let importID: Int64
    var pending: [PendingContact] = []
    var added = 0, present = 0

    init(_ db: Database, importID: Int64) throws {
        self.db = db
        self.importID = importID
        let head = "INSERT OR IGNORE INTO contacts (account_key, at, channel, outcome, collector_key, import_id) VALUES "
        let tuple = "(?, ?, ?, ?, ?, ?)"
        many = try db.makeStatement(sql: head + Array(repeating: tuple, count: Self.rows).joined(separator: ", "))
        one = try db.makeStatement(sql: head + tuple)
        pending.reserveCapacity(Self.rows)
    }

    /// Queues `row`; inserts the batch when it is full.
    mutating func add(_ row: PendingContact) throws {
        pending.append(row)
        if pending.count == Self.rows {
            try insert(pending, with: many)
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Inserts the queued rows (fewer than a batch), one statement each.
    mutating func flush() throws {
        for row in pending { try insert(CollectionOfOne(row), with: one) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Binds `rows` to the parameters of `statement` (6 per row, in column order) and
    /// steps it once.
    private mutating func insert(_ rows: some Collection<PendingContact>, with statement: Statement) throws {
        let s = statement.sqliteStatement
        var p: Int32 = 1
        for row in rows {
            sqlite3_bind_int64(s, p, row.account)
            sqlite3_bind_int64(s, p + 1, row.at)
            sqlite3_bind_int64(s, p + 2, Int64(row.channel))
            sqlite3_bind_int64(s, p + 3, Int64(row.outcome))
            sqlite3_bind_int64(s, p + 4, row.collector)
            sqlite3_bind_int64(s, p + 5, importID)
            p += 6
        }
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        let changed = Int(sqlite3_changes(db.sqliteConnection))
        added += changed
        present += rows.count - changed
    }
}
