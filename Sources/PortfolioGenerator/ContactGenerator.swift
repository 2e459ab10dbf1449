import PortfolioIO

/// The contact history of a generated portfolio, for the contact ledger (DESIGN §12):
/// `contact_points.csv`, `contacts.csv` and `promises.csv`, consistent with the accounts
/// and statements `PortfolioGenerator` writes for the same configuration.
///
/// Account i's events are a pure function of (seed, i, as-of, `historyCalls`): they draw
/// from their own stream (`AccountRandom(seed: seed ^ ledgerSalt, stream: i)`), so adding
/// them changed no byte of accounts.csv or payments.csv. Per account, in this order:
/// - contact point: zone known 75 % (CA Pacific; TX Central, 10 % Mountain; FL Eastern,
///   10 % Central; IL Central; NY, OH, PA, GA Eastern), else empty; opted out of calls
///   1 %, SMS 3 %, email 2 %.
/// - the `calls_last_7d` calls, each on a day 1–6 before as-of (uniform), outcome
///   no_answer 60 %, voicemail 35 %, wrong_number 5 %;
/// - a call on `last_conversation_date` when it is set: outcome promise 40 %, else
///   right_party; with a promise, promises.csv gets it: promised that day, due 7–21 days
///   later, for the amount due of the first statement dated in between (25.00 when none
///   or nothing due);
/// - U{0…historyCalls} older calls 8–120 days before as-of (no_answer, voicemail,
///   refused, wrong_number: 50/35/10/5 %), and U{0…3} SMS/email/letters 1–120 days before
///   (no_answer);
/// - 4 % make a promise by SMS (not a conversation) 5–30 days before as-of, due 5–20 days
///   later, for max(25, 5 % of the balance) — these feed the follow-up queue;
/// - `cease_and_desist` accounts: a cease_request letter 30–200 days before as-of;
///   `dispute` accounts: a dispute call 20–300 days before.
///
/// Times are a uniform local hour 8:00–20:59 in the account's zone (its state's first
/// zone when empty) at the zone's standard offset, written in UTC (`Z`) for 70 % of rows
/// and with the local offset for 30 %. Collectors are `C01`…`C40`.
public struct ContactGenerator: Sendable {
    public let portfolio: PortfolioGenerator
    /// Older calls per account are uniform on 0…historyCalls. Default 8 (≈ 7.5 events per
    /// account in all); 13 gives ≈ 10 per account, 10 M contacts for 1 M accounts.
    public let historyCalls: Int

    static let ledgerSalt: UInt64 = 0x4C45_4447_4552_0001

    public init(_ portfolio: PortfolioGenerator, historyCalls: Int = 8) {
        self.portfolio = portfolio
        self.historyCalls = historyCalls
    }

    public struct Summary: Sendable, Equatable {
        public var accounts = 0, contacts = 0, promises = 0
    }

    /// Zones by generated state (`GeneratedStates.codes` order) with their standard UTC
    /// offsets in hours: (primary, secondary or nil, share of the secondary).
    static let zones: [(primary: (String, Int), secondary: (String, Int)?, share: Double)] = [
        (("America/Los_Angeles", -8), nil, 0), (("America/Chicago", -6), ("America/Denver", -7), 0.10),
        (("America/New_York", -5), nil, 0), (("America/New_York", -5), ("America/Chicago", -6), 0.10),
        (("America/Chicago", -6), nil, 0), (("America/New_York", -5), nil, 0),
        (("America/New_York", -5), nil, 0), (("America/New_York", -5), nil, 0),
    ]

    /// Writes the three files to `directory` atomically.
    public func write(toDirectory directory: String) throws(OutputError) -> Summary {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let pointsFile = try AtomicFileWriter(path: base + "contact_points.csv")
        let contactsFile = try AtomicFileWriter(path: base + "contacts.csv")
        let promisesFile = try AtomicFileWriter(path: base + "promises.csv")
        let summary = try write(points: pointsFile, contacts: contactsFile, promises: promisesFile)
        try pointsFile.commit()
        try contactsFile.commit()
        try promisesFile.commit()
        return summary
    }

