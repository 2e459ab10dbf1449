import ArrearsCore
/// A policy file that cannot be used: unreadable, bad TOML, an unknown key, a value of
/// the wrong type or out of range. The description names the file, the key and, where
/// known, the line and column, e.g.
/// `policies/p.toml:4:1: p_floor is 1.5; it must be a probability in [0, 1]`.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: String, Sendable { case unreadable, syntax, unknownKey, wrongType, outOfRange, duplicateKey }
        let kind: Kind
        /// The file could not be read.
        public static let unreadable = Code(kind: .unreadable)
        /// The text is not valid TOML.
        public static let syntax = Code(kind: .syntax)
        /// A key the policy does not define (often a typo).
        public static let unknownKey = Code(kind: .unknownKey)
        /// A value of the wrong TOML type (e.g. a string where a number belongs).
        public static let wrongType = Code(kind: .wrongType)
        /// A value outside its documented range.
        public static let outOfRange = Code(kind: .outOfRange)
        /// The same product or state listed twice (names are case-insensitive).
        public static let duplicateKey = Code(kind: .duplicateKey)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The policy file's path as given.
    public var file: String
    /// The dotted key at fault (`contact_rules.max_calls_7d`), nil for file-level errors.
    public var key: String?
    /// 1-based line and column, when known (always for syntax errors; for other errors
    /// the line where the key is written, when it can be found).
    public var line: Int?
    public var column: Int?
    /// What is wrong and how to fix it.
    public var message: String

    public init(code: Code, file: String, key: String?, line: Int?, column: Int?, message: String) {
        self.code = code
        self.file = file
        self.key = key
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)"; if let column { where_ += ":\(column)" } }
        return "\(where_): \(message)"
    }
}

extension PolicyError: ArrearsError {
    public var codeName: String { code.description }
}
