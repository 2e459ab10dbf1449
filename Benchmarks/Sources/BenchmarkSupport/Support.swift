import Dispatch
import Features
import LinearAlgebra
import Models
import PortfolioGenerator
import PortfolioIO
import Scoring
import Training
#if canImport(Glibc)
import Glibc
#endif

/// The pieces every benchmark shares: a generated portfolio on disk, the DESIGN §3 core
/// feature matrix (17 columns on a generated portfolio), the labels of both models, and a
/// wall clock. Kept here so the package-benchmark suite and `arrears-stages` (the peer
/// comparison) time exactly the same work.
public enum Bench {
    /// The as-of date of generated portfolios (2026-01-01).
    public static let asOf: CalendarDay = GeneratorConfig.defaultAsOf
    /// The logistic label's horizon in days (DESIGN §4 default).
    public static let horizon = 90
    /// The Cox prediction horizons in days.
    public static let horizons: [Double] = [30, 60, 90, 180]

    /// Paths of a generated portfolio of `accounts` accounts (seed `seed`) in `directory`
    /// (default `$TMPDIR` or /tmp, `arrears-bench-<accounts>-<seed>`), generated once.
    public static func portfolio(accounts: Int, seed: UInt64 = 1, directory: String? = nil) throws -> (accounts: String, payments: String) {
        let tmp = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let dir = directory ?? "\(tmp)/arrears-bench-\(accounts)-\(seed)"
        let a = dir + "/accounts.csv", p = dir + "/payments.csv"
        if access(a, R_OK) != 0 || access(p, R_OK) != 0 {
            mkdir(dir, 0o755)
            _ = try PortfolioGenerator(GeneratorConfig(accounts: accounts, seed: seed)).write(toDirectory: dir)
        }
        return (a, p)
    }

    /// File size in bytes (0 when unreadable).
    public static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// The core features of DESIGN §3: the 13 history/balance features and the product
    /// one-hot columns; extra account columns and the extended history features are left
    /// out, so every peer computes the same matrix.
    public static func coreFeatures(_ portfolio: Portfolio, asOf: CalendarDay = asOf) throws -> (spec: FeatureSpec, matrix: FeatureMatrix) {
        let options = FeatureOptions(ignore: portfolio.accounts.extraColumns.map(\.name), includeExtendedHistory: false)
        return try FeatureSpec.fitTransform(portfolio, asOf: asOf, options: options)
    }

    /// Seconds of wall time `body` takes.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// The two models' training data from a feature matrix and the accounts' labels, made by
/// the product's own code: the logistic label of `Labels.withinHorizon` (recovered within
/// H = 1, followed past H = 0, censored earlier left out) and `Trainer.gather`.
public struct TrainingData: Sendable {
    /// Every account's features (the Cox fit and scoring).
    public var x: Matrix
    public var names: [String]
    /// Days to recovery or censoring, and the event flag (Cox).
    public var time: [Double]
    public var event: [Bool]
    /// The rows with a logistic label, and the labels.
    public var logisticX: Matrix
    public var y: [Double]

    public init(matrix: FeatureMatrix, accounts: AccountTable, horizon: Int = Bench.horizon) {
        let labels = Labels(days: accounts.daysToRecovery, recovered: accounts.recovered)
        let all = Array(0..<matrix.rows)
        x = Trainer.gather(matrix, rows: all)
        names = matrix.names
        time = labels.days
        event = labels.recovered
        var rows: [Int] = []
        y = []
        for i in all { if let label = labels.withinHorizon(i, horizon: horizon) { rows.append(i); y.append(label) } }
        logisticX = Trainer.gather(matrix, rows: rows)
    }
}

/// Scoring through the models' own APIs: `LogisticModel.probability` (one `dgemv` +
/// logistic) and `CoxModel.probabilityRecovered` (one `dgemv` + exp + expm1 per horizon).
/// The product's fused kernel is `ModelArtifact.score` (`ScoringKernel`).
public enum Scorer {
    public static func viaModels(_ x: Matrix, logistic: LogisticModel, cox: CoxModel,
                                 horizons: [Double] = Bench.horizons) -> (p: [Double], recovered: Matrix) {
        (logistic.probability(x), cox.probabilityRecovered(by: horizons, x: x))
    }
}
