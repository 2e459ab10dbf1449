import ArgumentParser
import Foundation
import Models
import PortfolioIO
import Prioritizer
import Report
import Scoring

/// `arrears report`: the self-contained HTML model report (issue 10).
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the model report: one self-contained HTML page with coefficient tables, ROC, KS, gains, calibration, recovery curves, PSI and worklist classes.",
        discussion: """
            The page is one file (inline CSS and SVG, no scripts, nothing fetched), so it \
            opens offline and can be mailed or archived. The same inputs give the same bytes.

            Without --accounts/--payments/--as-of the charts show the model's holdout. The training files \
            recorded in the model are re-read from their recorded paths (relative paths \
            from the current directory, as 'train' was run), their SHA-256 is checked \
            against the model — a changed or missing file stops with its name — and the \
            holdout split is drawn again with the recorded fraction and seed, so ROC, KS, \
            gains and calibration show exactly the holdout metrics 'train' printed. A \
            model trained with --holdout 0 has no holdout: the charts are then in-sample \
            and say so.

            With a portfolio the charts show every valid account of it. When its files are the model's own \
            training files (same SHA-256) at the training as-of date, the holdout is used \
            instead, as above: curves drawn on the accounts a model was fitted on flatter it.

            Sections: key figures (AUC, Gini, KS, Brier, Harrell's C, Hosmer–Lemeshow p, \
            PSI); ROC with AUC; KS plot; \
            gains and lift by decile; calibration by decile with Hosmer–Lemeshow; \
            Kaplan–Meier share recovered by day for quintiles of p_recover, with 95% \
            Greenwood log bands, next to the Cox model's mean predicted curve per \
            quintile; the histogram of p_recover for the training accounts (stored in \
            the model) against the accounts reported on, with the PSI of the score points \
            over the training deciles (< 0.1 stable, 0.1–0.25 some shift, > 0.25 a \
            significant shift); the worklist classes (below); and last, the coefficient \
            tables of both models with 95% Wald intervals. Accounts censored before the horizon have no label and \
            are left out of ROC, KS, gains and calibration (counted in the page); the \
            Kaplan–Meier curves use every account.

            An accounts file without the label columns (days_to_recovery, recovered) \
            still gets the coefficient tables, the score distribution with PSI and the \
            worklist classes; the sections that need labels are left out with a note.

            --policy and/or --capacity also rank the whole portfolio as 'rank' does and \
            add the worklist class counts (they add up to the rows of the accounts file).

            Example:
              arrears report --model models/arrears-model.json \\
                --accounts data/accounts.csv --payments data/payments.csv \\
                --as-of 2026-01-01 --policy policies/example-policy.toml \\
                --capacity 200 --out report.html
              arrears report --model models/arrears-model.json --out report.html
            """
    )

    @Option(help: ArgumentHelp("The model artifact written by 'arrears train'.", valueName: "file"))
    var model: String

    @Option(help: ArgumentHelp("Accounts CSV of the portfolio to report on ('-' for standard input); with --payments and --as-of. Without all three: the model's holdout.",
                               valueName: "file"))
    var accounts: String?

    @Option(help: ArgumentHelp("Payments CSV of the portfolio ('-' for standard input).", valueName: "file"))
    var payments: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The portfolio's as-of date, YYYY-MM-DD.", valueName: "date"))
    var asOf: String?

    @Option(help: ArgumentHelp("Worklist policy (TOML): adds the worklist class counts.", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Accounts on today's worklist (overrides the policy's capacity); adds the worklist class counts.",
                               valueName: "n"))
    var capacity: Int?

    @Option(help: ArgumentHelp("Where to write the HTML report ('-' for standard output).", valueName: "file"))
    var out: String

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    public init() {}

    public func validate() throws {
        let given = [accounts, payments, asOf].compactMap { $0 }.count
        if given != 0 && given != 3 {
            throw ValidationError("--accounts, --payments and --as-of go together: give all three to report on a portfolio, or none to report on the model's holdout.")
        }
        if let asOf, CalendarDay.parse(asOf) == nil {
            throw ValidationError("--as-of must be a real date written YYYY-MM-DD, got '\(asOf)'.")
        }
        if accounts == "-" && payments == "-" {
            throw ValidationError("--accounts and --payments cannot both be '-' (standard input).")
        }
        if let capacity, capacity < 1 { throw ValidationError("--capacity must be at least 1, got \(capacity).") }
    }

    public func run() throws {
        let console = Console(quiet: quiet)
        try checkWritable(out, flag: "--out")
        let rules = try loadPolicy()
        let artifact = try loadModel(model)
        let sample = try readSample(artifact, console: console)
        console.progress("features and scores for \(sample.portfolio.accounts.count) accounts")
        let matrix = try features(of: sample.portfolio, model: artifact, modelPath: model, asOf: sample.asOf)
        let scores = artifact.score(matrix)
        var worklist: WorklistSummary?
        if let rules {
            console.progress("ranking the worklist")
            worklist = try rank(sample, scores: scores, artifact: artifact, policy: rules)
        }
        console.progress("charts")
        let input = ReportBuilder(artifact: artifact, modelPath: model, sample: sample, scores: scores,
                                  worklist: worklist).input()
        let document = ReportDocument(input)
        try writeOutput(Array(document.html().utf8), to: out, flag: "--out")
        console.note("report: \(document.sectionIDs.joined(separator: ", ")) → \(out == "-" ? "standard output" : out)")
    }

    /// The policy when --policy or --capacity asks for the worklist section; nil otherwise.
    func loadPolicy() throws -> Policy? {
        guard policy != nil || capacity != nil else { return nil }
        guard let policy else { return Policy() }
        do { return try Policy.load(path: policy) } catch { throw CommandFailure(message: "--policy: \(error.description)") }
    }

    /// Class counts of the whole portfolio under `policy`, as `rank` makes them.
    func rank(_ sample: ReportSample, scores: Scores, artifact: ModelArtifact, policy: Policy) throws -> WorklistSummary {
        let data = sample.portfolio
        let outputs = ModelOutputs(scores)
        do {
            let result = try Prioritizer(policy: policy).rank(accounts: data.accounts, rejects: data.rejects,
                                                              accountRows: data.accountRows, asOf: sample.asOf,
                                                              scores: outputs, capacity: capacity)
            return WorklistSummary(counts: result.counts, capacity: result.policy.capacity,
                                   policyName: self.policy ?? "the documented defaults")
        } catch {
            throw CommandFailure(message: "rank: \(error.description)")
        }
    }

    // MARK: - Which accounts

    /// The portfolio given on the command line, or else the model's training data, and
    /// the rows the charts use.
    func readSample(_ artifact: ModelArtifact, console: Console) throws -> ReportSample {
        if let accounts, let payments, let asOf {
            console.progress("reading \(accounts) and \(payments)")
            let data = try Self.readDetectingLabels(accounts: accounts, payments: payments)
            let day = CalendarDay.parse(asOf)!
            if Self.isTrainingData(artifact, accounts: accounts, payments: payments, asOf: asOf) {
                return try Self.holdoutSample(artifact, data: data, asOf: day,
                                              source: "\(accounts) and \(payments) as of \(asOf), the model's own training files (same SHA-256)")
            }
            return ReportSample(portfolio: data, asOf: day, rows: Array(0..<data.accounts.count), name: "Portfolio",
                                description: "Data: \(accounts) and \(payments) as of \(asOf): "
                                    + Self.rowCounts(data), notes: [])
        }
        let inputs = try verifiedTrainingInputs(artifact)
        console.progress("re-reading the training files \(inputs.accounts) and \(inputs.payments)")
        let data = try Self.read(accounts: inputs.accounts, payments: inputs.payments, labels: true)
        guard let day = CalendarDay.parse(artifact.training.asOf) else {
            throw CommandFailure(message: "--model: \(model): the training as-of date '\(artifact.training.asOf)' is not a date")
        }
        return try Self.holdoutSample(artifact, data: data, asOf: day,
                                      source: "\(inputs.accounts) and \(inputs.payments) as of \(artifact.training.asOf), re-read from the paths recorded in the model (SHA-256 verified)")
    }

    /// The holdout accounts of the training data, drawn again with the recorded
    /// fraction and seed (every account when the model was trained without a holdout).
    static func holdoutSample(_ artifact: ModelArtifact, data: Portfolio, asOf: Int32, source: String) throws -> ReportSample {
        let t = artifact.training
        let n = data.accounts.count
        guard n == t.rows.validAccounts else {
            throw CommandFailure(message: "the training files now give \(n) valid accounts, the model recorded \(t.rows.validAccounts): the holdout cannot be drawn again")
        }
        let fraction = t.options.holdoutFraction
        guard fraction > 0 else {
            return ReportSample(portfolio: data, asOf: asOf, rows: Array(0..<n), name: "Training",
                                description: "Data: \(source): all \(ReportText.count(n)) accounts.",
                                notes: ["The model was trained with --holdout 0, so there is no holdout: ROC, KS, gains, calibration and recovery curves are in-sample and flatter the model. Report on a later labelled portfolio to validate it."])
        }
        let rows = HoldoutSplit(fraction: fraction, seed: t.options.seed).split(count: n).test
        return ReportSample(portfolio: data, asOf: asOf, rows: rows, name: "Holdout",
                            description: "Data: the holdout of the training portfolio — \(source); split again with fraction \(ReportText.fixed(fraction, 2)) and seed \(t.options.seed): \(ReportText.count(rows.count)) of \(ReportText.count(n)) accounts.",
                            notes: [])
    }

    /// The model's training files, after checking that each still has the recorded
    /// SHA-256; a missing or changed file stops the run naming it.
    func verifiedTrainingInputs(_ artifact: ModelArtifact) throws -> (accounts: String, payments: String) {
        let hint = "pass --accounts, --payments and --as-of to report on a portfolio"
        func path(_ role: String) throws -> String {
            guard let file = artifact.training.inputs.first(where: { $0.role == role }) else {
                throw CommandFailure(message: "--model: \(model) records no \(role) file; \(hint)")
            }
            guard file.path != "-", !file.sha256.isEmpty else {
                throw CommandFailure(message: "--model: \(model) was trained on \(role) from standard input, which cannot be read again; \(hint)")
            }
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw CommandFailure(message: "\(file.path): the \(role) file \(model) was trained on is missing (looked for it from \(FileManager.default.currentDirectoryPath)); \(hint)")
            }
            let now: InputFile
            do { now = try InputFile(role: role, hashing: file.path) } catch { throw CommandFailure(message: error.description) }
            guard now.sha256 == file.sha256 else {
                throw CommandFailure(message: "\(file.path): the \(role) file has changed since \(model) was trained (SHA-256 \(file.sha256.prefix(12))… recorded, \(now.sha256.prefix(12))… now); \(hint)")
            }
            return file.path
        }
        return (try path("accounts"), try path("payments"))
    }

    /// Whether the given files are byte for byte the model's training files at its as-of
    /// date (sizes compared first, so other portfolios are not hashed).
    static func isTrainingData(_ artifact: ModelArtifact, accounts: String, payments: String, asOf: String) -> Bool {
        guard asOf == artifact.training.asOf else { return false }
        for (role, path) in [("accounts", accounts), ("payments", payments)] {
            guard path != "-", let recorded = artifact.training.inputs.first(where: { $0.role == role }),
                  !recorded.sha256.isEmpty,
                  let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
                  size == recorded.bytes,
                  let now = try? InputFile(role: role, hashing: path), now.sha256 == recorded.sha256
            else { return false }
        }
        return true
    }

    /// Reads a portfolio with its labels when the accounts file has the label columns,
    /// without them otherwise (rows with a bad label are then rejected, as in 'evaluate').
    static func readDetectingLabels(accounts: String, payments: String) throws -> Portfolio {
        guard accounts != "-" else { return try read(accounts: accounts, payments: payments, labels: false) }
        do {
            return try readPortfolio(accountsPath: accounts, paymentsPath: payments, options: ReadOptions(requireLabels: true))
        } catch where error.code == .missingColumn && ["days_to_recovery", "recovered"].contains(error.column ?? "") {
            return try read(accounts: accounts, payments: payments, labels: false)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }

    static func read(accounts: String, payments: String, labels: Bool) throws -> Portfolio {
        do {
            return try readPortfolio(accountsPath: accounts, paymentsPath: payments, options: ReadOptions(requireLabels: labels))
        } catch {
            throw CommandFailure(message: error.description)
        }
    }

    /// "5 000 valid accounts (0 rejected rows), 73 894 statements."
    static func rowCounts(_ data: Portfolio) -> String {
        "\(ReportText.count(data.accounts.count)) valid accounts (\(ReportText.count(data.rejectedAccountRows)) rejected rows), "
            + "\(ReportText.count(data.payments.count)) statements"
            + (data.accounts.hasLabels ? "." : "; no labels.")
    }
}

