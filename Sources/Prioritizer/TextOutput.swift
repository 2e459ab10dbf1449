/// A small byte buffer for CSV and JSON Lines output (local to this module: PortfolioIO
/// has no writer yet). Cells are appended as UTF-8; nothing depends on the locale.
struct TextOutput {
    enum Format { case csv, jsonLines }

    let format: Format
    var bytes: [UInt8] = []
    private var firstInRow = true
    private var keys: [String]

    init(format: Format, header: [String]) {
        self.format = format
        self.keys = header
        if format == .csv {
            for h in header { text(h) }
            endRow()
        }
        keyIndex = 0
    }

    private var keyIndex = 0

    /// A text cell. CSV: RFC 4180 quoting when it holds `,` `"` CR or LF, and a leading
    /// `'` when it starts with `=` `+` `-` `@` tab or CR, so a spreadsheet shows it as text
    /// instead of running it as a formula (OWASP "CSV injection"). JSON: a string.
    mutating func text(_ s: String) {
        beginCell()
        switch format {
        case .csv:
            var cell = s
            if let first = s.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"),
                                          0x09, 0x0D].contains(first) {
                cell = "'" + s
            }
            if cell.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                bytes.append(UInt8(ascii: "\""))
                for b in cell.utf8 {
                    if b == UInt8(ascii: "\"") { bytes.append(b) }
                    bytes.append(b)
                }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: cell.utf8)
            }
        case .jsonLines:
            appendJSONString(s)
        }
    }

    /// A number already formatted (digits, `.`, leading `-`); "" writes an empty CSV
    /// cell or JSON `null`. Never formula-escaped: it is a number.
    mutating func number(_ s: String) {
        beginCell()
        switch format {
        case .csv: bytes.append(contentsOf: s.utf8)
        case .jsonLines: bytes.append(contentsOf: (s.isEmpty ? "null" : s).utf8)
        }
    }

    mutating func endRow() {
        if format == .jsonLines { bytes.append(UInt8(ascii: "}")) }
        bytes.append(0x0A)
        firstInRow = true
        keyIndex = 0
    }

    private mutating func beginCell() {
        switch format {
        case .csv:
            if !firstInRow { bytes.append(UInt8(ascii: ",")) }
        case .jsonLines:
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

/// Fixed-point decimal text of `x` with `decimals` digits ("12.30", "-0.50"), without
/// locale or binary-float artifacts; "" for NaN; −0 prints as 0. Magnitudes of 10¹⁵ and
/// more fall back to Swift's shortest representation.
func fixed(_ x: Double, _ decimals: Int) -> String {
    guard !x.isNaN else { return "" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (x * scale).rounded()
    guard x.isFinite, Swift.abs(scaled) < 9.0e15 else { return String(x) }
    let magnitude = Int64(Swift.abs(scaled))
    let unit = Int64(scale)
    var s = String(magnitude / unit)
    if decimals > 0 {
        let frac = String(magnitude % unit)
        s += "." + String(repeating: "0", count: decimals - frac.count) + frac
    }
    return scaled < 0 ? "-" + s : s
}

/// Up to `decimals` digits with trailing zeros (and a bare point) removed: 45 → "45",
/// 45.5 → "45.5"; "" for NaN.
func trimmed(_ x: Double, _ decimals: Int = 2) -> String {
    var s = fixed(x, decimals)
    guard s.contains("."), !s.contains("e") else { return s }
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}
