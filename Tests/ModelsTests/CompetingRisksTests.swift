import XCTest
import LinearAlgebra
@testable import Models

/// Cause-specific Cox models and cumulative incidence against R's multi-state
/// `coxph(Surv(time, factor(outcome)) ~ …, id =)` and `survfit(newdata)` with Breslow
/// ties (`scripts/fixtures_model_depth.R`, `Fixtures/depth/competing_*`), including an
/// outcome with a single event.
final class CompetingRisksTests: XCTestCase {
    let outcomes = ["paid", "settled", "written_off"]

    func data() throws -> (x: Matrix, time: [Double], outcome: [Int?]) {
        let (header, columns) = try LogisticFixtures.csv("competing.csv", folder: "depth")
        let col = { (name: String) in columns[header.firstIndex(of: name)!] }
        let n = col("time").count
        var x = Matrix(rows: n, cols: 2)
        for i in 0..<n { x[i, 0] = col("x1")[i]; x[i, 1] = col("x2")[i] }
        return (x, col("time"), col("outcome").map { $0 == 0 ? nil : Int($0) - 1 })
    }

    func testCauseSpecificFitsAndIncidenceMatchRMultiState() throws {
        let d = try data()
        XCTAssertEqual(d.outcome.filter { $0 == 2 }.count, 1, "written_off has a single event")
        let r = try CoxFixtures.reference("competing_breslow.json", folder: "depth")
        let model = try CompetingRisksRegression(cox: CoxRegression(ties: .breslow, tolerance: 1e-12))
            .fit(d.x, time: d.time, outcome: d.outcome, outcomes: outcomes, featureNames: ["x1", "x2"])
        let beta = try r.values("coefficients"), se = try r.values("separate_standard_errors")
        for k in 0..<3 {
            for j in 0..<2 {
                assertClose(model.causes[k].coefficients[j].estimate, beta[2 * k + j], "\(outcomes[k]) β\(j)")
                assertClose(model.causes[k].coefficients[j].standardError, se[2 * k + j], "\(outcomes[k]) se\(j)")
            }
        }
        let times = try r.values("times"), pstate = try r.values("pstate")
        let nt = times.count
        for (a, row) in [[try r.values("newdata_x1")[0], try r.values("newdata_x2")[0]],
                         [try r.values("newdata_x1")[1], try r.values("newdata_x2")[1]]].enumerated() {
            let curve = model.cumulativeIncidence(row, at: times)
            for t in 0..<nt {
                // pstate[t, a, state], column-major: t + nt·(a + 2·state)
                assertClose(curve.survival[t], pstate[t + nt * (a + 2 * 0)], rel: 1e-6, abs: 1e-9, "S(\(times[t])) account \(a)")
                for k in 0..<3 {
                    assertClose(curve.incidence[k][t], pstate[t + nt * (a + 2 * (k + 1))], rel: 1e-6, abs: 1e-9,
                                "CIF \(outcomes[k])(\(times[t])) account \(a)")
                }
                let total = curve.survival[t] + curve.incidence.reduce(0) { $0 + $1[t] }
                XCTAssertEqual(total, 1, accuracy: 1e-12)
            }
        }
    }

    /// Efron: the same product integral on the Efron cause-specific baselines, against the
    /// formula evaluated in R on `basehaz` of the Efron cause-specific fits.
    func testEfronIncidenceIsTheProductIntegralOfTheEfronBaselines() throws {
        let d = try data()
        let r = try CoxFixtures.reference("competing_efron.json", folder: "depth")
        let model = try CompetingRisksRegression(cox: CoxRegression(ties: .efron, tolerance: 1e-12))
            .fit(d.x, time: d.time, outcome: d.outcome, outcomes: outcomes, featureNames: ["x1", "x2"])
        let beta = try r.values("coefficients")
        for k in 0..<3 { for j in 0..<2 { assertClose(model.causes[k].coefficients[j].estimate, beta[2 * k + j], "Efron \(outcomes[k]) β\(j)") } }
        let times = try r.values("times"), curves = try r.values("curves"), nt = times.count
        for a in 0..<2 {
            let row = [try r.values("newdata_x1")[a], try r.values("newdata_x2")[a]]
            let curve = model.cumulativeIncidence(row, at: times)
            let base = a * 4 * nt
            for t in 0..<nt {
                assertClose(curve.survival[t], curves[base + t], rel: 1e-6, abs: 1e-9, "Efron S(\(times[t])) account \(a)")
                for k in 0..<3 {
                    assertClose(curve.incidence[k][t], curves[base + (k + 1) * nt + t], rel: 1e-6, abs: 1e-9,
                                "Efron CIF \(outcomes[k])(\(times[t])) account \(a)")
                }
            }
        }
    }

    func testAnOutcomeWithoutEventsIsNamed() throws {
        let d = try data()
        XCTAssertThrowsError(try CompetingRisksRegression().fit(d.x, time: d.time, outcome: d.outcome,
                                                                outcomes: outcomes + ["bankrupt"], featureNames: ["x1", "x2"])) {
            let e = $0 as! CoxError
            XCTAssertEqual(e.code, .noEvents)
            XCTAssertTrue(e.message.hasPrefix("outcome 'bankrupt'"), e.message)
        }
    }
}
