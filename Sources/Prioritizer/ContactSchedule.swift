import PortfolioIO

/// The contact rules computed from ledger events (`ContactFacts`) for one as-of day:
/// each account's call window, the calls left today under the binding limit, its
/// promises resolved against the payments, and its follow-up rule.
///
/// **Call limits.** With c = calls in the 7 days ending on as-of, the limits are
/// Regulation F's `max_calls_7d` m (12 CFR 1006.14(b)(2)(i); when `call_limit` is on)
/// and the state's `[state_rules.XX] max_calls_7d` s (when listed). Calls left today =
/// max(0, min(m, s) − c): the 7th call in 7 days is allowed (c = 6 → 1 left), the 8th
/// is not (c = 7 → 0 left, deferred by `call_limit`).
///
/// **Next contact day** of an account deferred by a contact rule: the first day after
/// as-of on which every contact rule allows a call if nothing more is logged — the day the
/// 7-day count drops below the binding limit, and the conversation block's end
/// (conversation day + `conversation_cooldown_days`), whichever is later.
///
/// An immutable final class rather than a struct: every rule and output cell reads it
/// per account, and one reference is cheaper to pass than a dozen array fields.
public final class ContactSchedule: Sendable {
    public let facts: ContactFacts
    /// Distinct call windows of the run; `windowIndex[i]` points into it.
    public let windows: [CallWindow]
    public let windowIndex: [Int32]
    /// Every promise on record, resolved as of the run's as-of.
    public let promises: [PromiseOutcome]
    /// Account row → the promise behind its follow-up rule (`promise_due`/`promise_broken`).
    public let followUps: [Int32: (rule: Rule, promise: PromiseOutcome)]
    /// The distinct binding limits of the run (nil: no limit applies), and each account's
    /// index into them: resolved once per state, not per account and output cell.
    let limits: [(limit: Int, key: String)?]
    let limitIndex: [UInt16]

    /// Builds the schedule; the accounts file's `state` is used where the ledger has none.
    public init(facts: ContactFacts, policy: Policy, accounts: AccountTable, asOf: Int32, payments: PaymentTable) {
        precondition(facts.count == accounts.count, "ContactSchedule: \(facts.count) facts for \(accounts.count) accounts")
        self.facts = facts
        var windows: [CallWindow] = []
        // Windows by zone (accounts with a zone) and by state (the others): few keys.
        var byZone: [String: Int32] = [:], byState: [String: Int32] = [:]
        var index = [Int32](repeating: 0, count: facts.count)
        var limits: [(limit: Int, key: String)?] = [Self.callLimit(policy: policy, state: "")]
        var limitOfState: [String: UInt16] = ["": 0]
        var limitIndex = [UInt16](repeating: 0, count: facts.count)
        for i in 0..<facts.count {
            let state = facts.state[i].isEmpty ? (accounts.state.isEmpty ? "" : accounts.state[i]) : facts.state[i]
            if !policy.stateRules.isEmpty {
                if let k = limitOfState[state] {
                    limitIndex[i] = k
                } else {
                    let limit = Self.callLimit(policy: policy, state: state)
                    // Distinct limits: at most one per state rule + 1 (two-letter codes: < 65536).
                    let k = limits.firstIndex { $0?.limit == limit?.limit && $0?.key == limit?.key } ?? limits.count
                    if k == limits.count { limits.append(limit) }
                    limitOfState[state] = UInt16(k)
                    limitIndex[i] = UInt16(k)
                }
            }
            let zone = facts.timeZone[i]
            if let known = zone.isEmpty ? byState[state] : byZone[zone] { index[i] = known; continue }
            var zones = StateTimeZones.candidates(zone: zone, state: state)
            var window = CallWindow.of(day: asOf, zones: zones, policy: policy.callWindow)
            if window == nil {
                // A zone the IANA database does not know counts as unknown: the state's zones.
                zones = StateTimeZones.candidates(zone: "", state: state)
                window = CallWindow.of(day: asOf, zones: zones, policy: policy.callWindow)
            }
            let k = Int32(windows.count)
            windows.append(window!)
            if zone.isEmpty { byState[state] = k } else { byZone[zone] = k }
            index[i] = k
        }
        self.windows = windows
        self.windowIndex = index
        self.limits = limits
        self.limitIndex = limitIndex
        let resolved = policy.promises.resolve(facts.promises, payments: payments, asOf: asOf)
        self.promises = resolved
        var byAccount: [Int32: [PromiseOutcome]] = [:]
        for o in resolved { byAccount[o.record.account, default: []].append(o) }
        var followUps: [Int32: (rule: Rule, promise: PromiseOutcome)] = [:]
        for (a, outcomes) in byAccount {
            if let f = policy.promises.followUp(outcomes, asOf: asOf) { followUps[a] = f }
        }
        self.followUps = followUps
    }

