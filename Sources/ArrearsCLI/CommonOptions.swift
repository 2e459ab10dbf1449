import ArgumentParser
import Features
import Foundation
import Models
import Pipeline
import PortfolioIO
import Prioritizer
import Scoring
import Training

// Typed flag values: each is parsed once, by ArgumentParser, into the library's type.

extension CalendarDay: ExpressibleByArgument {
    /// `YYYY-MM-DD`, or `today` (the current date in UTC).
    public init?(argument: String) {
        if argument.lowercased() == "today" { self = .today(); return }
        self.init(argument)
    }

    public var defaultValueDescription: String { description }
}

extension CoxTies: ExpressibleByArgument, CaseIterable {
    public static var allCases: [CoxTies] { [.efron, .breslow] }
}

extension OutputFormat: ExpressibleByArgument {}

extension HorizonList: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public var defaultValueDescription: String { description }
}

/// `--accounts`, `--payments`, `--as-of`: the portfolio every data command reads.
struct PortfolioOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Accounts CSV ('-' for standard input).", valueName: "file"))
    var accounts: String

    @Option(help: ArgumentHelp("Payments CSV ('-' for standard input); a file with only its header means no histories.",
                               valueName: "file"))
    var payments: String

    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("The as-of date, YYYY-MM-DD or 'today' (UTC): features use statements up to and including it.",
                               valueName: "date"))
    var asOf: CalendarDay

    func validate() throws {
        if accounts == "-" && payments == "-" {
            throw ValidationError("--accounts and --payments cannot both be '-' (standard input).")
        }
    }

    var source: PortfolioSource { .files(accounts: accounts, payments: payments) }

    /// The inputs, for the output checks.
    var inputs: [(path: String, role: String)] { [(accounts, "--accounts"), (payments, "--payments")] }
}

/// Progress lines on standard error, only when it is a terminal and not `--quiet`;
/// summaries and counts are printed with `note` regardless. Writes never trap: a closed or
/// full stream loses the text, and the exit code still tells the outcome.
struct Console {
    var quiet: Bool

    /// Whether progress lines are shown.
    var showsProgress: Bool { !quiet && isatty(2) == 1 }

    func progress(_ line: String) {
        if showsProgress { Self.write(2, "… " + line + "\n") }
    }

    /// A progress meter for one stage: in place on a terminal, plain lines (at most one
    /// per 10 %) when standard error is a file or pipe, nothing with `--quiet`.
    func meter(_ stage: String, unit: String = "bytes") -> ProgressMeter {
        ProgressMeter(stage: stage, mode: quiet ? .off : isatty(2) == 1 ? .terminal : .lines, unit: unit) { Self.write(2, $0) }
    }

    /// A line on standard error (counts, where files went).
    func note(_ line: String) { Self.write(2, line + "\n") }

    /// Text on standard output (a command's result); a closed or full stream fails the
    /// command (exit 1) with a message on standard error.
    func print(_ text: String) throws {
        do throws(OutputError) { try StandardStream.output.write(text) } catch {
            throw CommandFailure(message: "standard output: \(error.message)")
        }
    }

    /// write(2) until done or an error; errors (EPIPE, ENOSPC, EBADF) are ignored.
    static func write(_ fd: Int32, _ text: String) {
        (fd == 1 ? StandardStream.output : StandardStream.error).writeIgnoringErrors(text)
    }
}

