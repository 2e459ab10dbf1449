import PortfolioIO

/// `appendDecimal` as a String: fixed `decimals` digits; "" for NaN.
func fixed(_ x: Double, _ decimals: Int) -> String {
    var bytes: [UInt8] = []
    appendDecimal(x, decimals, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// `appendDecimal` as a String: up to `decimals` digits, trailing zeros dropped; "" for NaN.
func trimmed(_ x: Double, _ decimals: Int = 2) -> String {
    var bytes: [UInt8] = []
    appendDecimal(x, decimals, trim: true, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// The byte forms of the texts above, for the output renderers (no `String` per cell).
extension Array where Element == UInt8 {
    /// `fixed(x, decimals)`'s bytes.
    @inline(__always)
    mutating func appendFixed(_ x: Double, _ decimals: Int) { appendDecimal(x, decimals, to: &self) }

    /// `trimmed(x, decimals)`'s bytes.
    @inline(__always)
    mutating func appendTrimmed(_ x: Double, _ decimals: Int) { appendDecimal(x, decimals, trim: true, to: &self) }

    /// `CalendarDay.format(day)`'s bytes: `YYYY-MM-DD` for years 0…9999, else the
    /// String form.
    mutating func appendDate(_ day: Int32) {
        let (y, m, d) = CalendarDay.civil(day)
        guard (0...9999).contains(y), (1...12).contains(m), (1...31).contains(d) else {
            append(utf8: CalendarDay.format(day))
            return
        }
        let zero = UInt8(ascii: "0")
        append(zero &+ UInt8(y / 1000)); append(zero &+ UInt8(y / 100 % 10))
        append(zero &+ UInt8(y / 10 % 10)); append(zero &+ UInt8(y % 10))
        append(UInt8(ascii: "-"))
        append(zero &+ UInt8(m / 10)); append(zero &+ UInt8(m % 10))
        append(UInt8(ascii: "-"))
        append(zero &+ UInt8(d / 10)); append(zero &+ UInt8(d % 10))
    }
}
