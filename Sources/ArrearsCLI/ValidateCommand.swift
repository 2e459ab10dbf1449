import ArgumentParser
import Features
import Foundation
import Pipeline
import PortfolioIO
import Prioritizer

/// `arrears validate`: read a portfolio, account for every row, and summarise it.
public struct Validate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a portfolio (accounts.csv + payments.csv) and summarise it.",
        discussion: """
            Reads both files (schema v1, DESIGN §2), rejects malformed rows with file, \
            line, column and reason, and prints the row counts, which always add up: \
            rows read = valid rows + rejected rows, for each file. With --as-of it also \
            builds the feature matrix and reports the statements after as-of (ignored). \
            Rejected rows go to --rejects (CSV) when given; the exit code is non-zero \
            when any row is rejected and --strict is set, or when a file cannot be used.

            Example:
              arrears validate --accounts data/accounts.csv \\
                --payments data/payments.csv --as-of 2026-01-01 \\
                --rejects /tmp/rejects.csv
            """
    )

    @Option(help: ArgumentHelp("Accounts CSV ('-' for standard input).", valueName: "file"))
    var accounts: String

    @Option(help: ArgumentHelp("Payments CSV ('-' for standard input).", valueName: "file"))
    var payments: String

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Also build features as of this date, YYYY-MM-DD or 'today'.", valueName: "date"))
    var asOf: CalendarDay?

    @Option(help: ArgumentHelp("Write rejected rows here as CSV ('-' for standard output).", valueName: "file"))
    var rejects: String?

    @Flag(help: "Exit non-zero when any row is rejected.")
    var strict = false

    @Flag(help: "Require the training labels days_to_recovery and recovered.")
    var labels = false

    @Flag(help: "No progress lines on standard error (the summary is still printed).")
    var quiet = false

    public init() {}

    public func validate() throws {
        if accounts == "-" && payments == "-" {
            throw ValidationError("--accounts and --payments cannot both be '-' (standard input).")
        }
    }

    public func run() throws {
        let console = Console(quiet: quiet)
        try Outputs.check([(rejects, "--rejects")], inputs: [(accounts, "--accounts"), (payments, "--payments")])
        console.progress("reading \(accounts) and \(payments)")
        let portfolio = try cli { () throws(PipelineError) in
            try Pipeline.read(.files(accounts: accounts, payments: payments), labels: labels)
        }
        let summary = try cli { () throws(PipelineError) in
            try PortfolioSummary(portfolio, names: (accounts, payments), asOf: asOf)
        }
        console.note(summary.lines.joined(separator: "\n"))

        if let rejects {
            var outputs = Outputs()
            outputs.add(rejectsBytes(portfolio.rejects), to: rejects, role: "--rejects")
            try outputs.commit()
        }
        if strict && !portfolio.rejects.isEmpty {
            throw CommandFailure(message: "--strict: \(portfolio.rejects.count) rows rejected")
        }
    }

}
