#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a Kaplan–Meier estimate cannot be computed from the given times and events.
public struct KaplanMeierError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// No rows.
        case empty
        /// A time is NaN or ±∞.
        case nonFiniteTime
        /// A time is negative.
        case negativeTime
    }

    public var code: Code
    /// The 0-based row of the offending value, when there is one.
    public var row: Int?
    public var message: String

    public init(code: Code, row: Int? = nil, message: String) {
        self.code = code
        self.row = row
        self.message = message
    }

    public var description: String { "Kaplan–Meier: \(message)" }
}

/// The Kaplan–Meier (product-limit) estimate of a survival function S(t) = P(T > t)
/// from right-censored data, with Greenwood standard errors and log-transformed
/// pointwise confidence bands — the numbers of R `survival::survfit(Surv(time, event) ~ 1)`
/// with its defaults (`conf.type = "log"`, one row per distinct time, censor-only times
/// included).
///
/// For collections, T is the days from the as-of date to recovery, an event is an
/// observed recovery and a censored row is an account still open at the end of its
/// observation; 1 − S(t) is then the share recovered by day t (`recovered(at:)`).
///
/// **Estimate.** At the distinct times t₁ < t₂ < … (in the unit of the input, days here)
/// let nⱼ be the rows at risk (time ≥ tⱼ), dⱼ the events and cⱼ the censored rows at tⱼ.
/// Then
///
///     S(tⱼ) = Πᵢ≤ⱼ (1 − dᵢ/nᵢ),
///
/// a right-continuous step function: S(t) = 1 before t₁ and S(t) = S(tⱼ) on [tⱼ, tⱼ₊₁).
/// An event and a censoring at the same time count the event first (the censored row
/// is still at risk), as usual.
///
/// **Greenwood.** The variance of log S is estimated by
///
///     σ²(tⱼ) = Σᵢ≤ⱼ dᵢ / (nᵢ·(nᵢ − dᵢ)),
///
/// so SE(log S) = σ (R `survfit`'s `std.err`, `Step.logStandardError`; it is also the SE
/// of the cumulative hazard −log S) and, by the delta method, SE(S) = S·σ
/// (`Step.standardError`, R `summary.survfit`'s `std.err`). Once every row at risk has
/// the event (nᵢ = dᵢ), S = 0 and σ = ∞, as in R.
///
/// **Bands.** With z = Φ⁻¹(1 − (1 − level)/2) (1.96 for 95 %), the log-transformed band
/// is [S·e^{−zσ}, min(1, S·e^{zσ})]; it stays inside (0, 1] and is undefined (nil, R `NA`)
/// where S = 0.
///
/// Reference: Kaplan & Meier, JASA 53 (1958); Greenwood (1926); Klein & Moeschberger,
/// *Survival Analysis*, 2nd ed. (2003), §4.2–4.3; R survival's `survfit.formula`.
public struct KaplanMeier: Sendable, Equatable {
    /// The estimate at one distinct time of the data (an event time or a censor-only time).
    public struct Step: Sendable, Equatable {
        /// The time tⱼ, in the unit of the input (days for recovery times).
        public var time: Double
        /// nⱼ: rows with time ≥ tⱼ.
        public var atRisk: Int
        /// dⱼ: events at tⱼ.
        public var events: Int
        /// cⱼ: censored rows at tⱼ.
        public var censored: Int
        /// S(tⱼ) = Πᵢ≤ⱼ (1 − dᵢ/nᵢ), a probability in [0, 1].
        public var survival: Double
        /// Greenwood SE of S itself, S·σ (R `summary(fit)$std.err`); nil where S = 0
        /// (R gives NaN, 0·∞).
        public var standardError: Double?
        /// σ = √Σ dᵢ/(nᵢ(nᵢ − dᵢ)), the Greenwood SE of log S and of the cumulative
        /// hazard (R `fit$std.err`); +∞ once S = 0.
        public var logStandardError: Double
        /// Lower end of the log-transformed band, S·e^{−zσ}; nil where S = 0.
        public var lower: Double?
        /// Upper end of the log-transformed band, min(1, S·e^{zσ}); nil where S = 0.
        public var upper: Double?
    }

    /// One step per distinct time, in ascending time.
    public var steps: [Step]
    /// The level of the bands (e.g. 0.95).
    public var confidenceLevel: Double
    /// Rows in the data.
    public var count: Int
    /// Rows with an event.
    public var eventCount: Int

