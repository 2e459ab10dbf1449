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
///      scratch buffer reused across iterations), I′ = identity without the (0,0) entry;
///   3. Newton step δ = H⁻¹g by Cholesky (LAPACK `dpotrf`, `dpotrs`);
///   4. β̃ + t·δ with t = 1, ½, ¼, … (at most 30 halvings) until D_λ does not rise;
///   5. stop when |ΔD_λ| / (|D_λ| + 0.1) < `tolerance` (R `glm.fit`'s rule).
/// η, p, w, y − p and the deviance come from one pass per trial point (one `exp` and
/// one `log1p` per row, via the sign-split forms of `logistic` and `softplus`); an
/// accepted trial's weights are reused by the next step. The covariance is H⁻¹ at the
/// final estimate (`dpotri`).
/// - Complexity: O(n·p²) per iteration (the `dsyrk`), O(n·p) memory for Z and the
///   scratch buffer; typically 5–10 iterations.
///
/// **Diagnostics** (each a `LogisticError` naming features):
///   - constant features (a single value) and collinear features — from the
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
    /// Convergence threshold on the relative change of the penalized deviance.
    public var tolerance: Double

    /// Threshold on 1 − R² of a feature regressed on the preceding ones (see `fit`).
    public static let collinearityTolerance = 1e-10
    /// Step halvings before the current point is taken as the numerical optimum.
    static let maxHalvings = 30

    public init(l2: Double = 0, maxIterations: Int = 50, tolerance: Double = 1e-10) {
        precondition(l2 >= 0 && l2.isFinite, "LogisticRegression: l2 must be a finite λ ≥ 0, got \(l2)")
        precondition(maxIterations >= 1, "LogisticRegression: maxIterations must be at least 1")
        precondition(tolerance > 0, "LogisticRegression: tolerance must be positive")
        self.l2 = l2
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Fits the model to a row-major `n × p` matrix `x` (one account per row, one
    /// feature per column, no intercept column) and labels `y` ∈ {0, 1}, one per row.
    /// `featureNames` names the columns of `x` (used in the model and in errors).
    public func fit(_ x: Matrix, _ y: [Double], featureNames: [String]) throws(LogisticError) -> LogisticModel {
        precondition(y.count == x.rows, "LogisticRegression.fit: \(y.count) labels for \(x.rows) rows")
        precondition(featureNames.count == x.cols,
                     "LogisticRegression.fit: \(featureNames.count) names for \(x.cols) columns")
        let (n, p) = (x.rows, x.cols)
        let nEvents = try validateInputs(x, y, featureNames: featureNames)

        let scaling = Standardization(fitting: x)
        let z = scaling.designWithIntercept(x)
        try checkCollinearity(z, featureNames: featureNames)

        var solver = IRLS(z: z, y: y, l2: l2)
        let ybar = Double(nEvents) / Double(n)
        var beta = [Double](repeating: 0, count: p + 1)
        beta[0] = log(ybar / (1 - ybar))
        solver.evaluate(beta, into: &solver.current)

        var iterations = 0, converged = false, change = Double.infinity
        var lastStep: [Double] = [], previousStep: [Double] = []
        while iterations < maxIterations {
            let delta: [Double]
            do throws(LinearAlgebraError) {
                delta = try solver.newtonStep()
            } catch {
                throw solverFailure(error, solver: solver, steps: (lastStep, previousStep),
                                    featureNames: featureNames, iterations: iterations)
            }
            iterations += 1
            let old = solver.current.penalizedDeviance
            var t = 1.0, accepted = false
            for _ in 0...Self.maxHalvings {
                let trial = zip(solver.current.beta, delta).map { $0 + t * $1 }
                solver.evaluate(trial, into: &solver.trial)
                let new = solver.trial.penalizedDeviance
                // A rise below tolerance/2 in relative terms is rounding noise; accepting it
                // ends the loop below (its relative change is under the tolerance).
                if new.isFinite && new <= old + 0.5 * tolerance * (Swift.abs(old) + 0.1) {
                    accepted = true
                    break
                }
                t /= 2
            }
            if !accepted {
                // No point along the Newton (descent) direction lowers D_λ at machine
                // precision: the current β̃ is the numerical optimum.
                converged = true
                break
            }
            previousStep = lastStep
            lastStep = delta.map { t * $0 }
            swap(&solver.current, &solver.trial)
            let new = solver.current.penalizedDeviance
            change = Swift.abs(new - old) / (Swift.abs(new) + 0.1)
            if change < tolerance {
                converged = true
                break
            }
        }

        if let culprits = solver.separation(lastStep: lastStep, previousStep: previousStep) {
            throw separationError(culprits, solver: solver, featureNames: featureNames)
        }
        let model: LogisticModel
        do throws(LinearAlgebraError) {
            model = try solver.model(scaling: scaling, featureNames: featureNames, nEvents: nEvents,
                                     iterations: iterations, converged: converged)
        } catch {
            throw solverFailure(error, solver: solver, steps: (lastStep, previousStep),
                                featureNames: featureNames, iterations: iterations)
        }
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

    /// Non-finite values, labels, event counts and constant columns; returns n₁.
    private func validateInputs(_ x: Matrix, _ y: [Double], featureNames: [String]) throws(LogisticError) -> Int {
        let (n, p) = (x.rows, x.cols)
        if let k = x.storage.firstIndex(where: { !$0.isFinite }) {
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
        // Constant columns: a single value across all rows (exact comparison with row 0).
        var varies = [Bool](repeating: false, count: p)
        x.storage.withUnsafeBufferPointer { xp in
            for i in 1..<max(n, 1) {
                let row = i * p
                for j in 0..<p where xp[row + j] != xp[j] { varies[j] = true }
            }
        }
        let constant = (0..<p).filter { !varies[$0] }.map { featureNames[$0] }
        if !constant.isEmpty {
            let value = constant.count == 1 ? " (every value is \(x.storage[varies.firstIndex(of: false)!]))" : ""
            throw LogisticError(code: .constantFeature, features: constant,
                                message: "\(constant.count == 1 ? "feature" : "features") \(quotedList(constant)) "
                                    + "\(constant.count == 1 ? "is" : "are") constant\(value); a constant has no effect "
                                    + "to estimate beside the intercept. Drop \(constant.count == 1 ? "it" : "them").")
        }
        return events
    }

    /// Collinearity among the standardized features, from the Cholesky factor of their
    /// correlation matrix R = zᵀz / n (`gram`: `dsyrk`; `dpotrf`). For unit-diagonal R,
    /// Lⱼⱼ² = 1 − R²ⱼ of feature j on features 0..<j. The first j with Lⱼⱼ² below
    /// `collinearityTolerance` (or where `dpotrf` stops) is reported, with the earlier
    /// features that carry its regression (|bₖ| ≥ 1e-3·max|b|, b = R₍<j,<j₎⁻¹·R₍<j,j₎).
    private func checkCollinearity(_ z: Matrix, featureNames: [String]) throws(LogisticError) {
        let p = z.cols - 1
        if p < 1 { return }
        let g = gram(z)
        let invN = 1 / Double(z.rows)
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

    private func solverFailure(_ error: LinearAlgebraError, solver: IRLS, steps: ([Double], [Double]),
                               featureNames: [String], iterations: Int) -> LogisticError {
        if let culprits = solver.separation(lastStep: steps.0, previousStep: steps.1) {
            return separationError(culprits, solver: solver, featureNames: featureNames)
        }
        let name = error.pivot == 0 ? LogisticModel.interceptName : featureNames[error.pivot - 1]
        return LogisticError(code: .singularHessian, features: [name],
                             message: "XᵀWX became singular at '\(name)' after \(iterations) iterations "
                                 + "(Cholesky pivot failed); the weights pᵢ(1 − pᵢ) vanished for the rows that "
                                 + "identify it. Check '\(name)' for near-duplicates or rare values, or add an L2 penalty.")
    }

    private func separationError(_ s: IRLS.Separation, solver: IRLS, featureNames: [String]) -> LogisticError {
        let names = s.features.map { featureNames[$0] }
        let kind = s.rows == solver.n ? "complete separation" : "quasi-complete separation"
        let hint = l2 > 0 ? "increase the L2 penalty" : "refit with an L2 penalty (e.g. LogisticRegression(l2: 1))"
        return LogisticError(code: .separation, features: names,
                             message: "\(kind): \(s.rows) of \(solver.n) rows have fitted probabilities within 1e-4 of "
                                 + "their labels while the coefficients of \(quotedList(names)) keep growing (the likelihood has "
                                 + "no finite maximum). \(names.count == 1 ? "This feature splits" : "These features split") "
                                 + "the labels; drop or bin \(names.count == 1 ? "it" : "them"), or \(hint).")
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

/// The mutable state of the Newton iterations, kept out of the public types.
struct IRLS {
    /// One evaluated point β̃: η = Zβ̃, wᵢ = pᵢ(1 − pᵢ), rᵢ = yᵢ − pᵢ, deviances.
    struct Point {
        var beta: [Double]
        var eta: [Double]
        var weight: [Double]
        var residual: [Double]
        var deviance = Double.infinity
        var penalizedDeviance = Double.infinity
    }

    struct Separation {
        /// Rows predicted as 0/1 with a non-shrinking step toward their label.
        var rows: Int
        /// Feature indices (0-based, without the intercept), most responsible first.
        var features: [Int]
    }

    let z: Matrix
    let y: [Double]
    let l2: Double
    var n: Int { z.rows }
    var current: Point
    var trial: Point
    private var scratch: [Double] = []
    private var hessian: SymmetricMatrix

    init(z: Matrix, y: [Double], l2: Double) {
        self.z = z
        self.y = y
        self.l2 = l2
        let empty = Point(beta: [], eta: .init(repeating: 0, count: z.rows),
                          weight: .init(repeating: 0, count: z.rows), residual: .init(repeating: 0, count: z.rows))
        current = empty
        trial = empty
        hessian = SymmetricMatrix(n: z.cols)
    }

    /// Fills `point` at β̃: η by `dgemv`, then one pass for p, w, y − p and
    /// D = 2 Σ softplus(ηᵢ) − yᵢηᵢ; D_λ = D + λ Σⱼ≥₁ β̃ⱼ².
    func evaluate(_ beta: [Double], into point: inout Point) {
        point.beta = beta
        multiply(z, beta, into: &point.eta)
        var sum = 0.0
        point.eta.withUnsafeBufferPointer { eta in
            y.withUnsafeBufferPointer { yp in
                point.weight.withUnsafeMutableBufferPointer { w in
                    point.residual.withUnsafeMutableBufferPointer { r in
                        for i in 0..<eta.count {
                            let e = eta[i]
                            let t = exp(-Swift.abs(e))           // e^(−|η|) ∈ (0, 1]
                            let q = 1 / (1 + t)
                            let prob = e >= 0 ? q : t * q        // sign-split logistic
                            w[i] = t * q * q                      // p(1 − p) without 1 − p
                            r[i] = yp[i] - prob
                            sum += Swift.max(e, 0) + log1p(t) - yp[i] * e   // softplus(η) − yη
                        }
                    }
                }
            }
        }
        point.deviance = 2 * sum
        var penalty = 0.0
        for j in 1..<beta.count { penalty += beta[j] * beta[j] }
        point.penalizedDeviance = point.deviance + l2 * penalty
    }

    /// H = ZᵀWZ + λI′ at the current point into the reused buffer.
    private mutating func formHessian() {
        weightedGram(z, weights: current.weight, scratch: &scratch, into: &hessian)
        for j in 1..<hessian.n { hessian[j, j] += l2 }
    }

    /// δ = H⁻¹g with g = Zᵀ(y − p) − λβ̃′ at the current point.
    mutating func newtonStep() throws(LinearAlgebraError) -> [Double] {
        var g = multiply(z, current.residual, transpose: true)
        for j in 1..<g.count { g[j] -= l2 * current.beta[j] }
        formHessian()
        let delta = try Cholesky(hessian).solve(g)
        return delta
    }

    /// Cov(β̃) = H⁻¹ at the current point (`dpotrf`, `dpotri`).
    mutating func covariance() throws(LinearAlgebraError) -> SymmetricMatrix {
        formHessian()
        return try Cholesky(hessian).inverse()
    }

    /// The separation signature (see `LogisticRegression`), or nil.
    func separation(lastStep: [Double], previousStep: [Double]) -> Separation? {
        guard !lastStep.isEmpty, !previousStep.isEmpty else { return nil }
        let moved = multiply(z, lastStep), before = multiply(z, previousStep)
        var rows: [Int] = []
        for i in 0..<n {
            let e = current.eta[i]
            let toward = y[i] == 1 ? moved[i] : -moved[i]
            let tail = exp(-Swift.abs(e)) / (1 + exp(-Swift.abs(e)))    // min(p, 1 − p)
            let agrees = (e > 0) == (y[i] == 1)
            if agrees && tail < 1e-4 && toward >= 0.1 && Swift.abs(moved[i]) >= 0.5 * Swift.abs(before[i]) {
                rows.append(i)
            }
        }
        guard !rows.isEmpty else { return nil }
        // Responsibility of feature j: its largest share of the move on separated rows.
        let p = z.cols - 1
        var share = [Double](repeating: 0, count: p)
        for i in rows {
            for j in 0..<p { share[j] = Swift.max(share[j], Swift.abs(z[i, j + 1] * lastStep[j + 1])) }
        }
        let top = share.max() ?? 0
        let features = share.indices.filter { top > 0 && share[$0] >= 0.1 * top }.sorted { share[$0] > share[$1] }
        return Separation(rows: rows.count, features: features)
    }

    /// The model at the current point, mapped back to the original scale.
    mutating func model(scaling: Standardization, featureNames: [String], nEvents: Int,
                        iterations: Int, converged: Bool) throws(LinearAlgebraError) -> LogisticModel {
        let q = z.cols
        let covStd = try covariance()
        // A: β = A·β̃ (see LogisticRegression).
        var a = Matrix(rows: q, cols: q)
        a[0, 0] = 1
        for j in 1..<q {
            let s = scaling.standardDeviations[j - 1]
            a[j, j] = 1 / s
            a[0, j] = -scaling.means[j - 1] / s
        }
        let beta = multiply(a, current.beta)
        let cov = multiply(multiply(a, covStd.matrix), a, transposeB: true)
        let names = [LogisticModel.interceptName] + featureNames
        let coefficients = (0..<q).map { j in
            Coefficient(name: names[j], estimate: beta[j], standardError: cov[j, j].squareRoot())
        }
        let n1 = Double(nEvents), n0 = Double(n - nEvents), nd = Double(n)
        let nullLL = n1 * log(n1 / nd) + n0 * log(n0 / nd)
        return LogisticModel(coefficients: coefficients,
                             covariance: (0..<q).map { cov.row($0) },
                             standardization: scaling,
                             logLikelihood: -current.deviance / 2, nullLogLikelihood: nullLL,
                             iterations: iterations, converged: converged,
                             nObs: n, nEvents: nEvents, l2: l2)
    }
}
