import ArgumentParser
import Features
import Foundation
import PortfolioIO
import Prioritizer
import Scoring

/// `--accounts`, `--payments`, `--as-of`: the portfolio every data command reads.
struct PortfolioOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Accounts CSV ('-' for standard input).", valueName: "file"))
    var accounts: String

    @Option(help: ArgumentHelp("Payments CSV ('-' for standard input); a file with only its header means no histories.",
                               valueName: "file"))
    var payments: String

    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("The as-of date, YYYY-MM-DD: features use statements up to and including it.",
                               valueName: "date"))
    var asOf: String

    func validate() throws {
        guard CalendarDay.parse(asOf) != nil else {
            throw ValidationError("--as-of must be a real date written YYYY-MM-DD, got '\(asOf)'.")
        }
        if accounts == "-" && payments == "-" {
            throw ValidationError("--accounts and --payments cannot both be '-' (standard input).")
        }
    }

    /// The as-of day number (validated).
    var asOfDay: Int32 { CalendarDay.parse(asOf)! }

    /// Reads both files; a whole-file problem stops the run naming the file.
    func read(labels: Bool, fingerprint: Bool = false) throws -> Portfolio {
        do {
            return try readPortfolio(accountsPath: accounts, paymentsPath: payments,
                                     options: ReadOptions(requireLabels: labels, fingerprint: fingerprint))
        } catch {
            throw CommandFailure(message: error.description)
        }
    }
}

/// `--format`: CSV (default) or JSON Lines, for every command that writes rows.
extension OutputFormat: ExpressibleByArgument {
    var textFormat: TextOutput.Format { self == .csv ? .csv : .jsonLines }
}

/// Progress lines on standard error, only when it is a terminal and not `--quiet`;
/// summaries and counts are printed with `note` regardless.
struct Console {
    var quiet: Bool

    /// Whether progress lines are shown.
    var showsProgress: Bool { !quiet && isatty(2) == 1 }

    func progress(_ line: String) {
        if showsProgress { StandardStream.error.writeIgnoringErrors("… " + line + "\n") }
    }

    /// A line on standard error (counts, where files went).
    func note(_ line: String) {
        StandardStream.error.writeIgnoringErrors(line + "\n")
    }

    /// Text on standard output.
    func print(_ text: String) throws {
        do throws(OutputError) { try StandardStream.output.write(text) } catch {
            throw CommandFailure(message: "standard output: \(error.message) (the other outputs were written)")
        }
    }
}

/// Writes `bytes` to `path` atomically (`-` = standard output); failures name the flag.
func writeOutput(_ bytes: [UInt8], to path: String, flag: String) throws {
    try writeOutputs([(bytes, path, flag)])
}

/// Writes several outputs as one step: every file is written to its temporary file
/// first, and only when all of them succeeded are they renamed into place, so a failure
/// (a full disk, say) leaves all the previous files as they were.
func writeOutputs(_ outputs: [(bytes: [UInt8], path: String, flag: String)]) throws {
    var files: [(file: AtomicFileWriter, flag: String)] = []
    func fail(_ error: OutputError, _ flag: String) -> CommandFailure {
        for f in files { f.file.discard() }
        return CommandFailure(message: "\(flag): \(error.description)")
    }
    for output in outputs {
        let file: AtomicFileWriter
        do throws(OutputError) { file = try AtomicFileWriter(path: output.path) } catch { throw fail(error, output.flag) }
        files.append((file, output.flag))
        var failure: OutputError?
        output.bytes.withUnsafeBytes { buffer in
            do throws(OutputError) { try file.write(buffer) } catch { failure = error }
        }
        if let failure { throw fail(failure, output.flag) }
    }
    for f in files {
        do throws(OutputError) { try f.file.commit() } catch {
            throw CommandFailure(message: "\(f.flag): \(error.description)")
        }
    }
}

/// The rejects file's bytes (CSV with its header).
func rejectsBytes(_ rejects: [Reject]) throws -> [UInt8] {
    let sink = MemorySink()
    do { try Reject.writeCSV(rejects, to: CSVWriter(to: sink)) } catch { throw CommandFailure(message: "--rejects: \(error)") }
    return sink.bytes
}

