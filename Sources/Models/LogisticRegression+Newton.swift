import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

/// The objective, gradient and Hessian of one point β̃ (standardized scale).
struct NewtonPoint {
    var beta: [Double]
    /// D = −2ℓ.
    var deviance = Double.infinity
    /// D_λ = D + λ Σⱼ≥₁ β̃ⱼ².
    var penalizedDeviance = Double.infinity
    /// g = Zᵀ(y − p) − λβ̃′, the ascent direction of ℓ − (λ/2)‖β̃′‖².
    var gradient: [Double]
    /// ZᵀWZ WITHOUT the penalty (λI′ is added when solving).
    var gram: SymmetricMatrix
}

/// One stripe's scratch: a block of the standardized design and its per-row buffers,
/// reused for every block and every iteration. Only the stripe's own worker touches it.
private final class Stripe: @unchecked Sendable {
    var z: Matrix
    var eta: [Double], weight: [Double], residual: [Double]
    var scratch: [Double] = []
    var blockGram: SymmetricMatrix
    var gradient: [Double]
    var gram: SymmetricMatrix
    var deviance = 0.0

    init(blockRows: Int, q: Int) {
        z = Matrix(rows: blockRows, cols: q)
        eta = .init(repeating: 0, count: blockRows)
        weight = eta
        residual = eta
        blockGram = SymmetricMatrix(n: q)
        gradient = .init(repeating: 0, count: q)
        gram = SymmetricMatrix(n: q)
    }
}

/// Evaluates D, g and ZᵀWZ at a point in ONE pass over X, without ever forming Z.
///
/// Rows are cut into a fixed number of stripes (from n alone, never from the core
/// count, so sums and results are identical on every machine), run concurrently with
/// `DispatchQueue.concurrentPerform`. Each stripe walks its rows in blocks of at most
/// 2048: it standardizes the block into a cache-resident `Matrix` Z_b = [1 | (X_b − m)/s],
/// forms η_b = Z_b·β̃ (`dgemv`), then in one loop pᵢ, wᵢ = pᵢ(1 − pᵢ), rᵢ = yᵢ − pᵢ and
/// softplus(ηᵢ) − yᵢηᵢ (one `exp`, one `log1p`), accumulates Z_bᵀr (`dgemv`, beta = 1)
/// and Z_bᵀW_bZ_b (`weightedGram`: `dsyrk` on a reused scratch). A partial last block
/// is padded with zero rows of zero weight. Stripe sums are added in stripe order.
/// - Complexity: O(n·p²) flops and one read of X per evaluation; O(p²) memory per stripe
///   plus 2 blocks of 2048 × (p + 1) doubles.
struct NewtonEngine {
    let x: Matrix
    let y: [Double]
    /// Case weights cᵢ > 0 (R `glm(weights =)`): row i enters D, g and ZᵀWZ cᵢ times;
    /// nil = every weight 1.
    let caseWeights: [Double]?
    let scaling: Standardization
    let inverseSD: [Double]
    let l2: Double
    private let stripes: [Stripe]
    private let blockRows: Int
    /// Rows per block: a 448 × (p + 1) block stays in L2 cache, and keeps m·(p + 1) for
    /// p ≤ 19 under OpenBLAS's single-thread threshold for `dgemv` (2304·4 elements), so
    /// the concurrent stripes do not each wake OpenBLAS's thread pool — that contention
    /// made 2048-row blocks 2–3× slower on 2 cores. (LinearAlgebra has no wrapper for
    /// `openblas_set_num_threads`; with one, larger blocks would be ~25 % faster.)
    static let maxBlockRows = 448
    /// max |zᵢⱼ| per standardized column, for a cheap bound on |Z·δ|.
    let columnBound: [Double]

    init(x: Matrix, y: [Double], scaling: Standardization, l2: Double, columnRange: [(min: Double, max: Double)],
         caseWeights: [Double]? = nil) {
        self.x = x
        self.y = y
        self.caseWeights = caseWeights
        self.scaling = scaling
        self.inverseSD = scaling.standardDeviations.map { 1 / $0 }
        self.l2 = l2
        columnBound = columnRange.indices.map { j in
            let s = scaling.standardDeviations[j], m = scaling.means[j]
            return Swift.max(Swift.abs(columnRange[j].min - m), Swift.abs(columnRange[j].max - m)) / s
        }
        let n = x.rows
        let count = Swift.max(1, Swift.min(16, n / 4096))
        let perStripe = (n + count - 1) / count
        blockRows = Swift.max(1, Swift.min(Self.maxBlockRows, perStripe))
        stripes = (0..<count).map { _ in Stripe(blockRows: Swift.max(1, Swift.min(Self.maxBlockRows, perStripe)), q: x.cols + 1) }
    }

    var n: Int { x.rows }
    var q: Int { x.cols + 1 }

    func evaluate(_ beta: [Double]) -> NewtonPoint {
        precondition(beta.count == q)
        let count = stripes.count
        if count == 1 {
            run(stripe: 0, beta: beta)
        } else {
            DispatchQueue.concurrentPerform(iterations: count) { s in run(stripe: s, beta: beta) }
        }
        var point = NewtonPoint(beta: beta, gradient: .init(repeating: 0, count: q), gram: SymmetricMatrix(n: q))
        var deviance = 0.0
        for s in stripes {
            deviance += s.deviance
            for j in 0..<q { point.gradient[j] += s.gradient[j] }
            for k in 0..<(q * q) { point.gram.storage[k] += s.gram.storage[k] }
        }
        var penalty = 0.0
        for j in 1..<q {
            penalty += beta[j] * beta[j]
            point.gradient[j] -= l2 * beta[j]
        }
        point.deviance = 2 * deviance
        point.penalizedDeviance = point.deviance + l2 * penalty
        return point
    }

