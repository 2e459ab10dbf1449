#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

/// Logistic regression by Newton–Raphson (IRLS) on standardized features.
///
/// Model: P(yᵢ = 1 | xᵢ) = logistic(ηᵢ), ηᵢ = β₀ + Σⱼ βⱼ·xᵢⱼ, labels yᵢ ∈ {0, 1}.
///
/// **Standardization.** Each feature is centred and scaled, zᵢⱼ = (xᵢⱼ − mⱼ)/sⱼ
/// (population SD, see `Standardization`), and the fit runs on Z = [1 | z]. The
/// estimates are mapped back with β = A·β̃, where A has A₀₀ = 1, A₀ⱼ = −mⱼ/sⱼ,
/// Aⱼⱼ = 1/sⱼ (zero elsewhere), and the covariance with Cov(β) = A·Cov(β̃)·Aᵀ, so the
/// intercept's standard error includes the covariance of the slopes with it.
///
/// **Objective.** Minimize the penalized deviance
///   D_λ(β̃) = −2ℓ(β̃) + λ·Σⱼ≥₁ β̃ⱼ²,  ℓ = Σᵢ yᵢηᵢ − log(1 + e^ηᵢ),
/// i.e. maximize ℓ − (λ/2)‖β̃₁…ₚ‖². The penalty acts on the STANDARDIZED slopes
/// (so it treats features measured in currency and in months alike) and never on the
/// intercept. This equals scikit-learn's `C·Σ loss + ½‖w‖²` on standardized features
/// with C = 1/λ. λ = 0 is maximum likelihood (statsmodels `Logit`).
///
/// **Iteration.** From β̃ = (logit ȳ, 0, …, 0) (the null model), each step:
///   1. gradient g = Zᵀ(y − p) − λ·β̃′ (BLAS `dgemv`, transposed), β̃′ = β̃ with β̃₀ = 0;
///   2. Hessian H = ZᵀWZ + λ·I′, W = diag(pᵢ(1 − pᵢ)) (`weightedGram`: `dsyrk` into a
///      reused scratch buffer), I′ = identity without the (0,0) entry;
///   3. Newton step δ = H⁻¹g by Cholesky (LAPACK `dpotrf`, `dpotrs`);
///   4. β̃ + t·δ with t = 1, ½, ¼, … (at most 30 halvings) until D_λ does not rise;
///   5. stop when |ΔD_λ| / (|D_λ| + 0.1) < `tolerance` (R `glm.fit`'s rule), then take
///      one more Newton step (uncounted), so β̃ is the optimum to rounding.
/// D, g and ZᵀWZ of a trial point come from one pass over X in cache-sized blocks that
/// are standardized on the fly (`NewtonEngine`): Z is never stored, and an accepted
/// trial's g and ZᵀWZ are the next step's. The covariance is H⁻¹ at the final estimate
/// (`dpotri`).
/// - Complexity: O(n·p²) per iteration (the `dsyrk`), one read of X per evaluation,
///   O(p²) extra memory per stripe; typically 4–8 iterations.
///
/// **Diagnostics** (each a `LogisticError` naming features):
///   - constant features (a single value) and, without a penalty (λ = 0), collinear
///     features — from the
///     Cholesky factor of the correlation matrix R of z: Lⱼⱼ² = 1 − R²ⱼ, the share of
///     feature j's variance not explained by the features before it; below 1e-10 (or a
///     failed `dpotrf`) the feature is reported with the features it combines;
///   - separation: the fit ends with rows whose fitted probability is within 1e-4 of
///     their label while their log-odds still moved by ≥ 0.1 toward it in the last step
///     and that move was at least half the previous one. A finite maximum makes Newton
///     steps shrink quadratically; under (quasi-)complete separation the likelihood
///     keeps rising as some coefficients run off to ±∞ and the steps on the separated
///     rows stay about one log-odds unit. The features whose step moves those rows
///     most are named.
///   - a singular Hessian later in the iterations, non-convergence within the cap.
///
/// References: McCullagh & Nelder, *Generalized Linear Models* (1989), §4.4;
/// Albert & Anderson, Biometrika 71 (1984) on separation; Hastie, Tibshirani &
/// Friedman, *Elements of Statistical Learning* §4.4.4 on the L2 penalty.
public struct LogisticRegression: Sendable, Codable, Equatable {
    /// λ ≥ 0, the L2 penalty on the standardized slopes (see the type's documentation).
    public var l2: Double
    /// Cap on Newton steps.
    public var maxIterations: Int
    /// Convergence threshold on the relative change of the penalized deviance (on the
    /// size of the last Newton step, standardized scale, for Firth's fit).
    public var tolerance: Double
    /// Firth's penalized likelihood ℓ + ½ log det I instead of maximum likelihood
    /// (`fitFirth`): finite estimates also under separation. Excludes `l2`.
    public var firth: Bool

