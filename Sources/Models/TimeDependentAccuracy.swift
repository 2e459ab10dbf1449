/// Time-dependent accuracy of a survival model on labelled accounts, with inverse
/// probability of censoring weights (IPCW) from the evaluated data itself, as
/// scikit-survival's `cumulative_dynamic_auc`, `brier_score` /
/// `integrated_brier_score` and `concordance_index_ipcw` compute them with
/// `survival_train = survival_test`.
///
/// Ĝ(t) is the Kaplan–Meier estimate of the censoring distribution (censorings as
/// events; at a tied time the events leave the risk set first), a right-continuous step
/// function, 1 before the first time. Times in days.
///
/// - **Cumulative/dynamic AUC at t**: cases are accounts recovered by t (yᵢ ≤ t, δᵢ = 1)
///   weighted 1/Ĝ(yᵢ), controls the accounts still unrecovered after t (yⱼ > t); the area
///   under the weighted ROC curve of the risk score, i.e. the weighted share of
///   (case, control) pairs the score orders correctly (ties within 1e-8 count ½).
///   `meanAUC` weights each horizon by the drop of the Kaplan–Meier curve of the data
///   since the previous one: Σₖ AUC(tₖ)·(Ŝ(tₖ₋₁) − Ŝ(tₖ)) / (1 − Ŝ(t_last)).
/// - **Brier score at t**: (1/n) Σᵢ [Ŝᵢ(t)²·1{yᵢ ≤ t, δᵢ = 1}/Ĝ(yᵢ) + (1 − Ŝᵢ(t))²·1{yᵢ > t}/Ĝ(t)]
///   with Ŝᵢ(t) the predicted probability of NOT having recovered by t; the integrated
///   Brier score is the trapezoid over the horizons divided by t_last − t_first.
/// - **Uno's C** with truncation τ: Σ over events i with yᵢ < τ of wᵢ·(concordant + ½ tied)
///   over Σ wᵢ·(comparable), wᵢ = Ĝ(yᵢ)⁻², comparable j: yⱼ > yᵢ, or yⱼ = yᵢ with j censored.
///
/// References: Uno et al., *Statistics in Medicine* 30 (2011) 1105–1117; Graf et al.,
/// *Statistics in Medicine* 18 (1999) 2529–2545; Lambert & Chevret, *SMMR* 25 (2016).
/// - Complexity: O(n) per horizon (one `stableOrder` radix sort) and O(n log n) for Uno's C
///   (a Fenwick tree).
public struct TimeDependentAccuracy: Sendable, Codable, Equatable {
    /// The horizons in days, ascending.
    public var horizons: [Double]
    /// Cumulative/dynamic AUC at each horizon (NaN when a horizon has no case or no control).
    public var auc: [Double]
    /// The AUC averaged over the horizons by the drop of the Kaplan–Meier curve.
    public var meanAUC: Double
    /// IPCW Brier score at each horizon.
    public var brier: [Double]
    /// Integrated Brier score over [first, last] horizon (trapezoid); NaN with one horizon.
    public var integratedBrier: Double
    /// Uno's concordance index truncated at `truncation`.
    public var unoC: Double
    /// τ in days.
    public var truncation: Double

    /// Tied-score tolerance of scikit-survival.
    public static let tieTolerance = 1e-8

