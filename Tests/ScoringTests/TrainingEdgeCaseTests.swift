import Features
import Foundation
import Models
import PortfolioIO
import XCTest
import _TestSupport
@testable import Scoring
import Training

/// Extreme but valid training data (issue 9): it fits, or it fails with a named error;
/// no NaN reaches a score.
final class TrainingEdgeCaseTests: XCTestCase {
    let asOf = CalendarDay(year: 2026, month: 1, day: 1)!
    let noPayments = Array("account_id,date,amount_due,amount_paid\n".utf8)

    func train(_ rows: [String], options: TrainingOptions = TrainingOptions(holdoutFraction: 0, trainedAt: "x"))
        throws -> (Portfolio, TrainingResult) {
        let text = "account_id,balance,days_past_due,days_to_recovery,recovered\n" + rows.joined(separator: "\n") + "\n"
        let portfolio = try readPortfolio(accounts: Array(text.utf8), payments: noPayments,
                                          options: ReadOptions(requireLabels: true))
        return (portfolio, try Trainer.train(portfolio, asOf: asOf, options: options, inputs: []))
    }

    func testAllIdenticalAccountsFailNamingTheDroppedFeatures() throws {
        var generator = SeededGenerator(seed: 5)
        let rows = (0..<200).map { i in "A\(i),100,10,\(Int.random(in: 1...300, using: &generator)),\(i % 2)" }
        XCTAssertThrowsError(try train(rows)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("every feature is constant"), message)
            XCTAssertTrue(message.contains("log_balance"), message)
        }
    }

    /// One recovery (so every event on one day): R coxph fits it, and so does train (issue 19).
    func testOneRecoveryTrainsBothModelsAsR() throws {
        var generator = SeededGenerator(seed: 6)
        let rows = (0..<3000).map { i in
            "A\(i),\(Double.random(in: 1...1e4, using: &generator)),\(Int.random(in: 0...300, using: &generator)),\(i == 7 ? 5 : 365),\(i == 7 ? 1 : 0)"
        }
        let (_, result) = try train(rows)
        let cox = try XCTUnwrap(result.artifact.cox)
        XCTAssertEqual(cox.nEvents, 1)
        XCTAssertEqual(cox.baselineTimes, [5])
        XCTAssertTrue(cox.coefficients.allSatisfy { $0.estimate.isFinite && $0.standardError.isFinite })
        XCTAssertTrue(result.scores.recoveredBy.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    func testBalancesOf1e12ZeroAnd1e9FitAndScoreWithoutNaN() throws {
        var generator = SeededGenerator(seed: 7)
        let rows = (0..<3000).map { i -> String in
            let balance = [1e12, 0, 1e-9, Double.random(in: 1...1e4, using: &generator)][i % 4]
            let days = Int.random(in: 1...365, using: &generator)
            return "A\(i),\(balance),\(Int.random(in: 0...300, using: &generator)),\(days),\(days < 200 ? 1 : 0)"
        }
        let (portfolio, result) = try train(rows)
        let s = result.scores
        for array in [s.logOdds, s.pRecover, s.recoveredBy, s.scorePoints, s.coxLinearPredictor] {
            XCTAssertTrue(array.allSatisfy(\.isFinite))
        }
        let matrix = try result.artifact.features.apply(to: portfolio, asOf: asOf)
        let csv = String(decoding: ScoreTable(accountIDs: portfolio.accounts.accountID, scores: s, matrix: matrix,
                                              artifact: result.artifact).rendered(format: .csv), as: UTF8.self)
        XCTAssertFalse(csv.lowercased().contains("nan"))
        XCTAssertFalse(csv.lowercased().contains("inf"))
    }
}
