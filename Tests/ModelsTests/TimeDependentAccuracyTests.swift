import XCTest
@testable import Models

/// `TimeDependentAccuracy` against scikit-survival 0.28 (`scripts/fixtures_time_dependent.py`,
/// `Fixtures/depth/time_dependent_*.json`).
final class TimeDependentAccuracyTests: XCTestCase {
    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try LogisticFixtures.json("time_dependent_\(name).json", folder: "depth")
        let d = try CoxFixtures.data("ties.csv", features: [])
        let rows = doubles(r["rows"]).map { Int($0) }
        let times = doubles(r["times"]), risk = doubles(r["risk"])
        let time = rows.map { d.time[$0] }, event = rows.map { d.event[$0] }
        var survival: [Double] = []
        for eta in risk { for t in times { survival.append(exp(-(t / 150) * exp(eta))) } }
        let m = try XCTUnwrap(TimeDependentAccuracy(time: time, event: event, risk: risk, survival: survival,
                                                    horizons: times, truncation: number(r["tau"])))
        for (k, v) in doubles(r["auc"]).enumerated() { assertClose(m.auc[k], v, "\(name) AUC(\(times[k]))", file: file, line: line) }
        for (k, v) in doubles(r["brier"]).enumerated() { assertClose(m.brier[k], v, "\(name) Brier(\(times[k]))", file: file, line: line) }
        assertClose(m.meanAUC, number(r["mean_auc"]), "\(name) mean AUC", file: file, line: line)
        assertClose(m.integratedBrier, number(r["integrated_brier"]), "\(name) IBS", file: file, line: line)
        assertClose(m.unoC, number(r["uno_c"]), "\(name) Uno's C", file: file, line: line)
    }

    func testMatchesScikitSurvivalOnTieHeavyDays() throws { try check("ties") }
    func testMatchesScikitSurvivalBetweenEventDays() throws { try check("small") }

    func testHorizonPastTheFollowUpHasNoWeights() {
        let m = TimeDependentAccuracy(time: [1, 2, 3, 4], event: [true, false, false, true], risk: [1, 2, 3, 4],
                                      survival: [0.5, 0.5, 0.5, 0.5], horizons: [10], truncation: 10)
        XCTAssertNil(m, "Ĝ is undefined past the last observed day")
    }

    /// The longest follow-up censored at the end makes Ĝ 0 there; an event on that last
    /// day lies past every horizon and τ, so the metrics still exist (and ignore it).
    func testZeroCensoringCurveAfterTheHorizonsIsHarmless() throws {
        let time: [Double] = [1, 2, 3, 4, 5, 9, 9, 9], event = [true, false, true, true, false, true, false, false]
        let risk: [Double] = [8, 1, 6, 5, 2, 3, 0, 1]
        let m = try XCTUnwrap(TimeDependentAccuracy(time: time, event: event, risk: risk,
                                                    survival: [Double](repeating: 0.5, count: 8), horizons: [3], truncation: 5))
        // Cases by day 3: rows 0 (weight 1) and 2 (1/Ĝ(3) = 7/6); controls: rows 3…7. Row 0
        // outranks all 5 controls, row 2 outranks 4 of them and ties none.
        assertClose(m.auc[0], (1 * 5 + 7.0 / 6 * 5) / ((1 + 7.0 / 6) * 5), "AUC by hand")
    }
}
