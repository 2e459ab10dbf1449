/// The outcome of parsing one CSV cell as a number.
public enum ParsedNumber: Equatable, Sendable {
    /// A finite number.
    case value(Double)
    /// The cell is empty or only spaces/tabs.
    case empty
    /// `NaN`, `Inf`, `Infinity` (any case, optional sign) or a magnitude beyond ±1.8e308.
    case nonFinite
    /// Anything else: letters, thousands separators, currency signs, hex, two signs, ….
    case invalid
}

/// Decimal number parsing from bytes, correctly rounded (the nearest `Double`, ties to
/// even), so values agree bit for bit with `Double(String)`, `strtod` and pandas'
/// `float_precision="round_trip"`.
///
/// Accepted form (after trimming spaces and tabs at both ends):
/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
///
/// - Fast path (Clinger 1990): when the significant digits form an integer m ≤ 2^53 and
///   the decimal exponent k satisfies |k| ≤ 22, both m and 10^|k| are exact doubles, so the
///   single IEEE multiplication m·10^k (or division m / 10^−k) is correctly rounded.
///   This covers plain money amounts such as `1234.56`.
/// - Plain path, before either: a cell that is exactly `-?digits[.digits]` with 1–15
///   digits in all (no spaces, `+`, exponent) is read in one loop with one well-predicted
///   branch per byte: its value m·10^−f has m < 10^15 < 2^53 and f ≤ 15, so it is the fast
///   path's single correctly rounded division, bit for bit (and `-0` stays −0.0).
/// - Slow path: longer mantissas or larger exponents go to `strtod` (glibc's is correctly
///   rounded) on a NUL-terminated stack copy; the form was validated first, so `strtod`
///   never sees hex or `inf`.
public enum NumberParser {
    /// 10^0 … 10^22, every one an exact `Double`.
    @usableFromInline
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses the bytes of one cell.
    /// - Complexity: O(n) in the cell length; no allocation.
    @inlinable
    public static func parse(_ cell: UnsafeBufferPointer<UInt8>) -> ParsedNumber {
        guard let base = cell.baseAddress else { return .empty }
        return parse(base, cell.count)
    }

    /// Parses a string (convenience for tests and options).
    public static func parse(_ text: String) -> ParsedNumber {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    @usableFromInline @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> ParsedNumber {
        if n >= 1 && n <= 17 {
            let negative = p[0] == UInt8(ascii: "-")
            var i = negative ? 1 : 0
            var m: UInt64 = 0
            var dot = -1
            while i < n {
                let d = p[i] &- 48
                if d < 10 {
                    m = m &* 10 &+ UInt64(d)
                } else if p[i] == UInt8(ascii: ".") && dot < 0 {
                    dot = i
                } else {
                    return parseGeneral(p, n)
                }
                i += 1
            }
            let digits = n - (negative ? 1 : 0) - (dot >= 0 ? 1 : 0)
            if digits >= 1 && digits <= 15 {
                let fraction = dot >= 0 ? n - 1 - dot : 0
                let v = fraction == 0 ? Double(m) : Double(m) / exactPowersOfTen[fraction]
                return .value(negative ? -v : v)
            }
        }
        return parseGeneral(p, n)
    }

    /// Every accepted form: trimming, signs, exponents, long mantissas (see the type).
    @usableFromInline
    static func parseGeneral(_ p: UnsafePointer<UInt8>, _ n: Int) -> ParsedNumber {
        var i = 0, e = n
        while i < e && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        while e > i && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
        if i == e { return .empty }
        let start = i
        var negative = false
        if p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0      // digits folded into `mantissa` (leading zeros excluded)
        var digits = 0           // all mantissa digits seen
        var scale = 0            // decimal exponent contributed by the digits' position
        var truncated = false    // more than 19 significant digits: slow path
        var exponentSaturated = false
        while i < e {
            let d = p[i] &- 48
            guard d < 10 else { break }
            if mantissa == 0 && d == 0 {
                // leading zero: no value
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                significant += 1
            } else {
                truncated = true
                scale += 1
            }
            digits += 1
            i += 1
        }
        if i < e && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < e {
                let d = p[i] &- 48
                guard d < 10 else { break }
                if mantissa == 0 && d == 0 {
                    scale -= 1
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significant += 1
                    scale -= 1
                } else {
                    truncated = true
                }
                digits += 1
                i += 1
            }
        }
        if digits == 0 { return nonFiniteWord(p + i, e - i) ? .nonFinite : .invalid }
        if i < e && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < e && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0
            var expDigits = 0
            while i < e {
                let d = p[i] &- 48
                guard d < 10 else { break }
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(d)
                } else {
                    // Saturated: only the slow path can weigh it against a long run of
                    // digits (0.<1,500,000 zeros>1e1500001 is 1).
                    exponentSaturated = true
                }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return .invalid }
            scale += expNegative ? -exponent : exponent
        }
        guard i == e else { return .invalid }
        if exponentSaturated && mantissa != 0 { return parseSlow(p + start, e - start) }

        if mantissa == 0 && !truncated { return .value(negative ? -0.0 : 0.0) }
        if !truncated && mantissa <= 1 << 53 && scale >= -22 && scale <= 22 {
            let m = Double(mantissa)
            let v = scale >= 0 ? m * exactPowersOfTen[scale] : m / exactPowersOfTen[-scale]
            return .value(negative ? -v : v)
        }
        return parseSlow(p + start, e - start)
    }

    /// The careful path, out of line: `strtod` is correctly rounded for any length.
    @usableFromInline
    @inline(never)
    static func parseSlow(_ p: UnsafePointer<UInt8>, _ n: Int) -> ParsedNumber {
        var value = Sys.strtod(p, n)
        if value == nil {
            // strtod stopped early: the C locale's decimal point is not "."; Swift's own
            // parser is locale-independent (and also correctly rounded).
            value = Double(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        }
        guard let v = value else { return .invalid }
        return v.isFinite ? .value(v) : .nonFinite
    }

    /// True for `nan`, `inf`, `infinity` in any case (the sign was already consumed).
    @usableFromInline
    static func nonFiniteWord(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n == 3 || n == 8 else { return false }
        var lower: [UInt8] = []
        lower.reserveCapacity(n)
        for k in 0..<n { lower.append(p[k] | 0x20) }
        return lower == Array("nan".utf8) || lower == Array("inf".utf8) || lower == Array("infinity".utf8)
    }
}
