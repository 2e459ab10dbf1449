import ArgumentParser
import Foundation
import PortfolioIO
import Prioritizer
import Scoring
import Features

/// `arrears rank`: score, classify and rank the day's worklist.
public struct Rank: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Rank today's worklist: score every account and sort it into worklist, deferred, not worth pursuing, do not contact or rejected.",
        discussion: """
            Scores the portfolio with the model, computes expected value EV = balance × \
            recovery rate × p (optionally discounted over the Cox curve) and net value = \
            EV − cost per attempt, and puts every account in exactly one class (DESIGN §6): \
            do not contact (hold flag or time-barred) > not worth pursuing (net value \
            below min_net_value, or a chronic defaulter below p_floor) > deferred by a \
            contact rule (≥ 7 calls in 7 days, a conversation within 7 days) > the \
            worklist, ranked by net value (ties: higher p, then account_id) and cut at \
            --capacity; the rest are deferred as over capacity.

            --out gets the worklist (rank, account_id, balance, p_recover, \
            expected_value, net_value, median_days, score_points, reason_1..3). --holds \
            gets every other account in one file with its class, the rule and the \
            figures behind it, then the rejected account rows (default \
            <out>-holds.csv). Rejected payment rows go to --rejects (default \
            <out>-rejects.csv). The class counts on standard error add up to the rows \
            of the accounts file. Thresholds come from --policy (TOML; see \
            policies/example-policy.toml); without it the documented defaults apply.

            Example:
              arrears rank --model models/arrears-model.json --accounts data/accounts.csv \\
                --payments data/payments.csv --as-of 2026-01-01 --capacity 200 \\
                --policy policies/example-policy.toml --out /tmp/worklist.csv
            """
    )

    @Option(help: ArgumentHelp("The model artifact written by 'arrears train'.", valueName: "file"))
    var model: String

    @OptionGroup var portfolio: PortfolioOptions

    @Option(help: ArgumentHelp("Worklist policy (TOML); defaults apply without it.", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Accounts on today's worklist (overrides the policy's capacity).", valueName: "n"))
    var capacity: Int?

    @Option(help: ArgumentHelp("Where to write the worklist ('-' for standard output).", valueName: "file"))
    var out: String = "-"

    @Option(help: ArgumentHelp("Where to write the other classes and rejected account rows (default <out>-holds.csv; required when --out is '-').",
                               valueName: "file"))
    var holds: String?

    @Option(help: ArgumentHelp("Write rejected rows of both files here (CSV; default <out>-rejects.csv, created when a row is rejected).", valueName: "file"))
    var rejects: String?

    @Option(help: "Output format: csv or jsonl.")
    var format: OutputFormat = .csv

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    public init() {}

    public func validate() throws {
        if let capacity, capacity < 1 { throw ValidationError("--capacity must be at least 1, got \(capacity).") }
        if out == "-" && holds == nil {
            throw ValidationError("--holds is required when --out is '-' (standard output): every account must land in a file.")
        }
    }

    public func run() throws {
        let console = Console(quiet: quiet)
        let holdsPath = holds ?? siblingPath(of: out, suffix: "holds")!
        let rejectsPath = rejects ?? siblingPath(of: out, suffix: "rejects")
        for (path, flag) in [(out, "--out"), (holdsPath, "--holds")] + (rejectsPath.map { [($0, "--rejects")] } ?? []) {
            try checkWritable(path, flag: flag)
        }
        let rules: Policy
        if let policy {
            do { rules = try Policy.load(path: policy) } catch { throw CommandFailure(message: "--policy: \(error.description)") }
        } else {
            rules = Policy()
        }
        var clock = StageClock()
        let artifact = try loadModel(model)
        let (data, matrix, scores) = try portfolio.scored(by: artifact, modelPath: model, labels: false, console: console,
                                                          clock: &clock).tuple
        let outputs = ModelOutputs(scores)
        var result: WorklistResult
        do {
            result = try Prioritizer(policy: rules).rank(accounts: data.accounts, rejects: data.rejects,
                                                         accountRows: data.accountRows, asOf: portfolio.asOfDay,
                                                         scores: outputs, capacity: capacity)
        } catch {
            throw CommandFailure(message: "rank: \(error.description)")
        }
        clock.lap("rank")
        result.reasons = Self.reasonTexts(for: result.worklist, scores: scores, matrix: matrix, artifact: artifact,
                                          accountIDs: data.accounts.accountID)
        // All outputs are renamed into place together, after all of them are written.
        var files = [(bytes: result.worklistBytes(format: format), path: out, flag: "--out"),
                       (bytes: result.holdsBytes(format: format), path: holdsPath, flag: "--holds")]
        if let rejectsPath {
            if rejects != nil || !data.rejects.isEmpty {
                files.append((try rejectsBytes(data.rejects), rejectsPath, "--rejects"))
            } else {
                removeStaleRejects(at: rejectsPath)
            }
        }
        try writeOutputs(files)
        if rejectsPath == nil {
            // The rejected account rows are in the holds file; list the payment rows.
            try writeRejects(data.rejects.filter { $0.source == .payments }, to: nil, console: console)
        }

        clock.lap("write")
        console.note(result.counts.description)
        console.note("payments: \(data.paymentRows) rows read = \(data.payments.count) used + \(data.rejectedPaymentRows) rejected")
        console.note("timings: \(clock.summary)")
        console.note("worklist → \(out == "-" ? "standard output" : out); other classes and rejected accounts → \(holdsPath)"
                     + (rejectsPath.map { data.rejects.isEmpty && rejects == nil ? "" : "; rejected rows → \($0)" } ?? ""))
    }

    /// Reason texts for the worklist accounts only (the other outputs show none),
    /// deduplicated into one table.
    static func reasonTexts(for worklist: [Int32], scores: Scores, matrix: FeatureMatrix,
                            artifact: ModelArtifact, accountIDs: [String]) -> ReasonCodes {
        let table = ScoreTable(accountIDs: accountIDs, scores: scores, matrix: matrix, artifact: artifact)
        var codes = [Int32](repeating: -1, count: scores.count * ReasonCodes.perAccount)
        var texts: [String] = []
        var index: [String: Int32] = [:]
        for a in worklist {
            let i = Int(a)
            for k in 0..<ReasonCodes.perAccount {
                guard let reason = table.reason(i, k) else { continue }
                if let known = index[reason.text] {
                    codes[i * ReasonCodes.perAccount + k] = known
                } else {
                    index[reason.text] = Int32(texts.count)
                    codes[i * ReasonCodes.perAccount + k] = Int32(texts.count)
                    texts.append(reason.text)
                }
            }
        }
        return ReasonCodes(codes: codes, texts: texts)
    }
}
