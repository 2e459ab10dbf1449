/// Reading a portfolio as a sequence of account chunks in bounded memory (DESIGN §9):
/// `score` and `rank` stream an input grouped by account, the order `arrears generate`
/// writes and an export partitioned by account gives.
///
/// **What "grouped" means here.** The accounts file is read in chunks of consecutive rows;
/// the payments file is read in blocks (parsed on all cores, `readPieces`). A chunk is
/// handed to the caller — with every statement of its accounts — once the payments have
/// moved `Layout.lagAccounts` accounts past its last account; so the statements of an
/// account must come before those of accounts more than that many rows later in the
/// accounts file. Each account's statements contiguous and in the accounts' order (the
/// generator's), or in any order within windows of that size (partitions), qualifies.
///
/// **It detects, never guesses.** The stream gives up with `StreamFallback` — and the
/// caller reads the portfolio whole, which gives the same outputs or the same error —
/// whenever a chunk could differ from the whole-file read:
/// - a statement of an account whose chunk was already handed over (ungrouped input);
/// - a statement whose account id is not among the accounts read so far while more than
///   `Layout.maxWindowAccounts` accounts would have to be read ahead to find out whether
///   it is a later account or an unknown one;
/// - an account id that two chunks share (a duplicate across chunks; also, with odds of
///   about n²/2⁶⁵, two ids with one 64-bit hash);
/// - an extra column that the chunks type differently (number in one, text in another:
///   the whole-file read types a column by all its cells, DESIGN §2);
/// - any error (a missing column, an empty file, a record too long, a read failure): the
///   whole-file read reports it exactly as it always did.
///
/// **Identical rows.** Each chunk is parsed by the same `AccountsReader` and
/// `PaymentsReader` row code with the file's own line numbers, so its valid rows, their
/// lines and its rejects (reasons included) are those of the whole-file read; duplicate
/// statements are removed per chunk (an account's statements are all in its chunk).
///
/// - Complexity: O(bytes) time; the accounts file is scanned twice (once for record
///   boundaries, once parsed). Memory: the window of accounts read ahead (about four
///   chunks with their statements), one payments block, 11–21 bytes per account for the
///   ids seen (an 8-byte hash at load ≤ ¾), and the rejected rows.
public final class PortfolioStream {
    /// Chunk and window sizes. The outputs never depend on them.
    public struct Layout: Sendable {
        /// Account rows per chunk.
        public var chunkAccounts = 65_536
        /// A chunk is complete once the payments reference an account this many rows past it.
        public var lagAccounts = 65_536
        /// Give up (fall back) when the window of accounts read ahead exceeds this.
        public var maxWindowAccounts = 1 << 20
        /// Bytes of the payments file parsed per block.
        public var paymentBlockBytes = 8 << 20
        /// Pieces per payments block (parsed concurrently).
        public var piecesPerBlock = 16

        public init() {}

        public init(chunkAccounts: Int, lagAccounts: Int? = nil, maxWindowAccounts: Int = 1 << 20,
                    paymentBlockBytes: Int = 8 << 20, piecesPerBlock: Int = 16) {
            self.chunkAccounts = max(1, chunkAccounts)
            self.lagAccounts = max(0, lagAccounts ?? chunkAccounts)
            self.maxWindowAccounts = maxWindowAccounts
            self.paymentBlockBytes = max(64, paymentBlockBytes)
            self.piecesPerBlock = max(1, piecesPerBlock)
        }
    }

    /// Consecutive account rows with all their statements.
    public struct Chunk: Sendable {
        /// The chunk's valid accounts (lines as in the file), their statements
        /// (`accountIndex` into this chunk's accounts, duplicates removed), the rejects of
        /// its account rows and `accountRows` = its data rows of the accounts file.
        public var portfolio: Portfolio
        /// Index of its first valid account among all the file's valid accounts.
        public var firstAccount: Int
    }

