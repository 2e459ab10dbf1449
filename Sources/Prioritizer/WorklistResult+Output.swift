import Foundation
import PortfolioIO

/// Output file formats: CSV (RFC 4180, `\n` line ends, header row) or JSON Lines (one
/// object per row, the same keys as the CSV header, numbers unquoted, empty → null).

/// The two output files of `arrears rank`:
///
/// - **worklist** — today's worklist in rank order, one row per account:
///   `rank, account_id, balance, p_recover, expected_value, net_value, median_days,
///   score_points, reason_1, reason_2, reason_3, value_driver`. The reasons explain
///   p_recover (each says whether it raises or lowers the recovery odds); `value_driver`
///   says what drives the expected value EV = balance × recovery rate × p (see
///   `ValueDrivers`): a large balance can put an account high on the list although its
///   reasons lower p.
/// - **holds** — every other input row, with why it is not on the worklist:
///   `class, account_id, rule, reason, balance, days_past_due, p_recover,
///   expected_value, net_value, median_days, score_points, line`. Classes in the order
///   deferred (tomorrow's work first), not_worth_pursuing, do_not_contact, rejected;
///   within a class in ranking order (net value descending, p descending, account_id),
///   rejected rows by line. `rule` is a stable code (`Rule.code`; for rejected rows the
///   reject codes); `reason` is a sentence with the figures and thresholds; `line` is
///   the account's line in the accounts file. Rejected rows leave the figures empty.
///
/// Number formats: currency with 2 decimals; p with 6 decimals; median days and score
/// points with up to 2 decimals; an empty cell when a value is missing (NaN), e.g. a
/// median beyond the model's follow-up. The same result always gives the same bytes.
extension WorklistResult {
    /// Header of the worklist file.
    public static let worklistColumns = [
        "rank", "account_id", "balance", "p_recover", "expected_value", "net_value",
        "median_days", "score_points", "reason_1", "reason_2", "reason_3", "value_driver",
    ]
    /// Header of the holds file.
    public static let holdsColumns = [
        "class", "account_id", "rule", "reason", "balance", "days_past_due", "p_recover",
        "expected_value", "net_value", "median_days", "score_points", "line",
    ]

    /// The worklist file's bytes (rendered in parallel chunks; deterministic).
    public func worklistBytes(format: OutputFormat = .csv) -> [UInt8] {
        worklistBytes(format: format, chunkSize: 16_384)
    }

    func worklistBytes(format: OutputFormat, chunkSize: Int) -> [UInt8] {
        var bytes = TextOutput.headerBytes(format: format, header: worklistHeader)
        renderWorklist(rows: 0..<worklist.count, format: format, into: &bytes, chunkSize: chunkSize)
        return bytes
    }

    /// The worklist file's columns (with the ledger's when ranked with a ledger).
    public var worklistHeader: [String] { Self.worklistColumns + (schedule == nil ? [] : Self.ledgerWorklistColumns) }

    /// Appends worklist positions `rows` (0-based ranks, no header) to `bytes`: the bytes
    /// `worklistBytes` writes for them, so consecutive ranges give the whole file.
    public func renderWorklist(rows: Range<Int>, format: OutputFormat, into bytes: inout [UInt8]) {
        renderWorklist(rows: rows, format: format, into: &bytes, chunkSize: 16_384)
    }

