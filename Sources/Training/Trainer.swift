import Foundation
import Features
import LinearAlgebra
import Models
import PortfolioIO
import Scoring

/// Which models `train` fits (`--models`).
public enum ModelSelection: String, Sendable, Equatable, CaseIterable {
    /// Only the logistic recovery propensity: no P(recovered by day) nor median days.
    case logistic
    /// Only the Cox time to recovery: p_recover is 1 − S(H | x).
    case cox
    /// Both (the default).
    case both

    public var fitsLogistic: Bool { self != .cox }
    public var fitsCox: Bool { self != .logistic }
}

/// The knobs of `arrears train`.
public struct TrainingOptions: Sendable, Equatable {
    /// Which models to fit.
    public var models: ModelSelection = .both
    /// Fit the logistic model by Firth's penalized likelihood (finite under separation).
    public var firth: Bool = false
    /// The accounts column of case weights (read into `AccountTable.caseWeights`): both
    /// fits weight each account by it (R `glm`/`coxph` `weights =`, model-based standard
    /// errors); the metrics stay unweighted. nil = every account counts once.
    public var weightsColumn: String?
    /// The accounts column whose levels are the Cox model's strata (`--strata`, R
    /// `coxph(… + strata(column))`): one risk set and one baseline hazard per level, the
    /// column's one-hot features left out of the Cox model (and kept in the logistic
    /// one). A text column: `product`, `state` or an extra one. nil = one baseline.
    public var strataColumn: String?
    /// H in days: the logistic label is "recovered within H days".
    public var horizonDays: Int
    /// The Cox prediction horizons in days, strictly increasing.
    public var predictionHorizons: [Int]
    /// λ of the logistic model's L2 penalty on standardized slopes (0 = maximum likelihood).
    public var logisticL2: Double
    /// λ of the Cox model's ridge penalty (0 = maximum partial likelihood).
    public var coxL2: Double
    /// Tie handling of the Cox partial likelihood.
    public var ties: CoxTies
    /// Share of accounts held out for validation, in [0, 1); 0 fits on every account.
    public var holdoutFraction: Double
    /// Seed of the holdout split.
    public var seed: UInt64
    /// Feature options (ignored columns, minimum level count).
    public var features: FeatureOptions
    /// Points from log-odds.
    public var scoreScaling: ScoreScaling
    /// The artifact's `trainedAt`; nil = `SOURCE_DATE_EPOCH` when set, else today (UTC).
    public var trainedAt: String?
    /// The artifact's `producer`.
    public var producer: String

    public init(horizonDays: Int = 90, predictionHorizons: [Int] = [30, 60, 90, 180], logisticL2: Double = 0,
                coxL2: Double = 0, ties: CoxTies = .efron, holdoutFraction: Double = 0.2, seed: UInt64 = 2026,
                features: FeatureOptions = FeatureOptions(), scoreScaling: ScoreScaling = ScoreScaling(),
                trainedAt: String? = nil, producer: String = "arrears") {
        self.horizonDays = horizonDays
        self.predictionHorizons = predictionHorizons
        self.logisticL2 = logisticL2
        self.coxL2 = coxL2
        self.ties = ties
        self.holdoutFraction = holdoutFraction
        self.seed = seed
        self.features = features
        self.scoreScaling = scoreScaling
        self.trainedAt = trainedAt
        self.producer = producer
    }
}