    /// What the whole read found, complete after `run` returns.
    public struct Totals: Sendable {
        public var accountRows = 0
        public var paymentRows = 0
        public var accountsKept = 0
        public var paymentsUsed = 0
        /// Rejected rows of the accounts file, in line order.
        public var accountRejects: [Reject] = []
        /// Rejected rows of the payments file (duplicate statements included), in line order.
        public var paymentRejects: [Reject] = []
        public var accountsFingerprint: InputFingerprint?
        public var paymentsFingerprint: InputFingerprint?
        /// Which optional schema columns the accounts header has.
        public var presentColumns: Set<String> = []

        public init() {}

        /// Both files' rejects as `Portfolio.rejects` orders them: accounts first.
        public var rejects: [Reject] { accountRejects + paymentRejects }
    }

    public let layout: Layout
    public private(set) var totals = Totals()

    let options: ReadOptions
    let accountsFile: CSVReader
    let paymentsFile: CSVReader
    let accountsName: String
    let paymentsName: String
    /// A header the chunk readers parse again: the accounts header's names, quoted.
    let headerBytes: [UInt8]
    let headerLines: Int
    let paymentsTemplate: PaymentsReader
    /// Typing of the extra columns seen so far: name → numeric (chunks with only empty cells abstain).
    var extraTyping: [String: Bool] = [:]

    // The accounts bytes not yet parsed: buffer[position ..< filled], starting at `nextLine`.
    var buffer: UnsafeMutablePointer<UInt8>
    var capacity: Int
    var position = 0
    var filled = 0
    var accountsAtEnd = false
    var nextLine: Int
    /// Bytes per account row seen so far (for the read-ahead estimate).
    var accountBytesParsed = 0

    /// Chunks read and not yet handed over, in file order.
    var window: [Chunk] = []
    var windowAccounts = 0
    /// Valid accounts read so far (the window's end).
    var accountsRead = 0
    /// Ids of the window's valid accounts (→ index among all valid accounts) and of every
    /// rejected first row (→ −line): what `PaymentsReader` looks up.
    let tableBox: TableBox
    var rejectedIDs: [(id: String, line: Int32)] = []
    /// 64-bit hashes of every id registered so far.
    var seen = IDHashSet()
    /// The highest account index a statement referenced, and the payment bytes merged.
    var maxReferenced = -1
    var paymentBytesMerged = 0

    final class TableBox: @unchecked Sendable {
        var table = AccountIDTable()
    }

    /// Opens both files and checks their headers (the same checks as `readPortfolio`).
    /// - Throws: `InputError` for a file that cannot be opened or a bad header.
    public init(accountsPath: String, paymentsPath: String, options: ReadOptions = ReadOptions(),
                layout: Layout = Layout()) throws(InputError) {
        self.layout = layout
        self.options = options
        accountsFile = try CSVReader(path: accountsPath)
        paymentsFile = try CSVReader(path: paymentsPath)
        accountsName = accountsFile.displayName
        paymentsName = paymentsFile.displayName
        if options.fingerprint {
            accountsFile.fingerprintInput()
            paymentsFile.fingerprintInput()
        }
        let accountsHeader = try AccountsReader(reader: accountsFile, options: options)
        paymentsTemplate = try PaymentsReader(reader: paymentsFile)
        var header: [UInt8] = []
        for (k, name) in accountsHeader.header.names.enumerated() {
            if k > 0 { header.append(UInt8(ascii: ",")) }
            header.append(UInt8(ascii: "\""))
            for b in name.utf8 {
                header.append(b)
                if b == UInt8(ascii: "\"") { header.append(b) }
            }
            header.append(UInt8(ascii: "\""))
        }
        header.append(10)
        headerBytes = header
        headerLines = Self.lineBreaks(in: header, name: accountsFile.displayName)
        nextLine = accountsFile.nextRecordLine
        capacity = 16 << 20
        buffer = .allocate(capacity: capacity)
        tableBox = TableBox()
        for c in AccountColumn.allCases where !c.isRequired && accountsHeader.column[c.rawValue] >= 0 {
            totals.presentColumns.insert(c.name)
        }
    }

    deinit { buffer.deallocate() }

    /// Line breaks in one record (the synthesized header: more than one only when a name
    /// holds a line break).
    static func lineBreaks(in record: [UInt8], name: String) -> Int {
        record.withUnsafeBufferPointer { view in
            let r = CSVReader(view: view, final: true, name: name, firstLine: 0, stopOffset: .max, chunkSize: max(16, view.count))
            _ = try? r.next()
            _ = try? r.next()
            return max(1, r.nextRecordLine)
        }
    }

