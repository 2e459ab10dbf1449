import ArgumentParser
import Foundation
import Models
import PortfolioIO
import Pipeline
import Scoring

/// `arrears evaluate`: a model's metrics on a labelled portfolio, and the score's PSI.
public struct Evaluate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on a labelled portfolio: AUC, Gini, KS, Brier, calibration, Harrell's C, PSI.",
        discussion: """
            Scores a labelled portfolio (accounts.csv with days_to_recovery and \
            recovered) and prints the same metrics 'train' prints for its holdout — \
            evaluating a model on exactly its holdout accounts reproduces them — plus the \
            population stability index (PSI) of the score points against the training \
            distribution stored in the model (< 0.1 stable, 0.1–0.25 some shift, > 0.25 \
            a significant shift). --format json prints the numbers as one JSON object.

            Example:
              arrears evaluate --model models/arrears-model.json \\
                --accounts data/accounts.csv --payments data/payments.csv \\
                --as-of 2026-01-01
            """
    )

    @Option(help: ArgumentHelp("The model artifact written by 'arrears train'.", valueName: "file"))
    var model: String

    @OptionGroup var portfolio: PortfolioOptions

    @Option(help: "Output: text (a summary) or json.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Where to write the metrics ('-' for standard output).", valueName: "file"))
    var out: String = "-"

    @Option(help: ArgumentHelp("Write rejected rows here (CSV); without it they are listed on standard error.",
                               valueName: "file"))
    var rejects: String?

    @Option(name: .customLong("holdout-ids"),
            help: ArgumentHelp("Evaluate only the accounts listed in this CSV (column account_id), e.g. the file 'train --holdout-ids' wrote.",
                               valueName: "file"))
    var holdoutIDs: String?

    @Flag(help: "Stop with an error when any input row is rejected.")
    var strict = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    public init() {}

    public func run() throws {
        let console = Console(quiet: quiet)
        try Outputs.check([(out, "--out"), (rejects, "--rejects")],
                          inputs: portfolio.inputs + [(model, "--model")] + (holdoutIDs.map { [($0, "--holdout-ids")] } ?? []))
        let artifact = try loadModel(model)
        console.progress("reading \(portfolio.accounts) and \(portfolio.payments)")
        let data = try cli { () throws(PipelineError) in try Pipeline.read(portfolio.source, labels: true) }
        try cli { () throws(PipelineError) in try data.checkStrict(strict) }
        guard data.accounts.count > 0 else {
            throw CommandFailure(message: "--accounts \(portfolio.accounts): no valid accounts to evaluate (\(data.rejectedAccountRows) rows rejected\(rejects.map { ", see \($0)" } ?? ""))")
        }
        let rows = try holdoutIDs.map { path in
            do throws(PipelineError) { return try Pipeline.rows(listedIn: path, of: data) } catch {
                throw CommandFailure(message: "--holdout-ids: " + error.message)
            }
        }
        let scored = try cli { () throws(PipelineError) in try Pipeline.score(data, with: artifact, asOf: portfolio.asOf) }
        var report = try cli { () throws(PipelineError) in try Pipeline.evaluate(scored, rows: rows) }
        report.warnings = AsOfCheck(scored).warnings
        if rows == nil, Pipeline.isTrainingData(artifact, source: portfolio.source, asOf: portfolio.asOf) {
            report.warnings.append("these are the model's own training files at its training as-of: the figures are in-sample for the training accounts and flatter the model; pass the holdout with --holdout-ids (written by 'train --holdout-ids') or evaluate on a later portfolio")
        }
        var outputs = Outputs()
        switch format {
        case .json: outputs.add(report.jsonBytes(), to: out, role: "--out")
        case .text: outputs.add(report.text(portfolioName: portfolio.accounts, horizonDays: artifact.horizonDays, cox: artifact.cox != nil), to: out, role: "--out")
        }
        addRejects(data.rejects, path: rejects, explicit: true, to: &outputs, console: console)
        try outputs.commit()
        console.note(data.countsLine("evaluated") + (rows.map { " (\($0.count) of them listed in --holdout-ids)" } ?? ""))
        for warning in report.warnings { console.note("warning: \(warning)") }
    }
}

/// `arrears inspect`: print a model's summary.
public struct Inspect: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a model's summary: training data, coefficient tables, holdout metrics.",
        discussion: """
            Loads and checks the artifact (format, version, every dimension) and prints \
            the summary 'train' printed. --features also lists each feature's definition.

            Example:
              arrears inspect --model models/arrears-model.json
            """
    )

    @Option(help: ArgumentHelp("The model artifact.", valueName: "file"))
    var model: String

    @Flag(help: "Also list every feature with its definition and unit.")
    var features = false

    @Flag(help: "Accepted for consistency with the other commands (inspect prints no progress lines).")
    var quiet = false

    public init() {}

    public func run() throws {
        let artifact = try loadModel(model)
        var text = artifact.summaryText()
        if features {
            text += "\nFeatures (as of the training date):\n"
            for c in artifact.features.columns {
                text += "  \(c.name) [\(c.unit)]: \(c.definition)\n"
            }
        }
        try Console(quiet: quiet).print(text)
    }
}
