import ArgumentParser
import Features
import Foundation
import PortfolioIO
import Pipeline
import Prioritizer
import Scoring

/// `arrears score`: both models' outputs for every valid account.
public struct Score: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a portfolio with a trained model: p_recover, recovery by each horizon, median days, points, reasons.",
        discussion: """
            One output row per valid account, in the accounts file's order: account_id, \
            p_recover (P(recovered within the model's horizon)), p_recovered_<t>d for each \
            Cox horizon, median_days (empty when the predicted curve stays above ½ through \
            the training follow-up), score_points, and the top three reasons (reason_k = \
            the feature, reason_k_text = why). CSV by default, JSON Lines with --format \
            jsonl. Beside a file --out, <out>-meta.json records the model, the as-of \
            day, the row counts and any warnings. Rejected input rows go to --rejects (default <out>-rejects.csv; when \
            --out is '-' and no --rejects is given, each rejected row is listed on \
            standard error), and the counts on standard error always add up: rows read = \
            rows scored + rows rejected.

            Memory: when --accounts and --payments are regular files and the outputs are \
            files, the portfolio is scored in chunks of accounts with their statements \
            and each chunk's rows are written as they are ready, in bounded memory (under \
            1 GB at 10M accounts) when the payments are grouped by account in the \
            accounts' order (as 'arrears generate' writes them). Input that is not \
            grouped is detected and read whole instead; the output is the same either \
            way. Progress on standard error: one line updated in place on a terminal, \
            a line per 10 % otherwise (none for a run under a second), none with --quiet.

            Example:
              arrears score --model models/arrears-model.json \\
                --accounts data/accounts.csv --payments data/payments.csv \\
                --as-of 2026-01-01 --out /tmp/scores.csv
              arrears score --model M --accounts - --payments p.csv \\
                --as-of 2026-01-01 --format jsonl < a.csv | head
            """
    )

    @Option(help: ArgumentHelp("The model artifact written by 'arrears train'.", valueName: "file"))
    var model: String

    @OptionGroup var portfolio: PortfolioOptions

    @Option(help: ArgumentHelp("Where to write the scores ('-' for standard output).", valueName: "file"))
    var out: String = "-"

    @Option(help: "Output format: csv or jsonl.")
    var format: OutputFormat = .csv

    @Option(help: ArgumentHelp("Write rejected rows here (CSV; default <out>-rejects.csv, created when a row is rejected).", valueName: "file"))
    var rejects: String?

    @Option(help: ArgumentHelp("""
        Contact ledger for a model trained with 'train --ledger': its ledger features from the \
        events dated on or before --as-of. Needed exactly when the model uses them.
        """, valueName: "file"))
    var ledger: String?

    @Flag(help: "Stop with an error when any input row is rejected.")
    var strict = false

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    public init() {}

    public func run() throws {
        let console = Console(quiet: quiet)
        let rejectsPath = rejects ?? siblingPath(of: out, suffix: "rejects")
        let metaPath = siblingPath(of: out, suffix: "meta", extension: ".json")
        try Outputs.check([(out, "--out"), (rejectsPath, "--rejects"), (metaPath, "<out>-meta.json")],
                          inputs: portfolio.inputs + [(model, "--model")] + (ledger.map { [($0, "--ledger")] } ?? []))
        var clock = StageClock()
        let artifact = try loadModel(model)
        let enrich = try LedgerFeatureInput.enrichment(for: artifact, modelPath: model, ledger: ledger, asOf: portfolio.asOf)
        if ledger != nil, enrich == nil {
            console.note("--ledger: the model uses no ledger features; the ledger is not read")
        }
        if enrich == nil, StreamingOptions.canStream(portfolio.source), out != "-", rejectsPath != "-",
           try runStreaming(artifact, rejectsPath: rejectsPath, metaPath: metaPath, clock: &clock, console: console) {
            return
        }
        let scored = try cli { () throws(PipelineError) in
            try Pipeline.score(portfolio.source, with: artifact, asOf: portfolio.asOf, strict: strict, progress: console.progress,
                               enrich: enrich)
        }
        let data = scored.portfolio
        clock.lap("read, features, scores")
        var outputs = Outputs()
        outputs.add(scored.table.rendered(format: format), to: out, role: "--out")
        clock.lap("render")
        addRejects(data.rejects, path: rejectsPath, explicit: rejects != nil, to: &outputs, console: console)
        let check = AsOfCheck(scored)
        if let metaPath { outputs.add(RunMetadata(command: "score", scored: scored, check: check).jsonBytes(), to: metaPath, role: "<out>-meta.json") }
        try outputs.commit()
        clock.lap("write")
        console.note(data.countsLine("scored") + (data.rejects.isEmpty ? "" : " → \(rejectsPath ?? "standard error")"))
        console.note("timings: \(clock.summary)")
        printAsOfNotes(check, asOf: portfolio.asOf, console: console)
    }

    /// The bounded-memory run (DESIGN §9): scores chunk by chunk, each chunk's rows
    /// appended to the output's temporary file as they are rendered. Returns false when the
    /// input cannot stream (`StreamFallback`: not grouped by account) or any error stopped
    /// it: then nothing was written and the caller reads the portfolio whole, which gives
    /// the same outputs, or reports the error as it always has.
    func runStreaming(_ artifact: ModelArtifact, rejectsPath: String?, metaPath: String?, clock: inout StageClock,
                      console: Console) throws -> Bool {
        let outputs = StreamingOutputSet()
        let streamed: StreamedPortfolio
        let meter = console.meter("score")
        do {
            let handle = try outputs.open(out, role: "--out")
            var wroteHeader = format != .csv
            streamed = try Pipeline.streamScore(accounts: portfolio.accounts, payments: portfolio.payments, with: artifact,
                                                asOf: portfolio.asOf, progress: meter.update) { scored, _ in
                if !wroteHeader {
                    try outputs.append(TextOutput(format: .csv, header: ScoreTable.columns(horizons: scored.scores.horizons,
                                                                                        outcomes: scored.scores.outcomes)).bytes,
                                       to: handle)
                    wroteHeader = true
                }
                try outputs.append(scored.tableRows(format: format), to: handle)
            }
        } catch {
            outputs.discard()
            meter.abandon("reading the whole portfolio instead of streaming it: \(error)")
            return false
        }
        meter.finish()
        clock.lap("read, features, scores, render")
        if strict, let error = streamed.strictError {
            outputs.discard()
            throw CommandFailure(error)
        }
        var stale: [String] = []
        if let rejectsPath {
            if rejects != nil || !streamed.rejects.isEmpty {
                try cli { () throws(PipelineError) in try Self.write(rejectsBytes(streamed.rejects), outputs, rejectsPath, "--rejects") }
            } else {
                stale.append(rejectsPath)
            }
        } else {
            for r in streamed.rejects { console.note("rejected: \(r)") }
        }
        let check = AsOfCheck(streamed)
        if let metaPath {
            try cli { () throws(PipelineError) in
                try Self.write(RunMetadata(command: "score", streamed: streamed, check: check).jsonBytes(), outputs, metaPath, "<out>-meta.json")
            }
        }
        do throws(OutputError) { try outputs.commit() } catch { throw CommandFailure(message: error.message) }
        for path in stale where FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
        clock.lap("write")
        console.note(streamed.countsLine("scored") + (streamed.rejects.isEmpty ? "" : " → \(rejectsPath ?? "standard error")"))
        console.note("timings: \(clock.summary)")
        printAsOfNotes(check, asOf: portfolio.asOf, console: console)
        return true
    }

    /// One whole small file of a streaming run.
    static func write(_ bytes: [UInt8], _ outputs: StreamingOutputSet, _ path: String, _ role: String) throws(PipelineError) {
        do throws(OutputError) {
            let h = try outputs.open(path, role: role)
            try outputs.append(bytes, to: h)
        } catch {
            throw PipelineError(code: .output, message: error.message, cause: error)
        }
    }
}