/// A run-time failure of a command, printed as its message with a non-zero exit (1).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }

    init(message: String) { self.message = message }

    /// A library error in CLI terms: the flag whose value or file caused it in front,
    /// and library spellings of options replaced by their flags.
    init(_ error: PipelineError, model: String? = nil, policy: String? = nil) {
        var text = Self.cliTerms(error.message)
        switch error.code {
        case .model: text = "--model: " + text
        case .policy: text = "--policy: " + text
        case .rank:
            if (error.cause as? PrioritizerError)?.code == .invalidCapacity { text = "--capacity: " + text } else { text = "rank: " + text }
        case .training:
            if let training = error.cause as? TrainingError, let option = training.option, let flag = Self.trainFlags[option] {
                text = "\(flag): " + text
            }
        case .trainingData:
            text += "; pass --accounts, --payments and --as-of to report on a portfolio"
        case .strict:
            text = "--strict: " + text
        case .input, .features, .inputFile, .data, .output: break
        }
        message = text
    }

    /// `TrainingOptions` fields and their `arrears train` flags.
    static let trainFlags = [
        "horizonDays": "--horizon", "predictionHorizons": "--horizons", "logisticL2": "--l2", "coxL2": "--cox-l2",
        "holdoutFraction": "--holdout", "features.minLevelCount": "--min-level-count",
        "scoreScaling": "--base-score/--base-odds", "scoreScaling.pointsToDoubleOdds": "--pdo",
        "firth": "--firth", "features.capQuantile": "--cap", "weightsColumn": "--weights",
        "strataColumn": "--strata",
    ]

    /// The models' advice in library terms → the same advice in flags.
    static func cliTerms(_ message: String) -> String {
        var message = message
        // "retrain with 'x' ignored" → "retrain with --ignore x".
        while let r = message.range(of: #"with '([A-Za-z0-9_]+)' ignored"#, options: .regularExpression) {
            let name = message[r].dropFirst("with '".count).prefix { $0 != "'" }
            message.replaceSubrange(r, with: "with --ignore \(name)")
        }
        message = message
            .replacingOccurrences(of: "LogisticRegression(l2: 1)", with: "--l2 1")
            .replacingOccurrences(of: "CoxRegression(l2: 1)", with: "--cox-l2 1")
            .replacingOccurrences(of: "(e.g. l2: 1)", with: "(e.g. --l2 1)")
            .replacingOccurrences(of: "Raise maxIterations, or add", with: "Add")
            .replacingOccurrences(of: "set firth = true without logisticL2", with: "use --firth without --l2")
            .replacingOccurrences(of: "raise logisticL2 (now", with: "raise --l2 (now")
            .replacingOccurrences(of: "set firth = true (", with: "train with --firth (")
            .replacingOccurrences(of: "logisticL2 = λ (a ridge, e.g. logisticL2 = 1)", with: "--l2 λ (a ridge, e.g. --l2 1)")
            .replacingOccurrences(of: #"leave the feature out \(FeatureOptions.ignore: ([^)]*)\)"#, with: "leave the feature out with --ignore $1",
                                  options: .regularExpression)
            .replacingOccurrences(of: "(models = .cox)", with: "with --models cox")
            .replacingOccurrences(of: "(models = .logistic)", with: "with --models logistic")
            .replacingOccurrences(of: "Firth's penalty and the logistic L2 penalty are", with: "--firth and --l2 are")
            .replacingOccurrences(of: "and models = .cox fits none", with: "and --models cox fits none")
            .replacingOccurrences(of: "fitted without case weights; drop weightsColumn or firth", with: "fitted without case weights; drop --weights or --firth")
        return strataTerms(message)
    }

    /// The strata messages in flags.
    static func strataTerms(_ message: String) -> String {
        message
            .replacingOccurrences(of: "strataColumn '", with: "the --strata column '")
            .replacingOccurrences(of: "models = .logistic fits no Cox model; drop strataColumn or fit the Cox model",
                                  with: "--models logistic fits no Cox model; drop --strata or fit the Cox model (--models cox or both)")
            .replacingOccurrences(of: "use another seed or holdoutFraction", with: "use another --seed or --holdout")
            .replacingOccurrences(of: "or without strata)", with: "or without --strata)")
    }
}

/// Runs a library call, turning its `PipelineError` into the command's message.
func cli<R>(model: String? = nil, _ body: () throws(PipelineError) -> R) throws -> R {
    do throws(PipelineError) { return try body() } catch { throw CommandFailure(error, model: model) }
}

extension ArtifactError {
    /// `--model` in front of the artifact's message.
    var asFailure: CommandFailure { CommandFailure(message: "--model: \(description)") }
}

