import Dispatch

/// The row formats of every output: CSV (RFC 4180, a header row) or JSON Lines (one
/// object per row; `--format jsonl`).
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    case csv, jsonl

    /// The JSON Lines format (the name `TextOutput` code uses).
    public static var jsonLines: OutputFormat { .jsonl }

    /// The file extension of the format, with its dot: `.csv`, `.jsonl`.
    public var fileExtension: String { "." + rawValue }
}

/// A byte buffer for CSV and JSON Lines output that can be rendered in parallel chunks;
/// CSV text cells use PortfolioIO's `CSVEscaping`. Nothing depends on the locale.
///
/// **Speed.** Every cell is formatted on the stack (separator, JSON key, digits) and
/// appended to `bytes` with one copy; numbers never go through `String` (see
/// `DecimalText`); the JSON key prefixes (`,"p_recover":`) are escaped once, at `init`.
/// Text given as bytes (`text(bytes:)`, `textCell(_:)`) is escaped in place: the common
/// text without special characters is copied once and scanned eight bytes at a time.
///
/// A renderer that fills a caller's buffer (row ranges, chunk by chunk) wraps it with
/// `withRows(format:header:appendingTo:_:)`, which moves the array in and out without a
/// copy.
public struct TextOutput {
    public typealias Format = OutputFormat

    public let format: Format
    public private(set) var bytes: [UInt8] = []
    private var firstInRow = true
    private var keyIndex = 0
    /// JSON Lines: the escaped key prefixes `{"k0":` (first cell) and `,"kN":`, one
    /// after the other; `keyEnds[n]` is where key n's prefix ends in `keyBytes`.
    private var keyBytes: [UInt8] = []
    private var keyEnds: [Int] = []

    /// A buffer for rows with these columns; the CSV header row is written first when
    /// `writeHeader` (JSON Lines has none: the keys are in every object).
    public init(format: Format, header: [String], writeHeader: Bool = true) {
        self.format = format
        if format == .jsonl {
            for (n, key) in header.enumerated() {
                keyBytes.append(UInt8(ascii: n == 0 ? "{" : ","))
                Self.appendJSONString(Array(key.utf8), to: &keyBytes)
                keyBytes.append(UInt8(ascii: ":"))
                keyEnds.append(keyBytes.count)
            }
        }
        if format == .csv && writeHeader {
            for h in header { text(h) }
            endRow()
        }
    }

    /// The header bytes of an output with these columns: the CSV header row, nothing for
    /// JSON Lines.
    public static func headerBytes(format: Format, header: [String]) -> [UInt8] {
        TextOutput(format: format, header: header).bytes
    }

    /// Runs `body` with a `TextOutput` (no header) that appends to `bytes`: the rows
    /// `body` writes end up after the bytes already there. The array is moved, not copied.
    public static func withRows(format: Format, header: [String], appendingTo bytes: inout [UInt8],
                                _ body: (inout TextOutput) throws -> Void) rethrows {
        var out = TextOutput(format: format, header: header, writeHeader: false)
        swap(&out.bytes, &bytes)
        defer { swap(&out.bytes, &bytes) }
        try body(&out)
    }

    /// Renders `count` rows in chunks on all cores and returns the header (when
    /// `writeHeader`) followed by the rows in order: the bytes do not depend on the
    /// number of cores. `render(range, &out)` writes rows `range` into `out`.
    public static func rendered(format: Format, header: [String], count: Int, bytesPerRow: Int, chunkSize: Int = 16_384,
                         _ render: @Sendable (Range<Int>, inout TextOutput) -> Void) -> [UInt8] {
        var result = TextOutput(format: format, header: header).bytes
        Self.render(rows: 0..<count, format: format, header: header, bytesPerRow: bytesPerRow, chunkSize: chunkSize,
               appendingTo: &result, render)
        return result
    }