/// The accounts a report draws: the portfolio read and which of its rows the charts,
/// PSI and key figures use (the class counts use every row).
struct ReportSample {
    var portfolio: Portfolio
    /// The as-of day number.
    var asOf: Int32
    /// Rows into the portfolio's valid accounts, ascending.
    var rows: [Int]
    /// What the rows are called on the page: "Holdout", "Portfolio" or "Training".
    var name: String
    /// One line saying where the data came from.
    var description: String
    /// Caveats for the summary block.
    var notes: [String]

    /// The labels when the accounts file has them.
    var labels: Labels? {
        let a = portfolio.accounts
        return a.hasLabels ? Labels(days: a.daysToRecovery, recovered: a.recovered) : nil
    }
}

/// The worklist class counts and the capacity that produced them.
struct WorklistSummary {
    var counts: ClassCounts
    /// Worklist places, accounts.
    var capacity: Int
    /// The policy file, or "the documented defaults".
    var policyName: String
}

/// Turns a scored sample into the report's plain input (`ReportInput`).
struct ReportBuilder {
    var artifact: ModelArtifact
    var modelPath: String
    var sample: ReportSample
    var scores: Scores
    var worklist: WorklistSummary?

    /// Score bands of the recovery section: quintiles of p_recover.
    static let recoveryBands = 5

