#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

extension LogisticRegression {
    /// Firth's penalized-likelihood logistic regression (bias-reduced, always finite).
    ///
    /// **Objective.** Maximize ℓ*(β) = ℓ(β) + ½·log det I(β), with ℓ = Σᵢ yᵢηᵢ − log(1 + e^ηᵢ)
    /// and I(β) = XᵀWX, W = diag(pᵢ(1 − pᵢ)) (Jeffreys-prior penalty). Under complete or
    /// quasi-complete separation ℓ has no finite maximum, but ℓ* does: the penalty goes to
    /// −∞ as any coefficient runs off, so every estimate is finite. For the logistic link
    /// this is the same estimator as R `brglm2::brglm_fit(type = "AS_mean")` (mean
    /// bias reduction) and `logistf`.
    ///
    /// **Iteration** on the standardized design Z = [1 | (X − m)/s] (the maximizer is
    /// equivariant under the linear map, det I changes by a constant factor), from
    /// β̃ = (logit ȳ, 0, …):
    ///   1. pᵢ, wᵢ = pᵢ(1 − pᵢ), I = ZᵀWZ (`dsyrk`), Cholesky (`dpotrf`);
    ///   2. leverages hᵢ = wᵢ·zᵢᵀI⁻¹zᵢ (`dpotri`, then one `dgemm` Z·I⁻¹);
    ///   3. modified score U*ⱼ = Σᵢ (yᵢ − pᵢ + hᵢ(½ − pᵢ))·zᵢⱼ (Firth 1993, eq. for
    ///      canonical links);
    ///   4. δ = I⁻¹U*, β̃ + t·δ with t = 1, ½, … while ℓ* falls (at most 30 halvings);
    ///   5. stop when max |δⱼ| < `tolerance`, then take ONE more full step, so the
    ///      estimate sits at the optimum to rounding rather than at the stopping point.
    /// The covariance is I⁻¹ at the estimate (as `brglm2`'s `vcov`, and `logistf`'s).
    /// - Complexity: O(n·q²) per iteration, q = p + 1; memory n·q doubles for Z and as
    ///   much for Z·I⁻¹.
    ///
    /// References: Firth, *Biometrika* 80 (1993) 27–38; Heinze & Schemper, *Statistics in
    /// Medicine* 21 (2002) 2409–2419; Kosmidis & Firth, *Biometrika* 108 (2021).
    func fitFirth(_ x: Matrix, _ y: [Double], featureNames: [String]) throws(LogisticError) -> LogisticModel {
        let (n, p) = (x.rows, x.cols)
        let q = p + 1
        let nEvents = try validateInputs(x, y, featureNames: featureNames).events
        let scaling = Standardization(fitting: x)
        var z = Matrix(rows: n, cols: q)
        for i in 0..<n {
            z[i, 0] = 1
            for j in 0..<p { z[i, j + 1] = (x[i, j] - scaling.means[j]) / scaling.standardDeviations[j] }
        }
        let ybar = Double(nEvents) / Double(n)
        var beta = [Double](repeating: 0, count: q)
        beta[0] = log(ybar / (1 - ybar))
        let nullGram = weightedGram(z, weights: [Double](repeating: ybar * (1 - ybar), count: n))
        try checkCollinearity(nullGram, weight: Double(n) * ybar * (1 - ybar), featureNames: featureNames)

        var scratch: [Double] = []
        /// ℓ, ℓ*, the Cholesky factor of I and U* at β̃; nil when I is not positive definite.
        func evaluate(_ b: [Double]) -> FirthPoint? {
            let eta = multiply(z, b)
            var w = [Double](repeating: 0, count: n), prob = w
            var loglik = 0.0
            for i in 0..<n {
                let e = eta[i], t = exp(-Swift.abs(e)), u = 1 / (1 + t)
                prob[i] = e >= 0 ? u : t * u
                w[i] = t * u * u
                loglik += y[i] * e - (Swift.max(e, 0) + log1p(t))
            }
            var info = SymmetricMatrix(n: q)
            weightedGram(z, weights: w, scratch: &scratch, into: &info)
            guard let factor = try? Cholesky(info), let inverse = try? factor.inverse() else { return nil }
            let m = multiply(z, inverse.matrix)
            var adjusted = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var h = 0.0
                for j in 0..<q { h += m[i, j] * z[i, j] }
                h *= w[i]
                adjusted[i] = y[i] - prob[i] + h * (0.5 - prob[i])
            }
            let score = multiply(z, adjusted, transpose: true)
            let penalized = loglik + 0.5 * factor.logDeterminant
            guard penalized.isFinite else { return nil }
            return FirthPoint(beta: b, logLikelihood: loglik, penalizedLogLikelihood: penalized, factor: factor,
                              inverse: inverse, score: score)
        }

