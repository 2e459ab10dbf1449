#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

/// How tied event times enter the partial likelihood.
public enum CoxTies: String, Sendable, Codable, Equatable {
    /// Efron (1977): the d tied events at a time see the risk set with 0, 1/d, …, (d−1)/d
    /// of their combined risk removed. R `coxph`'s default; close to the exact partial
    /// likelihood even with heavy ties.
    case efron
    /// Breslow (1974): every tied event sees the full risk set.
    case breslow
}

/// Cox proportional-hazards regression by Newton–Raphson on the partial likelihood.
///
/// Model: h(t | x) = h₀(t)·exp(xᵀβ), t in days; the baseline hazard h₀ is left
/// unspecified and β maximizes the log partial likelihood
///   ℓ(β) = Σ_{event times t} [ Σ_{i ∈ D(t)} xᵢᵀβ − Σ_{k=0}^{d−1} log(Σ_{j ∈ R(t)} e^{xⱼᵀβ} − (k/d)·Σ_{j ∈ D(t)} e^{xⱼᵀβ}) ]
/// (Efron ties; Breslow drops the k/d term), with D(t) the d events at t and
/// R(t) = {j : tⱼ ≥ t} the risk set. A row censored at t is in R(t).
///
/// **Standardization.** Features are centred and scaled, z = (x − m)/s (population SD),
/// the fit runs on β̃ = s·β, and β = β̃/s, Cov(β) = diag(1/s)·Cov(β̃)·diag(1/s) map it
/// back. Centring keeps e^{zᵀβ̃} near 1 and the risk-set sums well conditioned; on top,
/// every evaluation subtracts c = maxᵢ zᵢᵀβ̃ before exponentiating (exp overflows near
/// 709) and adds c back inside the logs.
///
/// **Penalty.** With `l2` = λ > 0 the objective is ℓ(β̃) − (λ/2)‖β̃‖², a ridge on the
/// STANDARDIZED coefficients (features in currency and in months are shrunk alike).
/// This equals R `coxph(Surv(t, e) ~ ridge(z₁, …, zₚ, theta = λ, scale = FALSE))` on
/// covariates standardized with the population SD. The covariance is then the inverse
/// of the penalized information (R's `fit$var`), and the likelihood-ratio test is only
/// indicative.
///
/// **Iteration** (as R's `coxfit6.c`, which it matches iterate for iterate since Newton's
/// method is invariant to the scaling): from β̃ = 0, solve I·δ = U by Cholesky
/// (LAPACK `dpotrf`/`dpotrs` via `Cholesky`) and try β̃ + δ; if the penalized ℓ falls,
/// halve toward the last good β̃ (β_try ← (β_try + β_good)/2) and retry; stop when
/// |1 − ℓ_old/ℓ_new| ≤ `tolerance` after a step that was not halved, then take one more
/// Newton step (so β̂ is the optimum to rounding, not just R's stopping point).
/// `iterations` counts evaluations after the one at β̃ = 0, as R's `fit$iter`, without
/// that last step. The covariance is I⁻¹
/// at the estimate (`dpotri`).
///
/// **Ties and grouping.** One sort by time (a counting sort for whole days) groups the
/// rows by distinct event time; each evaluation is one backward pass over the groups for
/// the risk-set sums S0, S1 (O(n·p + G·p²)) and one `dsyrk` over all rows for the second
/// moments, whose per-row weights fold in every risk set a row belongs to (see
/// `CoxEvaluator`). Whole-day durations (≤ 365 distinct times, many ties) therefore cost
/// one large BLAS-3 call per iteration, not a per-row or per-time p² loop.
/// - Complexity: O(n log n) or O(n) for the sort; O(n·p²) per iteration; memory a
///   sorted standardized copy of X and one scratch buffer of the same size (2·n·p doubles).
///
/// **Diagnostics** (each a `CoxError` naming features): non-finite input, negative
/// durations, no events, constant features, collinear features
/// (Cholesky of the correlation matrix of the rows in risk sets: Lⱼⱼ² = 1 − R²ⱼ below
/// 1e-10), a singular information matrix at β = 0, monotone likelihood (after the
/// log-likelihood has settled, the next Newton step still moves a standardized
/// coefficient by more than 10⁻³·max(1, |β̃ⱼ|): a finite maximum makes that step
/// second-order small, a divergent coefficient keeps stepping by about one unit of
/// its separating combination), and non-convergence within the cap.
///
/// References: Cox (1972); Efron (1977), JASA 72:557–565; Therneau & Grambsch,
/// *Modeling Survival Data* (2000), §3.2–3.3; R package `survival` (`coxph`, `coxfit6.c`).
public struct CoxRegression: Sendable, Codable, Equatable {
    /// Tie handling in the partial likelihood (and in the baseline hazard).
    public var ties: CoxTies
    /// λ ≥ 0, the L2 penalty on the standardized coefficients.
    public var l2: Double
    /// Cap on likelihood evaluations after the initial one (R's `iter.max`).
    public var maxIterations: Int
    /// Threshold on |1 − ℓ_old/ℓ_new| (R's `eps`).
    public var tolerance: Double

