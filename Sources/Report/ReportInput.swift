import Models

/// Everything the model report shows, as plain values. Build it from a trained model and
/// labelled data (the helpers `ValidationCurves(probabilities:labels:)`,
/// `RecoveryCurves.byScoreBand`, `ScoreDistribution(training:portfolio:)` compute the
/// chart inputs from raw arrays), then render it with `ReportDocument(input).html()`.
///
/// Every section but the title is optional: a nil section is left out of the page
/// (and out of `ReportDocument.sectionIDs`).
public struct ReportInput: Sendable, Equatable {
    /// The page title, e.g. "Arrears model report".
    public var title: String
    /// Lines under the title describing the model and the data (model file, as-of date,
    /// horizon, rows, features).
    public var descriptionLines: [String]
    /// Headline figures in the summary block, e.g. ("Holdout AUC", "0.812").
    public var keyFigures: [KeyFigure]
    /// The logistic model's coefficients ("(intercept)" first), log-odds per unit.
    public var logisticCoefficients: [Coefficient]?
    /// The Cox model's coefficients, log hazard ratio per unit.
    public var coxCoefficients: [Coefficient]?
    /// What the score is, for axis labels, e.g. "P(recovered within 90 days)". The
    /// report treats it as a probability in [0, 1] and prints it as a percentage.
    public var scoreLabel: String
    /// The data behind ROC, KS, gains and calibration, e.g. "holdout, 1 000 accounts".
    public var validationLabel: String
    /// ROC, KS, gains and calibration (sections `roc`, `ks`, `gains`, `calibration`).
    public var validation: ValidationCurves?
    /// Kaplan–Meier vs Cox recovery curves by score band (section `recovery`).
    public var recovery: RecoveryCurves?
    /// Score histograms, training vs the given portfolio, with PSI (section `stability`).
    public var scoreDistribution: ScoreDistribution?
    /// Worklist class counts (section `worklist`), in display order.
    public var worklist: [WorklistClassCount]?
    /// The proportional-hazards residual plots of the worst features (section `ph`).
    public var proportionalHazards: [ResidualTrend]?
    /// Notes shown in the summary block, highlighted: what was left out and why (e.g.
    /// "the portfolio has no labels, so ROC … are left out"), or a caveat on the data.
    public var notes: [String]

    public init(title: String, descriptionLines: [String] = [], keyFigures: [KeyFigure] = [],
                logisticCoefficients: [Coefficient]? = nil, coxCoefficients: [Coefficient]? = nil,
                scoreLabel: String = "Score: P(recovered within the horizon)", validationLabel: String = "",
                validation: ValidationCurves? = nil, recovery: RecoveryCurves? = nil,
                scoreDistribution: ScoreDistribution? = nil, worklist: [WorklistClassCount]? = nil,
                notes: [String] = [], proportionalHazards: [ResidualTrend]? = nil) {
        self.proportionalHazards = proportionalHazards
        self.title = title
        self.descriptionLines = descriptionLines
        self.keyFigures = keyFigures
        self.logisticCoefficients = logisticCoefficients
        self.coxCoefficients = coxCoefficients
        self.scoreLabel = scoreLabel
        self.validationLabel = validationLabel
        self.validation = validation
        self.recovery = recovery
        self.scoreDistribution = scoreDistribution
        self.worklist = worklist
        self.notes = notes
    }
}

/// A labelled figure in the summary block ("Holdout AUC" → "0.812").
public struct KeyFigure: Sendable, Equatable {
    public var label: String
    public var value: String
    public init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }
}

/// One worklist class (worklist, deferred, not worth pursuing, do not contact, rejected)
/// with its account count and an optional note (e.g. the rule or threshold).
public struct WorklistClassCount: Sendable, Equatable {
    public var name: String
    public var count: Int
    public var note: String
    public init(name: String, count: Int, note: String = "") {
        self.name = name
        self.count = count
        self.note = note
    }
}

/// The discrimination and calibration curves of a probability score on labelled data.
public struct ValidationCurves: Sendable, Equatable {
    /// Rows and rows with label 1 (recovered within the horizon).
    public var count: Int
    public var events: Int
    /// The ROC curve at every distinct score (`Metrics.rocCurve`) and its area.
    public var roc: [ROCPoint]
    public var auc: Double
    /// Score distribution functions of recovered and non-recovered accounts, with KS.
    public var ks: KSCurve
    /// Gains and lift by decile, highest probability first.
    public var gains: GainsTable
    /// Mean predicted vs observed rate by decile, with Hosmer–Lemeshow.
    public var calibration: Calibration

    public init(count: Int, events: Int, roc: [ROCPoint], auc: Double, ks: KSCurve, gains: GainsTable,
                calibration: Calibration) {
        self.count = count
        self.events = events
        self.roc = roc
        self.auc = auc
        self.ks = ks
        self.gains = gains
        self.calibration = calibration
    }

    /// Computes every curve from predicted probabilities and 0/1 labels (at least
    /// `groups` rows and both classes), with the functions on `Metrics`.
    /// - Complexity: O(n log n).
    public init(probabilities: [Double], labels: [Double], groups: Int = 10) throws(MetricsError) {
        count = labels.count
        events = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        roc = try Metrics.rocCurve(scores: probabilities, labels: labels)
        auc = try Metrics.auc(scores: probabilities, labels: labels)
        ks = try Metrics.ksCurve(scores: probabilities, labels: labels)
        gains = try Metrics.gainsTable(scores: probabilities, labels: labels, groups: groups)
        calibration = try Metrics.calibration(probabilities: probabilities, labels: labels, groups: groups)
    }
}

/// One feature's scaled Schoenfeld residuals against transformed time, summarized for a
/// plot: the mean residual in bins of equal count along 1 − KM(t), with the Cox
/// coefficient (a flat line at β is what proportional hazards predicts).
public struct ResidualTrend: Sendable, Equatable {
    public var feature: String
    /// The constant effect the Cox model estimated.
    public var coefficient: Double
    /// The test's p-value for this feature.
    public var pValue: Double
    /// (mean transformed time, mean scaled residual) per bin, in time order.
    public var bins: [ChartPoint]

    public init(feature: String, coefficient: Double, pValue: Double, bins: [ChartPoint]) {
        self.feature = feature
        self.coefficient = coefficient
        self.pValue = pValue
        self.bins = bins
    }

    /// The bins of `count` equal-count groups of (time, residual) pairs in time order.
    public static func binned(time: [Double], residual: [Double], count: Int = 10) -> [ChartPoint] {
        let n = time.count
        guard n > 0, count > 0 else { return [] }
        return (0..<Swift.min(count, n)).compactMap { b in
            let lo = n * b / Swift.min(count, n), hi = n * (b + 1) / Swift.min(count, n)
            guard hi > lo else { return nil }
            let t = time[lo..<hi].reduce(0, +) / Double(hi - lo), r = residual[lo..<hi].reduce(0, +) / Double(hi - lo)
            return ChartPoint(x: t, y: r)
        }
    }
}