    /// Bytes of both files read so far and their sizes when known (progress).
    public var progress: (done: Int, total: Int?) {
        let done = accountsFile.bytesConsumed + paymentsFile.bytesConsumed
        guard let a = accountsFile.knownSize, let p = paymentsFile.knownSize else { return (done, nil) }
        return (done, a + p)
    }

    // MARK: - Running

    /// Reads both files to their end, calling `body` with each chunk in file order.
    /// - Throws: `StreamFallback` when the input is not grouped enough (see the type),
    ///   an `InputError`, or what `body` throws.
    public func run(_ body: (Chunk) throws -> Void) throws {
        var failure: (any Error)?
        let sentinel = InputError(code: .unreadableFile, file: paymentsName, message: "stream stopped")
        let box = UncheckedSendable(value: paymentsTemplate)
        let tables = tableBox
        let readLayout = ParallelReadLayout(blockSize: layout.paymentBlockBytes, piecesPerBlock: layout.piecesPerBlock,
                                            overlap: 64 << 10)
        try readAccountChunk()
        try ensureAccounts(upTo: initialReadAhead())
        do throws(InputError) {
            try readPieces(of: paymentsFile, layout: readLayout, parse: { piece throws(InputError) in
                var reader = PaymentsReader(piece: piece, of: box.value)
                var rejects: [Reject] = []
                let (table, rows) = try reader.read(ids: tables.table, rejects: &rejects)
                return (table, rows, rejects, piece.bytesConsumed)
            }, merge: { (result: (PaymentTable, Int, [Reject], Int), firstLine: Int) throws(InputError) in
                do {
                    try self.merge(result, firstLine: firstLine, body)
                } catch {
                    failure = error
                    throw sentinel
                }
            })
        } catch {
            if let failure { throw failure }
            throw error
        }
        totals.paymentsFingerprint = paymentsFile.fingerprint
        // The payments are done: every chunk in the window is complete, and so is every
        // chunk still to be read.
        while true {
            while !window.isEmpty { try finishFirst(body) }
            if accountsAtEnd { break }
            try readAccountChunk()
        }
        totals.accountsFingerprint = accountsFile.fingerprint
        if totals.accountRows == 0 {
            throw StreamFallback(reason: "the accounts file has no data rows")
        }
        totals.paymentRejects.sort { $0.line < $1.line }
    }

    /// The accounts to read before the first payments block: enough for two blocks at
    /// the ratio of the two files' sizes.
    func initialReadAhead() -> Int {
        guard let aSize = accountsFile.knownSize, let pSize = paymentsFile.knownSize, pSize > 0,
              totals.accountRows > 0, accountBytesParsed > 0 else { return layout.chunkAccounts }
        let accounts = Double(aSize) / (Double(accountBytesParsed) / Double(totals.accountRows))
        let perByte = accounts / Double(pSize)
        return max(layout.chunkAccounts, Int(2 * Double(layout.paymentBlockBytes) * perByte) + layout.chunkAccounts)
    }