    /// Threshold on 1 − R² of a feature regressed on the preceding ones (see `fit`).
    public static let collinearityTolerance = 1e-10
    /// Step halvings before the current point is taken as the numerical optimum.
    static let maxHalvings = 30

    /// The options are checked by `fit`, which throws `.invalidOption` for λ < 0 or not
    /// finite, `maxIterations < 1`, a tolerance that is not a positive number, or Firth's
    /// penalty together with an L2 penalty.
    public init(l2: Double = 0, maxIterations: Int = 50, tolerance: Double = 1e-10, firth: Bool = false) {
        self.l2 = l2
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.firth = firth
    }

    /// Fits the model to a row-major `n × p` matrix `x` (one account per row, one
    /// feature per column, no intercept column) and labels `y` ∈ {0, 1}, one per row.
    /// `featureNames` names the columns of `x` (used in the model and in errors).
    ///
    /// `weights` (optional, one per row, finite and > 0) are case weights as R
    /// `glm(family = binomial, weights =)` takes them: row i counts cᵢ times in the
    /// likelihood, the covariance is the model-based (XᵀWX)⁻¹ with W = diag(cᵢpᵢ(1 − pᵢ)),
    /// and the null model is the weighted event rate. Not with Firth's penalty.
    public func fit(_ x: Matrix, _ y: [Double], featureNames: [String],
                    weights: [Double]? = nil) throws(LogisticError) -> LogisticModel {
        precondition(weights.map { $0.count == x.rows } ?? true, "LogisticRegression.fit: one weight per row")
        precondition(!(firth && weights != nil), "LogisticRegression.fit: Firth's fit takes no case weights")
        if let weights, let i = weights.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw LogisticError(code: .invalidWeight,
                                message: "the case weight at row \(i) is \(weights[i]); weights must be finite numbers > 0.", row: i)
        }
        precondition(y.count == x.rows, "LogisticRegression.fit: \(y.count) labels for \(x.rows) rows")
        precondition(featureNames.count == x.cols,
                     "LogisticRegression.fit: \(featureNames.count) names for \(x.cols) columns")
        try checkOptions(l2: l2, maxIterations: maxIterations, tolerance: tolerance) { message throws(LogisticError) in
            throw LogisticError(code: .invalidOption, message: message)
        }
        if firth && l2 > 0 {
            throw LogisticError(code: .invalidOption, message: "Firth's penalty and an L2 penalty exclude each other; give one of them.")
        }
        if firth { return try fitFirth(x, y, featureNames: featureNames) }
        let (n, p) = (x.rows, x.cols)
        let (nEvents, range) = try validateInputs(x, y, featureNames: featureNames)
        let scaling = Standardization(fitting: x)
        let engine = NewtonEngine(x: x, y: y, scaling: scaling, l2: l2, columnRange: range, caseWeights: weights)

