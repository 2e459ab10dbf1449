import XCTest
import PortfolioIO
import Prioritizer
@testable import Ledger

/// The contact rules computed from ledger facts, at their edges (DESIGN §12).
final class ContactRuleTests: XCTestCase {
    let asOf = "2026-01-15"

    /// Facts with `calls[j]` calls on day as-of − 6 + j for account 0.
    func facts(_ n: Int, calls: [Int] = [], account: Int = 0) -> ContactFacts {
        var f = ContactFacts(count: n)
        for (j, c) in calls.enumerated() { f.callsByDay[account * 7 + j] = UInt16(c) }
        return f
    }

    func testSeventhCallInSevenDaysIsAllowedAndTheEighthIsNot() throws {
        let book = LedgerBook(states: ["NY"])
        // Six calls over the window, one on the first day of it: the 7th is allowed today.
        let six = try book.rank(facts(1, calls: [1, 1, 1, 1, 1, 1, 0]), asOf: asOf)
        XCTAssertEqual(six.rule[0], .none)
        XCTAssertEqual(six.callsLeftToday(account: 0), 1)
        // Seven calls: the 8th would break the presumption → deferred until the first
        // day with fewer than 7 calls in its 7-day window (the day-1 call drops out).
        let seven = try book.rank(facts(1, calls: [1, 1, 1, 1, 1, 1, 1]), asOf: asOf)
        XCTAssertEqual(seven.rule[0], .callLimit)
        XCTAssertEqual(seven.callsLeftToday(account: 0), 0)
        XCTAssertEqual(seven.nextContactDay(account: 0), day("2026-01-16"))
        XCTAssertTrue(seven.explanation(account: 0).contains("7 calls in the 7 days 2026-01-09..2026-01-15"), seven.explanation(account: 0))
        // Seven calls all on the first day of the window still drop out tomorrow; all
        // today, they hold the account for 7 days.
        XCTAssertEqual(try book.rank(facts(1, calls: [7, 0, 0, 0, 0, 0, 0]), asOf: asOf).nextContactDay(account: 0), day("2026-01-16"))
        XCTAssertEqual(try book.rank(facts(1, calls: [0, 0, 0, 0, 0, 0, 7]), asOf: asOf).nextContactDay(account: 0), day("2026-01-22"))
    }

    func testConversationSixDaysAgoBlocksAndSevenDaysAgoDoesNot() throws {
        let book = LedgerBook(states: ["NY", "NY"])
        var f = ContactFacts(count: 2)
        f.lastConversationDay = [day("2026-01-09"), day("2026-01-08")]
        let r = try book.rank(f, asOf: asOf)
        XCTAssertEqual(r.rule[0], .conversationCooldown, "a conversation 6 days ago: its 7-day block includes today")
        XCTAssertEqual(r.nextContactDay(account: 0), day("2026-01-16"))
        XCTAssertEqual(r.rule[1], .none, "a conversation 7 days ago: the block ended yesterday")
    }

    func testMassachusettsAllowsTwoCallsInSevenDays() throws {
        let book = LedgerBook(states: ["MA", "MA", "NY"])
        var policy = Policy()
        policy.stateRules = ["MA": StateRule(maxCalls7d: 2)]
        var f = ContactFacts(count: 3)
        f.callsByDay[0 * 7 + 3] = 1          // MA, 1 call: 1 left under the state rule
        f.callsByDay[1 * 7 + 2] = 2          // MA, 2 calls: deferred by the state rule
        f.callsByDay[2 * 7 + 2] = 2          // NY, 2 calls: Regulation F only
        let r = try book.rank(f, policy: policy, asOf: asOf)
        XCTAssertEqual(r.rule[0], .none)
        XCTAssertEqual(r.callsLeftToday(account: 0), 1)
        XCTAssertEqual(r.rule[1], .stateCallLimit)
        XCTAssertEqual(r.nextContactDay(account: 1), day("2026-01-18"), "the two calls of 2026-01-11 leave the window on 2026-01-18")
        XCTAssertTrue(r.explanation(account: 1).contains("state_rules.MA.max_calls_7d 2"), r.explanation(account: 1))
        XCTAssertEqual(r.rule[2], .none)
        XCTAssertEqual(r.callsLeftToday(account: 2), 5)
        let worklist = String(decoding: r.worklistBytes(), as: UTF8.self)
        XCTAssertTrue(worklist.contains(",1,state_rules.MA.max_calls_7d\n"), worklist)
    }