    /// Takes one parsed piece of the payments file.
    func merge(_ result: (PaymentTable, Int, [Reject], Int), firstLine: Int, _ body: (Chunk) throws -> Void) throws {
        let (piece, rows, rejects, bytes) = result
        totals.paymentRows += rows
        paymentBytesMerged += bytes
        // An id the window does not know: a later account, an unknown one, or one whose
        // chunk is gone (then the input is not grouped).
        for var r in rejects {
            r.line += firstLine
            if r.code == .unknownAccount {
                try resolveUnknown(r.accountID)
            }
            totals.paymentRejects.append(r)
        }
        let openBase = window.first?.firstAccount ?? accountsRead
        piece.accountIndex.withUnsafeBufferPointer { idx in
            for a in idx { maxReferenced = max(maxReferenced, Int(a)) }
        }
        var k = 0
        for r in 0..<piece.count {
            let a = Int(piece.accountIndex[r])
            if a < openBase {
                throw StreamFallback(reason: "\(paymentsName) line \(Int(piece.sourceLine[r]) + firstLine): a statement of an account whose chunk was already complete (the payments are not grouped by account in the accounts' order)")
            }
            while a >= window[k].firstAccount + window[k].portfolio.accounts.count { k += 1 }
            while k > 0 && a < window[k].firstAccount { k -= 1 }
            window[k].portfolio.payments.accountIndex.append(Int32(a - window[k].firstAccount))
            window[k].portfolio.payments.date.append(piece.date[r])
            window[k].portfolio.payments.amountDue.append(piece.amountDue[r])
            window[k].portfolio.payments.amountPaid.append(piece.amountPaid[r])
            window[k].portfolio.payments.sourceLine.append(Int32(clamping: Int(piece.sourceLine[r]) + firstLine))
        }
        // Hand over the chunks the payments have moved past, then read ahead.
        while let first = window.first,
              first.firstAccount + first.portfolio.accounts.count + layout.lagAccounts <= maxReferenced {
            try finishFirst(body)
        }
        let perByte = Double(maxReferenced + 1) / Double(max(1, paymentBytesMerged))
        let ahead = max(layout.chunkAccounts, Int(2 * Double(layout.paymentBlockBytes) * perByte))
        try ensureAccounts(upTo: maxReferenced + 1 + ahead + layout.lagAccounts)
    }

    /// A statement's id that no account read so far has: fine when it is in no later
    /// account row either (then it is `unknown_account` in the whole-file read too).
    func resolveUnknown(_ id: String) throws {
        let h = IDHashSet.hash(id)
        if seen.contains(h) {
            throw StreamFallback(reason: "\(paymentsName): a statement of account '\(id)' after its chunk was complete (the payments are not grouped by account)")
        }
        while !accountsAtEnd {
            try readAccountChunk()
            if seen.contains(h) {
                throw StreamFallback(reason: "\(paymentsName): a statement of account '\(id)' more than the read-ahead before its account row")
            }
        }
    }

    func ensureAccounts(upTo target: Int) throws {
        while accountsRead < target && !accountsAtEnd { try readAccountChunk() }
    }

    // MARK: - Accounts chunks

    /// Reads the next `chunkAccounts` account rows (fewer at the end) into the window.
    func readAccountChunk() throws {
        if accountsAtEnd { return }
        // Find the end of the chunk's records, reading more bytes until they are in the buffer.
        var (records, consumed, lines, complete) = scanRecords()
        while !complete && !sourceDone {
            try fill()
            (records, consumed, lines, complete) = scanRecords()
        }
        if records == 0 {
            position = filled
            accountsAtEnd = true
            return
        }
        var document = headerBytes
        document.append(contentsOf: UnsafeBufferPointer(start: buffer + position, count: consumed))
        let firstLine = nextLine - headerLines
        position += consumed
        nextLine += lines
        accountBytesParsed += consumed
        if sourceDone && position >= filled { accountsAtEnd = true }

        let ids = AccountIDTable(expectedCount: records)
        var rejects: [Reject] = []
        let (table, rows) = try document.withUnsafeBufferPointer { view throws(InputError) in
            let reader = CSVReader(view: view, final: true, name: accountsName, firstLine: firstLine, stopOffset: .max,
                                   chunkSize: max(16, view.count))
            var accounts = try AccountsReader(reader: reader, options: options)
            return try accounts.read(ids: ids, rejects: &rejects)
        }
        try checkTyping(table, rejects: rejects)
        try register(table, rejects: rejects, base: accountsRead)
        totals.accountRows += rows
        totals.accountsKept += table.count
        totals.accountRejects.append(contentsOf: rejects)
        var portfolio = Portfolio(accounts: table, payments: PaymentTable(), rejects: rejects, accountRows: rows, paymentRows: 0)
        portfolio.accountsFingerprint = nil
        window.append(Chunk(portfolio: portfolio, firstAccount: accountsRead))
        accountsRead += table.count
        windowAccounts += table.count
        if windowAccounts > layout.maxWindowAccounts {
            throw StreamFallback(reason: "more than \(layout.maxWindowAccounts) accounts would be held before their statements (the payments are not grouped by account in the accounts' order)")
        }
    }

