/// The validation block of a binary-outcome model on one labelled data set (training,
/// holdout or any scored portfolio with outcomes), as `train` and `evaluate` report it.
public struct ValidationMetrics: Sendable, Codable, Equatable {
    /// Rows evaluated.
    public var count: Int
    /// Rows with label 1.
    public var events: Int
    public var auc: Double
    /// 2·AUC − 1.
    public var gini: Double
    /// max |F₁ − F₀| and the probability where it is attained.
    public var ks: Double
    public var ksThreshold: Double
    public var brier: Double
    /// Log-loss with the default clip ε = 1e-15.
    public var logLoss: Double
    /// Deciles of predicted probability with Hosmer–Lemeshow.
    public var calibration: Calibration

    /// Computes every metric from predicted probabilities and 0/1 labels (at least 10
    /// rows and both classes). Each metric is defined on `Metrics`.
    /// - Complexity: O(n log n).
    public init(probabilities: [Double], labels: [Double]) throws(MetricsError) {
        let ks = try Metrics.kolmogorovSmirnov(scores: probabilities, labels: labels)
        count = labels.count
        events = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        auc = try Metrics.auc(scores: probabilities, labels: labels)
        gini = 2 * auc - 1
        self.ks = ks.statistic
        ksThreshold = ks.threshold
        brier = try Metrics.brierScore(probabilities: probabilities, labels: labels)
        logLoss = try Metrics.logLoss(probabilities: probabilities, labels: labels)
        calibration = try Metrics.calibration(probabilities: probabilities, labels: labels)
    }
}