    /// Estimates S(t) from one time and one event flag per row (any order).
    ///
    /// - Parameters:
    ///   - time: follow-up times ≥ 0 (days to recovery or to the end of observation).
    ///   - event: true where the row ends with the event (recovered), false where censored.
    ///   - confidenceLevel: the level of the pointwise bands, in (0, 1).
    /// - Throws: `KaplanMeierError` for no rows or a negative or non-finite time.
    /// - Complexity: O(n) for one `stableOrder` radix sort, plus O(n) for the steps.
    public init(time: [Double], event: [Bool], confidenceLevel: Double = 0.95) throws(KaplanMeierError) {
        precondition(time.count == event.count, "KaplanMeier: \(time.count) times for \(event.count) event flags")
        precondition(confidenceLevel > 0 && confidenceLevel < 1, "KaplanMeier: confidence level must be in (0, 1)")
        if time.isEmpty { throw KaplanMeierError(code: .empty, message: "no rows to estimate from.") }
        for (i, t) in time.enumerated() {
            if !t.isFinite {
                throw KaplanMeierError(code: .nonFiniteTime, row: i, message: "the time at row \(i) is \(t).")
            }
            if t < 0 {
                throw KaplanMeierError(code: .negativeTime, row: i, message: "the time at row \(i) is \(t); times must be ≥ 0.")
            }
        }
        let z = standardNormalQuantile(1 - (1 - confidenceLevel) / 2)
        let order = stableOrder(time)

        var steps: [Step] = []
        var atRisk = time.count
        var survival = 1.0, greenwood = 0.0
        var k = 0
        while k < order.count {
            let t = time[order[k]]
            var events = 0, censored = 0
            while k < order.count && time[order[k]] == t {
                if event[order[k]] { events += 1 } else { censored += 1 }
                k += 1
            }
            if events > 0 {
                let n = Double(atRisk), d = Double(events)
                survival *= (n - d) / n
                greenwood += events == atRisk ? .infinity : d / (n * (n - d))
            }
            let sigma = greenwood.squareRoot()
            let defined = survival > 0
            steps.append(Step(time: t, atRisk: atRisk, events: events, censored: censored, survival: survival,
                              standardError: defined ? survival * sigma : nil,
                              logStandardError: sigma,
                              lower: defined ? exp(log(survival) - z * sigma) : nil,
                              upper: defined ? Swift.min(1, exp(log(survival) + z * sigma)) : nil))
            atRisk -= events + censored
        }
        self.steps = steps
        self.confidenceLevel = confidenceLevel
        self.count = time.count
        self.eventCount = event.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// The step in force at time t: the last distinct time ≤ t, nil before the first.
    /// - Complexity: O(log k) for k distinct times.
    public func step(at t: Double) -> Step? {
        var lo = 0, hi = steps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if steps[mid].time <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : steps[lo - 1]
    }

    /// S(t): 1 before the first time, the last step's value after the last time (R
    /// `summary(fit, times = t, extend = TRUE)`).
    public func survival(at t: Double) -> Double { step(at: t)?.survival ?? 1 }

    /// 1 − S(t): the estimated share with the event (recovered) by time t.
    public func recovered(at t: Double) -> Double { 1 - survival(at: t) }

    /// The median time, as R `quantile.survfit(fit, 0.5)`: the first time with S ≤ ½;
    /// when S equals ½ (within √ε ≈ 1.5e-8) on an interval [tⱼ, tₖ), the midpoint
    /// (tⱼ + tₖ)/2, with tₖ the last time of the data if S never drops below ½.
    /// nil when S stays above ½.
    public var median: Double? {
        let tolerance = Double.ulpOfOne.squareRoot()
        guard let j = steps.firstIndex(where: { $0.survival <= 0.5 + tolerance }) else { return nil }
        guard Swift.abs(steps[j].survival - 0.5) <= tolerance else { return steps[j].time }
        let end = steps[(j + 1)...].first(where: { $0.survival < 0.5 - tolerance })?.time ?? steps[steps.count - 1].time
        return (steps[j].time + end) / 2
    }
}

/// Φ⁻¹(p), the standard normal quantile, for p in (0, 1) (±∞ at 0 and 1).
///
/// Acklam's rational approximation (relative error < 1.2e-9) refined by one Halley step
/// on Φ(x) − p with Φ from `erfc`, which brings it to about machine precision.
/// Φ⁻¹(0.975) = 1.959963984540054.
public func standardNormalQuantile(_ p: Double) -> Double {
    precondition(p >= 0 && p <= 1, "standardNormalQuantile: p must be in [0, 1]")
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    let pLow = 0.02425
    var x: Double
    if p < pLow || p > 1 - pLow {
        let q = (-2 * log(p < pLow ? p : 1 - p)).squareRoot()
        let num = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
        let den = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        x = p < pLow ? num / den : -num / den
    } else {
        let q = p - 0.5, r = q * q
        let num = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        let den = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
        x = num / den
    }
    // Halley: e = Φ(x) − p, u = e/φ(x), x ← x − u/(1 + x·u/2).
    let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
    let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
    x -= u / (1 + x * u / 2)
    return x
}
