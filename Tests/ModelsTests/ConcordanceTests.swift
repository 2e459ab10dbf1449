import XCTest
import Models
import _TestSupport

/// Harrell's C with survival::concordance's conventions, checked by hand on small cases
/// (the cases were run through R 4 / survival 3.5.3 `concordance(y ~ x, reverse = TRUE)`)
/// and against a naive O(n²) pair count on seeded random data.
final class ConcordanceTests: XCTestCase {
    private func counts(_ c: Concordance) -> [Int] {
        [c.concordant, c.discordant, c.tiedRisk, c.tiedTime, c.tiedRiskAndTime]
    }

    func testCensoringOnAnEventDayCountsAsSurvivingIt() {
        // R: concordant 2, discordant 4, tied.x 1, tied.y 1, tied.xy 0.
        let c = Concordance(riskScore: [3, 2, 1, 1, 5], time: [1, 1, 1, 2, 3], event: [true, false, true, true, false])
        XCTAssertEqual(counts(c), [2, 4, 1, 1, 0])
        XCTAssertEqual(c.value, 2.5 / 7, accuracy: 1e-15)
    }

    func testEventsOnTheSameDaySplitIntoTiedTimeAndTiedBoth() {
        // R: concordant 2, discordant 4, tied.x 1, tied.y 2, tied.xy 1.
        let c = Concordance(riskScore: [3, 3, 1, 1, 5], time: [1, 1, 1, 2, 3], event: [true, true, true, true, false])
        XCTAssertEqual(counts(c), [2, 4, 1, 2, 1])
    }

    func testPerfectAndReversedScores() {
        let time: [Double] = [1, 2, 3, 4, 5]
        let event = [true, true, true, true, true]
        XCTAssertEqual(Concordance(riskScore: [5, 4, 3, 2, 1], time: time, event: event).value, 1)
        XCTAssertEqual(Concordance(riskScore: [1, 2, 3, 4, 5], time: time, event: event).value, 0)
        XCTAssertEqual(Concordance(riskScore: [1, 1, 1, 1, 1], time: time, event: event).value, 0.5)
        XCTAssertTrue(Concordance(riskScore: [1, 2], time: [1, 2], event: [false, false]).value.isNaN)
    }

    /// The Fenwick-tree count equals the definition pair by pair, with heavy ties in both
    /// scores and days.
    func testMatchesNaivePairCountOnRandomData() {
        for seed in UInt64(1)...20 {
            var rng = SeededGenerator(seed: seed)
            let n = Int.random(in: 1...150, using: &rng)
            let score = (0..<n).map { _ in Double(Int.random(in: 0..<8, using: &rng)) }
            let time = (0..<n).map { _ in Double(Int.random(in: 1...15, using: &rng)) }
            let event = (0..<n).map { _ in Bool.random(using: &rng) }
            var naive = [0, 0, 0, 0, 0]
            for i in 0..<n where event[i] {
                for j in 0..<n where j != i {
                    if time[j] > time[i] || (time[j] == time[i] && !event[j]) {
                        naive[score[i] > score[j] ? 0 : score[i] < score[j] ? 1 : 2] += 1
                    } else if time[j] == time[i] && event[j] && j > i {
                        naive[score[i] == score[j] ? 4 : 3] += 1
                    }
                }
            }
            XCTAssertEqual(counts(Concordance(riskScore: score, time: time, event: event)), naive, "seed \(seed)")
        }
    }
}
