import XCTest
import LinearAlgebra
@testable import Models

/// Firth's logistic regression against R brglm2 (`scripts/fixtures_model_depth.R`,
/// `Fixtures/depth/firth_*`), and Cox with every event on one day against R coxph.
final class FirthRegressionTests: XCTestCase {
    private func checkFirth(data: String, json: String, features: [String], label: String = "y",
                            folder: String = "depth", file: StaticString = #filePath, line: UInt = #line) throws {
        let (x, y) = try LogisticFixtures.design(data, features: features, label: label, folder: folder)
        let reference = try LogisticFixtures.json(json, folder: "depth")
        let model = try LogisticRegression(firth: true).fit(x, y, featureNames: features)
        XCTAssertTrue(model.firth, file: file, line: line)
        let beta = doubles(reference["coefficients"]), se = doubles(reference["standard_errors"])
        XCTAssertEqual(model.coefficients.count, beta.count, file: file, line: line)
        for (k, c) in model.coefficients.enumerated() {
            assertRelative(c.estimate, beta[k], 1e-6, "\(json) β[\(c.name)]", file: file, line: line)
            assertRelative(c.standardError, se[k], 1e-6, "\(json) se[\(c.name)]", file: file, line: line)
        }
        assertRelative(model.logLikelihood, number((reference["loglik"] as? [Any])?.first), 1e-9,
                       "\(json) log-likelihood", file: file, line: line)
        assertRelative(try XCTUnwrap(model.penalizedLogLikelihood), number((reference["penalized_loglik"] as? [Any])?.first),
                       1e-9, "\(json) penalized log-likelihood", file: file, line: line)
    }

    func testFirthMatchesBrglm2UnderQuasiCompleteSeparation() throws {
        try checkFirth(data: "firth_quasi.csv", json: "firth_quasi.json", features: ["x1", "x2", "flag"])
    }

    func testFirthMatchesBrglm2UnderCompleteSeparation() throws {
        try checkFirth(data: "firth_complete.csv", json: "firth_complete.json", features: ["x1", "x2"])
    }

    func testFirthMatchesBrglm2WithoutSeparation() throws {
        try checkFirth(data: "spector.csv", json: "firth_spector.json", features: ["GPA", "TUCE", "PSI"],
                       label: "GRADE", folder: "logistic")
    }

    func testMaximumLikelihoodRefusesTheSeparatedDataAndSuggestsFirth() throws {
        let (x, y) = try LogisticFixtures.design("firth_quasi.csv", features: ["x1", "x2", "flag"], label: "y", folder: "depth")
        do {
            _ = try LogisticRegression().fit(x, y, featureNames: ["x1", "x2", "flag"])
            XCTFail("the ML fit of separated data must be refused")
        } catch {
            XCTAssertEqual(error.code, .separation)
            XCTAssertEqual(error.features.first, "flag")
            XCTAssertTrue(error.message.contains("firth: true"), error.message)
            XCTAssertNotNil(error.diagnosis)
        }
    }

    /// Every recovery on day 30, censoring on other days: R coxph fits it, and so do we.
    func testCoxFitsEveryEventOnOneDayAsR() throws {
        let d = try CoxFixtures.data("cox_oneday.csv", features: ["z1", "z2"], folder: "depth")
        for ties in [CoxTies.efron, .breslow] {
            let r = try CoxFixtures.reference("cox_oneday_\(ties.rawValue).json", folder: "depth")
            let model = try CoxRegression(ties: ties, tolerance: 1e-12).fit(d.x, time: d.time, event: d.event,
                                                                            featureNames: ["z1", "z2"])
            try assertCoefficients(model.coefficients, r, "\(ties) one day")
            assertClose(model.logLikelihood, try r.values("loglik")[1], "\(ties) loglik")
            XCTAssertEqual(model.baselineTimes, [30])
            let times = try r.values("baseline_time"), hazard = try r.values("baseline_hazard")
            let at30 = try XCTUnwrap(times.firstIndex(of: 30))
            assertClose(model.baselineCumulativeHazard(at: 30), hazard[at30], "\(ties) H₀(30) at x = 0")
            XCTAssertEqual(model.baselineCumulativeHazard(at: 29), 0)
        }
    }
}

/// One Newton step past the stopping rule: default-tolerance fits equal the optimum
/// (a fit with a far tighter rule) to 1e-10, not only to the stopping point.
final class ConvergencePolishTests: XCTestCase {
    func testCoxDefaultFitIsTheOptimumTo1e10() throws {
        let d = try CoxFixtures.data("lung.csv", features: ["age", "sex", "ph_ecog", "ph_karno", "pat_karno", "wt_loss"])
        let names = ["age", "sex", "ph_ecog", "ph_karno", "pat_karno", "wt_loss"]
        let loose = try CoxRegression(tolerance: 1e-5).fit(d.x, time: d.time, event: d.event, featureNames: names)
        let tight = try CoxRegression(maxIterations: 100, tolerance: 1e-15).fit(d.x, time: d.time, event: d.event, featureNames: names)
        for (a, b) in zip(loose.coefficients, tight.coefficients) {
            XCTAssertEqual(a.estimate, b.estimate, accuracy: 1e-10 * max(1, Swift.abs(b.estimate)), a.name)
        }
    }

    func testLogisticDefaultFitIsTheOptimumTo1e10() throws {
        let (x, y) = try LogisticFixtures.design("spector.csv", features: ["GPA", "TUCE", "PSI"], label: "GRADE")
        let loose = try LogisticRegression(tolerance: 1e-6).fit(x, y, featureNames: ["GPA", "TUCE", "PSI"])
        // The score Xᵀ(y − p) vanishes at the optimum.
        let p = loose.probability(x)
        for j in 0..<3 {
            var g = 0.0
            for i in 0..<x.rows { g += (y[i] - p[i]) * x[i, j] }
            XCTAssertEqual(g, 0, accuracy: 1e-10, "score of column \(j)")
        }
    }
}
