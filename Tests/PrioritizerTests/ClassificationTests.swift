import PortfolioIO
import XCTest
import _TestSupport
@testable import Prioritizer

final class ClassificationTests: XCTestCase {
    func testEachHoldFlagIsDoNotContact() throws {
        var book = Book()
        book.add("bk", bankruptcy: true)
        book.add("cd", ceaseAndDesist: true)
        book.add("dp", dispute: true)
        book.add("dc", deceased: true)
        book.add("ok")
        let r = try book.rank()
        XCTAssertTrue(r.outcome("bk") == (.doNotContact, .bankruptcy))
        XCTAssertTrue(r.outcome("cd") == (.doNotContact, .ceaseAndDesist))
        XCTAssertTrue(r.outcome("dp") == (.doNotContact, .dispute))
        XCTAssertTrue(r.outcome("dc") == (.doNotContact, .deceased))
        XCTAssertTrue(r.outcome("ok") == (.worklist, .none))
        XCTAssertEqual(r.counts.doNotContact, 4)
        XCTAssertEqual(r.counts[.dispute], 1)
    }

    func testHoldFlagOutranksEveryOtherRule() throws {
        var book = Book()
        // Worth a lot, over the call limit, recently spoken to, and bankrupt.
        book.add("x", balance: 1e6, p: 0.9, dispute: true, calls: 9, lastConversation: "2025-12-31")
        book.add("y", balance: 1, p: 0.01, dpd: 400, deceased: true)
        let r = try book.rank()
        XCTAssertTrue(r.outcome("x") == (.doNotContact, .dispute))
        XCTAssertTrue(r.outcome("y") == (.doNotContact, .deceased))
    }

    func testSeveralGroundsNameTheFirstAndExplainAll() throws {
        var book = Book()
        book.add("multi", state: "NY", lastPayment: "2019-06-30", ceaseAndDesist: true, deceased: true)
        let r = try book.rank()
        XCTAssertTrue(r.outcome("multi") == (.doNotContact, .ceaseAndDesist))
        XCTAssertEqual(r.explanation(account: 0),
                       "hold flags: cease_and_desist, deceased; time-barred: last payment 2019-06-30 + 3 years (NY, default period) = 2022-06-30 <= as-of 2026-01-01")
    }

    func testTimeBarredBoundaryDay() throws {
        // NY = 6 years; as-of 2026-01-01: barred on and after 2020-01-01 + 6 years.
        let policy = Policy(limitationPeriod: LimitationPeriods(defaultYears: 3, byState: ["ny": 6]))
        var book = Book()
        book.add("before", state: "NY", lastPayment: "2020-01-02")  // barred tomorrow
        book.add("on", state: "NY", lastPayment: "2020-01-01")      // barred today
        book.add("after", state: "NY", lastPayment: "2019-12-31")   // barred yesterday
        book.add("default-before", state: "ZZ", lastPayment: "2023-01-02")
        book.add("default-on", state: "", lastPayment: "2023-01-01")
        book.add("no-date", dpd: 10, state: "NY", lastPayment: nil)
        let r = try book.rank(policy)
        XCTAssertTrue(r.outcome("before") == (.worklist, .none))
        XCTAssertTrue(r.outcome("on") == (.doNotContact, .timeBarred))
        XCTAssertTrue(r.outcome("after") == (.doNotContact, .timeBarred))
        XCTAssertTrue(r.outcome("default-before") == (.worklist, .none))
        XCTAssertTrue(r.outcome("default-on") == (.doNotContact, .timeBarred))
        // No last payment date: never time-barred (it is chronic by "no payment on
        // record", but p 0.5 is above the floor).
        XCTAssertTrue(r.outcome("no-date") == (.worklist, .none))
        let on = r.accounts.accountID.firstIndex(of: "on")!
        XCTAssertEqual(r.explanation(account: on),
                       "time-barred: last payment 2020-01-01 + 6 years (NY) = 2026-01-01 <= as-of 2026-01-01")
    }