    /// H, the logistic horizon, days.
    var horizon: Int { artifact.horizonDays }

    func input() -> ReportInput {
        let labels = sample.labels
        let labelled = labels.map(labelledRows) ?? (rows: [], p: [], y: [])
        let validation = labels == nil ? nil : try? ValidationCurves(probabilities: labelled.p, labels: labelled.y)
        let metrics = labels.map { artifact.evaluate(scores, labels: $0, rows: sample.rows, accountIDs: sample.portfolio.accounts.accountID) }
        let distribution = scoreDistribution()
        let recovery = labels.flatMap(recoveryCurves)
        return ReportInput(
            title: "Arrears model report",
            descriptionLines: descriptionLines(),
            keyFigures: keyFigures(metrics: metrics, validation: validation, distribution: distribution),
            logisticCoefficients: artifact.logistic?.coefficients,
            coxCoefficients: artifact.cox?.coefficients,
            scoreLabel: "P(recovered within \(horizon) days)",
            validationLabel: validationLabel(labelled: labelled.y),
            validation: validation,
            recovery: recovery,
            scoreDistribution: distribution,
            worklist: worklist.map(classCounts),
            notes: sample.notes + missingSectionNotes(labelled: labels != nil, validation: validation, recovery: recovery))
    }

    // MARK: - Chart inputs

