import Foundation
import XCTest
import PortfolioIO
import Features
import _TestSupport

/// The Swift features against `scripts/features_reference.py` (an independent pandas
/// implementation of DESIGN §3) on the hand-made edge-case pair `Fixtures/mini_*.csv`:
///
///     scripts/features_reference.py Tests/FeaturesTests/Fixtures/mini_accounts.csv \
///         Tests/FeaturesTests/Fixtures/mini_payments.csv \
///         Tests/FeaturesTests/Fixtures/mini_features.csv --min-count 2
///
/// The fixtures have no quoted cells, so a split on commas reads them here (this test
/// must not depend on the CSV reader it would then be checking).
final class ReferenceCrossCheckTests: XCTestCase {
    private func fixture(_ name: String) throws -> [[String]] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    private func miniPortfolio() throws -> Portfolio {
        let a = try fixture("mini_accounts.csv"), p = try fixture("mini_payments.csv")
        let h = a[0].map { $0.lowercased() }
        func col(_ name: String) -> Int { h.firstIndex(of: name)! }
        var accounts = AccountTable()
        var index: [String: Int32] = [:]
        for r in a.dropFirst() {
            index[r[col("account_id")]] = Int32(accounts.count)
            accounts.accountID.append(r[col("account_id")])
            accounts.balance.append(Double(r[col("balance")])!)
            accounts.daysPastDue.append(Double(r[col("days_past_due")])!)
            accounts.creditLimit.append(Double(r[col("credit_limit")]) ?? .nan)
            accounts.product.append(r[col("product")])
        }
        var payments = PaymentTable()
        let ph = p[0]
        for r in p.dropFirst() {
            payments.accountIndex.append(index[r[ph.firstIndex(of: "account_id")!]]!)
            payments.date.append(CalendarDay.parse(r[ph.firstIndex(of: "date")!])!)
            payments.amountDue.append(Double(r[ph.firstIndex(of: "amount_due")!])!)
            payments.amountPaid.append(Double(r[ph.firstIndex(of: "amount_paid")!])!)
        }
        return Portfolio(accounts: accounts, payments: payments, rejects: [],
                         accountRows: accounts.count, paymentRows: payments.count)
    }

    func testMiniFixtureMatchesPandasReference() throws {
        let portfolio = try miniPortfolio()
        let reference = try fixture("mini_features.csv")
        let names = Array(reference[0].dropFirst())
        XCTAssertEqual(reference.count - 1, portfolio.accounts.count)

        let core = try FeatureSpec.builtins(BuiltinFeature.core).apply(to: portfolio, asOf: asOf2026Day)
        XCTAssertEqual(core.statementsAfterAsOf, 3)
        let (spec, fitted) = try FeatureSpec.fitTransform(portfolio, asOf: asOf2026Day,
                                                          options: FeatureOptions(minLevelCount: 2))
        var compared = 0
        for (i, row) in reference.dropFirst().enumerated() {
            XCTAssertEqual(row[0], portfolio.accounts.accountID[i])
            for (k, name) in names.enumerated() {
                let expected = try XCTUnwrap(Double(row[k + 1]))
                if let j = core.columnIndex(name) {
                    XCTAssertTrue(approxEqual(core[i, j], expected, rel: 1e-9, abs: 1e-12),
                                  "\(row[0]) \(name): \(core[i, j]) vs \(expected)")
                    compared += 1
                }
                if let j = fitted.columnIndex(name) {
                    XCTAssertTrue(approxEqual(fitted[i, j], expected, rel: 1e-9, abs: 1e-12),
                                  "fitted \(row[0]) \(name): \(fitted[i, j]) vs \(expected)")
                    compared += 1
                } else {
                    XCTAssertTrue(spec.droppedConstant.contains(name), "\(name) neither fitted nor dropped")
                }
            }
        }
        XCTAssertEqual(names.filter { $0.hasPrefix("product=") }, ["product=card", "product=other"])
        XCTAssertGreaterThan(compared, 10 * 13 * 2)
    }
}
