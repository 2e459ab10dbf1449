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

/// One stripe's scratch: a block buffer of standardized, √w-scaled rows and the stripe's
/// partial sums, reused for every block and every iteration. Only the stripe's own
/// worker touches it.
private final class Stripe: @unchecked Sendable {
    /// `blockRows × q` doubles: rows √wᵢ·zᵢ of the current block, zᵢ = [1 | (xᵢ − m)/s].
    var block: [Double]
    /// Per row of the block: ηᵢ, cᵢ(yᵢ − pᵢ), √wᵢ (3 × blockRows).
    var rows: [Double]
    /// Σ cᵢ(yᵢ − pᵢ)·zᵢ over the stripe (q).
    var gradient: [Double]
    /// Σ wᵢ·zᵢzᵢᵀ over the stripe, upper triangle (q × q, row-major).
    var gram: [Double]
    var deviance = 0.0

    init(blockRows: Int, q: Int) {
        block = .init(repeating: 0, count: blockRows * q)
        rows = .init(repeating: 0, count: 3 * blockRows)
        gradient = .init(repeating: 0, count: q)
        gram = .init(repeating: 0, count: q * q)
    }
}

/// Evaluates D, g and ZᵀWZ at a point in ONE pass over X, without ever forming Z.
///
/// Rows are cut into a fixed number of stripes (from n alone, never from the core
/// count, so sums and results are identical on every machine), run concurrently with
/// `DispatchQueue.concurrentPerform`. Each stripe walks its rows in blocks of at most
/// `maxBlockRows`; for each block it writes Z_b = [1 | (X_b − m)/s] into the stripe's
/// L2-resident block buffer, forms η_b = Z_b·β̃ (`dgemv`), then per row
///   t = e^(−|ηᵢ|),  pᵢ = logistic(ηᵢ),  wᵢ = cᵢ·pᵢ(1 − pᵢ) = cᵢ·t/(1 + t)²,
///   rᵢ = cᵢ(yᵢ − pᵢ),  D/2 += cᵢ·(softplus(ηᵢ) − yᵢηᵢ) = cᵢ·(max(ηᵢ, 0) + log1p(t) − yᵢηᵢ)
/// (cᵢ the case weight, 1 when unweighted), accumulates g += Z_bᵀr (`dgemv`ᵀ), scales
/// the rows in place to √wᵢ·zᵢ, and adds Σ wᵢzᵢzᵢᵀ with one Gram call on the block
/// (`syrkUpper`, β = 1) to the stripe's upper triangle: per evaluation X is read once, Z
/// is never stored, and all second moments are BLAS-3. Stripe sums are added in stripe
/// order.
/// - Complexity: n·(q² + O(q)) flops (q = p + 1), one exp and one log1p per row, one
///   read of X per evaluation; memory per stripe q² + `maxBlockRows`·q doubles.
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
    /// Rows per `dsyrk`: a 512 × (p + 1) block (74 KB at p = 17) stays in L2 between the
    /// fused row loop that writes it and the `dsyrk` that reads it.
    static let maxBlockRows = 512
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
            for j in 0..<q { for k in j..<q { point.gram.storage[j * q + k] += s.gram[j * q + k] } }
        }
        for j in 0..<q { for k in (j + 1)..<Swift.max(q, j + 1) { point.gram.storage[k * q + j] = point.gram.storage[j * q + k] } }
        var penalty = 0.0
        for j in 1..<q {
            penalty += beta[j] * beta[j]
            point.gradient[j] -= l2 * beta[j]
        }
        point.deviance = 2 * deviance
        point.penalizedDeviance = point.deviance + l2 * penalty
        return point
    }

    /// One stripe's share of `evaluate`: per block, the standardized rows, η (`dgemv`),
    /// the per-row scalars, the gradient (`dgemv`ᵀ), the √w scaling in place and one
    /// Gram call (`syrkUpper`).
    private func run(stripe index: Int, beta: [Double]) {
        let ws = stripes[index]
        let (p, q, b) = (x.cols, self.q, blockRows)
        let lo = n * index / stripes.count, hi = n * (index + 1) / stripes.count
        var deviance = 0.0
        x.storage.withUnsafeBufferPointer { xb in
        y.withUnsafeBufferPointer { yb in
        scaling.means.withUnsafeBufferPointer { meanb in
        inverseSD.withUnsafeBufferPointer { rb in
        beta.withUnsafeBufferPointer { betab in
        ws.block.withUnsafeMutableBufferPointer { zb in
        ws.rows.withUnsafeMutableBufferPointer { rowb in
        ws.gradient.withUnsafeMutableBufferPointer { gb in
        ws.gram.withUnsafeMutableBufferPointer { hb in
            let xp = xb.baseAddress!, mean = meanb.baseAddress!, r = rb.baseAddress!
            let zp = zb.baseAddress!, g = gb.baseAddress!
            let eta = rowb.baseAddress!, res = eta + b, root = eta + 2 * b
            let cases = caseWeights
            for j in 0..<q { g[j] = 0 }
            var first = true
            var start = lo
            while start < hi {
                let m = Swift.min(b, hi - start)
                // Z_b = [1 | (X_b − m)/s].
                for i in 0..<m {
                    let src = xp + (start + i) * p, z = zp + i * q
                    z[0] = 1
                    for j in 0..<p { z[1 + j] = (src[j] - mean[j]) * r[j] }
                }
                gemvRows(zp, rows: m, cols: q, betab.baseAddress!, into: eta)          // η_b = Z_b·β̃
                for i in 0..<m {
                    let e = eta[i], yi = yb[start + i]
                    let c = cases?[start + i] ?? 1
                    let t = exp(-Swift.abs(e))           // e^(−|η|) ∈ (0, 1]
                    let u = 1 / (1 + t)
                    let prob = e >= 0 ? u : t * u        // sign-split logistic
                    res[i] = c * (yi - prob)
                    root[i] = (c * t * u * u).squareRoot()   // √(c·p(1 − p)), no 1 − p cancellation
                    deviance += c * (Swift.max(e, 0) + log1p(t) - yi * e)   // c·(softplus(η) − yη)
                }
                gemvRowsTransposedAdding(zp, rows: m, cols: q, res, into: g)           // g += Z_bᵀ·r
                for i in 0..<m {
                    let z = zp + i * q, s = root[i]
                    for j in 0..<q { z[j] *= s }
                }
                syrkUpper(zp, rows: m, cols: q, beta: first ? 0 : 1, into: hb.baseAddress!)
                first = false
                start += m
            }
            if first { for k in 0..<(q * q) { hb[k] = 0 } }
        }}}}}}}}}
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

