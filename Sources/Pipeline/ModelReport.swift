import Features
import Foundation
import Features
import LinearAlgebra
import Models
import PortfolioIO
import Prioritizer
import Report
import Scoring

/// What a model report is drawn on (`Pipeline.report`): a portfolio, or the model's own
/// holdout re-drawn from its training files.
public enum ReportData: Sendable {
    /// The model's training files, re-read from the paths the artifact records (after
    /// checking their SHA-256), with the holdout split drawn again.
    case training
    /// A portfolio as of a day. When its files are the model's own training files (same
    /// SHA-256) at the training as-of day, the holdout is used instead.
    case portfolio(PortfolioSource, asOf: CalendarDay)
}

/// The worklist section of a report: the policy to rank under and what to call it.
public struct ReportWorklist: Sendable {
    public var policy: Policy
    public var capacity: Int?
    /// The policy file's name, or "the documented defaults".
    public var policyName: String

    public init(policy: Policy, capacity: Int?, policyName: String) {
        self.policy = policy
        self.capacity = capacity
        self.policyName = policyName
    }
}

extension Pipeline {
    /// The self-contained HTML model report (`arrears report`) of `model` on `data`, with
    /// the worklist class counts when `worklist` is given. `progress` hears each stage.
    /// - Throws: `PipelineError` `.input`, `.features`, `.rank`, or `.trainingData` when
    ///   the model's training files cannot be re-read unchanged.
    /// With `strict`, a rejected row of the portfolio stops the report.
    public static func report(_ model: ModelArtifact, on data: ReportData, worklist: ReportWorklist?, strict: Bool = false,
                              progress: (String) -> Void = { _ in }) throws(PipelineError) -> ReportDocument {
        let sample = try ReportSample.read(model, data: data, progress: progress)
        if strict && !sample.portfolio.rejects.isEmpty {
            throw PipelineError(code: .data, message: "\(sample.portfolio.rejects.count) rows rejected (strict), first: \(sample.portfolio.rejects[0])")
        }
        progress("features and scores for \(sample.portfolio.accounts.count) accounts")
        let scored = try score(sample.portfolio, with: model, asOf: sample.asOf)
        var summary: WorklistSummary?
        if let worklist {
            progress("ranking the worklist")
            let ranked = try rank(scored, policy: worklist.policy, capacity: worklist.capacity)
            summary = WorklistSummary(counts: ranked.counts, capacity: ranked.result.policy.capacity,
                                      policyName: worklist.policyName)
        }
        progress("charts")
        let input = ReportBuilder(artifact: model, modelPath: model.source ?? "(in memory)", sample: sample,
                                  scores: scored.scores, worklist: summary,
                                  unseenLevels: scored.matrix.unseenLevels, matrix: scored.matrix).input()
        return ReportDocument(input)
    }
}

extension Pipeline {
    /// Whether `source` is byte for byte the model's own training files (same size and
    /// SHA-256) and `asOf` its training as-of: metrics on it are in-sample.
    public static func isTrainingData(_ model: ModelArtifact, source: PortfolioSource, asOf: CalendarDay) -> Bool {
        ReportSample.isTrainingData(model, source: source, asOf: asOf)
    }
}

extension ReportSample {
    /// The portfolio named by `data`, or the model's training data, and the rows the
    /// charts use.
    static func read(_ artifact: ModelArtifact, data: ReportData, progress: (String) -> Void) throws(PipelineError) -> ReportSample {
        switch data {
        case .portfolio(let source, let asOf):
            progress("reading \(source.accountsName) and \(source.paymentsName)")
            let portfolio = try Pipeline.readDetectingLabels(source)
            let names = "\(source.accountsName) and \(source.paymentsName) as of \(asOf)"
            if isTrainingData(artifact, source: source, asOf: asOf) {
                return try holdoutSample(artifact, data: portfolio, asOf: asOf,
                                         source: "\(names), the model's own training files (same SHA-256)")
            }
            return ReportSample(portfolio: portfolio, asOf: asOf, rows: Array(0..<portfolio.accounts.count), name: "Portfolio",
                                description: "Data: \(names): " + rowCounts(portfolio), notes: [])
        case .training:
            let inputs = try verifiedTrainingInputs(artifact)
            progress("re-reading the training files \(inputs.accounts) and \(inputs.payments)")
            let portfolio = try Pipeline.read(.files(accounts: inputs.accounts, payments: inputs.payments), labels: true)
            guard let day = CalendarDay(artifact.training.asOf) else {
                throw PipelineError(code: .model, message: "\(artifact.source ?? "the model"): the training as-of date '\(artifact.training.asOf)' is not a date")
            }
            return try holdoutSample(artifact, data: portfolio, asOf: day,
                                     source: "\(inputs.accounts) and \(inputs.payments) as of \(artifact.training.asOf), re-read from the paths recorded in the model (SHA-256 verified)")
        }
    }