    /// Streams the three files to the sinks.
    public func write<S: ByteSink>(points: S, contacts: S, promises: S) throws(OutputError) -> Summary {
        let p = BufferedWriter(sink: points), c = BufferedWriter(sink: contacts), q = BufferedWriter(sink: promises)
        p.text("account_id,state,time_zone,call_opt_out,sms_opt_out,email_opt_out\n")
        c.text("account_id,timestamp,channel,outcome,collector\n")
        q.text("account_id,promised_on,due_date,amount,collector\n")
        var summary = Summary()
        let asOf = portfolio.config.asOf.dayNumber
        var a = SyntheticAccount(index: 0)
        for index in 0..<portfolio.config.accounts {
            portfolio.fill(&a, index: index)
            var r = AccountRandom(seed: portfolio.config.seed ^ Self.ledgerSalt, stream: UInt64(index))
            let id = portfolio.accountID(index)
            summary.accounts += 1
            // Contact point.
            let z = Self.zones[a.stateIndex]
            let useSecondary = z.secondary != nil && r.chance(z.share)
            let (zone, offset) = useSecondary ? z.secondary! : z.primary
            let zoneKnown = r.chance(0.75)
            try p.reserve(256)
            p.text(id); p.byte(44); p.text(a.state); p.byte(44)
            if zoneKnown { p.text(zone) }
            p.byte(44); p.flag(r.chance(0.01)); p.byte(44); p.flag(r.chance(0.03)); p.byte(44); p.flag(r.chance(0.02)); p.byte(10)

            func event(_ day: Int32, _ channel: StaticString, _ outcome: StaticString) throws(OutputError) {
                let local = Int64(r.int(in: 8 * 3600 ... 21 * 3600 - 1))
                let utc = Int64(day) * 86_400 + local - Int64(offset) * 3600
                let withOffset = r.chance(0.3)
                let collector = r.int(in: 1...40)
                try c.reserve(256)
                c.text(id); c.byte(44)
                Self.timestamp(withOffset ? utc + Int64(offset) * 3600 : utc, offsetHours: withOffset ? offset : nil, c)
                c.byte(44); c.text(channel); c.byte(44); c.text(outcome); c.byte(44)
                c.byte(67); c.padded(collector, width: 2); c.byte(10)
                summary.contacts += 1
            }
            func promise(_ made: Int32, _ due: Int32, _ cents: Int64) throws(OutputError) {
                try q.reserve(256)
                q.text(id); q.byte(44); q.date(made); q.byte(44); q.date(due); q.byte(44); q.cents(cents); q.byte(44)
                q.byte(67); q.padded(r.int(in: 1...40), width: 2); q.byte(10)
                summary.promises += 1
            }

            for _ in 0..<a.callsLast7d {
                let day = asOf - Int32(r.int(in: 1...6))
                let u = r.unit()
                try event(day, "call", u < 0.60 ? "no_answer" : u < 0.95 ? "voicemail" : "wrong_number")
            }
            if let talked = a.lastConversationDate {
                if r.chance(0.4) {
                    try event(talked, "call", "promise")
                    let due = talked + Int32(r.int(in: 7...21))
                    let statement = a.statements.filter { $0.date >= talked && $0.date <= due }.min { $0.date < $1.date }
                    let cents = statement.map { $0.amountDueCents > 0 ? $0.amountDueCents : 2500 } ?? 2500
                    try promise(talked, due, cents)
                } else {
                    try event(talked, "call", "right_party")
                }
            }
            for _ in 0..<r.int(in: 0...historyCalls) {
                let day = asOf - Int32(r.int(in: 8...120))
                let u = r.unit()
                try event(day, "call", u < 0.50 ? "no_answer" : u < 0.85 ? "voicemail" : u < 0.95 ? "refused" : "wrong_number")
            }
            for _ in 0..<r.int(in: 0...3) {
                let day = asOf - Int32(r.int(in: 1...120))
                let u = r.unit()
                try event(day, u < 0.4 ? "sms" : u < 0.8 ? "email" : "letter", "no_answer")
            }
            if r.chance(0.04) {
                let made = asOf - Int32(r.int(in: 5...30))
                try event(made, "sms", "promise")
                try promise(made, made + Int32(r.int(in: 5...20)), max(2500, (a.balanceCents / 20)))
            }
            if a.ceaseAndDesist { try event(asOf - Int32(r.int(in: 30...200)), "letter", "cease_request") }
            if a.dispute { try event(asOf - Int32(r.int(in: 20...300)), "call", "dispute") }
        }
        try p.flush(); try c.flush(); try q.flush()
        return summary
    }

    /// `2026-01-02T15:04:05Z`, or with `-05:00` when `offsetHours` is given (then `t` is local).
    static func timestamp<S: ByteSink>(_ t: Int64, offsetHours: Int?, _ out: BufferedWriter<S>) {
        let day = Int32(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        let s = Int(t - Int64(day) * 86_400)
        out.date(day); out.byte(84)
        out.padded(s / 3600, width: 2); out.byte(58); out.padded(s / 60 % 60, width: 2); out.byte(58); out.padded(s % 60, width: 2)
        if let h = offsetHours {
            out.byte(h < 0 ? 45 : 43); out.padded(abs(h), width: 2); out.text(":00")
        } else {
            out.byte(90)
        }
    }
}