/// Loads the model named by `--model`.
func loadModel(_ path: String) throws -> ModelArtifact {
    do { return try ModelArtifact.load(path: path) } catch { throw error.asFailure }
}

/// Loads `--policy`, or the documented defaults without it.
func loadPolicy(_ path: String?) throws -> Policy {
    guard let path else { return Policy() }
    do { return try Policy.load(path: path) } catch { throw CommandFailure(message: "--policy: \(error.description)") }
}

/// The output paths of one command, checked before anything is read and written together.
struct Outputs {
    var files: [OutputSet.File] = []
    /// Default-named outputs that this run decided not to write: a file of that name left
    /// by an earlier run is removed, so it cannot pass for this run's.
    var stale: [String] = []

    /// Refuses, before any work: an unwritable, non-regular or directory path, two
    /// outputs that are one file, and an output that is one of the inputs.
    static func check(_ outputs: [(path: String?, role: String)], inputs: [(path: String, role: String)]) throws {
        do throws(OutputError) {
            try OutputSet.check(outputs: outputs.compactMap { o in o.path.map { ($0, o.role) } }, inputs: inputs)
        } catch {
            throw CommandFailure(message: error.message)
        }
    }

    mutating func add(_ bytes: [UInt8], to path: String, role: String) {
        files.append(OutputSet.File(path: path, role: role, bytes: bytes))
    }

    /// Writes every file, all renamed into place together.
    func commit() throws {
        do throws(OutputError) { try OutputSet(files).commit() } catch {
            throw CommandFailure(message: error.message)
        }
        for path in stale where FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
    }
}

/// `<out without .csv/.jsonl/.json>-<suffix><ext>` next to `out`; nil when `out` is `-`.
func siblingPath(of out: String, suffix: String, extension ext: String = ".csv") -> String? {
    guard out != "-" else { return nil }
    var stem = out
    for known in [".csv", ".jsonl", ".json"] where stem.hasSuffix(known) {
        stem.removeLast(known.count)
        break
    }
    return stem + "-" + suffix + ext
}

/// The rejects file's bytes (CSV with its header).
func rejectsBytes(_ rejects: [Reject]) -> [UInt8] {
    let sink = MemorySink()
    try? Reject.writeCSV(rejects, to: CSVWriter(to: sink))
    return sink.bytes
}

extension Portfolio {
    /// "accounts: 5000 rows read = 5000 <verb> + 0 rejected; payments: …".
    func countsLine(_ verb: String, accountsKept: Int? = nil, paymentsUsed: Int? = nil) -> String {
        "accounts: \(accountRows) rows read = \(accountsKept ?? accounts.count) \(verb) + \(rejectedAccountRows) rejected; "
            + "payments: \(paymentRows) rows read = \(paymentsUsed ?? payments.count) used + \(rejectedPaymentRows) rejected"
    }

    /// Throws for `--strict` when any row was rejected.
    func checkStrict(_ strict: Bool) throws(PipelineError) {
        if strict, let first = rejects.first {
            throw PipelineError(code: .strict, message: "\(rejects.count) rows rejected, first: \(first)")
        }
    }
}

/// The rejects of a run: to their file when there is one (the default path only when a
/// row was rejected), else each on standard error, so none is lost.
func addRejects(_ rejects: [Reject], path: String?, explicit: Bool, to outputs: inout Outputs, console: Console) {
    guard let path else {
        for r in rejects { console.note("rejected: \(r)") }
        return
    }
    if explicit || !rejects.isEmpty {
        outputs.add(rejectsBytes(rejects), to: path, role: "--rejects")
    } else {
        outputs.stale.append(path)
    }
}

/// The statements after as-of (ignored) and the as-of warnings, on standard error.
func printAsOfNotes(_ check: AsOfCheck, asOf: CalendarDay, console: Console) {
    if check.statementsAfterAsOf > 0 {
        console.note("payments: \(check.statementsAfterAsOf) statements dated after \(asOf) ignored")
    }
    for warning in check.warnings { console.note("warning: \(warning)") }
}
