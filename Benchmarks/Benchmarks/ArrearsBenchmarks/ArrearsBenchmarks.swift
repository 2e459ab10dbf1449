// The Arrears benchmark suite (ordo-one/package-benchmark). Run from Benchmarks/:
//   swift package --scratch-path ../.build-bench benchmark
//   ARREARS_BENCH_ACCOUNTS=1000000 swift package --scratch-path ../.build-bench benchmark
// Every benchmark works on one generated portfolio (seed 1, ARREARS_BENCH_ACCOUNTS
// accounts, default 100 000, written once under $TMPDIR) and its 17 core features.
import Benchmark
import BenchmarkSupport
import Features
import Foundation
import LinearAlgebra
import Models
import PortfolioIO
import Prioritizer
import Pipeline
import Scoring
import Training

/// The portfolio and everything derived from it, built on first use and shared by the
/// benchmarks (they run one after another).
final class Fixture: @unchecked Sendable {
    static let shared = Fixture()
    let accounts = Int(ProcessInfo.processInfo.environment["ARREARS_BENCH_ACCOUNTS"] ?? "") ?? 100_000
    lazy var paths: (accounts: String, payments: String) = try! Bench.portfolio(accounts: accounts)
    lazy var bytes = Bench.fileSize(paths.accounts) + Bench.fileSize(paths.payments)
    lazy var portfolio: Portfolio = try! readPortfolio(accountsPath: paths.accounts, paymentsPath: paths.payments, parallel: true)
    lazy var data = TrainingData(matrix: try! Bench.coreFeatures(portfolio).matrix, accounts: portfolio.accounts)
    lazy var logistic: LogisticModel = try! LogisticRegression().fit(data.logisticX, data.y, featureNames: data.names)
    lazy var cox: CoxModel = try! CoxRegression(ties: .efron).fit(data.x, time: data.time, event: data.event, featureNames: data.names)
    /// The product's model (all 26 features, as `arrears train --holdout 0`) and its matrix.
    lazy var artifact: ModelArtifact = try! Trainer.train(portfolio, asOf: Bench.asOf,
                                                          options: TrainingOptions(holdoutFraction: 0, trainedAt: "bench"), inputs: []).artifact
    lazy var productMatrix: FeatureMatrix = try! artifact.features.apply(to: portfolio, asOf: Bench.asOf)
}

enum Rate {
    static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    static let accountsPerSecond = BenchmarkMetric.custom("accounts/s", polarity: .prefersLarger, useScalingFactor: false)
    static let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 5
    )
    let f = Fixture.shared
    let n = f.accounts

    Benchmark("CSV ingestion, parallel reader (\(n) accounts)",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, Rate.megabytesPerSecond])) { benchmark in
        let s = try Bench.seconds { blackHole(try readPortfolio(accountsPath: f.paths.accounts, paymentsPath: f.paths.payments, parallel: true)) }
        benchmark.measurement(Rate.megabytesPerSecond, Int(Double(f.bytes) / 1e6 / s))
    }
    Benchmark("CSV ingestion, one-pass reader (\(n) accounts)",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, Rate.megabytesPerSecond])) { benchmark in
        let s = try Bench.seconds { blackHole(try readPortfolio(accountsPath: f.paths.accounts, paymentsPath: f.paths.payments, parallel: false)) }
        benchmark.measurement(Rate.megabytesPerSecond, Int(Double(f.bytes) / 1e6 / s))
    }
    Benchmark("Feature extraction, 17 core features (\(n) accounts)",
              configuration: .init(metrics: [.wallClock, Rate.accountsPerSecond])) { benchmark in
        let p = f.portfolio
        let s = try Bench.seconds { blackHole(try Bench.coreFeatures(p)) }
        benchmark.measurement(Rate.accountsPerSecond, Int(Double(n) / s))
    }
    Benchmark("Logistic fit (\(n) accounts with a label × 17)",
              configuration: .init(metrics: [.wallClock, Rate.rowsPerSecond])) { benchmark in
        let d = f.data
        let s = try Bench.seconds { blackHole(try LogisticRegression().fit(d.logisticX, d.y, featureNames: d.names)) }
        benchmark.measurement(Rate.rowsPerSecond, Int(Double(d.logisticX.rows) / s))
    }
    Benchmark("Cox fit, Efron (\(n) × 17)",
              configuration: .init(metrics: [.wallClock, Rate.rowsPerSecond])) { benchmark in
        let d = f.data
        let s = try Bench.seconds { blackHole(try CoxRegression(ties: .efron).fit(d.x, time: d.time, event: d.event, featureNames: d.names)) }
        benchmark.measurement(Rate.rowsPerSecond, Int(Double(d.x.rows) / s))
    }
    Benchmark("Scoring via LogisticModel + CoxModel APIs (\(n) accounts)",
              configuration: .init(metrics: [.wallClock, Rate.accountsPerSecond], maxIterations: 50)) { benchmark in
        let (d, l, c) = (f.data, f.logistic, f.cox)
        let s = Bench.seconds { blackHole(Scorer.viaModels(d.x, logistic: l, cox: c)) }
        benchmark.measurement(Rate.accountsPerSecond, Int(Double(n) / s))
    }
    Benchmark("Scoring, product kernel without reasons: ModelArtifact.score(reasons: false) (\(n) × 26)",
              configuration: .init(metrics: [.wallClock, Rate.accountsPerSecond], maxIterations: 50)) { benchmark in
        let (a, m) = (f.artifact, f.productMatrix)
        let s = Bench.seconds { blackHole(a.score(m, reasons: false)) }
        benchmark.measurement(Rate.accountsPerSecond, Int(Double(n) / s))
    }
    Benchmark("Scoring, product kernel: ModelArtifact.score, every output and reasons (\(n) × 26)",
              configuration: .init(metrics: [.wallClock, Rate.accountsPerSecond], maxIterations: 50)) { benchmark in
        let (a, m) = (f.artifact, f.productMatrix)
        let s = Bench.seconds { blackHole(a.score(m)) }
        benchmark.measurement(Rate.accountsPerSecond, Int(Double(n) / s))
    }
    Benchmark("Rank end to end in process: CSV → features → scores → worklist bytes (\(n) accounts)",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, Rate.accountsPerSecond])) { benchmark in
        let a = f.artifact
        let s = try Bench.seconds {
            let data = try Pipeline.read(.files(accounts: f.paths.accounts, payments: f.paths.payments))
            let scored = try Pipeline.score(data, with: a, asOf: Bench.asOf, reasons: false)
            let ranked = try Pipeline.rank(scored, policy: Policy())
            blackHole(ranked.worklistBytes(format: .csv))
            blackHole(ranked.holdsBytes(format: .csv))
        }
        benchmark.measurement(Rate.accountsPerSecond, Int(Double(n) / s))
    }
}
