import Foundation
import XCTest
import Models
@testable import Report

/// `ScoreDistribution(trainingCounts:…)` (a histogram stored in a model artifact instead
/// of the training scores), `portfolioName` and the summary notes.
final class StoredDistributionTests: XCTestCase {
    func testStoredCountsMatchTheScoresTheyCameFrom() throws {
        let training = (0..<400).map { Double(($0 * 37) % 400) / 400 }
        let portfolio = (0..<150).map { Double(($0 * 11) % 150) / 160 + 0.02 }
        var counts = [Int](repeating: 0, count: 20)
        for p in training { counts[min(19, max(0, Int(p * 20)))] += 1 }   // as the artifact stores them
        let stability = try Metrics.populationStability(expected: training, actual: portfolio)
        let stored = ScoreDistribution(trainingCounts: counts, domain: 0...1, portfolio: portfolio, stability: stability,
                                       portfolioName: "Holdout")
        let fromScores = try ScoreDistribution(training: training, portfolio: portfolio, bins: 20, domain: 0...1)
        XCTAssertEqual(stored.edges.count, 21)
        for (a, b) in zip(stored.edges, fromScores.edges) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        XCTAssertEqual(stored.trainingShares, fromScores.trainingShares)
        XCTAssertEqual(stored.portfolioShares, fromScores.portfolioShares)
        XCTAssertEqual(stored.trainingCount, 400)
        XCTAssertEqual(stored.portfolioCount, 150)
        XCTAssertEqual(stored.stability, fromScores.stability)
        XCTAssertEqual(stored.trainingShares.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(stored.portfolioShares.reduce(0, +), 1, accuracy: 1e-12)
    }

    func testEndValuesGoToTheEndBins() throws {
        let stability = try Metrics.populationStability(expected: [0.1, 0.5, 0.9], actual: [0, 1])
        let d = ScoreDistribution(trainingCounts: [1, 1, 1, 0], domain: 0...1, portfolio: [-0.5, 0, 1, 1.5],
                                  stability: stability)
        XCTAssertEqual(d.portfolioShares, [0.5, 0, 0, 0.5])
        XCTAssertEqual(d.portfolioName, "Portfolio")
    }

    func testPortfolioNameAndNotesAppearOnThePage() throws {
        let stability = try Metrics.populationStability(expected: [0.1, 0.2, 0.5, 0.9], actual: [0.3, 0.6])
        let d = ScoreDistribution(trainingCounts: [2, 1, 1, 0], domain: 0...1, portfolio: [0.3, 0.6], stability: stability,
                                  portfolioName: "Holdout")
        let html = ReportDocument(ReportInput(title: "t", scoreDistribution: d, notes: ["No labels <here> & so"])).html()
        XCTAssertTrue(html.contains("Holdout (n = 2)"))
        XCTAssertTrue(html.contains("<th scope=\"col\">Holdout</th>"))
        XCTAssertTrue(html.contains("<p class=\"note\">No labels &lt;here&gt; &amp; so</p>"))
    }
}
