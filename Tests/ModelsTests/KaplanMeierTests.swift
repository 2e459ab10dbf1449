import Foundation
import XCTest
import Models
import _TestSupport

/// Kaplan–Meier against R `survival::survfit` (`Fixtures/km_*`, made by
/// `scripts/fixtures_km.R` with survival 3.5.3) and hand-computed cases.
final class KaplanMeierTests: XCTestCase {
    /// One data set (`km_<name>.csv`) and R's fit of it (`km_<name>.json`).
    private struct Case {
        var time: [Double]
        var event: [Bool]
        var reference: [String: [Double?]]

        func values(_ key: String) throws -> [Double?] { try XCTUnwrap(reference[key], "no field \(key)") }
        func value(_ key: String) throws -> Double? { try XCTUnwrap(values(key).first) }
    }

    private func load(_ name: String) throws -> Case {
        func url(_ file: String) throws -> URL {
            try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(file)", withExtension: nil), "missing fixture \(file)")
        }
        let text = try String(contentsOf: url("km_\(name).csv"), encoding: .utf8)
        var lines = text.split(separator: "\n")
        XCTAssertEqual(lines.removeFirst(), "time,event")
        var time: [Double] = [], event: [Bool] = []
        for line in lines {
            let cells = line.split(separator: ",")
            XCTAssertEqual(cells.count, 2)
            time.append(try XCTUnwrap(Double(String(cells[0]))))
            event.append(cells[1] == "1")
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url("km_\(name).json")))
        let fields = try XCTUnwrap(object as? [String: [Any]])
        let reference = fields.mapValues { $0.map { ($0 as? NSNumber)?.doubleValue } }
        return Case(time: time, event: event, reference: reference)
    }

    /// Every column of survfit at every distinct time, the median and the step lookups.
    private func assertMatchesR(_ name: String) throws {
        let c = try load(name)
        let level = try XCTUnwrap(c.value("conf_level"))
        let km = try KaplanMeier(time: c.time, event: c.event, confidenceLevel: level)
        let times = try c.values("time")
        XCTAssertEqual(km.steps.count, times.count, "\(name): distinct times")
        XCTAssertEqual(km.count, c.time.count)
        XCTAssertEqual(km.eventCount, c.event.filter { $0 }.count)
        let (nRisk, nEvent, nCensor) = (try c.values("n_risk"), try c.values("n_event"), try c.values("n_censor"))
        let (surv, stdErr, seSurv) = (try c.values("surv"), try c.values("std_err"), try c.values("se_surv"))
        let (lower, upper) = (try c.values("lower"), try c.values("upper"))
        for (j, s) in km.steps.enumerated() where j < times.count {
            let at = "\(name) t=\(s.time)"
            XCTAssertEqual(s.time, times[j], at)
            XCTAssertEqual(Double(s.atRisk), nRisk[j], "\(at) n.risk")
            XCTAssertEqual(Double(s.events), nEvent[j], "\(at) n.event")
            XCTAssertEqual(Double(s.censored), nCensor[j], "\(at) n.censor")
            assertClose(s.survival, try XCTUnwrap(surv[j]), rel: 1e-6, "\(at) surv")
            // R: Inf (null in the JSON) once S = 0; NaN/NA (null) for the SE of S and the bands.
            if let r = stdErr[j] { assertClose(s.logStandardError, r, rel: 1e-6, "\(at) std.err") } else {
                XCTAssertEqual(s.logStandardError, .infinity, "\(at) std.err")
            }
            for (ours, theirs, what) in [(s.standardError, seSurv[j], "SE(S)"), (s.lower, lower[j], "lower"),
                                         (s.upper, upper[j], "upper")] {
                switch (ours, theirs) {
                case let (a?, b?): assertClose(a, b, rel: 1e-6, "\(at) \(what)")
                case (nil, nil): break
                default: XCTFail("\(at) \(what): \(String(describing: ours)) vs R \(String(describing: theirs))")
                }
            }
        }
        let median = try c.value("median")
        XCTAssertEqual(km.median, median, "\(name) median")
        for (t, s) in zip(try c.values("lookup_times"), try c.values("lookup_surv")) {
            assertClose(km.survival(at: try XCTUnwrap(t)), try XCTUnwrap(s), rel: 1e-6, "\(name) S(\(t ?? .nan))")
        }
    }

    func testLungMatchesSurvfit() throws { try assertMatchesR("lung") }

    /// Whole days with heavy ties, 90 % bands, 72 rows censored at the last time (day 120).
    func testTiedWholeDaysMatchSurvfit() throws {
        try assertMatchesR("days")
        let km = try KaplanMeier(time: try load("days").time, event: try load("days").event, confidenceLevel: 0.9)
        let last = try XCTUnwrap(km.steps.last)
        XCTAssertEqual(last.time, 120)
        XCTAssertGreaterThan(last.censored, 50)
        XCTAssertGreaterThan(last.survival, 0)
    }

    /// S reaches 0: R's std.err is Inf and the bands are NA.
    func testSurvivalReachingZeroMatchesSurvfit() throws { try assertMatchesR("tiny") }

    /// S = ½ on an interval: the median is the midpoint, as quantile.survfit.
    func testMedianMidpointRuleMatchesSurvfit() throws { try assertMatchesR("half") }

    // MARK: Hand-computed cases

    func testHandComputedGreenwood() throws {
        // Times 1, 2, 2+, 3: S = 3/4, 3/4·(2/3)… n = 4, 3, 1.
        let km = try KaplanMeier(time: [3, 1, 2, 2], event: [true, true, true, false])
        XCTAssertEqual(km.steps.map(\.time), [1, 2, 3])
        XCTAssertEqual(km.steps.map(\.atRisk), [4, 3, 1])
        XCTAssertEqual(km.steps.map(\.censored), [0, 1, 0])
        XCTAssertEqual(km.steps[1].survival, 0.5, accuracy: 1e-15)
        // σ² = 1/(4·3) + 1/(3·2) = 1/4.
        XCTAssertEqual(km.steps[1].logStandardError, 0.5, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(km.steps[1].standardError), 0.25, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(km.steps[1].lower), 0.5 * exp(-1.959963984540054 * 0.5), accuracy: 1e-12)
        XCTAssertEqual(km.steps[2].survival, 0)
        XCTAssertNil(km.steps[2].upper)
        XCTAssertEqual(km.survival(at: 0.5), 1)
        XCTAssertEqual(km.survival(at: 2.9), 0.5, accuracy: 1e-15)
        XCTAssertEqual(km.recovered(at: 1), 0.25, accuracy: 1e-15)
        XCTAssertNil(km.step(at: 0.99))
    }

    func testAllCensoredStaysAtOneWithoutMedian() throws {
        let km = try KaplanMeier(time: [5, 2, 9], event: [false, false, false])
        XCTAssertEqual(km.steps.map(\.survival), [1, 1, 1])
        XCTAssertEqual(km.steps.map(\.upper), [1, 1, 1])
        XCTAssertNil(km.median)
        XCTAssertEqual(km.eventCount, 0)
    }

    func testBadInputThrows() {
        XCTAssertThrowsError(try KaplanMeier(time: [], event: [])) {
            XCTAssertEqual(($0 as? KaplanMeierError)?.code, .empty)
        }
        XCTAssertThrowsError(try KaplanMeier(time: [1, .nan], event: [true, true])) {
            XCTAssertEqual(($0 as? KaplanMeierError)?.code, .nonFiniteTime)
            XCTAssertEqual(($0 as? KaplanMeierError)?.row, 1)
        }
        XCTAssertThrowsError(try KaplanMeier(time: [-1], event: [true])) {
            XCTAssertEqual(($0 as? KaplanMeierError)?.code, .negativeTime)
        }
    }

    func testStandardNormalQuantile() {
        XCTAssertEqual(standardNormalQuantile(0.975), 1.959963984540054, accuracy: 1e-14)
        XCTAssertEqual(standardNormalQuantile(0.95), 1.6448536269514722, accuracy: 1e-14)
        XCTAssertEqual(standardNormalQuantile(0.5), 0, accuracy: 1e-15)
        XCTAssertEqual(standardNormalQuantile(1e-10), -6.361340902404056, accuracy: 1e-12)
        XCTAssertEqual(standardNormalQuantile(0.01), -standardNormalQuantile(0.99), accuracy: 1e-14)
    }
}
