import Foundation
import XCTest
import Models
import _TestSupport

/// Metrics against scikit-learn / scipy (`metrics_reference.json`) and hand-computed cases.
final class MetricsTests: XCTestCase {
    private func fixture() throws -> (score: [Double], probability: [Double], label: [Double], actual: [Double], ref: [String: Any]) {
        let (header, columns) = try LogisticFixtures.csv("metrics.csv")
        XCTAssertEqual(header, ["score", "probability", "label"])
        let actual = try LogisticFixtures.csv("metrics_actual.csv").columns[0]
        return (columns[0], columns[1], columns[2], actual, try LogisticFixtures.json("metrics_reference.json"))
    }

    func testRankingMetricsMatchScikitLearnAndScipy() throws {
        let f = try fixture()
        XCTAssertGreaterThan(Set(f.score).count, 50)
        XCTAssertLessThan(Set(f.score).count, f.score.count / 2)    // the fixture really has ties
        assertRelative(try Metrics.auc(scores: f.score, labels: f.label), number(f.ref["auc_score"]), 1e-12, "AUC (tied scores)")
        assertRelative(try Metrics.auc(scores: f.probability, labels: f.label), number(f.ref["auc_probability"]), 1e-12, "AUC")
        assertRelative(try Metrics.gini(scores: f.score, labels: f.label), 2 * number(f.ref["auc_score"]) - 1, 1e-12, "Gini")
        let ks = try Metrics.kolmogorovSmirnov(scores: f.score, labels: f.label)
        assertRelative(ks.statistic, number(f.ref["ks_score"]), 1e-12, "KS")
    }

    func testProbabilityMetricsMatchScikitLearn() throws {
        let f = try fixture()
        assertRelative(try Metrics.brierScore(probabilities: f.probability, labels: f.label), number(f.ref["brier"]), 1e-12, "Brier")
        assertRelative(try Metrics.logLoss(probabilities: f.probability, labels: f.label), number(f.ref["log_loss"]), 1e-12, "log-loss")
    }

    func testCalibrationAndHosmerLemeshowMatchReference() throws {
        let f = try fixture()
        let c = try Metrics.calibration(probabilities: f.probability, labels: f.label)
        let groups = try XCTUnwrap(f.ref["calibration"] as? [[String: Any]])
        XCTAssertEqual(c.groups.count, 10)
        for (g, r) in zip(c.groups, groups) {
            XCTAssertEqual(g.count, (r["count"] as? NSNumber)?.intValue)
            assertRelative(g.meanPredicted, number(r["mean_predicted"]), 1e-12, "mean predicted")
            assertRelative(g.observedRate, number(r["observed_rate"]), 1e-12, "observed rate")
        }
        assertRelative(c.hosmerLemeshow, number(f.ref["hosmer_lemeshow"]), 1e-10, "Hosmer–Lemeshow")
        XCTAssertEqual(c.degreesOfFreedom, 8)
        assertRelative(c.pValue, number(f.ref["hosmer_lemeshow_p"]), 1e-8, "HL p-value")
    }

