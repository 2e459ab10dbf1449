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
    /// Σ over events of wᵢ·zᵢ (a constant of the score).
    let eventSum: [Double]
    /// Case weight of each sorted row (all 1 without weights).
    let weights: [Double]
    /// Σ of the case weights of each group's events.
    let groupEventWeight: [Double]
    /// The stratum of each group (0 without strata); groups are contiguous per stratum.
    let groupStratum: [Int]
    /// Whether group g is the last (latest) group of its stratum: the backward pass
    /// starts its risk-set sums afresh there.
    let groupEndsStratum: [Bool]
    /// Column means mⱼ and population SDs sⱼ of the input features (over all rows).
    let means: [Double]
    let scales: [Double]

    var groupCount: Int { eventTimes.count }
    var p: Int { z.cols }

    /// Sorts and standardizes; the inputs were validated by the caller (finite, times ≥ 0,
    /// at least one event, no constant feature).
    /// - Complexity: O(n·p) plus the sort: a counting sort O(n + range) when every time is
    ///   a whole number of days within a range of at most max(4n, 2²⁰), else O(n log n).
    init(x: Matrix, time: [Double], event: [Bool], weights: [Double]? = nil, strata: [Int]? = nil) {
        let (n, p) = (x.rows, x.cols)
        let order = Self.sortOrder(time: time, event: event, strata: strata)
        // Column means and population SDs: the one standardization both fits use.
        let standardization = Standardization(fitting: x)
        means = standardization.means
        scales = standardization.standardDeviations

        // Sorted times and flags, the groups, and each row's destination. Rows before the
        // first event time of their stratum are in no risk set (destination −1).
        var position = [Int](repeating: -1, count: n)
        var starts: [Int] = [], events: [Int] = [], times: [Double] = [], eventWeight: [Double] = []
        var stratumOfGroup: [Int] = []
        var m = 0
        var currentStratum = Int.min, started = false
        for k in 0..<n {
            let i = order[k]
            let s = strata?[i] ?? 0
            if s != currentStratum { currentStratum = s; started = false }
            if !started {
                if !event[i] { continue }
                started = true
            }
            position[i] = m
            if event[i] {
                // Events at one time in one stratum are adjacent (events sort first).
                if let last = times.last, last == time[i], stratumOfGroup.last == s {
                    events[events.count - 1] += 1
                    eventWeight[eventWeight.count - 1] += weights?[i] ?? 1
                } else {
                    starts.append(m)
                    events.append(1)
                    times.append(time[i])
                    eventWeight.append(weights?[i] ?? 1)
                    stratumOfGroup.append(s)
                }
            }
            m += 1
        }
        starts.append(m)
        var ends = [Bool](repeating: false, count: stratumOfGroup.count)
        for g in stratumOfGroup.indices { ends[g] = g == stratumOfGroup.count - 1 || stratumOfGroup[g + 1] != stratumOfGroup[g] }
        var sortedWeights = [Double](repeating: 1, count: m)
        if let weights { for i in 0..<n where position[i] >= 0 { sortedWeights[position[i]] = weights[i] } }

        // Standardize in one sequential pass over X, scattering rows to their sorted place
        // (sequential reads and scattered writes: a gather by `order` would stall on
        // every row's cache miss).
        var zs = [Double](repeating: 0, count: m * p)
        var esum = [Double](repeating: 0, count: p)
        let inverse = standardization.standardDeviations.map { $0 > 0 ? 1 / $0 : 0 }
        x.storage.withUnsafeBufferPointer { xp in
            zs.withUnsafeMutableBufferPointer { zp in
                standardization.means.withUnsafeBufferPointer { mp in
                    inverse.withUnsafeBufferPointer { ip in
                        esum.withUnsafeMutableBufferPointer { ep in
                            for i in 0..<n {
                                let k = position[i]
                                if k < 0 { continue }
                                let src = i * p, dst = k * p
                                if event[i] {
                                    let w = weights?[i] ?? 1
                                    for j in 0..<p {
                                        let v = (xp[src + j] - mp[j]) * ip[j]
                                        zp[dst + j] = v
                                        ep[j] += w * v
                                    }
                                } else {
                                    for j in 0..<p { zp[dst + j] = (xp[src + j] - mp[j]) * ip[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
        z = Matrix(rows: m, cols: p, storage: zs)
        groupStart = starts
        groupEvents = events
        eventTimes = times
        eventSum = esum
        self.weights = sortedWeights
        groupEventWeight = eventWeight
        groupStratum = stratumOfGroup
        groupEndsStratum = ends
    }

    /// Row order by stratum, then ascending time, events before censored rows at the same
    /// time, stable.
    static func sortOrder(time: [Double], event: [Bool], strata: [Int]? = nil) -> [Int] {
        let n = time.count
        guard let lo = time.min(), let hi = time.max() else { return [] }
        if let strata {
            return (0..<n).sorted { a, b in
                if strata[a] != strata[b] { return strata[a] < strata[b] }
                if time[a] != time[b] { return time[a] < time[b] }
                if event[a] != event[b] { return event[a] }
                return a < b
            }
        }
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

/// Evaluates ℓ, U and I: one backward pass over the risk-set groups for the scalar and
/// vector sums, then one BLAS-3 weighted Gram matrix for all second moments.
///
/// For group g with events D_g (d = |D_g|) and risk set R_g, with rᵢ = exp(ηᵢ − c)
/// (c = maxᵢ ηᵢ, so no exp overflows; c is added back in the logs):
///   S0 = Σ_{R_g} rᵢ, S1 = Σ_{R_g} rᵢzᵢ, S2 = Σ_{R_g} rᵢzᵢzᵢᵀ and D0, D1, D2 the same over D_g.
/// Efron (1977): the k-th of the d tied events (k = 0 … d−1) sees the risk set with a
/// fraction f_k = k/d of the tied events' weight removed, den_k = S0 − f_k·D0,
/// a_k = (S1 − f_k·D1)/den_k:
///   ℓ += Σ_{D_g} ηᵢ − Σ_k log den_k,   U += Σ_{D_g} zᵢ − Σ_k a_k,
///   I += Σ_k [(S2 − f_k·D2)/den_k − a_k a_kᵀ].
/// Breslow is the same with every f_k = 0. With the per-group scalars
/// h = Σ_k 1/den_k, h_f = Σ_k f_k/den_k, q = Σ_k 1/den_k², q_f = Σ_k f_k/den_k²,
/// q_ff = Σ_k f_k²/den_k², a group adds
///   U −= h·S1 − h_f·D1,   I −= q·S1S1ᵀ − q_f·(S1D1ᵀ + D1S1ᵀ) + q_ff·D1D1ᵀ   (O(p²)),
/// and its second-moment term h·S2 − h_f·D2. Summed over groups, that term is
///   Σ_g (h_g·S2_g − h_f,g·D2_g) = Σᵢ wᵢ zᵢzᵢᵀ,  wᵢ = rᵢ·(H_{g(i)−1} + [i event]·(h − h_f)_{g(i)} + [i censored]·h_{g(i)}),
/// where H_g = Σ_{g′ ≤ g} h_{g′} (row i belongs to the risk sets of every event time up to
/// its own). So all second moments come from ONE `weightedGram` (`dsyrk` on √wᵢ-scaled
/// rows into a reused scratch buffer) instead of a per-row or per-time p² loop; every
/// wᵢ ≥ 0 since h − h_f = Σ_k (1 − f_k)/den_k.
/// Reference: Therneau & Grambsch (2000), §3.3; survival's `coxfit6.c`.
/// - Complexity: O(m·p²) per evaluation (m = rows in risk sets) in one BLAS-3 call, plus
///   one `dgemv` for η and an O(m·p + G·p²) pass; scratch memory m·p doubles.
struct CoxEvaluator {
    let sets: CoxRiskSets
    let efron: Bool
    let l2: Double

    private var eta: [Double]
    private var weight: [Double]
    private var scratch: [Double] = []
    private var second: SymmetricMatrix

    init(sets: CoxRiskSets, ties: CoxTies, l2: Double) {
        self.sets = sets
        self.efron = ties == .efron
        self.l2 = l2
        self.eta = [Double](repeating: 0, count: sets.z.rows)
        self.weight = [Double](repeating: 0, count: sets.z.rows)
        self.second = SymmetricMatrix(n: sets.p)
    }

    /// The risk weights of the sorted rows, exp(zᵢ·β̃ − c), and the shift c = max zᵢ·β̃.
    mutating func riskWeights(_ beta: [Double]) -> (weights: [Double], shift: Double) {
        multiply(sets.z, beta, into: &eta)
        let c = eta.max() ?? 0
        return (eta.map { exp($0 - c) }, c)
    }

    mutating func evaluate(_ beta: [Double]) -> CoxEvaluation {
        let p = sets.p, groups = sets.groupCount
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
        eta.withUnsafeMutableBufferPointer { e in
            sets.weights.withUnsafeBufferPointer { w in
                for i in e.indices { e[i] = w[i] * exp(e[i] - c) }    // η now holds rᵢ = wᵢ·e^{ηᵢ − c}
            }
        }
        var h = [Double](repeating: 0, count: groups)          // h_g
        var hEvent = [Double](repeating: 0, count: groups)     // (h − h_f)_g
        var s0 = 0.0
        var s1 = [Double](repeating: 0, count: p), d1 = [Double](repeating: 0, count: p)
        sets.z.storage.withUnsafeBufferPointer { zp in
        eta.withUnsafeBufferPointer { rp in
        s1.withUnsafeMutableBufferPointer { s1p in
        d1.withUnsafeMutableBufferPointer { d1p in
        info.storage.withUnsafeMutableBufferPointer { ip in
        grad.withUnsafeMutableBufferPointer { gp in
            for g in stride(from: groups - 1, through: 0, by: -1) {
                let a = sets.groupStart[g], d = sets.groupEvents[g], b = sets.groupStart[g + 1]
                if sets.groupEndsStratum[g] {              // a stratum's risk sets start afresh
                    s0 = 0
                    for j in 0..<p { s1p[j] = 0 }
                }
                // Rows censored in [t_g, t_{g+1}) join the running sums directly; the events
                // are summed apart (D·) because Efron's correction needs them.
                for i in (a + d)..<b {
                    let r = rp[i]
                    s0 += r
                    for j in 0..<p { s1p[j] += r * zp[i * p + j] }
                }
                var d0 = 0.0
                for j in 0..<p { d1p[j] = 0 }
                for i in a..<(a + d) {
                    let r = rp[i]
                    d0 += r
                    for j in 0..<p { d1p[j] += r * zp[i * p + j] }
                }
                s0 += d0
                for j in 0..<p { s1p[j] += d1p[j] }
                // With case weights the d tied events enter with their total weight W
                // (Breslow) or their mean weight W/d per Efron term (R coxfit6's meanwt).
                let dd = Double(d), deadWeight = sets.groupEventWeight[g]
                var h1 = 0.0, hf = 0.0, q1 = 0.0, qf = 0.0, qff = 0.0, he = 0.0
                if !efron || d == 1 {
                    h1 = deadWeight / s0
                    he = h1
                    q1 = deadWeight / (s0 * s0)
                    loglik -= deadWeight * (log(s0) + c)
                } else {
                    let meanWeight = deadWeight / dd
                    var logs = 0.0
                    for k in 0..<d {
                        let f = Double(k) / dd
                        let den = s0 - f * d0
                        let inv = 1 / den
                        h1 += inv; hf += f * inv; he += (1 - f) * inv
                        q1 += inv * inv; qf += f * inv * inv; qff += f * f * inv * inv
                        logs += log(den)
                    }
                    h1 *= meanWeight; hf *= meanWeight; he *= meanWeight
                    q1 *= meanWeight; qf *= meanWeight; qff *= meanWeight
                    loglik -= meanWeight * logs + deadWeight * c
                }
                h[g] = h1
                hEvent[g] = he
                for j in 0..<p {
                    gp[j] -= s1p[j] * h1 - d1p[j] * hf
                    for k in j..<p {
                        ip[j * p + k] -= s1p[j] * s1p[k] * q1 - (s1p[j] * d1p[k] + d1p[j] * s1p[k]) * qf
                            + d1p[j] * d1p[k] * qff
                    }
                }
            }
        }}}}}}
        // Row weights wᵢ for the second moments, forward in time.
        var cumulative = 0.0
        eta.withUnsafeBufferPointer { rp in
            weight.withUnsafeMutableBufferPointer { wp in
                for g in 0..<groups {
                    let a = sets.groupStart[g], d = sets.groupEvents[g], b = sets.groupStart[g + 1]
                    if g == 0 || sets.groupEndsStratum[g - 1] { cumulative = 0 }   // a new stratum
                    let eventWeight = cumulative + hEvent[g]
                    cumulative += h[g]
                    for i in a..<(a + d) { wp[i] = rp[i] * eventWeight }
                    for i in (a + d)..<b { wp[i] = rp[i] * cumulative }
                }
            }
        }
        weightedGram(sets.z, weights: weight, scratch: &scratch, into: &second)   // dsyrk
        var penalty = 0.0
        for j in 0..<p {
            for k in j..<p {
                let v = info[j, k] + second[j, k]
                info[j, k] = v
                info[k, j] = v
            }
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
}