    func testLeapDayLastPaymentBarsOnFebruary28() throws {
        XCTAssertEqual(CalendarDay.format(addingCalendarMonths(CalendarDay.parse("2020-02-29")!, 36)), "2023-02-28")
        XCTAssertEqual(CalendarDay.format(addingCalendarMonths(CalendarDay.parse("2020-02-29")!, 48)), "2024-02-29")
        XCTAssertEqual(CalendarDay.format(addingCalendarMonths(CalendarDay.parse("2025-01-31")!, 1)), "2025-02-28")
        XCTAssertEqual(CalendarDay.format(addingCalendarMonths(CalendarDay.parse("2025-11-30")!, 3)), "2026-02-28")
        XCTAssertEqual(CalendarDay.format(addingCalendarMonths(CalendarDay.parse("2025-03-15")!, -15)), "2023-12-15")
        var book = Book()
        book.add("leap", lastPayment: "2020-02-29")
        XCTAssertTrue(try book.rank(asOf: "2023-02-27").outcome("leap") == (.worklist, .none))
        XCTAssertTrue(try book.rank(asOf: "2023-02-28").outcome("leap") == (.doNotContact, .timeBarred))
    }

    func testNetValueJustBelowOnAndAboveMinimum() throws {
        // cost 5, rate 1, p 0.5: net = balance / 2 − 5; min_net_value 5.
        let policy = Policy(costPerAttempt: 5, minNetValue: 5)
        var book = Book()
        book.add("below", balance: 19.98)   // net 4.99
        book.add("equal", balance: 20)      // net 5.00: passes
        book.add("above", balance: 20.02)   // net 5.01
        let r = try book.rank(policy)
        XCTAssertTrue(r.outcome("below") == (.notWorthPursuing, .belowMinNetValue))
        XCTAssertTrue(r.outcome("equal") == (.worklist, .none))
        XCTAssertTrue(r.outcome("above") == (.worklist, .none))
        XCTAssertEqual(r.explanation(account: 0),
                       "net value 4.99 < min_net_value 5.00 (EV 9.99 = balance 19.98 x recovery rate 1 x p 0.500000; cost_per_attempt 5.00)")
    }

    func testRecoveryRatePerProductWithDefault() throws {
        let policy = Policy(costPerAttempt: 10, recoveryRate: RecoveryRates(defaultRate: 0.5, byProduct: ["Card": 0.1]))
        var book = Book()
        book.add("card", balance: 100, p: 0.5, product: "CARD")      // EV 5 → net −5
        book.add("auto", balance: 100, p: 0.5, product: "auto")      // EV 25 → net 15
        book.add("none", balance: 100, p: 0.5, product: "")          // EV 25
        let r = try book.rank(policy)
        XCTAssertEqual(r.expectedValue, [5, 25, 25])
        XCTAssertEqual(r.netValue, [-5, 15, 15])
        XCTAssertTrue(r.outcome("card") == (.notWorthPursuing, .belowMinNetValue))
    }

    func testChronicDefaulterUnderFloorVersusNonChronic() throws {
        var book = Book()
        book.add("chronic-dpd", balance: 100_000, p: 0.04, dpd: 180)
        book.add("not-chronic", balance: 100_000, p: 0.04, dpd: 179)
        book.add("chronic-at-floor", balance: 100_000, p: 0.05, dpd: 400)
        book.add("no-pay-12m", balance: 100_000, p: 0.04, lastPayment: "2025-01-01")   // + 12 months = as-of
        book.add("paid-11m", balance: 100_000, p: 0.04, lastPayment: "2025-01-02")
        book.add("never-paid", balance: 100_000, p: 0.04, lastPayment: nil)
        let r = try book.rank()
        XCTAssertTrue(r.outcome("chronic-dpd") == (.notWorthPursuing, .chronicBelowPFloor))
        XCTAssertTrue(r.outcome("not-chronic") == (.worklist, .none))
        XCTAssertTrue(r.outcome("chronic-at-floor") == (.worklist, .none))
        XCTAssertTrue(r.outcome("no-pay-12m") == (.notWorthPursuing, .chronicBelowPFloor))
        XCTAssertTrue(r.outcome("paid-11m") == (.worklist, .none))
        XCTAssertTrue(r.outcome("never-paid") == (.notWorthPursuing, .chronicBelowPFloor))
        XCTAssertEqual(r.explanation(account: 0),
                       "chronic defaulter (days_past_due 180 >= 180) with p 0.040000 < p_floor 0.05 (net value 3995.00)")
        XCTAssertEqual(r.explanation(account: 5),
                       "chronic defaulter (no payment on record) with p 0.040000 < p_floor 0.05 (net value 3995.00)")
    }