    func testPopulationStabilityMatchesReference() throws {
        let f = try fixture()
        let psi = try Metrics.populationStability(expected: f.score, actual: f.actual)
        XCTAssertEqual(psi.bins.dropFirst().map(\.lower), doubles(f.ref["psi_cuts"]))
        assertRelative(psi.index, number(f.ref["psi"]), 1e-12, "PSI")
        XCTAssertEqual(psi.bins.map(\.expectedShare).reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(try Metrics.populationStability(expected: f.score, actual: f.score).index, 0)
    }

    func testValidationSummaryCollectsTheMetrics() throws {
        let f = try fixture()
        let v = try ValidationMetrics(probabilities: f.probability, labels: f.label)
        XCTAssertEqual(v.count, 400)
        XCTAssertEqual(v.events, Int(f.label.reduce(0, +)))
        assertRelative(v.auc, number(f.ref["auc_probability"]), 1e-12, "AUC")
        XCTAssertEqual(v.gini, 2 * v.auc - 1)
        assertRelative(v.brier, number(f.ref["brier"]), 1e-12, "Brier")
        assertRelative(v.logLoss, number(f.ref["log_loss"]), 1e-12, "log-loss")
        assertRelative(v.calibration.hosmerLemeshow, number(f.ref["hosmer_lemeshow"]), 1e-10, "HL")
        XCTAssertEqual(v.ks, try Metrics.kolmogorovSmirnov(scores: f.probability, labels: f.label).statistic)
        let decoded = try JSONDecoder().decode(ValidationMetrics.self, from: JSONEncoder().encode(v))
        XCTAssertEqual(decoded, v)
    }

    // MARK: Hand-computed cases

    func testAUCCountsTiesAsHalf() throws {
        XCTAssertEqual(try Metrics.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]), 0.75)
        // Pairs (1 vs 0): tie ½, below 0, above 1, tie ½ → 2/4.
        XCTAssertEqual(try Metrics.auc(scores: [1, 1, 2, 2], labels: [0, 1, 0, 1]), 0.5)
        XCTAssertEqual(try Metrics.auc(scores: [3, 3, 3], labels: [1, 0, 0]), 0.5)
        XCTAssertEqual(try Metrics.auc(scores: [5, 1, 2], labels: [0, 1, 1]), 0)
        XCTAssertEqual(try Metrics.gini(scores: [5, 1, 2], labels: [0, 1, 1]), -1)
    }

    func testKSGroupsEqualScores() throws {
        let perfect = try Metrics.kolmogorovSmirnov(scores: [1, 2, 3, 4], labels: [0, 0, 1, 1])
        XCTAssertEqual(perfect.statistic, 1)
        XCTAssertEqual(perfect.threshold, 2)
        // The tie at 2 holds a 1 and a 0: splitting it would give 1.0; grouped it is 0.5.
        let tied = try Metrics.kolmogorovSmirnov(scores: [2, 1, 3, 2], labels: [1, 0, 1, 0])
        XCTAssertEqual(tied.statistic, 0.5)
        XCTAssertEqual(tied.threshold, 1)
    }

    func testHosmerLemeshowByHand() throws {
        let p = [0.4, 0.1, 0.6, 0.3, 0.2, 0.5], y: [Double] = [0, 0, 1, 1, 0, 1]
        let c = try Metrics.calibration(probabilities: p, labels: y, groups: 3)
        // Sorted: (.1,0) (.2,0) | (.3,1) (.4,0) | (.5,1) (.6,1).
        let hl = 0.09 / (0.3 * 0.85) + 0.09 / (0.7 * 0.65) + 0.81 / (1.1 * 0.45)
        XCTAssertEqual(c.hosmerLemeshow, hl, accuracy: 1e-14)
        XCTAssertEqual(c.degreesOfFreedom, 1)
        XCTAssertEqual(c.pValue, erfc((hl / 2).squareRoot()), accuracy: 1e-12)     // χ²₁ tail
        XCTAssertEqual(c.groups.map(\.count), [2, 2, 2])
        XCTAssertEqual(c.groups.map(\.observedRate), [0, 0.5, 1])
        XCTAssertEqual(c.groups[1].meanPredicted, 0.35, accuracy: 1e-15)
        // Uneven n: sizes ⌊(g+1)n/G⌋ − ⌊gn/G⌋ = 2, 2, 3 for n = 7.
        let seven = try Metrics.calibration(probabilities: p + [0.7], labels: y + [1], groups: 3)
        XCTAssertEqual(seven.groups.map(\.count), [2, 2, 3])
    }

    func testPSIByHandWithFloorAndTies() throws {
        let expected = (0..<10).map(Double.init)                  // median cut at 5
        let shifted = try Metrics.populationStability(expected: expected, actual: [0, 0, 0, 7], bins: 2)
        XCTAssertEqual(shifted.index, 0.25 * log(1.5) + 0.25 * log(2), accuracy: 1e-15)
        // Actual all above the cut: the empty bin is floored at 1e-4.
        let empty = try Metrics.populationStability(expected: expected, actual: [6, 8], bins: 2)
        XCTAssertEqual(empty.index, (1e-4 - 0.5) * log(1e-4 / 0.5) + 0.5 * log(2), accuracy: 1e-14)
        XCTAssertEqual(empty.bins[0].actualShare, 0)
        // All-equal expected scores: the ten decile cuts collapse to one.
        let flat = try Metrics.populationStability(expected: [3, 3, 3, 3], actual: [1, 3])
        XCTAssertEqual(flat.bins.count, 2)
        XCTAssertEqual(flat.bins[1].lower, 3)
    }

    func testLogLossClipsConfidentMistakes() throws {
        // p = 1 is clipped to the double nearest 1 − 1e-15, so 1 − p̃ is 9.99e-16, not 1e-15 (as in scikit-learn).
        XCTAssertEqual(try Metrics.logLoss(probabilities: [0, 1], labels: [1, 0]),
                       -(log(1e-15) + log(1 - (1 - 1e-15))) / 2, accuracy: 1e-12)
        XCTAssertEqual(try Metrics.logLoss(probabilities: [0, 1], labels: [1, 0], epsilon: .ulpOfOne),
                       -log(Double.ulpOfOne), accuracy: 1e-12)
        XCTAssertEqual(try Metrics.logLoss(probabilities: [0.8, 0.25], labels: [1, 0]), -(log(0.8) + log(0.75)) / 2, accuracy: 1e-15)
        XCTAssertEqual(try Metrics.brierScore(probabilities: [0.8, 0.25], labels: [1, 0]), (0.04 + 0.0625) / 2, accuracy: 1e-15)
    }

    func testInvalidInputsAreReportedWithTheRow() {
        func code(_ body: () throws -> Any) -> (MetricsError.Code, Int?)? {
            do { _ = try body(); return nil } catch { return (error as? MetricsError).map { ($0.code, $0.row) } }
        }
        XCTAssertEqual(code { try Metrics.auc(scores: [1, 2], labels: [1, 1]) }?.0, .singleClass)
        XCTAssertEqual(code { try Metrics.auc(scores: [1, 2], labels: [1, 0.5]) }?.1, 1)
        XCTAssertEqual(code { try Metrics.auc(scores: [.nan, 2], labels: [1, 0]) }?.0, .nonFiniteScore)
        XCTAssertEqual(code { try Metrics.brierScore(probabilities: [1.2], labels: [1]) }?.0, .probabilityOutOfRange)
        XCTAssertEqual(code { try Metrics.logLoss(probabilities: [], labels: []) }?.0, .tooFewRows)
        XCTAssertEqual(code { try Metrics.calibration(probabilities: [0.5, 0.5], labels: [1, 0]) }?.0, .tooFewRows)
    }
}