    /// Threshold on 1 − R² of a feature regressed on the preceding ones.
    public static let collinearityTolerance = 1e-10

    /// The options are checked by `fit`, which throws `.invalidOption` for λ < 0 or not
    /// finite, `maxIterations < 1` or a tolerance that is not a positive number.
    public init(ties: CoxTies = .efron, l2: Double = 0, maxIterations: Int = 30, tolerance: Double = 1e-9) {
        self.ties = ties
        self.l2 = l2
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Fits the model to a row-major `n × p` matrix `x` (one account per row, one feature
    /// per column), durations `time` in days (≥ 0: to the event, or to the end of
    /// observation when censored) and `event` (true = recovery observed at `time`).
    ///
    /// `weights` (optional, one per row, finite and > 0) are case weights: R
    /// `coxph(weights =)` with the weighted Efron likelihood (the d tied events enter each
    /// Efron term with their mean weight), which is not the same as repeating rows; the
    /// covariance is the model-based inverse information (R reports robust standard
    /// errors for non-integer weights; these are the model-based ones). `strata`
    /// (optional, one integer per row) gives each stratum its own baseline hazard and
    /// risk sets (R `strata()`); a stratum without events adds nothing to the fit and its
    /// baseline stays 0.
    public func fit(_ x: Matrix, time: [Double], event: [Bool], featureNames: [String],
                    weights: [Double]? = nil, strata: [Int]? = nil) throws(CoxError) -> CoxModel {
        precondition(time.count == x.rows, "CoxRegression.fit: \(time.count) times for \(x.rows) rows")
        precondition(weights.map { $0.count == x.rows } ?? true, "CoxRegression.fit: one weight per row")
        precondition(strata.map { $0.count == x.rows } ?? true, "CoxRegression.fit: one stratum per row")
        if let weights, let i = weights.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw CoxError(code: .invalidWeight,
                           message: "the case weight at row \(i) is \(weights[i]); weights must be finite numbers > 0", row: i)
        }
        precondition(event.count == x.rows, "CoxRegression.fit: \(event.count) event flags for \(x.rows) rows")
        precondition(featureNames.count == x.cols,
                     "CoxRegression.fit: \(featureNames.count) names for \(x.cols) columns")
        try checkOptions(l2: l2, maxIterations: maxIterations, tolerance: tolerance) { message throws(CoxError) in
            throw CoxError(code: .invalidOption, message: message)
        }
        let p = x.cols
        let nEvents = try validate(x, time: time, event: event, featureNames: featureNames)
        let sets = CoxRiskSets(x: x, time: time, event: event, weights: weights, strata: strata)
        if let j = sets.scales.firstIndex(of: 0) {
            throw CoxError(code: .constantFeature, features: [featureNames[j]],
                           message: "feature '\(featureNames[j])' has the same value in every row, so it cannot explain when recoveries happen; drop it from the fit")
        }
        try checkCollinearity(sets, featureNames: featureNames)

        var evaluator = CoxEvaluator(sets: sets, ties: ties, l2: l2)
        let current = evaluator.evaluate([Double](repeating: 0, count: p))
        let nullLogLikelihood = current.logLikelihood
        var step: [Double]
        do throws(LinearAlgebraError) {
            step = try Cholesky(current.information).solve(current.gradient)
        } catch {
            let name = featureNames[min(error.pivot, p - 1)]
            throw CoxError(code: .singularInformation, features: [name],
                           message: "feature '\(name)' does not vary among the accounts at risk when recoveries happen (for example, it only varies among accounts censored early), so its effect cannot be estimated; drop it from the fit")
        }

        // Newton–Raphson with step-halving toward the last good β̃ (R coxfit6's loop).
        var good = current
        var trialBeta = zip(current.beta, step).map { $0 + $1 }
        var halving = false, converged = false, iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let trial = evaluator.evaluate(trialBeta)
            let old = good.penalizedLogLikelihood, new = trial.penalizedLogLikelihood
            if !halving && new.isFinite && (new == old || Swift.abs(1 - old / new) <= tolerance) {
                good = trial
                converged = true
                break
            }
            if iterations == maxIterations {
                if new.isFinite && new >= old { good = trial }   // the last iterate, as R returns it
                break
            }
            if !new.isFinite || new < old {
                halving = true
                trialBeta = zip(trialBeta, good.beta).map { ($0 + $1) / 2 }
                continue
            }
            halving = false
            good = trial
            do throws(LinearAlgebraError) {
                step = try Cholesky(trial.information).solve(trial.gradient)
            } catch {
                throw singularDuringIterations(error, at: trial.beta, sets: sets, featureNames: featureNames,
                                               iterations: iterations)
            }
            trialBeta = zip(trial.beta, step).map { $0 + $1 }
        }

        // One Newton step past the stopping rule (not counted in `iterations`, which stay
        // R's): the relative change of ℓ can fall below the tolerance while β is still
        // ~√tolerance from the optimum; a converged Newton step is quadratically small, so
        // after it β agrees with the optimum to rounding (≈1e-10), not only with R's
        // default stopping point.
        if converged, let f = try? Cholesky(good.information) {
            let polished = evaluator.evaluate(zip(good.beta, f.solve(good.gradient)).map { $0 + $1 })
            let old = good.penalizedLogLikelihood
            if polished.penalizedLogLikelihood.isFinite
                && polished.penalizedLogLikelihood >= old - 1e-12 * Swift.abs(old) {
                good = polished
            }
        }

        // Covariance and the next Newton step at the estimate.
        let factor: Cholesky
        let covStd: SymmetricMatrix
        do throws(LinearAlgebraError) {
            factor = try Cholesky(good.information)
            covStd = try factor.inverse()
        } catch {
            throw singularDuringIterations(error, at: good.beta, sets: sets, featureNames: featureNames,
                                           iterations: iterations)
        }
        let next = factor.solve(good.gradient)
        let diverging = (0..<p).filter {
            Swift.abs(next[$0]) > 1e-3 * max(1, Swift.abs(good.beta[$0]))
        }.sorted { Swift.abs(next[$0]) > Swift.abs(next[$1]) }
        if !diverging.isEmpty && (converged || diverging.contains { Swift.abs(good.beta[$0]) > 5 }) {
            throw monotoneError(diverging, beta: good.beta, next: next, sets: sets,
                                featureNames: featureNames, iterations: iterations)
        }

        let model = makeModel(good, covStd: covStd, sets: sets, evaluator: &evaluator,
                              nullLogLikelihood: nullLogLikelihood, iterations: iterations,
                              converged: converged, nObs: x.rows, nEvents: nEvents,
                              featureNames: featureNames, strata: strata)
        if !converged {
            throw CoxError(code: .notConverged, features: [],
                           message: "the fit did not converge in \(maxIterations) iterations (last relative change of the log partial likelihood above \(tolerance)); raise maxIterations, or check for extreme feature values",
                           lastIterate: model)
        }
        return model
    }