    /// The sample's rows with a label at H (recovered within H = 1, followed past H = 0),
    /// their p_recover and labels; rows censored at or before H are left out.
    func labelledRows(_ labels: Labels) -> (rows: [Int], p: [Double], y: [Double]) {
        var rows: [Int] = [], p: [Double] = [], y: [Double] = []
        for i in sample.rows {
            guard let label = labels.withinHorizon(i, horizon: horizon) else { continue }
            rows.append(i); p.append(scores.pRecover[i]); y.append(label)
        }
        return (rows, p, y)
    }

    /// Kaplan–Meier vs Cox by quintile of p_recover over every sample row (censored
    /// accounts included); nil when there are too few accounts.
    func recoveryCurves(_ labels: Labels) -> RecoveryCurves? {
        let rows = sample.rows
        guard let cox = artifact.cox, var curves = try? RecoveryCurves.byScoreBand(
            scores: rows.map { scores.pRecover[$0] }, time: rows.map { labels.days[$0] },
            event: rows.map { labels.recovered[$0] }, relativeRisk: rows.map { scores.coxLinearPredictor[$0] },
            cox: cox, bands: Self.recoveryBands) else { return nil }
        curves.horizons = artifact.predictionHorizons.map(Double.init)
        return curves
    }

    /// The stored training histogram of p_recover against the sample's, with the PSI of
    /// the score points over the stored training deciles; the PSI bins are shown in
    /// p_recover (points are a monotone function of p, so the bins and the PSI are the
    /// same either way). Nil when the model stores no histogram.
    func scoreDistribution() -> Report.ScoreDistribution? {
        let stored = artifact.training.scoreDistribution
        guard !stored.pRecoverHistogram.isEmpty, !sample.rows.isEmpty,
              var psi = stored.stability(of: sample.rows.map { scores.scorePoints[$0] }) else { return nil }
        psi.bins = psi.bins.map { bin in
            var b = bin
            b.lower = probability(points: b.lower)
            b.upper = probability(points: b.upper)
            return b
        }
        return Report.ScoreDistribution(trainingCounts: stored.pRecoverHistogram, domain: 0...1,
                                        portfolio: sample.rows.map { scores.pRecover[$0] }, stability: psi,
                                        portfolioName: sample.name)
    }

    /// p = logistic((points − offset) ÷ factor), the inverse of the score scaling;
    /// infinite points stay infinite (open-ended PSI bins).
    func probability(points: Double) -> Double {
        guard points.isFinite else { return points }
        let scaling = artifact.scoreScaling
        return 1 / (1 + exp(-(points - scaling.offset) / scaling.factor))
    }

