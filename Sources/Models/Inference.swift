#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One row of a coefficient table, as statsmodels' and R's summaries print it.
public struct Coefficient: Sendable, Codable, Equatable {
    /// Feature name ("(intercept)" for the logistic intercept).
    public var name: String
    /// Estimate on the original (unstandardized) feature scale.
    public var estimate: Double
    /// Standard error from the inverse Hessian (observed information), same scale.
    public var standardError: Double

    public init(name: String, estimate: Double, standardError: Double) {
        self.name = name
        self.estimate = estimate
        self.standardError = standardError
    }

    /// Wald statistic z = estimate / standardError.
    public var z: Double { estimate / standardError }
    /// Two-sided p-value of the Wald test, 2·(1 − Φ(|z|)).
    public var pValue: Double { twoSidedNormalPValue(z) }
}

/// 2·(1 − Φ(|z|)) = erfc(|z| / √2), accurate in the far tail (no cancellation).
@inlinable
public func twoSidedNormalPValue(_ z: Double) -> Double {
    if z.isNaN { return .nan }
    return erfc(Swift.abs(z) / 2.0.squareRoot())
}

/// Upper tail of the χ² distribution with `df` degrees of freedom, P(X ≥ x), for
/// likelihood-ratio tests. Uses the regularized upper incomplete gamma Q(df/2, x/2)
/// by series (x < a + 1) or continued fraction (Numerical Recipes §6.2).
public func chiSquaredUpperTail(_ x: Double, df: Int) -> Double {
    precondition(df > 0, "chi-squared needs df ≥ 1")
    if x.isNaN { return .nan }
    if x <= 0 { return 1 }
    let a = Double(df) / 2
    let h = x / 2
    let logPrefactor = a * log(h) - h - lgamma(a)
    if h < a + 1 {
        // P(a, h) by the series Σ hⁿ / (a(a+1)…(a+n)).
        var term = 1 / a, sum = term, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= h / ap
            sum += term
            if Swift.abs(term) < Swift.abs(sum) * 1e-16 { break }
        }
        return max(0, 1 - sum * exp(logPrefactor))
    }
    // Q(a, h) by Lentz's continued fraction.
    let tiny = 1e-300
    var b = h + 1 - a, c = 1 / tiny, d = 1 / b, f = d
    for i in 1..<10_000 {
        let an = -Double(i) * (Double(i) - a)
        b += 2
        d = an * d + b
        if Swift.abs(d) < tiny { d = tiny }
        c = b + an / c
        if Swift.abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        f *= delta
        if Swift.abs(delta - 1) < 1e-16 { break }
    }
    return exp(logPrefactor) * f
}
