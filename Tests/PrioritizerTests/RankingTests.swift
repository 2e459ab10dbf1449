import Foundation
import PortfolioIO
import XCTest
import _TestSupport
@testable import Prioritizer

final class RankingTests: XCTestCase {
    func testCapacityCutDefersTheRestOverCapacity() throws {
        var book = Book()
        for (k, balance) in [300.0, 900, 100, 700, 500].enumerated() { book.add("acct\(k)", balance: balance) }
        book.add("held", balance: 10_000, calls: 7)
        let r = try book.rank(Policy(capacity: 3))
        XCTAssertEqual(r.worklistIDs, ["acct1", "acct3", "acct4"])
        XCTAssertTrue(r.outcome("acct0") == (.deferred, .overCapacity))
        XCTAssertTrue(r.outcome("acct2") == (.deferred, .overCapacity))
        XCTAssertTrue(r.outcome("held") == (.deferred, .callLimit))
        XCTAssertEqual(r.pursuableRank, [4, 1, 5, 2, 3, 0])
        XCTAssertEqual(r.explanation(account: 0), "over capacity: rank 4 > capacity 3 (net value 145.00)")
        XCTAssertEqual(r.counts.worklist, 3)
        XCTAssertEqual(r.counts.deferred, 3)
        XCTAssertEqual(r.counts[.overCapacity], 2)
        // The CLI's --capacity overrides the policy.
        let wider = try book.rank(Policy(capacity: 3), capacity: 10)
        XCTAssertEqual(wider.worklistIDs, ["acct1", "acct3", "acct4", "acct0", "acct2"])
        XCTAssertEqual(wider.policy.capacity, 10)
    }

    func testEqualNetValueRanksHigherPFirst() throws {
        var book = Book()
        book.add("low-p", balance: 2000, p: 0.25)   // EV 500
        book.add("high-p", balance: 1000, p: 0.5)   // EV 500
        book.add("top", balance: 1000, p: 0.6)      // EV 600
        let r = try book.rank()
        XCTAssertEqual(r.netValue[0], r.netValue[1])
        XCTAssertEqual(r.worklistIDs, ["top", "high-p", "low-p"])
    }

    func testEqualNetValueAndPRanksAccountIDBytewise() throws {
        var book = Book()
        for id in ["a9", "é", "a10", "z", "B", "a"] { book.add(id) }
        let r = try book.rank()
        // UTF-8 byte order: uppercase before lowercase, "1" before "9", ASCII before "é".
        XCTAssertEqual(r.worklistIDs, ["B", "a", "a10", "a9", "z", "é"])
        // The tie-break decides who is cut at capacity.
        XCTAssertEqual(try book.rank(capacity: 2).worklistIDs, ["B", "a"])
    }

    func testOrderDoesNotDependOnInputOrder() throws {
        var rng = SeededGenerator(seed: 7)
        var rows: [(String, Double, Double)] = []
        for k in 0..<60 {
            // Few distinct values, so ties on net value and on p are common.
            rows.append(("id\(k)", [100.0, 200, 400].randomElement(using: &rng)!, [0.25, 0.5].randomElement(using: &rng)!))
        }
        func worklist(_ rows: [(String, Double, Double)]) throws -> [UInt8] {
            var book = Book()
            for (id, balance, p) in rows { book.add(id, balance: balance, p: p) }
            return try book.rank(capacity: 25).worklistBytes()
        }
        let reference = try worklist(rows)
        for _ in 0..<5 {
            rows.shuffle(using: &rng)
            XCTAssertEqual(try worklist(rows), reference)
        }
    }

    func testDiscountingOverTheSurvivalCurve() throws {
        var book = Book()
        // F at 30/60/90/180 days; H = 90, so 180 is not used.
        book.add("timed", balance: 1000, p: 0.6, recoveredBy: [0.2, 0.4, 0.5, 0.7])
        book.add("never-by-H", balance: 1000, p: 0.6, recoveredBy: [0, 0, 0, 0.3])
        book.add("non-monotone", balance: 1000, p: 0.6, recoveredBy: [0.3, 0.2, 0.5, 0.6])
        let r = try book.rank(Policy(discountAnnualRate: 0.1))
        func v(_ t: Double) -> Double { pow(1.1, -t / 365) }
        let d = (0.2 * v(30) + 0.2 * v(60) + 0.1 * v(90)) / 0.5
        XCTAssertEqual(r.discountFactor[0], d, accuracy: 1e-15)
        XCTAssertEqual(r.expectedValue[0], 1000 * 0.6 * d, accuracy: 1e-9)
        XCTAssertEqual(r.netValue[0], 1000 * 0.6 * d - 5, accuracy: 1e-9)
        XCTAssertEqual(r.discountFactor[1], v(90), accuracy: 1e-15)
        // A dip in F adds no mass: 0.3 at 30 days, nothing at 60, 0.2 more at 90.
        XCTAssertEqual(r.discountFactor[2], (0.3 * v(30) + 0.2 * v(90)) / 0.5, accuracy: 1e-15)
        XCTAssertTrue(r.explanation(account: 0).isEmpty)
        // r = 0 means no discounting, whatever the curve.
        XCTAssertEqual(try book.rank().expectedValue, [600, 600, 600])
    }

    func testDiscountingNeedsAHorizonWithinH() throws {
        var book = Book()
        book.horizons = [180]
        book.add("a", recoveredBy: [0.5])
        XCTAssertThrowsError(try book.rank(Policy(discountAnnualRate: 0.05))) {
            XCTAssertEqual(($0 as? PrioritizerError)?.code, .horizonMismatch)
        }
        XCTAssertNoThrow(try book.rank())
        book.recoveredBy[0] = .nan
        book.horizons = [90]
        XCTAssertThrowsError(try book.rank(Policy(discountAnnualRate: 0.05))) {
            XCTAssertEqual(($0 as? PrioritizerError)?.code, .invalidScore)
        }
    }

    func testDiscountedExplanationShowsTheFactor() throws {
        var book = Book()
        book.add("small", balance: 10, p: 0.5, recoveredBy: [0, 0, 1, 1])
        let r = try book.rank(Policy(discountAnnualRate: 0.1))
        let d = pow(1.1, -90.0 / 365)
        XCTAssertEqual(r.explanation(account: 0),
                       "net value \(fixed(5 * d - 5, 2)) < min_net_value 0.00 (EV \(fixed(5 * d, 2)) = balance 10.00 x recovery rate 1 x p 0.500000 x discount \(fixed(d, 4)); cost_per_attempt 5.00)")
    }
}