    private func run(stripe index: Int, beta: [Double]) {
        let ws = stripes[index]
        let (p, q, b) = (x.cols, self.q, blockRows)
        let lo = n * index / stripes.count, hi = n * (index + 1) / stripes.count
        for j in 0..<q { ws.gradient[j] = 0 }
        for k in 0..<(q * q) { ws.gram.storage[k] = 0 }
        var deviance = 0.0
        var start = lo
        while start < hi {
            let m = Swift.min(b, hi - start)
            // Z_b = [1 | (X_b − m)/s], zero rows after the m-th.
            x.storage.withUnsafeBufferPointer { xp in
                scaling.means.withUnsafeBufferPointer { mean in
                    inverseSD.withUnsafeBufferPointer { r in
                        ws.z.storage.withUnsafeMutableBufferPointer { zp in
                            for i in 0..<m {
                                let src = (start + i) * p, dst = i * q
                                zp[dst] = 1
                                for j in 0..<p { zp[dst + 1 + j] = (xp[src + j] - mean[j]) * r[j] }
                            }
                            for k in (m * q)..<(b * q) { zp[k] = 0 }
                        }
                    }
                }
            }
            multiply(ws.z, beta, into: &ws.eta)
            let cases = caseWeights
            ws.eta.withUnsafeBufferPointer { eta in
                y.withUnsafeBufferPointer { yp in
                    ws.weight.withUnsafeMutableBufferPointer { w in
                        ws.residual.withUnsafeMutableBufferPointer { res in
                            for i in 0..<m {
                                let e = eta[i], yi = yp[start + i]
                                let c = cases?[start + i] ?? 1
                                let t = exp(-Swift.abs(e))           // e^(−|η|) ∈ (0, 1]
                                let u = 1 / (1 + t)
                                let prob = e >= 0 ? u : t * u        // sign-split logistic
                                w[i] = c * t * u * u                  // c·p(1 − p), no 1 − p cancellation
                                res[i] = c * (yi - prob)
                                deviance += c * (Swift.max(e, 0) + log1p(t) - yi * e)   // c·(softplus(η) − yη)
                            }
                            for i in m..<b {
                                w[i] = 0
                                res[i] = 0
                            }
                        }
                    }
                }
            }
            multiply(ws.z, ws.residual, transpose: true, beta: 1, into: &ws.gradient)
            weightedGram(ws.z, weights: ws.weight, scratch: &ws.scratch, into: &ws.blockGram)
            for k in 0..<(q * q) { ws.gram.storage[k] += ws.blockGram.storage[k] }
            start += m
        }
        ws.deviance = deviance
    }

    /// H = ZᵀWZ + λI′ at `point`.
    func hessian(_ point: NewtonPoint) -> SymmetricMatrix {
        var h = point.gram
        for j in 1..<q { h[j, j] += l2 }
        return h
    }

    /// The original-scale coefficients of a standardized vector: (Aβ̃) with A as in
    /// `LogisticRegression` (intercept first).
    func originalScale(_ beta: [Double]) -> [Double] {
        var out = beta
        for j in 1..<q {
            out[j] = beta[j] * inverseSD[j - 1]
            out[0] -= out[j] * scaling.means[j - 1]
        }
        return out
    }

    /// Z·v for a standardized vector v, as one `dgemv` on X: (Av)₀ + X·(Av)₁…ₚ.
    func linearPredictor(_ v: [Double]) -> [Double] {
        let a = originalScale(v)
        var out = [Double](repeating: a[0], count: n)
        multiply(x, Array(a.dropFirst()), beta: 1, into: &out)
        return out
    }

    /// The separation signature (see `LogisticRegression`): rows with fitted probability
    /// within 1e-4 of their label whose log-odds moved ≥ 0.1 toward it in the last step,
    /// and by at least half the previous step's move. nil when there are none.
    func separation(at beta: [Double], lastStep: [Double], previousStep: [Double]) -> (rows: Int, features: [Int])? {
        guard !lastStep.isEmpty, !previousStep.isEmpty else { return nil }
        // |(Zδ)ᵢ| ≤ |δ₀| + Σⱼ |δⱼ|·max|z·ⱼ|: when that is under 0.1 no row qualifies (the
        // usual converged case), so skip the three passes over X.
        var bound = Swift.abs(lastStep[0])
        for j in columnBound.indices { bound += Swift.abs(lastStep[j + 1]) * columnBound[j] }
        if bound < 0.1 { return nil }
        let eta = linearPredictor(beta), moved = linearPredictor(lastStep), before = linearPredictor(previousStep)
        let p = x.cols
        var rows = 0
        var share = [Double](repeating: 0, count: p)
        for i in 0..<n {
            let e = eta[i], one = y[i] == 1
            let t = exp(-Swift.abs(e))
            let tail = t / (1 + t)                                   // min(p, 1 − p)
            let toward = one ? moved[i] : -moved[i]
            guard (e > 0) == one, tail < 1e-4, toward >= 0.1, Swift.abs(moved[i]) >= 0.5 * Swift.abs(before[i]) else {
                continue
            }
            rows += 1
            // Responsibility of feature j: its largest share of the move on separated rows.
            for j in 0..<p {
                let zij = (x[i, j] - scaling.means[j]) * inverseSD[j]
                share[j] = Swift.max(share[j], Swift.abs(zij * lastStep[j + 1]))
            }
        }
        guard rows > 0 else { return nil }
        let top = share.max() ?? 0
        let features = share.indices.filter { top > 0 && share[$0] >= 0.1 * top }.sorted { share[$0] > share[$1] }
        return (rows, features)
    }
}

