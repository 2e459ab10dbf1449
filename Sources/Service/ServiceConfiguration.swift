import PortfolioIO

/// What `arrears serve` was started with.
public struct ServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The model artifact (`--model`) and policy (`--policy`, nil = the documented defaults).
    public var modelPath: String
    public var policyPath: String?
    /// The contact ledger (`--ledger`), which also holds the service's tables.
    public var ledgerPath: String
    /// Today's portfolio (`--accounts`, `--payments`): the accounts the queues are made of.
    public var accountsPath: String
    public var paymentsPath: String
    /// The as-of day of the queues and the default of score requests. nil = today (UTC);
    /// given, contacts are stamped with that day and the current UTC time of day (a replay).
    public var asOf: CalendarDay?
    /// Largest request body, bytes (`--max-body`); batches get `maxBatchBody`.
    public var maxBody = 64 * 1024
    public var maxBatchBody = 8 * 1024 * 1024
    /// Requests per second per token (`--rate-limit`), with bursts of twice that.
    public var ratePerSecond = 100.0
    /// Log each request (method, route, status, milliseconds, account id) at info level.
    public var logRequests = true

    public init(modelPath: String, policyPath: String?, ledgerPath: String, accountsPath: String, paymentsPath: String) {
        self.modelPath = modelPath
        self.policyPath = policyPath
        self.ledgerPath = ledgerPath
        self.accountsPath = accountsPath
        self.paymentsPath = paymentsPath
    }
}
