import PortfolioIO

/// `[hold_flags]`: whether each do-not-contact rule must have its input (DESIGN §6: a
/// rule is only as good as its input; "absent" never reads as "no hold").
///
/// Each key is a switch, default **true**: `rank` then stops when the accounts file lacks
/// the rule's column(s) and no other source (a contact ledger) supplies them. `false`
/// lets `rank` run without the column — nobody is held by that rule — but a column that
/// is present is always applied: a do-not-contact rule is never ignored when its input
/// is there.
///
/// - `bankruptcy`, `cease_and_desist`, `dispute`, `deceased`: the hold-flag column of the
///   same name;
/// - `time_barred`: `last_payment_date` (the limitation clock's start) and `state` (the
///   period, `[limitation_period_years]`).
public struct HoldFlagRules: Codable, Sendable, Equatable {
    public var bankruptcy: Bool
    public var ceaseAndDesist: Bool
    public var dispute: Bool
    public var deceased: Bool
    public var timeBarred: Bool

    public init(bankruptcy: Bool = true, ceaseAndDesist: Bool = true, dispute: Bool = true,
                deceased: Bool = true, timeBarred: Bool = true) {
        self.bankruptcy = bankruptcy
        self.ceaseAndDesist = ceaseAndDesist
        self.dispute = dispute
        self.deceased = deceased
        self.timeBarred = timeBarred
    }

    /// Every switch off: rank a file with none of the rule columns (tests, synthetic data).
    public static let allOff = HoldFlagRules(bankruptcy: false, ceaseAndDesist: false, dispute: false,
                                             deceased: false, timeBarred: false)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bankruptcy
        case ceaseAndDesist = "cease_and_desist"
        case dispute
        case deceased
        case timeBarred = "time_barred"
    }
}

/// A worklist rule, the accounts-file columns it reads, and the policy switch that
/// turns it off.
public struct RuleInput: Sendable, Equatable {
    public var rule: Rule
    /// Lower-case column names the rule reads.
    public var columns: [String]
    /// The dotted policy key (`hold_flags.bankruptcy`, `contact_rules.call_limit`).
    public var policyKey: String
    /// Whether the policy has the rule on.
    public var isOn: Bool
    /// The columns neither the file nor another source has.
    public var missing: [String]

    /// The rule can be applied: every column is there.
    public var isSupported: Bool { missing.isEmpty }
}

extension Policy {
    /// The input-dependent rules of this policy, in precedence order, checked against the
    /// optional columns the accounts file has (`AccountTable.presentColumns`) plus the
    /// columns another source supplies (`suppliedElsewhere`, e.g. a contact ledger).
    public func ruleInputs(presentColumns: Set<String>, suppliedElsewhere: Set<String> = []) -> [RuleInput] {
        let have = presentColumns.union(suppliedElsewhere)
        func input(_ rule: Rule, _ columns: [String], _ key: String, _ on: Bool) -> RuleInput {
            RuleInput(rule: rule, columns: columns, policyKey: key, isOn: on,
                      missing: columns.filter { !have.contains($0) })
        }
        return [
            input(.bankruptcy, ["bankruptcy"], "hold_flags.bankruptcy", holdFlags.bankruptcy),
            input(.ceaseAndDesist, ["cease_and_desist"], "hold_flags.cease_and_desist", holdFlags.ceaseAndDesist),
            input(.dispute, ["dispute"], "hold_flags.dispute", holdFlags.dispute),
            input(.deceased, ["deceased"], "hold_flags.deceased", holdFlags.deceased),
            input(.timeBarred, ["last_payment_date", "state"], "hold_flags.time_barred", holdFlags.timeBarred),
            input(.callLimit, ["calls_last_7d"], "contact_rules.call_limit", contactRules.callLimit),
            input(.conversationCooldown, ["last_conversation_date"], "contact_rules.conversation_cooldown",
                  contactRules.conversationCooldown),
        ]
    }

    /// Stops when a rule that is on lacks an input column: the error names the first such
    /// column, the rule and the policy key that switches the rule off.
    public func checkRuleInputs(presentColumns: Set<String>, suppliedElsewhere: Set<String> = []) throws(PrioritizerError) {
        let blocked = ruleInputs(presentColumns: presentColumns, suppliedElsewhere: suppliedElsewhere)
            .filter { $0.isOn && !$0.isSupported }
        guard let first = blocked.first else { return }
        let column = first.missing[0]
        var message = "the accounts file has no column '\(column)', which the \(first.rule.accountClass == .doNotContact ? "do-not-contact" : "contact") rule '\(first.rule.code)' reads; "
            + "add the column, or set \(first.policyKey) = false in the policy file to rank without that rule"
        if blocked.count > 1 {
            let others = blocked.dropFirst().map { "\($0.missing.joined(separator: ", ")) (\($0.policyKey))" }
            message += ". Also missing: " + others.joined(separator: "; ")
        }
        throw PrioritizerError(code: .missingRuleInput, message: message)
    }
}

extension Policy {
    /// Lines saying which input-dependent rules the accounts file's columns support
    /// (`arrears validate`): one per rule, with the missing columns and the key that
    /// switches the rule off.
    public func ruleSupportLines(presentColumns: Set<String>) -> [String] {
        let inputs = ruleInputs(presentColumns: presentColumns)
        let width = inputs.map(\.rule.code.count).max() ?? 0
        return inputs.map { r in
            let name = r.rule.code.padding(toLength: width, withPad: " ", startingAt: 0)
            if r.isSupported { return "\(name)  supported (\(r.columns.joined(separator: ", ")))" }
            return "\(name)  not supported: no \(r.missing.joined(separator: ", ")) column; rank stops unless \(r.policyKey) = false"
        }
    }
}
