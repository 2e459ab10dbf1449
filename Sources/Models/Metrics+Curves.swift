/// One point of a ROC curve: classify "1" when score ≥ `threshold`.
public struct ROCPoint: Sendable, Codable, Equatable {
    /// The score cut-off; +∞ for the first point (nothing classified as 1).
    public var threshold: Double
    /// FPR = share of the 0s with score ≥ threshold, in [0, 1].
    public var falsePositiveRate: Double
    /// TPR (recall, sensitivity) = share of the 1s with score ≥ threshold, in [0, 1].
    public var truePositiveRate: Double

    public init(threshold: Double, falsePositiveRate: Double, truePositiveRate: Double) {
        self.threshold = threshold
        self.falsePositiveRate = falsePositiveRate
        self.truePositiveRate = truePositiveRate
    }
}

/// The empirical distribution functions of the score for the 1s and the 0s, at every
/// distinct score: the curve behind the Kolmogorov–Smirnov statistic.
public struct KSCurve: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        /// A distinct score t.
        public var score: Double
        /// F₁(t): share of the 1s (events) with score ≤ t.
        public var eventShare: Double
        /// F₀(t): share of the 0s (non-events) with score ≤ t.
        public var nonEventShare: Double
    }

    /// One point per distinct score, ascending.
    public var points: [Point]
    /// KS = max |F₁ − F₀| (as `Metrics.kolmogorovSmirnov`).
    public var statistic: Double
    /// The lowest score where the maximum is attained.
    public var threshold: Double
}

/// Gains and lift by groups of equal count, highest scores first.
public struct GainsTable: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        /// 1 for the highest-scoring group.
        public var group: Int
        /// Rows in the group.
        public var count: Int
        /// 1s in the group.
        public var events: Int
        /// Lowest and highest score in the group.
        public var minScore: Double
        public var maxScore: Double
        /// events / count.
        public var eventRate: Double
        /// Share of all rows in groups 1…g (x axis of the gains chart), in (0, 1].
        public var cumulativeShare: Double
        /// Share of all 1s captured by groups 1…g (the gain, y axis), in [0, 1].
        public var cumulativeEventShare: Double
        /// eventRate / overall event rate: how many times better than random.
        public var lift: Double
        /// cumulativeEventShare / cumulativeShare.
        public var cumulativeLift: Double
    }

    public var rows: [Row]
    /// Overall event rate (1s / rows).
    public var eventRate: Double
}

extension Metrics {
    /// The ROC curve at every distinct score, as scikit-learn's
    /// `roc_curve(labels, scores, drop_intermediate=False)`: thresholds descending, the
    /// first point (+∞, 0, 0), then one point per distinct score s with
    /// TPR = #{1s with score ≥ s}/n₁ and FPR = #{0s with score ≥ s}/n₀; the last is (1, 1).
    /// The trapezoidal area under it equals `auc` (ties give diagonal segments).
    /// - Complexity: O(n log n).
    public static func rocCurve(scores: [Double], labels: [Double]) throws(MetricsError) -> [ROCPoint] {
        let groups = try tiedGroups(scores: scores, labels: labels)
        let (n1, n0) = try classCounts(groups)
        var points = [ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        points.reserveCapacity(groups.count + 1)
        var ones = 0, zeros = 0
        for g in groups.reversed() {
            ones += g.ones
            zeros += g.zeros
            points.append(ROCPoint(threshold: g.score, falsePositiveRate: Double(zeros) / Double(n0),
                                   truePositiveRate: Double(ones) / Double(n1)))
        }
        return points
    }

    /// F₁ and F₀ at every distinct score with the KS statistic (see `kolmogorovSmirnov`).
    /// - Complexity: O(n log n).
    public static func ksCurve(scores: [Double], labels: [Double]) throws(MetricsError) -> KSCurve {
        let groups = try tiedGroups(scores: scores, labels: labels)
        let (n1, n0) = try classCounts(groups)
        var points: [KSCurve.Point] = []
        points.reserveCapacity(groups.count)
        var ones = 0, zeros = 0
        var best = (statistic: 0.0, threshold: groups[0].score)
        for g in groups {
            ones += g.ones
            zeros += g.zeros
            let f1 = Double(ones) / Double(n1), f0 = Double(zeros) / Double(n0)
            points.append(.init(score: g.score, eventShare: f1, nonEventShare: f0))
            if Swift.abs(f1 - f0) > best.statistic { best = (Swift.abs(f1 - f0), g.score) }
        }
        return KSCurve(points: points, statistic: best.statistic, threshold: best.threshold)
    }

    /// Gains and lift by `groups` groups of equal count (deciles by default).
    ///
    /// Rows are sorted by score descending (ties by row order, so the grouping is
    /// deterministic; a tie can straddle two groups) and group g ∈ 1…G holds sorted
    /// positions ⌊(g−1)·n/G⌋ ..< ⌊g·n/G⌋. With r = n₁/n the overall event rate,
    /// lift_g = (events_g/count_g)/r and the cumulative gain is the share of all 1s in
    /// groups 1…g.
    /// - Complexity: O(n): one `stableOrder` radix sort.
    public static func gainsTable(scores: [Double], labels: [Double], groups: Int = 10) throws(MetricsError) -> GainsTable {
        precondition(groups >= 1, "gainsTable: at least one group")
        try validateScores(scores, labels: labels)
        let n = labels.count
        if n < groups { throw MetricsError(code: .tooFewRows, message: "\(n) rows cannot fill \(groups) gains groups.") }
        let totalEvents = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        if totalEvents == 0 {
            throw MetricsError(code: .singleClass, message: "no label is 1; gains and lift need events.")
        }
        let order = stableOrder(scores, descending: true)          // ties by row order
        let rate = Double(totalEvents) / Double(n)
        var rows: [GainsTable.Row] = []
        var cumulativeCount = 0, cumulativeEvents = 0
        for g in 0..<groups {
            let range = (g * n / groups)..<((g + 1) * n / groups)
            var events = 0
            var lo = Double.infinity, hi = -Double.infinity
            for k in range {
                let i = order[k]
                if labels[i] == 1 { events += 1 }
                lo = Swift.min(lo, scores[i])
                hi = Swift.max(hi, scores[i])
            }
            cumulativeCount += range.count
            cumulativeEvents += events
            let eventRate = Double(events) / Double(range.count)
            let share = Double(cumulativeCount) / Double(n), gain = Double(cumulativeEvents) / Double(totalEvents)
            rows.append(.init(group: g + 1, count: range.count, events: events, minScore: lo, maxScore: hi,
                              eventRate: eventRate, cumulativeShare: share, cumulativeEventShare: gain,
                              lift: eventRate / rate, cumulativeLift: gain / share))
        }
        return GainsTable(rows: rows, eventRate: rate)
    }
}