extension TrainingOptions {
    /// Checks every option a user can set, throwing `.invalidOption` naming the field:
    /// H ≥ 1 day; prediction horizons non-empty, whole days ≥ 1, strictly increasing; both
    /// penalties finite and ≥ 0; the holdout share in [0, 1); the minimum level count ≥ 1;
    /// the score scaling finite with base odds and points-to-double > 0.
    public func validate() throws(TrainingError) {
        func fail(_ option: String, _ message: String) -> TrainingError {
            TrainingError(code: .invalidOption, message: message, option: option)
        }
        guard horizonDays >= 1 else { throw fail("horizonDays", "the horizon H must be at least 1 day, got \(horizonDays)") }
        guard !predictionHorizons.isEmpty, predictionHorizons.allSatisfy({ $0 >= 1 }),
              zip(predictionHorizons, predictionHorizons.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw fail("predictionHorizons", "the prediction horizons must be increasing whole days ≥ 1, got \(predictionHorizons)")
        }
        guard logisticL2.isFinite, logisticL2 >= 0 else {
            throw fail("logisticL2", "the logistic L2 penalty must be a finite number ≥ 0, got \(logisticL2)")
        }
        guard coxL2.isFinite, coxL2 >= 0 else { throw fail("coxL2", "the Cox ridge penalty must be a finite number ≥ 0, got \(coxL2)") }
        guard holdoutFraction >= 0, holdoutFraction < 1 else {
            throw fail("holdoutFraction", "the holdout share must be in [0, 1), got \(holdoutFraction)")
        }
        guard !(firth && logisticL2 > 0) else {
            throw fail("firth", "Firth's penalty and the logistic L2 penalty are two different penalties; give one of them")
        }
        guard !(firth && weightsColumn != nil) else {
            throw fail("firth", "Firth's penalty is fitted without case weights; drop weightsColumn or firth")
        }
        if let column = strataColumn {
            guard !column.isEmpty else { throw fail("strataColumn", "the strata column name is empty") }
            guard models.fitsCox else {
                throw fail("strataColumn", "strata are a Cox model term and models = .logistic fits no Cox model; drop strataColumn or fit the Cox model")
            }
        }
        guard !(firth && models == .cox) else { throw fail("firth", "Firth's penalty applies to the logistic model, and models = .cox fits none") }
        if let q = features.capQuantile, !(q > 0 && q < 0.5) {
            throw fail("features.capQuantile", "the cap quantile must be in (0, 0.5), e.g. 0.01, got \(q)")
        }
        guard features.minLevelCount >= 1 else {
            throw fail("features.minLevelCount", "the minimum level count must be at least 1, got \(features.minLevelCount)")
        }
        let scaling = scoreScaling
        guard scaling.baseScore.isFinite, scaling.baseOdds.isFinite, scaling.baseOdds > 0 else {
            throw fail("scoreScaling", "the base score must be finite and the base odds a finite number > 0")
        }
        guard scaling.pointsToDoubleOdds.isFinite, scaling.pointsToDoubleOdds > 0 else {
            throw fail("scoreScaling.pointsToDoubleOdds", "the points to double the odds must be a finite number > 0, got \(scaling.pointsToDoubleOdds)")
        }
    }
}

/// Why training stopped (DESIGN §14's error shape): a stable code, a message naming the
/// cause and what to do (in the library's terms: `TrainingOptions` fields, not flags), and
/// the fit's own error as `cause` — a `LogisticError` or `CoxError` keeps its code, the
/// features it names and its last iterate.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The accounts have no `days_to_recovery` / `recovered` columns.
        case noLabels = "no_labels"
        /// An option is out of range (a horizon below 1 day, a penalty below 0, …).
        case invalidOption = "invalid_option"
        /// A prediction horizon or H is beyond the longest follow-up of the data.
        case horizonBeyondFollowUp = "horizon_beyond_follow_up"
        /// The feature specification could not be fitted (`cause` is the `FeatureError`).
        case features
        /// Every candidate feature is constant.
        case noFeatures = "no_features"
        /// No account is left for fitting after the holdout split.
        case noTrainingAccounts = "no_training_accounts"
        /// The logistic fit failed (`cause` is the `LogisticError`).
        case logisticFit = "logistic_fit"
        /// The Cox fit failed (`cause` is the `CoxError`).
        case coxFit = "cox_fit"
    }

    public var code: Code
    public var message: String
    /// The option at fault, by its `TrainingOptions` name (`predictionHorizons`), when one is.
    public var option: String?
    /// The error of the stage that failed.
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, option: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.option = option
        self.cause = cause
    }

    /// The logistic fit's error, when that fit failed.
    public var logisticError: LogisticError? { cause as? LogisticError }
    /// The Cox fit's error, when that fit failed.
    public var coxError: CoxError? { cause as? CoxError }

    public var description: String { message }
}

extension TrainingError: ArrearsError {
    public var codeName: String { code.rawValue }
    public var underlying: (any Error & Sendable)? { cause }
}