    /// The metrics of `risk` (higher = sooner event; for AUC and Uno's C) and `survival`
    /// (row-major `n × horizons.count`, Ŝᵢ(t) = P(no event by t)) on `time`/`event`.
    /// Nil when a horizon lies past the last observed time while the censoring curve is
    /// still positive, or Ĝ is 0 at an event time up to the last horizon or τ (the
    /// weights are then undefined), or there is no data.
    public init?(time: [Double], event: [Bool], risk: [Double], survival: [Double], horizons: [Double],
                 truncation: Double) {
        let n = time.count
        precondition(event.count == n && risk.count == n && survival.count == n * horizons.count,
                     "TimeDependentAccuracy: mismatched lengths")
        guard n > 0, !horizons.isEmpty, let g = StepCurve.censoring(time: time, event: event),
              let s = StepCurve.kaplanMeier(time: time, event: event) else { return nil }
        var ipcw = [Double](repeating: 0, count: n)
        // An event after the last horizon and τ never enters a metric, so a zero Ĝ there
        // (the longest follow-up censored at the end) is harmless (scikit-survival stops
        // on it; everywhere it gives a number, this agrees).
        let reach = Swift.max(horizons.last ?? 0, truncation)
        for i in 0..<n where event[i] {
            guard let v = g.value(at: time[i]) else { return nil }
            if v > 0 { ipcw[i] = 1 / v } else if time[i] <= reach { return nil }
        }
        guard let gAtHorizons = Optional(horizons.map { g.value(at: $0) }), !gAtHorizons.contains(nil) else { return nil }
        let h = horizons.count
        self.horizons = horizons
        self.truncation = truncation

        auc = horizons.map { Self.dynamicAUC(at: $0, time: time, event: event, risk: risk, ipcw: ipcw) }
        if h == 1 {
            meanAUC = auc[0]
        } else {
            var previous = 1.0, integral = 0.0
            var last = 1.0
            for (k, t) in horizons.enumerated() {
                let value = s.value(at: t) ?? 0
                integral += auc[k] * (previous - value)
                previous = value
                last = value
            }
            meanAUC = integral / (1 - last)
        }

        brier = (0..<h).map { k in
            let t = horizons[k], gt = gAtHorizons[k]!
            var sum = 0.0
            for i in 0..<n {
                let p = survival[i * h + k]
                if time[i] <= t && event[i] {
                    sum += p * p * ipcw[i]
                } else if time[i] > t && gt > 0 {
                    sum += (1 - p) * (1 - p) / gt
                }
            }
            return sum / Double(n)
        }
        if h < 2 {
            integratedBrier = .nan
        } else {
            var area = 0.0
            for k in 1..<h { area += (horizons[k] - horizons[k - 1]) * (brier[k] + brier[k - 1]) / 2 }
            integratedBrier = area / (horizons[h - 1] - horizons[0])
        }
        unoC = Self.unoConcordance(time: time, event: event, risk: risk, ipcw: ipcw, truncation: truncation)
    }

    /// The area under the IPCW ROC curve at t (see the type's documentation).
    static func dynamicAUC(at t: Double, time: [Double], event: [Bool], risk: [Double], ipcw: [Double]) -> Double {
        let order = stableOrder(risk, descending: true)
        var totalCases = 0.0, controls = 0
        for i in risk.indices {
            if time[i] <= t && event[i] { totalCases += ipcw[i] } else if time[i] > t { controls += 1 }
        }
        guard totalCases > 0, controls > 0 else { return .nan }
        var tp = 0.0, fp = 0.0, lastTP = 0.0, lastFP = 0.0, area = 0.0
        for (k, i) in order.enumerated() {
            if time[i] <= t && event[i] { tp += ipcw[i] } else if time[i] > t { fp += 1 }
            // A threshold point after each run of scores tied within the tolerance (chained).
            let endOfRun = k == order.count - 1 || Swift.abs(risk[order[k + 1]] - risk[i]) > tieTolerance
            if endOfRun {
                let x = fp / Double(controls), y = tp / totalCases
                area += (x - lastFP) * (y + lastTP) / 2
                (lastFP, lastTP) = (x, y)
            }
        }
        return area
    }

