import Dispatch
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

/// Evaluates ℓ, U and I in two passes over the sorted standardized rows, on both cores,
/// with all second moments as BLAS-3 on cache-sized blocks.
///
/// For group g with events D_g (d = |D_g|) and risk set R_g, with rᵢ = cᵢ·exp(ηᵢ − c)
/// (cᵢ the case weight; c = maxᵢ ηᵢ, so no exp overflows; c is added back in the logs):
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
/// its own); every wᵢ ≥ 0 since h − h_f = Σ_k (1 − f_k)/den_k. The sums only change at
/// the G distinct event times, so the loops over rows and over groups separate:
///   1. (rows, parallel) ηᵢ = zᵢ·β̃ (`dgemv`) and the maximum c;
///   2. (rows, parallel) rᵢ and the per-group scalar sums Σ_{censored in g} rᵢ, D0_g;
///   3. (groups, O(G)) S0 backward, Efron's k-loop only where d > 1, ℓ, the factors
///      H_{g−1} + (h − h_f)_g and H_g of wᵢ;
///   4. (rows, parallel, blocks of `blockRows`) wᵢ, the per-group vector sums
///      Σ_{censored in g} rᵢzᵢ and D1_g (`dgemv`ᵀ per run of rows of one group and role),
///      and the rows √wᵢ·zᵢ written into a reused block
///      buffer that one `dsyrk` (β = 1) adds to the stripe's Σ wᵢzᵢzᵢᵀ while it is in L2;
///   5. (groups, O(G·p²)) S1 backward, U and the rank-2 terms of I.
/// Rows are cut into a fixed number of stripes (from the row count alone, never from
/// the core count) and stripe sums are added in stripe order, so results are the same
/// on every machine.
/// Reference: Therneau & Grambsch (2000), §3.3; survival's `coxfit6.c`.
/// - Complexity: m·(p² + O(p)) flops per evaluation (m = rows in risk sets), two reads of
///   the sorted rows, one exp per row, O(G·p²) for the groups; scratch memory m doubles
///   plus, per stripe, p² + `blockRows`·p doubles and 2(p + 1) per group it spans.
struct CoxEvaluator {
    let sets: CoxRiskSets
    let efron: Bool
    let l2: Double

    private var eta: [Double]
    private let work: CoxWorkspace

    /// Rows per `dsyrk` call (a 512 × 17 block is 70 KB, resident in L2).
    static let blockRows = 512

    init(sets: CoxRiskSets, ties: CoxTies, l2: Double) {
        self.sets = sets
        self.efron = ties == .efron
        self.l2 = l2
        self.eta = [Double](repeating: 0, count: sets.z.rows)
        self.work = CoxWorkspace(sets: sets, blockRows: Self.blockRows)
    }

    /// The risk weights of the sorted rows, exp(zᵢ·β̃ − c), and the shift c = max zᵢ·β̃.
    mutating func riskWeights(_ beta: [Double]) -> (weights: [Double], shift: Double) {
        multiply(sets.z, beta, into: &eta)
        let c = eta.max() ?? 0
        return (eta.map { exp($0 - c) }, c)
    }