    func testCallWindowAcrossTheSpringDSTChange() throws {
        let w = CallWindowPolicy()
        let before = try XCTUnwrap(CallWindow.of(day: day("2026-03-07"), zones: ["America/New_York"], policy: w))
        let after = try XCTUnwrap(CallWindow.of(day: day("2026-03-08"), zones: ["America/New_York"], policy: w))
        XCTAssertEqual(before.utcText, "2026-03-07T13:00:00Z/2026-03-08T02:00:00Z", "EST, UTC−5")
        XCTAssertEqual(after.utcText, "2026-03-08T12:00:00Z/2026-03-09T01:00:00Z", "EDT from 02:00 on the change day, UTC−4")
        XCTAssertEqual(after.localText, "08:00-21:00 America/New_York")
        XCTAssertEqual(after.end - after.start, 13 * 3600)
        // Autumn: 2026-11-01 falls back at 02:00 → 08:00 EST = 13:00Z.
        let autumn = try XCTUnwrap(CallWindow.of(day: day("2026-11-01"), zones: ["America/New_York"], policy: w))
        XCTAssertEqual(autumn.utcText, "2026-11-01T13:00:00Z/2026-11-02T02:00:00Z")
    }

    func testStateWithTwoZonesGetsTheIntersectionOfTheirWindows() throws {
        let book = LedgerBook(states: ["FL", "FL"])
        var f = ContactFacts(count: 2)
        f.timeZone = ["", "America/New_York"]
        let r = try book.rank(f, asOf: asOf)
        let unknown = try XCTUnwrap(r.schedule).window(0), known = try XCTUnwrap(r.schedule).window(1)
        // 8 am Central (14:00Z) is the later start; 9 pm Eastern (02:00Z) the earlier end.
        XCTAssertEqual(unknown.utcText, "2026-01-15T14:00:00Z/2026-01-16T02:00:00Z")
        XCTAssertEqual(unknown.localText, "09:00-21:00 America/New_York; 08:00-20:00 America/Chicago")
        XCTAssertEqual(known.utcText, "2026-01-15T13:00:00Z/2026-01-16T02:00:00Z")
    }

    func testUnknownZoneAndStateUsesEveryCandidateZoneAndABadZoneFallsBackToTheState() throws {
        let book = LedgerBook(states: ["", "TX"])
        var f = ContactFacts(count: 2)
        f.timeZone = ["", "Mars/Olympus_Mons"]
        let r = try book.rank(f, asOf: asOf)
        let s = try XCTUnwrap(r.schedule)
        // January: Honolulu/Adak (UTC−10) start last at 18:00Z; Puerto Rico (UTC−4) ends first at 01:00Z.
        XCTAssertEqual(s.window(0).utcText, "2026-01-15T18:00:00Z/2026-01-16T01:00:00Z")
        XCTAssertEqual(s.window(0).zones, StateTimeZones.allZones)
        // Texas: Central and Mountain → 8 am Mountain (15:00Z) to 9 pm Central (03:00Z).
        XCTAssertEqual(s.window(1).utcText, "2026-01-15T15:00:00Z/2026-01-16T03:00:00Z")
        XCTAssertEqual(r.rule[0], .none)
    }