    /// The holdout accounts of the training data, drawn again with the recorded
    /// fraction and seed (every account when the model was trained without a holdout).
    static func holdoutSample(_ artifact: ModelArtifact, data: Portfolio, asOf: CalendarDay, source: String) throws(PipelineError) -> ReportSample {
        let t = artifact.training
        let n = data.accounts.count
        guard n == t.rows.validAccounts else {
            throw PipelineError(code: .trainingData, message: "the training files now give \(n) valid accounts, the model recorded \(t.rows.validAccounts): the holdout cannot be drawn again")
        }
        let fraction = t.options.holdoutFraction
        guard fraction > 0 else {
            return ReportSample(portfolio: data, asOf: asOf, rows: Array(0..<n), name: "Training",
                                description: "Data: \(source): all \(ReportText.count(n)) accounts.",
                                notes: ["The model was trained without a holdout (a holdout share of 0), so ROC, KS, gains, calibration and recovery curves are in-sample and flatter the model. Report on a later labelled portfolio to validate it."])
        }
        let rows = HoldoutSplit(fraction: fraction, seed: t.options.seed).split(count: n).test
        return ReportSample(portfolio: data, asOf: asOf, rows: rows, name: "Holdout",
                            description: "Data: the holdout of the training portfolio — \(source); split again with fraction \(ReportText.fixed(fraction, 2)) and seed \(t.options.seed): \(ReportText.count(rows.count)) of \(ReportText.count(n)) accounts.",
                            notes: [])
    }