    /// One row per worklist class, with the rules behind it.
    func classCounts(_ w: WorklistSummary) -> [WorklistClassCount] {
        AccountClass.allCases.map { c in
            let rules = Rule.allCases.filter { $0.accountClass == c && $0 != .none && $0 != .invalidRow && w.counts[$0] > 0 }
            var note = rules.map { "\($0.description) \(ReportText.count(w.counts[$0]))" }.joined(separator: ", ")
            switch c {
            case .worklist: note = "ranked by net value; capacity \(ReportText.count(w.capacity))"
            case .rejected: note = w.counts[c] > 0 ? "invalid rows of the accounts file ('arrears validate' lists them)" : ""
            default: break
            }
            return WorklistClassCount(name: c.description, count: w.counts[c], note: note)
        }
    }

    // MARK: - Text

    func descriptionLines() -> [String] {
        let t = artifact.training
        let trainedOn = t.inputs.first { $0.role == "accounts" }?.path ?? "its training portfolio"
        var lines = [
            "Model: \(modelPath), trained \(t.trainedAt) by \(t.producer) on \(trainedOn) as of \(t.asOf) "
                + "(\(ReportText.count(t.trainAccounts)) training and \(ReportText.count(t.holdoutAccounts)) holdout accounts); "
                + "recovery propensity within \(horizon) days ("
                + (artifact.logistic.map { "logistic, \($0.coefficients.count) coefficients" } ?? "from the Cox model: no logistic model")
                + ") and time to recovery ("
                + (artifact.cox.map { "Cox, \($0.coefficients.count) coefficients" } ?? "none: no Cox model") + ").",
            sample.description,
        ]
        if let ph = t.proportionalHazards { lines.append(ph.sentence) }
        if let worklist {
            lines.append("Worklist: every account of the portfolio ranked under \(worklist.policyName), capacity \(ReportText.count(worklist.capacity)).")
        }
        return lines
    }

    /// "holdout: 947 accounts with a label at day 90 (53 censored earlier left out)".
    func validationLabel(labelled y: [Double]) -> String {
        let left = sample.rows.count - y.count
        return "\(sample.name.lowercased()): \(ReportText.count(y.count)) accounts with a label at day \(horizon)"
            + (left > 0 ? " (\(ReportText.count(left)) censored on or before day \(horizon) left out)" : "")
    }

    func keyFigures(metrics: EvaluationMetrics?, validation: ValidationCurves?,
                    distribution: Report.ScoreDistribution?) -> [KeyFigure] {
        let name = sample.name
        var figures = [KeyFigure("\(name) accounts", ReportText.count(sample.rows.count))]
        if let m = metrics?.logistic {
            figures += [
                KeyFigure("\(name) AUC", ReportText.fixed(m.auc, 3)),
                KeyFigure("Gini", ReportText.fixed(m.gini, 3)),
                KeyFigure("KS", ReportText.fixed(m.ks, 3)),
                KeyFigure("Brier score", ReportText.fixed(m.brier, 4)),
                KeyFigure("Recovered within \(horizon) days", ReportText.percent(Double(m.events) / Double(m.count), 1)),
            ]
        }
        if let v = validation { figures.append(KeyFigure("Hosmer–Lemeshow p", ReportText.pValue(v.calibration.pValue))) }
        if let c = metrics?.concordance { figures.append(KeyFigure("Harrell's C (Cox)", ReportText.fixed(c, 3))) }
        if let d = distribution { figures.append(KeyFigure("PSI vs training", ReportText.fixed(d.stability.index, 4))) }
        if let w = worklist { figures.append(KeyFigure("On today's worklist", ReportText.count(w.counts.worklist))) }
        return figures
    }

    /// Why label-dependent sections are missing, when they are.
    func missingSectionNotes(labelled: Bool, validation: ValidationCurves?, recovery: RecoveryCurves?) -> [String] {
        if !labelled {
            return ["The accounts file has no labels (days_to_recovery, recovered), so ROC, KS, gains, calibration and the recovery curves are left out; the coefficients, the score distribution with PSI\(worklist == nil ? "" : " and the worklist classes") need none."]
        }
        var notes: [String] = []
        if validation == nil {
            notes.append("ROC, KS, gains and calibration are left out: they need at least 10 accounts with a label at day \(horizon), some recovered and some not.")
        }
        if recovery == nil {
            notes.append("The recovery curves are left out: they need at least \(Self.recoveryBands) accounts.")
        }
        return notes
    }
}