    func renderWorklist(rows: Range<Int>, format: OutputFormat, into bytes: inout [UInt8], chunkSize: Int) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= worklist.count, "renderWorklist: rows outside the worklist")
        let result = self
        let drivers = ValueDrivers(balance: accounts.balance, p: scores.pRecover)
        TextOutput.render(rows: rows, format: format, header: worklistHeader, bytesPerRow: 200, chunkSize: chunkSize,
                          appendingTo: &bytes) { range, out in
            let rules = result.schedule.map { AccountRules(policy: result.policy, accounts: result.accounts, asOf: result.asOf, schedule: $0) }
            for position in range {
                let i = Int(result.worklist[position])
                out.decimal(Double(position + 1), 0)
                out.text(result.accounts.accountID[i])
                result.figures(i, into: &out, daysPastDue: false)
                for k in 0..<ReasonCodes.perAccount { out.text(result.reasons.text(account: i, k)) }
                out.text(drivers.text(balance: result.accounts.balance[i], p: result.scores.pRecover[i]))
                if let rules { result.ledgerWorklistCells(i, rules, into: &out) }
                out.endRow()
            }
        }
    }

    /// Account rows of the holds file in output order: deferred, not worth pursuing,
    /// do not contact, each in ranking order.
    var holdsOrder: [Int32] {
        var rows: [Int32] = []
        rows.reserveCapacity(accounts.count - worklist.count)
        for c in [AccountClass.deferred, .notWorthPursuing, .doNotContact] {
            for a in order where accountClass[Int(a)] == c { rows.append(a) }
        }
        return rows
    }

    /// The holds file's bytes (rendered in parallel chunks; deterministic).
    public func holdsBytes(format: OutputFormat = .csv) -> [UInt8] {
        holdsBytes(format: format, chunkSize: 16_384)
    }

    func holdsBytes(format: OutputFormat, chunkSize: Int) -> [UInt8] {
        var bytes = TextOutput.headerBytes(format: format, header: holdsHeader)
        let order = holdsOrder
        renderHolds(rows: 0..<(order.count + rejected.count), order: order, format: format, into: &bytes, chunkSize: chunkSize)
        return bytes
    }

    /// The holds file's columns (with the ledger's when ranked with a ledger).
    public var holdsHeader: [String] { Self.holdsColumns + (schedule == nil ? [] : Self.ledgerHoldsColumns) }

    /// Rows of the holds file: the held account rows (`holdsOrder`), then the rejected rows.
    public var holdsCount: Int { holdsOrder.count + rejected.count }

    /// Appends holds file rows `rows` (0-based positions in the file, no header; positions
    /// past the held accounts are the rejected rows) to `bytes`: the bytes `holdsBytes`
    /// writes for them, so consecutive ranges give the whole file.
    public func renderHolds(rows: Range<Int>, format: OutputFormat, into bytes: inout [UInt8]) {
        renderHolds(rows: rows, order: holdsOrder, format: format, into: &bytes, chunkSize: 16_384)
    }

    func renderHolds(rows: Range<Int>, order: [Int32], format: OutputFormat, into bytes: inout [UInt8], chunkSize: Int) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= order.count + rejected.count, "renderHolds: rows outside the holds file")
        let result = self
        let rules = AccountRules(policy: policy, accounts: accounts, asOf: asOf, schedule: schedule)
        TextOutput.render(rows: rows, format: format, header: holdsHeader, bytesPerRow: 200, chunkSize: chunkSize,
                          appendingTo: &bytes) { range, out in
            let ledger = result.schedule != nil
            for k in range {
                if k < order.count {
                    let i = Int(order[k])
                    out.text(result.accountClass[i].code)
                    out.text(result.accounts.accountID[i])
                    out.text(result.rule[i].code)
                    out.textCell { result.appendExplanation(account: i, rules, to: &$0) }
                    result.figures(i, into: &out, daysPastDue: true)
                    out.decimal(result.accounts.sourceLine.isEmpty ? .nan : Double(result.accounts.sourceLine[i]), 0)
                    if ledger { out.text(result.nextContactText(i, rules)) }
                } else {
                    let r = result.rejected[k - order.count]
                    out.text(AccountClass.rejected.code)
                    out.text(r.accountID)
                    out.text(r.codes)
                    out.text(r.reason)
                    for _ in 0..<7 { out.decimal(.nan, 0) }
                    out.decimal(Double(r.line), 0)
                    if ledger { out.text("") }
                }
                out.endRow()
            }
        }
    }

    /// Writes the worklist to `path` atomically (temporary file + rename); `-` writes
    /// to standard output.
    public func writeWorklist(to path: String, format: OutputFormat = .csv) throws {
        try Self.write(worklistBytes(format: format), to: path)
    }

    /// Writes the holds file to `path` atomically; `-` writes to standard output.
    public func writeHolds(to path: String, format: OutputFormat = .csv) throws {
        try Self.write(holdsBytes(format: format), to: path)
    }

    /// Through PortfolioIO's `AtomicFileWriter` (temporary file, fsync, rename; `-` is
    /// standard output), so a failed run leaves any previous file intact.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        var failure: (any Error)?
        bytes.withUnsafeBytes { buffer in
            do { try file.write(buffer) } catch { failure = error }
        }
        if let failure {
            file.discard()
            throw failure
        }
        try file.commit()
    }

    private func figures(_ i: Int, into out: inout TextOutput, daysPastDue: Bool) {
        out.decimal(accounts.balance[i], 2)
        if daysPastDue { out.decimal(accounts.daysPastDue[i], 0) }
        out.decimal(scores.pRecover[i], 6)
        out.decimal(expectedValue[i], 2)
        out.decimal(netValue[i], 2)
        out.decimal(scores.medianDays[i], 2, trim: true)
        out.decimal(scores.scorePoints[i], 2, trim: true)
    }

    /// Why account row `i` is in its class, with the figures and thresholds (ASCII,
    /// so it reads the same in any spreadsheet). Empty for worklist rows.
    public func explanation(account i: Int) -> String {
        explanation(account: i, AccountRules(policy: policy, accounts: accounts, asOf: asOf, schedule: schedule))
    }

    func explanation(account i: Int, _ rules: AccountRules) -> String {
        var bytes: [UInt8] = []
        appendExplanation(account: i, rules, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of `explanation(account:)`: the common reasons (over capacity, the
    /// column contact rules, chronic defaulters) written straight into `out`, the others
    /// from their text.
    func appendExplanation(account i: Int, _ rules: AccountRules, to out: inout [UInt8]) {
        switch rule[i] {
        case .none, .invalidRow:
            return
        case .overCapacity:
            out.append(ascii: "over capacity: rank ")
            out.appendInteger(Int(pursuableRank[i]))
            out.append(ascii: " > capacity ")
            out.appendInteger(policy.capacity)
            out.append(ascii: " (net value ")
            out.appendFixed(netValue[i], 2)
            out.append(ascii: ")")
        case .chronicBelowPFloor:
            appendChronicText(i, rules, to: &out)
            out.append(ascii: " (net value ")
            out.appendFixed(netValue[i], 2)
            out.append(ascii: ")")
        case .callLimit where rules.schedule == nil, .conversationCooldown where rules.schedule == nil:
            var first = true
            if rule[i] == .callLimit {
                out.append(ascii: "calls_last_7d ")
                out.appendInteger(rules.calls(i))
                out.append(ascii: " >= max_calls_7d ")
                out.appendInteger(policy.contactRules.maxCalls7d)
                first = false
            }
            if policy.contactRules.conversationCooldown && rules.inConversationCooldown(i) {
                let last = rules.day(accounts.lastConversationDate, i)
                let days = Int(asOf) - Int(last)
                let allowed = Int32(Int(last) + policy.contactRules.conversationCooldownDays)
                if !first { out.append(ascii: "; also ") }
                if days >= 0 {
                    out.append(ascii: "last conversation ")
                    out.appendDate(last)
                    out.append(ascii: ", ")
                    out.appendInteger(days)
                    out.append(ascii: days == 1 ? " day" : " days")
                    out.append(ascii: " before as-of < conversation_cooldown_days ")
                    out.appendInteger(policy.contactRules.conversationCooldownDays)
                } else {
                    out.append(ascii: "last conversation dated ")
                    out.appendDate(last)
                    out.append(ascii: ", ")
                    out.appendInteger(-days)
                    out.append(ascii: days == -1 ? " day" : " days")
                    out.append(ascii: " after the as-of day (a future date holds the account: check last_conversation_date)")
                }
                out.append(ascii: "; contact allowed from ")
                out.appendDate(allowed)
            }
        default:
            out.append(utf8: textExplanation(account: i, rules))
        }
    }

    /// The reasons `appendExplanation` takes from their text.
    private func textExplanation(account i: Int, _ rules: AccountRules) -> String {
        let p = scores.pRecover[i]
        switch rule[i] {
        case .none, .invalidRow, .overCapacity, .chronicBelowPFloor:
            return ""       // written by appendExplanation
        case .bankruptcy, .ceaseAndDesist, .dispute, .deceased, .timeBarred:
            let all = rules.doNotContactRules(i)
            var parts: [String] = []
            let flags = all.filter { $0 != .timeBarred }.map(\.code)
            if !flags.isEmpty { parts.append("hold flag\(flags.count > 1 ? "s" : ""): \(flags.joined(separator: ", "))") }
            if all.contains(.timeBarred), let end = rules.limitationEnd(i) {
                let state = rules.state(i)
                let years = policy.limitationPeriod.years(for: state)
                let whose = state.isEmpty ? "default period, no state"
                    : policy.limitationPeriod.byState[state.uppercased()] == nil ? "\(state), default period" : state
                parts.append("time-barred: last payment \(CalendarDay.format(rules.day(accounts.lastPaymentDate, i)))"
                    + " + \(years) years (\(whose)) = \(CalendarDay.format(end)) <= as-of \(CalendarDay.format(asOf))")
            }
            return parts.joined(separator: "; ")
        case .belowMinNetValue:
            var s = "net value \(fixed(netValue[i], 2)) < min_net_value \(fixed(policy.minNetValue, 2)) (\(valueFormula(i)))"
            if p < policy.pFloor && rules.isChronic(i) { s += "; also " + chronicText(i, rules) }
            return s
        case .promiseDue, .promiseBroken, .ceaseRequest, .disputeLogged, .callOptOut, .stateCallLimit, .noCallWindow:
            return ledgerExplanation(i, rules)
        case .callLimit where rules.schedule != nil:
            return ledgerExplanation(i, rules)
        case .conversationCooldown where rules.schedule != nil:
            return ledgerExplanation(i, rules)
        case .callLimit, .conversationCooldown:
            return ""       // without a ledger: written by appendExplanation
        }
    }

    private func valueFormula(_ i: Int) -> String {
        let product = accounts.product.isEmpty ? "" : accounts.product[i]
        var s = "EV \(fixed(expectedValue[i], 2)) = balance \(fixed(accounts.balance[i], 2))"
        let k = scores.outcomes.count
        if k > 0 {
            let rate = policy.recoveryRate.rate(for: product)
            s += " x (" + scores.outcomes.enumerated().map { c, name in
                "\(name) share \(trimmed(policy.outcomeShare[name] ?? rate, 4)) x p \(fixed(scores.outcomeIncidence[i * k + c], 6))"
            }.joined(separator: " + ") + ")"
        } else {
            s += " x recovery rate \(trimmed(policy.recoveryRate.rate(for: product), 4))"
                + " x p \(fixed(scores.pRecover[i], 6))"
        }
        if policy.discountAnnualRate > 0 { s += " x discount \(fixed(discountFactor[i], 4))" }
        return s + "; cost_per_attempt \(fixed(policy.costPerAttempt, 2))"
    }

    private func chronicText(_ i: Int, _ rules: AccountRules) -> String {
        var bytes: [UInt8] = []
        appendChronicText(i, rules, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "chronic defaulter (days_past_due 275 >= 180, no payment on record) with p 0.047207
    /// < p_floor 0.05".
    private func appendChronicText(_ i: Int, _ rules: AccountRules, to out: inout [UInt8]) {
        let c = policy.chronicDefaulter
        let (dpd, noPayment) = rules.chronicCriteria(i)
        out.append(ascii: "chronic defaulter (")
        if dpd == true {
            out.append(ascii: "days_past_due ")
            out.appendTrimmed(accounts.daysPastDue[i], 0)
            out.append(ascii: " >= ")
            out.appendInteger(c.daysPastDue)
        }
        if noPayment == true {
            if dpd == true { out.append(ascii: ", ") }
            let last = rules.day(accounts.lastPaymentDate, i)
            if last == CalendarDay.missing {
                out.append(ascii: "no payment on record")
            } else {
                out.append(ascii: "last payment ")
                out.appendDate(last)
                out.append(ascii: ", ")
                out.appendInteger(c.monthsWithoutPayment)
                out.append(ascii: "+ months before as-of")
            }
        }
        out.append(ascii: ") with p ")
        out.appendFixed(scores.pRecover[i], 6)
        out.append(ascii: " < p_floor ")
        out.appendTrimmed(policy.pFloor, 6)
    }
}

/// What drives an account's expected value EV = balance × rate × p, compared with the
/// typical scored account: the ratios of its balance and of its p to their medians over
/// all scored accounts; the larger ratio (on a log scale) drives it. E.g. "mostly
/// balance (8.6x the median balance; p 1.4x the median)". The streamed `rank` builds it
/// from the balances and p of every scored account, as the whole-portfolio one does.
public struct ValueDrivers: Sendable {
    let medianBalance: Double
    let medianP: Double

    public init(balance: [Double], p: [Double]) {
        medianBalance = Self.median(balance)
        medianP = Self.median(p)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.filter { $0.isFinite }.sorted()
        guard !sorted.isEmpty else { return .nan }
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    public func text(balance: Double, p: Double) -> String {
        guard medianBalance > 0, medianP > 0, balance > 0, p > 0 else { return "" }
        let rb = balance / medianBalance, rp = p / medianP
        return log(rb) >= log(rp)
            ? "mostly balance (\(Self.ratio(rb))x the median balance; p \(Self.ratio(rp))x the median)"
            : "mostly p_recover (\(Self.ratio(rp))x the median p; balance \(Self.ratio(rb))x the median)"
    }

    /// A ratio with 1 decimal (2 below 0.1), as "8.6".
    static func ratio(_ x: Double) -> String {
        var bytes: [UInt8] = []
        appendDecimal(x, x < 0.1 ? 2 : 1, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