    // MARK: - Model assembly

    private func makeModel(_ e: CoxEvaluation, covStd: SymmetricMatrix, sets: CoxRiskSets,
                           evaluator: inout CoxEvaluator, nullLogLikelihood: Double, iterations: Int,
                           converged: Bool, nObs: Int, nEvents: Int, featureNames: [String],
                           strata: [Int]?) -> CoxModel {
        let stratified = strata != nil
        let strataLabels = strata.map { Array(Set($0)).sorted() } ?? []
        let p = sets.p
        let s = sets.scales
        let beta = (0..<p).map { e.beta[$0] / s[$0] }
        var cov = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for j in 0..<p { for k in 0..<p { cov[j][k] = covStd[j, k] / (s[j] * s[k]) } }
        let coefficients = (0..<p).map {
            Coefficient(name: featureNames[$0], estimate: beta[$0], standardError: cov[$0][$0].squareRoot())
        }
        let hazard = baselineHazardAtMeans(e.beta, sets: sets, evaluator: &evaluator)
        var model = CoxModel(coefficients: coefficients, covariance: cov, means: sets.means,
                             standardDeviations: sets.scales,
                             logLikelihood: e.logLikelihood, nullLogLikelihood: nullLogLikelihood,
                             penalizedLogLikelihood: e.penalizedLogLikelihood,
                             iterations: iterations, converged: converged, ties: ties, l2: l2,
                             nObs: nObs, nEvents: nEvents,
                             baselineTimes: stratified ? [] : sets.eventTimes,
                             baselineHazardAtMeans: stratified ? [] : hazard)
        if stratified {
            model.stratumBaselines = strataLabels.map { label in
                let groups = sets.groupStratum.indices.filter { sets.groupStratum[$0] == label }
                return CoxStratumBaseline(stratum: label, times: groups.map { sets.eventTimes[$0] },
                                          hazardAtMeans: groups.map { hazard[$0] })
            }
        }
        return model
    }

