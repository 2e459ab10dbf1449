import XCTest
import Models
import _TestSupport

/// ROC curve, KS curve and gains table against scikit-learn / scipy / numpy values
/// printed by `scripts/fixtures_curves.py` (pasted below, with the versions used).
final class MetricsCurvesTests: XCTestCase {
    private enum Reference {
        // scikit-learn 1.9.1, scipy 1.17.1, numpy 2.4.6
        static let score: [Double] = [1.4, 0.1, 0.6, 0.0, 0.0, 1.7, -0.3, 1.0, -0.7, -0.5, -1.6, 0.5, -0.7, 0.0, 0.0, -0.8, -1.1, 0.5, -0.2, 0.3, 1.2, 1.4, 1.0, -0.5, 0.3, 0.1, -1.4, 0.0, -0.4, 2.0, 0.5, -0.1, 1.1, -0.8, -1.1, 0.3, -2.6, -0.3, 0.0, -0.9, 1.7, 0.6, -0.7, 0.7, 0.4, -0.1, 0.3, 1.3]
        static let label: [Double] = [1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
        static let rocThreshold: [Double] = [.infinity, 2.0, 1.7, 1.4, 1.3, 1.2, 1.1, 1.0, 0.7, 0.6, 0.5, 0.4, 0.3, 0.1, 0.0, -0.1, -0.2, -0.3, -0.4, -0.5, -0.7, -0.8, -0.9, -1.1, -1.4, -1.6, -2.6]
        static let rocFPR: [Double] = [0.0, 0.0, 0.0, 0.043478260869565216, 0.043478260869565216, 0.043478260869565216, 0.043478260869565216, 0.043478260869565216, 0.043478260869565216, 0.08695652173913043, 0.13043478260869565, 0.13043478260869565, 0.2608695652173913, 0.30434782608695654, 0.43478260869565216, 0.4782608695652174, 0.5217391304347826, 0.5217391304347826, 0.5217391304347826, 0.6086956521739131, 0.6521739130434783, 0.7391304347826086, 0.782608695652174, 0.8695652173913043, 0.9130434782608695, 0.9565217391304348, 1.0]
        static let rocTPR: [Double] = [0.0, 0.04, 0.12, 0.16, 0.2, 0.24, 0.28, 0.36, 0.4, 0.44, 0.52, 0.56, 0.6, 0.64, 0.76, 0.8, 0.8, 0.88, 0.92, 0.92, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
        static let auc = 0.7773913043478261
        static let ksScore: [Double] = [-2.6, -1.6, -1.4, -1.1, -0.9, -0.8, -0.7, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0, 1.1, 1.2, 1.3, 1.4, 1.7, 2.0]
        static let ksEventShare: [Double] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.08, 0.08, 0.12, 0.2, 0.2, 0.24, 0.36, 0.4, 0.44, 0.48, 0.56, 0.6, 0.64, 0.72, 0.76, 0.8, 0.84, 0.88, 0.96, 1.0]
        static let ksNonEventShare: [Double] = [0.043478260869565216, 0.08695652173913043, 0.13043478260869565, 0.21739130434782608, 0.2608695652173913, 0.34782608695652173, 0.391304347826087, 0.4782608695652174, 0.4782608695652174, 0.4782608695652174, 0.5217391304347826, 0.5652173913043478, 0.6956521739130435, 0.7391304347826086, 0.8695652173913043, 0.8695652173913043, 0.9130434782608695, 0.9565217391304348, 0.9565217391304348, 0.9565217391304348, 0.9565217391304348, 0.9565217391304348, 0.9565217391304348, 1.0, 1.0, 1.0]
        static let ks = 0.4295652173913043
        static let ksThreshold = 0.3
        static let gainsCount: [Int] = [4, 5, 5, 5, 5, 4, 5, 5, 5, 5]
        static let gainsEvents: [Int] = [4, 4, 4, 3, 1, 3, 2, 3, 1, 0]
        static let gainsLift: [Double] = [1.92, 1.536, 1.536, 1.152, 0.384, 1.44, 0.768, 1.152, 0.384, 0.0]
        static let gainsCumulativeShare: [Double] = [0.08333333333333333, 0.1875, 0.2916666666666667, 0.3958333333333333, 0.5, 0.5833333333333334, 0.6875, 0.7916666666666666, 0.8958333333333334, 1.0]
        static let gainsCumulativeEventShare: [Double] = [0.16, 0.32, 0.48, 0.6, 0.64, 0.76, 0.84, 0.96, 1.0, 1.0]
        static let gainsCumulativeLift: [Double] = [1.9200000000000002, 1.7066666666666668, 1.6457142857142855, 1.5157894736842106, 1.28, 1.3028571428571427, 1.2218181818181817, 1.2126315789473685, 1.1162790697674418, 1.0]
        static let gainsMin: [Double] = [1.4, 1.0, 0.5, 0.3, 0.0, 0.0, -0.3, -0.7, -0.9, -2.6]
        static let gainsMax: [Double] = [2.0, 1.4, 1.0, 0.5, 0.3, 0.0, 0.0, -0.3, -0.7, -1.1]
    }

