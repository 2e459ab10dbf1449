import ArgumentParser
import Features
import Foundation
import Models
import PortfolioIO
import Pipeline
import Scoring
import Training

/// `arrears train`: fit the feature spec and both models, report, write the artifact.
public struct Train: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the recovery models on a labelled portfolio and write the model artifact.",
        discussion: """
            Reads a labelled portfolio (accounts.csv with days_to_recovery and recovered, \
            or an outcome column naming the kind of recovery, empty when censored), \
            builds the features as of --as-of, holds out a seeded share of the accounts, \
            fits the logistic model (recovered within --horizon days; accounts censored \
            before the horizon are left out and counted) and the Cox model (time to \
            recovery) on the rest (--models picks one), with an outcome column also one \
            cause-specific Cox model per outcome, and prints a summary: coefficient \
            tables with standard errors, z and p; the proportional-hazards check (R \
            cox.zph) with a warning for features whose effect drifts over time; AUC, \
            Gini, KS, Brier, log-loss and calibration deciles on the holdout; Harrell's C, \
            Uno's C, AUC(t) and Brier(t) at each horizon and the integrated Brier score; \
            observed vs predicted recovery at each horizon; the gap between the logistic \
            p and the Cox 1 − S(H | x), with the accounts where the models disagree most. \
            The artifact (JSON, DESIGN §5) is written atomically; the same inputs and \
            options give the same bytes (trainedAt is the day, or SOURCE_DATE_EPOCH).

            With --strata product the Cox model has one baseline hazard per product \
            (P(recovered by t | x) = 1 − exp(−H0_product(t)·e^{(x−m)β})), stored per level \
            in the artifact; scoring an account whose product was not seen in training \
            fails with the level named. The proportional-hazards check is not run on a \
            stratified fit.

            The summary goes to standard output (standard error when --out is '-'); \
            rejected rows to --rejects (default: next to --out, <name>-rejects.csv).

            Example:
              arrears train --accounts data/accounts.csv \\
                --payments data/payments.csv --as-of 2026-01-01 \\
                --out models/arrears-model.json

            With the contact ledger's features (then score/rank with --ledger too):
              arrears train --accounts data/accounts.csv \\
                --payments data/payments.csv --as-of 2026-01-01 \\
                --ledger arrears.db --out model-with-ledger.json
            """
    )

    @OptionGroup var portfolio: PortfolioOptions

    @Option(help: ArgumentHelp("Where to write the model artifact (JSON; '-' for standard output).", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("""
        Contact ledger (arrears ledger init): add the ledger features — promise_kept_rate, \
        contacts_30d, right_party_contacts_30d, days_since_conversation, broken_promises_90d — \
        from its events dated on or before --as-of (none later), as extra account columns; \
        score and rank then need --ledger too.
        """, valueName: "file"))
    var ledger: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("H: the logistic label is 'recovered within H days'.", valueName: "days"))
    var horizon: Int = 90

    @Option(help: ArgumentHelp("The Cox prediction horizons, comma-separated increasing days.", valueName: "days,…"))
    var horizons: HorizonList = HorizonList(days: [30, 60, 90, 180])!

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

    @Option(help: ArgumentHelp("""
        An accounts column of case weights (> 0): each account counts that many times in both fits \
        (R glm/coxph weights=; standard errors are the model-based ones). A row whose weight is \
        empty, 0 or negative is rejected with its line. Not with --firth.
        """, valueName: "column"))
    var weights: String?

    @Option(help: ArgumentHelp("""
        Stratify the Cox model by a text column of the accounts file (e.g. product), as R's \
        coxph(Surv(days, recovered) ~ x + strata(product)): each level gets its own baseline \
        hazard and risk set, with one set of coefficients shared by all. The column is not a \
        Cox covariate (its levels only choose the baseline); it stays a feature of the \
        logistic model. Scoring uses the account's own level's baseline and refuses a level \
        not seen in training with an error naming it (no pooled baseline is substituted).
        """, valueName: "column"))
    var strata: String?

    @Option(name: .customLong("cox-l2"), help: ArgumentHelp("Ridge penalty λ of the Cox model (0 = none).", valueName: "λ"))
    var coxL2: Double = 0

    @Option(help: ArgumentHelp("Tie handling of the Cox partial likelihood: efron or breslow.", valueName: "method"))
    var ties: CoxTies = .efron

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

    /// The options as the library takes them.
    var options: TrainingOptions {
        var options = TrainingOptions(
            horizonDays: horizon, predictionHorizons: horizons.days, logisticL2: l2, coxL2: coxL2,
            ties: ties, holdoutFraction: holdout, seed: seed,
            features: FeatureOptions(minLevelCount: minLevelCount,
                                     ignore: ignore.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                                     capQuantile: cap),
            scoreScaling: ScoreScaling(baseScore: baseScore, baseOdds: baseOdds, pointsToDoubleOdds: pdo),
            producer: "arrears \(ArrearsCommand.configuration.version)")
        options.models = models
        options.firth = firth
        options.weightsColumn = weights
        options.strataColumn = strata
        return options
    }

    public func validate() throws {
        do throws(TrainingError) { try options.validate() } catch {
            throw ValidationError(CommandFailure(PipelineError(code: .training, message: error.message, cause: error)).message + ".")
        }
        guard !out.isEmpty else { throw ValidationError("--out must name a file.") }
    }

    public func run() throws {
        MemoryPolicy.retainFreedMemory()               // train holds the whole portfolio: reuse freed blocks
        let console = Console(quiet: quiet)
        let rejectsPath = rejects ?? siblingPath(of: out, suffix: "rejects")
        try Outputs.check([(out, "--out"), (rejectsPath, "--rejects"), (holdoutIDs, "--holdout-ids")],
                          inputs: portfolio.inputs + (ledger.map { [($0, "--ledger")] } ?? []))
        let enrich = try ledger.map { try LedgerFeatureInput.enrichment(ledger: $0, asOf: portfolio.asOf) }
        console.progress("reading \(portfolio.accounts) and \(portfolio.payments), then fitting")
        var outputs = Outputs()
        var unusable: Portfolio?
        let run: TrainingRun
        do throws(PipelineError) {
            run = try Pipeline.train(portfolio.source, asOf: portfolio.asOf, options: options, afterReading: { data throws(PipelineError) in
                if data.accounts.count == 0 { unusable = data }
                try data.checkStrict(strict)
            }, enrich: enrich)
        } catch {
            if let data = unusable, data.accounts.count == 0 {
                // A portfolio without a valid account: its rejects say why.
                addRejects(data.rejects, path: rejectsPath, explicit: true, to: &outputs, console: console)
                try outputs.commit()
                throw CommandFailure(message: "--accounts \(portfolio.accounts): no valid accounts to train on (\(data.rejectedAccountRows) rows rejected\(rejectsPath.map { ", see \($0)" } ?? ""))")
            }
            throw CommandFailure(error)
        }
        let data = run.portfolio
        do { outputs.add(try run.artifact.encoded(), to: out, role: "--out") } catch {
            throw CommandFailure(message: "--out: cannot encode the model: \(error)")
        }
        addRejects(data.rejects, path: rejectsPath, explicit: rejects != nil, to: &outputs, console: console)
        if let holdoutIDs { outputs.add(run.holdoutIDsBytes, to: holdoutIDs, role: "--holdout-ids") }
        try outputs.commit()

        let summary = run.artifact.summaryText()
        if out == "-" { console.note(summary) } else { try console.print(summary) }
        console.note(data.countsLine("used", paymentsUsed: run.paymentsUsed) + (data.rejects.isEmpty ? "" : " → \(rejectsPath ?? "standard error")"))
        console.note("timings: " + StageClock.summary(of: run.timings))
        console.note("model → \(out == "-" ? "standard output" : out)")
    }
}

extension ModelSelection: ExpressibleByArgument {}
