import ArrearsCore
import Foundation
import PortfolioIO

/// The class every input row of the accounts file lands in (DESIGN §6), in the order of
/// precedence the prioritizer applies (see `Prioritizer`).
public enum AccountClass: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Ranked by net value, within capacity: work today.
    case worklist
    /// Pursuable but held back today: a contact-frequency rule or over capacity.
    case deferred
    /// Net value below `min_net_value`, or a chronic defaulter with p below `p_floor`.
    case notWorthPursuing
    /// A hold flag or a time-barred debt: must not be contacted.
    case doNotContact
    /// The input row itself was invalid.
    case rejected

    /// The code written in output files: `worklist`, `deferred`, `not_worth_pursuing`,
    /// `do_not_contact`, `rejected`.
    public var code: String {
        switch self {
        case .worklist: "worklist"
        case .deferred: "deferred"
        case .notWorthPursuing: "not_worth_pursuing"
        case .doNotContact: "do_not_contact"
        case .rejected: "rejected"
        }
    }

    /// Words for people: "not worth pursuing".
    public var description: String { code.replacingOccurrences(of: "_", with: " ") }
}

/// The rule that put an account in its class; the first that applies in precedence
/// order. (Later rules that also apply are mentioned in the row's reason text.)
public enum Rule: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// On the worklist: no rule held it back.
    case none
    // worklist, follow-up queue (with a ledger): listed before the cold calls
    case promiseDue, promiseBroken
    // do not contact, in this order; the last two from the ledger's events
    case bankruptcy, ceaseAndDesist, dispute, deceased, timeBarred, ceaseRequest, disputeLogged
    // not worth pursuing
    case belowMinNetValue, chronicBelowPFloor
    // deferred; opt-out, state limit and call window with a ledger only
    case callOptOut, callLimit, stateCallLimit, conversationCooldown, noCallWindow, overCapacity
    // rejected
    case invalidRow

    /// The class this rule leads to.
    public var accountClass: AccountClass {
        switch self {
        case .none, .promiseDue, .promiseBroken: .worklist
        case .bankruptcy, .ceaseAndDesist, .dispute, .deceased, .timeBarred, .ceaseRequest, .disputeLogged: .doNotContact
        case .belowMinNetValue, .chronicBelowPFloor: .notWorthPursuing
        case .callOptOut, .callLimit, .stateCallLimit, .conversationCooldown, .noCallWindow, .overCapacity: .deferred
        case .invalidRow: .rejected
        }
    }

    /// The code written in the `rule` column.
    public var code: String {
        switch self {
        case .none: ""
        case .promiseDue: "promise_due"
        case .promiseBroken: "promise_broken"
        case .ceaseRequest: "cease_request"
        case .disputeLogged: "dispute_logged"
        case .callOptOut: "call_opt_out"
        case .stateCallLimit: "state_call_limit"
        case .noCallWindow: "no_call_window"
        case .bankruptcy: "bankruptcy"
        case .ceaseAndDesist: "cease_and_desist"
        case .dispute: "dispute"
        case .deceased: "deceased"
        case .timeBarred: "time_barred"
        case .belowMinNetValue: "below_min_net_value"
        case .chronicBelowPFloor: "chronic_below_p_floor"
        case .callLimit: "call_limit"
        case .conversationCooldown: "conversation_cooldown"
        case .overCapacity: "over_capacity"
        case .invalidRow: "invalid_row"
        }
    }

    public var description: String { code.isEmpty ? "none" : code.replacingOccurrences(of: "_", with: " ") }
}

/// One rejected row of the accounts file (several problems on one line merge into one row).
public struct RejectedRow: Sendable, Equatable {
    /// 1-based line in the accounts file.
    public var line: Int
    /// The account id when it could be read, else "".
    public var accountID: String
    /// The rejects' codes joined with ";" (e.g. `negative_value`).
    public var codes: String
    /// The reasons, each prefixed with its column when known, joined with "; ".
    public var reason: String

    public init(line: Int, accountID: String, codes: String, reason: String) {
        self.line = line
        self.accountID = accountID
        self.codes = codes
        self.reason = reason
    }
}

/// Accounts per class; `total` equals the data rows of the accounts file.
public struct ClassCounts: Sendable, Equatable, CustomStringConvertible {
    public var worklist = 0
    public var deferred = 0
    public var notWorthPursuing = 0
    public var doNotContact = 0
    public var rejected = 0
    /// Accounts per rule, indexed by `Rule.rawValue`.
    public var byRule: [Int] = Array(repeating: 0, count: Rule.allCases.count)

    public init() {}

    /// Each class and each rule with accounts, by code (`worklist`, `call_limit`, …), for
    /// machine-readable summaries.
    public var figures: [String: Int] {
        var f: [String: Int] = [:]
        for c in AccountClass.allCases { f[c.code] = self[c] }
        for r in Rule.allCases where r != .none && r != .invalidRow && self[r] > 0 { f[r.code] = self[r] }
        return f
    }

    /// Sum of the five classes.
    public var total: Int { worklist + deferred + notWorthPursuing + doNotContact + rejected }

    public subscript(_ c: AccountClass) -> Int {
        switch c {
        case .worklist: worklist
        case .deferred: deferred
        case .notWorthPursuing: notWorthPursuing
        case .doNotContact: doNotContact
        case .rejected: rejected
        }
    }

    public subscript(_ r: Rule) -> Int { byRule[Int(r.rawValue)] }

