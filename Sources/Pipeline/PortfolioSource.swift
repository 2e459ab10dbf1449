import PortfolioIO

/// Where a portfolio's two CSV documents come from (DESIGN §2): files, bytes in memory, or
/// open streams. Every form is read by the same reader with the same rules (DESIGN §7).
public enum PortfolioSource: Sendable {
    /// Two files; `-` is standard input (for at most one of them).
    case files(accounts: String, payments: String)
    /// Two documents in memory (a request body, a test); the names appear in errors.
    case bytes(accounts: [UInt8], payments: [UInt8], accountsName: String, paymentsName: String)
    /// Two open file descriptors read to their end and left open; the names appear in errors.
    case streams(accounts: Int32, payments: Int32, accountsName: String, paymentsName: String)

    /// Two documents in memory named `accounts.csv` and `payments.csv`.
    public static func bytes(accounts: [UInt8], payments: [UInt8]) -> PortfolioSource {
        .bytes(accounts: accounts, payments: payments, accountsName: "accounts.csv", paymentsName: "payments.csv")
    }

    /// The accounts document as the user named it.
    public var accountsName: String {
        switch self {
        case .files(let a, _): a == "-" ? "<stdin>" : a
        case .bytes(_, _, let a, _), .streams(_, _, let a, _): a
        }
    }

    /// The payments document as the user named it.
    public var paymentsName: String {
        switch self {
        case .files(_, let p): p == "-" ? "<stdin>" : p
        case .bytes(_, _, _, let p), .streams(_, _, _, let p): p
        }
    }
}

extension PortfolioSource {
    /// The accounts input as a model records it: the path as given (`-` for standard
    /// input), or the document's name.
    var recordedAccountsPath: String {
        if case .files(let a, _) = self { return a }
        return accountsName
    }

    /// The payments input as a model records it (see `recordedAccountsPath`).
    var recordedPaymentsPath: String {
        if case .files(_, let p) = self { return p }
        return paymentsName
    }
}

extension Pipeline {
    /// Reads a portfolio: both files parsed on all cores, every row either kept or
    /// rejected with file, line, column and reason (DESIGN §7). `labels` requires the
    /// training labels (`days_to_recovery`, `recovered`).
    /// - Throws: `PipelineError.input` with the `InputError` of a file that cannot be used
    ///   (unreadable, empty, a missing column).
    public static func read(_ source: PortfolioSource, labels: Bool = false,
                            options: ReadOptions = ReadOptions()) throws(PipelineError) -> Portfolio {
        var options = options
        options.requireLabels = options.requireLabels || labels
        do throws(InputError) {
            switch source {
            case .files(let accounts, let payments):
                return try readPortfolio(accountsPath: accounts, paymentsPath: payments, options: options)
            case .bytes(let accounts, let payments, let accountsName, let paymentsName):
                return try readPortfolio(accounts: accounts, payments: payments, accountsName: accountsName,
                                         paymentsName: paymentsName, options: options)
            case .streams(let accounts, let payments, let accountsName, let paymentsName):
                return try readPortfolio(accounts: CSVReader(fileDescriptor: accounts, name: accountsName),
                                         payments: CSVReader(fileDescriptor: payments, name: paymentsName),
                                         options: options)
            }
        } catch {
            throw PipelineError(.input, error)
        }
    }

    /// Reads a portfolio with its labels when the accounts have the label columns, and
    /// without them otherwise (a row with a bad label then keeps its place, unlabelled).
    public static func readDetectingLabels(_ source: PortfolioSource) throws(PipelineError) -> Portfolio {
        if case .files(let accounts, _) = source, accounts == "-" { return try read(source) }
        if case .streams = source { return try read(source) }
        do {
            return try read(source, labels: true)
        } catch where (error.cause as? InputError).map({ $0.code == .missingColumn && ["days_to_recovery", "recovered"].contains($0.column ?? "") }) ?? false {
            return try read(source)
        }
    }
}
