import Features
import Foundation
import Models
import PortfolioGenerator
import PortfolioIO
import XCTest
import _TestSupport
@testable import Scoring
import Training

/// The model artifact through the library API: train, save, load, score.
final class ArtifactTests: XCTestCase {
    nonisolated(unsafe) static var portfolio: Portfolio!
    nonisolated(unsafe) static var result: TrainingResult!
    static let asOf = CalendarDay(year: 2026, month: 1, day: 1)!

    override class func setUp() {
        super.setUp()
        let dir = makeTemporaryDirectory()
        do {
            _ = try PortfolioGenerator(GeneratorConfig(accounts: 1500, seed: 3, asOf: asOf)).write(toDirectory: dir.path)
            portfolio = try readPortfolio(accountsPath: dir.appendingPathComponent("accounts.csv").path,
                                          paymentsPath: dir.appendingPathComponent("payments.csv").path,
                                          options: ReadOptions(requireLabels: true))
            result = try Trainer.train(portfolio, asOf: asOf, options: TrainingOptions(trainedAt: "2026-11-29"), inputs: [])
        } catch {
            XCTFail("setup: \(error)")
        }
    }

    func testSavedAndLoadedModelScoresIdentically() throws {
        let artifact = Self.result.artifact
        let path = makeTemporaryDirectory().appendingPathComponent("m.json").path
        try artifact.write(to: path)
        let loaded = try ModelArtifact.load(path: path)
        XCTAssertEqual(loaded, artifact)
        let matrix = try loaded.features.apply(to: Self.portfolio, asOf: Self.asOf)
        let again = loaded.score(matrix), before = Self.result.scores
        for (name, x, y) in [("logOdds", again.logOdds, before.logOdds), ("recoveredBy", again.recoveredBy, before.recoveredBy),
                             ("medianDays", again.medianDays, before.medianDays), ("points", again.scorePoints, before.scorePoints)] {
            XCTAssertTrue(x.map(\.bitPattern) == y.map(\.bitPattern), "\(name) differs after a save and load")
        }
        XCTAssertTrue(again.reasons == before.reasons)
        XCTAssertEqual(try loaded.encoded(), try artifact.encoded(), "encoding is deterministic")
    }

    func testScoresFollowTheirDefinitions() throws {
        let a = Self.result.artifact, s = Self.result.scores
        let matrix = try a.features.apply(to: Self.portfolio, asOf: Self.asOf)
        for i in stride(from: 0, to: s.count, by: 97) {
            let row = Array(matrix.row(i))
            var eta = a.logistic!.intercept
            for (j, b) in a.logistic!.slopes.enumerated() { eta += b * row[j] }
            XCTAssertEqual(s.logOdds[i], eta, accuracy: 1e-9)
            XCTAssertEqual(s.pRecover[i], 1 / (1 + exp(-eta)), accuracy: 1e-12)
            XCTAssertEqual(s.scorePoints[i], 600 + 40 / log(2) * eta, accuracy: 1e-9, "600 at even odds, 40 to double")
            for (k, t) in s.horizons.enumerated() {
                XCTAssertEqual(s.recoveredBy[i * s.horizons.count + k], 1 - a.cox!.survival(at: Double(t), x: row), accuracy: 1e-12)
            }
            let median = a.cox!.medianDaysToRecovery(row)
            XCTAssertEqual(s.medianDays[i].isNaN, median == nil)
            if let median { XCTAssertEqual(s.medianDays[i], median) }
        }
    }

    func testScoreScalingPointsToDoubleTheOdds() {
        let s = ScoreScaling(baseScore: 600, baseOdds: 50, pointsToDoubleOdds: 20)
        XCTAssertEqual(s.points(logOdds: log(50)), 600, accuracy: 1e-9)
        XCTAssertEqual(s.points(logOdds: log(100)), 620, accuracy: 1e-9)
        XCTAssertEqual(s.points(logOdds: log(25)), 580, accuracy: 1e-9)
    }

    func testReasonsArePullsOnTheLogOddsAndCategoricalsSpeakOfTheAccountsLevel() throws {
        let a = Self.result.artifact, s = Self.result.scores
        let matrix = try a.features.apply(to: Self.portfolio, asOf: Self.asOf)
        let groups = ReasonGroups(a.features)
        XCTAssertTrue(groups.codes.contains("product"))
        XCTAssertFalse(groups.codes.contains { $0.hasPrefix("product=") })
        let slopes = a.logistic!.slopes, means = a.logistic!.standardization.means
        let table = ScoreTable(accountIDs: Self.portfolio.accounts.accountID, scores: s, matrix: matrix, artifact: a)
        for i in stride(from: 0, to: s.count, by: 53) {
            var pull = [Double](repeating: 0, count: groups.count)
            for j in 0..<matrix.cols { pull[groups.groupOfColumn[j]] += slopes[j] * (matrix[i, j] - means[j]) }
            let expected = pull.indices.sorted { abs(pull[$0]) != abs(pull[$1]) ? abs(pull[$0]) > abs(pull[$1]) : $0 < $1 }.prefix(3)
            XCTAssertEqual(Array(s.reasons[(i * 3)..<(i * 3 + 3)]).map(Int.init), Array(expected), "account \(i)")
            for k in 0..<3 where table.reason(i, k)?.code == "product" {
                let product = Self.portfolio.accounts.product[i]
                let g = Int(s.reasons[i * 3 + k])
                let way = pull[g] > 0 ? "raises" : "lowers"
                XCTAssertEqual(table.reason(i, k)?.text, "product is \(product): \(way) the recovery odds")
            }
        }
    }

