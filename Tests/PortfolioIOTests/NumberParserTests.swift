import XCTest
import _TestSupport
@testable import PortfolioIO

final class NumberParserTests: XCTestCase {
    private func value(_ s: String) -> Double? {
        if case .value(let v) = NumberParser.parse(s) { return v }
        return nil
    }

    func testPlainDecimalsSignsAndExponents() {
        XCTAssertEqual(value("100.50"), 100.5)
        XCTAssertEqual(value("+5"), 5)
        XCTAssertEqual(value("-1.25"), -1.25)
        XCTAssertEqual(value(".5"), 0.5)
        XCTAssertEqual(value("5."), 5)
        XCTAssertEqual(value("1e3"), 1000)
        XCTAssertEqual(value("1E-2"), 0.01)
        XCTAssertEqual(value("2.5e+2"), 250)
        XCTAssertEqual(value(" 7 "), 7)
        XCTAssertEqual(value("0007"), 7)
        XCTAssertEqual(value("1e-400"), 0)
        XCTAssertEqual(value("0e999"), 0)
        XCTAssertEqual(value("-0")?.sign, .minus)
        XCTAssertEqual(value("123456789012345678901234567890"), 123456789012345678901234567890.0)
        XCTAssertEqual(value("0.30000000000000004"), 0.30000000000000004)
        XCTAssertEqual(value("9007199254740993"), 9007199254740992)  // 2^53 + 1 rounds to even
        XCTAssertEqual(value("1.7976931348623157e308"), .greatestFiniteMagnitude)
    }

    func testRejectsNonNumbers() {
        for s in ["abc", "1,234", "$12", "12$", "0x1A", "1e", "e5", "--1", "+-1", "1.2.3", "12a", "1 2", ".", "-", "1e+", "١٢"] {
            XCTAssertEqual(NumberParser.parse(s), .invalid, s)
        }
        XCTAssertEqual(NumberParser.parse(""), .empty)
        XCTAssertEqual(NumberParser.parse("  \t"), .empty)
    }

    func testNonFiniteSpellingsAndOverflow() {
        for s in ["NaN", "nan", "-NaN", "Inf", "-inf", "+INF", "Infinity", "-infinity", "1e400", "-2e308"] {
            XCTAssertEqual(NumberParser.parse(s), .nonFinite, s)
        }
        XCTAssertEqual(NumberParser.parse("nana"), .invalid)
        XCTAssertEqual(NumberParser.parse("infinit"), .invalid)
    }

    /// Seeded random decimals of every shape (short money amounts, 15–25 digit mantissas,
    /// tiny and huge exponents) parse to exactly the `Double` that Swift's correctly
    /// rounded `Double(String)` gives.
    func testRandomDecimalsAreCorrectlyRounded() {
        var rng = SeededGenerator(seed: 2026)
        for i in 0..<60_000 {
            let nDigits = i % 4 == 0 ? Int.random(in: 15...25, using: &rng) : Int.random(in: 1...17, using: &rng)
            var digits = (0..<nDigits).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) }
            let point = Int.random(in: 0...nDigits, using: &rng)
            digits.insert(".", at: point)
            var s = (Bool.random(using: &rng) ? "-" : "") + String(digits)
            if s.hasSuffix(".") && Bool.random(using: &rng) { s.removeLast() }
            if i % 3 == 0 { s += "e\(Int.random(in: -330...310, using: &rng))" }
            if s == "." || s == "-." || s.hasPrefix(".e") || s.hasPrefix("-.e") { continue }
            guard let expected = Double(s) else { XCTFail("reference rejected \(s)"); continue }
            let got = NumberParser.parse(s)
            if expected.isFinite {
                XCTAssertEqual(got, .value(expected), s)
                if case .value(let v) = got { XCTAssertEqual(v.bitPattern, expected.bitPattern, s) }
            } else {
                XCTAssertEqual(got, .nonFinite, s)
            }
        }
    }

    /// Every double's shortest description parses back to the same bits.
    func testShortestDescriptionsRoundTrip() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)  // finite, positive
            XCTAssertEqual(NumberParser.parse(x.description), .value(x), x.description)
        }
    }

    /// The plain path's forms — `-?digits[.digits]`, 1–15 digits in all, leading zeros,
    /// empty integer or fraction part, `-0` — and the shapes just past it (16–17 digits,
    /// a `+`, spaces, an exponent) give exactly `Double(String)`'s bits.
    func testRandomPlainDecimalsMatchTheCorrectlyRoundedReference() {
        var rng = SeededGenerator(seed: 1717)
        for i in 0..<200_000 {
            let total = Int(rng.next() % 17) + 1
            var digits = (0..<total).map { _ in Character(String(rng.next() % 10)) }
            if i % 5 == 0 { for k in 0..<min(3, total) { digits[k] = "0" } }
            var s = String(digits)
            if i % 4 != 0 { s.insert(".", at: s.index(s.startIndex, offsetBy: Int(rng.next() % UInt64(total + 1)))) }
            if rng.next() % 3 == 0 { s = "-" + s }
            switch i % 50 {
            case 0: s = "+" + s
            case 1: s = " " + s
            case 2: s += "e2"
            default: break
            }
            guard let expected = Double(s) else { continue }   // "." and "-." are not numbers
            let got = NumberParser.parse(s)
            guard case .value(let v) = got else { XCTFail("\(s): \(got)"); continue }
            XCTAssertEqual(v.bitPattern, expected.bitPattern, s)
        }
        for s in [".", "-.", "-", "..5", "1.2.3", "--1", "1-", "12a", "1.5 x"] {
            XCTAssertEqual(NumberParser.parse(s), .invalid, s)
        }
    }
}
