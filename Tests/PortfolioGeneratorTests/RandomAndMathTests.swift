import XCTest
import Foundation
import _TestSupport
@testable import PortfolioGenerator

final class RandomAndMathTests: XCTestCase {
    func testDeterministicLogAndExpAgreeWithLibm() {
        var g = SeededGenerator(seed: 99)
        for _ in 0 ..< 20_000 {
            let x = Double.random(in: -700 ... 700, using: &g)
            let e = DeterministicMath.exp(x)
            XCTAssertTrue(approxEqual(e, Foundation.exp(x), rel: 1e-14), "exp(\(x))")
            let y = Foundation.exp(Double.random(in: -700 ... 700, using: &g))
            XCTAssertTrue(approxEqual(DeterministicMath.log(y), Foundation.log(y), rel: 1e-14, abs: 1e-15), "log(\(y))")
        }
        XCTAssertEqual(DeterministicMath.log(1), 0)
        XCTAssertEqual(DeterministicMath.exp(0), 1)
        XCTAssertEqual(DeterministicMath.log(0), -.infinity)
        XCTAssertTrue(DeterministicMath.log(-1).isNaN)
        XCTAssertEqual(DeterministicMath.exp(800), .infinity)
        XCTAssertEqual(DeterministicMath.exp(-800), 0)
        XCTAssertTrue(approxEqual(DeterministicMath.exp(-740), Foundation.exp(-740), rel: 1e-10))
    }

    func testStreamsAreReproducibleAndDistinct() {
        var a = AccountRandom(seed: 1, stream: 0), b = AccountRandom(seed: 1, stream: 0)
        var c = AccountRandom(seed: 1, stream: 1), d = AccountRandom(seed: 2, stream: 0)
        let xa = (0 ..< 8).map { _ in a.next() }
        XCTAssertEqual(xa, (0 ..< 8).map { _ in b.next() })
        XCTAssertNotEqual(xa, (0 ..< 8).map { _ in c.next() })
        XCTAssertNotEqual(xa, (0 ..< 8).map { _ in d.next() })
    }

    /// xoshiro256** reference: the state (1, 2, 3, 4) gives 11520, 0, 1509978240,
    /// 1215971899390074240 (Vigna's reference implementation, xoshiro256starstar.c).
    func testXoshiroMatchesTheReferenceSequence() {
        var r = AccountRandom(seed: 0, stream: 0)
        (r.s0, r.s1, r.s2, r.s3) = (1, 2, 3, 4)
        XCTAssertEqual((0 ..< 4).map { _ in r.next() }, [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    func testDrawsHaveTheRightMoments() {
        var r = AccountRandom(seed: 3, stream: 9)
        let n = 100_000
        var sum = 0.0, sumSq = 0.0, expSum = 0.0, low = 0, high = 0
        for _ in 0 ..< n {
            let z = r.normal(); sum += z; sumSq += z * z
            expSum += r.exponential(mean: 2)
            let k = r.int(in: 3 ... 5)
            XCTAssertTrue((3 ... 5).contains(k))
            if k == 3 { low += 1 }; if k == 5 { high += 1 }
            let u = r.openUnit(); XCTAssertTrue(u > 0 && u < 1)
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.015)
        XCTAssertEqual(sumSq / Double(n), 1, accuracy: 0.02)
        XCTAssertEqual(expSum / Double(n), 2, accuracy: 0.03)
        XCTAssertEqual(Double(low) / Double(n), 1.0 / 3, accuracy: 0.01)
        XCTAssertEqual(Double(high) / Double(n), 1.0 / 3, accuracy: 0.01)
    }

    func testWriterFormatsNumbersExactly() throws {
        let w = BufferedWriter(sink: MemorySink(), capacity: 4096)
        for cents: Int64 in [0, 7, 10, 99, 100, 12_345, 25_000_000] { w.cents(cents); w.byte(UInt8(ascii: " ")) }
        w.unsigned(0); w.byte(UInt8(ascii: " ")); w.unsigned(1_000_000); w.byte(UInt8(ascii: " "))
        w.date(CalendarDayShim.day(2024, 2, 29)); w.byte(UInt8(ascii: " ")); w.date(0)
        try w.flush()
        XCTAssertEqual(String(decoding: w.sink.bytes, as: UTF8.self),
                       "0.00 0.07 0.10 0.99 1.00 123.45 250000.00 0 1000000 2024-02-29 1970-01-01")
    }

    func testStatementMissedRuleIsExactInCents() {
        XCTAssertTrue(SyntheticStatement(date: 0, amountDueCents: 1000, amountPaidCents: 99).isMissed)
        XCTAssertFalse(SyntheticStatement(date: 0, amountDueCents: 1000, amountPaidCents: 100).isMissed)
        XCTAssertFalse(SyntheticStatement(date: 0, amountDueCents: 0, amountPaidCents: 0).isMissed)
        var r = AccountRandom(seed: 4, stream: 4)
        for due: Int64 in [1, 9, 10, 11, 19, 20, 2_500, 123_457] {
            for paying in [true, false] {
                for _ in 0 ..< 200 {
                    let paid = PortfolioGenerator.payment(due: due, paying: paying, &r)
                    XCTAssertGreaterThanOrEqual(paid, 0)
                    XCTAssertEqual(SyntheticStatement(date: 0, amountDueCents: due, amountPaidCents: paid).isMissed, !paying)
                }
            }
        }
    }
}

import PortfolioIO
enum CalendarDayShim {
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { CalendarDay.dayNumber(year: y, month: m, day: d)! }
}
