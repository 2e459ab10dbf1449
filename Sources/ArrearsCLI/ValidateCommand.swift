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
        var out = ""
        let a = portfolio.accounts
        out += "accounts: \(portfolio.accountRows) rows read = \(a.count) valid + \(portfolio.rejectedAccountRows) rejected  (\(accounts))\n"
        out += "payments: \(portfolio.paymentRows) rows read = \(portfolio.payments.count) valid + \(portfolio.rejectedPaymentRows) rejected  (\(payments))\n"
        if a.hasLabels {
            let events = a.recovered.lazy.filter { $0 }.count
            out += "labels:   \(events) recovered, \(a.count - events) censored\n"
        }
        if a.count > 0 {
            let total = a.balance.reduce(0, +)
            out += "balance:  total \(Self.money(total)), mean \(Self.money(total / Double(a.count)))\n"
            let holds = (0..<a.count).filter { a.bankruptcy[$0] || a.ceaseAndDesist[$0] || a.dispute[$0] || a.deceased[$0] }.count
            out += "holds:    \(holds) accounts with a hold flag\n"
        }
        out += Policy.defaults.ruleSupportLines(presentColumns: a.presentColumns).map { "rule:     \($0)\n" }.joined()
        var byCode: [String: Int] = [:]
        for r in portfolio.rejects { byCode["\(r.source.rawValue) \(r.code.rawValue)", default: 0] += 1 }
        for key in byCode.keys.sorted() { out += "rejected: \(key): \(byCode[key]!)\n" }
        for r in portfolio.rejects.prefix(5) { out += "  \(r)\n" }
        if portfolio.rejects.count > 5 { out += "  … \(portfolio.rejects.count - 5) more\n" }

        if let asOf, a.count > 0 {
            do {
                let (spec, matrix) = try FeatureSpec.fitTransform(portfolio, asOf: asOf)
                out += "features: \(matrix.rows) × \(matrix.cols) as of \(asOf); \(matrix.statementsUsed) statements used, "
                    + "\(matrix.statementsAfterAsOf) after as-of ignored, \(matrix.accountsWithoutStatements) accounts without statements\n"
                if !spec.droppedConstant.isEmpty {
                    out += "dropped constant columns: \(spec.droppedConstant.joined(separator: ", "))\n"
                }
            } catch {
                throw CommandFailure(message: "\(error)")
            }
        }
        console.note(String(out.dropLast()))

        if let rejects {
            var outputs = Outputs()
            outputs.add(rejectsBytes(portfolio.rejects), to: rejects, role: "--rejects")
            try outputs.commit()
        }
        if strict && !portfolio.rejects.isEmpty {
            throw CommandFailure(message: "--strict: \(portfolio.rejects.count) rows rejected")
        }
    }

    static func money(_ x: Double) -> String { String(format: "%.2f", x) }
}
