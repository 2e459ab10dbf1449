#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

/// A fitted Cox proportional-hazards model: h(t | x) = h₀(t)·exp(xᵀβ), t in days.
///
/// Immutable result of `CoxRegression.fit`; predictions are pure. Coefficients and
/// covariance are on the original feature scale (log hazard ratio per unit of the
/// feature).
///
/// **Baseline.** The cumulative baseline hazard is a step function with jumps at the
/// distinct event times, stored in factored form: `baselineHazardAtMeans` is
/// H(t | x = m), the cumulative hazard of an account at the feature means `means`
/// (R `basehaz(fit, centered = TRUE)`), and the hazard at any x is
///   H(t | x) = H(t | m)·exp((x − m)ᵀβ),
/// so the centre is folded into the linear predictor and nothing overflows for
/// features with large means. H₀(t) = H(t | x = 0) = H(t | m)·e^{−mᵀβ}
/// (`baselineCumulativeHazard`, R `basehaz(fit, centered = FALSE)`) is derived from it.
/// Survival S(t | x) = exp(−H(t | x)) (R `survfit.coxph`, stype 2).
public struct CoxModel: Sendable, Codable, Equatable {
    /// β with standard errors, one row per feature in the order of the fitted columns.
    /// Units: log hazard ratio per unit of the feature. Standard errors are
    /// √diag(covariance).
    public var coefficients: [Coefficient]
    /// Covariance of β, `p × p` row-major rows: the inverse observed information
    /// (inverse penalized information when `l2 > 0`, as R's `fit$var`).
    public var covariance: [[Double]]
    /// Feature means m used as the centre of the fit and of the baseline hazard.
    public var means: [Double]
    /// Population SDs s of the features (the scale of the L2 penalty).
    public var standardDeviations: [Double]
    /// ℓ(β̂), the log partial likelihood at the estimate (without the penalty).
    public var logLikelihood: Double
    /// ℓ(0), the log partial likelihood with every coefficient 0.
    public var nullLogLikelihood: Double
    /// ℓ(β̂) − (λ/2)‖s∘β̂‖², the maximized objective (equal to `logLikelihood` when l2 = 0).
    public var penalizedLogLikelihood: Double
    /// Likelihood evaluations after the one at β = 0 (R's `fit$iter`).
    public var iterations: Int
    /// Always `true` for a model returned by `fit`; `false` only in `CoxError.lastIterate`.
    public var converged: Bool
    /// Tie handling of the partial likelihood and the baseline hazard.
    public var ties: CoxTies
    /// The L2 penalty λ on the standardized coefficients (0 = maximum partial likelihood).
    public var l2: Double
    /// Rows used in the fit.
    public var nObs: Int
    /// Rows with an event.
    public var nEvents: Int
    /// Distinct event times in days, ascending: where the baseline hazard jumps. Empty
    /// for a stratified fit (see `stratumBaselines`).
    public var baselineTimes: [Double]
    /// H(t | x = m) at each of `baselineTimes` (non-decreasing).
    public var baselineHazardAtMeans: [Double]
    /// A stratified fit's baselines (R `strata()`): one per stratum, ascending by stratum
    /// number, each H(t | x = m) at that stratum's own event times; nil without strata.
    public var stratumBaselines: [CoxStratumBaseline]?

    public init(coefficients: [Coefficient], covariance: [[Double]], means: [Double],
                standardDeviations: [Double], logLikelihood: Double, nullLogLikelihood: Double,
                penalizedLogLikelihood: Double, iterations: Int, converged: Bool, ties: CoxTies,
                l2: Double, nObs: Int, nEvents: Int, baselineTimes: [Double],
                baselineHazardAtMeans: [Double]) {
        let p = coefficients.count
        precondition(covariance.count == p && covariance.allSatisfy { $0.count == p },
                     "CoxModel: covariance must be \(p)×\(p)")
        precondition(means.count == p && standardDeviations.count == p, "CoxModel: \(p) means and SDs expected")
        precondition(baselineTimes.count == baselineHazardAtMeans.count,
                     "CoxModel: \(baselineTimes.count) baseline times but \(baselineHazardAtMeans.count) hazards")
        self.coefficients = coefficients
        self.covariance = covariance
        self.means = means
        self.standardDeviations = standardDeviations
        self.logLikelihood = logLikelihood
        self.nullLogLikelihood = nullLogLikelihood
        self.penalizedLogLikelihood = penalizedLogLikelihood
        self.iterations = iterations
        self.converged = converged
        self.ties = ties
        self.l2 = l2
        self.nObs = nObs
        self.nEvents = nEvents
        self.baselineTimes = baselineTimes
        self.baselineHazardAtMeans = baselineHazardAtMeans
    }