    var sourceDone = false

    /// Counts up to `chunkAccounts` records from `position`: (records, bytes, line
    /// breaks, whether the buffer held them all or the input ends there).
    func scanRecords() -> (Int, Int, Int, Bool) {
        let view = UnsafeBufferPointer(start: UnsafePointer(buffer + position), count: filled - position)
        guard view.count > 0 else { return (0, 0, 0, sourceDone) }
        let r = CSVReader(view: view, final: sourceDone, name: accountsName, firstLine: 0, stopOffset: .max,
                          chunkSize: min(view.count, 1 << 20))
        var records = 0
        var end = 0
        while records < layout.chunkAccounts {
            guard let status = try? r.next(), status != .end else { break }
            records += 1
            end = r.bytesConsumed
        }
        if records == layout.chunkAccounts {
            return (records, end, lineCount(upTo: end), true)
        }
        // Fewer records than a chunk: take them all only at the end of the input
        // (trailing blank lines included), else read more first.
        return sourceDone ? (records, view.count, 0, true) : (records, end, 0, false)
    }

    /// Line breaks of the records in buffer[position ..< position + end] (re-scanned: the
    /// reader counts lines with quoted line breaks as the file's reader does).
    func lineCount(upTo end: Int) -> Int {
        let view = UnsafeBufferPointer(start: UnsafePointer(buffer + position), count: end)
        let r = CSVReader(view: view, final: true, name: accountsName, firstLine: 0, stopOffset: .max,
                          chunkSize: min(max(16, view.count), 1 << 20))
        while let status = try? r.next(), status != .end {}
        return r.nextRecordLine
    }

    /// Moves the unparsed bytes to the front and reads more (growing the buffer when a
    /// chunk's records do not fit).
    func fill() throws(InputError) {
        if position > 0 {
            (buffer).update(from: buffer + position, count: filled - position)
            filled -= position
            position = 0
        }
        if filled == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        while filled < capacity {
            let n = try accountsFile.readRemainingBytes(into: buffer + filled, capacity: capacity - filled)
            if n == 0 { sourceDone = true; break }
            filled += n
        }
    }

    /// Every chunk must type each extra column as the whole file would: a column is
    /// numeric when its number cells outnumber its text cells over all rows, so when the
    /// chunks that have a non-empty cell agree, the file agrees with them.
    func checkTyping(_ table: AccountTable, rejects: [Reject]) throws {
        for column in table.extraColumns {
            if !column.isNumeric {
                // Only empty cells (no late rejects in a text column): no say.
                let allEmpty = column.text.allSatisfy { cell in
                    var c = cell
                    return c.withUTF8 { if case .empty = NumberParser.parse($0) { true } else { false } }
                }
                if allEmpty { continue }
            }
            if let known = extraTyping[column.name], known != column.isNumeric {
                throw StreamFallback(reason: "\(accountsName): column '\(column.name)' is numeric in some rows and text in others")
            }
            extraTyping[column.name] = column.isNumeric
        }
    }

    /// Adds a chunk's ids: valid rows to the lookup table (→ global index), rejected first
    /// rows to it and to `rejectedIDs` (→ −line), all to the hash set.
    func register(_ table: AccountTable, rejects: [Reject], base: Int) throws {
        var inChunk = Set<String>()
        inChunk.reserveCapacity(table.count + rejects.count)
        var v = 0, r = 0
        let accountRejects = rejects.filter { $0.source == .accounts }
        while v < table.count || r < accountRejects.count {
            let takeValid = r >= accountRejects.count || (v < table.count && table.sourceLine[v] < accountRejects[r].line)
            let id: String, value: Int32
            if takeValid {
                id = table.accountID[v]; value = Int32(base + v); v += 1
            } else {
                let reject = accountRejects[r]; r += 1
                guard !reject.accountID.isEmpty else { continue }
                id = reject.accountID; value = -Int32(clamping: reject.line)
            }
            if inChunk.contains(id) { continue }
            inChunk.insert(id)
            let h = IDHashSet.hash(id)
            if seen.contains(h) {
                throw StreamFallback(reason: "\(accountsName): account id '\(id)' appears in two chunks (a duplicate id, or two ids with one hash)")
            }
            seen.insert(h)
            var bytes = id
            bytes.withUTF8 { _ = tableBox.table.insert($0, value: value) }
            if value < 0 { rejectedIDs.append((id, value)) }
        }
    }

