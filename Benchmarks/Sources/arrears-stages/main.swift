// arrears-stages: times Arrears' stages on one portfolio and prints JSON (one object) for
// the peer comparison (Benchmarks/peers/compare.sh), with the numbers the peers must agree
// with: feature column sums, both models' coefficients and summary statistics of the scores.
//
//   arrears-stages --accounts A.csv --payments P.csv [--repeat 3] [--sequential]
//   arrears-stages --accounts A.csv --payments P.csv --read-only parallel|sequential
//   arrears-stages --accounts A.csv --payments P.csv --through-features   (peak-memory run)
//   arrears-stages --generate N [--out DIR]       (seed-1 portfolio, same as `arrears generate`)
//
// Stages (each run `--repeat` times; the JSON holds every time and the median):
//   read         readPortfolio (parallel reader; with --sequential also the one-pass reader)
//   features     the DESIGN §3 core features (FeatureSpec.fitTransform, 17 columns)
//   logistic     LogisticRegression().fit on accounts with a 90-day label (newton, tol 1e-10)
//   cox          CoxRegression(ties: .efron).fit on every account
//   score        LogisticModel.probability + CoxModel.probabilityRecovered at 30/60/90/180 days
//   score_fused  the product's fused kernel on both cores without reasons (ModelArtifact.score)
import BenchmarkSupport
import Features
import Foundation
import LinearAlgebra
import Models
import PortfolioIO
import Scoring
import Training

