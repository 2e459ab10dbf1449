// The Prioritizer module: the daily worklist (DESIGN §6).
import Foundation
import PortfolioIO

/// Sorts every input row of the accounts file into exactly one class — worklist,
/// deferred, not worth pursuing, do not contact, rejected — and ranks the worklist.
///
/// **Value.** For account i with balance b (currency), product recovery rate rr
/// (`[recovery_rate]`) and p = P(recovered within H days):
///
///     EV  = b × rr × p × D        (currency)
///     net = EV − cost_per_attempt
///
/// D = 1 when `discount_annual_rate` r is 0. Otherwise D discounts the recovery to
/// as-of over the Cox curve's timing: with the model horizons t₁ < … < t_K ≤ H (days),
/// F(t) = P(recovered by t), F(t₀ = 0) = 0 and ΔF_k = max(0, F(t_k) − F(t_{k−1})),
///
///     D = Σ_k ΔF_k · (1 + r)^(−t_k / 365)  /  Σ_k ΔF_k
///
/// i.e. the expected discount factor given recovery by t_K, each recovery counted at the
/// end of its interval (conservative). When Σ ΔF = 0, D = (1 + r)^(−H/365). D keeps
/// p (the logistic model's propensity) as the size of EV and takes only the timing from
/// the Cox model, so EV is continuous as r → 0 and the p shown next to it is the p used.
///
/// **Precedence.** The first matching step decides the class:
/// 0. **inputs** — a rule that is on but whose input column is absent (and supplied by
///    no other source) stops the run naming the column and the policy key that switches
///    the rule off (`Policy.checkRuleInputs`, `HoldFlagRules`).
/// 1. **do not contact** — a hold flag: `bankruptcy`, `cease_and_desist`, `dispute`,
///    `deceased` (always applied when the column is present); or time-barred:
///    as-of ≥ last_payment_date + the state's limitation period in calendar years
///    (`LimitationPeriods`). Rule: the first of these in that order.
/// 2. **not worth pursuing** — net < `min_net_value` (`below_min_net_value`); else a
///    chronic defaulter (`ChronicDefaulter`) with p < `p_floor` (`chronic_below_p_floor`).
/// 3. **deferred** by a contact rule — calls_last_7d ≥ `max_calls_7d` (`call_limit`);
///    else as-of − last_conversation_date < `conversation_cooldown_days`
///    (`conversation_cooldown`). Each rule can be switched off.
/// 4. The rest are **pursuable**: ranked by net value descending, ties by p descending,
///    then account_id ascending by UTF-8 bytes; the first `capacity` form the
///    **worklist**, the others are **deferred** (`over_capacity`).
///
/// Rejected rows of the accounts file are class **rejected** (rule `invalid_row`).
/// Counts of the classes sum to the accounts file's data rows.
///
/// - Complexity: O(n log n) for n accounts (one sort); O(n·K) more when discounting.
public struct Prioritizer: Sendable {
    public var policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    /// Classifies and ranks a scored portfolio.
    ///
    /// - Parameters:
    ///   - portfolio: the portfolio read: its valid accounts (optional columns may be
    ///     empty arrays, read as absent: flags false, dates missing, calls 0), its rejects
    ///     (only those with `source == .accounts` are used; several on one line count as
    ///     one row) and the data rows of its accounts file (valid + rejected).
    ///   - asOf: the as-of day.
    ///   - scores: model outputs per valid account, in the accounts' row order.
    ///   - capacity: overrides `policy.capacity` when given; ≥ 1.
    ///   - suppliedElsewhere: optional columns another source (a contact ledger) supplies
    ///     for the rules, so their absence from the accounts file does not stop the run.
    ///   - contacts: the contact ledger's facts (`rank --ledger`); then the contact rules
    ///     come from its events, not the `calls_last_7d`/`last_conversation_date` columns
    ///     (which count as supplied, with `cease_and_desist` and `dispute`), cease
    ///     requests and disputes logged there are holds, and accounts with a promise
    ///     due today or recently broken (`PromisePolicy`, resolved against the
    ///     portfolio's payments) form a follow-up queue at the head of the worklist,
    ///     within capacity (see `ContactSchedule`).
    /// - Throws: `.missingRuleInput` when a rule that is on has no input column
    ///   (`Policy.checkRuleInputs`); `PrioritizerError` for a capacity below 1, a NaN/out-of-range p, a bad
    ///   balance, rows that do not add up, or discounting without a model horizon ≤ H.
    public func rank(_ portfolio: Portfolio, asOf: CalendarDay, scores: ModelOutputs,
                     capacity: Int? = nil, suppliedElsewhere: Set<String> = [],
                     contacts: ContactFacts? = nil) throws(PrioritizerError) -> WorklistResult {
        let suppliedElsewhere = contacts == nil ? suppliedElsewhere : suppliedElsewhere.union(ContactFacts.suppliedColumns)
        let accounts = portfolio.accounts, rejects = portfolio.rejects, accountRows = portfolio.accountRows
        let payments = portfolio.payments
        let asOf = asOf.dayNumber
        let n = accounts.count
        precondition(scores.count == n, "rank: \(scores.count) scores for \(n) accounts")
        precondition(scores.medianDays.count == n && scores.scorePoints.count == n, "rank: median/points length ≠ accounts")
        precondition(scores.reasons.codes.isEmpty || scores.reasons.codes.count == n * ReasonCodes.perAccount,
                     "rank: reason codes length ≠ 3 × accounts")
        var policy = self.policy
        if let capacity {
            guard capacity >= 1 else {
                throw PrioritizerError(code: .invalidCapacity, message: "the capacity must be at least 1 account, got \(capacity)")
            }
            policy.capacity = capacity
        }

        try policy.checkRuleInputs(presentColumns: accounts.presentColumns, suppliedElsewhere: suppliedElsewhere)
        let rejected = Self.mergeRejects(rejects)
        guard n + rejected.count == accountRows else {
            throw PrioritizerError(code: .rowCountMismatch, message:
                "\(n) valid accounts + \(rejected.count) rejected lines ≠ \(accountRows) data rows in the accounts file")
        }

        let schedule = contacts.map {
            ContactSchedule(facts: $0, policy: policy, accounts: accounts, asOf: asOf, payments: payments)
        }
        let rules = AccountRules(policy: policy, accounts: accounts, asOf: asOf, schedule: schedule)
        // With competing outcomes, the share of the balance expected within H:
        // Σ_k share_k·CIF_k(H) (outcomes without a share use the product's rate).
        let outcomes = scores.outcomes, k = outcomes.count
        precondition(scores.outcomeIncidence.count == n * k, "rank: outcome incidence length ≠ accounts × outcomes")
        let shares = outcomes.map { policy.outcomeShare[$0] }
        func outcomeValue(_ i: Int, rate: Double) -> Double? {
            guard k > 0 else { return nil }
            var v = 0.0
            for c in 0..<k { v += (shares[c] ?? rate) * scores.outcomeIncidence[i * k + c] }
            return v
        }
        let discount = try DiscountCurve(policy: policy, scores: scores)

        var expectedValue = [Double](repeating: 0, count: n)
        var netValue = [Double](repeating: 0, count: n)
        var discountFactor = [Double](repeating: 1, count: n)
        var rule = [Rule](repeating: .none, count: n)
        var rateCache: [String: Double] = [:]

        for i in 0..<n {
            let p = scores.pRecover[i], balance = accounts.balance[i]
            guard p.isFinite, p >= 0, p <= 1 else {
                throw PrioritizerError(code: .invalidScore, message:
                    "account \(accounts.accountID[i]): p_recover is \(p); it must be a probability in [0, 1]")
            }
            guard balance.isFinite, balance >= 0 else {
                throw PrioritizerError(code: .invalidBalance, message:
                    "account \(accounts.accountID[i]): balance is \(balance); balances must be finite and ≥ 0")
            }
            let product = accounts.product.isEmpty ? "" : accounts.product[i]
            let rate: Double
            if let cached = rateCache[product] { rate = cached } else {
                rate = policy.recoveryRate.rate(for: product)
                rateCache[product] = rate
            }
            let d = try discount.factor(account: i, id: accounts.accountID[i])
            let ev = outcomeValue(i, rate: rate).map { balance * $0 * d } ?? balance * rate * p * d
            let net = ev - policy.costPerAttempt
            expectedValue[i] = ev
            netValue[i] = net
            discountFactor[i] = d
            rule[i] = rules.firstRule(i, net: net, p: p)
        }

        // One sort of every account by the ranking key; the holds file reuses the order.
        var order = (0..<Int32(n)).map { $0 }
        let ids = accounts.accountID
        netValue.withUnsafeBufferPointer { net in
            scores.pRecover.withUnsafeBufferPointer { p in
                order.sort { a, b in
                    let ia = Int(a), ib = Int(b)
                    if net[ia] != net[ib] { return net[ia] > net[ib] }
                    if p[ia] != p[ib] { return p[ia] > p[ib] }
                    return ids[ia].utf8.lexicographicallyPrecedes(ids[ib].utf8)
                }
            }
        }

        var pursuableRank = [Int32](repeating: 0, count: n)
        var worklist: [Int32] = []
        worklist.reserveCapacity(min(n, policy.capacity))
        var nextRank: Int32 = 1
        // The follow-up queue first, then the cold calls, each in ranking order.
        for queue in [{ (r: Rule) in r == .promiseDue || r == .promiseBroken }, { (r: Rule) in r == .none }] {
            for a in order where queue(rule[Int(a)]) {
                pursuableRank[Int(a)] = nextRank
                if Int(nextRank) <= policy.capacity { worklist.append(a) } else { rule[Int(a)] = .overCapacity }
                nextRank += 1
            }
        }

        var counts = ClassCounts()
        var accountClass = [AccountClass](repeating: .worklist, count: n)
        for i in 0..<n {
            accountClass[i] = rule[i].accountClass
            counts.add(rule[i])
        }
        counts.add(.invalidRow, rejected.count)

        return WorklistResult(policy: policy, asOf: asOf, accounts: accounts, scores: scores,
                              accountClass: accountClass, rule: rule, expectedValue: expectedValue,
                              netValue: netValue, discountFactor: discountFactor, pursuableRank: pursuableRank,
                              order: order, worklist: worklist, rejected: rejected, counts: counts,
                              schedule: schedule)
    }

