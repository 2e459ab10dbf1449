/// ln and exp from IEEE-754 +, −, ×, ÷ only, so every machine computes the same bits.
///
/// The platform libm (glibc, Darwin, musl) may differ in the last ulp of `log`/`exp`,
/// and a one-ulp difference can flip a rounding to whole cents or whole days, which
/// would break byte-identical output across machines. Swift never contracts a·b + c
/// into a fused multiply-add on its own, so these polynomials round the same everywhere.
/// Accuracy is a few ulps over the ranges the generator uses, which is plenty for
/// sampling.
public enum DeterministicMath {
    /// ln 2 split into a high part with trailing zero bits (exact products with small
    /// integers) and the remainder (fdlibm's constants).
    @usableFromInline static let ln2Hi = 6.931_471_803_691_238_164_90e-01
    @usableFromInline static let ln2Lo = 1.908_214_929_270_587_700_02e-10

    /// Natural logarithm for finite x > 0 (returns −∞ for 0, NaN for x < 0 or NaN).
    ///
    /// x = m·2ᵉ with m ∈ [√½, √2); with s = (m − 1)/(m + 1), |s| ≤ 0.1716,
    /// ln m = 2·(s + s³/3 + s⁵/5 + …), summed to s²⁵ (truncation < 1e-20 relative);
    /// ln x = e·ln 2 + ln m.
    @inlinable
    public static func log(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == 0 ? -.infinity : (x == .infinity ? .infinity : .nan) }
        var m = x.significand          // [1, 2), exact
        var e = Double(x.exponent)
        if m > 1.414_213_562_373_095_1 { m *= 0.5; e += 1 }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        // Horner in s²: 1 + s²/3 + s⁴/5 + … + s²⁴/25.
        var p = 1.0 / 25
        var k = 23.0
        while k >= 3 { p = p * s2 + 1 / k; k -= 2 }
        p = p * s2 + 1
        let lnM = 2 * s * p
        return e * ln2Hi + (e * ln2Lo + lnM)
    }

    /// eˣ for finite x; 0 below −745, +∞ above 709.78.
    ///
    /// n = round(x / ln 2), r = x − n·ln 2 (two-part constant, |r| ≤ 0.347),
    /// eʳ by its Taylor series to r¹⁷ (truncation < 1e-19), then scaled by 2ⁿ.
    @inlinable
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.78 { return .infinity }
        if x < -745 { return 0 }
        let n = (x / 0.693_147_180_559_945_3).rounded()
        let r = (x - n * ln2Hi) - n * ln2Lo
        var p = 1.0
        var k = 17.0
        while k >= 1 { p = 1 + p * r / k; k -= 1 }
        // Scale in two steps so 2ⁿ never overflows or underflows on its own.
        let half = (n / 2).rounded(.towardZero)
        return p * Double(sign: .plus, exponent: Int(half), significand: 1)
                 * Double(sign: .plus, exponent: Int(n - half), significand: 1)
    }

    /// ln(1 + x) for x ≥ 0 (balances in currency units are ≥ 0 and not tiny, so the
    /// plain form loses nothing measurable).
    @inlinable
    public static func log1p(_ x: Double) -> Double { log(1 + x) }
}
