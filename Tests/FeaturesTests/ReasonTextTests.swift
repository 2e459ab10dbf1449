import XCTest
import PortfolioIO
import Features

final class ReasonTextTests: XCTestCase {
    private func spec() throws -> FeatureSpec {
        var b = PortfolioBuilder()
        for i in 0..<40 {
            let row = b.account("A\(i)", balance: Double(i * 100), dpd: Double(i * 3), limit: 4000,
                                product: i < 25 ? "card" : i < 38 ? "auto" : "boat")
            b.monthly(row, endingAt: 2025, 12, (0...(i % 13)).map { (100, Double(($0 + i) % 3) * 50) })
        }
        b.extra("income", (0..<40).map { $0 % 5 == 0 ? "" : String($0 * 10) })
        return try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day, options: FeatureOptions(minLevelCount: 10))
    }

    func testReasonTexts() throws {
        let spec = try spec()
        func text(_ name: String, _ value: Double) -> String { spec.reasonText(spec.names.firstIndex(of: name)!, value) }
        XCTAssertEqual(text("missed_3m", 3), "missed 3 of the last 3 statements")
        XCTAssertEqual(text("missed_12m", 0), "missed none of the last 12 statements")
        XCTAssertEqual(text("months_since_payment", 24), "no payment in the last 24 statements")
        XCTAssertEqual(text("months_since_payment", 0), "paid on the latest statement")
        XCTAssertEqual(text("current_missed_streak", 4), "missed the last 4 statements in a row")
        XCTAssertEqual(text("utilization", 0.8), "balance is 80% of the credit limit")
        XCTAssertEqual(text("utilization", 0), "balance is 0% of the credit limit, or no limit on file")
        XCTAssertEqual(text("dpd_months", 2.5), "2.5 months past due")
        XCTAssertEqual(text("log_balance", log1p(1e6)), "balance is high (1000000.00)")
        XCTAssertEqual(text("log_balance", 0), "balance is low (0.00)")
        XCTAssertEqual(text("paid_trend_6", -12.345), "payments are falling by 12.35 per statement")
        XCTAssertEqual(text("paid_trend_6", 0), "payments are flat")
        XCTAssertEqual(text("product=card", 1), "product is card")
        XCTAssertEqual(text("product=card", 0), "product is not card")
        XCTAssertEqual(text("product=other", 1), "product is an uncommon value")
        XCTAssertEqual(text("income_missing", 1), "income is missing")
        XCTAssertEqual(text("income_missing", 0), "income is present")
        XCTAssertEqual(text("days_since_full_payment", 730), "no full payment in the last 730 days")
        XCTAssertEqual(text("days_since_full_payment", 61), "no full payment in the last 61 days")
        // Every column has a non-empty text without unreplaced placeholders.
        for j in 0..<spec.count {
            for v in [0.0, 1, 3.5, -2] {
                let t = spec.reasonText(j, v)
                XCTAssertFalse(t.isEmpty || t.contains("{") || t.contains("}"), "\(spec.names[j]): \(t)")
            }
        }
    }
}
