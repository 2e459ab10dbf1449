/// Escaping and number formatting shared by the SVG writer and the HTML page.
///
/// Everything here is deterministic and locale-independent (no Foundation formatters),
/// so the same input gives byte-identical reports.
enum Markup {
    /// `text` with the five XML special characters replaced by entities, safe both as
    /// element content and inside a double- or single-quoted attribute, in SVG and HTML.
    /// Control characters that XML 1.0 forbids (everything below U+0020 except tab, LF
    /// and CR) are replaced by U+FFFD so the SVG stays well-formed.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `x` rounded to `decimals` places in plain notation ("−" as ASCII "-"); "–" for NaN,
    /// "∞"/"-∞" for infinities. Values ≥ 1e15 in magnitude fall back to Swift's description.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        if x.isNaN { return "–" }
        if x.isInfinite { return x > 0 ? "∞" : "-∞" }
        let d = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let scaled = (Swift.abs(x) * scale).rounded()
        if scaled >= 9e15 { return "\(x)" }
        let whole = UInt64(scaled)
        let unit = UInt64(scale)
        let integer = whole / unit, fraction = whole % unit
        var s = (x < 0 && whole != 0 ? "-" : "") + String(integer)
        if d > 0 {
            let digits = String(fraction)
            s += "." + String(repeating: "0", count: d - digits.count) + digits
        }
        return s
    }

    /// A coordinate for SVG: two decimals, trailing zeros dropped ("12.5", "3").
    static func coordinate(_ x: Double) -> String {
        var s = fixed(x.isFinite ? x : 0, 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// A share in [0, 1] as a percentage: `percent(0.1234, 1)` = "12.3%".
    static func percent(_ share: Double, _ decimals: Int = 1) -> String {
        share.isFinite ? fixed(share * 100, decimals) + "%" : fixed(share, 0)
    }

    /// An integer with thin-space thousands separators: 1 234 567 (ISO 31-0, unambiguous).
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "\u{2009}" }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A p-value: 3 significant decimals, "< 0.001" below that, as reviewers read them.
    static func pValue(_ p: Double) -> String {
        if p.isNaN { return "–" }
        return p < 0.001 ? "< 0.001" : fixed(p, 3)
    }

    /// A number with about `significant` significant digits in plain notation, for
    /// coefficients whose scale varies (0.000123, 12.3, 12345).
    static func significant(_ x: Double, _ significant: Int = 4) -> String {
        if !x.isFinite || x == 0 { return x == 0 ? "0" : fixed(x, 0) }
        let magnitude = Int((Swift.abs(x)).log10Floor)
        let decimals = max(0, significant - 1 - magnitude)
        if decimals > 10 { return scientific(x, significant) }
        return fixed(x, decimals)
    }

    /// Mantissa × 10^exponent with `significant` digits: "1.23e-12".
    static func scientific(_ x: Double, _ significant: Int = 3) -> String {
        if !x.isFinite || x == 0 { return fixed(x, 0) }
        var exponent = Int(Swift.abs(x).log10Floor)
        var mantissa = x / Double.power10(exponent)
        if Swift.abs((mantissa * Double.power10(significant - 1)).rounded()) >= Double.power10(significant) {
            exponent += 1
            mantissa /= 10
        }
        return fixed(mantissa, significant - 1) + "e" + String(exponent)
    }
}

extension Double {
    /// ⌊log₁₀ x⌋ for x > 0, exact at powers of ten.
    var log10Floor: Double {
        guard isFinite && self > 0 else { return 0 }
        var e = 0.0
        var v = self
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }

    /// 10ⁿ for integer n.
    static func power10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<Swift.abs(n) { r *= 10 }
        return n >= 0 ? r : 1 / r
    }
}
