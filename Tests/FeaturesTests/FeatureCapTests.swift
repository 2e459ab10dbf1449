import Foundation
import PortfolioIO
import XCTest
import _TestSupport
@testable import Features

/// Caps at training quantiles (issue 19): the currency-scaled extended feature
/// `paid_trend_6` always, every numeric feature with `capQuantile`, exact definitions
/// otherwise; stored in the spec, applied at scoring, "capped" in the reasons.
final class FeatureCapTests: XCTestCase {
    let asOf = CalendarDay("2026-01-01")!

    /// 200 accounts, each with 6 monthly statements whose payments rise by i per statement
    /// (account i), so paid_trend_6 of account i is exactly i.
    func portfolio(balanceOf: (Int) -> Double = { Double($0 + 1) * 10 }) throws -> Portfolio {
        var accounts = "account_id,balance,days_past_due\n", payments = "account_id,date,amount_due,amount_paid\n"
        for i in 0..<200 {
            accounts += "A\(i),\(balanceOf(i)),\(i % 90)\n"
            for m in 0..<6 {
                payments += "A\(i),2025-\(String(format: "%02d", 7 + m))-01,1000,\(100 + i * m)\n"
            }
        }
        return try readPortfolio(accounts: Array(accounts.utf8), payments: Array(payments.utf8))
    }

    func testPaidTrendIsCappedAtTheTrainingQuantilesAndSaysSo() throws {
        let (spec, matrix) = try FeatureSpec.fitTransform(try portfolio(), asOf: asOf)
        let j = try XCTUnwrap(spec.names.firstIndex(of: "paid_trend_6"))
        let cap = try XCTUnwrap(spec.columns[j].cap)
        // Trends 0…199: the type-7 5% and 95% quantiles are 9.95 and 189.05.
        XCTAssertEqual(cap.quantile, FeatureSpec.extendedCapQuantile)
        XCTAssertEqual(cap.low, 9.95, accuracy: 1e-9)
        XCTAssertEqual(cap.high, 189.05, accuracy: 1e-9)
        let column = (0..<matrix.rows).map { matrix.values[$0 * matrix.cols + j] }
        XCTAssertEqual(column.max(), cap.high)
        XCTAssertEqual(column.min(), cap.low)
        XCTAssertEqual(column[100], 100, accuracy: 1e-9, "values inside the caps keep their definition")
        XCTAssertTrue(spec.reasonText(j, cap.high).hasSuffix("(capped)"), spec.reasonText(j, cap.high))
        XCTAssertFalse(spec.reasonText(j, 100).contains("capped"))
        // The core features keep their exact definitions.
        for c in spec.columns where c.name != "paid_trend_6" { XCTAssertNil(c.cap, c.name) }
        // Scoring applies the stored caps (the same matrix again), and they survive JSON.
        let again = try spec.apply(to: try portfolio(), asOf: asOf)
        XCTAssertEqual(again.values, matrix.values)
        let round = try JSONDecoder().decode(FeatureSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(round.columns[j].cap, cap)
    }

    func testCapQuantileCapsEveryNumericFeature() throws {
        let (spec, matrix) = try FeatureSpec.fitTransform(try portfolio(balanceOf: { $0 == 7 ? 1e9 : Double($0 + 1) }),
                                                          asOf: asOf, options: FeatureOptions(capQuantile: 0.01))
        let j = try XCTUnwrap(spec.names.firstIndex(of: "log_balance"))
        let cap = try XCTUnwrap(spec.columns[j].cap)
        XCTAssertEqual(cap.quantile, 0.01)
        XCTAssertLessThan(matrix.values[7 * matrix.cols + j], log(1 + 1e9), "the extreme balance is capped")
        XCTAssertEqual(spec.columns[try XCTUnwrap(spec.names.firstIndex(of: "paid_trend_6"))].cap?.quantile, 0.01)
    }
}