    mutating func evaluate(_ beta: [Double]) -> CoxEvaluation {
        let p = sets.p, groups = sets.groupCount
        let w = work
        precondition(beta.count == p)
        for j in 0..<p { w.beta[j] = beta[j] }
        w.run { $0.linearPredictor(w) }                     // 1. η, max η
        var c = -Double.infinity
        for s in w.stripes { c = max(c, s.maxEta) }
        var loglik = dot(beta, sets.eventSum)
        var grad = sets.eventSum
        var info = SymmetricMatrix(n: p)
        if !c.isFinite || !loglik.isFinite {
            return CoxEvaluation(beta: beta, logLikelihood: -.infinity, penalizedLogLikelihood: -.infinity,
                                 gradient: grad, information: info)
        }
        w.shift = c
        w.run { $0.risks(w) }                               // 2. rᵢ, per-group Σr
        w.gatherScalars()

        // 3. Backward over groups: S0 and the Efron scalars; forward: the row-weight factors.
        var s0 = 0.0
        for g in stride(from: groups - 1, through: 0, by: -1) {
            let d = sets.groupEvents[g]
            if sets.groupEndsStratum[g] { s0 = 0 }         // a stratum's risk sets start afresh
            s0 += w.censoredR[g]
            let d0 = w.eventR[g]
            s0 += d0
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
            w.h[g] = h1; w.hf[g] = hf; w.hEvent[g] = he
            w.q1[g] = q1; w.qf[g] = qf; w.qff[g] = qff
        }
        var cumulative = 0.0
        for g in 0..<groups {
            if g == 0 || sets.groupEndsStratum[g - 1] { cumulative = 0 }   // a new stratum
            w.eventFactor[g] = cumulative + w.hEvent[g]
            cumulative += w.h[g]
            w.censoredFactor[g] = cumulative
        }

        w.run { $0.secondMoments(w) }                       // 4. wᵢ, Σ rz per group, dsyrk
        w.gatherVectors()

        // 5. Backward over groups: S1, the gradient and the rank-2 terms of I.
        var s1 = [Double](repeating: 0, count: p)
        s1.withUnsafeMutableBufferPointer { s1p in
        info.storage.withUnsafeMutableBufferPointer { ip in
        grad.withUnsafeMutableBufferPointer { gp in
            for g in stride(from: groups - 1, through: 0, by: -1) {
                if sets.groupEndsStratum[g] { for j in 0..<p { s1p[j] = 0 } }
                let c1 = w.censoredRZ + g * p, d1 = w.eventRZ + g * p
                for j in 0..<p { s1p[j] += c1[j] }
                for j in 0..<p { s1p[j] += d1[j] }
                let h1 = w.h[g], hf = w.hf[g], q1 = w.q1[g], qf = w.qf[g], qff = w.qff[g]
                for j in 0..<p {
                    gp[j] -= s1p[j] * h1 - d1[j] * hf
                    for k in j..<p {
                        ip[j * p + k] -= s1p[j] * s1p[k] * q1 - (s1p[j] * d1[k] + d1[j] * s1p[k]) * qf
                            + d1[j] * d1[k] * qff
                    }
                }
            }
            for s in w.stripes {
                for j in 0..<p { for k in j..<p { ip[j * p + k] += s.gram[j * p + k] } }
            }
            for j in 0..<p { for k in (j + 1)..<max(p, j + 1) { ip[k * p + j] = ip[j * p + k] } }
        }}}
        var penalty = 0.0
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

/// The evaluator's buffers: per-row η/r, per-group scalars and vector sums, and the
/// stripes. Allocated once per fit; the stripes write disjoint parts concurrently (each
/// its own rows of `risk` and its own scratch), everything else is written between the
/// parallel passes only.
private final class CoxWorkspace: @unchecked Sendable {
    let m: Int, p: Int, groups: Int, blockRows: Int
    /// z (sorted standardized rows, m × p), case weights (m), group starts (G + 1) and
    /// event counts (G), borrowed from `CoxRiskSets` (kept alive by `sets`).
    let sets: CoxRiskSets
    /// ηᵢ after pass 1, rᵢ after pass 2 (m).
    let risk: UnsafeMutablePointer<Double>
    /// β̃ of the evaluation (p) and the shift c.
    let beta: UnsafeMutablePointer<Double>
    var shift = 0.0
    /// Per group: Σ_{censored} rᵢ, D0 and the Efron scalars (G each).
    var censoredR: [Double], eventR: [Double]
    var h: [Double], hf: [Double], hEvent: [Double], q1: [Double], qf: [Double], qff: [Double]
    /// Per group: the factors of wᵢ for its events and its censored rows (G each).
    let eventFactor: UnsafeMutablePointer<Double>, censoredFactor: UnsafeMutablePointer<Double>
    /// Per group: Σ_{censored} rᵢzᵢ and D1 (G × p each, row-major).
    let censoredRZ: UnsafeMutablePointer<Double>, eventRZ: UnsafeMutablePointer<Double>
    let stripes: [CoxStripe]

    init(sets: CoxRiskSets, blockRows: Int) {
        self.sets = sets
        m = sets.z.rows; p = sets.p; groups = sets.groupCount
        self.blockRows = blockRows
        risk = .allocate(capacity: Swift.max(1, m))
        beta = .allocate(capacity: Swift.max(1, p))
        censoredR = .init(repeating: 0, count: groups); eventR = censoredR
        h = censoredR; hf = censoredR; hEvent = censoredR; q1 = censoredR; qf = censoredR; qff = censoredR
        eventFactor = .allocate(capacity: Swift.max(1, groups))
        censoredFactor = .allocate(capacity: Swift.max(1, groups))
        censoredRZ = .allocate(capacity: Swift.max(1, groups * p))
        eventRZ = .allocate(capacity: Swift.max(1, groups * p))
        let rows = sets.z.rows, columns = sets.p
        let count = Swift.max(1, Swift.min(16, rows / 8192))
        let starts = sets.groupStart
        stripes = (0..<count).map { s in
            let lo = rows * s / count, hi = rows * (s + 1) / count
            // The groups whose rows meet [lo, hi): from the last start ≤ lo to the last start < hi.
            func group(of row: Int) -> Int {
                var a = 0, b = starts.count - 1          // starts[a] ≤ row < starts[b]
                while b - a > 1 {
                    let mid = (a + b) / 2
                    if starts[mid] <= row { a = mid } else { b = mid }
                }
                return a
            }
            let first = hi > lo ? group(of: lo) : 0
            let last = hi > lo ? group(of: hi - 1) : -1
            return CoxStripe(lo: lo, hi: hi, firstGroup: first, groupCount: last - first + 1,
                             p: columns, blockRows: Swift.min(blockRows, Swift.max(1, hi - lo)))
        }
    }

    deinit {
        risk.deallocate(); beta.deallocate()
        eventFactor.deallocate(); censoredFactor.deallocate()
        censoredRZ.deallocate(); eventRZ.deallocate()
    }

    /// Runs `body` on every stripe, concurrently when there are several.
    func run(_ body: @Sendable (CoxStripe) -> Void) {
        let all = stripes
        if all.count == 1 { body(all[0]); return }
        DispatchQueue.concurrentPerform(iterations: all.count) { body(all[$0]) }
    }

    /// The per-group scalar sums from the stripes' parts, in stripe order.
    func gatherScalars() {
        for g in 0..<groups { censoredR[g] = 0; eventR[g] = 0 }
        for s in stripes {
            for k in 0..<s.groupCount {
                censoredR[s.firstGroup + k] += s.groupR[2 * k]
                eventR[s.firstGroup + k] += s.groupR[2 * k + 1]
            }
        }
    }

    /// The per-group vector sums from the stripes' parts, in stripe order.
    func gatherVectors() {
        for k in 0..<(groups * p) { censoredRZ[k] = 0; eventRZ[k] = 0 }
        for s in stripes {
            for k in 0..<s.groupCount {
                let g = s.firstGroup + k
                for j in 0..<p {
                    censoredRZ[g * p + j] += s.groupRZ[2 * k * p + j]
                    eventRZ[g * p + j] += s.groupRZ[(2 * k + 1) * p + j]
                }
            }
        }
    }
}

/// One stripe of sorted rows [lo, hi) and its scratch: the block buffer, its part of
/// Σ wᵢzᵢzᵢᵀ (upper triangle), and its parts of the per-group sums.
private final class CoxStripe: @unchecked Sendable {
    let lo: Int, hi: Int, firstGroup: Int, groupCount: Int, p: Int, blockRows: Int
    var maxEta = -Double.infinity
    /// blockRows × p: the rows √wᵢ·zᵢ of the current block.
    var block: [Double]
    /// p × p, upper triangle: Σ wᵢzᵢzᵢᵀ over the stripe.
    var gram: [Double]
    /// Per spanned group k: (Σ_{censored} rᵢ, Σ_{events} rᵢ) at 2k, 2k + 1.
    var groupR: [Double]
    /// Per spanned group k: Σ_{censored} rᵢzᵢ at 2k·p, Σ_{events} rᵢzᵢ at (2k + 1)·p.
    var groupRZ: [Double]

    init(lo: Int, hi: Int, firstGroup: Int, groupCount: Int, p: Int, blockRows: Int) {
        self.lo = lo; self.hi = hi; self.firstGroup = firstGroup; self.groupCount = groupCount
        self.p = p; self.blockRows = blockRows
        block = .init(repeating: 0, count: blockRows * p)
        gram = .init(repeating: 0, count: p * p)
        groupR = .init(repeating: 0, count: 2 * Swift.max(0, groupCount))
        groupRZ = .init(repeating: 0, count: 2 * Swift.max(0, groupCount) * p)
    }

    /// Pass 1: ηᵢ = zᵢ·β̃ for the stripe's rows (`dgemv`), and their maximum.
    func linearPredictor(_ w: CoxWorkspace) {
        var top = -Double.infinity
        if hi > lo {
            w.sets.z.storage.withUnsafeBufferPointer { zb in
                gemvRows(zb.baseAddress! + lo * p, rows: hi - lo, cols: p, w.beta, into: w.risk + lo)
            }
            let eta = w.risk
            for i in lo..<hi { top = max(top, eta[i]) }
        }
        maxEta = top
    }

    /// Pass 2: rᵢ = cᵢ·exp(ηᵢ − c) in place, and the per-group sums of rᵢ.
    func risks(_ w: CoxWorkspace) {
        let c = w.shift, r = w.risk
        for k in groupR.indices { groupR[k] = 0 }
        if hi <= lo { return }
        w.sets.weights.withUnsafeBufferPointer { cw in
        groupR.withUnsafeMutableBufferPointer { gr in
            var g = firstGroup
            var i = lo
            while i < hi {
                let eventEnd = w.sets.groupStart[g] + w.sets.groupEvents[g]
                let groupEnd = Swift.min(hi, w.sets.groupStart[g + 1])
                let k = 2 * (g - firstGroup)
                var events = 0.0, censored = 0.0
                while i < Swift.min(eventEnd, groupEnd) {
                    let v = cw[i] * exp(r[i] - c); r[i] = v; events += v; i += 1
                }
                while i < groupEnd {
                    let v = cw[i] * exp(r[i] - c); r[i] = v; censored += v; i += 1
                }
                gr[k] += censored
                gr[k + 1] += events
                g += 1
            }
        }}
    }

    /// Pass 4: wᵢ = rᵢ·factor, the per-group Σ rᵢzᵢ, and Σ wᵢzᵢzᵢᵀ by one Gram call per
    /// block. Within a block the rows of one group's events (or of its censored rows) are
    /// contiguous: each such run adds Σ rᵢzᵢ with one `dgemv`ᵀ; the rows √wᵢ·zᵢ go to the
    /// block buffer.
    func secondMoments(_ w: CoxWorkspace) {
        let p = self.p
        for k in groupRZ.indices { groupRZ[k] = 0 }
        if hi <= lo {
            for k in gram.indices { gram[k] = 0 }
            return
        }
        w.sets.z.storage.withUnsafeBufferPointer { zb in
        block.withUnsafeMutableBufferPointer { bb in
        groupRZ.withUnsafeMutableBufferPointer { acc in
        gram.withUnsafeMutableBufferPointer { gb in
            let z = zb.baseAddress!, blk = bb.baseAddress!, r = w.risk
            let starts = w.sets.groupStart, events = w.sets.groupEvents
            var start = lo
            var g = firstGroup
            while start < hi {
                let end = Swift.min(start + blockRows, hi)
                // Runs of rows [a, b) in one group and one role (events, then censored).
                var a = start
                while a < end {
                    while a >= starts[g + 1] { g += 1 }
                    let eventEnd = starts[g] + events[g]
                    let isEvent = a < eventEnd
                    let b = Swift.min(end, isEvent ? eventEnd : starts[g + 1])
                    let factor = isEvent ? w.eventFactor[g] : w.censoredFactor[g]
                    let sum = acc.baseAddress! + (2 * (g - firstGroup) + (isEvent ? 1 : 0)) * p
                    gemvRowsTransposedAdding(z + a * p, rows: b - a, cols: p, r + a, into: sum)
                    for i in a..<b {
                        let s = (r[i] * factor).squareRoot()
                        let src = z + i * p, dst = blk + (i - start) * p
                        for j in 0..<p { dst[j] = s * src[j] }
                    }
                    a = b
                }
                syrkUpper(blk, rows: end - start, cols: p, beta: start == lo ? 0 : 1, into: gb.baseAddress!)
                start = end
            }
        }}}}
    }
}
