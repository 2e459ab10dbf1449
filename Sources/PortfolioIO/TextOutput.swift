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
public struct TextOutput {
    public typealias Format = OutputFormat

    public let format: Format
    public private(set) var bytes: [UInt8] = []
    private var firstInRow = true
    private var keys: [String]

    private var keyIndex = 0

    /// A buffer for rows with these columns; the CSV header row is written first when
    /// `writeHeader` (JSON Lines has none: the keys are in every object).
    public init(format: Format, header: [String], writeHeader: Bool = true) {
        self.format = format
        self.keys = header
        if format == .csv && writeHeader {
            for h in header { text(h) }
            endRow()
        }
    }

    /// Renders `count` rows in chunks on all cores and returns the header (when
    /// `writeHeader`) followed by the rows in order: the bytes do not depend on the
    /// number of cores. `render(range, &out)` writes rows `range` into `out`.
    public static func rendered(format: Format, header: [String], count: Int, bytesPerRow: Int, chunkSize: Int = 16_384,
                         _ render: @Sendable (Range<Int>, inout TextOutput) -> Void) -> [UInt8] {
        var result = TextOutput(format: format, header: header).bytes
        precondition(chunkSize >= 1, "rendered: chunkSize must be ≥ 1")
        let chunks = count == 0 ? 0 : 1 + (count - 1) / chunkSize
        guard chunks > 1 else {
            var out = TextOutput(format: format, header: header, writeHeader: false)
            render(0..<count, &out)
            return result + out.bytes
        }
        var parts = [[UInt8]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots   // each iteration writes only its own slot
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var out = TextOutput(format: format, header: header, writeHeader: false)
                out.bytes.reserveCapacity(bytesPerRow * min(chunkSize, count))
                render(c * chunkSize ..< min(count, (c + 1) * chunkSize), &out)
                slots[c] = out.bytes
            }
        }
        result.reserveCapacity(result.count + parts.reduce(0) { $0 + $1.count })
        for part in parts { result.append(contentsOf: part) }
        return result
    }

    /// A text cell. CSV: RFC 4180 quoting when it holds `,` `"` CR or LF, and a leading
    /// `'` when it starts with `=` `+` `-` `@` tab or CR, so a spreadsheet shows it as text
    /// instead of running it as a formula (OWASP "CSV injection"). JSON: a string.
    public mutating func text(_ s: String) {
        beginCell()
        switch format {
        case .csv:
            CSVEscaping.appendTextCell(s, to: &bytes)
        case .jsonl:
            appendJSONString(s)
        }
    }

    /// A number cell: `x` with `decimals` digits (trailing zeros dropped when `trim`);
    /// NaN writes an empty CSV cell or JSON `null`.
    public mutating func decimal(_ x: Double, _ decimals: Int, trim: Bool = false) {
        beginCell()
        if x.isNaN && format == .jsonLines { bytes.append(contentsOf: "null".utf8); return }
        appendDecimal(x, decimals, trim: trim, to: &bytes)
    }

    public mutating func endRow() {
        if format == .jsonLines { bytes.append(UInt8(ascii: "}")) }
        bytes.append(0x0A)
        firstInRow = true
        keyIndex = 0
    }

    private mutating func beginCell() {
        switch format {
        case .csv:
            if !firstInRow { bytes.append(UInt8(ascii: ",")) }
        case .jsonl:
            bytes.append(UInt8(ascii: firstInRow ? "{" : ","))
            appendJSONString(keys[keyIndex])
            bytes.append(UInt8(ascii: ":"))
            keyIndex += 1
        }
        firstInRow = false
    }

    private mutating func appendJSONString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
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

/// Appends the fixed-point decimal text of `x` with `decimals` digits (0…9) to `bytes`:
/// "12.30", "-0.50"; with `trim`, trailing zeros and a bare point are dropped ("45",
/// "45.5"). Nothing for NaN; −0 and values that round to 0 print without a sign; no
/// locale and no binary-float artifacts. Magnitudes of 9·10¹⁵ and more (after scaling)
/// fall back to Swift's shortest representation.
public func appendDecimal(_ x: Double, _ decimals: Int, trim: Bool = false, to bytes: inout [UInt8]) {
    guard !x.isNaN else { return }
    precondition((0...9).contains(decimals), "appendDecimal: 0…9 decimals")
    var unit: Int64 = 1
    for _ in 0..<decimals { unit &*= 10 }
    let scaled = (x * Double(unit)).rounded()
    guard x.isFinite, Swift.abs(scaled) < 9.0e15 else { bytes.append(contentsOf: String(x).utf8); return }
    let magnitude = Int64(Swift.abs(scaled))
    if magnitude != 0 && scaled < 0 { bytes.append(UInt8(ascii: "-")) }
    // Integer part, written backwards then reversed in place (no temporary buffer).
    var whole = magnitude / unit
    let start = bytes.count
    repeat {
        bytes.append(UInt8(ascii: "0") &+ UInt8(whole % 10))
        whole /= 10
    } while whole > 0
    bytes[start...].reverse()
    var frac = magnitude % unit
    var digits = decimals
    if trim { while digits > 0 && frac % 10 == 0 { frac /= 10; digits -= 1 } }
    guard digits > 0 else { return }
    bytes.append(UInt8(ascii: "."))
    var divisor: Int64 = 1
    for _ in 1..<digits { divisor &*= 10 }
    while divisor > 0 {
        bytes.append(UInt8(ascii: "0") &+ UInt8((frac / divisor) % 10))
        divisor /= 10
    }
}
