#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

/// The data of a Cox fit after the one sort: standardized covariates in time order,
/// grouped by distinct event time.
///
/// Rows are ordered by ascending time and, within a time, events first. Group g starts at
/// the first event at the g-th distinct event time t_g and runs up to the first event at
/// t_{g+1}: its first `groupEvents[g]` rows are the events at t_g, the rest are censored
/// at t_g or in (t_g, t_{g+1}). Read backwards, the risk set R(t_g) = {i : tᵢ ≥ t_g} is
/// groups g, g+1, …, G−1. Rows censored before the first event time are in no risk set
/// at an event time and are left out. Covariates are stored standardized,
/// zᵢⱼ = (xᵢⱼ − mⱼ)/sⱼ (population SD, divisor n), as one row-major `m × p` matrix.
struct CoxRiskSets: Sendable {
    /// Standardized covariates of the rows in risk sets, sorted as described above.
    let z: Matrix
    /// Row index of each group's first row; `groupStart[G] == z.rows`.
    let groupStart: [Int]
    /// Events at the start of each group (≥ 1).
    let groupEvents: [Int]
    /// Distinct event times t_g, ascending, in days.
    let eventTimes: [Double]
    /// Σ over events of zᵢ (a constant of the score).
    let eventSum: [Double]
    /// Column means mⱼ and population SDs sⱼ of the input features (over all rows).
    let means: [Double]
    let scales: [Double]

    var groupCount: Int { eventTimes.count }
    var p: Int { z.cols }

    /// Sorts and standardizes; the inputs were validated by the caller (finite, times ≥ 0,
    /// at least one event, no constant feature).
    /// - Complexity: O(n·p) plus the sort: a counting sort O(n + range) when every time is
    ///   a whole number of days within a range of at most max(4n, 2²⁰), else O(n log n).
    init(x: Matrix, time: [Double], event: [Bool]) {
        let (n, p) = (x.rows, x.cols)
        let order = Self.sortOrder(time: time, event: event)
        // Column means and population SDs, two passes (no cancellation).
        var mean = [Double](repeating: 0, count: p)
        var ss = [Double](repeating: 0, count: p)
        x.storage.withUnsafeBufferPointer { xp in
            for i in 0..<n { for j in 0..<p { mean[j] += xp[i * p + j] } }
            for j in 0..<p { mean[j] /= Double(max(n, 1)) }
            for i in 0..<n { for j in 0..<p { let d = xp[i * p + j] - mean[j]; ss[j] += d * d } }
        }
        let scale = ss.map { ($0 / Double(max(n, 1))).squareRoot() }
        means = mean
        scales = scale

        // The first event in time order; earlier (censored) rows are in no risk set.
        let first = order.firstIndex { event[$0] } ?? n
        let m = n - first
        var zs = [Double](repeating: 0, count: m * p)
        var starts: [Int] = []
        var events: [Int] = []
        var times: [Double] = []
        var esum = [Double](repeating: 0, count: p)
        let inverse = scale.map { $0 > 0 ? 1 / $0 : 0 }
        x.storage.withUnsafeBufferPointer { xp in
            zs.withUnsafeMutableBufferPointer { zp in
                for k in 0..<m {
                    let i = order[first + k]
                    let src = i * p, dst = k * p
                    for j in 0..<p { zp[dst + j] = (xp[src + j] - mean[j]) * inverse[j] }
                    if event[i] {
                        for j in 0..<p { esum[j] += zp[dst + j] }
                        if let last = times.last, last == time[i] {
                            events[events.count - 1] += 1
                        } else {
                            starts.append(k)
                            events.append(1)
                            times.append(time[i])
                        }
                    }
                }
            }
        }
        starts.append(m)
        z = Matrix(rows: m, cols: p, storage: zs)
        groupStart = starts
        groupEvents = events
        eventTimes = times
        eventSum = esum
    }

    /// Row order by ascending time, events before censored rows at the same time, stable.
    static func sortOrder(time: [Double], event: [Bool]) -> [Int] {
        let n = time.count
        guard let lo = time.min(), let hi = time.max() else { return [] }
        let range = hi - lo
        if range <= Double(max(4 * n, 1 << 20)), time.allSatisfy({ $0 == $0.rounded() }) {
            // Counting sort on the key 2·(t − min) + (censored ? 1 : 0).
            let keys = 2 * Int(range) + 2
            var count = [Int](repeating: 0, count: keys + 1)
            for i in 0..<n { count[2 * Int(time[i] - lo) + (event[i] ? 0 : 1) + 1] += 1 }
            for k in 0..<keys { count[k + 1] += count[k] }
            var order = [Int](repeating: 0, count: n)
            for i in 0..<n {
                let key = 2 * Int(time[i] - lo) + (event[i] ? 0 : 1)
                order[count[key]] = i
                count[key] += 1
            }
            return order
        }
        return (0..<n).sorted { a, b in
            if time[a] != time[b] { return time[a] < time[b] }
            if event[a] != event[b] { return event[a] }
            return a < b
        }
    }
}

