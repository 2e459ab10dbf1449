import Models

/// How well a model does on labelled accounts (`train`'s holdout and in-sample
/// summaries, `arrears evaluate`).
public struct EvaluationMetrics: Codable, Sendable, Equatable {
    /// Labelled accounts evaluated.
    public var accounts: Int
    /// Accounts with a logistic label (recovered within H, or followed past H).
    public var logisticRows: Int
    /// Accounts censored before H: no label, left out of the logistic metrics.
    public var logisticExcludedCensored: Int
    /// AUC, Gini, KS, Brier, log-loss and calibration deciles of p_recover; nil when
    /// the labelled rows hold only one class (or fewer than 10 rows).
    public var logistic: ValidationMetrics?
    /// Harrell's C of the Cox risk score; nil when no pair is comparable.
    public var concordance: Double?
    /// Pairs that entered Harrell's C.
    public var comparablePairs: Int
    /// Observed vs predicted recovery by each Cox horizon.
    public var horizons: [HorizonCheck]
    /// Cumulative/dynamic AUC and Brier score at each Cox horizon, the integrated Brier
    /// score and Uno's C truncated at the last horizon (IPCW from these accounts); nil
    /// without a Cox model, in version-1 artifacts, or when the weights are undefined.
    public var timeDependent: TimeDependentAccuracy?
    /// The logistic p against the Cox 1 − S(H | x) on these accounts; nil without both
    /// models and in version-1 artifacts.
    public var consistency: ModelConsistency?

    public init(accounts: Int, logisticRows: Int, logisticExcludedCensored: Int, logistic: ValidationMetrics?, concordance: Double?,
                comparablePairs: Int, horizons: [HorizonCheck], timeDependent: TimeDependentAccuracy? = nil,
                consistency: ModelConsistency? = nil) {
        self.accounts = accounts
        self.logisticRows = logisticRows
        self.logisticExcludedCensored = logisticExcludedCensored
        self.logistic = logistic
        self.concordance = concordance
        self.comparablePairs = comparablePairs
        self.horizons = horizons
        self.timeDependent = timeDependent
        self.consistency = consistency
    }
}

/// Observed vs predicted recovery by day t, over the accounts whose status at t is known:
/// those that recovered by t, and those followed beyond t without recovering by t
/// (accounts censored before t are left out, so the observed share is not biased by
/// censoring). Predicted is the mean of the Cox model's 1 − S(t | x) over the same accounts.
public struct HorizonCheck: Codable, Sendable, Equatable {
    /// t in days.
    public var days: Int
    /// Accounts whose status at t is known.
    public var accounts: Int
    /// Share of them that recovered by t.
    public var observed: Double
    /// Mean predicted P(recovered by t) over them.
    public var predicted: Double

    public init(days: Int, accounts: Int, observed: Double, predicted: Double) {
        self.days = days
        self.accounts = accounts
        self.observed = observed
        self.predicted = predicted
    }
}

/// The labels of an account table as the models use them.
public struct Labels: Sendable, Equatable {
    /// Days from as-of to recovery or to the end of observation.
    public var days: [Double]
    /// Recovery observed at `days`.
    public var recovered: [Bool]

    public init(days: [Double], recovered: [Bool]) {
        precondition(days.count == recovered.count)
        self.days = days
        self.recovered = recovered
    }

    /// The logistic label of account i for horizon H: 1 when it recovered within H days
    /// (days ≤ H), 0 when it was followed past H (days > H) without recovering by H,
    /// nil when it was censored at or before H (status at H unknown).
    @inline(__always)
    public func withinHorizon(_ i: Int, horizon: Int) -> Double? {
        if recovered[i] && days[i] <= Double(horizon) { return 1 }
        if days[i] > Double(horizon) { return 0 }
        return nil
    }
}

extension ModelArtifact {
    /// Metrics of this model's scores on labelled accounts `rows` (all when nil).
    /// `accountIDs` (indexed like the scores) names the accounts in the consistency list.
    public func evaluate(_ scores: Scores, labels: Labels, rows: [Int]? = nil, accountIDs: [String] = []) -> EvaluationMetrics {
        let rows = rows ?? Array(0..<scores.count)
        var p: [Double] = [], y: [Double] = []
        p.reserveCapacity(rows.count); y.reserveCapacity(rows.count)
        for i in rows {
            if let label = labels.withinHorizon(i, horizon: horizonDays) {
                p.append(scores.pRecover[i]); y.append(label)
            }
        }
        let logisticMetrics = try? ValidationMetrics(probabilities: p, labels: y)

        // Without a Cox model (`--models logistic`) there is no risk score nor curve.
        guard cox != nil else {
            return EvaluationMetrics(accounts: rows.count, logisticRows: y.count,
                                     logisticExcludedCensored: rows.count - y.count, logistic: logisticMetrics,
                                     concordance: nil, comparablePairs: 0, horizons: [])
        }
        // Harrell's C on the Cox risk score (x − m)ᵀβ.
        var risk: [Double] = [], time: [Double] = [], event: [Bool] = []
        risk.reserveCapacity(rows.count); time.reserveCapacity(rows.count); event.reserveCapacity(rows.count)
        let h = scores.horizons.count
        for i in rows {
            risk.append(scores.coxLinearPredictor[i]); time.append(labels.days[i]); event.append(labels.recovered[i])
        }
        let c = Concordance(riskScore: risk, time: time, event: event)

        var checks: [HorizonCheck] = []
        for (k, t) in scores.horizons.enumerated() {
            var known = 0, recovered = 0, predicted = 0.0
            for i in rows {
                let recoveredByT = labels.recovered[i] && labels.days[i] <= Double(t)
                guard recoveredByT || labels.days[i] > Double(t) else { continue }
                known += 1
                if recoveredByT { recovered += 1 }
                predicted += scores.recoveredBy[i * h + k]
            }
            checks.append(HorizonCheck(days: t, accounts: known,
                                       observed: known == 0 ? .nan : Double(recovered) / Double(known),
                                       predicted: known == 0 ? .nan : predicted / Double(known)))
        }
        var survival: [Double] = []
        survival.reserveCapacity(rows.count * h)
        for i in rows { for k in 0..<h { survival.append(1 - scores.recoveredBy[i * h + k]) } }
        let timeDependent = TimeDependentAccuracy(
            time: time, event: event, risk: risk, survival: survival, horizons: scores.horizons.map(Double.init),
            truncation: Double(scores.horizons.last ?? horizonDays))
        return EvaluationMetrics(accounts: rows.count, logisticRows: y.count,
                                 logisticExcludedCensored: rows.count - y.count, logistic: logisticMetrics,
                                 concordance: c.comparablePairs > 0 ? c.value : nil,
                                 comparablePairs: c.comparablePairs, horizons: checks, timeDependent: timeDependent,
                                 consistency: ModelConsistency(scores: scores, artifact: self, rows: rows, accountIDs: accountIDs))
    }
}