    func testEmptyCommonWindowDefersTheAccount() throws {
        var policy = Policy()
        policy.callWindow = CallWindowPolicy(startHour: 8, endHour: 10)
        var f = ContactFacts(count: 1)
        f.timeZone = [""]
        let r = try LedgerBook(states: [""]).rank(f, policy: policy, asOf: asOf)
        XCTAssertEqual(r.rule[0], .noCallWindow, "two hours in New York and in Honolulu never overlap")
        XCTAssertNil(r.nextContactDay(account: 0))
    }

    func testLedgerHoldsAndOptOut() throws {
        let book = LedgerBook(states: ["NY", "NY", "NY"])
        var f = ContactFacts(count: 3)
        f.ceaseRequestDay[0] = day("2025-12-01")
        f.disputeDay[1] = day("2025-12-02")
        f.callOptOut[2] = true
        let r = try book.rank(f, asOf: asOf)
        XCTAssertEqual(r.rule, [.ceaseRequest, .disputeLogged, .callOptOut])
        XCTAssertEqual(r.accountClass, [.doNotContact, .doNotContact, .deferred])
        XCTAssertEqual(r.explanation(account: 0), "cease request logged 2025-12-01 (ledger)")
    }

    func testFollowUpsComeFirstWithinCapacity() throws {
        var book = LedgerBook(states: ["NY", "NY", "NY", "NY"])
        book.accounts.balance = [5000, 4000, 100, 200]  // the follow-ups (2, 3) have the lowest values
        var f = ContactFacts(count: 4)
        f.promises = [PromiseRecord(account: 2, promisedOn: day("2026-01-05"), due: day("2026-01-15"), amount: 50),
                      PromiseRecord(account: 3, promisedOn: day("2025-12-20"), due: day("2026-01-05"), amount: 80)]
        let r = try book.rank(f, asOf: asOf, capacity: 3)
        XCTAssertEqual(r.worklist, [3, 2, 0], "the follow-ups by net value (195 > 95), then the best cold call")
        XCTAssertEqual(r.rule[2], .promiseDue)
        XCTAssertEqual(r.rule[3], .promiseBroken)
        XCTAssertEqual(r.rule[1], .overCapacity)
        XCTAssertEqual(r.counts[.promiseDue] + r.counts[.promiseBroken], 2)
        let text = String(decoding: r.worklistBytes(), as: UTF8.self).split(separator: "\n")
        XCTAssertTrue(text[1].contains(",promise_broken,") && text[2].contains(",promise_due,") && text[3].contains(",cold_call,"),
                      text.joined(separator: "\n"))
        XCTAssertEqual(r.explanation(account: 3),
                       "promise of 80.00 made 2025-12-20, due 2026-01-05 + grace 3 days: paid 0.00 < 79.20; broken since 2026-01-09")
    }

    func testTheLedgerSuppliesTheContactColumnsTheRuleInputCheckWants() throws {
        let book = LedgerBook(states: ["NY"])   // no calls_last_7d, no last_conversation_date
        XCTAssertThrowsError(try Prioritizer(policy: Policy()).rank(book.portfolio, asOf: CalendarDay(asOf)!, scores: book.scores())) {
            XCTAssertEqual(($0 as? PrioritizerError)?.code, .missingRuleInput)
        }
        XCTAssertEqual(try book.rank(ContactFacts(count: 1), asOf: asOf).rule, [.none])
    }

    func testWithoutLedgerTheColumnRulesApplyAndTheOutputsKeepTheirColumns() throws {
        var book = LedgerBook(states: ["NY"])
        book.accounts.callsLast7d = [7]
        book.accounts.lastConversationDate = [CalendarDay.missing]
        book.accounts.presentColumns.formUnion(["calls_last_7d", "last_conversation_date"])
        let r = try Prioritizer(policy: Policy()).rank(book.portfolio, asOf: CalendarDay(asOf)!, scores: book.scores())
        XCTAssertEqual(r.rule[0], .callLimit)
        XCTAssertNil(r.schedule)
        XCTAssertEqual(String(decoding: r.holdsBytes(), as: UTF8.self).split(separator: "\n")[0],
                       Substring(WorklistResult.holdsColumns.joined(separator: ",")))
        // With a ledger the columns are ignored: no event, no hold.
        XCTAssertEqual(try book.rank(ContactFacts(count: 1), asOf: asOf).rule[0], .none)
    }
}