        // Start at the null model β̃ = (logit ȳ, 0, …) (ȳ weighted by the case weights):
        // every wᵢ = ȳ(1 − ȳ), so its ZᵀWZ is ȳ(1 − ȳ)·ZᵀZ and gives the correlation matrix
        // for the collinearity check (from an unweighted evaluation when weighted).
        let totalWeight = weights?.reduce(0, +) ?? Double(n)
        let eventWeight = weights.map { w in zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } } ?? Double(nEvents)
        let ybar = eventWeight / totalWeight
        var start = [Double](repeating: 0, count: p + 1)
        start[0] = log(ybar / (1 - ybar))
        var current = engine.evaluate(start)
        // With λ > 0 the Hessian ZᵀWZ + λI′ is positive definite however the features
        // combine, so collinear features still have one penalized fit (scikit-learn's).
        if l2 == 0 {
            let gram = weights == nil ? current.gram
                : NewtonEngine(x: x, y: y, scaling: scaling, l2: l2, columnRange: range).evaluate(start).gram
            try checkCollinearity(gram, weight: Double(n) * ybar * (1 - ybar), featureNames: featureNames)
        }

        var iterations = 0, converged = false, change = Double.infinity
        var lastStep: [Double] = [], previousStep: [Double] = []
        func failure(_ error: LinearAlgebraError) -> LogisticError {
            if let s = engine.separation(at: current.beta, lastStep: lastStep, previousStep: previousStep) {
                return separationError(s, n: n, featureNames: featureNames)
            }
            return singularError(error, featureNames: featureNames, iterations: iterations)
        }
        while iterations < maxIterations {
            let delta: [Double]
            do throws(LinearAlgebraError) {
                delta = try Cholesky(engine.hessian(current)).solve(current.gradient)
            } catch {
                throw failure(error)
            }
            iterations += 1
            let old = current.penalizedDeviance
            let found = Self.halvingStep { t -> NewtonPoint? in
                let trial = engine.evaluate(zip(current.beta, delta).map { $0 + t * $1 })
                // A rise below tolerance/2 in relative terms is rounding noise; accepting it
                // ends the loop below (its relative change is under the tolerance).
                return trial.penalizedDeviance.isFinite
                    && trial.penalizedDeviance <= old + 0.5 * tolerance * (Swift.abs(old) + 0.1) ? trial : nil
            }
            guard let (next, t) = found else {
                // No point along the Newton (descent) direction lowers D_λ at machine
                // precision: the current β̃ is the numerical optimum.
                converged = true
                break
            }
            previousStep = lastStep
            lastStep = delta.map { t * $0 }
            current = next
            change = Swift.abs(current.penalizedDeviance - old) / (Swift.abs(current.penalizedDeviance) + 0.1)
            if change < tolerance {
                converged = true
                break
            }
        }

        if let s = engine.separation(at: current.beta, lastStep: lastStep, previousStep: previousStep) {
            throw separationError(s, n: n, featureNames: featureNames)
        }
        // One Newton step past the stopping rule (not counted in `iterations`): the
        // relative deviance change falls below the tolerance while β̃ may still be
        // ~√tolerance away; after a quadratically small Newton step β̃ is the optimum to
        // rounding.
        if converged, let c = try? Cholesky(engine.hessian(current)) {
            let polished = engine.evaluate(zip(current.beta, c.solve(current.gradient)).map { $0 + $1 })
            if polished.penalizedDeviance.isFinite
                && polished.penalizedDeviance <= current.penalizedDeviance + 1e-12 * (Swift.abs(current.penalizedDeviance) + 0.1) {
                current = polished
            }
        }
        // Cov(β̃) = H⁻¹ at the estimate (dpotrf, dpotri), then Cov(β) = A·Cov(β̃)·Aᵀ.
        let covStd: SymmetricMatrix
        do throws(LinearAlgebraError) {
            covStd = try Cholesky(engine.hessian(current)).inverse()
        } catch {
            throw failure(error)
        }
        let q = p + 1
        var a = Matrix(rows: q, cols: q)
        for k in 0..<q {
            var unit = [Double](repeating: 0, count: q)
            unit[k] = 1
            let column = engine.originalScale(unit)
            for j in 0..<q { a[j, k] = column[j] }
        }
        let beta = engine.originalScale(current.beta)
        let cov = multiply(multiply(a, covStd.matrix), a, transposeB: true)
        let names = [LogisticModel.interceptName] + featureNames
        let n1 = eventWeight, n0 = totalWeight - eventWeight, nd = totalWeight
        let model = LogisticModel(
            coefficients: (0..<q).map { Coefficient(name: names[$0], estimate: beta[$0], standardError: cov[$0, $0].squareRoot()) },
            covariance: (0..<q).map { cov.row($0) }, standardization: scaling,
            logLikelihood: -current.deviance / 2, nullLogLikelihood: n1 * log(n1 / nd) + n0 * log(n0 / nd),
            iterations: iterations, converged: converged, nObs: n, nEvents: nEvents, l2: l2)
        if !converged {
            let moving = Self.largestComponents(lastStep, featureNames: featureNames)
            throw LogisticError(
                code: .notConverged, features: moving,
                message: "did not converge in \(iterations) iteration\(iterations == 1 ? "" : "s") (relative deviance change "
                    + "\(change) is above the tolerance \(tolerance)); the coefficients still moving most are "
                    + "\(quotedList(moving)). Raise maxIterations, or add an L2 penalty (e.g. l2: 1).",
                lastIterate: model)
        }
        return model
    }

    // MARK: - Input checks

    /// Non-finite values, labels, event counts and constant columns; returns n₁ and
    /// each column's (min, max).
    func validateInputs(_ x: Matrix, _ y: [Double], featureNames: [String])
        throws(LogisticError) -> (events: Int, range: [(min: Double, max: Double)]) {
        let (n, p) = (x.rows, x.cols)
        // One pass: the first non-finite value in row-major order, and each column's
        // range (a column is constant when min == max).
        var low = [Double](repeating: .infinity, count: p), high = [Double](repeating: -.infinity, count: p)
        let bad: Int? = x.storage.withUnsafeBufferPointer { xp in
            low.withUnsafeMutableBufferPointer { lo in
                high.withUnsafeMutableBufferPointer { hi in
                    for i in 0..<n {
                        let row = i * p
                        var finite = true
                        for j in 0..<p {
                            let value = xp[row + j]
                            finite = finite && value.isFinite
                            lo[j] = Swift.min(lo[j], value)
                            hi[j] = Swift.max(hi[j], value)
                        }
                        if !finite { return (row..<(row + p)).first { !xp[$0].isFinite } }
                    }
                    return nil
                }
            }
        }
        if let k = bad {
            let (i, j) = (k / p, k % p)
            throw LogisticError(code: .nonFiniteInput, features: [featureNames[j]],
                                message: "feature '\(featureNames[j])' is \(x.storage[k]) at row \(i); "
                                    + "impute or drop missing values before fitting.", row: i)
        }
        var events = 0
        for i in 0..<n {
            let v = y[i]
            if !v.isFinite {
                throw LogisticError(code: .nonFiniteInput, message: "the label at row \(i) is \(v); labels must be 0 or 1.", row: i)
            }
            if v == 1 { events += 1 } else if v != 0 {
                throw LogisticError(code: .invalidLabel,
                                    message: "the label at row \(i) is \(v); labels must be 0 (no event) or 1 (event).",
                                    row: i)
            }
        }
        if events == 0 {
            throw LogisticError(code: .noEvents,
                                message: "no row has label 1 (\(n) rows): the event rate is 0, so there is nothing to fit.")
        }
        if events == n {
            throw LogisticError(code: .noNonEvents,
                                message: "every row has label 1 (\(n) rows): the event rate is 1, so there is nothing to fit.")
        }
        let constantIndex = (0..<p).filter { low[$0] == high[$0] }
        let constant = constantIndex.map { featureNames[$0] }
        if !constant.isEmpty {
            let value = constant.count == 1 ? " (every value is \(low[constantIndex[0]]))" : ""
            throw LogisticError(code: .constantFeature, features: constant,
                                message: "\(constant.count == 1 ? "feature" : "features") \(quotedList(constant)) "
                                    + "\(constant.count == 1 ? "is" : "are") constant\(value); a constant has no effect "
                                    + "to estimate beside the intercept. Drop \(constant.count == 1 ? "it" : "them").")
        }
        return (events, (0..<p).map { (low[$0], high[$0]) })
    }

    /// Collinearity among the standardized features, from the Cholesky factor of their
    /// correlation matrix R = zᵀz / n (`dpotrf`), read off `gram` = c·ZᵀZ with c·n = `weight`
    /// (the null model's ZᵀWZ, whose weights are all ȳ(1 − ȳ)). For unit-diagonal R,
    /// Lⱼⱼ² = 1 − R²ⱼ of feature j on features 0..<j. The first j with Lⱼⱼ² below
    /// `collinearityTolerance` (or where `dpotrf` stops) is reported, with the earlier
    /// features that carry its regression (|bₖ| ≥ 1e-3·max|b|, b = R₍<j,<j₎⁻¹·R₍<j,j₎).
    func checkCollinearity(_ g: SymmetricMatrix, weight: Double, featureNames: [String]) throws(LogisticError) {
        let p = g.n - 1
        if p < 1 { return }
        let invN = 1 / weight
        var r = SymmetricMatrix(n: p)
        for j in 0..<p { for k in 0..<p { r[j, k] = g[j + 1, k + 1] * invN } }

        func leading(_ m: Int) -> SymmetricMatrix {
            var s = SymmetricMatrix(n: m)
            for j in 0..<m { for k in 0..<m { s[j, k] = r[j, k] } }
            return s
        }
        /// First j in 0..<m with a pivot Lⱼⱼ² below tolerance, or nil; the factor of R₍<m₎.
        func firstSmallPivot(_ m: Int) -> (Int, Double)? {
            guard let c = try? Cholesky(leading(m)) else { return nil }
            let l = c.lower
            for j in 0..<m where l[j, j] * l[j, j] < Self.collinearityTolerance { return (j, l[j, j] * l[j, j]) }
            return nil
        }
        var culprit: (index: Int, residual: Double)?
        do throws(LinearAlgebraError) {
            let l = try Cholesky(r).lower
            for j in 0..<p where l[j, j] * l[j, j] < Self.collinearityTolerance {
                culprit = (j, l[j, j] * l[j, j])
                break
            }
        } catch {
            // dpotrf stopped at `pivot`: R₍<pivot₎ is positive definite, but may hold a
            // tiny pivot that is the real first culprit.
            let pivot = error.pivot
            if let (j, res) = firstSmallPivot(pivot) { culprit = (j, res) } else { culprit = (pivot, 0) }
        }
        guard let (j, residual) = culprit else { return }
        var partners: [String] = []
        if j > 0, let c = try? Cholesky(leading(j)) {
            let b = c.solve((0..<j).map { r[$0, j] })
            let top = b.map { Swift.abs($0) }.max() ?? 0
            partners = (0..<j).filter { Swift.abs(b[$0]) >= 1e-3 * top && top > 0 }.map { featureNames[$0] }
        }
        let name = featureNames[j]
        let how = partners.isEmpty
            ? "is (nearly) a linear combination of the features before it"
            : "is (nearly) a linear combination of \(quotedList(partners))"
        let share = Swift.max(residual, 0)
        throw LogisticError(code: .collinearFeatures, features: [name] + partners,
                            message: "feature '\(name)' \(how) (1 − R² = \(share)), so XᵀWX is singular; "
                                + "drop '\(name)' or one of the features it duplicates.")
    }

    // MARK: - Failure reports

    private func singularError(_ error: LinearAlgebraError, featureNames: [String], iterations: Int) -> LogisticError {
        let name = error.pivot == 0 ? LogisticModel.interceptName : featureNames[error.pivot - 1]
        return LogisticError(code: .singularHessian, features: [name],
                             message: "XᵀWX became singular at '\(name)' after \(iterations) iterations "
                                 + "(Cholesky pivot failed); the weights pᵢ(1 − pᵢ) vanished for the rows that "
                                 + "identify it. Check '\(name)' for near-duplicates or rare values, or add an L2 penalty.")
    }

    private func separationError(_ s: (rows: Int, features: [Int]), n: Int, featureNames: [String]) -> LogisticError {
        let names = s.features.map { featureNames[$0] }
        let kind = s.rows == n ? "complete separation" : "quasi-complete separation"
        let hint = l2 > 0 ? "increase the L2 penalty"
            : "refit with Firth's penalty (LogisticRegression(firth: true)) or an L2 penalty (LogisticRegression(l2: 1))"
        let diagnosis = "\(kind): \(s.rows) of \(n) rows have fitted probabilities within 1e-4 of "
            + "their labels while the coefficients of \(quotedList(names)) keep growing (the likelihood has "
            + "no finite maximum). \(names.count == 1 ? "This feature splits" : "These features split") the labels"
        return LogisticError(code: .separation, features: names,
                             message: diagnosis + "; drop or bin \(names.count == 1 ? "it" : "them"), or \(hint).",
                             diagnosis: diagnosis)
    }

    /// Step halving along a Newton direction: `trial(t)` for t = 1, ½, ¼, … (at most
    /// `maxHalvings` halvings) until it returns a point; that point and its t, or nil.
    static func halvingStep<T>(_ trial: (Double) -> T?) -> (point: T, step: Double)? {
        var t = 1.0
        for _ in 0...maxHalvings {
            if let point = trial(t) { return (point, t) }
            t /= 2
        }
        return nil
    }

    /// Features j ≥ 1 with |stepⱼ| ≥ 0.1·max |step| (standardized scale), largest first.
    static func largestComponents(_ step: [Double], featureNames: [String]) -> [String] {
        guard step.count > 1 else { return [] }
        let mags = step.dropFirst().map { Swift.abs($0) }
        let top = mags.max() ?? 0
        guard top > 0 else { return [] }
        return mags.indices.filter { mags[$0] >= 0.1 * top }
            .sorted { mags[$0] > mags[$1] }
            .map { featureNames[$0] }
    }
}
