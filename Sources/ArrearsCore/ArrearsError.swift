/// The one shape of every error the Arrears libraries throw (DESIGN §14), after
/// swift-nio's `FileSystemError`: a stable `code` a caller can switch on, a `message` that
/// says what is wrong and what to do — in the library's terms, naming no command-line
/// flag (the CLI adds those) — and the `underlying` error that caused it, when there is
/// one. Each module has its own conforming struct (`InputError`, `OutputError`,
/// `FeatureError`, `ArtifactError`, `TrainingError`, `PolicyError`, `PrioritizerError`,
/// `PipelineError`); `description` is what a person reads.
public protocol ArrearsError: Error, Sendable, CustomStringConvertible {
    /// The stable code, e.g. `missing_column`.
    var codeName: String { get }
    /// What is wrong and how to fix it.
    var message: String { get }
    /// The error this one wraps (a fit's `LogisticError`, a file's `InputError`, …).
    var underlying: (any Error & Sendable)? { get }
}

extension ArrearsError {
    public var underlying: (any Error & Sendable)? { nil }
}
