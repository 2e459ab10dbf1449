import PortfolioIO

/// What the contact ledger (DESIGN §12) knows about each account as of the as-of day:
/// the seam through which `Prioritizer.rank` takes contact history instead of the
/// pre-aggregated `calls_last_7d` / `last_conversation_date` columns.
///
/// Every per-account array is indexed like the `AccountTable` being ranked. Only events
/// dated on or before the as-of day are in it (the ledger's query filters them), so a
/// future event never changes a rule. Days are UTC calendar days (`CalendarDay` numbers)
/// of the events' UTC timestamps.
///
/// Definitions:
/// - a **call** is a contact attempt on the `call` channel, whatever its outcome;
/// - a **conversation** is a call whose outcome shows the person was reached:
///   `right_party`, `promise`, `dispute` or `cease_request` (12 CFR 1006.14(b)(2)(ii));
/// - a `cease_request` or `dispute` outcome on any channel is a hold (do not contact).
public struct ContactFacts: Sendable {
    /// Days in the call-frequency window: the 7 consecutive days ending on the as-of day.
    public static let windowDays = 7

    /// The accounts-file columns whose rules the ledger's events supply (so `rank` does
    /// not stop when they are absent): the call count and last conversation, and the
    /// cease-and-desist and dispute holds (from logged cease requests and disputes).
    public static let suppliedColumns: Set<String> = ["calls_last_7d", "last_conversation_date", "cease_and_desist", "dispute"]

    /// Number of accounts.
    public let count: Int
    /// Calls per day over the window: `callsByDay[i * 7 + j]` = calls to account i on
    /// day as-of − 6 + j (j = 6 is the as-of day itself).
    public var callsByDay: [UInt16]
    /// Day of the last conversation on or before as-of, or `CalendarDay.missing`.
    public var lastConversationDay: [Int32]
    /// Day of the first cease request logged on or before as-of, or `CalendarDay.missing`.
    public var ceaseRequestDay: [Int32]
    /// Day of the first dispute logged on or before as-of, or `CalendarDay.missing`.
    public var disputeDay: [Int32]
    /// The consumer opted out of telephone calls (a contact-point setting in the ledger).
    public var callOptOut: [Bool]
    /// IANA time zone of the account's contact point, "" when unknown.
    public var timeZone: [String]
    /// Two-letter state from the ledger, "" when the ledger has none (then the accounts
    /// file's `state` is used).
    public var state: [String]
    /// Promises to pay on record, any order (resolved against the payments by `rank`).
    public var promises: [PromiseRecord]

    /// Facts with no events: no calls, no conversations, no holds, no promises.
    public init(count: Int) {
        self.count = count
        callsByDay = Array(repeating: 0, count: count * Self.windowDays)
        lastConversationDay = Array(repeating: CalendarDay.missing, count: count)
        ceaseRequestDay = Array(repeating: CalendarDay.missing, count: count)
        disputeDay = Array(repeating: CalendarDay.missing, count: count)
        callOptOut = Array(repeating: false, count: count)
        timeZone = Array(repeating: "", count: count)
        state = Array(repeating: "", count: count)
        promises = []
    }

    /// Calls to account `i` in the 7 days ending on as-of (the Regulation F count).
    public func calls(_ i: Int) -> Int {
        var total = 0
        for j in 0..<Self.windowDays { total += Int(callsByDay[i * Self.windowDays + j]) }
        return total
    }

    /// The first day after as-of on which fewer than `limit` calls fall in the 7 days
    /// ending on it, counting only the calls on record (none after as-of): day as-of + k
    /// for the smallest k in 1…7 with Σ_{j ≥ k} callsByDay[i·7 + j] < limit.
    public func firstDayBelow(limit: Int, account i: Int, asOf: Int32) -> Int32 {
        var remaining = calls(i)
        for k in 1...Self.windowDays {
            remaining -= Int(callsByDay[i * Self.windowDays + k - 1])
            if remaining < limit { return asOf + Int32(k) }
        }
        return asOf + Int32(Self.windowDays)
    }
}

/// One promise to pay from the ledger: the consumer promised `amount` (currency) on day
/// `promisedOn`, due on day `due`.
public struct PromiseRecord: Sendable, Equatable {
    /// Row index into the `AccountTable` being ranked.
    public var account: Int32
    public var promisedOn: Int32
    public var due: Int32
    /// Currency units, > 0.
    public var amount: Double

    public init(account: Int32, promisedOn: Int32, due: Int32, amount: Double) {
        self.account = account
        self.promisedOn = promisedOn
        self.due = due
        self.amount = amount
    }
}
