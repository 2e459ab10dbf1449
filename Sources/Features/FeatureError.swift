import ArrearsCore
/// A failure that a user's data or options can cause while fitting or applying a
/// feature specification (DESIGN §7: a model/feature mismatch stops the run with one
/// clear message). Our own bugs (inconsistent dimensions we produced) trap instead.
public struct FeatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case missingColumn = "missing_column"
            case unknownIgnoredColumn = "unknown_ignored_column"
            case duplicateFeatureName = "duplicate_feature_name"
            case emptyTrainingData = "empty_training_data"
            case invalidOption = "invalid_option"
            case inconsistentTable = "inconsistent_table"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A column the specification needs is absent from the portfolio being scored.
        public static let missingColumn = Code(.missingColumn)
        /// An `ignore` name matches no feature or column of the training portfolio.
        public static let unknownIgnoredColumn = Code(.unknownIgnoredColumn)
        /// Two output columns would have the same name (e.g. an extra column called `utilization`).
        public static let duplicateFeatureName = Code(.duplicateFeatureName)
        /// `fit` was given a portfolio without accounts.
        public static let emptyTrainingData = Code(.emptyTrainingData)
        /// An option is out of range (e.g. `minLevelCount < 1`).
        public static let invalidOption = Code(.invalidOption)
        /// The columnar tables disagree with themselves (column lengths differ, or a
        /// payment's `accountIndex` is outside the account rows).
        public static let inconsistentTable = Code(.inconsistentTable)

        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// What went wrong and how to fix it, as one sentence.
    public var message: String
    /// The feature or input column at fault, when there is one.
    public var featureName: String?

    public init(code: Code, message: String, featureName: String? = nil) {
        self.code = code
        self.message = message
        self.featureName = featureName
    }

    public var description: String { "features: \(message)" }
}

extension FeatureError: ArrearsError {
    public var codeName: String { code.description }
}
