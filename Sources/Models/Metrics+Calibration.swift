/// Calibration of predicted probabilities by groups of equal count, with the
/// Hosmer–Lemeshow goodness-of-fit test.
public struct Calibration: Sendable, Codable, Equatable {
    /// One group of rows with adjacent predicted probabilities.
    public struct Group: Sendable, Codable, Equatable {
        /// Rows in the group.
        public var count: Int
        /// Mean predicted probability Eₘ/m.
        public var meanPredicted: Double
        /// Observed event rate Oₘ/m.
        public var observedRate: Double
    }

    /// Groups in ascending order of predicted probability.
    public var groups: [Group]
    /// HL = Σ_g (O_g − E_g)² / (E_g·(1 − E_g/m_g)), O = events, E = Σ p, m = rows.
    public var hosmerLemeshow: Double
    /// g − 2.
    public var degreesOfFreedom: Int
    /// P(χ²_{g−2} ≥ HL); small values signal miscalibration.
    public var pValue: Double
}

extension Metrics {
    /// Calibration by `groups` groups of equal count (deciles by default).
    ///
    /// Rows are sorted by predicted probability (ties by row order, so the grouping is
    /// deterministic) and group g ∈ 0..<G holds sorted positions ⌊g·n/G⌋ ..< ⌊(g+1)·n/G⌋,
    /// so group sizes differ by at most one. The Hosmer–Lemeshow statistic is referred
    /// to χ² on G − 2 degrees of freedom (`chiSquaredUpperTail`). A group whose
    /// E_g·(1 − E_g/m_g) is 0 (all p = 0 or all p = 1) adds 0 if O_g = E_g, else +∞.
    /// - Complexity: O(n): one `stableOrder` radix sort.
    /// Reference: Hosmer & Lemeshow, *Applied Logistic Regression*, 2nd ed. (2000), §5.2.2.
    public static func calibration(probabilities: [Double], labels: [Double],
                                   groups: Int = 10) throws(MetricsError) -> Calibration {
        precondition(groups >= 3, "calibration: at least 3 groups (the test has G − 2 degrees of freedom)")
        try validateProbabilities(probabilities, labels: labels)
        let n = labels.count
        if n < groups {
            throw MetricsError(code: .tooFewRows, message: "\(n) rows cannot fill \(groups) calibration groups.")
        }
        let order = stableOrder(probabilities)          // ties by row order
        var result: [Calibration.Group] = []
        var hl = 0.0
        for g in 0..<groups {
            let range = (g * n / groups)..<((g + 1) * n / groups)
            var observed = 0.0, expected = 0.0
            for k in range {
                observed += labels[order[k]]
                expected += probabilities[order[k]]
            }
            let m = Double(range.count)
            result.append(.init(count: range.count, meanPredicted: expected / m, observedRate: observed / m))
            let denominator = expected * (1 - expected / m)
            let numerator = (observed - expected) * (observed - expected)
            hl += denominator > 0 ? numerator / denominator : (numerator == 0 ? 0 : .infinity)
        }
        return Calibration(groups: result, hosmerLemeshow: hl, degreesOfFreedom: groups - 2,
                           pValue: chiSquaredUpperTail(hl, df: groups - 2))
    }
}