    /// β, in feature order.
    public var beta: [Double] { coefficients.map(\.estimate) }
    /// The feature names, in column order.
    public var featureNames: [String] { coefficients.map(\.name) }
    /// exp(β): hazard ratio per unit of each feature.
    public var hazardRatios: [Double] { coefficients.map { exp($0.estimate) } }

    /// Likelihood-ratio χ² = 2(ℓ(β̂) − ℓ(0)) on p degrees of freedom, and its p-value
    /// (R `summary(fit)$logtest`). Only indicative for a penalized fit.
    public var likelihoodRatioTest: (statistic: Double, df: Int, pValue: Double) {
        let lr = 2 * (logLikelihood - nullLogLikelihood)
        let df = coefficients.count
        return (lr, df, df > 0 ? chiSquaredUpperTail(lr, df: df) : .nan)
    }

    /// mᵀβ, the linear predictor of the centre (the offset between H(t | m) and H₀).
    public var centreLinearPredictor: Double {
        var s = 0.0
        for j in coefficients.indices { s += means[j] * coefficients[j].estimate }
        return s
    }

    /// H₀(t) = H(t | x = 0) at each of `baselineTimes` (R `basehaz(fit, centered = FALSE)`).
    /// May overflow to ∞ or underflow to 0 when |mᵀβ| > 700; predictions never use it.
    public var baselineCumulativeHazard: [Double] {
        let f = exp(-centreLinearPredictor)
        return baselineHazardAtMeans.map { $0 * f }
    }

    /// H(t | m): the step function at t (0 before the first event time).
    /// - Complexity: O(log k) for k event times (binary search).
    public func hazardAtMeans(at t: Double) -> Double {
        // Number of event times ≤ t.
        var lo = 0, hi = baselineTimes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if baselineTimes[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 0 : baselineHazardAtMeans[lo - 1]
    }

    /// H₀(t) at x = 0 on the original scale (see `baselineCumulativeHazard`).
    public func baselineCumulativeHazard(at t: Double) -> Double {
        hazardAtMeans(at: t) * exp(-centreLinearPredictor)
    }

    /// (x − m)ᵀβ for one account (a row of the fitted features).
    public func relativeLinearPredictor(_ row: [Double]) -> Double {
        precondition(row.count == coefficients.count,
                     "CoxModel: row has \(row.count) values, model has \(coefficients.count) features")
        var s = 0.0
        for j in row.indices { s += (row[j] - means[j]) * coefficients[j].estimate }
        return s
    }

    /// xᵀβ − mᵀβ for every row of a row-major `n × p` matrix: one `dgemv` with η pre-filled
    /// with −mᵀβ (BLAS beta = 1). exp of it is the risk relative to an account at the means.
    /// - Complexity: O(n·p).
    public func relativeLinearPredictor(_ x: Matrix) -> [Double] {
        precondition(x.cols == coefficients.count,
                     "CoxModel: matrix has \(x.cols) columns, model has \(coefficients.count) features")
        var eta = [Double](repeating: -centreLinearPredictor, count: x.rows)
        multiply(x, beta, beta: 1, into: &eta)
        return eta
    }

    /// S(t | x) = exp(−H(t | m)·e^{(x−m)ᵀβ}), the probability of no recovery by day t.
    public func survival(at t: Double, x row: [Double]) -> Double {
        exp(-hazardAtMeans(at: t) * exp(relativeLinearPredictor(row)))
    }

    /// S(tₕ | xᵢ) as an `n × h` matrix (rows = accounts, columns = `horizons` in days).
    /// - Complexity: O(n·p) for one `dgemv`, then O(n·h) plus h binary searches.
    public func survival(at horizons: [Double], x: Matrix) -> Matrix {
        predict(horizons, x) { exp(-$0) }
    }

    /// P(recovered by tₕ | xᵢ) = 1 − S(tₕ | xᵢ) = −expm1(−H), as an `n × h` matrix
    /// (rows = accounts, columns = `horizons` in days, e.g. 30/60/90/180).
    /// - Complexity: O(n·p) for one `dgemv`, then O(n·h).
    public func probabilityRecovered(by horizons: [Double], x: Matrix) -> Matrix {
        predict(horizons, x) { -expm1(-$0) }
    }

    /// `probabilityRecovered(by:x:)` from linear predictors (x − m)ᵀβ already computed
    /// (`relativeLinearPredictor`), one per account.
    public func probabilityRecovered(by horizons: [Double], relativeLinearPredictor eta: [Double]) -> Matrix {
        predict(horizons, eta) { -expm1(-$0) }
    }

    private func predict(_ horizons: [Double], _ x: Matrix, _ transform: (Double) -> Double) -> Matrix {
        predict(horizons, relativeLinearPredictor(x), transform)
    }

    private func predict(_ horizons: [Double], _ eta: [Double], _ transform: (Double) -> Double) -> Matrix {
        let h = horizons.map { hazardAtMeans(at: $0) }
        let k = h.count
        var out = Matrix(rows: eta.count, cols: k)
        out.storage.withUnsafeMutableBufferPointer { op in
            for i in 0..<eta.count {
                let risk = exp(eta[i])
                for j in 0..<k { op[i * k + j] = transform(h[j] * risk) }
            }
        }
        return out
    }

    /// The median days to recovery: the first event time t with S(t | x) ≤ ½, i.e.
    /// H(t | m)·e^{(x−m)ᵀβ} ≥ ln 2; nil when S stays above ½ through the last event time.
    /// (R's `quantile.survfit` takes the midpoint to the next time when S equals ½
    /// exactly on an interval; here the first time is returned.)
    public func medianDaysToRecovery(_ row: [Double]) -> Double? {
        median(relativeLinearPredictor(row))
    }

    /// `medianDaysToRecovery` for every row, with one `dgemv` for the linear predictors.
    public func medianDaysToRecovery(_ x: Matrix) -> [Double?] {
        relativeLinearPredictor(x).map(median)
    }

    /// The median days to recovery of an account with linear predictor (x − m)ᵀβ = `eta`.
    public func medianDaysToRecovery(relativeLinearPredictor eta: Double) -> Double? {
        median(eta)
    }

    private func median(_ eta: Double) -> Double? {
        let target = log(2.0) * exp(-eta)
        // First index with H(t | m) ≥ ln2·e^{−η} (H is non-decreasing).
        var lo = 0, hi = baselineHazardAtMeans.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if baselineHazardAtMeans[mid] >= target { hi = mid } else { lo = mid + 1 }
        }
        return lo < baselineTimes.count ? baselineTimes[lo] : nil
    }

