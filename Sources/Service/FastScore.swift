import Features
import PortfolioIO
import Scoring

/// The one-account fast path of `POST /v1/score`: the request JSON is scanned straight
/// into the account's cells and statements (byte ranges of the body), read with the
/// readers' cell rules (`SingleAccount`), its feature row computed into a stack buffer
/// (`SingleAccountFeaturePlan`), scored and rendered into one byte buffer
/// (`SingleAccountScorer`): no JSON tree, no CSV text, no portfolio tables, no
/// dictionary per request.
///
/// It takes only requests it can answer exactly as the general path (`ScoreRequest.parse`
/// then `ModelSnapshot.score`) does, and answers `nil` for anything else — a body that
/// is not valid JSON or has an unknown, repeated or missing key, a string with an escape
/// or a byte outside printable ASCII, a cell the readers would reject, a model column
/// left out — so the general path gives its answer, errors with their field included.
/// `Tests/ServiceTests` checks both paths give the same bytes over `data/`.
struct FastScorePath: Sendable {
    /// The account keys, schema columns then the model's columns (`SingleAccount`'s
    /// cell order), as UTF-8.
    let keys: [[UInt8]]
    let plan: SingleAccountFeaturePlan
    let scorer: SingleAccountScorer
    let modelColumns: [String]
    /// Keys are tracked in a 64-bit mask.
    static let maxKeys = 64

    /// The fast path of a model, or nil when the model needs the general path (a
    /// stratified Cox model, competing outcomes, more than `maxKeys` account columns).
    init?(model: ModelArtifact, modelColumns: [String]) {
        let names = SingleAccount.schemaColumns + modelColumns
        guard names.count <= Self.maxKeys, let scorer = SingleAccountScorer(model),
              let plan = SingleAccountFeaturePlan(spec: model.features, extraColumns: modelColumns),
              scorer.columns == plan.columns else { return nil }
        keys = names.map { Array($0.utf8) }
        self.plan = plan
        self.scorer = scorer
        self.modelColumns = modelColumns
    }

    /// The response line (with its newline) for `body`, or nil for the general path.
    func score(_ body: [UInt8], defaultAsOf: CalendarDay) -> [UInt8]? {
        // The literals true and false become the cells "1" and "0": two bytes after the body.
        var bytes = body
        let literals = bytes.count
        bytes.append(UInt8(ascii: "1"))
        bytes.append(UInt8(ascii: "0"))
        return bytes.withUnsafeBufferPointer { all -> [UInt8]? in
            var scan = RequestScanner(bytes: UnsafeBufferPointer(rebasing: all[0..<literals]), keys: keys, trueCell: literals)
            guard scan.request() else { return nil }
            let schema = SingleAccount.schemaColumns.count
            // Every model column must be sent (null when unknown), as the general path requires.
            let needed: UInt64 = keys.count == 64 ? ~0 : (1 << UInt64(keys.count)) - 1
            let modelMask = needed & ~((1 << UInt64(schema)) - 1)
            guard scan.seen & modelMask == modelMask else { return nil }
            let account: SingleAccount? = scan.cells.withUnsafeBufferPointer { cells in
                scan.statements.withUnsafeBufferPointer { statements in
                    SingleAccount(bytes: all, schemaCells: UnsafeBufferPointer(rebasing: cells[0..<schema]),
                                  extraNames: modelColumns, extraCells: UnsafeBufferPointer(rebasing: cells[schema...]),
                                  statementCells: statements)
                }
            }
            guard let account else { return nil }
            let asOf = scan.asOf ?? defaultAsOf
            var out: [UInt8] = []
            out.reserveCapacity(640)
            withUnsafeTemporaryAllocation(of: Double.self, capacity: plan.columns) { row in
                let unseen = plan.features(of: account, asOf: asOf, into: row)
                scorer.appendLine(accountID: account.accountID, row: UnsafeBufferPointer(row), unseen: unseen, to: &out)
            }
            return out
        }
    }
}

/// A scanner of one score request `{"as_of": …, "account": {…}, "statements": [{…}]}`
/// that accepts a subset of what `JSONParser` + `ScoreRequest.parse` accept and records
/// each value's cell as a byte range: strings without escapes in printable ASCII (no
/// comma, which no cell may hold), numbers by the JSON grammar as written, `true`/`false`
/// as the cells "1"/"0" (ranges past the body, at `trueCell`), `null` as the empty
/// cell. Whitespace as JSON allows it. Every `false` return sends the request to the
/// general path.
struct RequestScanner {
    let b: UnsafeBufferPointer<UInt8>
    let keys: [[UInt8]]
    let trueCell: Int
    var i = 0
    /// Per account key, its cell (empty where not sent).
    var cells: [SingleAccount.CellRange]
    /// Bit k: key k was sent.
    var seen: UInt64 = 0
    /// Three cells per statement: date, amount_due, amount_paid.
    var statements: [SingleAccount.CellRange] = []
    var asOf: CalendarDay?

    init(bytes: UnsafeBufferPointer<UInt8>, keys: [[UInt8]], trueCell: Int) {
        b = bytes
        self.keys = keys
        self.trueCell = trueCell
        cells = Array(repeating: SingleAccount.CellRange(start: 0, count: 0), count: keys.count)
    }

    @inline(__always) mutating func space() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    @inline(__always) mutating func take(_ c: UInt8) -> Bool {
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }

    /// A string without escapes, in printable ASCII without a comma; `i` on its opening
    /// quote. Returns its contents' range.
    mutating func string() -> SingleAccount.CellRange? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < b.count {
            let x = b[i]
            if x == UInt8(ascii: "\"") {
                i += 1
                return SingleAccount.CellRange(start: start, count: i - 1 - start)
            }
            guard x >= 0x20, x < 0x7F, x != UInt8(ascii: "\\"), x != UInt8(ascii: ",") else { return nil }
            i += 1
        }
        return nil
    }

    /// A JSON number (RFC 8259 grammar, as `JSONParser.number`).
    mutating func number() -> SingleAccount.CellRange? {
        let start = i
        func digits(_ s: inout RequestScanner) -> Int {
            var n = 0
            while s.i < s.b.count, s.b[s.i] >= UInt8(ascii: "0"), s.b[s.i] <= UInt8(ascii: "9") { s.i += 1; n += 1 }
            return n
        }
        _ = take(UInt8(ascii: "-"))
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits(&self) == 0 { return nil }
        if take(UInt8(ascii: ".")), digits(&self) == 0 { return nil }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            if digits(&self) == 0 { return nil }
        }
        return SingleAccount.CellRange(start: start, count: i - start)
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// A value that becomes one cell (`ScoreRequest.cell`).
    mutating func cell() -> SingleAccount.CellRange? {
        guard i < b.count else { return nil }
        switch b[i] {
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true") ? SingleAccount.CellRange(start: trueCell, count: 1) : nil
        case UInt8(ascii: "f"): return literal("false") ? SingleAccount.CellRange(start: trueCell + 1, count: 1) : nil
        case UInt8(ascii: "n"): return literal("null") ? SingleAccount.CellRange(start: 0, count: 0) : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    /// `"key"` then `:`; returns the key's range.
    mutating func key() -> SingleAccount.CellRange? {
        space()
        guard let k = string() else { return nil }
        space()
        guard take(UInt8(ascii: ":")) else { return nil }
        space()
        return k
    }

    func equals(_ r: SingleAccount.CellRange, _ word: StaticString) -> Bool {
        guard r.count == word.utf8CodeUnitCount else { return false }
        for k in 0..<r.count where b[r.start + k] != word.utf8Start[k] { return false }
        return true
    }

    /// After a member: `,` (true: another follows) or the closing `close`.
    mutating func next(_ close: UInt8) -> Bool? {
        space()
        if take(UInt8(ascii: ",")) { return true }
        if take(close) { return false }
        return nil
    }

    /// The whole body.
    mutating func request() -> Bool {
        var account = false, statementsSeen = false, asOfSeen = false
        space()
        guard take(UInt8(ascii: "{")) else { return false }
        space()
        if take(UInt8(ascii: "}")) { return false }
        while true {
            guard let k = key() else { return false }
            if equals(k, "account") {
                guard !account, accountObject() else { return false }
                account = true
            } else if equals(k, "statements") {
                guard !statementsSeen else { return false }
                statementsSeen = true
                if !literal("null") { guard statementArray() else { return false } }
            } else if equals(k, "as_of") {
                guard !asOfSeen else { return false }
                asOfSeen = true
                if !literal("null") {
                    guard let r = string(),
                          let day = CalendarDay(String(decoding: UnsafeBufferPointer(rebasing: b[r.start ..< r.start + r.count]), as: UTF8.self))
                    else { return false }
                    asOf = day
                }
            } else {
                return false
            }
            guard let more = next(UInt8(ascii: "}")) else { return false }
            if !more { break }
        }
        space()
        return account && i == b.count
    }

    /// `{"column": cell, …}` with every key among `keys`, each once.
    mutating func accountObject() -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        space()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            guard let k = key(), let slot = keyIndex(of: k), seen & (1 << UInt64(slot)) == 0, let c = cell() else { return false }
            seen |= 1 << UInt64(slot)
            cells[slot] = c
            guard let more = next(UInt8(ascii: "}")) else { return false }
            if !more { return true }
        }
    }

    /// The index of the account key at `r`, nil for a key not among `keys`.
    func keyIndex(of r: SingleAccount.CellRange) -> Int? {
        for (s, key) in keys.enumerated() where key.count == r.count {
            var same = true
            for k in 0..<r.count where key[k] != b[r.start + k] { same = false; break }
            if same { return s }
        }
        return nil
    }

    /// `[{"date": …, "amount_due": …, "amount_paid": …}, …]`, each key once in any order.
    mutating func statementArray() -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        space()
        if take(UInt8(ascii: "]")) { return true }
        while true {
            space()
            guard take(UInt8(ascii: "{")) else { return false }
            var date: SingleAccount.CellRange?, due: SingleAccount.CellRange?, paid: SingleAccount.CellRange?
            space()
            if take(UInt8(ascii: "}")) { return false }
            while true {
                guard let k = key() else { return false }
                if equals(k, "date") {
                    guard date == nil, let c = cell() else { return false }
                    date = c
                } else if equals(k, "amount_due") {
                    guard due == nil, let c = cell() else { return false }
                    due = c
                } else if equals(k, "amount_paid") {
                    guard paid == nil, let c = cell() else { return false }
                    paid = c
                } else {
                    return false
                }
                guard let more = next(UInt8(ascii: "}")) else { return false }
                if !more { break }
            }
            guard let date, let due, let paid else { return false }
            statements.append(date)
            statements.append(due)
            statements.append(paid)
            guard let more = next(UInt8(ascii: "]")) else { return false }
            if !more { return true }
        }
    }
}
