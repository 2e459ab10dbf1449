/// Reads the payments file into a `PaymentTable`, resolving each account_id through the
/// accounts' id table. The valid-row path makes no `String` and no allocation beyond the
/// table's own growth.
struct PaymentsReader {
    let reader: CSVReader
    let file: String
    let header: Header
    let idColumn: Int, dateColumn: Int, dueColumn: Int, paidColumn: Int

    init(reader: CSVReader) throws(InputError) {
        self.reader = reader
        file = reader.displayName
        header = try Header(reader: reader)
        var idx: [Int] = []
        for c in PaymentColumn.allCases {
            guard let i = header.index(of: c.name) else {
                throw InputError(code: .missingColumn, file: file, line: reader.line, column: c.name,
                                 message: "missing required column '\(c.name)'; the header has \(header.listing)")
            }
            idx.append(i)
        }
        (idColumn, dateColumn, dueColumn, paidColumn) = (idx[0], idx[1], idx[2], idx[3])
    }

    mutating func read(ids: AccountIDTable, rejects: inout [Reject]) throws(InputError) -> (PaymentTable, Int) {
        var columns = StatementColumns(capacity: 4096)
        defer { columns.deallocate() }
        let rows = try readColumns(ids: ids, rejects: &rejects, into: &columns)
        return (columns.table(), rows)
    }

    /// `read` into raw columns (the parallel reader merges them without a second copy).
    mutating func readColumns(ids: AccountIDTable, rejects: inout [Reject],
                              into t: inout StatementColumns) throws(InputError) -> Int {
        var rows = 0
        var nextReserveCheck = 4096
        let width = header.names.count
        // The last id looked up: payments are usually grouped by account.
        let lastKey = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        defer { lastKey.deallocate() }
        var lastKeyLength = -1           // −1: nothing cached; keys over 256 bytes are not cached
        var lastValue: Int32? = nil

        while true {
            let status = try reader.next()
            if status == .end { break }
            rows += 1
            if rows == nextReserveCheck {
                if let n = estimatedRows(reader, rowsSoFar: rows) { t.reserve(n) }
                nextReserveCheck = nextReserveCheck < 1 << 20 ? nextReserveCheck * 16 : .max
            }
            if status == .record && reader.fieldCount == width {
                // Fast path: every check inline, failures fall to `rejectRow`.
                let idBytes = reader.field(idColumn)
                let value: Int32?
                if idBytes.count == lastKeyLength && sameBytes(idBytes.baseAddress, lastKey, lastKeyLength) {
                    value = lastValue
                } else {
                    value = ids.find(idBytes)
                    if idBytes.count <= 256, let base = idBytes.baseAddress {
                        lastKey.update(from: base, count: idBytes.count)
                        lastKeyLength = idBytes.count
                    } else {
                        lastKeyLength = -1
                    }
                    lastValue = value
                }
                if let account = value, account >= 0,
                   let date = CalendarDay.parse(reader.field(dateColumn)),
                   case .value(let due) = NumberParser.parse(reader.field(dueColumn)), due >= 0, due <= Cell.maximumAmount,
                   case .value(let paid) = NumberParser.parse(reader.field(paidColumn)), paid >= 0, paid <= Cell.maximumAmount {
                    // "-0" is zero: +0
                    t.append(account: account, date: date, due: due + 0, paid: paid + 0,
                             line: Int32(clamping: reader.line))
                    continue
                }
            }
            do throws(CellProblem) {
                if let row = try validate(status: status, ids: ids) {
                    // Valid after trimming spaces (the fast path does not trim dates).
                    t.append(account: row.account, date: row.date, due: row.due, paid: row.paid,
                             line: Int32(clamping: reader.line))
                }
            } catch {
                rejects.append(Reject(source: .payments, file: file, line: reader.line, column: error.column,
                                      code: error.code, reason: error.reason, accountID: readableID()))
            }
        }
        return rows
    }

    private func readableID() -> String {
        guard idColumn < reader.fieldCount else { return "" }
        let b = reader.field(idColumn)
        guard Cell.encodingProblem(b, column: "") == nil else { return "" }
        return String(decoding: b, as: UTF8.self)
    }

