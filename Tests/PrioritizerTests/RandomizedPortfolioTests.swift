import Foundation
import PortfolioIO
import XCTest
import _TestSupport
@testable import Prioritizer

/// Random portfolios and policies, checked against a plain reference classifier that
/// does its date arithmetic with Foundation's Gregorian calendar instead of day numbers.
final class RandomizedPortfolioTests: XCTestCase {
    private let asOfText = "2026-01-01"

    func testCountsSumToInputRowsAndMatchTheReference() throws {
        for seed in UInt64(1)...60 {
            var rng = SeededGenerator(seed: seed)
            let (book, policy) = randomBook(&rng)
            let r = try book.rank(policy)

            // Every input row is in exactly one class and the counts add up.
            XCTAssertEqual(r.counts.total, book.rows, "seed \(seed)")
            XCTAssertEqual(r.accountClass.count + r.rejected.count, book.rows, "seed \(seed)")
            for c in AccountClass.allCases where c != .rejected {
                XCTAssertEqual(r.accountClass.filter { $0 == c }.count, r.counts[c], "seed \(seed) \(c)")
            }
            XCTAssertEqual(r.counts.byRule.reduce(0, +), book.rows, "seed \(seed)")
            XCTAssertEqual(r.worklist.count, r.counts.worklist)
            XCTAssertLessThanOrEqual(r.worklist.count, policy.capacity)

            // The output files hold every row once (header + rows).
            XCTAssertEqual(r.text().split(separator: "\n").count, 1 + r.counts.worklist, "seed \(seed)")
            let holdsRows = r.counts.total - r.counts.worklist
            XCTAssertEqual(r.holdsBytes(format: .jsonl).filter { $0 == 0x0A }.count, holdsRows, "seed \(seed)")
            XCTAssertEqual(r.holdsBytes(format: .csv, chunkSize: 7), r.holdsBytes(), "seed \(seed)")

            // Same classes, rules and worklist order as the reference.
            let expected = reference(book, policy)
            for i in 0..<book.accounts.count {
                XCTAssertEqual(r.rule[i], expected.rules[i], "seed \(seed) account \(book.accounts.accountID[i])")
            }
            XCTAssertEqual(r.worklistIDs, expected.worklist, "seed \(seed)")
        }
    }

    // MARK: Generator

