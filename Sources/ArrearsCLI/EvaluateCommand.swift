import ArgumentParser
import Foundation
import Models
import PortfolioIO
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
              arrears evaluate --model models/arrears-model.json --accounts data/accounts.csv \\
                --payments data/payments.csv --as-of 2026-01-01
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

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    public init() {}

    /// What `evaluate --format json` prints.
    struct Report: Codable {
        var model: String
        var asOf: String
        var metrics: EvaluationMetrics
        var populationStability: PopulationStability?
    }

    public func run() throws {
        let console = Console(quiet: quiet)
        if let rejects { try checkWritable(rejects, flag: "--rejects") }
        try checkWritable(out, flag: "--out")
        let artifact = try loadModel(model)
        var clock = StageClock()
        let (data, _, scores) = try portfolio.scored(by: artifact, modelPath: model, labels: true, console: console,
                                                     clock: &clock) { [portfolio, rejects] data in
            guard data.accounts.count > 0 else {
                throw CommandFailure(message: "--accounts \(portfolio.accounts): no valid accounts to evaluate (\(data.rejectedAccountRows) rows rejected\(rejects.map { ", see \($0)" } ?? ""))")
            }
        }.tuple
        let labels = Labels(days: data.accounts.daysToRecovery, recovered: data.accounts.recovered)
        let metrics = artifact.evaluate(scores, labels: labels, accountIDs: data.accounts.accountID)
        let psi = artifact.training.scoreDistribution.stability(of: scores.scorePoints)
        try writeRejects(data.rejects, to: rejects, console: console)

        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                          negativeInfinity: "-Infinity", nan: "NaN")
            let report = Report(model: model, asOf: portfolio.asOf, metrics: metrics, populationStability: psi)
            try writeOutput(Array(try encoder.encode(report)) + [0x0A], to: out, flag: "--out")
        case .text:
            var lines = metrics.summaryLines(title: "Evaluation of \(model) on \(portfolio.accounts) as of \(portfolio.asOf) (\(metrics.accounts) accounts)",
                                             horizonDays: artifact.horizonDays, cox: artifact.cox != nil)
            if let psi {
                let verdict = psi.index < 0.1 ? "stable" : psi.index < 0.25 ? "some shift" : "significant shift"
                lines.append("  PSI of score points vs training: \(String(format: "%.4f", psi.index)) (\(verdict))")
            }
            try writeOutput(Array((lines.joined(separator: "\n") + "\n").utf8), to: out, flag: "--out")
        }
        console.note("accounts: \(data.accountRows) rows read = \(scores.count) evaluated + \(data.rejectedAccountRows) rejected; "
                     + "payments: \(data.paymentRows) rows read = \(data.payments.count) used + \(data.rejectedPaymentRows) rejected")
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
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
