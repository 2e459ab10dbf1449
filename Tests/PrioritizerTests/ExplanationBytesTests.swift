import Foundation
import PortfolioIO
import XCTest
import _TestSupport
@testable import Prioritizer

/// The holds file's reasons written as bytes (`appendExplanation`) against the String
/// texts they replaced (kept here as the reference), and the row-range renderers against
/// the whole files.
final class ExplanationBytesTests: XCTestCase {
    /// The texts before issue 17 for the reasons now written as bytes.
    static func referenceText(_ r: WorklistResult, _ i: Int, _ rules: AccountRules) -> String? {
        let policy = r.policy, accounts = r.accounts
        switch r.rule[i] {
        case .overCapacity:
            return "over capacity: rank \(r.pursuableRank[i]) > capacity \(policy.capacity) (net value \(fixed(r.netValue[i], 2)))"
        case .chronicBelowPFloor:
            let c = policy.chronicDefaulter
            let (dpd, noPayment) = rules.chronicCriteria(i)
            var why: [String] = []
            if dpd == true { why.append("days_past_due \(trimmed(accounts.daysPastDue[i], 0)) >= \(c.daysPastDue)") }
            if noPayment == true {
                let last = rules.day(accounts.lastPaymentDate, i)
                why.append(last == CalendarDay.missing ? "no payment on record"
                    : "last payment \(CalendarDay.format(last)), \(c.monthsWithoutPayment)+ months before as-of")
            }
            return "chronic defaulter (\(why.joined(separator: ", "))) with p \(fixed(r.scores.pRecover[i], 6))"
                + " < p_floor \(trimmed(policy.pFloor, 6))" + " (net value \(fixed(r.netValue[i], 2)))"
        case .callLimit, .conversationCooldown:
            var parts: [String] = []
            if r.rule[i] == .callLimit {
                parts.append("calls_last_7d \(rules.calls(i)) >= max_calls_7d \(policy.contactRules.maxCalls7d)")
            }
            if policy.contactRules.conversationCooldown && rules.inConversationCooldown(i) {
                let last = rules.day(accounts.lastConversationDate, i)
                let days = Int(r.asOf) - Int(last)
                let allowed = Int32(Int(last) + policy.contactRules.conversationCooldownDays)
                let when = days >= 0
                    ? "last conversation \(CalendarDay.format(last)), \(days) day\(days == 1 ? "" : "s") before as-of"
                        + " < conversation_cooldown_days \(policy.contactRules.conversationCooldownDays)"
                    : "last conversation dated \(CalendarDay.format(last)), \(-days) day\(days == -1 ? "" : "s") after the as-of day"
                        + " (a future date holds the account: check last_conversation_date)"
                parts.append((parts.isEmpty ? "" : "also ") + when + "; contact allowed from \(CalendarDay.format(allowed))")
            }
            return parts.joined(separator: "; ")
        default:
            return nil
        }
    }

    /// Random accounts over every rule the bytes cover: over capacity, call limits,
    /// conversations in the past, today and the future, chronic defaulters by days past
    /// due and by missing payments.
    private func randomBook(seed: UInt64) -> Book {
        var rng = SeededGenerator(seed: seed)
        var book = Book()
        for n in 0..<600 {
            let conversation: String? = rng.next() % 3 == 0
                ? CalendarDay.format(CalendarDay("2026-01-01")!.dayNumber + Int32(Int(rng.next() % 20) - 12)) : nil
            let payment: String? = rng.next() % 4 == 0 ? nil
                : CalendarDay.format(CalendarDay("2026-01-01")!.dayNumber - Int32(rng.next() % 900))
            book.add("R\(n)", balance: Double(rng.next() % 100_000) / 7, p: Double(rng.next() % 1000) / 1000 * 0.2 + (n % 2 == 0 ? 0.3 : 0),
                     dpd: Double(rng.next() % 400), lastPayment: payment, calls: Int32(rng.next() % 11), lastConversation: conversation)
        }
        return book
    }

    func testByteReasonsMatchTheStringReference() throws {
        var covered = Set<String>()
        for seed in [UInt64(1), 2, 3] {
            let r = try randomBook(seed: seed).rank(capacity: 40)
            let rules = AccountRules(policy: r.policy, accounts: r.accounts, asOf: r.asOf, schedule: r.schedule)
            for i in 0..<r.accounts.count {
                guard let want = Self.referenceText(r, i, rules) else { continue }
                covered.insert(r.rule[i].code)
                XCTAssertEqual(r.explanation(account: i), want, "row \(i) \(r.rule[i].code)")
            }
        }
        XCTAssertTrue(covered.isSuperset(of: ["over_capacity", "call_limit", "conversation_cooldown", "chronic_below_p_floor"]),
                      "covered \(covered.sorted())")
    }

    func testRowRangesConcatenateToTheWholeFiles() throws {
        let r = try randomBook(seed: 9).rank(capacity: 40)
        for format in OutputFormat.allCases {
            let holds = r.holdsBytes(format: format)
            var pieces = TextOutput.headerBytes(format: format, header: r.holdsHeader)
            var lo = 0
            while lo < r.holdsCount {
                let hi = min(r.holdsCount, lo + 37)
                r.renderHolds(rows: lo..<hi, format: format, into: &pieces)
                lo = hi
            }
            XCTAssertEqual(pieces, holds, "holds \(format)")
            var worklist = TextOutput.headerBytes(format: format, header: r.worklistHeader)
            r.renderWorklist(rows: 0..<7, format: format, into: &worklist)
            r.renderWorklist(rows: 7..<r.worklist.count, format: format, into: &worklist)
            XCTAssertEqual(worklist, r.worklistBytes(format: format), "worklist \(format)")
        }
    }
}
