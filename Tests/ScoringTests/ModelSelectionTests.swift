import Features
import LinearAlgebra
import Foundation
import Models
import PortfolioIO
import XCTest
import _TestSupport
@testable import Scoring
import Training

/// `train --models logistic|cox|both` and `--firth` (issue 19): a portfolio that
/// supports one model still gets it; separation names the features and the flags.
final class ModelSelectionTests: XCTestCase {
    let asOf = CalendarDay(year: 2026, month: 1, day: 1)!
    let noPayments = Array("account_id,date,amount_due,amount_paid\n".utf8)

    /// Accounts ≤ 30 days past due all recover within 90 days, the others only after 100
    /// days or never: days_past_due separates the 90-day label completely, while the Cox
    /// model (events interleaved within each group) has a finite optimum.
    func separatedPortfolio() throws -> Portfolio {
        var generator = SeededGenerator(seed: 19)
        var rows: [String] = []
        for i in 0..<600 {
            let balance = Double.random(in: 100...20_000, using: &generator)
            if i % 2 == 0 {
                let dpd = Int.random(in: 0...30, using: &generator)
                rows.append("A\(i),\(balance),\(dpd),\(Int.random(in: 1...90, using: &generator)),1")
            } else {
                let dpd = Int.random(in: 60...300, using: &generator)
                let recovered = Bool.random(using: &generator)
                rows.append("A\(i),\(balance),\(dpd),\(recovered ? Int.random(in: 100...360, using: &generator) : 365),\(recovered ? 1 : 0)")
            }
        }
        let text = "account_id,balance,days_past_due,days_to_recovery,recovered\n" + rows.joined(separator: "\n") + "\n"
        return try readPortfolio(accounts: Array(text.utf8), payments: noPayments, options: ReadOptions(requireLabels: true))
    }

    func options(_ models: ModelSelection = .both, firth: Bool = false) -> TrainingOptions {
        var o = TrainingOptions(holdoutFraction: 0, trainedAt: "x")
        o.models = models
        o.firth = firth
        return o
    }