    /// H(t_g | x = m) per group, cumulated within each stratum, as `survfit.coxph`
    /// computes it: Breslow ΔH = W/S0, Efron ΔH = Σ_{k<d} (W/d)/(S0 − (k/d)·D0) (survfit's
    /// ctype 2), with W the events' total case weight, S0 = Σ_{R(t)} wᵢe^{(xᵢ−m)ᵀβ} and D0
    /// the same over the d events. Risks are shifted by c = max η̃ and the increments
    /// scaled back by e^{−c}.
    private func baselineHazardAtMeans(_ beta: [Double], sets: CoxRiskSets,
                                       evaluator: inout CoxEvaluator) -> [Double] {
        let (risk, c) = evaluator.riskWeights(beta)
        let r = zip(risk, sets.weights).map { $0 * $1 }
        let scale = exp(-c)
        var increments = [Double](repeating: 0, count: sets.groupCount)
        var s0 = 0.0
        for g in stride(from: sets.groupCount - 1, through: 0, by: -1) {
            if sets.groupEndsStratum[g] { s0 = 0 }
            let a = sets.groupStart[g], d = sets.groupEvents[g], b = sets.groupStart[g + 1]
            var d0 = 0.0
            for i in a..<(a + d) { d0 += r[i] }
            for i in (a + d)..<b { s0 += r[i] }
            s0 += d0
            let deadWeight = sets.groupEventWeight[g]
            if ties == .breslow || d == 1 {
                increments[g] = deadWeight / s0 * scale
            } else {
                var h = 0.0
                for k in 0..<d { h += 1 / (s0 - Double(k) / Double(d) * d0) }
                increments[g] = h * deadWeight / Double(d) * scale
            }
        }
        var total = 0.0
        return increments.indices.map { g in
            if g == 0 || sets.groupEndsStratum[g - 1] { total = 0 }
            total += increments[g]
            return total
        }
    }

    // MARK: - Diagnostics

    /// Non-finite values, negative times, no events. (Every event on one day is fitted, as
    /// R does: the partial likelihood then has one risk set, and the baseline one step.)
    /// Returns the number of events.
    private func validate(_ x: Matrix, time: [Double], event: [Bool], featureNames: [String]) throws(CoxError) -> Int {
        let (n, p) = (x.rows, x.cols)
        for i in 0..<n where !time[i].isFinite {
            throw CoxError(code: .nonFiniteInput, message: "the duration at row \(i) is \(time[i]); durations must be finite numbers of days", row: i)
        }
        for i in 0..<n where time[i] < 0 {
            throw CoxError(code: .negativeTime, message: "the duration at row \(i) is \(time[i]) days; durations must be ≥ 0 (check the as-of date and days_to_recovery)", row: i)
        }
        if let k = x.storage.firstIndex(where: { !$0.isFinite }) {
            let (i, j) = (k / p, k % p)
            throw CoxError(code: .nonFiniteInput, features: [featureNames[j]],
                           message: "feature '\(featureNames[j])' is \(x.storage[k]) at row \(i); impute or drop non-finite values before fitting",
                           row: i)
        }
        let nEvents = event.reduce(0) { $0 + ($1 ? 1 : 0) }
        if nEvents == 0 {
            throw CoxError(code: .noEvents, message: n == 0 ? "the data set is empty" : "none of the \(n) accounts has a recovery (every row is censored), so there is nothing to learn about time to recovery")
        }
        return nEvents
    }