/// What `train` returns besides the artifact: the split and the training scores, so a
/// caller can report or export them without recomputing.
public struct TrainingResult: Sendable {
    public var artifact: ModelArtifact
    /// Row indices (into the portfolio's valid accounts) of each part, ascending.
    public var trainRows: [Int]
    public var holdoutRows: [Int]
    /// The scores of every valid account.
    public var scores: Scores
    /// Wall time of each stage, seconds.
    public var timings: [(stage: String, seconds: Double)]
}

/// Trains both models on a labelled portfolio (`arrears train`).
public enum Trainer {
    /// Fits the feature specification on every valid account (labels are never used for
    /// it: medians, categorical levels, constant columns), splits the accounts with the
    /// seeded holdout, fits the logistic model on the training accounts with a label and
    /// the Cox model on every training account, and measures both on the holdout and on
    /// the training accounts.
    public static func train(_ portfolio: Portfolio, asOf: CalendarDay, options: TrainingOptions,
                             inputs: [InputFile]) throws(TrainingError) -> TrainingResult {
        var copy = portfolio
        return try train(releasingStatements: &copy, asOf: asOf, options: options, inputs: inputs)
    }

    /// `train(_:asOf:options:inputs:)` that keeps the feature matrix, not the raw
    /// statements: once the features are built, `portfolio.payments` is replaced by an
    /// empty table (its row counts are recorded first), so the fits run without the
    /// statements in memory (28 bytes each, ≈ 15 per account) when the caller holds no
    /// other copy of them (DESIGN §9: 20M accounts train on a 24 GB machine).
    public static func train(releasingStatements portfolio: inout Portfolio, asOf: CalendarDay, options: TrainingOptions,
                             inputs: [InputFile]) throws(TrainingError) -> TrainingResult {
        let accounts = portfolio.accounts
        let rowCounts = RowCounts(portfolio)
        guard accounts.hasLabels else {
            throw TrainingError(code: .noLabels, message: "the accounts file has no training labels: add the days_to_recovery and recovered columns")
        }
        try options.validate()
        var clock = StageClock()

        let spec: FeatureSpec, matrix: FeatureMatrix
        do {
            (spec, matrix) = try FeatureSpec.fitTransform(portfolio, asOf: asOf, options: options.features)
        } catch {
            throw TrainingError(code: .features, message: error.description, cause: error)
        }
        clock.lap("features")
        portfolio.payments = PaymentTable()
        guard spec.count > 0 else {
            throw TrainingError(code: .noFeatures, message: "every feature is constant on the training portfolio (dropped: "
                + spec.droppedConstant.joined(separator: ", ") + "); there is nothing to fit")
        }
        let n = matrix.rows
        let labels = Labels(days: accounts.daysToRecovery, recovered: accounts.recovered)
        if options.weightsColumn != nil && accounts.caseWeights.count != accounts.count {
            throw TrainingError(code: .invalidOption, message: "weightsColumn is set but the portfolio was read without its case weights (ReadOptions.weightsColumn)",
                                option: "weightsColumn")
        }
        let weights = options.weightsColumn == nil ? nil : accounts.caseWeights
        var strataValues: [String]?
        if let column = options.strataColumn {
            guard let values = CoxStrata.values(of: column, in: accounts) else {
                let text = ["product", "state"] + accounts.extraColumns.filter { !$0.isNumeric }.map(\.name)
                throw TrainingError(code: .invalidOption,
                                    message: "strataColumn '\(column)' is not a text column of the accounts file; the text columns are \(text.joined(separator: ", "))",
                                    option: "strataColumn")
            }
            strataValues = values
        }

        // A horizon past the last day any account was followed has no data behind it: the
        // Cox curve is flat there and no recovery by then can be observed.
        let followUp = labels.days.max() ?? 0
        if let beyond = options.predictionHorizons.first(where: { Double($0) > followUp }) {
            throw TrainingError(code: .horizonBeyondFollowUp,
                                message: "the prediction horizon \(beyond) days is beyond the training data's follow-up (the longest days_to_recovery is \(Int(followUp)) days); use horizons up to \(Int(followUp))",
                                option: "predictionHorizons")
        }
        if Double(options.horizonDays) > followUp {
            throw TrainingError(code: .horizonBeyondFollowUp,
                                message: "the horizon H = \(options.horizonDays) days is beyond the training data's follow-up (the longest days_to_recovery is \(Int(followUp)) days)",
                                option: "horizonDays")
        }
        let trainRows: [Int], holdoutRows: [Int]
        if options.holdoutFraction > 0 {
            let split = HoldoutSplit(fraction: options.holdoutFraction, seed: options.seed).split(count: n)
            (trainRows, holdoutRows) = (split.train, split.test)
        } else {
            (trainRows, holdoutRows) = (Array(0..<n), [])
        }
        guard !trainRows.isEmpty else {
            throw TrainingError(code: .noTrainingAccounts, message: "no accounts left to train on after the holdout split", option: "holdoutFraction")
        }

        var coxStrata: CoxStrata?, rowStrata: [Int]?
        if let strataValues, let column = options.strataColumn {
            let levels = Array(Set(trainRows.map { strataValues[$0] })).sorted()
            let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
            if let i = holdoutRows.first(where: { index[strataValues[$0]] == nil }) {
                throw TrainingError(code: .invalidOption,
                                    message: "the \(column) level '\(strataValues[i])' (account \(accounts.accountID[i])) is only in the holdout, so the stratified Cox model would have no baseline for it; use another seed or holdoutFraction, or merge the level",
                                    option: "strataColumn")
            }
            coxStrata = CoxStrata(column: column, levels: levels)
            rowStrata = strataValues.map { index[$0]! }
        }
        // Logistic: training accounts with a label at H.
        var logisticRows: [Int] = [], y: [Double] = []
        for i in trainRows {
            if let label = labels.withinHorizon(i, horizon: options.horizonDays) { logisticRows.append(i); y.append(label) }
        }
        // Both fits run BLAS on one thread: OpenBLAS splits dsyrk/dpotri differently for
        // other thread counts, which moves the last bits of the covariances, and the
        // artifact must be the same bytes on a machine with more or fewer cores.
        var logistic: LogisticModel?
        if options.models.fitsLogistic {
            do {
                logistic = try withBLASThreads(1) { () throws(LogisticError) in
                    try LogisticRegression(l2: options.logisticL2, firth: options.firth)
                        .fit(gather(matrix, rows: logisticRows), y, featureNames: spec.names,
                             weights: weights.map { w in logisticRows.map { w[$0] } })
                }
            } catch {
                throw TrainingError(code: .logisticFit, message: Self.explain(error, options: options), cause: error)
            }
            clock.lap("logistic fit")
        }

        var cox: CoxModel?
        var proportionalHazards: ProportionalHazardsTest?
        if options.models.fitsCox {
            // With strata the stratum column's own features are constant within each
            // stratum: they leave the Cox fit (R `strata()` is not a covariate).
            let coxColumns = spec.columns.indices.filter { j in
                guard let column = options.strataColumn, case .oneHot(let c, _) = spec.columns[j].kind else { return true }
                return c != column
            }
            guard !coxColumns.isEmpty else {
                throw TrainingError(code: .noFeatures, message: "every feature is a level of the strata column '\(options.strataColumn ?? "")': the stratified Cox model has no covariate left to fit",
                                    option: "strataColumn")
            }
            let coxX = gatherColumns(gather(matrix, rows: trainRows), coxColumns)
            let coxNames = coxColumns.map { spec.names[$0] }
            let time = trainRows.map { labels.days[$0] }, event = trainRows.map { labels.recovered[$0] }
            do {
                let fitted = try withBLASThreads(1) { () throws(CoxError) in
                    try CoxRegression(ties: options.ties, l2: options.coxL2)
                        .fit(coxX, time: time, event: event, featureNames: coxNames,
                             weights: weights.map { w in trainRows.map { w[$0] } },
                             strata: rowStrata.map { s in trainRows.map { s[$0] } })
                }
                clock.lap("Cox fit")
                if coxStrata != nil {
                    cox = fitted.widened(to: spec.names, means: spec.columns.map(\.mean),
                                         standardDeviations: spec.columns.map(\.standardDeviation))
                } else {
                    cox = fitted
                    proportionalHazards = fitted.proportionalHazardsTest(coxX, time: time, event: event)
                    clock.lap("proportional-hazards check")
                }
            } catch {
                throw TrainingError(code: .coxFit, message: error.description
                    + (options.models == .both ? " (or fit the logistic model alone (models = .logistic))" : ""), cause: error)
            }
        }

        // Competing outcomes: one cause-specific Cox model per outcome label, on the same
        // training accounts (an account that ended in another outcome is censored there).
        var competing: CompetingRisksModel?
        if options.models.fitsCox && accounts.outcome.count == accounts.count {
            let labelsSeen = Array(Set(trainRows.map { accounts.outcome[$0] }.filter { !$0.isEmpty })).sorted()
            if labelsSeen.count > 1 {
                let index = Dictionary(uniqueKeysWithValues: labelsSeen.enumerated().map { ($1, $0) })
                do {
                    competing = try withBLASThreads(1) { () throws(CoxError) in
                        try CompetingRisksRegression(cox: CoxRegression(ties: options.ties, l2: options.coxL2))
                            .fit(gather(matrix, rows: trainRows), time: trainRows.map { labels.days[$0] },
                                 outcome: trainRows.map { index[accounts.outcome[$0]] }, outcomes: labelsSeen,
                                 featureNames: spec.names,
                                 weights: weights.map { w in trainRows.map { w[$0] } })
                    }
                } catch {
                    throw TrainingError(code: .coxFit, message: error.description, cause: error)
                }
                clock.lap("cause-specific Cox fits")
            }
        }

        let placeholder = TrainingSummary(
            trainedAt: "", asOf: asOf.description, producer: options.producer, inputs: inputs,
            rows: rowCounts,
            options: TrainingOptionsRecord(holdoutFraction: options.holdoutFraction, seed: options.seed,
                                           logisticL2: options.logisticL2, coxL2: options.coxL2, ties: options.ties,
                                           ignoredColumns: spec.ignored, minLevelCount: options.features.minLevelCount,
                                           firth: options.firth, models: options.models.rawValue,
                                           weightsColumn: options.weightsColumn, strataColumn: options.strataColumn),
            trainAccounts: trainRows.count, holdoutAccounts: holdoutRows.count,
            logisticRows: logisticRows.count, logisticEvents: y.lazy.filter { $0 == 1 }.count,
            logisticExcludedCensored: trainRows.count - logisticRows.count,
            coxRows: trainRows.count, coxEvents: trainRows.lazy.filter { labels.recovered[$0] }.count,
            droppedConstantFeatures: spec.droppedConstant, proportionalHazards: proportionalHazards, holdout: nil,
            inSample: EvaluationMetrics(accounts: 0, logisticRows: 0, logisticExcludedCensored: 0, logistic: nil,
                                        concordance: nil, comparablePairs: 0, horizons: []),
            scoreDistribution: ScoreDistribution(cuts: [], shares: [1], pRecoverHistogram: []), followUpDays: followUp)
        var artifact = ModelArtifact(horizonDays: options.horizonDays, predictionHorizons: options.predictionHorizons,
                                     scoreScaling: options.scoreScaling, features: spec, logistic: logistic, cox: cox,
                                     training: placeholder)
        artifact.competingRisks = competing
        artifact.strata = cox == nil ? nil : coxStrata
        let scores = artifact.score(matrix, strata: artifact.strata == nil ? nil : rowStrata)
        let ids = accounts.accountID
        artifact.training.inSample = artifact.evaluate(scores, labels: labels, rows: trainRows, accountIDs: ids)
        if !holdoutRows.isEmpty {
            artifact.training.holdout = artifact.evaluate(scores, labels: labels, rows: holdoutRows, accountIDs: ids)
        }
        artifact.training.scoreDistribution = ScoreDistribution(
            points: trainRows.map { scores.scorePoints[$0] }, pRecover: trainRows.map { scores.pRecover[$0] })
        artifact.training.trainedAt = options.trainedAt ?? Self.defaultTrainedAt()
        clock.lap("scoring and metrics")
        return TrainingResult(artifact: artifact, trainRows: trainRows, holdoutRows: holdoutRows, scores: scores,
                              timings: clock.laps)
    }