    func testSeparationIsRefusedNamingTheFeatureAndTheFlags() throws {
        let portfolio = try separatedPortfolio()
        XCTAssertThrowsError(try Trainer.train(portfolio, asOf: asOf, options: options(), inputs: [])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("separation"), message)
            XCTAssertTrue(message.contains("'dpd_months'"), message)
            // Library terms (TrainingOptions fields); the CLI maps them to flags.
            XCTAssertTrue(message.contains("firth = true"), message)
            XCTAssertTrue(message.contains("logisticL2 = λ"), message)
            XCTAssertTrue(message.contains("models = .cox"), message)
            XCTAssertTrue(message.contains("FeatureOptions.ignore: dpd_months"), message)
        }
    }

    func testFirthTrainsTheSeparatedPortfolioWithFiniteEstimates() throws {
        let result = try Trainer.train(try separatedPortfolio(), asOf: asOf, options: options(firth: true), inputs: [])
        let logistic = try XCTUnwrap(result.artifact.logistic)
        XCTAssertTrue(logistic.firth)
        XCTAssertTrue(logistic.coefficients.allSatisfy { $0.estimate.isFinite && $0.standardError.isFinite })
        let dpd = try XCTUnwrap(logistic.coefficients.first { $0.name == "dpd_months" })
        XCTAssertLessThan(dpd.estimate, 0, "more days past due, fewer recoveries")
        XCTAssertEqual(result.artifact.training.options.firth, true)
        XCTAssertTrue(result.artifact.summaryText().contains("Firth's penalized likelihood"))
        XCTAssertTrue(result.scores.pRecover.allSatisfy { $0 > 0 && $0 < 1 })
    }

    func testCoxAloneTrainsWhereTheLogisticFitSeparates() throws {
        let portfolio = try separatedPortfolio()
        let result = try Trainer.train(portfolio, asOf: asOf, options: options(.cox), inputs: [])
        let artifact = result.artifact
        XCTAssertNil(artifact.logistic)
        let cox = try XCTUnwrap(artifact.cox)
        XCTAssertEqual(artifact.training.options.models, "cox")
        // p_recover is the Cox model's 1 − S(H | x), H = 90 days (also a prediction horizon).
        let k = try XCTUnwrap(artifact.predictionHorizons.firstIndex(of: 90))
        let h = artifact.predictionHorizons.count
        let matrix = try artifact.features.apply(to: portfolio, asOf: asOf)
        let x = Matrix(rows: matrix.rows, cols: matrix.cols, storage: matrix.values)
        let direct = cox.probabilityRecovered(by: [90], x: x)
        for i in 0..<result.scores.count {
            XCTAssertEqual(result.scores.pRecover[i], result.scores.recoveredBy[i * h + k], accuracy: 1e-12)
            XCTAssertEqual(result.scores.pRecover[i], direct[i, 0], accuracy: 1e-12)
            XCTAssertEqual(result.scores.pRecover[i], artifact.referenceScore(matrix).pRecover[i], accuracy: 1e-12)
        }
        XCTAssertTrue(artifact.summaryText().contains("no logistic model (trained with --models cox)"))
        // Round trip: a version-2 artifact without a logistic model loads and scores the same.
        let loaded = try ModelArtifact.decode(Data(try artifact.encoded()))
        XCTAssertEqual(loaded.version, 2)
        XCTAssertNil(loaded.logistic)
        let again = loaded.score(matrix)
        XCTAssertEqual(again.pRecover, result.scores.pRecover)
        XCTAssertEqual(again.recoveredBy, result.scores.recoveredBy)
    }

    func testLogisticAloneHasNoCoxOutputs() throws {
        var generator = SeededGenerator(seed: 23)
        let rows = (0..<800).map { i -> String in
            let days = Int.random(in: 1...365, using: &generator)
            return "A\(i),\(Double.random(in: 10...1e4, using: &generator)),\(Int.random(in: 0...300, using: &generator)),\(days),\(days < 200 ? 1 : 0)"
        }
        let text = "account_id,balance,days_past_due,days_to_recovery,recovered\n" + rows.joined(separator: "\n") + "\n"
        let portfolio = try readPortfolio(accounts: Array(text.utf8), payments: noPayments, options: ReadOptions(requireLabels: true))
        let result = try Trainer.train(portfolio, asOf: asOf, options: options(.logistic), inputs: [])
        XCTAssertNil(result.artifact.cox)
        XCTAssertNotNil(result.artifact.logistic)
        XCTAssertTrue(result.scores.recoveredBy.allSatisfy(\.isNaN))
        XCTAssertTrue(result.scores.medianDays.allSatisfy(\.isNaN))
        XCTAssertTrue(result.scores.pRecover.allSatisfy { $0 > 0 && $0 < 1 })
        XCTAssertNil(result.artifact.training.inSample.concordance)
        let summary = result.artifact.summaryText()
        XCTAssertTrue(summary.contains("no Cox model (trained with --models logistic)"), summary)
        XCTAssertFalse(summary.contains("Harrell"), summary)
        let matrix = try result.artifact.features.apply(to: portfolio, asOf: asOf)
        let reference = result.artifact.referenceScore(matrix)
        for (a, b) in zip(reference.pRecover, result.scores.pRecover) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertTrue(reference.recoveredBy.allSatisfy(\.isNaN))
        let csv = String(decoding: ScoreTable(accountIDs: portfolio.accounts.accountID, scores: result.scores, matrix: matrix,
                                              artifact: result.artifact).rendered(format: .csv), as: UTF8.self)
        let first = try XCTUnwrap(csv.split(separator: "\n").dropFirst().first).split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(first[2...6].map(String.init), ["", "", "", "", ""], "P(recovered by day) and median days are empty")
    }

    /// `Fixtures/arrears-model-v1.json` is the model shipped before version 2 (trained on
    /// data/ by the previous release): it loads, summarizes and scores unchanged.
    func testAVersion1ModelStillLoadsAndScores() throws {
        let path = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/arrears-model-v1.json", withExtension: nil)).path
        let shipped = try ModelArtifact.load(path: path)
        XCTAssertEqual(shipped.version, 1)
        XCTAssertNotNil(shipped.logistic)
        XCTAssertNotNil(shipped.cox)
        XCTAssertEqual(shipped.logistic?.firth, false)
        XCTAssertTrue(shipped.summaryText().hasPrefix("Arrears model v1"))
        XCTAssertNil(shipped.training.proportionalHazards)
        XCTAssertNil(shipped.features.columns.first { $0.cap != nil }, "version 1 had no caps")
        let root = repositoryRoot()
        let data = try readPortfolio(accountsPath: root.appendingPathComponent("data/accounts.csv").path,
                                     paymentsPath: root.appendingPathComponent("data/payments.csv").path)
        let scores = shipped.score(try shipped.features.apply(to: data, asOf: asOf))
        // A0000001 as the version-1 README printed it: p_recover 0.407598, P(by 90 days) 0.386600.
        XCTAssertEqual(data.accounts.accountID[0], "A0000001")
        XCTAssertEqual(scores.pRecover[0], 0.407598, accuracy: 5e-7)
        XCTAssertEqual(scores.recoveredBy[2], 0.386600, accuracy: 5e-7)
        XCTAssertTrue(scores.recoveredBy.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