    /// Renders rows `rows` (no header) in chunks of `chunkSize` on all cores, each chunk
    /// into its own buffer, and appends the chunks in order to `bytes` (one copy each):
    /// the bytes do not depend on the number of cores. A single chunk is rendered
    /// straight into `bytes`.
    public static func render(rows: Range<Int>, format: Format, header: [String], bytesPerRow: Int, chunkSize: Int = 16_384,
                              appendingTo bytes: inout [UInt8], _ render: @Sendable (Range<Int>, inout TextOutput) -> Void) {
        precondition(chunkSize >= 1, "rendered: chunkSize must be ≥ 1")
        let count = rows.count, first = rows.lowerBound
        let chunks = count == 0 ? 0 : 1 + (count - 1) / chunkSize
        guard chunks > 1 else {
            bytes.reserveCapacity(bytes.count + bytesPerRow * count)
            withRows(format: format, header: header, appendingTo: &bytes) { render(rows, &$0) }
            return
        }
        var parts = [[UInt8]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots   // each iteration writes only its own slot
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var out = TextOutput(format: format, header: header, writeHeader: false)
                out.bytes.reserveCapacity(bytesPerRow * min(chunkSize, count))
                render(first + c * chunkSize ..< first + min(count, (c + 1) * chunkSize), &out)
                slots[c] = out.bytes
            }
        }
        bytes.reserveCapacity(bytes.count + parts.reduce(0) { $0 + $1.count })
        for part in parts { bytes.append(contentsOf: part) }
    }

    /// A text cell. CSV: RFC 4180 quoting when it holds `,` `"` CR or LF, and a leading
    /// `'` when it starts with `=` `+` `-` `@` tab or CR, so a spreadsheet shows it as text
    /// instead of running it as a formula (OWASP "CSV injection"). JSON: a string.
    public mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { text(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// A text cell from UTF-8 bytes, escaped as `text(_:)` does.
    public mutating func text(bytes text: UnsafeRawBufferPointer) {
        beginCell()
        let u = text.bindMemory(to: UInt8.self)
        switch format {
        case .csv:
            CSVEscaping.appendTextCell(u, to: &bytes)
        case .jsonl:
            if TextScan.needsJSONEscape(u) {
                Self.appendJSONString(u, to: &bytes)
            } else {
                bytes.append(UInt8(ascii: "\""))
                bytes.append(contentsOf: u)
                bytes.append(UInt8(ascii: "\""))
            }
        }
    }

    /// A text cell whose UTF-8 text `body` appends to the buffer it is given (raw, not
    /// escaped): escaped afterwards in place, as `text(_:)` escapes — the text is
    /// rendered once, straight into the output, and moved only when it needs escaping.
    public mutating func textCell(_ body: (inout [UInt8]) -> Void) {
        beginCell()
        if format == .jsonl { bytes.append(UInt8(ascii: "\"")) }
        let start = bytes.count
        body(&bytes)
        let escape = bytes.withUnsafeBufferPointer { all -> Bool in
            let u = UnsafeBufferPointer(rebasing: all[start...])
            return format == .csv ? CSVEscaping.needsEscape(u) : TextScan.needsJSONEscape(u)
        }
        if escape {
            let raw = Array(bytes[start...])
            bytes.removeSubrange(start...)
            raw.withUnsafeBufferPointer { u in
                switch format {
                case .csv:
                    CSVEscaping.appendTextCell(u, to: &bytes)
                case .jsonl:
                    bytes.removeLast()                     // the opening quote
                    Self.appendJSONString(u, to: &bytes)
                }
            }
            return
        }
        if format == .jsonl { bytes.append(UInt8(ascii: "\"")) }
    }

    /// A number cell: `x` with `decimals` digits (trailing zeros dropped when `trim`);
    /// NaN writes an empty CSV cell or JSON `null`. The bytes are `appendDecimal`'s.
    public mutating func decimal(_ x: Double, _ decimals: Int, trim: Bool = false) {
        precondition((0...9).contains(decimals), "appendDecimal: 0…9 decimals")
        // Separator, key and number formatted on the stack, then one copy.
        let keyStart = format == .jsonl ? (keyIndex == 0 ? 0 : keyEnds[keyIndex - 1]) : 0
        let keyLength = format == .jsonl ? keyEnds[keyIndex] - keyStart : 0
        guard keyLength <= 32 else {
            beginCell()
            if x.isNaN { bytes.append(contentsOf: "null".utf8); return }
            appendDecimal(x, decimals, trim: trim, to: &bytes)
            return
        }
        var scratch = DecimalText.Scratch()
        let written = withUnsafeMutableBytes(of: &scratch) { raw -> Int in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var n = 0
            switch format {
            case .csv:
                if !firstInRow { p[0] = UInt8(ascii: ","); n = 1 }
            case .jsonl:
                keyBytes.withUnsafeBufferPointer { k in
                    (p + n).initialize(from: k.baseAddress! + keyStart, count: keyLength)
                }
                n += keyLength
            }
            if x.isNaN {
                if format == .jsonl {
                    for b in "null".utf8 { p[n] = b; n += 1 }
                }
                return n
            }
            let digits = DecimalText.write(x, decimals, trim: trim, to: p + n)
            return digits < 0 ? -1 - n : n + digits
        }
        firstInRow = false
        if format == .jsonl { keyIndex += 1 }
        if written >= 0 {
            Self.append(&scratch, count: written, to: &bytes)
        } else {
            // Beyond the fixed-point range: the prefix, then Swift's shortest form.
            Self.append(&scratch, count: -1 - written, to: &bytes)
            bytes.append(contentsOf: String(x).utf8)
        }
    }

    /// Appends the first `count` bytes of `scratch` (one typed copy, not a byte loop).
    @inline(__always)
    static func append(_ scratch: inout DecimalText.Scratch, count: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: &scratch) { raw in
            bytes.append(contentsOf: UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
        }
    }

    public mutating func endRow() {
        if format == .jsonLines {
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(0x0A)
        firstInRow = true
        keyIndex = 0
    }

    private mutating func beginCell() {
        switch format {
        case .csv:
            if !firstInRow { bytes.append(UInt8(ascii: ",")) }
        case .jsonl:
            let start = keyIndex == 0 ? 0 : keyEnds[keyIndex - 1], end = keyEnds[keyIndex]
            keyBytes.withUnsafeBufferPointer { k in
                bytes.append(contentsOf: UnsafeBufferPointer(start: k.baseAddress! + start, count: end - start))
            }
            keyIndex += 1
        }
        firstInRow = false
    }

    /// `u` as a JSON string: `"` and `\` backslashed, LF CR tab as `\n` `\r` `\t`, other
    /// control bytes as `\u00XX`; everything else (UTF-8 included) as it is.
    static func appendJSONString<C: Collection>(_ u: C, to bytes: inout [UInt8]) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: "\""))
        for b in u {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), b])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), b])
            case 0x0A: bytes.append(contentsOf: Array("\\n".utf8))
            case 0x0D: bytes.append(contentsOf: Array("\\r".utf8))
            case 0x09: bytes.append(contentsOf: Array("\\t".utf8))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Byte scans for the escaping decisions, eight bytes at a time (SWAR: a byte equal to c
/// is a zero byte of w ⊕ c·0x0101…01, and (v − 0x0101…01) & ~v & 0x8080…80 is non-zero
/// exactly when some byte of v is zero; likewise (w − n·0x0101…01) & ~w & 0x8080…80 is
/// non-zero exactly when some byte of w is below n ≤ 128).
enum TextScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    static func hasByte(_ w: UInt64, _ c: UInt8) -> Bool {
        let v = w ^ (ones &* UInt64(c))
        return (v &- ones) & ~v & highs != 0
    }

    @inline(__always)
    static func hasByteBelow(_ w: UInt64, _ n: UInt8) -> Bool {
        (w &- ones &* UInt64(n)) & ~w & highs != 0
    }

    /// Whether `u` holds `,` `"` LF or CR (the bytes that make a CSV cell quoted).
    static func hasCSVSpecial(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = u.baseAddress else { return false }
        let n = u.count
        var i = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if hasByte(w, UInt8(ascii: ",")) || hasByte(w, UInt8(ascii: "\"")) || hasByte(w, 10) || hasByte(w, 13) { return true }
            i += 8
        }
        while i < n {
            let b = base[i]
            if b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 10 || b == 13 { return true }
            i += 1
        }
        return false
    }

    /// Whether `u` holds `"`, `\` or a control byte (< 0x20): the bytes JSON escapes.
    static func needsJSONEscape(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = u.baseAddress else { return false }
        let n = u.count
        var i = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if hasByte(w, UInt8(ascii: "\"")) || hasByte(w, UInt8(ascii: "\\")) || hasByteBelow(w, 0x20) { return true }
            i += 8
        }
        while i < n {
            let b = base[i]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { return true }
            i += 1
        }
        return false
    }
}