var accountsPath = "", paymentsPath = ""
var repeats = 3
var sequential = false
var readOnly: String? = nil   // "parallel" or "sequential": time only that reader, print nothing else
var fitsOnly = false          // time only the two fits (BLAS thread experiments)
var throughFeatures = false   // read + features once, print nothing else (peak-memory runs)
var generate = 0, outDirectory = ""   // --generate N --out DIR: write a portfolio (seed 1) and exit
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--accounts": accountsPath = args.next() ?? ""
    case "--payments": paymentsPath = args.next() ?? ""
    case "--repeat": repeats = max(1, Int(args.next() ?? "") ?? 3)
    case "--sequential": sequential = true
    case "--read-only": readOnly = args.next() ?? "parallel"
    case "--through-features": throughFeatures = true
    case "--blas-threads": BLASThreads.set(Int(args.next() ?? "") ?? 1)
    case "--fits-only": fitsOnly = true
    case "--generate": generate = Int(args.next() ?? "") ?? 0
    case "--out": outDirectory = args.next() ?? ""
    default:
        FileHandle.standardError.write(Data("usage: arrears-stages --accounts A --payments P [--repeat N] [--sequential]\n".utf8))
        exit(2)
    }
}
if generate > 0 {
    let (a, p) = try Bench.portfolio(accounts: generate, seed: 1, directory: outDirectory.isEmpty ? nil : outDirectory)
    print(a, p)
    exit(0)
}
guard !accountsPath.isEmpty, !paymentsPath.isEmpty else {
    FileHandle.standardError.write(Data("arrears-stages: --accounts and --payments are required\n".utf8))
    exit(2)
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

var times: [String: [Double]] = [:]
@MainActor func time(_ stage: String, _ body: () throws -> Void) rethrows {
    for _ in 0..<repeats {
        let t = try Bench.seconds(body)
        times[stage, default: []].append(t)
        FileHandle.standardError.write(Data(String(format: "%@ %.4f s\n", stage, t).utf8))
    }
}

if throughFeatures {
    try time("read+features") {
        let p = try readPortfolio(accountsPath: accountsPath, paymentsPath: paymentsPath, parallel: true)
        _ = try Bench.coreFeatures(p).matrix
    }
    exit(0)
}
var portfolio: Portfolio!
if let mode = readOnly {
    try time("read_" + mode) { portfolio = try readPortfolio(accountsPath: accountsPath, paymentsPath: paymentsPath, parallel: mode == "parallel") }
    exit(0)
}
try time("read") { portfolio = try readPortfolio(accountsPath: accountsPath, paymentsPath: paymentsPath, parallel: true) }
if sequential {
    try time("read_sequential") { _ = try readPortfolio(accountsPath: accountsPath, paymentsPath: paymentsPath, parallel: false) }
}
var matrix: FeatureMatrix!
try time("features") { matrix = try Bench.coreFeatures(portfolio).matrix }
let data = TrainingData(matrix: matrix, accounts: portfolio.accounts)
if fitsOnly {
    FileHandle.standardError.write(Data("BLAS threads: \(BLASThreads.current)\n".utf8))
    try time("logistic") { _ = try LogisticRegression().fit(data.logisticX, data.y, featureNames: data.names) }
    try time("cox") { _ = try CoxRegression(ties: .efron).fit(data.x, time: data.time, event: data.event, featureNames: data.names) }
    exit(0)
}
var logistic: LogisticModel!
try time("logistic") { logistic = try LogisticRegression().fit(data.logisticX, data.y, featureNames: data.names) }
var cox: CoxModel!
try time("cox") { cox = try CoxRegression(ties: .efron).fit(data.x, time: data.time, event: data.event, featureNames: data.names) }
var scores: (p: [Double], recovered: Matrix)!
time("score") { scores = Scorer.viaModels(data.x, logistic: logistic, cox: cox) }
// The product's kernel needs an artifact: the same two fits on the same 17 core features,
// wrapped by the trainer (no holdout, so every account is fitted, as above).
let extras = portfolio.accounts.extraColumns.map(\.name)
let artifact = try Trainer.train(portfolio, asOf: Bench.asOf, options: TrainingOptions(
    holdoutFraction: 0, features: FeatureOptions(ignore: extras, includeExtendedHistory: false), trainedAt: "bench"),
    inputs: []).artifact
var fused: Scores!
time("score_fused") { fused = artifact.score(matrix, reasons: false) }
let fusedP = fused.pRecover, fusedR = fused.recoveredBy

// Numbers to agree on.
var columnSums = [Double](repeating: 0, count: matrix.cols)
for i in 0..<matrix.rows { for j in 0..<matrix.cols { columnSums[j] += matrix.values[i * matrix.cols + j] } }
let k = Bench.horizons.count
var recoveredMeans = [Double](repeating: 0, count: k)
for i in 0..<data.x.rows { for t in 0..<k { recoveredMeans[t] += scores.recovered[i, t] } }
recoveredMeans = recoveredMeans.map { $0 / Double(data.x.rows) }
var fusedDiff = 0.0
for i in 0..<data.x.rows {
    fusedDiff = max(fusedDiff, abs(fusedP[i] - scores.p[i]))
    for t in 0..<k { fusedDiff = max(fusedDiff, abs(fusedR[i * k + t] - scores.recovered[i, t])) }
}

let result: [String: Any] = [
    "tool": "arrears",
    "accounts_bytes": Bench.fileSize(accountsPath),
    "payments_bytes": Bench.fileSize(paymentsPath),
    "n_accounts": portfolio.accounts.count,
    "n_statements": portfolio.payments.count,
    "rejects": portfolio.rejects.count,
    "cores": ProcessInfo.processInfo.activeProcessorCount,
    "times": times.mapValues { ["median": median($0), "all": $0] },
    "features": ["names": matrix.names, "column_sums": columnSums],
    "logistic": ["n": data.logisticX.rows, "names": [LogisticModel.interceptName] + data.names,
                 "params": logistic.coefficients.map(\.estimate), "bse": logistic.coefficients.map(\.standardError),
                 "llf": logistic.logLikelihood, "iterations": logistic.iterations],
    "cox": ["n": data.x.rows, "events": cox.nEvents, "names": data.names, "coef": cox.beta,
            "se": cox.coefficients.map(\.standardError), "loglik": cox.logLikelihood, "iterations": cox.iterations],
    "scores": ["p_mean": scores.p.reduce(0, +) / Double(scores.p.count), "p_head": Array(scores.p.prefix(5)),
               "recovered_mean": recoveredMeans, "horizons": Bench.horizons,
               "recovered_head": (0..<min(5, data.x.rows)).map { i in (0..<k).map { scores.recovered[i, $0] } },
               "fused_max_abs_diff": fusedDiff],
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
FileHandle.standardOutput.write(json)
FileHandle.standardOutput.write(Data("\n".utf8))