    /// The careful path for a row the fast path did not accept: returns the row when it
    /// is valid after all, else throws its first problem.
    private func validate(status: CSVReader.Status, ids: AccountIDTable) throws(CellProblem)
        -> (account: Int32, date: Int32, due: Double, paid: Double)? {
        try CellProblem.checkRecordShape(status, fieldCount: reader.fieldCount, headerCount: header.names.count)
        let idBytes = reader.field(idColumn)
        if idBytes.isEmpty {
            throw CellProblem(column: "account_id", code: .missingValue, reason: "account_id is empty; every statement needs its account's id")
        }
        guard let account = ids.find(idBytes) else {
            if let p = Cell.encodingProblem(idBytes, column: "account_id") { throw p }
            throw CellProblem(column: "account_id", code: .unknownAccount,
                              reason: "account_id \(Cell.quoted(idBytes)) is not in the accounts file")
        }
        if account < 0 {
            throw CellProblem(column: "account_id", code: .rejectedAccount,
                              reason: "account \(Cell.quoted(idBytes)) was rejected in the accounts file (line \(-account)), so its statements are too")
        }
        guard let date = try Cell.date(reader.field(dateColumn), column: "date") else {
            throw CellProblem(column: "date", code: .missingValue, reason: "date is empty; every statement needs its date")
        }
        let due = try Cell.amount(reader.field(dueColumn), column: "amount_due", what: "an amount due")
        let paid = try Cell.amount(reader.field(paidColumn), column: "amount_paid", what: "an amount paid")
        return (account, date, due, paid)
    }
}

/// The five statement columns of one pass as raw memory: an append is five stores and
/// one capacity check (no per-column uniqueness or capacity check as with `Array`);
/// `table()` copies them out once. Owned by one reader; `deallocate()` when done.
struct StatementColumns {
    private(set) var count = 0
    private(set) var capacity: Int
    private(set) var account: UnsafeMutablePointer<Int32>
    private(set) var date: UnsafeMutablePointer<Int32>
    private(set) var due: UnsafeMutablePointer<Double>
    private(set) var paid: UnsafeMutablePointer<Double>
    private(set) var line: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        account = .allocate(capacity: self.capacity)
        date = .allocate(capacity: self.capacity)
        due = .allocate(capacity: self.capacity)
        paid = .allocate(capacity: self.capacity)
        line = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(account a: Int32, date d: Int32, due u: Double, paid v: Double, line l: Int32) {
        if count == capacity { reserve(capacity * 2) }
        (account + count).initialize(to: a)
        (date + count).initialize(to: d)
        (due + count).initialize(to: u)
        (paid + count).initialize(to: v)
        (line + count).initialize(to: l)
        count += 1
    }

    /// Room for `n` rows in all (never shrinks).
    mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        func moved<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let q = UnsafeMutablePointer<T>.allocate(capacity: n)
            q.moveInitialize(from: p, count: count)
            p.deallocate()
            return q
        }
        account = moved(account); date = moved(date); due = moved(due); paid = moved(paid); line = moved(line)
        capacity = n
    }

    /// Adds `offset` to every line (a piece's relative lines made absolute).
    mutating func shiftLines(by offset: Int) {
        for i in 0..<count { line[i] = Int32(clamping: Int(line[i]) + offset) }
    }

    /// The rows appended to the columns of `t`.
    func append(to t: inout PaymentTable) {
        t.accountIndex.append(contentsOf: UnsafeBufferPointer(start: account, count: count))
        t.date.append(contentsOf: UnsafeBufferPointer(start: date, count: count))
        t.amountDue.append(contentsOf: UnsafeBufferPointer(start: due, count: count))
        t.amountPaid.append(contentsOf: UnsafeBufferPointer(start: paid, count: count))
        t.sourceLine.append(contentsOf: UnsafeBufferPointer(start: line, count: count))
    }

    func table() -> PaymentTable {
        var t = PaymentTable()
        append(to: &t)
        return t
    }

    func deallocate() {
        account.deallocate(); date.deallocate(); due.deallocate(); paid.deallocate(); line.deallocate()
    }
}