    /// Harrell's C of the model's risk score (x − m)ᵀβ on labelled data (see `Concordance`).
    /// The scores are computed row by row in a fixed order, so identical rows get
    /// identical scores and count as ties.
    public func concordance(_ x: Matrix, time: [Double], event: [Bool]) -> Concordance {
        precondition(x.cols == coefficients.count,
                     "CoxModel: matrix has \(x.cols) columns, model has \(coefficients.count) features")
        let b = beta
        let p = x.cols
        var score = [Double](repeating: 0, count: x.rows)
        x.storage.withUnsafeBufferPointer { xp in
            for i in 0..<x.rows {
                var s = 0.0
                for j in 0..<p { s += (xp[i * p + j] - means[j]) * b[j] }
                score[i] = s
            }
        }
        return Concordance(riskScore: score, time: time, event: event)
    }
}

/// The baseline of one stratum of a stratified Cox fit.
public struct CoxStratumBaseline: Sendable, Codable, Equatable {
    /// The stratum number given to the fit.
    public var stratum: Int
    /// The stratum's distinct event times in days, ascending (empty: no event).
    public var times: [Double]
    /// H(t | x = m) at each of `times`.
    public var hazardAtMeans: [Double]

    public init(stratum: Int, times: [Double], hazardAtMeans: [Double]) {
        self.stratum = stratum
        self.times = times
        self.hazardAtMeans = hazardAtMeans
    }
}

extension CoxModel {
    /// H₀(t) = H(t | x = 0) of stratum `stratum` (R `basehaz(fit, centered = FALSE)` per
    /// stratum); 0 before its first event, and for a stratum without events.
    public func baselineCumulativeHazard(at t: Double, stratum: Int) -> Double {
        guard let b = stratumBaselines?.first(where: { $0.stratum == stratum }) else { return 0 }
        var value = 0.0
        for (time, h) in zip(b.times, b.hazardAtMeans) where time <= t { value = h }
        return value * exp(-centreLinearPredictor)
    }

    /// S(t | x) = exp(−H(t | m, stratum)·e^{(x−m)ᵀβ}) for an account of stratum `stratum`.
    public func survival(at t: Double, x row: [Double], stratum: Int) -> Double {
        exp(-baselineCumulativeHazard(at: t, stratum: stratum) * exp(centreLinearPredictor + relativeLinearPredictor(row)))
    }
}