    /// The model's training files, after checking that each still has the recorded
    /// SHA-256; a missing or changed file stops the run naming it (`.trainingData`).
    static func verifiedTrainingInputs(_ artifact: ModelArtifact) throws(PipelineError) -> (accounts: String, payments: String) {
        let model = artifact.source ?? "the model"
        func path(_ role: String) throws(PipelineError) -> String {
            guard let file = artifact.training.inputs.first(where: { $0.role == role }) else {
                throw PipelineError(code: .trainingData, message: "\(model) records no \(role) file")
            }
            guard file.path != "-", !file.sha256.isEmpty else {
                throw PipelineError(code: .trainingData, message: "\(model) was trained on \(role) from standard input, which cannot be read again")
            }
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw PipelineError(code: .trainingData, message: "\(file.path): the \(role) file \(model) was trained on is missing (looked for it from \(FileManager.default.currentDirectoryPath))")
            }
            let now: InputFile
            do throws(InputFileError) { now = try InputFile(role: role, hashing: file.path) } catch {
                throw PipelineError(.inputFile, error)
            }
            guard now.sha256 == file.sha256 else {
                throw PipelineError(code: .trainingData, message: "\(file.path): the \(role) file has changed since \(model) was trained (SHA-256 \(file.sha256.prefix(12))… recorded, \(now.sha256.prefix(12))… now)")
            }
            return file.path
        }
        return (try path("accounts"), try path("payments"))
    }

    /// Whether the given files are byte for byte the model's training files at its as-of day.
    static func isTrainingData(_ artifact: ModelArtifact, source: PortfolioSource, asOf: CalendarDay) -> Bool {
        guard case .files(let accounts, let payments) = source, asOf.description == artifact.training.asOf else { return false }
        for (role, path) in [("accounts", accounts), ("payments", payments)] {
            guard let recorded = artifact.training.inputs.first(where: { $0.role == role }), recorded.matches(path: path)
            else { return false }
        }
        return true
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
struct ReportSample: Sendable {
    var portfolio: Portfolio
    /// The as-of day.
    var asOf: CalendarDay
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
    /// Levels the model never saw, scored as `other`: the PSI of the score cannot show
    /// them, so the report says them in its notes.
    var unseenLevels: [UnseenLevels] = []
    /// The sample's feature matrix (for the proportional-hazards residuals).
    var matrix: FeatureMatrix? = nil

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
            descriptionLines: descriptionLines(metrics: metrics),
            keyFigures: keyFigures(metrics: metrics, validation: validation, distribution: distribution),
            logisticCoefficients: artifact.logistic?.coefficients,
            coxCoefficients: artifact.cox?.coefficients,
            scoreLabel: "P(recovered within \(horizon) days)",
            validationLabel: validationLabel(labelled: labelled.y),
            validation: validation,
            recovery: recovery,
            scoreDistribution: distribution,
            worklist: worklist.map(classCounts),
            notes: sample.notes + unseenLevels.map { "Not in the training data — \($0.summary)." }
                + missingSectionNotes(labelled: labels != nil, validation: validation, recovery: recovery),
            proportionalHazards: labels.flatMap(residualTrends))
    }

    /// Features plotted in the proportional-hazards section.
    static let residualPlots = 2

    /// The scaled Schoenfeld residuals of the sample's labelled rows for the features with
    /// the smallest training PH-test p-values; nil without a Cox model or a PH test.
    func residualTrends(_ labels: Labels) -> [ResidualTrend]? {
        guard let cox = artifact.cox, let test = artifact.training.proportionalHazards, let matrix else { return nil }
        let rows = sample.rows, p = matrix.cols
        var values = [Double](repeating: 0, count: rows.count * p)
        for (k, i) in rows.enumerated() { for j in 0..<p { values[k * p + j] = matrix.values[i * p + j] } }
        guard let r = cox.scaledSchoenfeldResiduals(Matrix(rows: rows.count, cols: p, storage: values),
                                                    time: rows.map { labels.days[$0] }, event: rows.map { labels.recovered[$0] })
        else { return nil }
        let worst = test.features.indices.sorted { test.features[$0].pValue < test.features[$1].pValue }.prefix(Self.residualPlots)
        return worst.map { j in
            ResidualTrend(feature: test.features[j].name, coefficient: cox.coefficients[j].estimate,
                          pValue: test.features[j].pValue,
                          bins: ResidualTrend.binned(time: r.transformedTime, residual: (0..<r.residuals.rows).map { r.residuals[$0, j] }))
        }
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
        return logistic((points - scaling.offset) / scaling.factor)
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

    func descriptionLines(metrics: EvaluationMetrics?) -> [String] {
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
        if let td = metrics?.timeDependent {
            lines.append("Time-dependent accuracy (IPCW from these accounts): AUC(t) "
                + zip(td.horizons, td.auc).map { "\(Int($0.0)) days \(ReportText.fixed($0.1, 3))" }.joined(separator: ", ")
                + "; Brier(t) " + zip(td.horizons, td.brier).map { "\(Int($0.0)) days \(ReportText.fixed($0.1, 4))" }.joined(separator: ", ") + ".")
        }
        if let k = metrics?.consistency, !k.worst.isEmpty {
            lines.append("Models disagree most (logistic p vs Cox 1 − S(\(horizon) | x)) on "
                + k.worst.map { "\($0.accountID) (\(ReportText.fixed($0.logistic, 3)) vs \(ReportText.fixed($0.cox, 3)))" }.joined(separator: ", ")
                + "; \(ReportText.percent(k.shareAbove01, 1)) of the accounts differ by more than 0.1.")
        }
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
        if let td = metrics?.timeDependent {
            figures.append(KeyFigure("Uno's C (τ = \(Int(td.truncation)) days)", ReportText.fixed(td.unoC, 3)))
            figures.append(KeyFigure("Mean AUC(t), \(Int(td.horizons.first ?? 0))–\(Int(td.horizons.last ?? 0)) days",
                                     ReportText.fixed(td.meanAUC, 3)))
            figures.append(KeyFigure("Integrated Brier score", ReportText.fixed(td.integratedBrier, 4)))
        }
        if let k = metrics?.consistency {
            figures.append(KeyFigure("Median |p − (1 − S(\(horizon)))|", ReportText.fixed(k.medianGap, 3)))
        }
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