/// True when the `n` bytes at `a` and `b` are equal (8 bytes at a time).
@inline(__always)
func sameBytes(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    guard let a else { return n == 0 }
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 8 <= n {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

extension PaymentTable {
    /// The start of each account's run of rows when the rows are grouped by account
    /// (each account's statements on consecutive rows, as the generator and most exports
    /// write them), plus `count` at the end; nil when some account's rows are apart.
    /// One pass over the account column.
    func accountGroups(accounts n: Int) -> [Int]? {
        var seen = [Bool](repeating: false, count: n)
        var starts = [0]
        let grouped = accountIndex.withUnsafeBufferPointer { a in
            seen.withUnsafeMutableBufferPointer { seen in
                for r in 1..<a.count where a[r] != a[r - 1] {
                    seen[Int(a[r - 1])] = true
                    if seen[Int(a[r])] { return false }
                    starts.append(r)
                }
                return true
            }
        }
        guard grouped else { return nil }
        starts.append(count)
        return starts
    }

    /// Reserves room for `n` statements in every column.
    mutating func reserve(_ n: Int) {
        accountIndex.reserveCapacity(n); date.reserveCapacity(n)
        amountDue.reserveCapacity(n); amountPaid.reserveCapacity(n); sourceLine.reserveCapacity(n)
    }

    /// Removes the exact duplicate statements — same account, date, amount due and
    /// amount paid (bit for bit) as a statement on an earlier line, as when an export is
    /// concatenated twice — keeping the first of each, and returns one
    /// `duplicate_statement` reject per removed row, in line order. Statements of one
    /// account on one day that differ in an amount are all kept.
    ///
    /// - Complexity: O(m) for m statements plus, per account, an insertion sort of its
    ///   statements by (date, due, paid, line): O(m·k) for k statements per account,
    ///   O(m) when the file is sorted by account and date.
    mutating func removeDuplicateStatements(file: String, accountIDs: [String]) -> [Reject] {
        let m = count, n = accountIDs.count
        guard m > 1 else { return [] }
        func less(_ x: Int, _ y: Int) -> Bool {
            if date[x] != date[y] { return date[x] < date[y] }
            if amountDue[x] != amountDue[y] { return amountDue[x] < amountDue[y] }
            if amountPaid[x] != amountPaid[y] { return amountPaid[x] < amountPaid[y] }
            return x < y
        }
        var duplicateOf: [(row: Int, first: Int)] = []
        /// One account's rows `order[lo..<hi]` (in row order): sorted, then each row equal
        /// to the first of its run is a duplicate of it.
        func collect(_ order: inout [Int], _ lo: Int, _ hi: Int) {
            for k in (lo + 1)..<hi {
                let r = order[k]
                var j = k
                while j > lo && less(r, order[j - 1]) { order[j] = order[j - 1]; j -= 1 }
                order[j] = r
            }
            var first = order[lo]
            for k in (lo + 1)..<hi {
                let r = order[k]
                if date[r] == date[first] && amountDue[r] == amountDue[first] && amountPaid[r] == amountPaid[first] {
                    duplicateOf.append((r, first))
                } else {
                    first = r
                }
            }
        }
        if let starts = accountGroups(accounts: n) {
            // Grouped: a group whose dates are all distinct has no duplicate (checked with
            // a stamped 1024-slot hash of its dates, no clearing); only the others are sorted.
            var slots = [UInt64](repeating: 0, count: 1024)
            var order: [Int] = []
            for g in 0..<(starts.count - 1) {
                let lo = starts[g], hi = starts[g + 1]
                guard hi - lo > 1 else { continue }
                var distinct = hi - lo <= 512
                if distinct {
                    let stamp = UInt64(g + 1) << 32
                    date.withUnsafeBufferPointer { d in
                        slots.withUnsafeMutableBufferPointer { t in
                            for r in lo..<hi where distinct {
                                let key = stamp | UInt64(UInt32(bitPattern: d[r]))
                                var s = Int((UInt32(bitPattern: d[r]) &* 0x9E37_79B1) >> 22)
                                while true {
                                    let e = t[s]
                                    if e == key { distinct = false; break }
                                    if e >> 32 != stamp >> 32 { t[s] = key; break }
                                    s = (s + 1) & 1023
                                }
                            }
                        }
                    }
                }
                if distinct { continue }
                order.removeAll(keepingCapacity: true)
                order.append(contentsOf: lo..<hi)
                collect(&order, 0, hi - lo)
            }
        } else {
            // Rows grouped by account (stable counting sort).
            var offsets = [Int](repeating: 0, count: n + 1)
            for a in accountIndex { offsets[Int(a) + 1] += 1 }
            for a in 0..<n { offsets[a + 1] += offsets[a] }
            var cursor = offsets
            var order = [Int](repeating: 0, count: m)
            for r in 0..<m { let a = Int(accountIndex[r]); order[cursor[a]] = r; cursor[a] += 1 }
            for a in 0..<n where offsets[a + 1] - offsets[a] > 1 {
                collect(&order, offsets[a], offsets[a + 1])
            }
        }
        guard !duplicateOf.isEmpty else { return [] }
        duplicateOf.sort { $0.row < $1.row }
        var drop = [Bool](repeating: false, count: m)
        var rejects: [Reject] = []
        rejects.reserveCapacity(duplicateOf.count)
        for (r, first) in duplicateOf {
            drop[r] = true
            let id = accountIDs[Int(accountIndex[r])]
            rejects.append(Reject(
                source: .payments, file: file, line: Int(sourceLine[r]), column: nil, code: .duplicateStatement,
                reason: "the same statement (date \(CalendarDay.format(date[r])), amount_due \(amountDue[r]), amount_paid \(amountPaid[r])) already appeared on line \(sourceLine[first]); the first is kept (was the export concatenated twice?)",
                accountID: id))
        }
        var w = 0
        for r in 0..<m where !drop[r] {
            accountIndex[w] = accountIndex[r]; date[w] = date[r]
            amountDue[w] = amountDue[r]; amountPaid[w] = amountPaid[r]; sourceLine[w] = sourceLine[r]
            w += 1
        }
        accountIndex.removeLast(m - w); date.removeLast(m - w)
        amountDue.removeLast(m - w); amountPaid.removeLast(m - w); sourceLine.removeLast(m - w)
        return rejects
    }
}
