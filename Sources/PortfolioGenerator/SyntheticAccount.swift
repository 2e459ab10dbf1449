/// One statement of a generated history. Amounts in cents (exact).
public struct SyntheticStatement: Sendable, Equatable {
    /// Statement date, day number.
    public var date: Int32
    /// Amount due, cents, ≥ 0.
    public var amountDueCents: Int64
    /// Amount paid against the statement, cents, ≥ 0.
    public var amountPaidCents: Int64

    public init(date: Int32, amountDueCents: Int64, amountPaidCents: Int64) {
        self.date = date
        self.amountDueCents = amountDueCents
        self.amountPaidCents = amountPaidCents
    }

    /// DESIGN §3: missed when paid < 0.1 × due (a zero-due statement is never missed).
    /// Exact in cents: 10·paid < due.
    public var isMissed: Bool { 10 * amountPaidCents < amountDueCents }
}

/// One generated account: every accounts.csv column, its statements and its truth.
/// Money in cents, dates as day numbers, optional cells as `nil`.
public struct SyntheticAccount: Sendable, Equatable {
    /// 0-based index; the id is `A` + (index + 1) zero-padded.
    public var index: Int
    public var balanceCents: Int64 = 0
    public var daysPastDue: Int = 0
    public var creditLimitCents: Int64?
    public var product: Product = .card
    /// Index into `GeneratedStates.codes`.
    public var stateIndex: Int = 0
    public var lastPaymentDate: Int32?
    public var bankruptcy = false, ceaseAndDesist = false, dispute = false, deceased = false
    public var callsLast7d: Int = 0
    public var lastConversationDate: Int32?
    /// Extra numeric column; `nil` (empty cell) for about 3 % of accounts.
    public var monthsOnBook: Int?
    /// Extra text column.
    public var channel: Channel = .branch
    /// True for the old-debt segment (last payment 4–10 years before as-of).
    public var isOldDebt = false
    /// Label: whole days from as-of to recovery or censoring, 1…365.
    public var daysToRecovery: Int = 0
    /// Label: recovery observed at `daysToRecovery`.
    public var recovered = false
    /// The statements in the order they are written to payments.csv (not necessarily
    /// by date); at most one is dated after as-of.
    public var statements: [SyntheticStatement] = []
    public var truth = AccountTruth(
        covariates: TruthCovariates(payRatio6m: 0, currentMissedStreak: 0, dpdMonths: 0,
                                    logBalance: 0, utilization: 0, product: .card),
        eta: 0, latentRecoveryDays: 0, censoringDays: 0)

    public init(index: Int) { self.index = index }

    /// Two-letter state code.
    public var state: String { GeneratedStates.codes[stateIndex] }

    /// Resets every field for reuse, keeping the statements' storage.
    mutating func reset(index: Int) {
        let storage = statements
        self = SyntheticAccount(index: index)
        statements = storage
        statements.removeAll(keepingCapacity: true)
    }
}
