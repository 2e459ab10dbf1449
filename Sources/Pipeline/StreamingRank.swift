import Features
import Foundation
import PortfolioIO
import Prioritizer
import Scoring

/// What a streamed `rank` found: the scoring totals and the class counts.
public struct StreamedRanking: Sendable {
    public var streamed: StreamedPortfolio
    /// Accounts per class and rule; they add up to the accounts file's data rows.
    public var counts: ClassCounts
}

extension Pipeline {
    /// `rank` chunk by chunk in bounded memory (DESIGN §9), with the same bytes as
    /// `rank(_:policy:capacity:)` over the whole portfolio:
    ///
    /// - each chunk is scored (`streamScore`) and classified by the same `Prioritizer`
    ///   with an unbounded capacity, so every account gets its rule, EV and net value;
    /// - the worklist is a running top-k by the ranking key (net value descending, p
    ///   descending, account_id ascending): the k best pursuable accounts are kept with
    ///   their rows and statements, scored and ranked again at the end — which computes
    ///   their reasons — and printed with the value drivers' medians of every scored
    ///   account (16 bytes per account);
    /// - the holds file is an external merge: each chunk's rows of each class are sorted
    ///   by the ranking key and spilled to an unlinked temporary file in
    ///   `spillDirectory` as one run; the runs are merged per class (deferred, not worth
    ///   pursuing, do not contact), the pursuable accounts off the worklist printed as
    ///   `over_capacity` with their rank among all pursuable accounts; then the rejected
    ///   account rows by line.
    ///
    /// `worklist` and `holds` receive the files' bytes in order (the CSV header first).
    /// - Throws: as `streamScore` (any error: run the whole-portfolio path instead).
    public static func streamRank(accounts: String, payments: String, with model: ModelArtifact, asOf: CalendarDay,
                                  policy: Policy, capacity: Int? = nil, format: OutputFormat,
                                  options: StreamingOptions = StreamingOptions(), spillDirectory: String,
                                  progress: (Int, Int?) -> Void = { _, _ in },
                                  worklist: ([UInt8]) throws -> Void, holds: ([UInt8]) throws -> Void) throws -> StreamedRanking {
        var effective = policy
        if let capacity {
            guard capacity >= 1 else { throw StreamFallback(reason: "capacity below 1") }
            effective.capacity = capacity
        }
        let k = effective.capacity
        let prioritizer = Prioritizer(policy: effective)
        let spill = try SpillFile(directory: spillDirectory)
        var runs: [[SpillFile.Run]] = [[], [], []]
        var best = TopK(capacity: k)
        var balances: [Double] = [], ps: [Double] = []
        var counts = ClassCounts()
        var rejectedRows: [RejectedRow] = []
        var pursuable = 0

        let streamed = try streamScore(accounts: accounts, payments: payments, with: model, asOf: asOf, reasons: false,
                                       options: options, progress: progress) { scored, first in
            let result: WorklistResult
            do throws(PrioritizerError) {
                result = try prioritizer.rank(scored.portfolio, asOf: scored.asOf, scores: scored.modelOutputs, capacity: Int(Int32.max))
            } catch {
                throw PipelineError(.rank, error)
            }
            let a = scored.portfolio.accounts, s = scored.scores
            balances.append(contentsOf: a.balance)
            ps.append(contentsOf: s.pRecover)
            Self.add(result.counts, to: &counts)
            rejectedRows += result.rejected
            var rendered = TextOutput(format: format, header: WorklistResult.holdsColumns, writeHeader: false)
            var records: [[SpillFile.Record]] = [[], [], []]
            var statements: StatementIndex?
            for i in 0..<a.count {
                let key = RankKey(net: result.netValue[i], p: s.pRecover[i], id: a.accountID[i])
                let line = a.sourceLine.isEmpty ? -1 : a.sourceLine[i]
                if result.rule[i] == .none {
                    pursuable += 1
                    let fields = [Double(first + i), a.balance[i], a.daysPastDue[i], result.expectedValue[i],
                                  s.medianDays[i], s.scorePoints[i], Double(line)]
                    records[0].append(SpillFile.Record(key: key, pursuable: true, payload: fields.withUnsafeBytes { Array($0) }))
                    best.offer(key, account: first + i) {
                        if statements == nil { statements = StatementIndex(scored.portfolio.payments, accounts: a.count) }
                        return Snapshot(i, of: scored.portfolio, statements: statements!)
                    }
                    continue
                }
                let c: Int
                switch result.accountClass[i] {
                case .deferred: c = 0
                case .notWorthPursuing: c = 1
                case .doNotContact: c = 2
                case .worklist, .rejected: throw StreamFallback(reason: "unexpected class of a held account")
                }
                let start = rendered.bytes.count
                rendered.text(result.accountClass[i].code)
                rendered.text(a.accountID[i])
                rendered.text(result.rule[i].code)
                rendered.text(result.explanation(account: i))
                Self.figures(into: &rendered, balance: a.balance[i], dpd: a.daysPastDue[i], p: s.pRecover[i],
                             ev: result.expectedValue[i], net: result.netValue[i], median: s.medianDays[i], points: s.scorePoints[i])
                rendered.decimal(line < 0 ? .nan : Double(line), 0)
                rendered.endRow()
                records[c].append(SpillFile.Record(key: key, pursuable: false, payload: Array(rendered.bytes[start...])))
            }
            for c in 0..<3 where !records[c].isEmpty {
                records[c].sort { $0.key.precedes($1.key) }
                runs[c].append(try spill.write(records[c]))
            }
        }

        // The worklist: the k best, scored and ranked again for their reasons.
        let winners = best.sorted()
        var mini = Portfolio(accounts: AccountTable(), payments: PaymentTable(), rejects: [], accountRows: winners.count, paymentRows: 0)
        for w in winners { w.snapshot.append(to: &mini) }
        var worklistOut = TextOutput(format: format, header: WorklistResult.worklistColumns)
        if !winners.isEmpty {
            mini.paymentRows = mini.payments.count
            let scored = try score(mini, with: model, asOf: asOf, reasons: false)
            let ranked = try rank(scored, policy: effective, capacity: k)
            let r = ranked.result
            guard r.worklist.count == winners.count else {
                throw StreamFallback(reason: "the worklist's accounts did not rank again as the worklist")
            }
            let drivers = ValueDrivers(balance: balances, p: ps)
            for (position, a) in r.worklist.enumerated() {
                let i = Int(a)
                guard r.accounts.accountID[i] == winners[position].key.id else {
                    throw StreamFallback(reason: "the worklist ranked again in another order")
                }
                worklistOut.decimal(Double(position + 1), 0)
                worklistOut.text(r.accounts.accountID[i])
                worklistOut.decimal(r.accounts.balance[i], 2)
                worklistOut.decimal(r.scores.pRecover[i], 6)
                worklistOut.decimal(r.expectedValue[i], 2)
                worklistOut.decimal(r.netValue[i], 2)
                worklistOut.decimal(r.scores.medianDays[i], 2, trim: true)
                worklistOut.decimal(r.scores.scorePoints[i], 2, trim: true)
                for slot in 0..<ReasonCodes.perAccount { worklistOut.text(r.reasons.text(account: i, slot)) }
                worklistOut.text(drivers.text(balance: r.accounts.balance[i], p: r.scores.pRecover[i]))
                worklistOut.endRow()
            }
        }
        try worklist(worklistOut.bytes)
        balances = []
        ps = []

        // The holds file: the runs of each class merged, then the rejected rows.
        let winnerSet = Set(winners.map(\.account))
        var out = TextOutput(format: format, header: WorklistResult.holdsColumns).bytes
        var pending = TextOutput(format: format, header: WorklistResult.holdsColumns, writeHeader: false)
        var overCapacity = 0
        func settle() {
            if !pending.bytes.isEmpty {
                out += pending.bytes
                pending = TextOutput(format: format, header: WorklistResult.holdsColumns, writeHeader: false)
            }
        }
        func flush(_ force: Bool) throws {
            if pending.bytes.count >= 1 << 20 { settle() }
            if out.count >= 4 << 20 || (force && !out.isEmpty) {
                try holds(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        for c in 0..<3 {
            try spill.merge(runs[c]) { record in
                if record.pursuable {
                    let f = record.payload.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
                    if winnerSet.contains(Int(f[0])) { return }
                    overCapacity += 1
                    let rank = k + overCapacity
                    pending.text(AccountClass.deferred.code)
                    pending.text(record.key.id)
                    pending.text(Rule.overCapacity.code)
                    var net: [UInt8] = []
                    appendDecimal(record.key.net, 2, to: &net)
                    pending.text("over capacity: rank \(rank) > capacity \(k) (net value \(String(decoding: net, as: UTF8.self)))")
                    Self.figures(into: &pending, balance: f[1], dpd: f[2], p: record.key.p, ev: f[3], net: record.key.net,
                                 median: f[4], points: f[5])
                    pending.decimal(f[6] < 0 ? .nan : f[6], 0)
                    pending.endRow()
                } else {
                    settle()
                    out += record.payload
                }
                try flush(false)
            }
        }
        for r in rejectedRows {
            pending.text(AccountClass.rejected.code)
            pending.text(r.accountID)
            pending.text(r.codes)
            pending.text(r.reason)
            for _ in 0..<7 { pending.decimal(.nan, 0) }
            pending.decimal(Double(r.line), 0)
            pending.endRow()
        }
        settle()
        try flush(true)
        guard overCapacity == max(0, pursuable - k) else { throw StreamFallback(reason: "over-capacity rows do not add up") }
        counts.worklist -= overCapacity
        counts.byRule[Int(Rule.none.rawValue)] -= overCapacity
        counts.deferred += overCapacity
        counts.byRule[Int(Rule.overCapacity.rawValue)] += overCapacity
        guard counts.total == streamed.totals.accountRows else { throw StreamFallback(reason: "class counts do not add up") }
        return StreamedRanking(streamed: streamed, counts: counts)
    }

    static func add(_ c: ClassCounts, to total: inout ClassCounts) {
        total.worklist += c.worklist
        total.deferred += c.deferred
        total.notWorthPursuing += c.notWorthPursuing
        total.doNotContact += c.doNotContact
        total.rejected += c.rejected
        for r in c.byRule.indices { total.byRule[r] += c.byRule[r] }
    }

    /// The figures of a holds row, formatted as `WorklistResult`'s holds file formats them.
    static func figures(into out: inout TextOutput, balance: Double, dpd: Double, p: Double, ev: Double, net: Double,
                        median: Double, points: Double) {
        out.decimal(balance, 2)
        out.decimal(dpd, 0)
        out.decimal(p, 6)
        out.decimal(ev, 2)
        out.decimal(net, 2)
        out.decimal(median, 2, trim: true)
        out.decimal(points, 2, trim: true)
    }
}

/// The worklist's ranking key: net value descending, then p descending, then account_id
/// ascending by UTF-8 bytes (`Prioritizer`).
struct RankKey: Sendable {
    var net: Double
    var p: Double
    var id: String

    func precedes(_ other: RankKey) -> Bool {
        if net != other.net { return net > other.net }
        if p != other.p { return p > other.p }
        return id.utf8.lexicographicallyPrecedes(other.id.utf8)
    }
}

/// The statement rows of each account of a chunk (a stable counting sort).
struct StatementIndex {
    var offsets: [Int]
    var order: [Int]

    init(_ payments: PaymentTable, accounts n: Int) {
        offsets = [Int](repeating: 0, count: n + 1)
        for a in payments.accountIndex { offsets[Int(a) + 1] += 1 }
        for a in 0..<n { offsets[a + 1] += offsets[a] }
        var cursor = offsets
        order = [Int](repeating: 0, count: payments.count)
        for r in 0..<payments.count {
            let a = Int(payments.accountIndex[r])
            order[cursor[a]] = r
            cursor[a] += 1
        }
    }
}

/// One account's row and statements, kept while it is among the best k.
struct Snapshot {
    var table = AccountTable()
    var date: [Int32] = [], due: [Double] = [], paid: [Double] = [], line: [Int32] = []

    init(_ i: Int, of portfolio: Portfolio, statements: StatementIndex) {
        table.appendRow(i, of: portfolio.accounts)
        let p = portfolio.payments
        for k in statements.offsets[i]..<statements.offsets[i + 1] {
            let r = statements.order[k]
            date.append(p.date[r]); due.append(p.amountDue[r]); paid.append(p.amountPaid[r]); line.append(p.sourceLine[r])
        }
    }

    func append(to portfolio: inout Portfolio) {
        let row = Int32(portfolio.accounts.count)
        portfolio.accounts.appendRow(0, of: table)
        for k in date.indices {
            portfolio.payments.accountIndex.append(row)
            portfolio.payments.date.append(date[k])
            portfolio.payments.amountDue.append(due[k])
            portfolio.payments.amountPaid.append(paid[k])
            portfolio.payments.sourceLine.append(line[k])
        }
    }
}

/// The best `capacity` accounts by `RankKey` seen so far: a binary heap with the worst
/// at its root. O(log k) per account that enters; the snapshot is made only then.
struct TopK {
    struct Entry {
        var key: RankKey
        var account: Int
        var snapshot: Snapshot
    }
    let capacity: Int
    private var heap: [Entry] = []

    init(capacity: Int) { self.capacity = capacity }

    /// `a` is worse than `b`.
    private func worse(_ a: Int, _ b: Int) -> Bool { heap[b].key.precedes(heap[a].key) }

    mutating func offer(_ key: RankKey, account: Int, _ snapshot: () -> Snapshot) {
        if heap.count < capacity {
            heap.append(Entry(key: key, account: account, snapshot: snapshot()))
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard worse(i, parent) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
            return
        }
        guard let root = heap.first, key.precedes(root.key) else { return }
        heap[0] = Entry(key: key, account: account, snapshot: snapshot())
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var w = i
            if l < heap.count && worse(l, w) { w = l }
            if r < heap.count && worse(r, w) { w = r }
            if w == i { break }
            heap.swapAt(i, w)
            i = w
        }
    }

    /// The entries, best first.
    func sorted() -> [Entry] { heap.sorted { $0.key.precedes($1.key) } }
}

/// Sorted runs of holds rows on disk: one unlinked temporary file, appended run by run,
/// read back through one 256 KiB buffer per run while merging.
final class SpillFile {
    struct Record {
        var key: RankKey
        var pursuable: Bool
        var payload: [UInt8]
    }
    struct Run {
        var offset: Int
        var bytes: Int
    }

    private let fd: Int32
    private var size = 0

    init(directory: String) throws {
        var template = Array((directory + "/.arrears-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw PipelineError(code: .output, message: "cannot create a temporary file in '\(directory)': \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends `records` (already in order) as one run.
    func write(_ records: [Record]) throws -> Run {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.reduce(0) { $0 + 32 + $1.key.id.utf8.count + $1.payload.count })
        func put<T>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        for r in records {
            bytes.append(r.pursuable ? 1 : 0)
            put(r.key.net)
            put(r.key.p)
            let id = Array(r.key.id.utf8)
            put(UInt32(id.count))
            bytes += id
            put(UInt32(r.payload.count))
            bytes += r.payload
        }
        let run = Run(offset: size, bytes: bytes.count)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(size + done)) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                throw PipelineError(code: .output, message: "writing the holds file's sort runs failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        size += bytes.count
        return run
    }

    /// Calls `body` with every record of `runs` in key order.
    func merge(_ runs: [Run], _ body: (Record) throws -> Void) throws {
        var readers = runs.map { RunReader(fd: fd, run: $0) }
        var heads: [Record?] = []
        for k in readers.indices { heads.append(try readers[k].next()) }
        // A binary heap of run numbers by their head record.
        var heap = heads.indices.filter { heads[$0] != nil }
        func before(_ a: Int, _ b: Int) -> Bool { heads[a]!.key.precedes(heads[b]!.key) }
        func down(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && before(heap[l], heap[m]) { m = l }
                if r < heap.count && before(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { down(i) }
        while let top = heap.first {
            try body(heads[top]!)
            heads[top] = try readers[top].next()
            if heads[top] == nil {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { down(0) }
        }
    }

    struct RunReader {
        let fd: Int32
        var position: Int
        let end: Int
        var buffer: [UInt8] = []
        var cursor = 0

        init(fd: Int32, run: Run) {
            self.fd = fd
            position = run.offset
            end = run.offset + run.bytes
        }

        /// Ensures `n` unread bytes are buffered (reading up to 256 KiB more).
        mutating func need(_ n: Int) throws {
            if buffer.count - cursor >= n { return }
            buffer.removeSubrange(0..<cursor)
            cursor = 0
            let want = min(end - position, max(n - buffer.count, 256 << 10))
            guard want > 0 else { throw PipelineError(code: .output, message: "the holds file's sort runs are truncated") }
            let old = buffer.count
            buffer += [UInt8](repeating: 0, count: want)
            var done = 0
            while done < want {
                let r = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + old + done, want - done, off_t(position + done)) }
                if r <= 0 {
                    if r < 0 && errno == EINTR { continue }
                    throw PipelineError(code: .output, message: "reading the holds file's sort runs failed")
                }
                done += r
            }
            position += want
            if buffer.count - cursor < n { try need(n) }
        }

        mutating func take<T>(_: T.Type) throws -> T {
            try need(MemoryLayout<T>.size)
            let v = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: cursor, as: T.self) }
            cursor += MemoryLayout<T>.size
            return v
        }

        mutating func bytes(_ n: Int) throws -> [UInt8] {
            try need(n)
            defer { cursor += n }
            return Array(buffer[cursor..<(cursor + n)])
        }

        mutating func next() throws -> Record? {
            if position >= end && cursor >= buffer.count { return nil }
            let flag = try take(UInt8.self)
            let net = try take(Double.self), p = try take(Double.self)
            let idLength = Int(try take(UInt32.self))
            let id = String(decoding: try bytes(idLength), as: UTF8.self)
            let payloadLength = Int(try take(UInt32.self))
            let payload = try bytes(payloadLength)
            return Record(key: RankKey(net: net, p: p, id: id), pursuable: flag == 1, payload: payload)
        }
    }
}
