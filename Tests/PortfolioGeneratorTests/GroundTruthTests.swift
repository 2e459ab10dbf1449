import XCTest
import PortfolioIO
@testable import PortfolioGenerator

final class GroundTruthTests: XCTestCase {
    var sample: GeneratedSample { ContentTests.sample }

    func testLabelsAreInRangeAndFollowTheCensoringRule() {
        let c = sample.column
        var administrative = 0, early = 0, events = 0
        for (i, row) in sample.accountRows.enumerated() {
            let days = Int(row[c("days_to_recovery")])!, recovered = row[c("recovered")] == "1"
            XCTAssertTrue((1 ... 365).contains(days))
            let truth = sample.generator.account(i).truth
            let end = min(truth.censoringDays, 365)
            if truth.latentRecoveryDays <= end {
                XCTAssertTrue(recovered); XCTAssertEqual(days, truth.latentRecoveryDays); events += 1
            } else {
                XCTAssertFalse(recovered); XCTAssertEqual(days, end)
                if end == 365 { administrative += 1 } else { early += 1 }
            }
            if truth.latentRecoveryDays > 365 { XCTAssertFalse(recovered, "a recovery after day 365 is never observed") }
        }
        XCTAssertGreaterThan(administrative, 600)
        XCTAssertGreaterThan(early, 200)
        XCTAssertEqual(events, sample.summary.recovered)
    }

    func testRecoveryDaysHaveManyTies() {
        let c = sample.column
        let eventDays = sample.accountRows.filter { $0[c("recovered")] == "1" }.map { $0[c("days_to_recovery")] }
        XCTAssertGreaterThan(eventDays.count, 4 * Set(eventDays).count)
    }

    /// An independent recomputation of the DESIGN §3 covariates from the written CSV
    /// (future rows dropped, rows sorted by date) matches the generator's truth.
    func testCovariatesMatchTheWrittenHistory() {
        let c = sample.column
        let byAccount = sample.statementsByAccount()
        for (i, row) in sample.accountRows.enumerated() {
            let h = byAccount[i].filter { $0.date <= sample.config.asOf.dayNumber }.sorted { $0.date < $1.date }
            let last6 = h.suffix(6)
            let due = last6.reduce(0) { $0 + $1.due }, paid = last6.reduce(0) { $0 + $1.paid }
            var streak = 0
            for s in h.reversed() { if s.paid < 0.1 * s.due { streak += 1 } else { break } }
            let balance = Double(row[c("balance")])!
            let limit = Double(row[c("credit_limit")])
            let x = sample.generator.account(i).truth.covariates
            XCTAssertEqual(x.payRatio6m, due > 0 ? paid / due : 0, accuracy: 1e-12)
            XCTAssertEqual(x.currentMissedStreak, streak, row[0])
            XCTAssertEqual(x.dpdMonths, Double(row[c("days_past_due")])! / 30, accuracy: 1e-12)
            XCTAssertEqual(x.logBalance, Foundation.log1p(balance), accuracy: 1e-12)
            XCTAssertEqual(x.utilization, limit.map { balance / $0 } ?? 0, accuracy: 1e-12)
            XCTAssertEqual(x.product.name, row[c("product")])
        }
    }

    /// The signal is learnable: recovery within 90 days in the documented range, an AUC
    /// of η between 0.70 and 0.80, and long missed streaks recovering far less often.
    func testRecoveryWithin90DaysFollowsTheModel() {
        let c = sample.column
        var eta: [Double] = [], label: [Bool] = [], streak: [Int] = []
        for (i, row) in sample.accountRows.enumerated() {
            let days = Int(row[c("days_to_recovery")])!, recovered = row[c("recovered")] == "1"
            guard recovered || days >= 90 else { continue }          // censored before 90: no label
            let truth = sample.generator.account(i).truth
            eta.append(truth.eta)
            label.append(recovered && days <= 90)
            streak.append(truth.covariates.currentMissedStreak)
        }
        let rate = Double(label.filter { $0 }.count) / Double(label.count)
        XCTAssertTrue((0.25 ... 0.45).contains(rate), "90-day recovery \(rate)")
        let auc = rocAUC(eta, label)
        XCTAssertTrue((0.70 ... 0.80).contains(auc), "AUC \(auc)")
        func rateWithin90(_ streaks: ClosedRange<Int>) -> Double {
            let idx = streak.indices.filter { streaks.contains(streak[$0]) }
            return Double(idx.filter { label[$0] }.count) / Double(idx.count)
        }
        let paying = rateWithin90(0 ... 0), missing = rateWithin90(6 ... 1000)
        XCTAssertGreaterThan(paying, 2 * missing, "streak 0: \(paying), streak ≥ 6: \(missing)")
    }

    /// The empirical 90-day recovery of latent times matches the model's
    /// 1 − S(90 | η) averaged over accounts (inversion sampling is correct).
    func testLatentTimesFollowTheWeibullModel() {
        var expected = 0.0, observed = 0.0
        let n = sample.accountRows.count
        for i in 0 ..< n {
            let truth = sample.generator.account(i).truth
            XCTAssertEqual(truth.eta, GroundTruth.linearPredictor(truth.covariates), accuracy: 1e-15)
            expected += 1 - GroundTruth.survival(days: 90, eta: truth.eta)
            if truth.latentRecoveryDays <= 90 { observed += 1 }
        }
        // Binomial sd ≤ √(n/4) ≈ 32 accounts.
        XCTAssertEqual(observed, expected, accuracy: 4 * Double(n).squareRoot() / 2)
    }

    func testLinearPredictorUsesTheDocumentedCoefficients() {
        let x = TruthCovariates(payRatio6m: 0.5, currentMissedStreak: 3, dpdMonths: 2,
                                logBalance: 7, utilization: 0.8, product: .auto)
        XCTAssertEqual(GroundTruth.linearPredictor(x), 0.5 - 0.3 - 0.04 - 1.75 - 0.4 + 0.4, accuracy: 1e-12)
        XCTAssertEqual(GroundTruth.survival(days: GroundTruth.weibullScale, eta: 0), Foundation.exp(-1), accuracy: 1e-14)
    }
}
