import XCTest
import PortfolioIO
import _TestSupport
@testable import PortfolioGenerator

/// The contact history written beside a generated portfolio (`ContactGenerator`).
final class ContactGeneratorTests: XCTestCase {
    func generate(_ accounts: Int, seed: UInt64) throws -> (points: String, contacts: String, promises: String, summary: ContactGenerator.Summary) {
        let p = MemorySink(), c = MemorySink(), q = MemorySink()
        let summary = try ContactGenerator(PortfolioGenerator(GeneratorConfig(accounts: accounts, seed: seed))).write(points: p, contacts: c, promises: q)
        return (p.text, c.text, q.text, summary)
    }

    func testCommittedSampleMatchesTheGenerator() throws {
        let data = repositoryRoot().appendingPathComponent("data")
        let g = try generate(5000, seed: 2026)
        for (name, text) in [("contact_points.csv", g.points), ("contacts.csv", g.contacts), ("promises.csv", g.promises)] {
            let committed = try String(contentsOf: data.appendingPathComponent(name), encoding: .utf8)
            XCTAssertTrue(committed == text, "data/\(name) differs from the generator's output; run arrears generate --accounts 5000 --seed 2026 --out data")
        }
    }

    func testHistoryAgreesWithTheAccountsColumns() throws {
        let generator = PortfolioGenerator(GeneratorConfig(accounts: 400, seed: 11))
        let g = try generate(400, seed: 11)
        let asOf = generator.config.asOf.dayNumber
        var callsInWindow: [String: Int] = [:], conversationDays: [String: Set<Int32>] = [:], utcStamped: [String: Bool] = [:]
        for line in g.contacts.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(f.count, 5)
            // The timestamp's own date: the local date when written with an offset; with `Z`,
            // the UTC date, which is the local date or (for an evening call) the day after.
            let stamped = CalendarDay.parse(String(f[1].prefix(10)))!
            let local = stamped
            if f[2] == "call" && (f[3] == "no_answer" || f[3] == "voicemail" || f[3] == "wrong_number") && asOf - local <= 6 {
                callsInWindow[f[0], default: 0] += 1
            }
            if f[2] == "call" && (f[3] == "right_party" || f[3] == "promise") {
                conversationDays[f[0], default: []].insert(f[1].hasSuffix("Z") ? stamped - 1 : stamped)
                utcStamped[f[0]] = f[1].hasSuffix("Z")
            }
        }
        for i in 0..<400 {
            let a = generator.account(i), id = generator.accountID(i)
            XCTAssertEqual(callsInWindow[id] ?? 0, a.callsLast7d, "\(id): calls_last_7d calls in the last 6 days")
            if let talked = a.lastConversationDate {
                let days = try XCTUnwrap(conversationDays[id], "\(id): a conversation on last_conversation_date")
                XCTAssertEqual(days.count, 1)
                // A `Z` stamp was shifted back a day above: it is the local day or the day before.
                XCTAssertTrue(utcStamped[id]! ? (days.first! == talked || days.first! == talked - 1) : days == [talked],
                              "\(id): conversation on \(days), last_conversation_date \(talked)")
            } else {
                XCTAssertNil(conversationDays[id])
            }
        }
        XCTAssertEqual(g.summary.accounts, 400)
        XCTAssertEqual(g.contacts.split(separator: "\n").count - 1, g.summary.contacts)
        XCTAssertEqual(g.promises.split(separator: "\n").count - 1, g.summary.promises)
    }
}
