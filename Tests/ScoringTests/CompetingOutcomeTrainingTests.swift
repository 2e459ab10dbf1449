import Features
import Foundation
import LinearAlgebra
import Models
import PortfolioIO
import XCTest
import _TestSupport
@testable import Scoring
import Training

/// An `outcome` column instead of `recovered` (issue 19): read, one cause-specific Cox
/// model per outcome trained, the cumulative incidence summarized; `recovered` alone
/// trains exactly as before.
final class CompetingOutcomeTrainingTests: XCTestCase {
    let asOf = CalendarDay(year: 2026, month: 1, day: 1)!
    let noPayments = Array("account_id,date,amount_due,amount_paid\n".utf8)

    func rows(outcomeColumn: Bool) -> [UInt8] {
        var generator = SeededGenerator(seed: 41)
        var text = "account_id,balance,days_past_due,days_to_recovery," + (outcomeColumn ? "outcome" : "recovered") + "\n"
        let labels = ["paid_in_full", "settled", "written_off"]
        for i in 0..<900 {
            let days = Int.random(in: 1...365, using: &generator)
            let balance = Double.random(in: 10...1e4, using: &generator)
            let ended = days < 250
            let label = ended ? labels[Int.random(in: 0...2, using: &generator)] : ""
            text += "A\(i),\(balance),\(Int.random(in: 0...300, using: &generator)),\(days),\(outcomeColumn ? label : (ended ? "1" : "0"))\n"
        }
        return Array(text.utf8)
    }

    func testOutcomeColumnTrainsOneCauseSpecificModelPerOutcome() throws {
        let portfolio = try readPortfolio(accounts: rows(outcomeColumn: true), payments: noPayments,
                                          options: ReadOptions(requireLabels: true))
        XCTAssertTrue(portfolio.accounts.hasLabels)
        XCTAssertEqual(portfolio.accounts.outcome.count, 900)
        XCTAssertEqual(portfolio.accounts.recovered, portfolio.accounts.outcome.map { !$0.isEmpty })
        let result = try Trainer.train(portfolio, asOf: asOf, options: TrainingOptions(holdoutFraction: 0, trainedAt: "x"), inputs: [])
        let cr = try XCTUnwrap(result.artifact.competingRisks)
        XCTAssertEqual(cr.outcomes, ["paid_in_full", "settled", "written_off"])
        // Each cause model is the Cox fit with that outcome as the event.
        let matrix = try result.artifact.features.apply(to: portfolio, asOf: asOf)
        let x = Matrix(rows: matrix.rows, cols: matrix.cols, storage: matrix.values)
        let settled = try CoxRegression().fit(x, time: portfolio.accounts.daysToRecovery,
                                              event: portfolio.accounts.outcome.map { $0 == "settled" },
                                              featureNames: result.artifact.features.names)
        for (a, b) in zip(cr.causes[1].coefficients, settled.coefficients) {
            XCTAssertEqual(a.estimate, b.estimate, accuracy: 1e-12, a.name)
        }
        let summary = result.artifact.summaryText()
        XCTAssertTrue(summary.contains("Competing outcomes"), summary)
        XCTAssertTrue(summary.contains("written_off"), summary)
        // score: P(outcome k by tₕ) per account, as the model's own product integral.
        let scores = result.scores
        XCTAssertEqual(scores.outcomes, cr.outcomes)
        let h = result.artifact.predictionHorizons
        for i in [0, 17, 899] {
            let curve = cr.cumulativeIncidence((0..<x.cols).map { x[i, $0] }, at: h.map(Double.init))
            for c in 0..<3 {
                for j in h.indices {
                    XCTAssertEqual(scores.outcomeIncidence[(i * 3 + c) * h.count + j], curve.incidence[c][j], accuracy: 1e-12)
                }
            }
            // The outcomes' incidences and "none yet" add up to 1.
            XCTAssertEqual(curve.survival[3] + (0..<3).reduce(0) { $0 + curve.incidence[$1][3] }, 1, accuracy: 1e-12)
        }
        let csv = String(decoding: ScoreTable(accountIDs: portfolio.accounts.accountID, scores: scores, matrix: matrix,
                                              artifact: result.artifact).rendered(format: .csv), as: UTF8.self)
        let header = try XCTUnwrap(csv.split(separator: "\n").first)
        XCTAssertTrue(header.contains("p_recovered_180d,p_paid_in_full_30d"), String(header))
        XCTAssertTrue(header.contains("p_written_off_180d,median_days"), String(header))
        // The artifact round-trips with its cause-specific models.
        let loaded = try ModelArtifact.decode(Data(try result.artifact.encoded()))
        XCTAssertEqual(loaded.competingRisks, cr)
    }

    func testRecoveredAloneTrainsAsBefore() throws {
        let portfolio = try readPortfolio(accounts: rows(outcomeColumn: false), payments: noPayments,
                                          options: ReadOptions(requireLabels: true))
        XCTAssertTrue(portfolio.accounts.outcome.isEmpty)
        let result = try Trainer.train(portfolio, asOf: asOf, options: TrainingOptions(holdoutFraction: 0, trainedAt: "x"), inputs: [])
        XCTAssertNil(result.artifact.competingRisks)
        XCTAssertFalse(result.artifact.summaryText().contains("Competing outcomes"))
    }

    func testOutcomeAndRecoveredMustAgree() throws {
        let text = "account_id,balance,days_past_due,days_to_recovery,recovered,outcome\nA1,10,0,30,1,settled\nA2,10,0,30,1,\nA3,10,0,30,0,paid\nA4,10,0,40,0,\n"
        let portfolio = try readPortfolio(accounts: Array(text.utf8), payments: noPayments, options: ReadOptions(requireLabels: true))
        XCTAssertEqual(portfolio.accounts.accountID, ["A1", "A4"])
        XCTAssertEqual(portfolio.rejects.map(\.line), [3, 4])
        XCTAssertTrue(portfolio.rejects[0].description.contains("recovered is 1 but outcome is empty"), portfolio.rejects[0].description)
        XCTAssertEqual(portfolio.rejects.map(\.code), [.badLabel, .badLabel])
    }
}
