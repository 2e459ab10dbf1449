/// Why a cell failed validation: becomes one `Reject` for its row.
struct CellProblem: Error {
    var column: String?
    var code: Reject.Code
    var reason: String

    /// The record-level checks shared by both files, before any cell is read: quoting
    /// (an unclosed quote, text after a closing quote) and the field count.
    static func checkRecordShape(_ status: CSVReader.Status, fieldCount: Int, headerCount: Int) throws(CellProblem) {
        switch status {
        case .unterminatedQuote:
            throw CellProblem(column: nil, code: .badQuote,
                              reason: "a quoted field is not closed before the end of the file; add the closing \"")
        case .textAfterClosingQuote:
            throw CellProblem(column: nil, code: .badQuote,
                              reason: "text follows a closing quote; quote the whole field and write a quote inside it as \"\"")
        case .record, .end:
            break
        }
        guard fieldCount == headerCount else {
            throw CellProblem(column: nil, code: .raggedRow,
                              reason: "the row has \(fieldCount) field\(fieldCount == 1 ? "" : "s"); the header has \(headerCount)")
        }
    }
}

/// Cell-level parsing shared by the accounts and payments readers. Every function is
/// cheap on valid input and builds its sentence only on the error path.
enum Cell {
    /// The cell quoted for a reason sentence, at most 40 characters, control bytes shown
    /// as `?` (so a reason stays one line).
    static func quoted(_ b: UnsafeBufferPointer<UInt8>) -> String {
        var s = String(decoding: b, as: UTF8.self)
        if s.count > 40 { s = String(s.prefix(37)) + "..." }
        s = String(s.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : Character($0) })
        return "'\(s)'"
    }

    /// Bytes with leading and trailing spaces/tabs removed.
    @inline(__always)
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var i = 0, e = b.count
        while i < e && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        while e > i && (b[e - 1] == 0x20 || b[e - 1] == 0x09) { e -= 1 }
        return UnsafeBufferPointer(rebasing: b[i..<e])
    }

    /// `nil` when the bytes are valid UTF-8 without NUL; else the problem.
    @inline(__always)
    static func encodingProblem(_ b: UnsafeBufferPointer<UInt8>, column: String) -> CellProblem? {
        var high: UInt8 = 0
        var hasNUL = false
        for x in b {
            high |= x
            if x == 0 { hasNUL = true }
        }
        if hasNUL {
            return CellProblem(column: column, code: .badEncoding,
                               reason: "\(column) holds a NUL byte; remove it (is the file UTF-16 or binary?)")
        }
        if high & 0x80 != 0 && String(validating: b, as: UTF8.self) == nil {
            return CellProblem(column: column, code: .badEncoding,
                               reason: "\(column) holds bytes that are not valid UTF-8; save the file as UTF-8")
        }
        return nil
    }

    /// A text cell as a `String`, after the encoding check.
    @inline(__always)
    static func text(_ b: UnsafeBufferPointer<UInt8>, column: String) throws(CellProblem) -> String {
        if let p = encodingProblem(b, column: column) { throw p }
        return String(decoding: b, as: UTF8.self)
    }

    /// A number cell. `nil` when empty; throws for anything but a finite number.
    @inline(__always)
    static func number(_ b: UnsafeBufferPointer<UInt8>, column: String) throws(CellProblem) -> Double? {
        switch NumberParser.parse(b) {
        case .value(let v): return v
        case .empty: return nil
        case .nonFinite:
            throw CellProblem(column: column, code: .nonFinite,
                              reason: "\(column) is \(quoted(b)); numbers must be finite (not NaN or infinity)")
        case .invalid:
            if let p = encodingProblem(b, column: column) { throw p }
            throw CellProblem(column: column, code: .badNumber,
                              reason: "\(column) is \(quoted(b)), which is not a number\(numberHint(b))")
        }
    }

    /// A required number ≥ 0.
    @inline(__always)
    static func nonNegative(_ b: UnsafeBufferPointer<UInt8>, column: String, what: String) throws(CellProblem) -> Double {
        guard let v = try number(b, column: column) else {
            throw CellProblem(column: column, code: .missingValue, reason: "\(column) is empty; \(what) is required")
        }
        if v < 0 {
            throw CellProblem(column: column, code: .negativeValue,
                              reason: "\(column) is \(quoted(trimmed(b))); \(what) must be ≥ 0")
        }
        return v + 0  // "-0" is zero: store +0 so that outputs never print "-0.00"
    }

    /// The largest amount of money accepted (10¹⁵, a thousand trillion in any currency):
    /// sums of millions of statements then stay far from overflow, so every feature is
    /// finite.
    static let maximumAmount = 1e15

    /// Why a cell of an extra numeric column is not a number in range: not a number
    /// (`bad_number`, with a hint), NaN or infinite (`non_finite`), or beyond ±10^15 like
    /// the money columns (`out_of_range`).
    static func extraNumberProblem(_ b: UnsafeBufferPointer<UInt8>, column: String) -> CellProblem {
        do throws(CellProblem) {
            _ = try number(b, column: column)
        } catch {
            return error
        }
        return CellProblem(column: column, code: .outOfRange,
                           reason: "\(column) is \(quoted(trimmed(b))); numbers in an extra column must be between -10^15 and 10^15")
    }

    /// A required amount of money in [0, 10¹⁵].
    @inline(__always)
    static func amount(_ b: UnsafeBufferPointer<UInt8>, column: String, what: String) throws(CellProblem) -> Double {
        let v = try nonNegative(b, column: column, what: what)
        if v > maximumAmount {
            throw CellProblem(column: column, code: .outOfRange,
                              reason: "\(column) is \(quoted(trimmed(b))); \(what) above 10^15 is not a plausible amount")
        }
        return v
    }

    /// A hint for common non-numbers: thousands separators, currency signs, percent.
    static func numberHint(_ b: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: b, as: UTF8.self)
        if s.contains(",") { return " (write numbers without thousands separators: 1234.5, not 1,234.5)" }
        if s.contains(where: { "$€£¥".contains($0) }) { return " (write amounts without a currency sign)" }
        if s.contains("%") { return " (write a plain number, without %)" }
        if s.lowercased().hasPrefix("0x") || s.lowercased().hasPrefix("-0x") { return " (hexadecimal is not accepted)" }
        return ""
    }

    /// A date cell `YYYY-MM-DD`. `nil` when empty.
    @inline(__always)
    static func date(_ b: UnsafeBufferPointer<UInt8>, column: String) throws(CellProblem) -> Int32? {
        if let d = CalendarDay.parse(b) { return d }
        let t = trimmed(b)
        if t.isEmpty { return nil }
        if let d = CalendarDay.parse(t) { return d }
        if let p = encodingProblem(b, column: column) { throw p }
        var shapeOK = t.count == 10
        if shapeOK {
            for (k, x) in t.enumerated() {
                if k == 4 || k == 7 { if x != UInt8(ascii: "-") { shapeOK = false } } else if x < 48 || x > 57 { shapeOK = false }
            }
        }
        throw CellProblem(column: column, code: .badDate,
                          reason: shapeOK ? "\(column) is \(quoted(t)), a day that does not exist"
                                          : "\(column) is \(quoted(t)), which is not a date in YYYY-MM-DD form")
    }

    /// A hold flag: 1/true/yes → true; 0/false/no/empty → false (case-insensitive).
    @inline(__always)
    static func flag(_ b: UnsafeBufferPointer<UInt8>, column: String) throws(CellProblem) -> Bool {
        let t = trimmed(b)
        if t.isEmpty { return false }
        if t.count == 1 {
            if t[0] == UInt8(ascii: "1") { return true }
            if t[0] == UInt8(ascii: "0") { return false }
        } else if t.count <= 5 {
            var word: UInt64 = 0
            for x in t { word = word << 8 | UInt64(x | 0x20) }
            switch word {
            case 0x74_72_75_65, 0x79_65_73: return true            // "true", "yes"
            case 0x66_61_6C_73_65, 0x6E_6F: return false           // "false", "no"
            default: break
            }
        }
        if let p = encodingProblem(b, column: column) { throw p }
        throw CellProblem(column: column, code: .badFlag,
                          reason: "\(column) is \(quoted(b)); hold flags must be 0/1, true/false, yes/no or empty")
    }

    /// A whole number ≥ 0 that fits in 32 bits (`30` and `30.0` both mean 30).
    /// `nil` when empty.
    @inline(__always)
    static func count(_ b: UnsafeBufferPointer<UInt8>, column: String, what: String) throws(CellProblem) -> Int32? {
        guard let v = try number(b, column: column) else { return nil }
        if v < 0 {
            throw CellProblem(column: column, code: .negativeValue,
                              reason: "\(column) is \(quoted(trimmed(b))); \(what) must be ≥ 0")
        }
        if v != v.rounded(.towardZero) {
            throw CellProblem(column: column, code: .badNumber,
                              reason: "\(column) is \(quoted(trimmed(b))); \(what) must be a whole number")
        }
        if v > Double(Int32.max) {
            throw CellProblem(column: column, code: .outOfRange,
                              reason: "\(column) is \(quoted(trimmed(b))), larger than \(Int32.max)")
        }
        return Int32(v)
    }
}
