import PortfolioIO

/// Why a pipeline job stopped (DESIGN §14): which stage failed, a message saying what is
/// wrong in the library's terms (no command-line flags), and the stage's own error as
/// `cause` (`InputError`, `ArtifactError`, `FeatureError`, `PolicyError`,
/// `PrioritizerError`, `TrainingError`, `OutputError`).
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    /// The stage that failed.
    public enum Code: String, Sendable {
        /// Reading the portfolio: a file cannot be used (`cause`: `InputError`).
        case input
        /// The model artifact cannot be loaded or used (`cause`: `ArtifactError`).
        case model
        /// The portfolio does not fit the model's features (`cause`: `FeatureError`).
        case features
        /// The policy file cannot be used (`cause`: `PolicyError`).
        case policy
        /// The prioritizer refused its input (`cause`: `PrioritizerError`).
        case rank
        /// Training failed (`cause`: `TrainingError`).
        case training
        /// An input file could not be hashed, or changed since training.
        case inputFile = "input_file"
        /// A row was rejected and the caller asked for none to be (`strict`).
        case strict
        /// A job's own check failed (no valid accounts, say).
        case data
        /// The model's training files cannot be read again unchanged (`Pipeline.report`).
        case trainingData = "training_data"
        /// An output could not be written (a generated portfolio's directory, say).
        case output
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// Wraps a stage's error, keeping its description as the message.
    init(_ code: Code, _ cause: any ArrearsError) {
        self.init(code: code, message: cause.description, cause: cause)
    }

    public var description: String { message }
}

extension PipelineError: ArrearsError {
    public var codeName: String { code.rawValue }
    public var underlying: (any Error & Sendable)? { cause }
}