/// Promises resolved against the payments file (`PromisePolicy`).
final class PromiseTests: XCTestCase {
    func outcome(paid: [(String, Double)], asOf: String, policy: PromisePolicy = PromisePolicy()) -> PromiseOutcome {
        var book = LedgerBook(states: ["NY"])
        for (d, p) in paid { book.statement(account: 0, day: d, due: 100, paid: p) }
        let promise = PromiseRecord(account: 0, promisedOn: day("2026-01-01"), due: day("2026-01-10"), amount: 100)
        return policy.resolve([promise], payments: book.payments, asOf: day(asOf))[0]
    }

    func testKeptWhenPaymentsCoverTheAmountWithinTolerance() {
        XCTAssertEqual(outcome(paid: [("2026-01-05", 100)], asOf: "2026-01-06").status, .kept, "kept before the due date")
        XCTAssertEqual(outcome(paid: [("2026-01-05", 60), ("2026-01-09", 39.5)], asOf: "2026-01-20").status, .kept,
                       "99.50 ≥ 100 × (1 − 0.01)")
        XCTAssertEqual(outcome(paid: [("2025-12-31", 100)], asOf: "2026-01-20").status, .broken, "a payment before the promise does not count")
    }

    func testPartialPaymentIsOpenUntilTheGraceEndsThenBroken() {
        let partial = outcome(paid: [("2026-01-08", 40)], asOf: "2026-01-13")
        XCTAssertEqual(partial.status, .open, "due 01-10 + 3 grace days = 01-13: still open")
        XCTAssertEqual(partial.paid, 40)
        let broken = outcome(paid: [("2026-01-08", 40)], asOf: "2026-01-14")
        XCTAssertEqual(broken.status, .broken)
        XCTAssertEqual(broken.brokenFrom, day("2026-01-14"))
    }

    func testGraceDaysPaymentKeepsAndLaterPaymentDoesNot() {
        XCTAssertEqual(outcome(paid: [("2026-01-13", 100)], asOf: "2026-01-20").status, .kept, "paid on the last grace day")
        XCTAssertEqual(outcome(paid: [("2026-01-14", 100)], asOf: "2026-01-20").status, .broken, "paid a day after the grace")
        XCTAssertEqual(outcome(paid: [("2026-01-12", 100)], asOf: "2026-01-20", policy: PromisePolicy(graceDays: 0)).status, .broken)
        XCTAssertEqual(outcome(paid: [("2026-01-12", 100)], asOf: "2026-01-11").status, .open,
                       "a statement dated after as-of is not seen")
    }

    func testFollowUpRulePicksDueTodayThenRecentlyBroken() {
        let policy = PromisePolicy()
        let open = PromiseOutcome(record: PromiseRecord(account: 0, promisedOn: day("2026-01-01"), due: day("2026-01-15"), amount: 10),
                                  status: .open, paid: 0, deadline: day("2026-01-18"))
        let broken = PromiseOutcome(record: PromiseRecord(account: 0, promisedOn: day("2025-12-01"), due: day("2026-01-02"), amount: 10),
                                    status: .broken, paid: 0, deadline: day("2026-01-05"))
        XCTAssertEqual(policy.followUp([broken, open], asOf: day("2026-01-15"))?.rule, .promiseDue)
        XCTAssertEqual(policy.followUp([broken], asOf: day("2026-01-12"))?.rule, .promiseBroken, "broken since 01-06: 6 days < 7")
        XCTAssertNil(policy.followUp([broken], asOf: day("2026-01-13")), "7 days after breaking it leaves the queue")
    }
}
