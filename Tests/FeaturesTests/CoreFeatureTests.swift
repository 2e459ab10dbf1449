import XCTest
import PortfolioIO
import Features

/// Each core feature of DESIGN §3 on hand-built histories; expected values worked by hand.
final class CoreFeatureTests: XCTestCase {
    /// Raw built-in features of every account, by name.
    private func features(_ b: PortfolioBuilder, asOf: CalendarDay = asOf2026Day) throws -> (FeatureMatrix, (Int, String) -> Double) {
        let m = try FeatureSpec.builtins().apply(to: b.portfolio, asOf: asOf)
        return (m, { row, name in m[row, m.columnIndex(name)!] })
    }

    func testNoStatementsGivesZerosExceptMonthsSincePayment() throws {
        var b = PortfolioBuilder()
        b.account("A", balance: 0, dpd: 0)
        let (m, f) = try features(b)
        XCTAssertEqual(m.accountsWithoutStatements, 1)
        for name in ["pay_ratio_3m", "pay_ratio_6m", "pay_ratio_12m", "missed_3m", "missed_6m", "missed_12m",
                     "current_missed_streak", "longest_missed_streak", "n_statements",
                     "paid_trend_6", "pay_coverage_sd_12", "full_pay_rate_12", "log_balance", "dpd_months", "utilization"] {
            XCTAssertEqual(f(0, name), 0, name)
        }
        XCTAssertEqual(f(0, "months_since_payment"), 24)
        XCTAssertEqual(f(0, "days_since_full_payment"), 730)
    }