    /// The accounts-file rejects, one row per line (by line), reasons merged in file order.
    static func mergeRejects(_ rejects: [Reject]) -> [RejectedRow] {
        var byLine: [Int: RejectedRow] = [:]
        for r in rejects where r.source == .accounts {
            let reason = r.column.map { "\($0): \(r.reason)" } ?? r.reason
            if var row = byLine[r.line] {
                row.codes += ";" + r.code.rawValue
                row.reason += "; " + reason
                if row.accountID.isEmpty { row.accountID = r.accountID }
                byLine[r.line] = row
            } else {
                byLine[r.line] = RejectedRow(line: r.line, accountID: r.accountID, codes: r.code.rawValue, reason: reason)
            }
        }
        return byLine.values.sorted { $0.line < $1.line }
    }
}

/// The per-account rules of a policy, with absent optional columns read as absent.
struct AccountRules {
    let policy: Policy
    let accounts: AccountTable
    let asOf: Int32
    /// Whether the accounts file had a last_payment_date column (for the chronic rule).
    let hasLastPaymentColumn: Bool
    /// The ledger's contact rules (`rank --ledger`), nil for the column rules.
    let schedule: ContactSchedule?

    init(policy: Policy, accounts: AccountTable, asOf: Int32, schedule: ContactSchedule? = nil) {
        self.policy = policy
        self.accounts = accounts
        self.asOf = asOf
        self.schedule = schedule
        self.hasLastPaymentColumn = accounts.presentColumns.contains("last_payment_date")
    }

