#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a validation metric cannot be computed from the given scores and labels.
public struct MetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable, Equatable {
        /// A label is not exactly 0 or 1.
        case invalidLabel
        /// A score or probability is NaN or ±∞.
        case nonFiniteScore
        /// A probability lies outside [0, 1].
        case probabilityOutOfRange
        /// All labels are equal, so a ranking metric (AUC, KS) is undefined.
        case singleClass
        /// Fewer rows than the metric needs (none, or fewer than the calibration groups).
        case tooFewRows
    }

    public var code: Code
    /// The 0-based row of the offending value, when there is one.
    public var row: Int?
    public var message: String

    public init(code: Code, row: Int? = nil, message: String) {
        self.code = code
        self.row = row
        self.message = message
    }

    public var description: String { "metrics: \(message)" }
}

/// Validation metrics for binary outcomes (recovered within the horizon: 1, else 0),
/// shared by the logistic and the Cox model (pass P(recovered by H) as the score).
///
/// Every function takes one score per row and one label per row (same length; a
/// mismatch is a programming error and traps). Scores are any real numbers where a
/// higher score means "more likely 1"; functions named for probabilities need p ∈ [0, 1].
public enum Metrics {
    /// Area under the ROC curve = P(score of a random 1 > score of a random 0), ties
    /// counting ½ (the Mann–Whitney U statistic divided by n₁·n₀).
    ///
    /// Sorts once, then walks groups of equal scores: a group with c₁ ones and c₀ zeros
    /// above z zeros adds c₁·z + ½·c₁·c₀. Exact in integer arithmetic (2U ≤ 2·n₁·n₀).
    /// - Complexity: O(n log n).
    /// Reference: Hanley & McNeil, Radiology 143 (1982).
    public static func auc(scores: [Double], labels: [Double]) throws(MetricsError) -> Double {
        let groups = try tiedGroups(scores: scores, labels: labels)
        let (n1, n0) = try classCounts(groups)
        var twiceU = 0, zerosBelow = 0
        for g in groups {
            twiceU += 2 * g.ones * zerosBelow + g.ones * g.zeros
            zerosBelow += g.zeros
        }
        return Double(twiceU) / (2 * Double(n1) * Double(n0))
    }

    /// Gini coefficient (accuracy ratio) = 2·AUC − 1, in [−1, 1].
    public static func gini(scores: [Double], labels: [Double]) throws(MetricsError) -> Double {
        2 * (try auc(scores: scores, labels: labels)) - 1
    }

    /// The two-sample Kolmogorov–Smirnov statistic between the scores of the 1s and of
    /// the 0s: KS = max over thresholds t of |F₁(t) − F₀(t)|, Fₖ(t) = share of class k
    /// with score ≤ t. Equal scores form one step (a threshold cannot split a tie).
    /// - Returns: the statistic in [0, 1] and the score t where it is attained (the
    ///   lowest such score).
    /// - Complexity: O(n log n).
    public static func kolmogorovSmirnov(scores: [Double], labels: [Double])
        throws(MetricsError) -> (statistic: Double, threshold: Double) {
        let groups = try tiedGroups(scores: scores, labels: labels)
        let (n1, n0) = try classCounts(groups)
        var ones = 0, zeros = 0
        var best = (statistic: 0.0, threshold: groups[0].score)
        for g in groups {
            ones += g.ones
            zeros += g.zeros
            let d = Swift.abs(Double(ones) / Double(n1) - Double(zeros) / Double(n0))
            if d > best.statistic { best = (d, g.score) }
        }
        return best
    }

    /// Brier score (1/n) Σ (pᵢ − yᵢ)², in [0, 1]; lower is better.
    /// - Complexity: O(n).
    public static func brierScore(probabilities: [Double], labels: [Double]) throws(MetricsError) -> Double {
        try validateProbabilities(probabilities, labels: labels)
        var s = 0.0
        for (p, y) in zip(probabilities, labels) { s += (p - y) * (p - y) }
        return s / Double(labels.count)
    }

    /// Log-loss −(1/n) Σ yᵢ·log p̃ᵢ + (1 − yᵢ)·log(1 − p̃ᵢ) in nats, with
    /// p̃ = min(max(p, ε), 1 − ε) so that a confident mistake costs −log ε, not ∞.
    /// ε = 1e-15 is scikit-learn's historical clip (≤ 1.4); scikit-learn ≥ 1.5 clips
    /// at the float64 machine epsilon, `Double.ulpOfOne` — pass it to match those.
    /// - Complexity: O(n).
    public static func logLoss(probabilities: [Double], labels: [Double],
                               epsilon: Double = 1e-15) throws(MetricsError) -> Double {
        precondition(epsilon > 0 && epsilon < 0.5, "logLoss: epsilon must be in (0, 0.5)")
        try validateProbabilities(probabilities, labels: labels)
        var s = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = Swift.min(Swift.max(p, epsilon), 1 - epsilon)
            s += y == 1 ? log(q) : log1p(-q)
        }
        return -s / Double(labels.count)
    }

    // MARK: - Shared checks

    /// Scores sorted ascending and grouped by equal value, with the class counts.
    struct TiedGroup {
        var score: Double
        var ones: Int
        var zeros: Int
    }

    static func tiedGroups(scores: [Double], labels: [Double]) throws(MetricsError) -> [TiedGroup] {
        try validateScores(scores, labels: labels)
        // (score, label) pairs in stable score order (`stableOrder`: a radix sort).
        let pairs = stableOrder(scores).lazy.map { (scores[$0], labels[$0]) }
        var groups: [TiedGroup] = []
        for (s, y) in pairs {
            if groups.isEmpty || groups[groups.count - 1].score != s {
                groups.append(TiedGroup(score: s, ones: 0, zeros: 0))
            }
            if y == 1 { groups[groups.count - 1].ones += 1 } else { groups[groups.count - 1].zeros += 1 }
        }
        return groups
    }

    static func classCounts(_ groups: [TiedGroup]) throws(MetricsError) -> (ones: Int, zeros: Int) {
        let ones = groups.reduce(0) { $0 + $1.ones }, zeros = groups.reduce(0) { $0 + $1.zeros }
        if ones == 0 || zeros == 0 {
            throw MetricsError(code: .singleClass,
                               message: "all \(ones + zeros) labels are \(ones == 0 ? 0 : 1); ranking metrics need both classes.")
        }
        return (ones, zeros)
    }

    static func validateScores(_ scores: [Double], labels: [Double]) throws(MetricsError) {
        precondition(scores.count == labels.count, "Metrics: \(scores.count) scores for \(labels.count) labels")
        if labels.isEmpty { throw MetricsError(code: .tooFewRows, message: "no rows to evaluate.") }
        for i in labels.indices {
            if labels[i] != 0 && labels[i] != 1 {
                throw MetricsError(code: .invalidLabel, row: i,
                                   message: "the label at row \(i) is \(labels[i]); labels must be 0 or 1.")
            }
            if !scores[i].isFinite {
                throw MetricsError(code: .nonFiniteScore, row: i, message: "the score at row \(i) is \(scores[i]).")
            }
        }
    }

    static func validateProbabilities(_ p: [Double], labels: [Double]) throws(MetricsError) {
        try validateScores(p, labels: labels)
        if let i = p.firstIndex(where: { $0 < 0 || $0 > 1 }) {
            throw MetricsError(code: .probabilityOutOfRange, row: i,
                               message: "the probability at row \(i) is \(p[i]), outside [0, 1].")
        }
    }
}
