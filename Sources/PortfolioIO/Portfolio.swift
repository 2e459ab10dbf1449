/// The portfolio schema v1 (DESIGN §2) in columnar form.
///
/// Every column is one contiguous array indexed by row; a row that failed validation
/// is not in the table but in `Portfolio.rejects`. Missing optional values use
/// sentinels: `Double.nan` for numbers, `CalendarDay.missing` for dates, `""` for text.

/// The accounts file, one row per valid account, in file order.
public struct AccountTable: Sendable {
    /// Number of valid accounts.
    public var count: Int { accountID.count }

    /// Non-empty and unique.
    public var accountID: [String] = []
    /// Amount owed now (currency units), ≥ 0.
    public var balance: [Double] = []
    /// Integer days past due, ≥ 0 (stored as Double for the feature matrix).
    public var daysPastDue: [Double] = []
    /// Credit limit > 0, or NaN when absent.
    public var creditLimit: [Double] = []
    /// Product category, "" when absent.
    public var product: [String] = []
    /// Two-letter region code (upper-cased), "" when absent.
    public var state: [String] = []
    /// Day number, or `CalendarDay.missing`.
    public var lastPaymentDate: [Int32] = []
    /// Hold flags (absent or empty → false).
    public var bankruptcy: [Bool] = []
    public var ceaseAndDesist: [Bool] = []
    public var dispute: [Bool] = []
    public var deceased: [Bool] = []
    /// Call attempts in the 7 days before as-of (absent or empty → 0).
    public var callsLast7d: [Int32] = []
    /// Day number of the last right-party conversation, or `CalendarDay.missing`.
    public var lastConversationDate: [Int32] = []
    /// Days from as-of to recovery or censoring (≥ 0). One entry per account; NaN where
    /// the label was absent or invalid (possible only when `hasLabels` is false).
    public var daysToRecovery: [Double] = []
    /// 1 = recovery observed at `daysToRecovery`, 0 = censored. One entry per account;
    /// false where the label was absent or invalid (possible only when `hasLabels` is false).
    public var recovered: [Bool] = []
    /// 1-based line in the accounts file where each account's record starts.
    public var sourceLine: [Int] = []
    /// Each account's outcome label (competing outcomes: paid_in_full, settled, …; "" when
    /// censored) when the accounts file has an `outcome` column; empty otherwise. With
    /// it, `recovered` is true exactly where the outcome is not empty.
    public var outcome: [String] = []
    /// Each account's case weight (> 0) when read with `ReadOptions.weightsColumn`; empty
    /// otherwise.
    public var caseWeights: [Double] = []
    /// Columns not in the schema, in header order: extra features (DESIGN §2).
    public var extraColumns: [ExtraColumn] = []
    /// Which optional schema columns the header had (lower-case names).
    public var presentColumns: Set<String> = []

    public init() {}

    /// True when both label columns were present and every valid account has a valid
    /// label (always true after a read with `ReadOptions.requireLabels`).
    public var hasLabels: Bool = false
}

/// A column of the accounts file outside the schema.
public struct ExtraColumn: Sendable, Equatable {
    /// The header name as written (matching is case-insensitive).
    public var name: String
    /// The raw cell of each valid account ("" when empty).
    public var text: [String]
    /// The cell parsed as a number when the column is numeric, NaN when empty; all NaN
    /// for a text column.
    public var numeric: [Double]
    /// True when the column's number cells (finite or not, in range or not) outnumber its
    /// text cells. In a numeric column a present cell that is not a finite number within
    /// ±10^15 (`0x1e`, `1e400`, `twelve`, `1.7e308`) rejects its row (DESIGN §7).
    public var isNumeric: Bool

    public init(name: String, text: [String], numeric: [Double], isNumeric: Bool) {
        self.name = name
        self.text = text
        self.numeric = numeric
        self.isNumeric = isNumeric
    }
}

