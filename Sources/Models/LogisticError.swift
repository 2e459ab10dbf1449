import ArrearsCore
/// Why a logistic fit failed, in terms of the user's data.
///
/// Every failure that a data set can cause comes back as this error (never as a trap,
/// NaN or silently huge coefficients). `code` says which mode, `features` names the
/// culprit features (never column indices), `message` is a sentence saying what went
/// wrong and what to try.
public struct LogisticError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failure modes.
    public enum Code: String, Sendable, Codable, Equatable {
        /// An option of the fit is out of range (λ < 0, no iterations, tolerance ≤ 0).
        case invalidOption
        /// A feature value or label is NaN or ±∞.
        case nonFiniteInput
        /// A label is not exactly 0 or 1.
        case invalidLabel
        /// A case weight is not a finite number > 0.
        case invalidWeight
        /// Every label is 0 (no events), including the empty data set.
        case noEvents
        /// Every label is 1 (no non-events).
        case noNonEvents
        /// A feature takes a single value in the data.
        case constantFeature
        /// A feature is (nearly) a linear combination of others (and the intercept):
        /// 1 − R² of its regression on the preceding features is below 1e-10.
        case collinearFeatures
        /// XᵀWX lost positive definiteness during the iterations without a separation
        /// signature.
        case singularHessian
        /// Complete or quasi-complete separation: the likelihood has no finite maximum;
        /// fitted probabilities reach 0 or 1 while some coefficients keep growing.
        case separation
        /// The relative deviance change did not fall below the tolerance within the cap.
        case notConverged
    }

    public var code: Code
    /// The features responsible, by name ("(intercept)" for the intercept).
    public var features: [String]
    /// What went wrong and how to fix it.
    public var message: String
    /// The 0-based row of the offending value, for `.nonFiniteInput` and `.invalidLabel`.
    public var row: Int?
    /// For `.notConverged`: the last iterate, with `converged == false`, for inspection.
    public var lastIterate: LogisticModel?
    /// What is wrong without the remedy (which `message` adds in this API's terms), so a
    /// caller can name its own remedies (the CLI's flags); nil when not separate.
    public var diagnosis: String?

    public init(code: Code, features: [String] = [], message: String, row: Int? = nil,
                lastIterate: LogisticModel? = nil, diagnosis: String? = nil) {
        self.code = code
        self.features = features
        self.message = message
        self.row = row
        self.lastIterate = lastIterate
        self.diagnosis = diagnosis
    }

    public var description: String { "logistic regression: \(message)" }
}

/// `a`, `a and b`, `a, b and c` with each name quoted.
func quotedList(_ names: [String]) -> String {
    let q = names.map { "'\($0)'" }
    switch q.count {
    case 0: return ""
    case 1: return q[0]
    default: return q.dropLast().joined(separator: ", ") + " and " + q[q.count - 1]
    }
}

extension LogisticError: ArrearsError {
    public var codeName: String { code.rawValue }
}

/// Checks the options both fits share, calling `fail` with the message of the first that
/// is out of range: the L2 penalty λ must be finite and ≥ 0, the iteration cap ≥ 1 and
/// the tolerance a positive finite number.
func checkOptions<E: Error>(l2: Double, maxIterations: Int, tolerance: Double,
                            fail: (String) throws(E) -> Never) throws(E) {
    if !(l2.isFinite && l2 >= 0) { try fail("the L2 penalty λ must be a finite number ≥ 0, got \(l2)") }
    if maxIterations < 1 { try fail("the iteration cap must be at least 1, got \(maxIterations)") }
    if !(tolerance.isFinite && tolerance > 0) { try fail("the convergence tolerance must be a positive number, got \(tolerance)") }
}
