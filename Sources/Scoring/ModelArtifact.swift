#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Features
import PortfolioIO
import Models

/// The model artifact (DESIGN §5): one versioned JSON document with everything needed to
/// score a portfolio — the feature specification, both models, the horizon, the score
/// scaling — and the training summary a reviewer needs to trust it.
///
/// Write it with `write(to:)` (atomic) and read it with `ModelArtifact.load(path:)`,
/// which checks the format, the version and every dimension before anything is scored.
public struct ModelArtifact: Codable, Sendable, Equatable {
    /// The `format` field of every artifact.
    public static let formatName = "arrears-model"
    /// The artifact layout this build writes.
    ///
    /// Version 2 (issue 19) may hold only one of the two models (`train --models`), and
    /// records Firth fits and the proportional-hazards check; version-1 files (both
    /// models always present, none of the new fields) still load unchanged.
    public static let currentVersion = 2
    /// Every layout this build reads.
    public static let readableVersions = 1...2

    /// Always `formatName`.
    public var format: String
    /// The layout version: `currentVersion` when written by this build, anything in
    /// `readableVersions` when loaded.
    public var version: Int
    /// H, the recovery-propensity horizon in days: the logistic model predicts
    /// P(recovered within H days of as-of).
    public var horizonDays: Int
    /// The Cox model's prediction horizons in days, strictly increasing (30, 60, 90, 180).
    public var predictionHorizons: [Int]
    /// Points from log-odds.
    public var scoreScaling: ScoreScaling
    /// The feature specification fitted on the training portfolio, applied unchanged.
    public var features: FeatureSpec
    /// Recovery propensity within `horizonDays`; nil when trained with `--models cox`
    /// (p_recover then comes from the Cox model as 1 − S(H | x)).
    public var logistic: LogisticModel?
    /// Time to recovery; nil when trained with `--models logistic` (no P(recovered by t)
    /// nor median days then).
    public var cox: CoxModel?
    /// Counts, options, metrics, when, and the SHA-256 of each input.
    public var training: TrainingSummary
    /// Competing outcomes (an `outcome` column in training): one cause-specific Cox
    /// model per outcome, for the cumulative incidence of each; nil otherwise and in
    /// version 1.
    public var competingRisks: CompetingRisksModel?
    /// Where the artifact was loaded from (`load(path:)`), for messages and reports; nil
    /// for an artifact built in memory. Not part of the JSON document, nor of `==`.
    public var source: String?

    enum CodingKeys: String, CodingKey {
        case format, version, horizonDays, predictionHorizons, scoreScaling, features, logistic, cox, training, competingRisks
    }

    public static func == (a: ModelArtifact, b: ModelArtifact) -> Bool {
        a.format == b.format && a.version == b.version && a.horizonDays == b.horizonDays
            && a.predictionHorizons == b.predictionHorizons && a.scoreScaling == b.scoreScaling
            && a.features == b.features && a.logistic == b.logistic && a.cox == b.cox && a.training == b.training
            && a.competingRisks == b.competingRisks
    }

    public init(horizonDays: Int, predictionHorizons: [Int], scoreScaling: ScoreScaling, features: FeatureSpec,
                logistic: LogisticModel?, cox: CoxModel?, training: TrainingSummary) {
        precondition(logistic != nil || cox != nil, "ModelArtifact: at least one model")
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.horizonDays = horizonDays
        self.predictionHorizons = predictionHorizons
        self.scoreScaling = scoreScaling
        self.features = features
        self.logistic = logistic
        self.cox = cox
        self.training = training
    }
}

/// Score points from log-odds, as in a credit scorecard:
/// points = offset + factor·ln(odds), odds = p / (1 − p),
/// factor = pointsToDoubleOdds / ln 2, offset = baseScore − factor·ln(baseOdds).
/// So `baseScore` points mean odds of `baseOdds` to 1 of recovering within the horizon,
/// and every `pointsToDoubleOdds` points double the odds. Defaults: 600 points at even
/// odds (p = 0.5), 40 points to double the odds (p = 0.8 → 680, p = 0.2 → 520).
public struct ScoreScaling: Codable, Sendable, Equatable {
    public var baseScore: Double
    public var baseOdds: Double
    public var pointsToDoubleOdds: Double

