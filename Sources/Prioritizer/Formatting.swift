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