    /// A logistic failure in the terms of `arrears train`: separation names the features
    /// and the flags that still give a model.
    static func explain(_ error: LogisticError, options: TrainingOptions) -> String {
        guard error.code == .separation, let diagnosis = error.diagnosis else { return error.description }
        let drop = error.features.isEmpty ? "" : ", leave the feature out (FeatureOptions.ignore: \(error.features.joined(separator: ",")))"
        let alone = options.models == .both ? ", or fit the Cox model alone (models = .cox)" : ""
        let penalty = options.logisticL2 > 0
            ? "raise logisticL2 (now \(options.logisticL2)) or set firth = true without logisticL2"
            : "set firth = true (Firth's penalized likelihood: finite estimates) or logisticL2 = λ (a ridge, e.g. logisticL2 = 1)"
        return "logistic regression: \(diagnosis). To fit it anyway, \(penalty)\(drop)\(alone)."
    }

    /// Rows `rows` of a feature matrix as a new row-major matrix (the input of a fit).
    public static func gather(_ matrix: FeatureMatrix, rows: [Int]) -> Matrix {
        let p = matrix.cols
        var out = [Double](repeating: 0, count: rows.count * p)
        matrix.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, i) in rows.enumerated() {
                    for j in 0..<p { dst[k * p + j] = src[i * p + j] }
                }
            }
        }
        return Matrix(rows: rows.count, cols: p, storage: out)
    }

    /// Columns `columns` of a row-major matrix, in that order.
    static func gatherColumns(_ x: Matrix, _ columns: [Int]) -> Matrix {
        if columns.count == x.cols { return x }
        var out = Matrix(rows: x.rows, cols: columns.count)
        for i in 0..<x.rows { for (k, j) in columns.enumerated() { out[i, k] = x[i, j] } }
        return out
    }

    /// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention) as
    /// ISO 8601 UTC when set; else today's date in UTC.
    static func defaultTrainedAt() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        if let raw = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Double(raw) {
            return formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }
}