    mutating func add(_ rule: Rule, _ k: Int = 1) {
        byRule[Int(rule.rawValue)] += k
        switch rule.accountClass {
        case .worklist: worklist += k
        case .deferred: deferred += k
        case .notWorthPursuing: notWorthPursuing += k
        case .doNotContact: doNotContact += k
        case .rejected: rejected += k
        }
    }

    /// The end-of-run summary, one class per line with its rules, e.g.
    /// ```
    /// worklist                500
    /// deferred                 41  (call limit 3, conversation cooldown 2, over capacity 36)
    /// not worth pursuing      120  (below min net value 100, chronic below p floor 20)
    /// do not contact            9  (bankruptcy 2, dispute 4, time barred 3)
    /// rejected                  2
    /// total input rows        672
    /// ```
    public var description: String {
        let width = max(String(total).count, 5)
        func pad(_ n: Int) -> String { String(repeating: " ", count: width - String(n).count) + String(n) }
        func label(_ s: String) -> String { s + String(repeating: " ", count: max(0, 20 - s.count)) }
        var lines: [String] = []
        for c in AccountClass.allCases {
            var line = label(c.description) + pad(self[c])
            let rules = Rule.allCases.filter { $0.accountClass == c && $0 != .none && $0 != .invalidRow && self[$0] > 0 }
            if !rules.isEmpty {
                line += "  (" + rules.map { "\($0.description) \(self[$0])" }.joined(separator: ", ") + ")"
            }
            lines.append(line)
        }
        lines.append(label("total input rows") + pad(total))
        return lines.joined(separator: "\n")
    }
}

/// The outcome of `Prioritizer.rank`: a class and rule for every valid account, the
/// figures behind them, the ranked worklist and the rejected rows. Self-contained (it
/// shares the input columns copy-on-write), so the writers need nothing else.
public struct WorklistResult: Sendable {
    /// The policy applied, with `capacity` the effective one.
    public let policy: Policy
    /// The as-of day number.
    public let asOf: Int32
    /// The valid accounts, as given.
    public let accounts: AccountTable
    /// The model outputs, as given.
    public let scores: ModelOutputs
    /// Reason codes for the worklist rows; replace them after ranking to compute
    /// reason texts only for `worklist` accounts.
    public var reasons: ReasonCodes

    /// Per account: its class.
    public let accountClass: [AccountClass]
    /// Per account: the first rule that applied (`.none` on the worklist).
    public let rule: [Rule]
    /// Per account: recovery rate × p × discount factor (the EV per unit of balance is
    /// `expectedValue / balance`). EV in currency.
    public let expectedValue: [Double]
    /// Per account: EV − cost_per_attempt, currency.
    public let netValue: [Double]
    /// Per account: the discount factor D in [0, 1] (1 when not discounting).
    public let discountFactor: [Double]
    /// Per account: 1-based rank among the pursuable accounts (worklist and over
    /// capacity), 0 for the others. Worklist ranks are 1…capacity.
    public let pursuableRank: [Int32]
    /// Every valid account in ranking order: net value descending, then p descending,
    /// then account_id ascending by UTF-8 bytes.
    public let order: [Int32]
    /// The worklist: account rows in rank order (rank = position + 1).
    public let worklist: [Int32]
    /// Rejected rows of the accounts file, by line.
    public let rejected: [RejectedRow]
    /// Accounts per class and rule; `counts.total` = data rows of the accounts file.
    public let counts: ClassCounts
    /// The ledger's contact schedule (call windows, calls left, promises) with
    /// `rank --ledger`; nil with the column rules.
    public let schedule: ContactSchedule?

    init(policy: Policy, asOf: Int32, accounts: AccountTable, scores: ModelOutputs,
         accountClass: [AccountClass], rule: [Rule], expectedValue: [Double], netValue: [Double],
         discountFactor: [Double], pursuableRank: [Int32], order: [Int32], worklist: [Int32],
         rejected: [RejectedRow], counts: ClassCounts, schedule: ContactSchedule? = nil) {
        self.policy = policy
        self.asOf = asOf
        self.accounts = accounts
        self.scores = scores
        self.reasons = scores.reasons
        self.accountClass = accountClass
        self.rule = rule
        self.expectedValue = expectedValue
        self.netValue = netValue
        self.discountFactor = discountFactor
        self.pursuableRank = pursuableRank
        self.order = order
        self.worklist = worklist
        self.rejected = rejected
        self.counts = counts
        self.schedule = schedule
    }
}

/// A prioritizer input that cannot be ranked (a user's data or model, not a bug).
public struct PrioritizerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The capacity asked for is below 1.
        case invalidCapacity = "invalid_capacity"
        /// p is NaN, infinite or outside [0, 1]; or F(t) is, when discounting.
        case invalidScore = "invalid_score"
        /// A balance is NaN, infinite or negative.
        case invalidBalance = "invalid_balance"
        /// Valid accounts + rejected lines ≠ data rows of the accounts file.
        case rowCountMismatch = "row_count_mismatch"
        /// Discounting needs a model horizon ≤ H.
        case horizonMismatch = "horizon_mismatch"
        /// A rule that is on has no input column (and no other source supplies it).
        case missingRuleInput = "missing_rule_input"
    }

    public var code: Code
    public var message: String
    public var description: String { message }

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}

extension PrioritizerError: ArrearsError {
    public var codeName: String { code.rawValue }
}