/// The seeded holdout split.
final class MetricsHoldoutSplitTests: XCTestCase {
    func testSplitIsAPartitionOfTheRequestedSizeAndDeterministic() {
        for seed: UInt64 in [0, 1, 42, .max] {
            for n in [0, 1, 7, 100, 1001] {
                let s = HoldoutSplit(fraction: 0.2, seed: seed)
                let a = s.split(count: n)
                XCTAssertEqual(a.test.count, Int((0.2 * Double(n)).rounded()))
                XCTAssertEqual((a.train + a.test).sorted(), Array(0..<n))
                XCTAssertEqual(a.test, a.test.sorted())
                XCTAssertEqual(a.train, a.train.sorted())
                XCTAssertEqual(s.split(count: n), a)
            }
        }
        let one = HoldoutSplit(fraction: 0.3, seed: 1).split(count: 1000)
        let two = HoldoutSplit(fraction: 0.3, seed: 2).split(count: 1000)
        XCTAssertNotEqual(one.test, two.test)
        XCTAssertLessThan(Set(one.test).intersection(two.test).count, 150)   // ≈ 0.3·300 = 90 expected
    }

    func testSplitIsPinnedForASeed() {
        // Pins the generator: a change here changes every holdout users have recorded.
        XCTAssertEqual(HoldoutSplit(fraction: 0.25, seed: 2026).split(count: 20).test, [8, 10, 11, 12, 13])
    }

    func testEveryRowIsEquallyLikelyToBeHeldOut() {
        var counts = [Int](repeating: 0, count: 10)
        for seed in 0..<2000 {
            for i in HoldoutSplit(fraction: 0.2, seed: UInt64(seed)).split(count: 10).test { counts[i] += 1 }
        }
        // Binomial(2000, 0.2): mean 400, SD ≈ 17.9; ±5 SD.
        for c in counts { XCTAssertEqual(Double(c), 400, accuracy: 90, "\(counts)") }
    }

    func testStratifiedSplitKeepsClassShares() {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<5 {
            let labels = (0..<997).map { _ in Double.random(in: 0..<1, using: &rng) < 0.13 ? 1.0 : 0.0 }
            let s = HoldoutSplit(fraction: 0.2, seed: rng.next())
            let parts = s.split(stratifiedBy: labels)
            let ones = labels.filter { $0 == 1 }.count
            XCTAssertEqual(parts.test.filter { labels[$0] == 1 }.count, Int((0.2 * Double(ones)).rounded()))
            XCTAssertEqual(parts.test.filter { labels[$0] == 0 }.count, Int((0.2 * Double(997 - ones)).rounded()))
            XCTAssertEqual((parts.train + parts.test).sorted(), Array(0..<997))
            XCTAssertEqual(s.split(stratifiedBy: labels), parts)
        }
    }
}