/// Fixed-point decimal text written straight into bytes: the digits of `appendDecimal`
/// without `String`, division by variables or per-digit appends.
///
/// x ↦ s = round(x·10^d) (the product rounded to a double, then to the nearest integer,
/// halves away from zero: the same two roundings as before), then the integer |s| in
/// decimal, two digits per step from a 100-entry table, with the point d digits from
/// the right (zeros in front when |s| < 10^d).
public enum DecimalText {
    /// 64 bytes of stack for one formatted cell (a JSON key prefix of up to 32 bytes and
    /// the number).
    struct Scratch {
        var a: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var b: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    }

    /// "00" "01" … "99".
    static let pairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// 10^d as a double, d = 0…9 (exact).
    @inline(__always)
    static func power(_ d: Int) -> Double {
        switch d {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        default: 1_000_000_000
        }
    }

    /// Writes `appendDecimal(x, decimals, trim:)`'s bytes for a non-NaN `x` to `p` (room
    /// for 24 bytes) and returns their count; returns −1 (nothing written) when `x` is
    /// infinite or |x·10^d| ≥ 9·10¹⁵, where the text is Swift's `String(x)`.
    @inline(__always)
    public static func write(_ x: Double, _ decimals: Int, trim: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let scaled = (x * power(decimals)).rounded()
        guard x.isFinite, Swift.abs(scaled) < 9.0e15 else { return -1 }
        let magnitude = UInt64(Swift.abs(scaled))
        var n = 0
        if magnitude != 0 && scaled < 0 { p[0] = UInt8(ascii: "-"); n = 1 }
        return n + writeScaled(magnitude, decimals: decimals, trim: trim, to: p + n)
    }

