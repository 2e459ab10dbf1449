import XCTest
import LinearAlgebra
@testable import Models

/// Case weights (Cox and logistic) and strata (Cox) against R coxph/glm
/// (`scripts/fixtures_model_depth.R`, `Fixtures/depth/cox_weighted*`, `cox_strata_*`,
/// `logistic_weighted.json`). Integer weights, so R's variance is the model-based one.
final class WeightsAndStrataTests: XCTestCase {
    let features = ["x1", "x2", "x3", "x4"]

    private func column(_ name: String) throws -> [Double] {
        let (header, columns) = try LogisticFixtures.csv("cox_weighted.csv", folder: "depth")
        return columns[try XCTUnwrap(header.firstIndex(of: name))]
    }

    func testWeightedCoxMatchesR() throws {
        let d = try CoxFixtures.data("cox_weighted.csv", features: features, folder: "depth")
        let w = try column("w")
        for ties in [CoxTies.efron, .breslow] {
            let r = try CoxFixtures.reference("cox_weighted_\(ties.rawValue).json", folder: "depth")
            let model = try CoxRegression(ties: ties, tolerance: 1e-12)
                .fit(d.x, time: d.time, event: d.event, featureNames: features, weights: w)
            try assertCoefficients(model.coefficients, r, "\(ties) weighted")
            assertClose(model.nullLogLikelihood, try r.values("loglik")[0], "\(ties) weighted null loglik")
            assertClose(model.logLikelihood, try r.values("loglik")[1], "\(ties) weighted loglik")
            let times = try r.values("baseline_time"), hazard = try r.values("baseline_hazard")
            for (t, h) in zip(times, hazard) {
                assertClose(model.baselineCumulativeHazard(at: t), h, "\(ties) weighted H₀(\(t))")
            }
        }
    }

    func testWeightsAreNotRepeatedRows() throws {
        // Efron with weight 2 differs from the row given twice (the tied pair's Efron terms).
        let d = try CoxFixtures.data("cox_weighted.csv", features: features, folder: "depth")
        let w = try column("w")
        let weighted = try CoxRegression().fit(d.x, time: d.time, event: d.event, featureNames: features, weights: w)
        var rows: [Int] = []
        for i in 0..<d.x.rows { for _ in 0..<Int(w[i]) { rows.append(i) } }
        var x = Matrix(rows: rows.count, cols: features.count)
        for (k, i) in rows.enumerated() { for j in 0..<features.count { x[k, j] = d.x[i, j] } }
        let repeated = try CoxRegression().fit(x, time: rows.map { d.time[$0] }, event: rows.map { d.event[$0] },
                                               featureNames: features)
        XCTAssertGreaterThan(Swift.abs(weighted.coefficients[0].estimate - repeated.coefficients[0].estimate), 1e-4)
    }

    func testZeroOrNegativeWeightIsRefusedWithItsRow() throws {
        let d = try CoxFixtures.data("cox_weighted.csv", features: features, folder: "depth")
        var w = try column("w")
        w[17] = 0
        XCTAssertThrowsError(try CoxRegression().fit(d.x, time: d.time, event: d.event, featureNames: features, weights: w)) {
            let e = $0 as! CoxError
            XCTAssertEqual(e.code, .invalidWeight)
            XCTAssertEqual(e.row, 17)
        }
        w[17] = -1
        let (x, _) = try LogisticFixtures.design("cox_weighted.csv", features: features, label: "event", folder: "depth")
        XCTAssertThrowsError(try LogisticRegression().fit(x, d.event.map { $0 ? 1 : 0 }, featureNames: features, weights: w)) {
            let e = $0 as! LogisticError
            XCTAssertEqual(e.code, .invalidWeight)
            XCTAssertEqual(e.row, 17)
        }
    }

    func testStratifiedCoxMatchesRIncludingAStratumWithoutEvents() throws {
        let d = try CoxFixtures.data("cox_weighted.csv", features: features, folder: "depth")
        let strata = try column("stratum").map { Int($0) }
        XCTAssertFalse(zip(strata, d.event).contains { $0 == 2 && $1 }, "stratum 2 has no events")
        for ties in [CoxTies.efron, .breslow] {
            let r = try CoxFixtures.reference("cox_strata_\(ties.rawValue).json", folder: "depth")
            let model = try CoxRegression(ties: ties, tolerance: 1e-12)
                .fit(d.x, time: d.time, event: d.event, featureNames: features, strata: strata)
            try assertCoefficients(model.coefficients, r, "\(ties) stratified")
            assertClose(model.logLikelihood, try r.values("loglik")[1], "\(ties) stratified loglik")
            let baselines = try XCTUnwrap(model.stratumBaselines)
            XCTAssertEqual(baselines.map(\.stratum), [0, 1, 2])
            XCTAssertEqual(baselines[2].times, [], "no events in stratum 2")
            XCTAssertEqual(model.baselineCumulativeHazard(at: 365, stratum: 2), 0)
            let st = try r.values("baseline_stratum").map { Int($0) }
            let times = try r.values("baseline_time"), hazard = try r.values("baseline_hazard")
            for k in times.indices where st[k] < 2 {
                assertClose(model.baselineCumulativeHazard(at: times[k], stratum: st[k]), hazard[k],
                            "\(ties) H₀(\(times[k])) in stratum \(st[k])")
            }
            // Predictions use the account's own stratum's baseline.
            let row = (0..<features.count).map { d.x[0, $0] }
            XCTAssertNotEqual(model.survival(at: 90, x: row, stratum: 0), model.survival(at: 90, x: row, stratum: 1))
            XCTAssertEqual(model.survival(at: 90, x: row, stratum: 2), 1)
        }
    }

    func testWeightedLogisticMatchesGlm() throws {
        let (header, columns) = try LogisticFixtures.csv("cox_weighted.csv", folder: "depth")
        let col = { (name: String) in columns[header.firstIndex(of: name)!] }
        let n = col("time").count
        var x = Matrix(rows: n, cols: features.count)
        for i in 0..<n { for (j, f) in features.enumerated() { x[i, j] = col(f)[i] } }
        let y = (0..<n).map { col("event")[$0] == 1 && col("time")[$0] <= 90 ? 1.0 : 0.0 }
        let r = try LogisticFixtures.json("logistic_weighted.json", folder: "depth")
        let model = try LogisticRegression().fit(x, y, featureNames: features, weights: col("w"))
        let beta = doubles(r["coefficients"]), se = doubles(r["standard_errors"])
        for (k, c) in model.coefficients.enumerated() {
            assertRelative(c.estimate, beta[k], 1e-6, "weighted logistic β[\(c.name)]")
            assertRelative(c.standardError, se[k], 1e-6, "weighted logistic se[\(c.name)]")
        }
        assertRelative(model.deviance, number((r["deviance"] as? [Any])?.first), 1e-9, "weighted deviance")
        assertRelative(model.nullDeviance, number((r["null_deviance"] as? [Any])?.first), 1e-9, "weighted null deviance")
    }
}