    func testStoredScoreDistributionGivesTheSamePSIAsTheRawScores() throws {
        let r = Self.result!
        let training = r.trainRows.map { r.scores.scorePoints[$0] }
        let actual = r.holdoutRows.map { r.scores.scorePoints[$0] }
        let direct = try Metrics.populationStability(expected: training, actual: actual)
        let stored = try XCTUnwrap(r.artifact.training.scoreDistribution.stability(of: actual))
        XCTAssertEqual(stored, direct)
        XCTAssertEqual(r.artifact.training.scoreDistribution.pRecoverHistogram.reduce(0, +), r.trainRows.count)
    }

    func testValidationNamesWhatIsWrong() throws {
        var a = Self.result.artifact
        a.predictionHorizons = [90, 30]
        XCTAssertThrowsError(try a.validate()) { XCTAssertTrue(($0 as! ArtifactInconsistency).message.contains("predictionHorizons")) }
        a = Self.result.artifact
        a.cox!.baselineHazardAtMeans[1] = -1
        XCTAssertThrowsError(try a.validate()) { XCTAssertTrue(($0 as! ArtifactInconsistency).message.contains("baseline")) }
        a = Self.result.artifact
        a.cox!.coefficients[0].name = "renamed"
        XCTAssertThrowsError(try a.validate()) { XCTAssertTrue(($0 as! ArtifactInconsistency).message.contains("Cox")) }
        a = Self.result.artifact
        a.scoreScaling.pointsToDoubleOdds = 0
        XCTAssertThrowsError(try a.validate()) { XCTAssertTrue(($0 as! ArtifactInconsistency).message.contains("scoreScaling")) }
        // And through the decoder: a logistic model with a missing coefficient.
        var object = try JSONSerialization.jsonObject(with: Data(Self.result.artifact.encoded())) as! [String: Any]
        var logistic = object["logistic"] as! [String: Any]
        logistic["coefficients"] = (logistic["coefficients"] as! [Any]).dropLast().map { $0 }
        object["logistic"] = logistic
        XCTAssertThrowsError(try ModelArtifact.decode(try JSONSerialization.data(withJSONObject: object))) { error in
            XCTAssertEqual((error as? ArtifactError)?.code, .malformed)
        }
    }

    func testHoldoutAndLabelsFollowTheHorizonRule() {
        let labels = Labels(days: [90, 90, 91, 30, 10], recovered: [true, false, false, false, true])
        XCTAssertEqual(labels.withinHorizon(0, horizon: 90), 1, "recovered on day H counts")
        XCTAssertNil(labels.withinHorizon(1, horizon: 90), "censored on day H: status after H unknown")
        XCTAssertEqual(labels.withinHorizon(2, horizon: 90), 0)
        XCTAssertNil(labels.withinHorizon(3, horizon: 90))
        XCTAssertEqual(labels.withinHorizon(4, horizon: 90), 1)
        let r = Self.result!
        XCTAssertEqual(r.trainRows.count + r.holdoutRows.count, Self.portfolio.accounts.count)
        XCTAssertEqual(r.holdoutRows.count, 300)
        XCTAssertEqual(r.artifact.training.logisticRows + r.artifact.training.logisticExcludedCensored, r.trainRows.count)
    }
}

/// The model shipped in models/ is the one `arrears train` makes from data/ today.
final class ShippedModelTests: XCTestCase {
    func testShippedModelMatchesTheBundledDataAndRetrainsIdentically() throws {
        let root = repositoryRoot()
        let shipped = try ModelArtifact.load(path: root.appendingPathComponent("models/arrears-model.json").path)
        for input in shipped.training.inputs {
            XCTAssertEqual(input.sha256, try sha256Hex(ofFileAt: root.appendingPathComponent(input.path).path),
                           "\(input.path) changed since models/arrears-model.json was trained: retrain it (README)")
        }
        let portfolio = try readPortfolio(accountsPath: root.appendingPathComponent("data/accounts.csv").path,
                                          paymentsPath: root.appendingPathComponent("data/payments.csv").path,
                                          options: ReadOptions(requireLabels: true))
        let asOf = try XCTUnwrap(CalendarDay(shipped.training.asOf))
        let again = try Trainer.train(portfolio, asOf: asOf,
                                      options: TrainingOptions(trainedAt: shipped.training.trainedAt,
                                                               producer: shipped.training.producer),
                                      inputs: shipped.training.inputs).artifact
        // Default options on data/ reproduce the shipped model (to rounding: another CPU's
        // BLAS kernels may differ in the last bits).
        XCTAssertEqual(again.features.names, shipped.features.names)
        XCTAssertEqual(again.training.rows, shipped.training.rows)
        XCTAssertEqual(again.training.holdoutAccounts, shipped.training.holdoutAccounts)
        for (a, b) in zip(again.logistic!.coefficients + again.cox!.coefficients, shipped.logistic!.coefficients + shipped.cox!.coefficients) {
            XCTAssertEqual(a.name, b.name)
            XCTAssertTrue(approxEqual(a.estimate, b.estimate, rel: 1e-8, abs: 1e-12), "\(a.name): \(a.estimate) vs \(b.estimate)")
            XCTAssertTrue(approxEqual(a.standardError, b.standardError, rel: 1e-8, abs: 1e-12), a.name)
        }
        let auc = try XCTUnwrap(again.training.holdout?.logistic?.auc), shippedAUC = try XCTUnwrap(shipped.training.holdout?.logistic?.auc)
        XCTAssertEqual(auc, shippedAUC, accuracy: 1e-12)
    }
}
