import ArgumentParser
import Foundation
import Models
import PortfolioIO
import Prioritizer
import Report
import Pipeline
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

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The portfolio's as-of date, YYYY-MM-DD or 'today'.", valueName: "date"))
    var asOf: CalendarDay?

    @Option(help: ArgumentHelp("Worklist policy (TOML): adds the worklist class counts.", valueName: "file"))
    var policy: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Accounts on today's worklist (overrides the policy's capacity); adds the worklist class counts.",
                               valueName: "n"))
    var capacity: Int?

    @Option(help: ArgumentHelp("Where to write the HTML report ('-' for standard output).", valueName: "file"))
    var out: String

    @Flag(help: "Stop with an error when any input row is rejected.")
    var strict = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    public init() {}

    public func validate() throws {
        let given = [accounts, payments, asOf?.description].compactMap { $0 }.count
        if given != 0 && given != 3 {
            throw ValidationError("--accounts, --payments and --as-of go together: give all three to report on a portfolio, or none to report on the model's holdout.")
        }
        if accounts == "-" && payments == "-" {
            throw ValidationError("--accounts and --payments cannot both be '-' (standard input).")
        }
        if let capacity, capacity < 1 { throw ValidationError("--capacity must be at least 1, got \(capacity).") }
    }

    public func run() throws {
        let console = Console(quiet: quiet)
        let inputs = [(model, "--model")] + [(accounts, "--accounts"), (payments, "--payments"), (policy, "--policy")]
            .compactMap { i in i.0.map { ($0, i.1) } }
        try Outputs.check([(out, "--out")], inputs: inputs)
        let worklist: ReportWorklist? = policy != nil || capacity != nil
            ? ReportWorklist(policy: try loadPolicy(policy), capacity: capacity, policyName: policy ?? "the documented defaults")
            : nil
        let artifact = try loadModel(model)
        var data = ReportData.training
        if let accounts, let payments, let asOf { data = .portfolio(.files(accounts: accounts, payments: payments), asOf: asOf) }
        let document = try cli { () throws(PipelineError) in
            try Pipeline.report(artifact, on: data, worklist: worklist, strict: strict, progress: console.progress)
        }
        var outputs = Outputs()
        outputs.add(Array(document.html().utf8), to: out, role: "--out")
        try outputs.commit()
        console.note("report: \(document.sectionIDs.joined(separator: ", ")) → \(out == "-" ? "standard output" : out)")
    }
}