/// The log partial likelihood, its gradient and the observed information at one β̃
/// (standardized scale), with or without the L2 penalty.
struct CoxEvaluation: Sendable {
    var beta: [Double]
    /// ℓ(β̃), without the penalty.
    var logLikelihood: Double
    /// ℓ(β̃) − (λ/2)‖β̃‖², the objective Newton–Raphson maximizes.
    var penalizedLogLikelihood: Double
    /// ∂/∂β̃ of the penalized objective.
    var gradient: [Double]
    /// −∂²/∂β̃² of the penalized objective (the information plus λ·I).
    var information: SymmetricMatrix
}

/// Evaluates ℓ, U and I in one backward pass over the risk-set groups.
///
/// For group g with events D_g (d = |D_g|) and risk set R_g, with rᵢ = exp(ηᵢ − c)
/// (c = maxᵢ ηᵢ, so no exp overflows; c is added back in the logs):
///   S0 = Σ_{R_g} rᵢ, S1 = Σ_{R_g} rᵢzᵢ, S2 = Σ_{R_g} rᵢzᵢzᵢᵀ and D0, D1, D2 the same over D_g.
/// Breslow: ℓ += Σ_{D_g} ηᵢ − d·log S0,  U += Σ_{D_g} zᵢ − d·S1/S0,
///          I += d·(S2/S0 − S1S1ᵀ/S0²).
/// Efron (1977): the k-th of the d tied events (k = 0 … d−1) sees the risk set with a
/// fraction f_k = k/d of the tied events' weight removed, den_k = S0 − f_k·D0,
/// a_k = (S1 − f_k·D1)/den_k:
///          ℓ += Σ_{D_g} ηᵢ − Σ_k log den_k,  U += Σ_{D_g} zᵢ − Σ_k a_k,
///          I += Σ_k [(S2 − f_k·D2)/den_k − a_k a_kᵀ].
/// The sums over k are folded into five scalars (Σ1/den, Σf/den, Σ1/den², Σf/den²,
/// Σf²/den²), so a group costs O(d + p²) on top of its covariate sums.
/// The running sums S· are accumulated from the last group backwards; a group's
/// Σ rᵢzᵢzᵢᵀ is one BLAS-3 `dsyrk` (`gram`) on its √rᵢ-scaled rows when the group has
/// at least `blockRows` rows, else rank-1 updates of the upper triangle.
/// Reference: Therneau & Grambsch (2000), §3.3; survival's `coxfit6.c`.
/// - Complexity: O(m·p²) per evaluation (m = rows in risk sets), one `dgemv` for η.
struct CoxEvaluator {
    let sets: CoxRiskSets
    let efron: Bool
    let l2: Double
    /// Groups smaller than this use scalar rank-1 updates instead of `dsyrk`.
    static let blockRows = 16

    private var eta: [Double]
    private var block: [Double] = []

    init(sets: CoxRiskSets, ties: CoxTies, l2: Double) {
        self.sets = sets
        self.efron = ties == .efron
        self.l2 = l2
        self.eta = [Double](repeating: 0, count: sets.z.rows)
    }

    /// The risk weights of the sorted rows, exp(zᵢ·β̃ − c), and the shift c = max zᵢ·β̃.
    mutating func riskWeights(_ beta: [Double]) -> (weights: [Double], shift: Double) {
        multiply(sets.z, beta, into: &eta)
        let c = eta.max() ?? 0
        return (eta.map { exp($0 - c) }, c)
    }