    public init(baseScore: Double = 600, baseOdds: Double = 1, pointsToDoubleOdds: Double = 40) {
        self.baseScore = baseScore
        self.baseOdds = baseOdds
        self.pointsToDoubleOdds = pointsToDoubleOdds
    }

    /// Points per unit of log-odds.
    public var factor: Double { pointsToDoubleOdds / log(2.0) }
    /// Points at log-odds 0.
    public var offset: Double { baseScore - factor * log(baseOdds) }
    /// Points at log-odds `eta` (natural log).
    @inline(__always)
    public func points(logOdds eta: Double) -> Double { offset + factor * eta }
}

/// What the artifact records about its training run. Nothing here is needed to score;
/// everything here is needed to review.
public struct TrainingSummary: Codable, Sendable, Equatable {
    /// The day the model was trained (UTC, YYYY-MM-DD), or the instant given by
    /// `SOURCE_DATE_EPOCH` (ISO 8601) for reproducible builds. A day rather than an
    /// instant so that training twice gives byte-identical artifacts.
    public var trainedAt: String
    /// The as-of date of the training portfolio, YYYY-MM-DD.
    public var asOf: String
    /// The `arrears` version that wrote the artifact.
    public var producer: String
    /// The input files with their SHA-256.
    public var inputs: [InputFile]
    /// Rows of the input files.
    public var rows: RowCounts
    /// The options the models were fitted with.
    public var options: TrainingOptionsRecord
    /// Accounts in each part of the split.
    public var trainAccounts: Int
    public var holdoutAccounts: Int
    /// The logistic fit's rows: training accounts with a label, and those left out
    /// because they were censored before the horizon.
    public var logisticRows: Int
    public var logisticEvents: Int
    public var logisticExcludedCensored: Int
    /// The Cox fit's rows and events (every training account).
    public var coxRows: Int
    public var coxEvents: Int
    /// Feature columns dropped because they were constant on the training portfolio.
    public var droppedConstantFeatures: [String]
    /// The Cox model's proportional-hazards check on the training accounts (R
    /// `cox.zph`); nil without a Cox model and in version-1 artifacts.
    public var proportionalHazards: ProportionalHazardsTest?
    /// Metrics on the holdout accounts; nil when trained with `--holdout 0`.
    public var holdout: EvaluationMetrics?
    /// Metrics on the training accounts themselves (in-sample).
    public var inSample: EvaluationMetrics
    /// The training accounts' score distribution, for the PSI of later portfolios.
    public var scoreDistribution: ScoreDistribution

    public init(trainedAt: String, asOf: String, producer: String, inputs: [InputFile], rows: RowCounts, options: TrainingOptionsRecord, trainAccounts: Int, holdoutAccounts: Int, logisticRows: Int, logisticEvents: Int, logisticExcludedCensored: Int, coxRows: Int, coxEvents: Int, droppedConstantFeatures: [String], proportionalHazards: ProportionalHazardsTest? = nil, holdout: EvaluationMetrics?, inSample: EvaluationMetrics, scoreDistribution: ScoreDistribution) {
        self.trainedAt = trainedAt
        self.asOf = asOf
        self.producer = producer
        self.inputs = inputs
        self.rows = rows
        self.options = options
        self.trainAccounts = trainAccounts
        self.holdoutAccounts = holdoutAccounts
        self.logisticRows = logisticRows
        self.logisticEvents = logisticEvents
        self.logisticExcludedCensored = logisticExcludedCensored
        self.coxRows = coxRows
        self.coxEvents = coxEvents
        self.droppedConstantFeatures = droppedConstantFeatures
        self.proportionalHazards = proportionalHazards
        self.holdout = holdout
        self.inSample = inSample
        self.scoreDistribution = scoreDistribution
    }
}

/// One input file of a training run.
public struct InputFile: Codable, Sendable, Equatable {
    /// `accounts` or `payments`.
    public var role: String
    /// The path as given on the command line.
    public var path: String
    public var bytes: Int
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String