    public func window(_ i: Int) -> CallWindow { windows[Int(windowIndex[i])] }

    /// The binding 7-day call limit of account i: (limit, policy key), nil when no
    /// limit applies (see `callLimit(policy:state:)`).
    @inline(__always)
    func callLimit(_ i: Int) -> (limit: Int, key: String)? {
        limits[Int(limitIndex[i])]
    }

    /// The binding 7-day call limit in `state` (the ledger's, else the accounts file's):
    /// the lower of Regulation F's `max_calls_7d` (when `call_limit` is on) and the
    /// state's `[state_rules.XX] max_calls_7d`, with its policy key; nil when none applies.
    static func callLimit(policy: Policy, state s: String) -> (limit: Int, key: String)? {
        var best: (limit: Int, key: String)? = policy.contactRules.callLimit
            ? (policy.contactRules.maxCalls7d, "contact_rules.max_calls_7d") : nil
        guard !policy.stateRules.isEmpty else { return best }
        if let rule = policy.stateRules[s] ?? policy.stateRules[s.uppercased()], rule.maxCalls7d < (best?.limit ?? .max) {
            best = (rule.maxCalls7d, "state_rules.\(s.uppercased()).max_calls_7d")
        }
        return best
    }

    /// Calls left today under the binding limit (nil when no limit applies).
    func callsLeft(_ i: Int) -> Int? {
        callLimit(i).map { max(0, $0.limit - facts.calls(i)) }
    }
}

extension AccountRules {
    /// The ledger's do-not-contact rules for account i (cease request, dispute), in order.
    func ledgerHolds(_ i: Int) -> [Rule] {
        guard let s = schedule else { return [] }
        var r: [Rule] = []
        if s.facts.ceaseRequestDay[i] != CalendarDay.missing { r.append(.ceaseRequest) }
        if s.facts.disputeDay[i] != CalendarDay.missing { r.append(.disputeLogged) }
        return r
    }

    /// The first contact rule that defers account i, or nil. Without a ledger: the
    /// column rules (`calls_last_7d`, `last_conversation_date`); with one: opt-out, the
    /// Regulation F and state call limits, the conversation block and the call window.
    func contactRule(_ i: Int) -> Rule? {
        let rules = policy.contactRules
        guard let s = schedule else {
            if rules.callLimit && overCallLimit(i) { return .callLimit }
            if rules.conversationCooldown && inConversationCooldown(i) { return .conversationCooldown }
            return nil
        }
        if s.facts.callOptOut[i] { return .callOptOut }
        let calls = s.facts.calls(i)
        if rules.callLimit && calls >= rules.maxCalls7d { return .callLimit }
        if let limit = s.callLimit(i), calls >= limit.limit { return .stateCallLimit }
        if rules.conversationCooldown && inConversationCooldown(i) { return .conversationCooldown }
        if s.window(i).isEmpty { return .noCallWindow }
        return nil
    }

    /// The follow-up rule of account i (`promise_due`/`promise_broken`), or `.none`.
    func followUpRule(_ i: Int) -> Rule {
        schedule?.followUps[Int32(i)]?.rule ?? .none
    }

    /// The first day after as-of when every contact rule allows a call to account i
    /// (see `ContactSchedule`); nil when no rule holds it or none will lift (opt-out).
    func nextContactDay(_ i: Int) -> Int32? {
        guard let s = schedule, !s.facts.callOptOut[i] else { return nil }
        var day: Int32? = nil
        if let limit = s.callLimit(i), s.facts.calls(i) >= limit.limit {
            day = s.facts.firstDayBelow(limit: limit.limit, account: i, asOf: asOf)
        }
        if policy.contactRules.conversationCooldown && inConversationCooldown(i) {
            let end = lastConversation(i) + Int32(policy.contactRules.conversationCooldownDays)
            day = max(day ?? end, end)
        }
        if day == nil && s.window(i).isEmpty { return nil }
        return day
    }

    /// Day of the last conversation: the ledger's with one, else the column's.
    func lastConversation(_ i: Int) -> Int32 {
        if let s = schedule { return s.facts.lastConversationDay[i] }
        return day(accounts.lastConversationDate, i)
    }
}