    /// Collinearity among the rows in risk sets: Cholesky of their correlation matrix.
    /// A feature that is constant on those rows (though not overall) is reported as
    /// `.singularInformation`.
    private func checkCollinearity(_ sets: CoxRiskSets, featureNames: [String]) throws(CoxError) {
        let p = sets.p, m = sets.z.rows
        if p == 0 { return }
        let g = gram(sets.z)                                   // dsyrk
        var mu = [Double](repeating: 0, count: p)
        sets.z.storage.withUnsafeBufferPointer { zp in
            for i in 0..<m { for j in 0..<p { mu[j] += zp[i * p + j] } }
        }
        for j in 0..<p { mu[j] /= Double(m) }
        var cov = SymmetricMatrix(n: p)
        for j in 0..<p { for k in 0..<p { cov[j, k] = g[j, k] / Double(m) - mu[j] * mu[k] } }
        for j in 0..<p where !(cov[j, j] > 1e-12) {
            let name = featureNames[j]
            throw CoxError(code: .singularInformation, features: [name],
                           message: "feature '\(name)' has the same value for every account still at risk at the recovery times (it only varies among accounts censored before the first recovery), so its effect cannot be estimated; drop it from the fit")
        }
        var corr = SymmetricMatrix(n: p)
        for j in 0..<p { for k in 0..<p { corr[j, k] = cov[j, k] / (cov[j, j] * cov[k, k]).squareRoot() } }
        var bad: Int?
        do throws(LinearAlgebraError) {
            let l = try Cholesky(corr).lower
            bad = (0..<p).first { l[$0, $0] * l[$0, $0] < Self.collinearityTolerance }
        } catch {
            bad = error.pivot
        }
        guard let j = bad else { return }
        // Which earlier features does j combine? Regress it on them: R₁₁·b = r₁ⱼ.
        var partners: [String] = []
        if j > 0 {
            var r11 = SymmetricMatrix(n: j)
            for a in 0..<j { for b in 0..<j { r11[a, b] = corr[a, b] } }
            if let f = try? Cholesky(r11) {
                let b = f.solve((0..<j).map { corr[$0, j] })
                partners = (0..<j).filter { Swift.abs(b[$0]) > 1e-6 }.map { featureNames[$0] }
            }
        }
        let name = featureNames[j]
        let with = partners.isEmpty ? "the features before it" : quotedList(partners)
        throw CoxError(code: .collinearFeatures, features: [name] + partners,
                       message: "feature '\(name)' is a linear combination of \(with) (1 − R² < \(Self.collinearityTolerance)), so their effects cannot be separated; drop '\(name)' or one of the others")
    }

    /// A Cholesky failure after the first step: a diverging coefficient (monotone
    /// likelihood) when some |β̃ⱼ| is large, else a singular information matrix.
    private func singularDuringIterations(_ error: LinearAlgebraError, at beta: [Double], sets: CoxRiskSets,
                                          featureNames: [String], iterations: Int) -> CoxError {
        let big = (0..<sets.p).filter { Swift.abs(beta[$0]) > 5 }
            .sorted { Swift.abs(beta[$0]) > Swift.abs(beta[$1]) }
        if !big.isEmpty {
            return monotoneError(big, beta: beta, next: nil, sets: sets, featureNames: featureNames,
                                 iterations: iterations)
        }
        let name = featureNames[min(error.pivot, sets.p - 1)]
        return CoxError(code: .singularInformation, features: [name],
                        message: "the information matrix became singular at feature '\(name)' after \(iterations) iterations; the data cannot separate its effect from the others — drop it or add an L2 penalty (CoxRegression(l2: 1))")
    }

    private func monotoneError(_ js: [Int], beta: [Double], next: [Double]?, sets: CoxRiskSets,
                               featureNames: [String], iterations: Int) -> CoxError {
        let names = js.map { featureNames[$0] }
        let j = js[0]
        let b = beta[j] / sets.scales[j]
        let moving = next.map { "; the next Newton step would still move it by \(coxRounded($0[j] / sets.scales[j]))" } ?? ""
        return CoxError(code: .monotoneLikelihood, features: names,
                        message: "monotone likelihood: the coefficient of \(quotedList(names)) diverges (β = \(coxRounded(b)) after \(iterations) iterations\(moving)). The feature, alone or with others, perfectly orders the recovery times, so its hazard ratio is infinite. Drop or coarsen it, or fit with an L2 penalty, e.g. CoxRegression(l2: 1)")
    }
}

/// x rounded to 4 significant digits, for messages.
func coxRounded(_ x: Double) -> Double {
    if x == 0 || !x.isFinite { return x }
    let scale = pow(10, 3 - floor(log10(Swift.abs(x))))
    return (x * scale).rounded() / scale
}
