import Features
import PortfolioIO
import XCTest

/// Extreme but valid values (issue 9 §5) parse exactly and give finite features: no NaN
/// or infinity anywhere in a feature matrix or its fitted means and deviations.
final class NumericRobustnessTests: XCTestCase {
    private let asOf = CalendarDay("2026-01-01")!

    private func portfolio(_ accounts: String, _ payments: String) throws -> Portfolio {
        try readPortfolio(accounts: Array(accounts.utf8), payments: Array(payments.utf8))
    }

    /// Fits features and asserts every value, mean and deviation is finite.
    @discardableResult
    private func finiteFeatures(_ p: Portfolio, file: StaticString = #filePath, line: UInt = #line) throws -> FeatureMatrix {
        let (spec, matrix) = try FeatureSpec.fitTransform(p, asOf: asOf)
        XCTAssertEqual(matrix.values.count, matrix.rows * matrix.cols, file: file, line: line)
        for (k, v) in matrix.values.enumerated() where !v.isFinite {
            XCTFail("feature \(matrix.names[k % matrix.cols]) of row \(k / matrix.cols) is \(v)", file: file, line: line)
        }
        for c in spec.columns where !(c.mean.isFinite && c.standardDeviation.isFinite) {
            XCTFail("\(c.name): mean \(c.mean), sd \(c.standardDeviation)", file: file, line: line)
        }
        return matrix
    }

    private func column(_ m: FeatureMatrix, _ name: String) throws -> [Double] {
        let j = try XCTUnwrap(m.names.firstIndex(of: name), "no feature \(name) in \(m.names)")
        return (0..<m.rows).map { m.values[$0 * m.cols + j] }
    }

    func testBalancesOf1e12ZeroAnd1eMinus9ParseExactly() throws {
        let p = try portfolio("""
            account_id,balance,days_past_due,credit_limit
            BIG,1e12,30,0.01
            ZERO,0,0,1e12
            TINY,1e-9,1,
            PLAIN,1000000000000,0,0.010

            """, "account_id,date,amount_due,amount_paid\n")
        XCTAssertEqual(p.rejects, [])
        XCTAssertEqual(p.accounts.balance, [1e12, 0, 1e-9, 1e12])
        XCTAssertEqual(p.accounts.creditLimit[0], 0.01, "the smallest credit limit accepted")
        XCTAssertEqual(p.accounts.creditLimit[1], 1e12)
        XCTAssertTrue(p.accounts.creditLimit[2].isNaN, "an empty limit is absent")
        XCTAssertEqual(p.accounts.creditLimit[3], 0.01)
    }

    func testExtremeBalancesAndAmountsGiveFiniteFeatures() throws {
        let p = try portfolio("""
            account_id,balance,days_past_due,credit_limit,product
            BIG,1e12,30,0.01,card
            ZERO,0,0,1e12,card
            TINY,1e-9,1,,auto
            MID,5000,90,10000,auto

            """, """
            account_id,date,amount_due,amount_paid
            BIG,2025-10-01,1e12,0
            BIG,2025-11-01,1e12,1e-9
            BIG,2025-12-01,1e12,1e12
            ZERO,2025-12-01,0,0
            TINY,2025-11-01,1e-9,1e-9
            TINY,2025-12-01,1e-9,0
            MID,2025-12-01,100,1e12

            """)
        XCTAssertEqual(p.rejects, [])
        let m = try finiteFeatures(p)
        XCTAssertEqual(try column(m, "log_balance"), [log1p(1e12), 0, log1p(1e-9), log1p(5000)])
        XCTAssertEqual(try column(m, "utilization"), [1e14, 0, 0, 0.5])
    }

    /// Every account the same: every column is constant and dropped, or still finite.
    func testIdenticalAccountsGiveFiniteFeatures() throws {
        var accounts = "account_id,balance,days_past_due,credit_limit\n"
        var payments = "account_id,date,amount_due,amount_paid\n"
        for i in 0..<50 {
            accounts += "A\(i),100,30,1000\n"
            payments += "A\(i),2025-12-01,10,5\n"
        }
        let p = try portfolio(accounts, payments)
        let (spec, matrix) = try FeatureSpec.fitTransform(p, asOf: asOf)
        XCTAssertTrue(matrix.values.allSatisfy(\.isFinite))
        XCTAssertTrue(spec.columns.allSatisfy { $0.mean.isFinite && $0.standardDeviation.isFinite })
        XCTAssertTrue(spec.droppedConstant.contains("log_balance"), "\(spec.droppedConstant)")
    }

    /// Values near the top of the Double range would overflow sums and ratios (Σ due =
    /// +inf, pay_ratio = inf/inf = NaN, utilization = 1.7e308 / 1e-300 = +inf). The reader
    /// bounds money instead: amounts above 10^15 and credit limits outside [0.01, 10^15]
    /// are rejected (out_of_range, naming the column), and everything that is accepted
    /// gives finite features, also at the bound itself.
    func testAmountsNearDoubleMaxAreRejectedAndTheBoundGivesFiniteFeatures() throws {
        let p = try portfolio("""
            account_id,balance,days_past_due,credit_limit
            HUGE,1.7e308,30,1e6
            TINYLIMIT,100,30,1e-300
            EDGE,1e15,0,0.01
            ONE,1,0,1

            """, """
            account_id,date,amount_due,amount_paid
            EDGE,2025-10-01,1e15,1e15
            EDGE,2025-11-01,1e15,1e15
            EDGE,2025-12-01,1e15,0
            ONE,2025-12-01,1.7e308,1
            ONE,2025-11-01,1,1

            """)
        XCTAssertEqual(p.rejects.map { "\($0.line):\($0.column ?? ""):\($0.code.rawValue)" },
                       ["2:balance:out_of_range", "3:credit_limit:out_of_range", "5:amount_due:out_of_range"])
        XCTAssertTrue(p.rejects[0].reason.contains("10^15"), p.rejects[0].reason)
        XCTAssertEqual(p.accounts.accountID, ["EDGE", "ONE"])
        let (spec, matrix) = try FeatureSpec.fitTransform(p, asOf: asOf)
        var broken = Set<String>()
        for (k, v) in matrix.values.enumerated() where !v.isFinite { broken.insert(matrix.names[k % matrix.cols]) }
        for c in spec.columns where !(c.mean.isFinite && c.standardDeviation.isFinite) { broken.insert(c.name) }
        XCTAssertEqual(broken, [], "non-finite features")
        let utilization = try XCTUnwrap(matrix.columnIndex("utilization"))
        XCTAssertEqual(matrix[0, utilization], 1e17, "10^15 over a limit of 0.01")
    }

    /// Far-past and far-future dates are valid and stay finite in day arithmetic.
    func testFarDatesGiveFiniteFeatures() throws {
        let p = try portfolio("""
            account_id,balance,days_past_due,last_payment_date
            OLD,100,30,0001-01-01
            NEW,200,0,9999-12-31

            """, """
            account_id,date,amount_due,amount_paid
            OLD,0001-01-01,10,10
            NEW,9999-12-31,10,0
            NEW,2025-12-01,10,10

            """)
        XCTAssertEqual(p.rejects, [])
        let m = try finiteFeatures(p)
        XCTAssertEqual(m.statementsAfterAsOf, 1)
        XCTAssertEqual(m.statementsUsed, 2)
    }
}