/// Checks before any work that an output path can be written: its directory exists and
/// is writable. Saves a long run that would fail at the end.
func checkWritable(_ path: String, flag: String) throws {
    guard path != "-" else { return }
    let dir = OutputPath.parentDirectory(of: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CommandFailure(message: "\(flag): cannot write '\(path)': directory '\(dir)' does not exist")
    }
    guard access(dir, W_OK) == 0 else {
        throw CommandFailure(message: "\(flag): cannot write '\(path)': directory '\(dir)' is not writable")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw CommandFailure(message: "\(flag): cannot write '\(path)': it is a directory")
    }
    // Outputs are replaced by renaming a finished file over them: a device, pipe or
    // symbolic link at the path would be replaced, not written to. Use '-' for stdout.
    var info = stat()
    if lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
        throw CommandFailure(message: "\(flag): cannot write '\(path)': it is not a regular file (use '-' for standard output)")
    }
}

/// `<out without .csv/.jsonl/.json>-<suffix>.csv` next to `out`; nil when `out` is `-`.
func siblingPath(of out: String, suffix: String) -> String? {
    guard out != "-" else { return nil }
    var stem = out
    for ext in [".csv", ".jsonl", ".json"] where stem.hasSuffix(ext) {
        stem.removeLast(ext.count)
        break
    }
    return stem + "-" + suffix + ".csv"
}

/// Writes the rejects to `path` as CSV, or — when there is no path — every reject as a
/// line on standard error, so nothing is lost either way. A default path (`explicit`
/// false) is only created when there is something to write.
func writeRejects(_ rejects: [Reject], to path: String?, explicit: Bool = true, console: Console) throws {
    if let path {
        guard explicit || !rejects.isEmpty else {
            removeStaleRejects(at: path)
            return
        }
        try writeOutput(try rejectsBytes(rejects), to: path, flag: "--rejects")
    } else {
        for r in rejects { console.note("rejected: \(r)") }
    }
}

/// Removes a default-named rejects file left by an earlier run: it would look like this
/// run's.
func removeStaleRejects(at path: String) {
    if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
}

extension ArtifactError {
    /// `--model` in front of the artifact's message.
    var asFailure: CommandFailure { CommandFailure(message: "--model: \(description)") }
}

/// Loads the model named by `--model`.
func loadModel(_ path: String) throws -> ModelArtifact {
    do { return try ModelArtifact.load(path: path) } catch { throw error.asFailure }
}

/// The feature matrix of a portfolio under a model's spec; a mismatch names the column.
func features(of portfolio: Portfolio, model: ModelArtifact, modelPath: String, asOf: Int32) throws -> FeatureMatrix {
    do {
        return try model.features.apply(to: portfolio, asOf: asOf)
    } catch {
        throw CommandFailure(message: "the portfolio does not fit the model \(modelPath): \(error.message)")
    }
}

/// A portfolio read and scored with a model: what `score`, `rank` and `evaluate` share.
struct ScoredPortfolio {
    var data: Portfolio
    var matrix: FeatureMatrix
    var scores: Scores

    var tuple: (Portfolio, FeatureMatrix, Scores) { (data, matrix, scores) }
}

extension PortfolioOptions {
    /// Reads the portfolio, runs `check` on it (`--strict`, "no valid accounts"), builds
    /// its features under the model's spec and scores it, with a lap of `clock` per stage.
    func scored(by artifact: ModelArtifact, modelPath: String, labels: Bool, console: Console,
                clock: inout StageClock, afterReading check: (Portfolio) throws -> Void = { _ in }) throws -> ScoredPortfolio {
        console.progress("reading \(accounts) and \(payments)")
        let data = try read(labels: labels)
        try check(data)
        clock.lap("read")
        console.progress("features and scores for \(data.accounts.count) accounts")
        let matrix = try features(of: data, model: artifact, modelPath: modelPath, asOf: asOfDay)
        for unseen in matrix.unseenLevels { console.note(unseen.summary) }
        clock.lap("features")
        let scores = artifact.score(matrix)
        clock.lap("scores")
        return ScoredPortfolio(data: data, matrix: matrix, scores: scores)
    }
}

extension ModelOutputs {
    /// What the prioritizer needs of a model's scores (no reasons: `rank` fills them for
    /// the worklist rows only).
    init(_ scores: Scores) {
        self.init(horizonDays: scores.horizonDays, pRecover: scores.pRecover, horizons: scores.horizons,
                  recoveredBy: scores.recoveredBy, medianDays: scores.medianDays, scorePoints: scores.scorePoints)
    }
}