    func flag(_ column: [Bool], _ i: Int) -> Bool { column.isEmpty ? false : column[i] }
    func day(_ column: [Int32], _ i: Int) -> Int32 { column.isEmpty ? CalendarDay.missing : column[i] }
    func calls(_ i: Int) -> Int { accounts.callsLast7d.isEmpty ? 0 : Int(accounts.callsLast7d[i]) }
    func state(_ i: Int) -> String { accounts.state.isEmpty ? "" : accounts.state[i] }

    /// The day the debt becomes time-barred (last payment + the state's period), or nil
    /// when there is no last payment date.
    func limitationEnd(_ i: Int) -> Int32? {
        let last = day(accounts.lastPaymentDate, i)
        guard last != CalendarDay.missing else { return nil }
        return addingCalendarMonths(last, 12 * policy.limitationPeriod.years(for: state(i)))
    }

    func isTimeBarred(_ i: Int) -> Bool {
        guard let end = limitationEnd(i) else { return false }
        return asOf >= end
    }

    /// Whether each chronic-defaulter criterion holds: (days past due, months without
    /// payment); nil when the criterion is switched off.
    func chronicCriteria(_ i: Int) -> (dpd: Bool?, noPayment: Bool?) {
        let c = policy.chronicDefaulter
        let dpd: Bool? = c.daysPastDue > 0 ? accounts.daysPastDue[i] >= Double(c.daysPastDue) : nil
        var noPayment: Bool? = nil
        if c.monthsWithoutPayment > 0 {
            if !hasLastPaymentColumn {
                noPayment = false
            } else {
                let last = day(accounts.lastPaymentDate, i)
                noPayment = last == CalendarDay.missing || asOf >= addingCalendarMonths(last, c.monthsWithoutPayment)
            }
        }
        return (dpd, noPayment)
    }

    func isChronic(_ i: Int) -> Bool {
        let (dpd, noPayment) = chronicCriteria(i)
        let on = [dpd, noPayment].compactMap { $0 }
        if on.isEmpty { return false }
        switch policy.chronicDefaulter.combine {
        case .any: return on.contains(true)
        case .all: return on.allSatisfy { $0 }
        }
    }

    /// Whether a conversation within the cooldown holds the account: as-of − date < days.
    func inConversationCooldown(_ i: Int) -> Bool {
        let last = lastConversation(i)
        guard last != CalendarDay.missing else { return false }
        return Int(asOf) - Int(last) < policy.contactRules.conversationCooldownDays
    }

