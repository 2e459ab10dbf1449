/// A problem with a whole input file that stops the run (DESIGN §7): the file cannot be
/// read, is empty, or its header lacks a required column. Row-level problems are not
/// errors but `Reject`s.
///
/// `description` reads like a compiler diagnostic:
/// `accounts.csv:1: missing required column 'balance'`.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A stable code. Wraps a private enum so that codes can be added without breaking
    /// exhaustive switches in callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case unreadableFile = "unreadable_file"
            case emptyFile = "empty_file"
            case noRows = "no_rows"
            case missingColumn = "missing_column"
            case duplicateColumn = "duplicate_column"
            case badHeader = "bad_header"
            case ignoredRequiredColumn = "ignored_required_column"
            case bothFromStandardInput = "both_from_stdin"
            case recordTooLong = "record_too_long"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The file does not exist, is a directory, or reading it failed.
        public static let unreadableFile = Code(.unreadableFile)
        /// The file holds no bytes (or only a byte-order mark / blank lines).
        public static let emptyFile = Code(.emptyFile)
        /// The accounts file has a header but no data rows.
        public static let noRows = Code(.noRows)
        /// A required column is not in the header.
        public static let missingColumn = Code(.missingColumn)
        /// Two header cells name the same column (names compare case-insensitively).
        public static let duplicateColumn = Code(.duplicateColumn)
        /// A header cell is empty, not UTF-8, holds a NUL byte, or has an unterminated quote.
        public static let badHeader = Code(.badHeader)
        /// `ReadOptions.ignoreColumns` names a required column.
        public static let ignoredRequiredColumn = Code(.ignoredRequiredColumn)
        /// Both files were given as `-` (standard input can be read only once).
        public static let bothFromStandardInput = Code(.bothFromStandardInput)

        /// A record longer than `CSVReader.maximumRecordBytes` or a field longer than
        /// `CSVReader.maximumFieldBytes`.
        public static let recordTooLong = Code(.recordTooLong)

        /// The stable text of the code, e.g. `missing_column`.
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The file as the user named it (`<stdin>` for `-`).
    public var file: String
    /// 1-based line, when the problem is on one line (header problems are on line 1).
    public var line: Int?
    /// The column at fault, when there is one.
    public var column: String?
    /// What is wrong and how to fix it.
    public var message: String

    public init(code: Code, file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line: message`, or `file: message` when no line applies.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A problem writing an output file (DESIGN §7: outputs are written atomically).
public struct OutputError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case cannotCreate = "cannot_create"
            case writeFailed = "write_failed"
            case commitFailed = "commit_failed"
            case alreadyClosed = "already_closed"
            case collision
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The temporary file beside the target could not be created.
        public static let cannotCreate = Code(.cannotCreate)
        /// `write(2)` failed (disk full, closed pipe, …).
        public static let writeFailed = Code(.writeFailed)
        /// fsync or rename over the target failed; the target is untouched.
        public static let commitFailed = Code(.commitFailed)
        /// The writer was already committed or discarded.
        public static let alreadyClosed = Code(.alreadyClosed)
        /// Two outputs of a run, or an output and an input, are one file.
        public static let collision = Code(.collision)

        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The target path as the user named it (`<stdout>` for `-`).
    public var path: String
    public var message: String

    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