    /// Hands the first chunk of the window to `body` and forgets its ids.
    func finishFirst(_ body: (Chunk) throws -> Void) throws {
        var chunk = window.removeFirst()
        windowAccounts -= chunk.portfolio.accounts.count
        let duplicates = chunk.portfolio.payments.removeDuplicateStatements(file: paymentsName,
                                                                           accountIDs: chunk.portfolio.accounts.accountID)
        totals.paymentRejects.append(contentsOf: duplicates)
        totals.paymentsUsed += chunk.portfolio.payments.count
        chunk.portfolio.paymentRows = chunk.portfolio.payments.count
        // The lookup table keeps the window's accounts and every rejected first row.
        let table = AccountIDTable(expectedCount: windowAccounts + rejectedIDs.count)
        for c in window {
            for (i, id) in c.portfolio.accounts.accountID.enumerated() {
                var s = id
                s.withUTF8 { _ = table.insert($0, value: Int32(c.firstAccount + i)) }
            }
        }
        for (id, line) in rejectedIDs {
            var s = id
            s.withUTF8 { _ = table.insert($0, value: line) }
        }
        tableBox.table = table
        try body(chunk)
    }
}

/// Why a streaming read gave up: the caller reads the portfolio whole instead.
public struct StreamFallback: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A set of 64-bit hashes (open addressing, linear probing, load ≤ ¾; 0 marks an empty
/// slot, so the hash 0 is stored as 1): 11–21 bytes per id.
struct IDHashSet {
    private var slots = [UInt64](repeating: 0, count: 1 << 16)
    private var count = 0

    static func hash(_ id: String) -> UInt64 {
        var s = id
        let h = s.withUTF8 { AccountIDTable.hash($0) }
        return h == 0 ? 1 : h
    }

    func contains(_ h: UInt64) -> Bool {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == h { return true }
            if s == 0 { return false }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ h: UInt64) {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
            if slots[i] == h { return }
            i = (i + 1) & mask
        }
        slots[i] = h
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        let mask = slots.count - 1
        for h in old where h != 0 {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = h
        }
    }
}

extension AccountTable {
    /// Appends row `i` of `other` (every column, extra columns by position): building a
    /// small table of chosen accounts, such as a streamed worklist's. The header facts
    /// (`presentColumns`, `hasLabels`, the extra columns' names and typing) come from
    /// `other` when this table is empty.
    public mutating func appendRow(_ i: Int, of other: AccountTable) {
        if count == 0 {
            presentColumns = other.presentColumns
            hasLabels = other.hasLabels
            extraColumns = other.extraColumns.map { ExtraColumn(name: $0.name, text: [], numeric: [], isNumeric: $0.isNumeric) }
        }
        accountID.append(other.accountID[i]); balance.append(other.balance[i]); daysPastDue.append(other.daysPastDue[i])
        creditLimit.append(other.creditLimit[i]); product.append(other.product[i]); state.append(other.state[i])
        lastPaymentDate.append(other.lastPaymentDate[i]); bankruptcy.append(other.bankruptcy[i])
        ceaseAndDesist.append(other.ceaseAndDesist[i]); dispute.append(other.dispute[i]); deceased.append(other.deceased[i])
        callsLast7d.append(other.callsLast7d[i]); lastConversationDate.append(other.lastConversationDate[i])
        daysToRecovery.append(other.daysToRecovery[i]); recovered.append(other.recovered[i]); sourceLine.append(other.sourceLine[i])
        if !other.outcome.isEmpty { outcome.append(other.outcome[i]) }
        if !other.caseWeights.isEmpty { caseWeights.append(other.caseWeights[i]) }
        for k in other.extraColumns.indices {
            extraColumns[k].text.append(other.extraColumns[k].text[i])
            extraColumns[k].numeric.append(other.extraColumns[k].numeric[i])
        }
    }
}
