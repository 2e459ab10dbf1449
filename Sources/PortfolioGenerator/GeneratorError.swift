/// A failure to write the portfolio: which file, what went wrong, how to fix it.
public struct GeneratorError: Error, CustomStringConvertible, Sendable {
    /// Stable error kinds; a struct around a private enum so kinds can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case cannotCreate, writeFailed, cannotRename }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// The output file could not be created (missing directory, permissions).
        public static let cannotCreate = Code(.cannotCreate)
        /// A write or close failed (disk full, I/O error).
        public static let writeFailed = Code(.writeFailed)
        /// The finished temporary file could not be renamed into place.
        public static let cannotRename = Code(.cannotRename)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The file concerned.
    public var path: String
    /// A sentence naming the file and the cause.
    public var message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