    func testChronicCombineAllAndSwitchedOffCriteria() throws {
        var book = Book()
        book.add("dpd-only", p: 0.01, dpd: 365)
        book.add("both", p: 0.01, dpd: 365, lastPayment: "2024-06-01")
        let all = Policy(chronicDefaulter: ChronicDefaulter(daysPastDue: 180, monthsWithoutPayment: 12, combine: .all))
        var r = try book.rank(all)
        XCTAssertTrue(r.outcome("dpd-only") == (.worklist, .none))
        XCTAssertTrue(r.outcome("both") == (.notWorthPursuing, .chronicBelowPFloor))
        let off = Policy(chronicDefaulter: ChronicDefaulter(daysPastDue: 0, monthsWithoutPayment: 0))
        r = try book.rank(off)
        XCTAssertEqual(r.counts.worklist, 2)
        let monthsOnly = Policy(chronicDefaulter: ChronicDefaulter(daysPastDue: 0, monthsWithoutPayment: 12))
        r = try book.rank(monthsOnly)
        XCTAssertTrue(r.outcome("dpd-only") == (.worklist, .none))
        XCTAssertTrue(r.outcome("both") == (.notWorthPursuing, .chronicBelowPFloor))
    }

    func testMissingLastPaymentColumnMeetsNoPaymentCriterionForNobody() throws {
        var book = Book()
        book.add("a", p: 0.01, lastPayment: nil)
        book.accounts.presentColumns.remove("last_payment_date")
        let noLimitation = Policy(holdFlags: HoldFlagRules(timeBarred: false))
        XCTAssertTrue(try book.rank(noLimitation).outcome("a") == (.worklist, .none))
        book.accounts.presentColumns.insert("last_payment_date")
        XCTAssertTrue(try book.rank().outcome("a") == (.notWorthPursuing, .chronicBelowPFloor))
    }

    func testNotWorthPursuingOutranksContactRules() throws {
        var book = Book()
        book.add("poor-and-called", balance: 5, calls: 12)
        let r = try book.rank()
        XCTAssertTrue(r.outcome("poor-and-called") == (.notWorthPursuing, .belowMinNetValue))
    }

    func testCallLimitSevenHoldsSixDoesNot() throws {
        var book = Book()
        book.add("six", calls: 6)
        book.add("seven", calls: 7)
        book.add("nine", calls: 9)
        var r = try book.rank()
        XCTAssertTrue(r.outcome("six") == (.worklist, .none))
        XCTAssertTrue(r.outcome("seven") == (.deferred, .callLimit))
        XCTAssertTrue(r.outcome("nine") == (.deferred, .callLimit))
        XCTAssertEqual(r.explanation(account: 1), "calls_last_7d 7 >= max_calls_7d 7")
        r = try book.rank(Policy(contactRules: ContactRules(callLimit: false)))
        XCTAssertEqual(r.counts.worklist, 3)
        r = try book.rank(Policy(contactRules: ContactRules(maxCalls7d: 9)))
        XCTAssertEqual(r.worklistIDs.sorted(), ["seven", "six"])
    }

    func testConversationSevenDaysAgoAllowedSixDaysAgoHeld() throws {
        var book = Book()
        book.add("seven-days", lastConversation: "2025-12-25")
        book.add("six-days", lastConversation: "2025-12-26")
        book.add("today", lastConversation: "2026-01-01")
        book.add("future", lastConversation: "2026-01-03")
        book.add("never")
        var r = try book.rank()
        XCTAssertTrue(r.outcome("seven-days") == (.worklist, .none))
        XCTAssertTrue(r.outcome("six-days") == (.deferred, .conversationCooldown))
        XCTAssertTrue(r.outcome("today") == (.deferred, .conversationCooldown))
        XCTAssertTrue(r.outcome("future") == (.deferred, .conversationCooldown))
        XCTAssertTrue(r.outcome("never") == (.worklist, .none))
        XCTAssertEqual(r.explanation(account: 1),
                       "last conversation 2025-12-26, 6 days before as-of < conversation_cooldown_days 7; contact allowed from 2026-01-02")
        r = try book.rank(Policy(contactRules: ContactRules(conversationCooldown: false)))
        XCTAssertEqual(r.counts.worklist, 5)
        r = try book.rank(Policy(contactRules: ContactRules(conversationCooldownDays: 1)))
        XCTAssertEqual(r.counts.deferred, 2)  // today and future
    }

