import PortfolioIO
import Prioritizer

/// Features from the ledger (DESIGN §3 style), computed from events dated on or before
/// the as-of day only, so `train` can use them without leakage.
///
/// | feature | definition | reason text |
/// | --- | --- | --- |
/// | promise_kept_rate | kept / (kept + broken) promises as of as-of (`PromisePolicy`); NaN when none resolved | "kept 2 of 3 promises to pay" |
/// | contacts_30d | contact attempts, any channel, in the 30 days ending on as-of | "contacted 5 times in the last 30 days" |
/// | right_party_contacts_30d | of those, the ones that reached the person | "reached 2 times in the last 30 days" |
/// | days_since_conversation | as-of − the day of the last conversation (a call that reached the person); NaN when none | "last spoke 12 days ago" |
/// | broken_promises_90d | promises whose first broken day is in the 90 days ending on as-of | "broke 1 promise in the last 90 days" |
public struct LedgerFeatures: Sendable {
    public static let names = ["promise_kept_rate", "contacts_30d", "right_party_contacts_30d",
                               "days_since_conversation", "broken_promises_90d"]

    /// One column per name, in `names` order, indexed like the accounts.
    public var columns: [[Double]]

    /// Computes the features from `facts`, resolving promises against `payments`.
    public init(facts: LedgerFacts, payments: PaymentTable, asOf: Int32, promises policy: PromisePolicy) {
        let n = facts.contacts.count
        var kept = [Double](repeating: 0, count: n), resolved = [Double](repeating: 0, count: n)
        var broken90 = [Double](repeating: 0, count: n)
        for o in policy.resolve(facts.contacts.promises, payments: payments, asOf: asOf) {
            let i = Int(o.record.account)
            switch o.status {
            case .kept: kept[i] += 1; resolved[i] += 1
            case .broken:
                resolved[i] += 1
                if Int(asOf) - Int(o.brokenFrom) < 90 { broken90[i] += 1 }
            case .open: break
            }
        }
        let rate = (0..<n).map { resolved[$0] > 0 ? kept[$0] / resolved[$0] : .nan }
        let since = facts.contacts.lastConversationDay.map { $0 == CalendarDay.missing ? Double.nan : Double(Int(asOf) - Int($0)) }
        columns = [rate, facts.contacts30d.map(Double.init), facts.rightParty30d.map(Double.init), since, broken90]
        keptCounts = kept
        resolvedCounts = resolved
    }

    let keptCounts: [Double]
    let resolvedCounts: [Double]

    /// The reason text of feature `k` for account `i`.
    public func reason(_ k: Int, account i: Int) -> String {
        let x = columns[k][i]
        func times(_ v: Double) -> String { v == 1 ? "once" : "\(Int(v)) times" }
        switch Self.names[k] {
        case "promise_kept_rate":
            return x.isNaN ? "no promise to pay resolved yet" : "kept \(Int(keptCounts[i])) of \(Int(resolvedCounts[i])) promises to pay"
        case "contacts_30d": return x == 0 ? "not contacted in the last 30 days" : "contacted \(times(x)) in the last 30 days"
        case "right_party_contacts_30d": return x == 0 ? "not reached in the last 30 days" : "reached \(times(x)) in the last 30 days"
        case "days_since_conversation": return x.isNaN ? "never spoken to" : "last spoke \(Int(x)) day\(x == 1 ? "" : "s") ago"
        default: return "broke \(Int(x)) promise\(x == 1 ? "" : "s") in the last 90 days"
        }
    }
}