extension RowCounts {
    /// The row counts of a portfolio that was read.
    public init(_ portfolio: Portfolio) {
        self.init(accountRows: portfolio.accountRows, validAccounts: portfolio.accounts.count,
                  rejectedAccountRows: portfolio.accountRows - portfolio.accounts.count,
                  paymentRows: portfolio.paymentRows, validPayments: portfolio.payments.count,
                  rejectedPaymentRows: portfolio.paymentRows - portfolio.payments.count)
    }
}

extension ScoreDistribution {
    /// The PSI reference of training `points` (`Metrics.stabilityCuts` deciles and the
    /// share in each bin) and the 20-bin histogram of `pRecover`.
    public init(points: [Double], pRecover: [Double]) {
        let cuts = Metrics.stabilityCuts(points)
        var counts = [Int](repeating: 0, count: cuts.count + 1)
        for v in points { counts[Metrics.stabilityBin(v, cuts)] += 1 }
        let n = Double(Swift.max(points.count, 1))
        var histogram = [Int](repeating: 0, count: 20)
        for p in pRecover { histogram[Swift.min(19, Swift.max(0, Int(p * 20)))] += 1 }
        self.init(cuts: cuts, shares: counts.map { Double($0) / n }, pRecoverHistogram: histogram)
    }
}

/// The Cox model's prediction horizons: whole days ≥ 1, strictly increasing, at least
/// one (`30,60,90,180`).
public struct HorizonList: Sendable, Equatable, CustomStringConvertible {
    public let days: [Int]

    /// nil unless `days` is non-empty, every day ≥ 1 and strictly increasing.
    public init?(days: [Int]) {
        guard !days.isEmpty, days.allSatisfy({ $0 >= 1 }), zip(days, days.dropFirst()).allSatisfy({ $0 < $1 }) else {
            return nil
        }
        self.days = days
    }

    /// Parses comma-separated whole days, spaces allowed around each (`30, 60,90`).
    public init?(_ text: String) {
        var days: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let d = Int(part.trimmingCharacters(in: .whitespaces)) else { return nil }
            days.append(d)
        }
        self.init(days: days)
    }

    /// `30,60,90,180`.
    public var description: String { days.map(String.init).joined(separator: ",") }
}
