import ArrearsCore
/// Why a Cox proportional-hazards fit failed, in terms of the user's data.
///
/// Every failure a data set can cause comes back as this error (never as a trap, NaN or
/// silently huge coefficients). `code` says which mode, `features` names the culprit
/// features (never column indices), `row` points at an offending input row, and
/// `message` says what went wrong and what to try.
public struct CoxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failure modes.
    public enum Code: String, Sendable, Codable, Equatable {
        /// An option of the fit is out of range (λ < 0, no iterations, tolerance ≤ 0).
        case invalidOption
        /// A feature value or a duration is NaN or ±∞.
        case nonFiniteInput
        /// A duration (days to recovery or to the end of observation) is below 0.
        case negativeTime
        /// No row has an event (including the empty data set).
        case noEvents
        /// A case weight is not a finite number > 0.
        case invalidWeight
        /// A feature takes a single value in the data.
        case constantFeature
        /// A feature is (nearly) a linear combination of other features: 1 − R² of its
        /// regression on the preceding features is below 1e-10.
        case collinearFeatures
        /// The information matrix is singular although the features are not collinear:
        /// a feature does not vary within the risk sets at the event times.
        case singularInformation
        /// Monotone likelihood: the partial likelihood keeps rising as a coefficient runs
        /// off to ±∞ (a feature, or a combination, perfectly orders the event times).
        case monotoneLikelihood
        /// The relative change of the log partial likelihood did not fall below the
        /// tolerance within the iteration cap.
        case notConverged
    }

    public var code: Code
    /// The features responsible, by name.
    public var features: [String]
    /// What went wrong and how to fix it.
    public var message: String
    /// The 0-based input row of the offending value, for `.nonFiniteInput` and `.negativeTime`.
    public var row: Int?
    /// For `.notConverged`: the last accepted iterate (`converged == false`), for inspection.
    public var lastIterate: CoxModel?

    public init(code: Code, features: [String] = [], message: String, row: Int? = nil,
                lastIterate: CoxModel? = nil) {
        self.code = code
        self.features = features
        self.message = message
        self.row = row
        self.lastIterate = lastIterate
    }

    public var description: String { "Cox regression: \(message)" }
}


extension CoxError: ArrearsError {
    public var codeName: String { code.rawValue }
}
