import Dispatch
import PortfolioIO

/// The columns and reason texts `rank --ledger` adds (see `ContactSchedule`).
///
/// Worklist, after `reason_3`: `queue` (`promise_due`, `promise_broken` — the follow-up
/// queue, listed first — or `cold_call`), `call_window_utc` (ISO 8601 interval),
/// `call_window_local` (`08:00-21:00 America/New_York`; every candidate zone when the
/// account's zone is unknown), `calls_left_today` (under the binding 7-day limit) and
/// `binding_limit` (the policy key of that limit). Holds, after `line`:
/// `next_contact_date`, the first day every contact rule allows a call (deferred
/// accounts; tomorrow for over capacity; empty when no rule will lift).
extension WorklistResult {
    public static let ledgerWorklistColumns = ["queue", "call_window_utc", "call_window_local", "calls_left_today", "binding_limit"]
    public static let ledgerHoldsColumns = ["next_contact_date"]

    func ledgerWorklistCells(_ i: Int, _ rules: AccountRules, into out: inout TextOutput) {
        guard let s = schedule else { return }
        out.text(rule[i] == .none ? "cold_call" : rule[i].code)
        let window = s.window(i)
        out.text(window.utcText)
        out.text(window.localText)
        let limit = s.callLimit(i)
        out.decimal(limit.map { Double(max(0, $0.limit - s.facts.calls(i))) } ?? .nan, 0)
        out.text(limit?.key ?? "")
    }

    /// Calls left today for account row i under the binding limit (nil without a ledger
    /// or without any limit).
    public func callsLeftToday(account i: Int) -> Int? {
        schedule?.callsLeft(i)
    }

    /// The next contact day of account row i (see `ledgerHoldsColumns`), or nil.
    public func nextContactDay(account i: Int) -> Int32? {
        nextContactDay(i, AccountRules(policy: policy, accounts: accounts, asOf: asOf, schedule: schedule))
    }

    func nextContactDay(_ i: Int, _ rules: AccountRules) -> Int32? {
        switch rule[i].accountClass {
        case .deferred: rule[i] == .overCapacity ? asOf + 1 : rules.nextContactDay(i)
        default: nil
        }
    }

    func nextContactText(_ i: Int, _ rules: AccountRules) -> String {
        nextContactDay(i, rules).map(CalendarDay.format) ?? ""
    }

    func ledgerExplanation(_ i: Int, _ rules: AccountRules) -> String {
        guard let s = schedule else { return "" }
        let f = s.facts
        let day = CalendarDay.format
        switch rule[i] {
        case .promiseDue, .promiseBroken:
            guard let (_, o) = s.followUps[Int32(i)] else { return "" }
            let head = "promise of \(fixed(o.record.amount, 2)) made \(day(o.record.promisedOn)), due \(day(o.record.due))"
            if rule[i] == .promiseDue { return head + " (today); paid \(fixed(o.paid, 2)) so far" }
            return head + " + grace \(policy.promises.graceDays) days: paid \(fixed(o.paid, 2))"
                + " < \(fixed(o.record.amount * (1 - policy.promises.tolerance), 2)); broken since \(day(o.brokenFrom))"
        case .ceaseRequest:
            return "cease request logged \(day(f.ceaseRequestDay[i])) (ledger)"
        case .disputeLogged:
            return "dispute logged \(day(f.disputeDay[i])) (ledger)"
        case .callOptOut:
            return "opted out of telephone calls (ledger contact point); write or email instead"
        case .callLimit, .stateCallLimit:
            let limit = s.callLimit(i)
            var text = "\(f.calls(i)) calls in the 7 days \(day(asOf - 6))..\(day(asOf))"
            if rule[i] == .callLimit {
                text += " >= contact_rules.max_calls_7d \(policy.contactRules.maxCalls7d)"
            } else if let limit {
                text += " >= \(limit.key) \(limit.limit)"
            }
            return text + (rules.nextContactDay(i).map { "; next call allowed \(day($0))" } ?? "")
        case .conversationCooldown:
            let last = f.lastConversationDay[i]
            let days = Int(asOf) - Int(last)
            return "conversation \(day(last)), \(days) day\(days == 1 ? "" : "s") before as-of, blocks"
                + " conversation_cooldown_days \(policy.contactRules.conversationCooldownDays) days from that day"
                + (rules.nextContactDay(i).map { "; contact allowed from \(day($0))" } ?? "")
        case .noCallWindow:
            let w = s.window(i)
            return "no hour \(policy.callWindow.startHour):00-\(policy.callWindow.endHour):00 local is common to \(w.zones.joined(separator: ", "))"
        default:
            return ""
        }
    }
}

extension WorklistResult {
    /// Per account row: calls left today and the next contact day (see
    /// `callsLeftToday(account:)`, `nextContactDay(account:)`), computed with one set of
    /// rules for the whole run (the audit trail's columns).
    public func auditFigures() -> (callsLeft: [Int?], nextContact: [Int32?]) {
        let rules = AccountRules(policy: policy, accounts: accounts, asOf: asOf, schedule: schedule)
        let left: [Int?] = (0..<accounts.count).map { i in schedule?.callsLeft(i) }
        return (left, (0..<accounts.count).map { nextContactDay($0, rules) })
    }

    /// Per account row: the holds file's reason, with one set of rules for the whole
    /// run; "" for cold calls and over-capacity rows, whose reason is their rank against
    /// the run's capacity (the audit trail stores both, and `ledger show` says it).
    /// Computed in chunks on every core (the texts do not depend on the order).
    public func auditReasons() -> [String] {
        let rules = AccountRules(policy: policy, accounts: accounts, asOf: asOf, schedule: schedule)
        let n = accounts.count
        let chunk = 16_384
        let result = self
        return [String](unsafeUninitializedCapacity: n) { buffer, count in
            let out = SendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
                // Each chunk initializes its own slots [c·chunk, min(n, (c+1)·chunk)).
                for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                    let text = result.rule[i] == .none || result.rule[i] == .overCapacity ? "" : result.explanation(account: i, rules)
                    (out.buffer.baseAddress! + i).initialize(to: text)
                }
            }
            count = n
        }
    }
}

/// A buffer whose disjoint slots the chunks of `auditReasons` initialize concurrently.
private struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<String>
    init(_ buffer: UnsafeMutableBufferPointer<String>) { self.buffer = buffer }
}