    /// Uno's C (see the type's documentation), with a Fenwick tree over the sorted scores.
    static func unoConcordance(time: [Double], event: [Bool], risk: [Double], ipcw: [Double], truncation: Double) -> Double {
        let n = time.count
        let sortedRisk = stableOrder(risk).map { risk[$0] }
        var tree = [Int](repeating: 0, count: n + 1)
        func add(_ value: Double) {
            var k = lowerBound(sortedRisk, value) + 1
            while k <= n { tree[k] += 1; k += k & -k }
        }
        func countBelow(_ index: Int) -> Int {   // inserted scores among sortedRisk[0..<index]
            var k = index, c = 0
            while k > 0 { c += tree[k]; k -= k & -k }
            return c
        }
        let order = stableOrder(time)
        var numerator = 0.0, denominator = 0.0, inserted = 0
        var hi = n
        while hi > 0 {
            var lo = hi - 1
            while lo > 0 && time[order[lo - 1]] == time[order[hi - 1]] { lo -= 1 }
            for k in lo..<hi where !event[order[k]] { add(risk[order[k]]); inserted += 1 }
            for k in lo..<hi where event[order[k]] {
                let i = order[k]
                let w = time[i] < truncation ? ipcw[i] * ipcw[i] : 0
                guard w > 0 else { continue }
                let below = countBelow(lowerBound(sortedRisk, risk[i] - tieTolerance))
                let tied = countBelow(upperBound(sortedRisk, risk[i] + tieTolerance)) - below
                numerator += w * (Double(below) + 0.5 * Double(tied))
                denominator += w * Double(inserted)
            }
            for k in lo..<hi where event[order[k]] { add(risk[order[k]]); inserted += 1 }
            hi = lo
        }
        return denominator > 0 ? numerator / denominator : .nan
    }
}

/// First index with a[index] ≥ value (a ascending).
private func lowerBound(_ a: [Double], _ value: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let mid = (lo + hi) / 2; if a[mid] < value { lo = mid + 1 } else { hi = mid } }
    return lo
}

/// First index with a[index] > value (a ascending).
private func upperBound(_ a: [Double], _ value: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let mid = (lo + hi) / 2; if a[mid] <= value { lo = mid + 1 } else { hi = mid } }
    return lo
}

/// A right-continuous step function on the distinct observed times (a Kaplan–Meier curve).
struct StepCurve {
    var times: [Double]
    var values: [Double]

    /// The value at t: the step at the largest time ≤ t; 1 before the first; past the last
    /// observed time nil while the curve is still positive (undefined there), else 0.
    func value(at t: Double) -> Double? {
        if let last = times.last, t > last { return values.last == 0 ? 0 : nil }
        var lo = 0, hi = times.count
        while lo < hi { let mid = (lo + hi) / 2; if times[mid] <= t { lo = mid + 1 } else { hi = mid } }
        return lo == 0 ? 1 : values[lo - 1]
    }

    /// Counts per distinct time: (time, at risk, events, censored), ascending.
    private static func counts(time: [Double], event: [Bool]) -> [(t: Double, atRisk: Int, events: Int, censored: Int)] {
        let order = stableOrder(time)
        var out: [(Double, Int, Int, Int)] = []
        var k = 0
        while k < order.count {
            let t = time[order[k]]
            var end = k, events = 0
            while end < order.count && time[order[end]] == t { if event[order[end]] { events += 1 }; end += 1 }
            out.append((t, order.count - k, events, end - k - events))
            k = end
        }
        return out
    }

    /// Kaplan–Meier of the events: Ŝ(t) = Π_{u ≤ t} (1 − d_u/n_u).
    static func kaplanMeier(time: [Double], event: [Bool]) -> StepCurve? {
        guard !time.isEmpty else { return nil }
        var s = 1.0
        let c = counts(time: time, event: event)
        return StepCurve(times: c.map(\.t), values: c.map { row in
            s *= 1 - Double(row.events) / Double(row.atRisk)
            return s
        })
    }

    /// Kaplan–Meier of the censoring: Ĝ(t) = Π_{u ≤ t} (1 − c_u/(n_u − d_u)) (events at u
    /// leave first); identically 1 when nothing is censored.
    static func censoring(time: [Double], event: [Bool]) -> StepCurve? {
        guard !time.isEmpty else { return nil }
        var g = 1.0
        let c = counts(time: time, event: event)
        return StepCurve(times: c.map(\.t), values: c.map { row in
            let left = row.atRisk - row.events
            if row.censored > 0 && left > 0 { g *= 1 - Double(row.censored) / Double(left) }
            return g
        })
    }
}
