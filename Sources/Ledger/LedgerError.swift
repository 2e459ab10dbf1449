/// A ledger operation that failed for a reason a user can act on: a missing or foreign
/// ledger file, an unreadable import, a missing column, an SQLite failure.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: String, Sendable {
            case noLedger = "no_ledger", newerLedger = "newer_ledger", notALedger = "not_a_ledger"
            case unreadableFile = "unreadable_file", missingColumn = "missing_column", emptyFile = "empty_file"
            case badValue = "bad_value", unknownAccount = "unknown_account", database
        }
        let kind: Kind
        init(_ kind: Kind) { self.kind = kind }
        /// No ledger file at the path (run `arrears ledger init`).
        public static let noLedger = Code(.noLedger)
        /// The file was written by a newer arrears (a migration this build does not know).
        public static let newerLedger = Code(.newerLedger)
        /// The file is not an SQLite ledger.
        public static let notALedger = Code(.notALedger)
        public static let unreadableFile = Code(.unreadableFile)
        public static let missingColumn = Code(.missingColumn)
        public static let emptyFile = Code(.emptyFile)
        /// A value given on the command line (`ledger log`) is invalid.
        public static let badValue = Code(.badValue)
        public static let unknownAccount = Code(.unknownAccount)
        /// SQLite reported an error (disk full, locked for too long, corrupt file).
        public static let database = Code(.database)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The ledger or input file the error is about.
    public var file: String
    public var message: String
    /// The underlying error (an SQLite `DatabaseError`, a POSIX error), when any.
    public var cause: (any Error & Sendable)?

    public init(code: Code, file: String, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.file = file
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(file): \(message)" }
}

/// One input row the ledger did not take, with where and why (DESIGN §7).
public struct LedgerReject: Sendable, Equatable {
    public enum Code: String, Sendable, CaseIterable {
        case badTimestamp = "bad_timestamp", badDate = "bad_date", badNumber = "bad_number"
        case unknownAccount = "unknown_account", unknownChannel = "unknown_channel", unknownOutcome = "unknown_outcome"
        case unknownTimeZone = "unknown_time_zone", badState = "bad_state", badFlag = "bad_flag"
        case missingValue = "missing_value", duplicateRow = "duplicate_row", raggedRow = "ragged_row"
        case dueBeforePromise = "due_before_promise"
    }

    public var file: String
    /// 1-based line of the record in the file.
    public var line: Int
    /// The column's header name, nil for a whole-row problem.
    public var column: String?
    public var code: Code
    public var reason: String
    /// The row's account id when it could be read, else "".
    public var accountID: String

    public init(file: String, line: Int, column: String?, code: Code, reason: String, accountID: String) {
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.reason = reason
        self.accountID = accountID
    }

    /// `contacts.csv:12: timestamp: '2026-13-01T00:00:00Z' is not an ISO 8601 timestamp …`
    public var description: String { "\(file):\(line): \(column.map { "\($0): " } ?? "")\(reason)" }
}
