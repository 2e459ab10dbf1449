import ArgumentParser
import Foundation
import PortfolioIO
import Pipeline
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

            With --ledger FILE (arrears ledger init) the contact rules come from the \
            ledger's events as of the as-of day instead of the calls_last_7d and \
            last_conversation_date columns: calls in the 7 days ending on as-of against \
            max_calls_7d and [state_rules.XX], the 7 days from a conversation, cease \
            requests, disputes and call opt-outs; promises due today or recently broken \
            lead the worklist as a follow-up queue; the worklist gains queue, \
            call_window_utc, call_window_local, calls_left_today and binding_limit, the \
            holds file next_contact_date; and the run with every decision is recorded \
            in the ledger (arrears ledger show ACCOUNT).

            Memory: without --ledger, with regular input files and file outputs, the \
            portfolio is ranked chunk by chunk (the worklist as a running top-k, the \
            holds file merged from sorted runs spilled beside it), in bounded memory when \
            the payments are grouped by account in the accounts' order; other input is \
            detected and read whole instead, with the same outputs. Progress as for \
            'arrears score'.

            Example:
              arrears rank --model models/arrears-model.json \\
                --accounts data/accounts.csv --payments data/payments.csv \\
                --as-of 2026-01-01 --capacity 200 \\
                --policy policies/example-policy.toml --out /tmp/worklist.csv
            """
    )

    @Option(help: ArgumentHelp("The model artifact written by 'arrears train'.", valueName: "file"))
    var model: String

    @OptionGroup var portfolio: PortfolioOptions

    @Option(help: ArgumentHelp("Worklist policy (TOML); defaults apply without it.", valueName: "file"))
    var policy: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Accounts on today's worklist (overrides the policy's capacity; at least 1).", valueName: "n"))
    var capacity: Int?

    @Option(help: ArgumentHelp("Where to write the worklist ('-' for standard output, which needs --holds).", valueName: "file"))
    var out: String = "worklist.csv"

    @Option(help: ArgumentHelp("Where to write the other classes and rejected account rows (default <out>-holds.csv, or .jsonl with --format jsonl; required when --out is '-').",
                               valueName: "file"))
    var holds: String?

    @Option(help: ArgumentHelp("Write rejected rows of both files here (CSV; default <out>-rejects.csv, created when a row is rejected).", valueName: "file"))
    var rejects: String?

    @Option(help: "Output format: csv or jsonl.")
    var format: OutputFormat = .csv

    @Option(help: ArgumentHelp("Contact ledger (arrears ledger init): contact rules from its events, follow-ups first, call windows and calls left per row; the run is recorded in it.",
                               valueName: "file"))
    var ledger: String?

    @Flag(help: "Stop with an error when any input row is rejected.")
    var strict = false

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
        let holdsPath = holds ?? siblingPath(of: out, suffix: "holds", extension: format.fileExtension) ?? "-"
        let rejectsPath = rejects ?? siblingPath(of: out, suffix: "rejects")
        let metaPath = siblingPath(of: out, suffix: "meta", extension: ".json")
        try Outputs.check([(out, "--out"), (holdsPath, "--holds"), (rejectsPath, "--rejects"), (metaPath, "<out>-meta.json")],
                          inputs: portfolio.inputs + [(model, "--model")] + (policy.map { [($0, "--policy")] } ?? [])
                              + (ledger.map { [($0, "--ledger")] } ?? []))
        let rules = try loadPolicy(policy)
        var clock = StageClock()
        let artifact = try loadModel(model)
        let enrich = try LedgerFeatureInput.enrichment(for: artifact, modelPath: model, ledger: ledger, asOf: portfolio.asOf)
        if ledger == nil, StreamingOptions.canStream(portfolio.source), out != "-", holdsPath != "-", rejectsPath != "-",
           try runStreaming(artifact, rules: rules, holdsPath: holdsPath, rejectsPath: rejectsPath, metaPath: metaPath,
                            clock: &clock, console: console) {
            return
        }
        let scored = try cli { () throws(PipelineError) in
            try Pipeline.score(portfolio.source, with: artifact, asOf: portfolio.asOf, strict: strict, reasons: false,
                               progress: console.progress, enrich: enrich)
        }
        let data = scored.portfolio
        clock.lap("read, features, scores")
        var ledgerRank = try ledger.map(LedgerRank.init(path:))
        let contacts = try ledgerRank?.facts(for: data.accounts, asOf: portfolio.asOf.dayNumber)
        let ranked = try cli { () throws(PipelineError) in
            try Pipeline.rank(scored, policy: rules, capacity: capacity, contacts: contacts)
        }
        clock.lap("rank")
        let check = AsOfCheck(scored, maxDaysAfterTraining: rules.maxDaysAfterTraining)
        // The audit trail is written while the outputs render; it commits only after them.
        let audit = try ledgerRank?.startRecording(ranked.result, asOf: portfolio.asOf.dayNumber, model: model, policy: policy)
        let outputs = files(ranked, check: check, holds: holdsPath, rejects: rejectsPath, meta: metaPath, console: console)
        do { try outputs.commit() } catch {
            try? audit?.finish(commit: false)
            throw error
        }
        clock.lap("write")
        if let audit {
            console.note(try audit.finish(commit: true))
            clock.lap("ledger audit")
        }
        console.note(ranked.counts.description)
        console.note("payments: \(data.paymentRows) rows read = \(data.payments.count) used + \(data.rejectedPaymentRows) rejected")
        console.note("timings: \(clock.summary)")
        printAsOfNotes(check, asOf: portfolio.asOf, console: console)
        console.note("worklist → \(out == "-" ? "standard output" : out); other classes and rejected accounts → \(holdsPath)"
                     + (rejectsPath.map { data.rejects.isEmpty && rejects == nil ? "" : "; rejected rows → \($0)" } ?? ""))
    }

    /// The worklist, holds, rejects and meta files of a ranked portfolio. The rejected
    /// account rows are in the holds file; without a rejects file the rejected payment rows
    /// are listed on standard error.
    func files(_ ranked: RankedPortfolio, check: AsOfCheck, holds: String, rejects rejectsPath: String?, meta: String?,
               console: Console) -> Outputs {
        let data = ranked.scored.portfolio
        var outputs = Outputs()
        outputs.add(ranked.worklistBytes(format: format), to: out, role: "--out")
        outputs.add(ranked.holdsBytes(format: format), to: holds, role: "--holds")
        let paymentRejects = data.rejects.filter { $0.source == .payments }
        addRejects(rejectsPath == nil ? paymentRejects : data.rejects, path: rejectsPath, explicit: rejects != nil,
                   to: &outputs, console: console)
        if let meta {
            outputs.add(RunMetadata(command: "rank", scored: ranked.scored, check: check, figures: ranked.counts.figures).jsonBytes(),
                        to: meta, role: "<out>-meta.json")
        }
        return outputs
    }

    /// The bounded-memory run (DESIGN §9, `Pipeline.streamRank`): the worklist as a running
    /// top-k, the holds file merged from sorted runs spilled beside it. Returns false when
    /// the input cannot stream or any error stopped it: then nothing was written and the
    /// caller reads the portfolio whole (same outputs, or the error as it always was).
    func runStreaming(_ artifact: ModelArtifact, rules: Policy, holdsPath: String, rejectsPath: String?, metaPath: String?,
                      clock: inout StageClock, console: Console) throws -> Bool {
        let outputs = StreamingOutputSet()
        let ranking: StreamedRanking
        let meter = console.meter("rank")
        do {
            let worklistHandle = try outputs.open(out, role: "--out")
            let holdsHandle = try outputs.open(holdsPath, role: "--holds")
            let directory = holdsPath.lastIndex(of: "/").map { String(holdsPath[..<$0]) } ?? "."
            ranking = try Pipeline.streamRank(accounts: portfolio.accounts, payments: portfolio.payments, with: artifact,
                                              asOf: portfolio.asOf, policy: rules, capacity: capacity, format: format,
                                              spillDirectory: directory.isEmpty ? "/" : directory, progress: meter.update,
                                              worklist: { try outputs.append($0, to: worklistHandle) },
                                              holds: { try outputs.append($0, to: holdsHandle) })
        } catch {
            outputs.discard()
            meter.abandon("reading the whole portfolio instead of streaming it: \(error)")
            return false
        }
        meter.finish()
        clock.lap("read, features, scores, rank, render")
        let streamed = ranking.streamed
        if strict, let error = streamed.strictError {
            outputs.discard()
            throw CommandFailure(error)
        }
        var stale: [String] = []
        let rejected = rejectsPath == nil ? streamed.totals.paymentRejects : streamed.rejects
        if let rejectsPath {
            if rejects != nil || !rejected.isEmpty {
                try cli { () throws(PipelineError) in try Score.write(rejectsBytes(rejected), outputs, rejectsPath, "--rejects") }
            } else {
                stale.append(rejectsPath)
            }
        } else {
            for r in rejected { console.note("rejected: \(r)") }
        }
        let check = AsOfCheck(streamed, maxDaysAfterTraining: rules.maxDaysAfterTraining)
        if let metaPath {
            try cli { () throws(PipelineError) in
                try Score.write(RunMetadata(command: "rank", streamed: streamed, check: check, figures: ranking.counts.figures).jsonBytes(),
                                outputs, metaPath, "<out>-meta.json")
            }
        }
        do throws(OutputError) { try outputs.commit() } catch { throw CommandFailure(message: error.message) }
        for path in stale where FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
        clock.lap("write")
        let t = streamed.totals
        console.note(ranking.counts.description)
        console.note("payments: \(t.paymentRows) rows read = \(t.paymentsUsed) used + \(streamed.rejectedPaymentRows) rejected")
        console.note("timings: \(clock.summary)")
        printAsOfNotes(check, asOf: portfolio.asOf, console: console)
        console.note("worklist → \(out); other classes and rejected accounts → \(holdsPath)"
                     + (rejectsPath.map { streamed.rejects.isEmpty && rejects == nil ? "" : "; rejected rows → \($0)" } ?? ""))
        return true
    }
}