    public init(role: String, path: String, bytes: Int, sha256: String) {
        self.role = role
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// The two files of a portfolio read with `ReadOptions.fingerprint`: the size and
    /// SHA-256 of exactly the bytes parsed (standard input included).
    public static func fingerprints(of portfolio: Portfolio, accounts: String, payments: String) -> [InputFile] {
        [("accounts", accounts, portfolio.accountsFingerprint), ("payments", payments, portfolio.paymentsFingerprint)]
            .map { role, path, f in InputFile(role: role, path: path, bytes: f?.bytes ?? 0, sha256: f?.sha256 ?? "") }
    }

    /// Size and SHA-256 of the file at `path`. Standard input (`-`) has been consumed by
    /// the time it could be hashed: it is recorded with 0 bytes and an empty hash.
    public init(role: String, hashing path: String) throws(InputFileError) {
        guard path != "-" else {
            self.init(role: role, path: path, bytes: 0, sha256: "")
            return
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw InputFileError(path: path, message: String(cString: strerror(errno)))
        }
        let hex: String
        do { hex = try sha256Hex(ofFileAt: path) } catch {
            throw InputFileError(path: path, message: "\(error)")
        }
        self.init(role: role, path: path, bytes: Int(info.st_size), sha256: hex)
    }
}

/// An input file could not be hashed.
public struct InputFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): cannot hash the input file: \(message)" }
}

/// Rows read, valid and rejected, per file.
public struct RowCounts: Codable, Sendable, Equatable {
    public var accountRows: Int
    public var validAccounts: Int
    public var rejectedAccountRows: Int
    public var paymentRows: Int
    public var validPayments: Int
    public var rejectedPaymentRows: Int

    public init(accountRows: Int, validAccounts: Int, rejectedAccountRows: Int, paymentRows: Int, validPayments: Int, rejectedPaymentRows: Int) {
        self.accountRows = accountRows
        self.validAccounts = validAccounts
        self.rejectedAccountRows = rejectedAccountRows
        self.paymentRows = paymentRows
        self.validPayments = validPayments
        self.rejectedPaymentRows = rejectedPaymentRows
    }
}

/// The options of a training run, as recorded in the artifact.
public struct TrainingOptionsRecord: Codable, Sendable, Equatable {
    public var holdoutFraction: Double
    public var seed: UInt64
    public var logisticL2: Double
    public var coxL2: Double
    public var ties: CoxTies
    public var ignoredColumns: [String]
    public var minLevelCount: Int
    /// Whether the logistic model used Firth's penalty (`--firth`); nil in version 1.
    public var firth: Bool?
    /// The models asked for (`--models`: logistic, cox or both); nil in version 1 (both).
    public var models: String?
    /// The case-weight column both fits used (`--weights`); nil = unweighted.
    public var weightsColumn: String?

    public init(holdoutFraction: Double, seed: UInt64, logisticL2: Double, coxL2: Double, ties: CoxTies, ignoredColumns: [String],
                minLevelCount: Int, firth: Bool? = nil, models: String? = nil, weightsColumn: String? = nil) {
        self.holdoutFraction = holdoutFraction
        self.seed = seed
        self.logisticL2 = logisticL2
        self.coxL2 = coxL2
        self.ties = ties
        self.ignoredColumns = ignoredColumns
        self.minLevelCount = minLevelCount
        self.firth = firth
        self.models = models
        self.weightsColumn = weightsColumn
    }
}

/// The training score distribution: decile cut points of score points and the share of
/// training accounts in each of the bins they make (the PSI's expected shares), plus a
/// fixed-width histogram of p_recover for the report.
public struct ScoreDistribution: Codable, Sendable, Equatable {
    /// Ascending, distinct; a score s falls in bin b = number of cuts ≤ s.
    public var cuts: [Double]
    /// cuts.count + 1 shares summing to 1.
    public var shares: [Double]
    /// Accounts in p_recover bins [k/20, (k+1)/20), the last bin closed; 20 counts.
    public var pRecoverHistogram: [Int]

    public init(cuts: [Double], shares: [Double], pRecoverHistogram: [Int]) {
        self.cuts = cuts
        self.shares = shares
        self.pRecoverHistogram = pRecoverHistogram
    }
}

extension ScoreDistribution {
    /// PSI of `actual` score points against the training distribution; nil when
    /// `actual` is empty or not finite.
    public func stability(of actual: [Double]) -> PopulationStability? {
        try? Metrics.populationStability(cuts: cuts, expectedShares: shares, actual: actual)
    }
}