    /// The text of m / 10^d with exactly d decimals (trailing zeros and a bare point
    /// dropped when `trim`), at least one integer digit, to `p` (room for 21 + d bytes);
    /// returns the count.
    @inline(__always)
    public static func writeScaled(_ m: UInt64, decimals d: Int, trim: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        // Digits right-aligned in a 24-byte block, at least d + 1 of them.
        var block = Scratch()
        return withUnsafeMutableBytes(of: &block) { raw -> Int in
            let t = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let end = 24
            var i = end, v = m
            let table = pairs.utf8Start
            while v >= 100 {
                let q = v / 100, r = Int(v &- q &* 100)
                i -= 2
                t[i] = table[2 * r]; t[i + 1] = table[2 * r + 1]
                v = q
            }
            if v >= 10 {
                i -= 2
                t[i] = table[2 * Int(v)]; t[i + 1] = table[2 * Int(v) + 1]
            } else {
                i -= 1
                t[i] = UInt8(ascii: "0") &+ UInt8(v)
            }
            while end - i < d + 1 { i -= 1; t[i] = UInt8(ascii: "0") }
            let whole = end - i - d
            for k in 0..<whole { p[k] = t[i + k] }           // a few bytes: no memcpy call
            var digits = d
            if trim { while digits > 0 && t[end - d + digits - 1] == UInt8(ascii: "0") { digits -= 1 } }
            guard digits > 0 else { return whole }
            p[whole] = UInt8(ascii: ".")
            for k in 0..<digits { p[whole + 1 + k] = t[end - d + k] }
            return whole + 1 + digits
        }
    }

    /// The decimal digits of `v` (with a `-` when negative) to `p` (room for 20 bytes);
    /// returns the count. The text of `String(v)`.
    @inline(__always)
    public static func write(_ v: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if v < 0 {
            p[0] = UInt8(ascii: "-")
            return 1 + writeScaled(v.magnitude.toUInt64, decimals: 0, trim: false, to: p + 1)
        }
        return writeScaled(UInt64(v), decimals: 0, trim: false, to: p)
    }
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}

extension Array where Element == UInt8 {
    /// Appends `appendDecimal(x, decimals, trim:)`'s text.
    @inline(__always)
    public mutating func appendDecimalText(_ x: Double, _ decimals: Int, trim: Bool = false) {
        appendDecimal(x, decimals, trim: trim, to: &self)
    }

    /// Appends the decimal text of an integer (`String(v)`'s bytes).
    public mutating func appendInteger(_ v: Int) {
        var scratch = DecimalText.Scratch()
        Swift.withUnsafeMutableBytes(of: &scratch) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let n = DecimalText.write(v, to: p)
            append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        }
    }

    /// Appends the UTF-8 bytes of `s`.
    @inline(__always)
    public mutating func append(utf8 s: String) {
        var s = s
        s.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends the UTF-8 bytes of a static string.
    @inline(__always)
    public mutating func append(ascii s: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}

/// Appends the fixed-point decimal text of `x` with `decimals` digits (0…9) to `bytes`:
/// "12.30", "-0.50"; with `trim`, trailing zeros and a bare point are dropped ("45",
/// "45.5"). Nothing for NaN; −0 and values that round to 0 print without a sign; no
/// locale and no binary-float artifacts. Magnitudes of 9·10¹⁵ and more (after scaling)
/// and infinities fall back to Swift's shortest representation (`String(x)`).
public func appendDecimal(_ x: Double, _ decimals: Int, trim: Bool = false, to bytes: inout [UInt8]) {
    guard !x.isNaN else { return }
    precondition((0...9).contains(decimals), "appendDecimal: 0…9 decimals")
    var scratch = DecimalText.Scratch()
    let n = withUnsafeMutableBytes(of: &scratch) { raw in
        DecimalText.write(x, decimals, trim: trim, to: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
    if n < 0 { bytes.append(contentsOf: String(x).utf8); return }
    TextOutput.append(&scratch, count: n, to: &bytes)
}
