import Foundation
import TOMLKit

extension Policy {
    /// Reads a policy from the TOML file at `path` (see `policies/example-policy.toml`).
    /// Missing keys take their defaults; an unreadable file, bad TOML, an unknown key, a
    /// wrong type or an out-of-range value throws a `PolicyError` naming the file and key.
    public static func load(path: String) throws(PolicyError) -> Policy {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PolicyError(code: .unreadable, file: path, key: nil, line: nil, column: nil,
                              message: "cannot read the policy file (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(code: .unreadable, file: path, key: nil, line: nil, column: nil,
                              message: "the policy file is not UTF-8 text")
        }
        return try Policy(toml: text, file: path)
    }

    /// Parses a policy from TOML text; `file` names it in errors.
    public init(toml text: String, file: String = "<policy>") throws(PolicyError) {
        try PolicyReader.checkCharacters(text, file: file)
        try PolicyReader.checkTableHeaders(text, file: file)
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PolicyError(code: .syntax, file: file, key: nil, line: error.source.begin.line,
                              column: error.source.begin.column, message: "not valid TOML: \(error.description)")
        } catch {
            throw PolicyError(code: .syntax, file: file, key: nil, line: nil, column: nil,
                              message: "not valid TOML: \(error)")
        }
        var reader = PolicyReader(file: file, text: text)
        self = try reader.read(root)
    }
}

/// Walks the parsed TOML tree into a `Policy`, validating as it goes.
struct PolicyReader {
    let file: String
    let locations: [String: (line: Int, column: Int)]

    init(file: String, text: String) {
        self.file = file
        self.locations = Self.locateKeys(text)
    }

    mutating func read(_ root: TOMLTable) throws(PolicyError) -> Policy {
        var policy = Policy()
        for (key, value) in root {
            guard let known = Policy.CodingKeys(rawValue: key) else {
                throw unknownKey(key, known: Policy.CodingKeys.allCases.map(\.rawValue))
            }
            switch known {
            case .costPerAttempt:
                policy.costPerAttempt = try number(key, value, range: 0 ... .greatestFiniteMagnitude,
                                                   rule: "a cost in currency, ≥ 0")
            case .minNetValue:
                policy.minNetValue = try number(key, value, range: -.greatestFiniteMagnitude ... .greatestFiniteMagnitude,
                                                rule: "a finite amount in currency")
            case .pFloor:
                policy.pFloor = try number(key, value, range: 0...1, rule: "a probability in [0, 1]")
            case .capacity:
                policy.capacity = try integer(key, value, range: 1...Int.max, rule: "at least 1 account")
            case .discountAnnualRate:
                policy.discountAnnualRate = try number(key, value, range: 0...1,
                                                       rule: "an annual rate in [0, 1] (0.08 = 8% a year; 0 = no discounting)")
            case .recoveryRate:
                policy.recoveryRate = try recoveryRates(key, value)
            case .outcomeShare:
                let table = try self.table(key, value, shape: "one `outcome = share` line per outcome, e.g. settled = 0.6")
                for (outcome, v) in table {
                    policy.outcomeShare[outcome] = try number("\(key).\(outcome)", v, range: 0...1,
                                                             rule: "a share of the balance in [0, 1]")
                }
            case .chronicDefaulter:
                policy.chronicDefaulter = try chronic(key, value)
            case .limitationPeriod:
                policy.limitationPeriod = try limitation(key, value)
            case .contactRules:
                policy.contactRules = try contactRules(key, value)
            case .stateRules, .promises, .callWindow:
                try readLedgerTable(known, key, value, into: &policy)
            case .holdFlags:
                policy.holdFlags = try holdFlags(key, value)
            case .maxDaysAfterTraining:
                policy.maxDaysAfterTraining = try integer(key, value, range: 0...36_500, rule: "a number of days, 0 to 36500")
            }
        }
        return policy
    }

