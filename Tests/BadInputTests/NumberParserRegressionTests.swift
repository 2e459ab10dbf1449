import PortfolioIO
import XCTest

/// Number-parser cases found while building the corpus and fuzz targets; each value is
/// checked against Swift's own (correctly rounded) `Double(String)`.
final class NumberParserRegressionTests: XCTestCase {
    private func parsed(_ text: String) -> ParsedNumber { NumberParser.parse(text) }

    /// A long run of zeros after the point moves the decimal exponent far from the one
    /// written; an exponent of seven or more digits must not be cut short. Found by
    /// reading the exponent loop: it stopped accumulating at 100,000, so
    /// `0.<150,000 zeros>1e1500010` (10^1,350,009: infinite) became 10^(150001 − 150001) = 1.
    func testLongFractionWithSevenDigitExponentIsNotCutShort() {
        let zeros = String(repeating: "0", count: 150_000)
        XCTAssertEqual(parsed("0.\(zeros)1e1500010"), .nonFinite)
        XCTAssertEqual(parsed("0.\(zeros)25e1500012"), .nonFinite)
        XCTAssertEqual(parsed("0.\(zeros)1e-1500010"), .value(0))
        let many = String(repeating: "0", count: 1_500_000)
        XCTAssertEqual(parsed("0.\(many)1e1500001"), .value(1))
        XCTAssertEqual(parsed("0.\(many)25e1500002"), .value(25))
    }

    func testHugeAndTinyExponents() {
        XCTAssertEqual(parsed("1e400"), .nonFinite)
        XCTAssertEqual(parsed("-1e400"), .nonFinite)
        XCTAssertEqual(parsed("1e-400"), .value(0))
        XCTAssertEqual(parsed("1e99999999999999999999"), .nonFinite)
        XCTAssertEqual(parsed("1e-99999999999999999999"), .value(0))
        XCTAssertEqual(parsed("0e99999999999999999999"), .value(0))
        XCTAssertEqual(parsed("4.9e-324"), .value(Double.leastNonzeroMagnitude))
        XCTAssertEqual(parsed("1.7976931348623157e308"), .value(Double.greatestFiniteMagnitude))
        XCTAssertEqual(parsed("1.8e308"), .nonFinite)
    }

    /// A million significant digits go to the slow path (heap copy, not the stack).
    func testMillionDigitNumbers() {
        XCTAssertEqual(parsed(String(repeating: "9", count: 1_000_000)), .nonFinite)
        XCTAssertEqual(parsed("0." + String(repeating: "3", count: 1_000_000)), .value(Double("0.3333333333333333")!))
    }
}