/// The payments file, one row per valid statement, in file order.
public struct PaymentTable: Sendable {
    public var count: Int { accountIndex.count }
    /// Row index into `AccountTable` of the statement's account.
    public var accountIndex: [Int32] = []
    /// Statement date, day number.
    public var date: [Int32] = []
    /// Amount due on the statement (currency units), ≥ 0.
    public var amountDue: [Double] = []
    /// Amount paid against it (currency units), ≥ 0.
    public var amountPaid: [Double] = []
    /// 1-based line in the payments file where each statement's record starts
    /// (clamped to `Int32.max`).
    public var sourceLine: [Int32] = []

    public init() {}
}

/// Which input file a reject or error refers to.
public enum PortfolioFile: String, Sendable, Codable {
    case accounts, payments
}

/// One input row that failed validation (DESIGN §7).
public struct Reject: Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable, CaseIterable {
        case raggedRow = "ragged_row"
        case missingValue = "missing_value"
        case badNumber = "bad_number"
        case nonFinite = "non_finite"
        case negativeValue = "negative_value"
        case badDate = "bad_date"
        case badFlag = "bad_flag"
        case badLabel = "bad_label"
        case duplicateID = "duplicate_id"
        case unknownAccount = "unknown_account"
        case rejectedAccount = "rejected_account"
        case badEncoding = "bad_encoding"
        /// A quoted field not closed before the end of the file, or text after a closing quote.
        case badQuote = "bad_quote"
        /// A number outside its allowed range other than a negative one: credit_limit = 0,
        /// a count too large for 32 bits.
        case outOfRange = "out_of_range"
        /// A statement identical (account, date, amount due, amount paid) to one on an
        /// earlier line: the file holds an export twice. The first is kept.
        case duplicateStatement = "duplicate_statement"
    }

    /// Which of the two files.
    public var source: PortfolioFile
    /// Path of the file as given by the user.
    public var file: String
    /// 1-based line where the record starts.
    public var line: Int
    /// Column name, when one column is at fault.
    public var column: String?
    public var code: Code
    /// A sentence a person can act on, e.g. "balance is -12.50; balances must be ≥ 0".
    public var reason: String
    /// The account id of the row, when it could be read ("" otherwise).
    public var accountID: String

    public init(source: PortfolioFile, file: String, line: Int, column: String?, code: Code,
                reason: String, accountID: String = "") {
        self.source = source
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.reason = reason
        self.accountID = accountID
    }

    public var description: String {
        "\(file):\(line):\(column.map { " \($0):" } ?? "") \(reason)"
    }
}

/// A parsed portfolio: valid rows in columns, invalid rows in `rejects`.
public struct Portfolio: Sendable {
    public var accounts: AccountTable
    public var payments: PaymentTable
    /// Rejected rows of both files, accounts first, each in file order.
    public var rejects: [Reject]
    /// Data rows (records after the header) read from each file.
    public var accountRows: Int
    public var paymentRows: Int
    /// Size and SHA-256 of exactly the bytes parsed from each file, when the read was
    /// asked for them (`ReadOptions.fingerprint`).
    public var accountsFingerprint: InputFingerprint?
    public var paymentsFingerprint: InputFingerprint?

    public init(accounts: AccountTable, payments: PaymentTable, rejects: [Reject], accountRows: Int, paymentRows: Int) {
        self.accounts = accounts
        self.payments = payments
        self.rejects = rejects
        self.accountRows = accountRows
        self.paymentRows = paymentRows
    }

    /// Rejected rows of the accounts file.
    public var rejectedAccountRows: Int { rejects.lazy.filter { $0.source == .accounts }.count }
    /// Rejected rows of the payments file.
    public var rejectedPaymentRows: Int { rejects.lazy.filter { $0.source == .payments }.count }
}

/// The size and SHA-256 of the bytes a reader took from its input (DESIGN §5: the
/// model records what it was trained on). Computed while parsing, so it describes the
/// bytes parsed even for a pipe or a file that grows while it is read.
public struct InputFingerprint: Sendable, Equatable {
    /// Bytes read, the byte-order mark included.
    public var bytes: Int
    /// Lower-case hex SHA-256 of those bytes.
    public var sha256: String

    public init(bytes: Int, sha256: String) {
        self.bytes = bytes
        self.sha256 = sha256
    }
}