    func testCallLimitComesBeforeConversationAndBothAreNamed() throws {
        var book = Book()
        book.add("both", calls: 7, lastConversation: "2025-12-31")
        let r = try book.rank()
        XCTAssertTrue(r.outcome("both") == (.deferred, .callLimit))
        XCTAssertEqual(r.explanation(account: 0),
                       "calls_last_7d 7 >= max_calls_7d 7; also last conversation 2025-12-31, 1 day before as-of < conversation_cooldown_days 7; contact allowed from 2026-01-07")
    }

    func testAbsentOptionalColumnsReadAsAbsent() throws {
        var accounts = AccountTable()
        accounts.accountID = ["a", "b"]
        accounts.balance = [100, 200]
        accounts.daysPastDue = [0, 0]
        let scores = ModelOutputs(horizonDays: 90, pRecover: [0.5, 0.5], horizons: [90], recoveredBy: [0.4, 0.4],
                                  medianDays: [.nan, .nan], scorePoints: [.nan, .nan])
        // With every input-dependent rule on (the default), absent inputs stop the run.
        let portfolio = Portfolio(accounts: accounts, payments: PaymentTable(), rejects: [], accountRows: 2, paymentRows: 0)
        XCTAssertThrowsError(try Prioritizer(policy: Policy()).rank(portfolio, asOf: CalendarDay(dayNumber: 20_000),
                                                                    scores: scores)) { error in
            XCTAssertEqual((error as? PrioritizerError)?.code, .missingRuleInput)
        }
        let off = Policy(contactRules: ContactRules(callLimit: false, conversationCooldown: false), holdFlags: .allOff)
        let r = try Prioritizer(policy: off).rank(portfolio, asOf: CalendarDay(dayNumber: 20_000), scores: scores)
        XCTAssertEqual(r.worklistIDs, ["b", "a"])
        XCTAssertEqual(r.text(), """
            rank,account_id,balance,p_recover,expected_value,net_value,median_days,score_points,reason_1,reason_2,reason_3,value_driver
            1,b,200.00,0.500000,100.00,95.00,,,,,,mostly balance (1.3x the median balance; p 1.0x the median)
            2,a,100.00,0.500000,50.00,45.00,,,,,,mostly p_recover (1.0x the median p; balance 0.7x the median)

            """)
    }

    func testRejectedRowsAreCountedOncePerLine() throws {
        var book = Book()
        book.add("a")
        book.reject(line: 3, id: "bad")
        book.reject(line: 3, id: "bad", column: "days_past_due", code: .badNumber, reason: "days_past_due is 'x'; not a number")
        book.reject(line: 5, column: nil, code: .raggedRow, reason: "4 fields; the header has 6")
        book.rejects.append(Reject(source: .payments, file: "payments.csv", line: 9, column: nil, code: .unknownAccount,
                                   reason: "unknown account", accountID: "zz"))
        let r = try book.rank()
        XCTAssertEqual(r.counts.rejected, 2)
        XCTAssertEqual(r.counts.total, 3)
        XCTAssertEqual(r.rejected.map(\.line), [3, 5])
        XCTAssertEqual(r.rejected[0].codes, "negative_value;bad_number")
        XCTAssertEqual(r.rejected[0].reason, "balance: balance is -1.00; balances must be ≥ 0; days_past_due: days_past_due is 'x'; not a number")
    }

    func testInputErrorsAreThrown() throws {
        var book = Book()
        book.add("a", p: .nan)
        XCTAssertThrowsError(try book.rank()) { XCTAssertEqual(($0 as? PrioritizerError)?.code, .invalidScore) }
        book.p[0] = 1.2
        XCTAssertThrowsError(try book.rank()) { XCTAssertEqual(($0 as? PrioritizerError)?.code, .invalidScore) }
        book.p[0] = 0.5
        XCTAssertThrowsError(try Prioritizer(policy: Policy()).rank(
            Portfolio(accounts: book.accounts, payments: PaymentTable(), rejects: [], accountRows: 2, paymentRows: 0),
            asOf: CalendarDay(dayNumber: 0), scores: book.scores)) {
            XCTAssertEqual(($0 as? PrioritizerError)?.code, .rowCountMismatch)
            XCTAssertEqual("\($0)", "1 valid accounts + 0 rejected lines ≠ 2 data rows in the accounts file")
        }
    }
}
