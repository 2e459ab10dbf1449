import Foundation
import XCTest
import PortfolioIO
import Features
import _TestSupport

/// The Swift features against `scripts/features_reference.py` (an independent pandas
/// implementation of DESIGN §3) on the committed sample `data/accounts.csv` +
/// `data/payments.csv` as of 2026-01-01. Regenerate the fixture with
///
///     python3 scripts/features_reference.py
///
/// (no arguments: writes `Tests/FeaturesTests/Fixtures/data_sample_features.csv`,
/// product levels with >= 20 accounts). The fixture has no quoted cells, so a split on
/// commas reads it here; rows are matched to the Swift side by account_id.
final class DataSampleCrossCheckTests: XCTestCase {
    private func referenceRows() throws -> [[String]] {
        let url = repositoryRoot().appendingPathComponent("Tests/FeaturesTests/Fixtures/data_sample_features.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    func testDataSampleMatchesPandasReference() throws {
        let root = repositoryRoot()
        let portfolio = try readPortfolio(accountsPath: root.appendingPathComponent("data/accounts.csv").path,
                                          paymentsPath: root.appendingPathComponent("data/payments.csv").path,
                                          options: ReadOptions())
        let asOf = try XCTUnwrap(CalendarDay("2026-01-01"))
        let (spec, fitted) = try FeatureSpec.fitTransform(portfolio, asOf: asOf)

        let reference = try referenceRows()
        let names = Array(reference[0].dropFirst())
        XCTAssertEqual(reference[0].first, "account_id")
        XCTAssertEqual(reference.count - 1, portfolio.accounts.count, "account counts differ")
        XCTAssertEqual(reference.count - 1, 5000)

        var rowOf: [String: Int] = [:]
        for (i, id) in portfolio.accounts.accountID.enumerated() { rowOf[id] = i }
        XCTAssertEqual(rowOf.count, portfolio.accounts.count, "duplicate account ids on the Swift side")

        var columns: [(name: String, k: Int, j: Int)] = []
        for (k, name) in names.enumerated() {
            if let j = fitted.columnIndex(name) {
                columns.append((name, k, j))
            } else {
                XCTAssertTrue(spec.droppedConstant.contains(name),
                              "\(name) is in the reference but neither fitted nor dropped as constant")
            }
        }
        // Every one of the 13 numeric core features must be compared (none constant here).
        let coreNames = ["log_balance", "dpd_months", "utilization", "months_since_payment",
                         "pay_ratio_3m", "pay_ratio_6m", "pay_ratio_12m", "missed_3m", "missed_6m",
                         "missed_12m", "current_missed_streak", "longest_missed_streak", "n_statements"]
        XCTAssertEqual(Array(names.prefix(13)), coreNames)
        for name in coreNames { XCTAssertNotNil(fitted.columnIndex(name), "\(name) missing on the Swift side") }

        var compared = 0, failures = 0
        var maxAbs = 0.0, worst = ""
        for row in reference.dropFirst() {
            XCTAssertEqual(row.count, names.count + 1)
            guard let i = rowOf[row[0]] else {
                XCTFail("\(row[0]) in the reference but not in the Swift portfolio"); continue
            }
            for c in columns {
                let expected = try XCTUnwrap(Double(row[c.k + 1]), "\(row[0]) \(c.name): \(row[c.k + 1])")
                let actual = fitted[i, c.j]
                let d = abs(actual - expected)
                if !(d <= maxAbs) { maxAbs = d; worst = "\(row[0]) \(c.name): \(actual) vs \(expected)" }
                if !approxEqual(actual, expected, rel: 1e-9, abs: 1e-12) {
                    failures += 1
                    if failures <= 20 { XCTFail("\(row[0]) \(c.name): \(actual) vs \(expected)") }
                }
                compared += 1
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) cells disagree")
        XCTAssertGreaterThanOrEqual(compared, 5000 * 13)
        print("DataSampleCrossCheck: \(compared) cells, \(columns.count) columns, max |diff| = \(maxAbs) (\(worst)); dropped constant: \(spec.droppedConstant)")
    }
}