    func testROCCurveMatchesScikitLearn() throws {
        let roc = try Metrics.rocCurve(scores: Reference.score, labels: Reference.label)
        XCTAssertEqual(roc.map(\.threshold), Reference.rocThreshold)
        XCTAssertEqual(roc.count, Reference.rocFPR.count)
        for (k, p) in roc.enumerated() where k < Reference.rocFPR.count {
            XCTAssertEqual(p.falsePositiveRate, Reference.rocFPR[k], accuracy: 1e-15, "FPR at \(p.threshold)")
            XCTAssertEqual(p.truePositiveRate, Reference.rocTPR[k], accuracy: 1e-15, "TPR at \(p.threshold)")
        }
        // The trapezoidal area under the curve is the AUC (ties give diagonal segments).
        var area = 0.0
        for (a, b) in zip(roc, roc.dropFirst()) {
            area += (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
        }
        XCTAssertEqual(area, Reference.auc, accuracy: 1e-12)
        XCTAssertEqual(try Metrics.auc(scores: Reference.score, labels: Reference.label), Reference.auc, accuracy: 1e-12)
    }

    func testKSCurveMatchesScipyAndDefinition() throws {
        let ks = try Metrics.ksCurve(scores: Reference.score, labels: Reference.label)
        XCTAssertEqual(ks.points.map(\.score), Reference.ksScore)
        for (k, p) in ks.points.enumerated() where k < Reference.ksScore.count {
            XCTAssertEqual(p.eventShare, Reference.ksEventShare[k], accuracy: 1e-15, "F1 at \(p.score)")
            XCTAssertEqual(p.nonEventShare, Reference.ksNonEventShare[k], accuracy: 1e-15, "F0 at \(p.score)")
        }
        XCTAssertEqual(ks.statistic, Reference.ks, accuracy: 1e-12)
        XCTAssertEqual(ks.threshold, Reference.ksThreshold)
        let summary = try Metrics.kolmogorovSmirnov(scores: Reference.score, labels: Reference.label)
        XCTAssertEqual(ks.statistic, summary.statistic)
        XCTAssertEqual(ks.threshold, summary.threshold)
    }

    func testGainsTableMatchesNumpy() throws {
        let gains = try Metrics.gainsTable(scores: Reference.score, labels: Reference.label)
        XCTAssertEqual(gains.rows.map(\.group), Array(1...10))
        XCTAssertEqual(gains.rows.map(\.count), Reference.gainsCount)
        XCTAssertEqual(gains.rows.map(\.events), Reference.gainsEvents)
        XCTAssertEqual(gains.rows.map(\.minScore), Reference.gainsMin)
        XCTAssertEqual(gains.rows.map(\.maxScore), Reference.gainsMax)
        for (k, row) in gains.rows.enumerated() where k < 10 {
            XCTAssertEqual(row.lift, Reference.gainsLift[k], accuracy: 1e-12, "lift \(k + 1)")
            XCTAssertEqual(row.cumulativeShare, Reference.gainsCumulativeShare[k], accuracy: 1e-12, "share \(k + 1)")
            XCTAssertEqual(row.cumulativeEventShare, Reference.gainsCumulativeEventShare[k], accuracy: 1e-12, "gain \(k + 1)")
            XCTAssertEqual(row.cumulativeLift, Reference.gainsCumulativeLift[k], accuracy: 1e-12, "cumulative lift \(k + 1)")
        }
        XCTAssertEqual(gains.eventRate, Reference.label.reduce(0, +) / Double(Reference.label.count))
    }

    func testCurvesRejectBadInput() {
        XCTAssertThrowsError(try Metrics.rocCurve(scores: [1, 2], labels: [1, 1])) {
            XCTAssertEqual(($0 as? MetricsError)?.code, .singleClass)
        }
        XCTAssertThrowsError(try Metrics.ksCurve(scores: [1, .nan], labels: [1, 0])) {
            XCTAssertEqual(($0 as? MetricsError)?.code, .nonFiniteScore)
        }
        XCTAssertThrowsError(try Metrics.gainsTable(scores: [1, 2, 3], labels: [1, 0, 1], groups: 10)) {
            XCTAssertEqual(($0 as? MetricsError)?.code, .tooFewRows)
        }
        XCTAssertThrowsError(try Metrics.gainsTable(scores: [1, 2], labels: [0, 0], groups: 2)) {
            XCTAssertEqual(($0 as? MetricsError)?.code, .singleClass)
        }
    }
}
