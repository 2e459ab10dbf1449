import PortfolioIO

/// What a write produced.
public struct GenerationSummary: Sendable, Equatable {
    public var accounts = 0
    /// Rows of payments.csv, the future-dated ones included.
    public var statements = 0
    /// Statements dated after as-of (to be ignored by readers).
    public var futureStatements = 0
    /// Accounts with recovered = 1.
    public var recovered = 0
    public var accountsBytes = 0
    public var paymentsBytes = 0

    public init() {}
}

extension PortfolioGenerator {
    /// The accounts.csv header: the schema v1 columns, the two extra features and the labels.
    public static let accountsHeader = "account_id,balance,days_past_due,credit_limit,product,state,"
        + "last_payment_date,bankruptcy,cease_and_desist,dispute,deceased,calls_last_7d,"
        + "last_conversation_date,months_on_book,channel,days_to_recovery,recovered"
    /// The payments.csv header.
    public static let paymentsHeader = "account_id,date,amount_due,amount_paid"

    /// Streams the portfolio into two sinks (PortfolioIO's `ByteSink`: `MemorySink`,
    /// `FileDescriptorSink`, `AtomicFileWriter`, …): accounts.csv bytes into `accounts`,
    /// payments.csv bytes into `payments`, through buffers of `bufferSize` bytes (1 MiB). `\n` line ends, no
    /// quoted fields (no generated value contains a comma, quote or newline).
    ///
    /// - Complexity: O(accounts + statements) time; O(1) memory beyond the two buffers
    ///   and one account's statements.
    public func write<A: ByteSink, P: ByteSink>(accounts: A, payments: P,
                                                bufferSize: Int = 1 << 20) throws(OutputError) -> GenerationSummary {
        let accountsOut = BufferedWriter(sink: accounts, capacity: bufferSize)
        let paymentsOut = BufferedWriter(sink: payments, capacity: bufferSize)
        var summary = GenerationSummary()
        accountsOut.text(Self.accountsHeader)
        accountsOut.byte(UInt8(ascii: "\n"))
        paymentsOut.text(Self.paymentsHeader)
        paymentsOut.byte(UInt8(ascii: "\n"))

        let digits = config.idDigits
        var a = SyntheticAccount(index: 0)
        for index in 0 ..< config.accounts {
            fill(&a, index: index)
            try writeAccountRow(a, digits: digits, accountsOut)
            for s in a.statements {
                // Longest row: 1 + 19 + 1 + 10 + 2·(20 + 3) + 1 bytes.
                try paymentsOut.reserve(96)
                paymentsOut.byte(UInt8(ascii: "A"))
                paymentsOut.padded(index + 1, width: digits)
                paymentsOut.byte(UInt8(ascii: ","))
                paymentsOut.date(s.date)
                paymentsOut.byte(UInt8(ascii: ","))
                paymentsOut.cents(s.amountDueCents)
                paymentsOut.byte(UInt8(ascii: ","))
                paymentsOut.cents(s.amountPaidCents)
                paymentsOut.byte(UInt8(ascii: "\n"))
                if s.date > config.asOf.dayNumber { summary.futureStatements += 1 }
            }
            summary.statements += a.statements.count
            if a.recovered { summary.recovered += 1 }
        }
        try accountsOut.flush()
        try paymentsOut.flush()
        summary.accounts = config.accounts
        summary.accountsBytes = accountsOut.totalBytes
        summary.paymentsBytes = paymentsOut.totalBytes
        return summary
    }

    /// One accounts.csv row (at most ~200 bytes).
    @inline(__always)
    func writeAccountRow<S: ByteSink>(_ a: SyntheticAccount, digits: Int, _ out: BufferedWriter<S>) throws(OutputError) {
        let comma = UInt8(ascii: ",")
        try out.reserve(512)
        out.byte(UInt8(ascii: "A"))
        out.padded(a.index + 1, width: digits)
        out.byte(comma)
        out.cents(a.balanceCents)
        out.byte(comma)
        out.unsigned(UInt64(a.daysPastDue))
        out.byte(comma)
        if let limit = a.creditLimitCents { out.cents(limit) }
        out.byte(comma)
        out.text(a.product.name)
        out.byte(comma)
        out.text(a.state)
        out.byte(comma)
        if let d = a.lastPaymentDate { out.date(d) }
        out.byte(comma)
        out.flag(a.bankruptcy); out.byte(comma)
        out.flag(a.ceaseAndDesist); out.byte(comma)
        out.flag(a.dispute); out.byte(comma)
        out.flag(a.deceased); out.byte(comma)
        out.unsigned(UInt64(a.callsLast7d))
        out.byte(comma)
        if let d = a.lastConversationDate { out.date(d) }
        out.byte(comma)
        if let m = a.monthsOnBook { out.unsigned(UInt64(m)) }
        out.byte(comma)
        out.text(a.channel.name)
        out.byte(comma)
        out.unsigned(UInt64(a.daysToRecovery))
        out.byte(comma)
        out.flag(a.recovered)
        out.byte(UInt8(ascii: "\n"))
    }
}

extension PortfolioGenerator {
    /// Writes `accounts.csv` and `payments.csv` into `directory` (which must exist).
    /// Each file goes through an `AtomicFileWriter`: written to a temporary file beside
    /// the target, synced and renamed into place, so a reader never sees a half-written
    /// file, and on failure the previous files stay untouched.
    public func write(toDirectory directory: String) throws(OutputError) -> GenerationSummary {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let accountsFile = try AtomicFileWriter(path: base + "accounts.csv")
        let paymentsFile = try AtomicFileWriter(path: base + "payments.csv")
        let summary = try write(accounts: accountsFile, payments: paymentsFile)
        try accountsFile.commit()
        try paymentsFile.commit()
        return summary
    }
}