        guard var current = evaluate(beta) else {
            throw LogisticError(code: .singularHessian, features: [],
                                message: "XᵀWX is singular at the null model; check the features for duplicates.")
        }
        var iterations = 0, converged = false, extraStepTaken = false
        while iterations < maxIterations {
            let delta = current.factor.solve(current.score)
            iterations += 1
            let found = Self.halvingStep { t -> FirthPoint? in
                guard let trial = evaluate(zip(current.beta, delta).map { $0 + t * $1 }),
                      trial.penalizedLogLikelihood >= current.penalizedLogLikelihood
                          - 0.5 * tolerance * (Swift.abs(current.penalizedLogLikelihood) + 0.1) else { return nil }
                return trial
            }
            guard let (next, t) = found else {
                // No point along the direction raises ℓ*: the current β̃ is the numerical optimum.
                converged = true
                break
            }
            current = next
            let size = delta.map { Swift.abs(t * $0) }.max() ?? 0
            if extraStepTaken { converged = true; break }
            if size < tolerance { extraStepTaken = true }
        }

        var a = Matrix(rows: q, cols: q)
        a[0, 0] = 1
        for j in 0..<p {
            a[j + 1, j + 1] = 1 / scaling.standardDeviations[j]
            a[0, j + 1] = -scaling.means[j] / scaling.standardDeviations[j]
        }
        let original = multiply(a, current.beta)
        let cov = multiply(multiply(a, current.inverse.matrix), a, transposeB: true)
        let names = [LogisticModel.interceptName] + featureNames
        let n1 = Double(nEvents), n0 = Double(n - nEvents), nd = Double(n)
        var model = LogisticModel(
            coefficients: (0..<q).map { Coefficient(name: names[$0], estimate: original[$0], standardError: cov[$0, $0].squareRoot()) },
            covariance: (0..<q).map { cov.row($0) }, standardization: scaling,
            logLikelihood: current.logLikelihood, nullLogLikelihood: n1 * log(n1 / nd) + n0 * log(n0 / nd),
            iterations: iterations, converged: converged, nObs: n, nEvents: nEvents, l2: 0)
        model.firth = true
        // ℓ* on the original scale: det I(β) = det Ĩ(β̃)·Πⱼ sⱼ² (Z = X·A, det A = Πⱼ 1/sⱼ).
        model.penalizedLogLikelihood = current.penalizedLogLikelihood + scaling.standardDeviations.reduce(0) { $0 + log($1) }
        if !converged {
            let moving = Self.largestComponents(current.factor.solve(current.score), featureNames: featureNames)
            throw LogisticError(
                code: .notConverged, features: moving,
                message: "Firth's penalized fit did not converge in \(iterations) iterations; the coefficients still "
                    + "moving most are \(quotedList(moving)).",
                lastIterate: model)
        }
        return model
    }
}

/// One point of the Firth iteration (standardized scale).
private struct FirthPoint {
    var beta: [Double]
    /// ℓ(β̃), the ordinary log-likelihood.
    var logLikelihood: Double
    /// ℓ*(β̃) = ℓ + ½ log det I.
    var penalizedLogLikelihood: Double
    /// Cholesky factor of I = ZᵀWZ.
    var factor: Cholesky
    /// I⁻¹.
    var inverse: SymmetricMatrix
    /// U*, the modified score.
    var score: [Double]
}
