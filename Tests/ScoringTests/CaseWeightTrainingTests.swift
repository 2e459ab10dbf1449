import Features
import Foundation
import Models
import PortfolioIO
import XCTest
import _TestSupport
@testable import Scoring
import Training

/// `train --weights column` (issue 19): the column is read as case weights, not a
/// feature; a weight that is not > 0 rejects its row with line and reason; both fits
/// weight the accounts.
final class CaseWeightTrainingTests: XCTestCase {
    let asOf = CalendarDay(year: 2026, month: 1, day: 1)!
    let noPayments = Array("account_id,date,amount_due,amount_paid\n".utf8)

    func accounts(weight: (Int) -> String) -> [UInt8] {
        var generator = SeededGenerator(seed: 31)
        var text = "account_id,balance,days_past_due,days_to_recovery,recovered,w\n"
        for i in 0..<600 {
            let days = Int.random(in: 1...365, using: &generator)
            let balance = Double.random(in: 10...1e4, using: &generator)
            text += "A\(i),\(balance),\(Int.random(in: 0...300, using: &generator)),\(days),\(days < 200 ? 1 : 0),\(weight(i))\n"
        }
        return Array(text.utf8)
    }

    func testZeroNegativeAndEmptyWeightsRejectTheirRows() throws {
        let bytes = accounts { i in i == 3 ? "0" : i == 5 ? "-1" : i == 8 ? "" : "1" }
        let portfolio = try readPortfolio(accounts: bytes, payments: noPayments,
                                          options: ReadOptions(requireLabels: true, weightsColumn: "W"))
        XCTAssertEqual(portfolio.accounts.count, 597)
        XCTAssertEqual(portfolio.accounts.caseWeights.count, 597)
        XCTAssertEqual(portfolio.rejects.map(\.line), [5, 7, 10])
        XCTAssertEqual(portfolio.rejects.map(\.code), [.outOfRange, .negativeValue, .missingValue])
        XCTAssertTrue(portfolio.rejects[0].description.contains("case weight must be a number > 0"), portfolio.rejects[0].description)
        XCTAssertFalse(portfolio.accounts.extraColumns.contains { $0.name == "w" }, "the weights are not a feature")
        XCTAssertThrowsError(try readPortfolio(accounts: bytes, payments: noPayments,
                                               options: ReadOptions(requireLabels: true, weightsColumn: "weight"))) {
            XCTAssertTrue("\($0)".contains("no column 'weight' for the case weights"), "\($0)")
        }
    }

    /// Every weight 2: the same estimates as unweighted, standard errors divided by √2.
    func testConstantWeightsScaleTheStandardErrorsOnly() throws {
        let weighted = try readPortfolio(accounts: accounts { _ in "2" }, payments: noPayments,
                                         options: ReadOptions(requireLabels: true, weightsColumn: "w"))
        let plain = try readPortfolio(accounts: accounts { _ in "2" }, payments: noPayments,
                                      options: ReadOptions(requireLabels: true, ignoreColumns: ["w"]))
        var options = TrainingOptions(holdoutFraction: 0, trainedAt: "x")
        let unweighted = try Trainer.train(plain, asOf: asOf, options: options, inputs: []).artifact
        options.weightsColumn = "w"
        let artifact = try Trainer.train(weighted, asOf: asOf, options: options, inputs: []).artifact
        XCTAssertEqual(artifact.features.names, unweighted.features.names)
        let wl = try XCTUnwrap(artifact.logistic), wc = try XCTUnwrap(artifact.cox)
        let ul = try XCTUnwrap(unweighted.logistic), uc = try XCTUnwrap(unweighted.cox)
        let mine: [Coefficient] = wl.coefficients + wc.coefficients
        let theirs: [Coefficient] = ul.coefficients + uc.coefficients
        XCTAssertEqual(mine.count, theirs.count)
        for (w, u) in zip(mine, theirs) {
            XCTAssertEqual(w.estimate, u.estimate, accuracy: 1e-8 * max(1, Swift.abs(u.estimate)), w.name)
            XCTAssertEqual(w.standardError * 2.0.squareRoot(), u.standardError, accuracy: 1e-8 * u.standardError, w.name)
        }
        XCTAssertEqual(artifact.training.options.weightsColumn, "w")
        XCTAssertTrue(artifact.summaryText().contains("case weights: column w"))
    }
}