    private func randomBook(_ rng: inout SeededGenerator) -> (Book, Policy) {
        var book = Book()
        let asOf = CalendarDay.parse(asOfText)!
        let n = Int.random(in: 0...150, using: &rng)
        var ids = Set<String>()
        let alphabet = Array("aAbB019-_é")
        while ids.count < n {
            ids.insert(String((0..<Int.random(in: 1...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
        }
        func chance(_ x: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < x }
        for id in ids.sorted() {
            let lastPayment = chance(0.15) ? nil
                : CalendarDay.format(asOf - Int32.random(in: -5...2600, using: &rng))
            let conversation = chance(0.6) ? nil
                : CalendarDay.format(asOf - Int32.random(in: -2...10, using: &rng))
            book.add(id,
                     balance: [0, 5, 10, 100, 1000, Double.random(in: 0...5000, using: &rng)].randomElement(using: &rng)!,
                     p: [0, 0.01, 0.04, 0.05, 0.25, 0.5, Double.random(in: 0...1, using: &rng)].randomElement(using: &rng)!,
                     dpd: Double(Int.random(in: 0...400, using: &rng)),
                     product: ["", "card", "Card", "auto"].randomElement(using: &rng)!,
                     state: ["", "NY", "CA", "ZZ"].randomElement(using: &rng)!,
                     lastPayment: lastPayment,
                     bankruptcy: chance(0.04), ceaseAndDesist: chance(0.04), dispute: chance(0.04), deceased: chance(0.04),
                     calls: Int32.random(in: 0...9, using: &rng),
                     lastConversation: conversation)
        }
        // Rejected lines, some with two problems.
        for k in 0..<Int.random(in: 0...5, using: &rng) {
            let line = 1000 + k
            book.reject(line: line, id: chance(0.5) ? "" : "r\(k)")
            if chance(0.3) { book.reject(line: line, column: "days_past_due", code: .badNumber, reason: "not a number") }
        }
        book.accounts.sourceLine.shuffle(using: &rng)

        let policy = Policy(
            costPerAttempt: [0, 5, 20].randomElement(using: &rng)!,
            minNetValue: [-5, 0, 10].randomElement(using: &rng)!,
            pFloor: [0, 0.05, 0.3].randomElement(using: &rng)!,
            capacity: Int.random(in: 1...40, using: &rng),
            recoveryRate: RecoveryRates(defaultRate: [1, 0.8].randomElement(using: &rng)!, byProduct: ["card": 0.5]),
            chronicDefaulter: ChronicDefaulter(daysPastDue: [0, 90, 180].randomElement(using: &rng)!,
                                               monthsWithoutPayment: [0, 6, 12].randomElement(using: &rng)!,
                                               combine: chance(0.5) ? .any : .all),
            limitationPeriod: LimitationPeriods(defaultYears: Int.random(in: 3...6, using: &rng), byState: ["NY": 6, "CA": 4]),
            contactRules: ContactRules(callLimit: chance(0.8), maxCalls7d: [5, 7].randomElement(using: &rng)!,
                                       conversationCooldown: chance(0.8),
                                       conversationCooldownDays: [3, 7].randomElement(using: &rng)!))
        return (book, policy)
    }

    // MARK: Reference

    private func reference(_ book: Book, _ policy: Policy) -> (rules: [Rule], worklist: [String]) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func date(_ day: Int32) -> Date { Date(timeIntervalSince1970: Double(day) * 86_400) }
        let asOf = date(CalendarDay.parse(asOfText)!)
        let a = book.accounts
        var rules: [Rule] = []
        var pursuable: [(net: Double, p: Double, id: [UInt8])] = []
        for i in 0..<a.count {
            let hasPayment = a.lastPaymentDate[i] != CalendarDay.missing
            let years = ["NY": 6, "CA": 4][a.state[i]] ?? policy.limitationPeriod.defaultYears
            let barred = hasPayment && calendar.date(byAdding: .year, value: years, to: date(a.lastPaymentDate[i]))! <= asOf
            let rate = a.product[i].lowercased() == "card" ? 0.5 : policy.recoveryRate.defaultRate
            let net = a.balance[i] * rate * book.p[i] - policy.costPerAttempt
            let c = policy.chronicDefaulter
            var criteria: [Bool] = []
            if c.daysPastDue > 0 { criteria.append(a.daysPastDue[i] >= Double(c.daysPastDue)) }
            if c.monthsWithoutPayment > 0 {
                criteria.append(!hasPayment
                    || calendar.date(byAdding: .month, value: c.monthsWithoutPayment, to: date(a.lastPaymentDate[i]))! <= asOf)
            }
            let chronic = !criteria.isEmpty && (c.combine == .any ? criteria.contains(true) : !criteria.contains(false))
            let conversationDays = a.lastConversationDate[i] == CalendarDay.missing ? nil
                : calendar.dateComponents([.day], from: date(a.lastConversationDate[i]), to: asOf).day!
            let rule: Rule
            if a.bankruptcy[i] { rule = .bankruptcy }
            else if a.ceaseAndDesist[i] { rule = .ceaseAndDesist }
            else if a.dispute[i] { rule = .dispute }
            else if a.deceased[i] { rule = .deceased }
            else if barred { rule = .timeBarred }
            else if net < policy.minNetValue { rule = .belowMinNetValue }
            else if chronic && book.p[i] < policy.pFloor { rule = .chronicBelowPFloor }
            else if policy.contactRules.callLimit && a.callsLast7d[i] >= policy.contactRules.maxCalls7d { rule = .callLimit }
            else if policy.contactRules.conversationCooldown, let d = conversationDays,
                    d < policy.contactRules.conversationCooldownDays { rule = .conversationCooldown }
            else { rule = .none; pursuable.append((net, book.p[i], Array(a.accountID[i].utf8))) }
            rules.append(rule)
        }
        pursuable.sort { x, y in
            x.net != y.net ? x.net > y.net : x.p != y.p ? x.p > y.p : x.id.lexicographicallyPrecedes(y.id)
        }
        let worklist = pursuable.prefix(policy.capacity).map { String(decoding: $0.id, as: UTF8.self) }
        for id in pursuable.dropFirst(policy.capacity).map({ String(decoding: $0.id, as: UTF8.self) }) {
            rules[a.accountID.firstIndex(of: id)!] = .overCapacity
        }
        return (rules, worklist)
    }
}
