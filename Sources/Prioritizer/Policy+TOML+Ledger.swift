import TOMLKit

/// The policy tables that apply with a contact ledger: `[state_rules.XX]`, `[promises]`
/// and `[call_window]` (see `Policy+Ledger.swift`).
extension PolicyReader {
    func readLedgerTable(_ known: Policy.CodingKeys, _ key: String, _ value: TOMLValueConvertible,
                         into policy: inout Policy) throws(PolicyError) {
        switch known {
        case .stateRules: policy.stateRules = try stateRules(key, value)
        case .promises: policy.promises = try promises(key, value)
        case .callWindow: policy.callWindow = try callWindow(key, value)
        default: preconditionFailure("readLedgerTable: \(key) is not a ledger table")
        }
    }

    private func stateRules(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> [String: StateRule] {
        let table = try self.table(key, value, shape: "one [\(key).XX] table per two-letter state code, e.g. [\(key).MA] max_calls_7d = 2")
        var rules: [String: StateRule] = [:]
        var seen: [String: String] = [:]
        for (state, v) in table {
            let path = "\(key).\(state)"
            guard state.utf8.count == 2, state.utf8.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw error(.unknownKey, path, "'\(state)' in [\(key)] is not a two-letter state code")
            }
            let folded = state.uppercased()
            if let other = seen[folded] {
                throw error(.duplicateKey, path, "state '\(state)' is listed twice ('\(other)' and '\(state)'; codes are case-insensitive)")
            }
            seen[folded] = state
            let entries = try self.table(path, v, shape: "max_calls_7d")
            var rule: StateRule?
            for (name, x) in entries {
                let entry = "\(path).\(name)"
                guard StateRule.CodingKeys(rawValue: name) != nil else {
                    throw unknownKey(entry, known: StateRule.CodingKeys.allCases.map { "\(path).\($0.rawValue)" })
                }
                rule = StateRule(maxCalls7d: try integer(entry, x, range: 1...10_000, rule: "at least 1 call per 7 days"))
            }
            guard let rule else {
                throw error(.outOfRange, path, "[\(path)] is empty; give max_calls_7d (calls per 7 days) or remove the table")
            }
            rules[folded] = rule
        }
        return rules
    }

    private func promises(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> PromisePolicy {
        let table = try self.table(key, value, shape: "grace_days, tolerance and follow_up_broken_days")
        var p = PromisePolicy()
        for (known, path, v) in try knownEntries(key, table, PromisePolicy.CodingKeys.self) {
            switch known {
            case .graceDays: p.graceDays = try integer(path, v, range: 0...60, rule: "days, 0 to 60")
            case .tolerance:
                p.tolerance = try number(path, v, range: 0...0.999_999, rule: "a fraction of the promised amount in [0, 1)")
            case .followUpBrokenDays: p.followUpBrokenDays = try integer(path, v, range: 0...365, rule: "days, 0 to 365 (0 = never)")
            }
        }
        return p
    }

    private func callWindow(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> CallWindowPolicy {
        let table = try self.table(key, value, shape: "start_hour and end_hour (local time)")
        var w = CallWindowPolicy()
        for (known, path, v) in try knownEntries(key, table, CallWindowPolicy.CodingKeys.self) {
            switch known {
            case .startHour: w.startHour = try integer(path, v, range: 0...23, rule: "an hour, 0 to 23")
            case .endHour: w.endHour = try integer(path, v, range: 1...24, rule: "an hour, 1 to 24")
            }
        }
        guard w.endHour > w.startHour else {
            throw error(.outOfRange, "\(key).end_hour",
                        "\(key).end_hour \(w.endHour) must be after \(key).start_hour \(w.startHour)")
        }
        return w
    }
}