    func overCallLimit(_ i: Int) -> Bool { calls(i) >= policy.contactRules.maxCalls7d }

    /// The do-not-contact rules that apply, in precedence order.
    func doNotContactRules(_ i: Int) -> [Rule] {
        var r: [Rule] = []
        if flag(accounts.bankruptcy, i) { r.append(.bankruptcy) }
        if flag(accounts.ceaseAndDesist, i) { r.append(.ceaseAndDesist) }
        if flag(accounts.dispute, i) { r.append(.dispute) }
        if flag(accounts.deceased, i) { r.append(.deceased) }
        if isTimeBarred(i) { r.append(.timeBarred) }
        return r + ledgerHolds(i)
    }

    /// The first rule that holds account i back, or `.none` when it is pursuable.
    func firstRule(_ i: Int, net: Double, p: Double) -> Rule {
        if flag(accounts.bankruptcy, i) { return .bankruptcy }
        if flag(accounts.ceaseAndDesist, i) { return .ceaseAndDesist }
        if flag(accounts.dispute, i) { return .dispute }
        if flag(accounts.deceased, i) { return .deceased }
        if isTimeBarred(i) { return .timeBarred }
        if let hold = ledgerHolds(i).first { return hold }
        if net < policy.minNetValue { return .belowMinNetValue }
        if p < policy.pFloor && isChronic(i) { return .chronicBelowPFloor }
        if let contact = contactRule(i) { return contact }
        return followUpRule(i)
    }
}

/// The discount factor D of each account (see `Prioritizer`).
struct DiscountCurve {
    let enabled: Bool
    let scores: ModelOutputs
    /// Horizons used: indices 0..<used of `scores.horizons` (those ≤ H).
    let used: Int
    /// (1 + r)^(−t_k/365) for the used horizons.
    let factors: [Double]
    /// (1 + r)^(−H/365), for accounts with no recovery mass by t_K.
    let atHorizon: Double

    init(policy: Policy, scores: ModelOutputs) throws(PrioritizerError) {
        self.scores = scores
        let r = policy.discountAnnualRate
        enabled = r > 0
        guard enabled else { used = 0; factors = []; atHorizon = 1; return }
        let h = scores.horizons
        precondition(zip(h, h.dropFirst()).allSatisfy { $0 < $1 } && (h.first ?? 1) > 0,
                     "rank: horizons must be strictly increasing and > 0")
        precondition(scores.recoveredBy.count == scores.count * h.count, "rank: recoveredBy length ≠ accounts × horizons")
        if !scores.hasSurvivalModel {
            throw PrioritizerError(code: .horizonMismatch, message:
                "discounting needs the Cox model's P(recovered by day), and this model has none (trained with the logistic model alone); set discount_annual_rate = 0 or use a model with both")
        }
        used = h.prefix { $0 <= scores.horizonDays }.count
        guard used > 0 else {
            throw PrioritizerError(code: .horizonMismatch, message:
                "discounting needs a survival horizon ≤ H = \(scores.horizonDays) days; the model has \(h.map(String.init).joined(separator: ", "))")
        }
        factors = h.prefix(used).map { pow(1 + r, -Double($0) / 365) }
        atHorizon = pow(1 + r, -Double(scores.horizonDays) / 365)
    }

    func factor(account i: Int, id: String) throws(PrioritizerError) -> Double {
        guard enabled else { return 1 }
        let k = scores.horizons.count
        var previous = 0.0, mass = 0.0, weighted = 0.0
        for j in 0..<used {
            let f = scores.recoveredBy[i * k + j]
            guard f.isFinite, f >= 0, f <= 1 else {
                throw PrioritizerError(code: .invalidScore, message:
                    "account \(id): P(recovered by \(scores.horizons[j]) days) is \(f); it must be a probability in [0, 1]")
            }
            let delta = max(0, f - previous)
            mass += delta
            weighted += delta * factors[j]
            previous = max(previous, f)
        }
        return mass > 0 ? weighted / mass : atHorizon
    }
}

/// `day` plus `months` calendar months, the day of month clamped to the target month's
/// length (2024-02-29 + 12 months = 2025-02-28; 2025-01-31 + 1 month = 2025-02-28).
/// Saturates at the calendar's ends (years 1 and 9999).
func addingCalendarMonths(_ day: Int32, _ months: Int) -> Int32 {
    let (y, m, d) = CalendarDay.civil(day)
    let total = y * 12 + (m - 1) + months
    let year = total >= 0 ? total / 12 : (total - 11) / 12
    let month = total - year * 12 + 1
    if year > 9999 { return Int32.max }
    if year < 1 { return Int32.min + 1 }
    return CalendarDay.dayNumber(year: year, month: month, day: min(d, CalendarDay.daysInMonth(year: year, month: month)))!
}
