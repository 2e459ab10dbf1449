import ArgumentParser
import Features
import Foundation
import Models
import PortfolioIO
import Scoring

/// `arrears train`: fit the feature spec and both models, report, write the artifact.
public struct Train: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the recovery models on a labelled portfolio and write the model artifact.",
        discussion: """
            Reads a labelled portfolio (accounts.csv with days_to_recovery and recovered), \
            builds the features as of --as-of, holds out a seeded share of the accounts, \
            fits the logistic model (recovered within --horizon days; accounts censored \
            before the horizon are left out and counted) and the Cox model (time to \
            recovery) on the rest, and prints a summary: coefficient tables with standard \
            errors, z and p; AUC, Gini, KS, Brier, log-loss and calibration deciles on \
            the holdout; Harrell's C and observed vs predicted recovery at each horizon. \
            The artifact (JSON, DESIGN §5) is written atomically; the same inputs and \
            options give the same bytes (trainedAt is the day, or SOURCE_DATE_EPOCH).

            The summary goes to standard output (standard error when --out is '-'); \
            rejected rows to --rejects (default: next to --out, <name>-rejects.csv).

            Example:
              arrears train --accounts data/accounts.csv --payments data/payments.csv \\
                --as-of 2026-01-01 --out models/arrears-model.json
            """
    )

    @OptionGroup var portfolio: PortfolioOptions

    @Option(help: ArgumentHelp("Where to write the model artifact (JSON; '-' for standard output).", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("H: the logistic label is 'recovered within H days'.", valueName: "days"))
    var horizon: Int = 90

    @Option(help: ArgumentHelp("The Cox prediction horizons, comma-separated days.", valueName: "days,…"))
    var horizons: String = "30,60,90,180"

    @Option(help: ArgumentHelp("L2 penalty λ of the logistic model on standardized slopes (0 = maximum likelihood).",
                               valueName: "λ"))
    var l2: Double = 0

    @Option(help: ArgumentHelp("""
        Which models to fit: logistic (recovery within --horizon days), cox (time to recovery; \
        p_recover is then 1 − S(H | x)) or both. A portfolio that supports only one still gets a model.
        """, valueName: "logistic|cox|both"))
    var models: ModelSelection = .both

    @Flag(help: ArgumentHelp("""
        Fit the logistic model by Firth's penalized likelihood (bias-reduced; finite estimates even \
        when a feature separates the recovered from the unrecovered accounts). Excludes --l2.
        """))
    var firth = false

    @Option(name: .customLong("cox-l2"), help: ArgumentHelp("Ridge penalty λ of the Cox model (0 = none).", valueName: "λ"))
    var coxL2: Double = 0

    @Option(help: ArgumentHelp("Tie handling of the Cox partial likelihood: efron or breslow.", valueName: "method"))
    var ties: String = "efron"

    @Option(help: ArgumentHelp("Share of accounts held out for validation, in [0, 1); 0 trains on every account.",
                               valueName: "share"))
    var holdout: Double = 0.2

    @Option(help: "Seed of the holdout split.")
    var seed: UInt64 = 2026

    @Option(help: ArgumentHelp("Columns or features to leave out, comma-separated (e.g. channel,utilization).",
                               valueName: "names"))
    var ignore: String = ""

    @Option(help: ArgumentHelp("""
        Cap every numeric feature at its training q and 1 − q quantiles (e.g. 0.01), so extreme \
        accounts are scored as the most extreme training accounts rather than extrapolated. \
        Without it the DESIGN §3 features and extra columns keep their exact definitions; \
        paid_trend_6 (currency per statement) is always capped at its 5% and 95% quantiles.
        """, valueName: "q"))
    var cap: Double?

    @Option(name: .customLong("min-level-count"),
            help: ArgumentHelp("Training accounts a categorical level needs to get its own column.", valueName: "n"))
    var minLevelCount: Int = 20

    @Option(name: .customLong("base-score"), help: ArgumentHelp("Score points at the base odds.", valueName: "points"))
    var baseScore: Double = 600

    @Option(name: .customLong("base-odds"), help: ArgumentHelp("Odds of recovery (p/(1−p)) that score --base-score.",
                                                               valueName: "odds"))
    var baseOdds: Double = 1

    @Option(help: ArgumentHelp("Points to double the odds.", valueName: "points"))
    var pdo: Double = 40

    @Option(help: ArgumentHelp("Write rejected rows here (CSV; default <out>-rejects.csv, created when a row is rejected).", valueName: "file"))
    var rejects: String?

    @Option(name: .customLong("holdout-ids"),
            help: ArgumentHelp("Also write the held-out account ids here (CSV, one column account_id).", valueName: "file"))
    var holdoutIDs: String?

    @Flag(help: "Stop with an error when any input row is rejected.")
    var strict = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    public init() {}

    var horizonList: [Int]? {
        let parts = horizons.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.map { $0! }
    }

    public func validate() throws {
        guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1 day, got \(horizon).") }
        guard let list = horizonList, list.allSatisfy({ $0 >= 1 }), zip(list, list.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ValidationError("--horizons must be increasing whole days ≥ 1, comma-separated, got '\(horizons)'.")
        }
        guard l2.isFinite, l2 >= 0 else { throw ValidationError("--l2 must be a finite number ≥ 0, got \(l2).") }
        guard !(firth && l2 > 0) else {
            throw ValidationError("--firth and --l2 are two different penalties; give one of them.")
        }
        guard !(firth && models == .cox) else { throw ValidationError("--firth applies to the logistic model; --models cox fits none.") }
        guard coxL2.isFinite, coxL2 >= 0 else { throw ValidationError("--cox-l2 must be a finite number ≥ 0, got \(coxL2).") }
        guard CoxTies(rawValue: ties) != nil else { throw ValidationError("--ties must be efron or breslow, got '\(ties)'.") }
        guard holdout >= 0, holdout < 1 else { throw ValidationError("--holdout must be in [0, 1), got \(holdout).") }
        if let cap { guard cap > 0, cap < 0.5 else { throw ValidationError("--cap must be a quantile in (0, 0.5), e.g. 0.01, got \(cap).") } }
        guard minLevelCount >= 1 else { throw ValidationError("--min-level-count must be at least 1, got \(minLevelCount).") }
        guard baseScore.isFinite, baseOdds.isFinite, baseOdds > 0 else {
            throw ValidationError("--base-score must be finite and --base-odds > 0.")
        }
        guard pdo.isFinite, pdo > 0 else { throw ValidationError("--pdo must be > 0, got \(pdo).") }
        guard !out.isEmpty else { throw ValidationError("--out must name a file.") }
    }

    public func run() throws {
        let console = Console(quiet: quiet)
        let rejectsPath = rejects ?? siblingPath(of: out, suffix: "rejects")
        try checkWritable(out, flag: "--out")
        if let rejectsPath { try checkWritable(rejectsPath, flag: "--rejects") }
        if let holdoutIDs { try checkWritable(holdoutIDs, flag: "--holdout-ids") }

        console.progress("reading \(portfolio.accounts) and \(portfolio.payments)")
        var clock = StageClock()
        // The SHA-256 of the inputs runs beside the reading and fitting (another core).
        let hashes = BackgroundHashes([("accounts", portfolio.accounts), ("payments", portfolio.payments)])
        let data = try portfolio.read(labels: true)
        clock.lap("read")
        guard data.accounts.count > 0 else {
            try writeRejects(data.rejects, to: rejectsPath, explicit: rejects != nil, console: console)
            throw CommandFailure(message: "--accounts \(portfolio.accounts): no valid accounts to train on (\(data.rejectedAccountRows) rows rejected\(rejectsPath.map { ", see \($0)" } ?? ""))")
        }
        if strict && !data.rejects.isEmpty {
            throw CommandFailure(message: "--strict: \(data.rejects.count) rows rejected, first: \(data.rejects[0])")
        }
        var options = TrainingOptions(
            horizonDays: horizon, predictionHorizons: horizonList!, logisticL2: l2, coxL2: coxL2,
            ties: CoxTies(rawValue: ties)!, holdoutFraction: holdout, seed: seed,
            features: FeatureOptions(minLevelCount: minLevelCount,
                                     ignore: ignore.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                                     capQuantile: cap),
            scoreScaling: ScoreScaling(baseScore: baseScore, baseOdds: baseOdds, pointsToDoubleOdds: pdo),
            producer: "arrears \(ArrearsCommand.configuration.version)")
        options.models = models
        options.firth = firth
        console.progress("fitting features and both models on \(data.accounts.count) accounts")
        var result: TrainingResult
        do {
            result = try Trainer.train(data, asOf: portfolio.asOfDay, options: options, inputs: [])
        } catch {
            throw CommandFailure(message: error.description)
        }
        var waiting = StageClock()
        result.artifact.training.inputs = try hashes.wait()
        waiting.lap("waiting for input hashes")
        do { try result.artifact.write(to: out) } catch { throw CommandFailure(message: "--out: \(error.description)") }
        try writeRejects(data.rejects, to: rejectsPath, explicit: rejects != nil, console: console)
        if let holdoutIDs {
            var table = TextOutput(format: .csv, header: ["account_id"])
            for i in result.holdoutRows { table.text(data.accounts.accountID[i]); table.endRow() }
            try writeOutput(table.bytes, to: holdoutIDs, flag: "--holdout-ids")
        }

        let summary = result.artifact.summaryText()
        if out == "-" { console.note(summary) } else { console.print(summary) }
        console.note("accounts: \(data.accountRows) rows read = \(data.accounts.count) used + \(data.rejectedAccountRows) rejected; "
                     + "payments: \(data.paymentRows) rows read = \(data.payments.count) used + \(data.rejectedPaymentRows) rejected"
                     + (data.rejects.isEmpty ? "" : " → \(rejectsPath ?? "standard error")"))
        let laps = clock.laps + result.timings + waiting.laps
        console.note("timings: " + StageClock.summary(of: laps))
        console.note("model → \(out == "-" ? "standard output" : out)")
    }
}

/// SHA-256 of input files computed on a background thread (`InputFile(role:hashing:)`).
final class BackgroundHashes: @unchecked Sendable {
    private let group = DispatchGroup()
    private var results: [Result<InputFile, InputFileError>] = []

    /// Starts hashing `files` (role, path) in order.
    init(_ files: [(role: String, path: String)]) {
        group.enter()
        DispatchQueue.global().async { [self] in
            results = files.map { file in Result { () throws(InputFileError) in try InputFile(role: file.role, hashing: file.path) } }
            group.leave()
        }
    }

    /// Waits for the hashes; a file that could not be hashed stops the run naming it.
    func wait() throws -> [InputFile] {
        group.wait()
        do {
            return try results.map { try $0.get() }
        } catch {
            throw CommandFailure(message: "\(error)")
        }
    }
}

extension ModelSelection: ExpressibleByArgument {}
