import Dispatch
import Features
import LinearAlgebra
import Models
import PortfolioGenerator
import PortfolioIO
#if canImport(Glibc)
import Glibc
#endif

/// The pieces every benchmark shares: a generated portfolio on disk, the DESIGN §3 core
/// feature matrix (17 columns on a generated portfolio), the labels of both models, and a
/// wall clock. Kept here so the package-benchmark suite and `arrears-stages` (the peer
/// comparison) time exactly the same work.
public enum Bench {
    /// The as-of date of generated portfolios (2026-01-01).
    public static let asOf: Int32 = GeneratorConfig.defaultAsOf
    /// The logistic label's horizon in days (DESIGN §4 default).
    public static let horizon = 90.0
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
    public static func coreFeatures(_ portfolio: Portfolio, asOf: Int32 = asOf) throws -> (spec: FeatureSpec, matrix: FeatureMatrix) {
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

/// The two models' training data from a feature matrix and the accounts' labels.
public struct TrainingData: Sendable {
    /// Every account's features (the Cox fit and scoring).
    public var x: Matrix
    public var names: [String]
    /// Days to recovery or censoring, and the event flag (Cox).
    public var time: [Double]
    public var event: [Bool]
    /// The rows with a logistic label: recovered within the horizon (1), or observed past
    /// it without recovery (0); accounts censored before the horizon are left out.
    public var logisticX: Matrix
    public var y: [Double]

    public init(matrix: FeatureMatrix, accounts: AccountTable, horizon: Double = Bench.horizon) {
        let (n, p) = (matrix.rows, matrix.cols)
        x = Matrix(rows: n, cols: p, storage: matrix.values)
        names = matrix.names
        time = accounts.daysToRecovery
        event = accounts.recovered
        var rows: [Int] = []
        y = []
        for i in 0..<n {
            if accounts.recovered[i] && accounts.daysToRecovery[i] <= horizon {
                rows.append(i); y.append(1)
            } else if accounts.daysToRecovery[i] > horizon {
                rows.append(i); y.append(0)
            }
        }
        var sub = [Double](repeating: 0, count: rows.count * p)
        matrix.values.withUnsafeBufferPointer { src in
            sub.withUnsafeMutableBufferPointer { dst in
                for (k, i) in rows.enumerated() {
                    for j in 0..<p { dst[k * p + j] = src[i * p + j] }
                }
            }
        }
        logisticX = Matrix(rows: rows.count, cols: p, storage: sub)
    }
}

/// In-memory scoring of a feature matrix with both models (DESIGN §9's first bar).
public enum Scorer {
    /// Through the models' own APIs: `LogisticModel.probability` (one `dgemv` + logistic)
    /// and `CoxModel.probabilityRecovered` (one `dgemv` + exp + expm1 per horizon).
    public static func viaModels(_ x: Matrix, logistic: LogisticModel, cox: CoxModel,
                                 horizons: [Double] = Bench.horizons) -> (p: [Double], recovered: Matrix) {
        (logistic.probability(x), cox.probabilityRecovered(by: horizons, x: x))
    }

    /// The same numbers in one fused pass on all cores: rows in chunks; per chunk one
    /// `dgemm` of the rows with the two coefficient columns [β_logistic | β_cox], then
    /// per row the logistic and the Cox curve. `p` and `recovered` (n × horizons) are
    /// written in place. Results equal `viaModels` to rounding (the dot products are
    /// summed in another order).
    public static func fused(_ x: Matrix, logistic: LogisticModel, cox: CoxModel,
                             horizons: [Double] = Bench.horizons,
                             p: inout [Double], recovered: inout [Double]) {
        let (n, q) = (x.rows, x.cols)
        let k = horizons.count
        if p.count != n { p = [Double](repeating: 0, count: n) }
        if recovered.count != n * k { recovered = [Double](repeating: 0, count: n * k) }
        // Columns: 0 = logistic slopes, 1 = Cox β.
        var coefficients = Matrix(rows: q, cols: 2)
        for j in 0..<q {
            coefficients[j, 0] = logistic.slopes[j]
            coefficients[j, 1] = cox.beta[j]
        }
        let b = coefficients
        let b0 = logistic.intercept, c0 = -cox.centreLinearPredictor
        let h = horizons.map { cox.hazardAtMeans(at: $0) }
        let chunkRows = 8192
        let chunks = (n + chunkRows - 1) / chunkRows
        x.storage.withUnsafeBufferPointer { xp in
            p.withUnsafeMutableBufferPointer { pp in
                recovered.withUnsafeMutableBufferPointer { rp in
                    let ctx = FusedContext(x: xp.baseAddress!, p: pp.baseAddress!, r: rp.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let lo = c * chunkRows, m = Swift.min(chunkRows, n - lo)
                        let rows = Matrix(rows: m, cols: q, storage: Array(UnsafeBufferPointer(start: ctx.x + lo * q, count: m * q)))
                        let eta = multiply(rows, b)
                        eta.storage.withUnsafeBufferPointer { e in
                            for i in 0..<m {
                                ctx.p[lo + i] = 1 / (1 + exp(-(b0 + e[2 * i])))
                                let risk = exp(c0 + e[2 * i + 1])
                                for t in 0..<k { ctx.r[(lo + i) * k + t] = -expm1(-h[t] * risk) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Output pointers of one `Scorer.fused` call; each chunk writes only its own rows.
private struct FusedContext: @unchecked Sendable {
    var x: UnsafePointer<Double>
    var p: UnsafeMutablePointer<Double>
    var r: UnsafeMutablePointer<Double>
}