    func testAccountColumns() throws {
        var b = PortfolioBuilder()
        b.account("A", balance: 1500, dpd: 45, limit: 2000)
        b.account("B", balance: 1500, dpd: 0)               // no limit
        b.account("C", balance: 0, dpd: 90, limit: 500)
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "log_balance"), log(1501), accuracy: 1e-15)
        XCTAssertEqual(f(0, "dpd_months"), 1.5)
        XCTAssertEqual(f(0, "utilization"), 0.75)
        XCTAssertEqual(f(1, "utilization"), 0, "no limit → 0")
        XCTAssertEqual(f(2, "log_balance"), 0)
        XCTAssertEqual(f(2, "dpd_months"), 3)
        XCTAssertEqual(f(2, "utilization"), 0)
    }

    func testUtilizationWithoutCreditLimitColumn() throws {
        var b = PortfolioBuilder()
        b.account("A", balance: 10)
        b.accounts.creditLimit = []   // column absent altogether
        b.accounts.product = []
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "utilization"), 0)
    }

    func testAllAmountsDueZero() throws {
        var b = PortfolioBuilder()
        let a = b.account("A")
        b.monthly(a, endingAt: 2025, 12, Array(repeating: (0, 0), count: 4))
        let c = b.account("C")
        b.monthly(c, endingAt: 2025, 12, [(0, 0), (0, 25)])   // paid with nothing due
        let (_, f) = try features(b)
        for name in ["pay_ratio_3m", "pay_ratio_6m", "pay_ratio_12m", "missed_3m", "missed_12m",
                     "current_missed_streak", "longest_missed_streak", "full_pay_rate_12", "pay_coverage_sd_12"] {
            XCTAssertEqual(f(0, name), 0, name)
            XCTAssertEqual(f(1, name), 0, name)
        }
        XCTAssertEqual(f(0, "months_since_payment"), 24, "never paid")
        XCTAssertEqual(f(0, "n_statements"), 4)
        XCTAssertEqual(f(1, "months_since_payment"), 0)
        XCTAssertEqual(f(1, "days_since_full_payment"), 31, "paid 25 ≥ due 0 on 2025-12-01")
    }

    func testNeverPaid() throws {
        var b = PortfolioBuilder()
        let a = b.account("A")
        b.monthly(a, endingAt: 2025, 12, Array(repeating: (100, 0), count: 5))
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "missed_3m"), 3)
        XCTAssertEqual(f(0, "missed_6m"), 5)
        XCTAssertEqual(f(0, "missed_12m"), 5)
        XCTAssertEqual(f(0, "current_missed_streak"), 5)
        XCTAssertEqual(f(0, "longest_missed_streak"), 5)
        XCTAssertEqual(f(0, "months_since_payment"), 24)
        XCTAssertEqual(f(0, "pay_ratio_12m"), 0)
        XCTAssertEqual(f(0, "days_since_full_payment"), 730)
    }

    func testWindowsOfThirteenStatements() throws {
        // paid 10, 20, …, 130 against 100 due each (oldest first). 10 is exactly 0.1 × due: not missed.
        var b = PortfolioBuilder()
        let a = b.account("A")
        b.monthly(a, endingAt: 2025, 12, (1...13).map { (100, Double(10 * $0)) })
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "pay_ratio_3m"), 360.0 / 300, accuracy: 1e-15)
        XCTAssertEqual(f(0, "pay_ratio_6m"), 630.0 / 600, accuracy: 1e-15)
        XCTAssertEqual(f(0, "pay_ratio_12m"), 900.0 / 1200, accuracy: 1e-15)
        XCTAssertEqual(f(0, "missed_12m"), 0)
        XCTAssertEqual(f(0, "longest_missed_streak"), 0)
        XCTAssertEqual(f(0, "n_statements"), 13)
        XCTAssertEqual(f(0, "months_since_payment"), 0)
        XCTAssertEqual(f(0, "paid_trend_6"), 10, accuracy: 1e-12)
        XCTAssertEqual(f(0, "days_since_full_payment"), 31)
        // coverage over the last 12: min(paid/due, 1) = 0.2 … 0.9, then 1, 1, 1, 1.
        let cov = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1, 1, 1]
        let mean = cov.reduce(0, +) / 12
        let sd = (cov.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 12).squareRoot()
        XCTAssertEqual(f(0, "pay_coverage_sd_12"), sd, accuracy: 1e-12)
        XCTAssertEqual(f(0, "full_pay_rate_12"), 4.0 / 12, accuracy: 1e-15)
    }

    func testMissedThresholdIsStrictlyBelowTenPercent() throws {
        var b = PortfolioBuilder()
        let a = b.account("A")
        b.monthly(a, endingAt: 2025, 12, [(100, 9.99), (100, 10), (200, 19.5)])
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "missed_3m"), 2)
        XCTAssertEqual(f(0, "current_missed_streak"), 1)
        XCTAssertEqual(f(0, "longest_missed_streak"), 1)
    }

    func testStreaksTouchingBothEnds() throws {
        var b = PortfolioBuilder()
        // oldest → latest: M M M P M M  (run at the start longest, current 2)
        let a = b.account("A")
        b.monthly(a, endingAt: 2025, 12, [(100, 0), (100, 0), (100, 0), (100, 50), (100, 0), (100, 0)])
        // M M P M M M M (current run = longest, touching the latest)
        let c = b.account("C")
        b.monthly(c, endingAt: 2025, 12, [(100, 0), (100, 0), (100, 80), (100, 0), (100, 0), (100, 0), (100, 0)])
        // all missed except the latest
        let d = b.account("D")
        b.monthly(d, endingAt: 2025, 12, [(100, 0), (100, 0), (100, 100)])
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "longest_missed_streak"), 3)
        XCTAssertEqual(f(0, "current_missed_streak"), 2)
        XCTAssertEqual(f(0, "months_since_payment"), 2)
        XCTAssertEqual(f(1, "longest_missed_streak"), 4)
        XCTAssertEqual(f(1, "current_missed_streak"), 4)
        XCTAssertEqual(f(1, "missed_3m"), 3)
        XCTAssertEqual(f(1, "missed_6m"), 5)
        XCTAssertEqual(f(1, "months_since_payment"), 4)
        XCTAssertEqual(f(2, "current_missed_streak"), 0)
        XCTAssertEqual(f(2, "longest_missed_streak"), 2)
        XCTAssertEqual(f(2, "months_since_payment"), 0)
    }

    func testUnsortedRowsAreSortedByDate() throws {
        var b = PortfolioBuilder()
        let a = b.account("A")
        let other = b.account("B")
        // Interleaved accounts, dates out of order; by date: P(09) M(10) M(11) P(12)… latest 2025-12-01 missed.
        b.statement(a, "2025-11-01", due: 100, paid: 0)
        b.statement(other, "2025-12-01", due: 50, paid: 50)
        b.statement(a, "2025-12-01", due: 100, paid: 0)
        b.statement(a, "2025-09-01", due: 100, paid: 100)
        b.statement(other, "2025-10-01", due: 50, paid: 0)
        b.statement(a, "2025-10-01", due: 100, paid: 0)
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "current_missed_streak"), 3)
        XCTAssertEqual(f(0, "months_since_payment"), 3)
        XCTAssertEqual(f(0, "pay_ratio_3m"), 0)
        XCTAssertEqual(f(0, "pay_ratio_6m"), 0.25)
        XCTAssertEqual(f(0, "days_since_full_payment"), Double(asOf2026Day - CalendarDay("2025-09-01")!))
        XCTAssertEqual(f(1, "current_missed_streak"), 0)
        XCTAssertEqual(f(1, "longest_missed_streak"), 1)
        XCTAssertEqual(f(1, "n_statements"), 2)
    }

    func testSameDateKeepsFileOrder() throws {
        var b = PortfolioBuilder()
        let a = b.account("A"), c = b.account("C")
        b.statement(a, "2025-12-01", due: 100, paid: 100)
        b.statement(a, "2025-12-01", due: 100, paid: 0)   // later in the file → the latest
        b.statement(c, "2025-12-01", due: 100, paid: 0)
        b.statement(c, "2025-12-01", due: 100, paid: 100)
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "current_missed_streak"), 1)
        XCTAssertEqual(f(0, "months_since_payment"), 1)
        XCTAssertEqual(f(1, "current_missed_streak"), 0)
        XCTAssertEqual(f(1, "months_since_payment"), 0)
    }

    func testRowsAfterAsOfAreIgnoredAndCountedAndAsOfDayCounts() throws {
        var b = PortfolioBuilder()
        let a = b.account("A")
        b.statement(a, "2026-01-02", due: 100, paid: 100)   // after: ignored
        b.statement(a, "2025-12-01", due: 100, paid: 0)
        b.statement(a, "2026-01-01", due: 100, paid: 0)     // on as-of: counts
        b.statement(a, "2026-03-01", due: 100, paid: 100)   // after: ignored
        let c = b.account("C")
        b.statement(c, "2026-02-01", due: 100, paid: 100)   // only a future row
        let (m, f) = try features(b)
        XCTAssertEqual(m.statementsAfterAsOf, 3)
        XCTAssertEqual(m.statementsUsed, 2)
        XCTAssertEqual(m.accountsWithoutStatements, 1)
        XCTAssertEqual(f(0, "n_statements"), 2)
        XCTAssertEqual(f(0, "current_missed_streak"), 2)
        XCTAssertEqual(f(0, "months_since_payment"), 24)
        XCTAssertEqual(f(1, "n_statements"), 0)
        XCTAssertEqual(f(1, "months_since_payment"), 24)
        // One day earlier, the as-of statement is itself in the future.
        let (m2, f2) = try features(b, asOf: asOf2026Day.adding(days: -1))
        XCTAssertEqual(m2.statementsAfterAsOf, 4)
        XCTAssertEqual(f2(0, "n_statements"), 1)
    }

    func testSingleStatement() throws {
        var b = PortfolioBuilder()
        let a = b.account("A")
        b.statement(a, "2025-12-15", due: 80, paid: 20)
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "n_statements"), 1)
        XCTAssertEqual(f(0, "pay_ratio_3m"), 0.25)
        XCTAssertEqual(f(0, "pay_ratio_12m"), 0.25)
        XCTAssertEqual(f(0, "missed_3m"), 0)
        XCTAssertEqual(f(0, "months_since_payment"), 0)
        XCTAssertEqual(f(0, "paid_trend_6"), 0, "fewer than 2 statements")
        XCTAssertEqual(f(0, "pay_coverage_sd_12"), 0)
        XCTAssertEqual(f(0, "full_pay_rate_12"), 0)
        XCTAssertEqual(f(0, "days_since_full_payment"), 730)
    }

    func testMonthsSincePaymentCapsAt24() throws {
        var b = PortfolioBuilder()
        let a = b.account("A")   // paid only on the oldest of 30: 29 statements since → 24
        b.monthly(a, endingAt: 2025, 12, [(100, 100)] + Array(repeating: (100, 0), count: 29))
        let c = b.account("C")   // paid 24 statements before the latest: exactly 24
        b.monthly(c, endingAt: 2025, 12, [(100, 100)] + Array(repeating: (100, 0), count: 24))
        let d = b.account("D")   // 23
        b.monthly(d, endingAt: 2025, 12, [(100, 100)] + Array(repeating: (100, 0), count: 23))
        let (_, f) = try features(b)
        XCTAssertEqual(f(0, "months_since_payment"), 24)
        XCTAssertEqual(f(1, "months_since_payment"), 24)
        XCTAssertEqual(f(2, "months_since_payment"), 23)
        XCTAssertEqual(f(0, "missed_12m"), 12)
        XCTAssertEqual(f(0, "longest_missed_streak"), 29)
        XCTAssertEqual(f(0, "n_statements"), 30)
        XCTAssertEqual(f(0, "days_since_full_payment"), 730, "capped")
    }

    func testBadAccountIndexIsAnError() {
        var b = PortfolioBuilder()
        b.account("A")
        b.statement(0, "2025-12-01", due: 1, paid: 1)
        b.payments.accountIndex[0] = 5
        XCTAssertThrowsError(try FeatureSpec.builtins().apply(to: b.portfolio, asOf: asOf2026Day)) { error in
            XCTAssertEqual((error as? FeatureError)?.code, .inconsistentTable)
        }
    }
}

/// The history kernel writes each feature at `BuiltinFeature.slot`, which must be its
/// position in `allCases` (the spec's column order for the built-ins).
final class BuiltinSlotTests: XCTestCase {
    func testSlotsAreTheAllCasesOrder() {
        for (i, f) in BuiltinFeature.allCases.enumerated() { XCTAssertEqual(f.slot, i, f.name) }
    }
}