    private func recoveryRates(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> RecoveryRates {
        let table = try self.table(key, value, shape: "default = 1.0 and one `product = rate` line per product")
        var rates = RecoveryRates()
        var seen: [String: String] = [:]
        for (product, v) in table {
            let path = "\(key).\(product)"
            let rate = try number(path, v, range: 0...1, rule: "a recovery rate in [0, 1] (fraction of the balance)")
            if product == "default" { rates.defaultRate = rate; continue }
            let folded = product.lowercased()
            if let other = seen[folded] {
                throw error(.duplicateKey, path, "product '\(product)' is listed twice ('\(other)' and '\(product)'; names are case-insensitive)")
            }
            seen[folded] = product
            rates.byProduct[folded] = rate
        }
        return rates
    }

    private func chronic(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> ChronicDefaulter {
        let table = try self.table(key, value, shape: "days_past_due, months_without_payment and combine")
        var c = ChronicDefaulter()
        for (known, path, v) in try knownEntries(key, table, ChronicDefaulter.CodingKeys.self) {
            switch known {
            case .daysPastDue:
                c.daysPastDue = try integer(path, v, range: 0...100_000, rule: "days ≥ 0 (0 turns the criterion off)")
            case .monthsWithoutPayment:
                c.monthsWithoutPayment = try integer(path, v, range: 0...1200, rule: "months ≥ 0 (0 turns the criterion off)")
            case .combine:
                guard let s = v.string else { throw wrongType(path, v, expected: "a string, \"any\" or \"all\"") }
                guard let combine = ChronicDefaulter.Combine(rawValue: s) else {
                    throw error(.outOfRange, path, "\(path) is \"\(s)\"; it must be \"any\" or \"all\"")
                }
                c.combine = combine
            }
        }
        return c
    }

    private func limitation(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> LimitationPeriods {
        let table = try self.table(key, value, shape: "default = 3 and one `XX = years` line per two-letter state code")
        var periods = LimitationPeriods()
        var seen: [String: String] = [:]
        for (state, v) in table {
            let path = "\(key).\(state)"
            let years = try integer(path, v, range: 1...100, rule: "whole years, 1 to 100")
            if state == "default" { periods.defaultYears = years; continue }
            guard state.utf8.count == 2, state.utf8.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw error(.unknownKey, path, "'\(state)' in [\(key)] is not a two-letter state code (or `default`)")
            }
            let folded = state.uppercased()
            if let other = seen[folded] {
                throw error(.duplicateKey, path, "state '\(state)' is listed twice ('\(other)' and '\(state)'; codes are case-insensitive)")
            }
            seen[folded] = state
            periods.byState[folded] = years
        }
        return periods
    }

    private func contactRules(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> ContactRules {
        let table = try self.table(key, value, shape: "call_limit, max_calls_7d, conversation_cooldown and conversation_cooldown_days")
        var rules = ContactRules()
        for (known, path, v) in try knownEntries(key, table, ContactRules.CodingKeys.self) {
            switch known {
            case .callLimit: rules.callLimit = try bool(path, v)
            case .maxCalls7d: rules.maxCalls7d = try integer(path, v, range: 1...10_000, rule: "at least 1 call")
            case .conversationCooldown: rules.conversationCooldown = try bool(path, v)
            case .conversationCooldownDays:
                rules.conversationCooldownDays = try integer(path, v, range: 1...3650, rule: "at least 1 day")
            }
        }
        return rules
    }

    private func holdFlags(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> HoldFlagRules {
        let table = try self.table(key, value, shape: "bankruptcy, cease_and_desist, dispute, deceased and time_barred (true or false)")
        var rules = HoldFlagRules()
        for (known, path, v) in try knownEntries(key, table, HoldFlagRules.CodingKeys.self) {
            switch known {
            case .bankruptcy: rules.bankruptcy = try bool(path, v)
            case .ceaseAndDesist: rules.ceaseAndDesist = try bool(path, v)
            case .dispute: rules.dispute = try bool(path, v)
            case .deceased: rules.deceased = try bool(path, v)
            case .timeBarred: rules.timeBarred = try bool(path, v)
            }
        }
        return rules
    }

    /// The entries of a table whose keys are `K`'s cases, as (case, dotted path, value);
    /// an unknown key throws naming the known ones.
    func knownEntries<K: CaseIterable & RawRepresentable>(_ key: String, _ table: TOMLTable,
                                                                  _ keys: K.Type) throws(PolicyError)
        -> [(known: K, path: String, value: TOMLValueConvertible)] where K.RawValue == String {
        var entries: [(known: K, path: String, value: TOMLValueConvertible)] = []
        for (name, v) in table {
            let path = "\(key).\(name)"
            guard let known = K(rawValue: name) else {
                throw unknownKey(path, known: K.allCases.map { "\(key).\($0.rawValue)" })
            }
            entries.append((known, path, v))
        }
        return entries
    }

    // MARK: Typed values

    func table(_ key: String, _ value: TOMLValueConvertible, shape: String) throws(PolicyError) -> TOMLTable {
        guard let t = value.table else { throw wrongType(key, value, expected: "a table [\(key)] with \(shape)") }
        return t
    }

    func number(_ key: String, _ value: TOMLValueConvertible, range: ClosedRange<Double>,
                        rule: String) throws(PolicyError) -> Double {
        let x: Double
        if let d = value.double { x = d } else if let i = value.int { x = Double(i) } else {
            throw wrongType(key, value, expected: "a number, \(rule)")
        }
        guard x.isFinite, range.contains(x) else {
            throw error(.outOfRange, key, "\(key) is \(x); it must be \(rule)")
        }
        return x
    }

    func integer(_ key: String, _ value: TOMLValueConvertible, range: ClosedRange<Int>,
                         rule: String) throws(PolicyError) -> Int {
        guard let i = value.int else { throw wrongType(key, value, expected: "a whole number, \(rule)") }
        guard range.contains(i) else { throw error(.outOfRange, key, "\(key) is \(i); it must be \(rule)") }
        return i
    }

    func bool(_ key: String, _ value: TOMLValueConvertible) throws(PolicyError) -> Bool {
        guard let b = value.bool else { throw wrongType(key, value, expected: "true or false") }
        return b
    }

    // MARK: Errors

    func error(_ code: PolicyError.Code, _ key: String, _ message: String) -> PolicyError {
        let at = locations[key]
        return PolicyError(code: code, file: file, key: key, line: at?.line, column: at?.column, message: message)
    }

    func wrongType(_ key: String, _ value: TOMLValueConvertible, expected: String) -> PolicyError {
        let type = "\(value.type)"
        let article = type.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return error(.wrongType, key, "\(key) is \(article) \(type); it must be \(expected)")
    }

    func unknownKey(_ key: String, known: [String]) -> PolicyError {
        var message = "unknown key '\(key)'"
        if let near = known.min(by: { editDistance($0, key) < editDistance($1, key) }), editDistance(near, key) <= 3 {
            message += "; did you mean '\(near)'?"
        }
        message += " Known keys here: \(known.sorted().joined(separator: ", "))."
        return error(.unknownKey, key, message)
    }

    /// Refuses a control character other than tab, LF and CR (TOML allows none, and the
    /// C++ parser would stop reading at a NUL, silently dropping the rest: `5<NUL>`), and
    /// U+FFFD (bytes that were not UTF-8). The error names the line, column and the key
    /// written on that line.
    static func checkCharacters(_ text: String, file: String) throws(PolicyError) {
        var line = 1, column = 0
        for scalar in text.unicodeScalars {
            column += 1
            if scalar == "\n" { line += 1; column = 0; continue }
            let v = scalar.value
            let control = (v < 0x20 && v != 0x09 && v != 0x0D) || v == 0x7F
            guard control || v == 0xFFFD else { continue }
            let key = locateKeys(text).filter { $0.value.line == line }.min { $0.value.column < $1.value.column }?.key
            let what = v == 0 ? "a NUL byte" : v == 0xFFFD ? "bytes that are not UTF-8" : "control character U+\(String(v, radix: 16, uppercase: true))"
            throw PolicyError(code: .syntax, file: file, key: key, line: line, column: column,
                              message: "\(key.map { "\($0): " } ?? "")the policy has \(what) at line \(line), column \(column); save the file as plain UTF-8 text")
        }
    }

    /// Refuses a table header whose name starts with a character a key cannot start
    /// with (`[+x]`, `[[.a]]`, `[é]`): toml++ 3 (inside TOMLKit 0.6.0) aborts the process
    /// on such a header (an `assert` in `parser::parse_key`, live in release builds;
    /// found by the fuzz target `policy`; also a `[` that ends its line). A name starts
    /// with a letter, digit, `_` or `-` (a bare key) or a quote. Policy values are never arrays, so a line starting
    /// with `[` is always a header here.
    static func checkTableHeaders(_ text: String, file: String) throws(PolicyError) {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = Array(rawLine.utf8)
            var i = 0
            while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { continue }
            i += 1
            if i < bytes.count && bytes[i] == UInt8(ascii: "[") { i += 1 }
            while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
            let c = i < bytes.count ? bytes[i] : 0x0A   // a header cut by the line's end
            let bare = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
            if bare || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "]") { continue }
            throw PolicyError(code: .syntax, file: file, key: nil, line: lineNumber, column: i + 1,
                              message: "not valid TOML: the table header on line \(lineNumber) must start with a name (letters, digits, '_' or '-', or a quoted name), e.g. [contact_rules]")
        }
    }

    /// Best-effort positions of keys in the TOML text: tracks `[table]` headers and
    /// `key = …` lines, and records the dotted path of each (quotes and spaces removed).
    /// Multi-line strings and arrays can hide a key; then the error has no line.
    static func locateKeys(_ text: String) -> [String: (line: Int, column: Int)] {
        var result: [String: (line: Int, column: Int)] = [:]
        var table = ""
        func normalize<S: StringProtocol>(_ s: S) -> String {
            String(s.filter { $0 != "\"" && $0 != "'" && $0 != " " && $0 != "\t" })
        }
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let indent = rawLine.prefix(while: { $0 == " " || $0 == "\t" }).count
            let line = rawLine.dropFirst(indent)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { continue }
                table = normalize(line[line.index(after: line.startIndex)..<close])
                if result[table] == nil { result[table] = (lineNumber, indent + 1) }
            } else if let eq = line.firstIndex(of: "=") {
                let key = normalize(line[..<eq])
                let path = table.isEmpty ? key : "\(table).\(key)"
                if result[path] == nil { result[path] = (lineNumber, indent + 1) }
            }
        }
        return result
    }
}

/// Levenshtein distance on Unicode scalars, for "did you mean" hints (short strings only).
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    var previous = Array(0...y.count)
    var current = previous
    for i in 1...x.count {
        current[0] = i
        for j in stride(from: 1, through: y.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