    mutating func evaluate(_ beta: [Double]) -> CoxEvaluation {
        let p = sets.p
        multiply(sets.z, beta, into: &eta)        // dgemv: η = Z·β̃
        var c = -Double.infinity
        for v in eta { c = max(c, v) }
        var loglik = dot(beta, sets.eventSum)
        var grad = sets.eventSum
        var info = SymmetricMatrix(n: p)
        if !c.isFinite || !loglik.isFinite {
            return CoxEvaluation(beta: beta, logLikelihood: -.infinity, penalizedLogLikelihood: -.infinity,
                                 gradient: grad, information: info)
        }
        var s0 = 0.0, s1 = [Double](repeating: 0, count: p), s2 = [Double](repeating: 0, count: p * p)
        var d0 = 0.0, d1 = [Double](repeating: 0, count: p), d2 = [Double](repeating: 0, count: p * p)
        for v in eta.indices { eta[v] = exp(eta[v] - c) }   // η now holds rᵢ

        for g in stride(from: sets.groupCount - 1, through: 0, by: -1) {
            let a = sets.groupStart[g], d = sets.groupEvents[g], b = sets.groupStart[g + 1]
            // Censored rows of the group join the running sums directly; the events are
            // summed apart (D·) because Efron's correction needs them, then added.
            accumulate(rows: (a + d)..<b, s0: &s0, s1: &s1, s2: &s2, reset: false)
            accumulate(rows: a..<(a + d), s0: &d0, s1: &d1, s2: &d2, reset: true)
            s0 += d0
            for j in 0..<p { s1[j] += d1[j] }
            for k in 0..<(p * p) { s2[k] += d2[k] }
            let dd = Double(d)
            if !efron || d == 1 {
                let inv = 1 / s0
                loglik -= dd * (log(s0) + c)
                info.storage.withUnsafeMutableBufferPointer { ip in
                    for j in 0..<p {
                        let aj = s1[j] * inv
                        grad[j] -= dd * aj
                        for k in j..<p { ip[j * p + k] += dd * (s2[j * p + k] * inv - aj * s1[k] * inv) }
                    }
                }
            } else {
                var h1 = 0.0, hf = 0.0, q1 = 0.0, qf = 0.0, qff = 0.0, logs = 0.0
                for k in 0..<d {
                    let f = Double(k) / dd
                    let den = s0 - f * d0
                    let inv = 1 / den
                    h1 += inv; hf += f * inv
                    q1 += inv * inv; qf += f * inv * inv; qff += f * f * inv * inv
                    logs += log(den)
                }
                loglik -= logs + dd * c
                info.storage.withUnsafeMutableBufferPointer { ip in
                    for j in 0..<p {
                        grad[j] -= s1[j] * h1 - d1[j] * hf
                        for k in j..<p {
                            let mean2 = s1[j] * s1[k] * q1 - (s1[j] * d1[k] + d1[j] * s1[k]) * qf
                                + d1[j] * d1[k] * qff
                            ip[j * p + k] += s2[j * p + k] * h1 - d2[j * p + k] * hf - mean2
                        }
                    }
                }
            }
        }
        // Mirror the upper triangle, add the penalty.
        var penalty = 0.0
        for j in 0..<p {
            for k in (j + 1)..<max(p, j + 1) { info[k, j] = info[j, k] }
        }
        if l2 > 0 {
            for j in 0..<p {
                penalty += beta[j] * beta[j]
                grad[j] -= l2 * beta[j]
                info[j, j] += l2
            }
        }
        if !loglik.isFinite { loglik = -.infinity }
        return CoxEvaluation(beta: beta, logLikelihood: loglik,
                             penalizedLogLikelihood: loglik - 0.5 * l2 * penalty,
                             gradient: grad, information: info)
    }

    /// Adds Σ rᵢ, Σ rᵢzᵢ and the upper triangle of Σ rᵢzᵢzᵢᵀ over `rows` (rᵢ in `eta`).
    private mutating func accumulate(rows: Range<Int>, s0: inout Double, s1: inout [Double],
                                     s2: inout [Double], reset: Bool) {
        let p = sets.p
        if reset {
            s0 = 0
            for j in 0..<p { s1[j] = 0 }
            for k in 0..<(p * p) { s2[k] = 0 }
        }
        if rows.isEmpty { return }
        if rows.count >= Self.blockRows && p > 0 {
            // √rᵢ·zᵢ into a reused buffer, then one dsyrk for the block.
            block.removeAll(keepingCapacity: true)
            block.append(contentsOf: repeatElement(0, count: rows.count * p))
            var t0 = 0.0
            sets.z.storage.withUnsafeBufferPointer { zp in
                eta.withUnsafeBufferPointer { rp in
                    block.withUnsafeMutableBufferPointer { bp in
                        s1.withUnsafeMutableBufferPointer { s1p in
                            for (k, i) in rows.enumerated() {
                                let r = rp[i], h = r.squareRoot()
                                t0 += r
                                for j in 0..<p {
                                    let v = zp[i * p + j]
                                    s1p[j] += r * v
                                    bp[k * p + j] = h * v
                                }
                            }
                        }
                    }
                }
            }
            s0 += t0
            let g = gram(Matrix(rows: rows.count, cols: p, storage: block))   // dsyrk
            for j in 0..<p { for k in j..<p { s2[j * p + k] += g[j, k] } }
            return
        }
        sets.z.storage.withUnsafeBufferPointer { zp in
            eta.withUnsafeBufferPointer { rp in
                s1.withUnsafeMutableBufferPointer { s1p in
                    s2.withUnsafeMutableBufferPointer { s2p in
                        for i in rows {
                            let r = rp[i]
                            s0 += r
                            for j in 0..<p {
                                let rv = r * zp[i * p + j]
                                s1p[j] += rv
                                for k in j..<p { s2p[j * p + k] += rv * zp[i * p + k] }
                            }
                        }
                    }
                }
            }
        }
    }
}
