import XCTest
import LinearAlgebra
@testable import Models

/// `CoxModel.proportionalHazardsTest` against R `cox.zph` (transform "km"), from
/// `scripts/fixtures_model_depth.R` (`Fixtures/depth/zph_*.json`).
final class ProportionalHazardsTests: XCTestCase {
    private func check(data: String, folder: String, json: String, file: StaticString = #filePath, line: UInt = #line) throws
        -> ProportionalHazardsTest {
        let reference = try CoxFixtures.reference(json, folder: "depth")
        let features = try reference.strings("features")
        let ties = try XCTUnwrap(CoxTies(rawValue: try reference.strings("ties")[0]))
        let d = try CoxFixtures.data(data, features: features, folder: folder)
        let model = try CoxRegression(ties: ties, tolerance: 1e-12).fit(d.x, time: d.time, event: d.event, featureNames: features)
        let test = try XCTUnwrap(model.proportionalHazardsTest(d.x, time: d.time, event: d.event))
        let chisq = try reference.values("chisq"), p = try reference.values("p")
        for (j, term) in test.features.enumerated() {
            XCTAssertEqual(term.name, features[j], file: file, line: line)
            assertClose(term.chiSquare, chisq[j], "\(json) χ² \(term.name)", file: file, line: line)
            assertClose(term.pValue, p[j], "\(json) p \(term.name)", file: file, line: line)
        }
        assertClose(test.global.chiSquare, chisq[features.count], "\(json) global χ²", file: file, line: line)
        assertClose(test.global.pValue, p[features.count], "\(json) global p", file: file, line: line)
        XCTAssertEqual(test.global.degreesOfFreedom, features.count, file: file, line: line)
        // The scaled Schoenfeld residuals (cox.zph's $y against $x), first and last event.
        let residuals = try XCTUnwrap(model.scaledSchoenfeldResiduals(d.x, time: d.time, event: d.event))
        let x = try reference.values("x"), first = try reference.values("y_first"), last = try reference.values("y_last")
        XCTAssertEqual(residuals.transformedTime.count, x.count, file: file, line: line)
        for (k, v) in x.enumerated() { assertClose(residuals.transformedTime[k], v, "\(json) x[\(k)]", file: file, line: line) }
        for j in features.indices {
            assertClose(residuals.residuals[0, j], first[j], "\(json) y[first, \(j)]", file: file, line: line)
            assertClose(residuals.residuals[x.count - 1, j], last[j], "\(json) y[last, \(j)]", file: file, line: line)
        }
        return test
    }

    func testViolationByConstructionIsDetectedAsCoxZph() throws {
        for ties in ["efron", "breslow"] {
            let test = try check(data: "cox_nonph.csv", folder: "depth", json: "zph_nonph_\(ties).json")
            XCTAssertEqual(test.violations().map(\.name), ["x1"], "x1's effect flips at day 60")
            let warning = try XCTUnwrap(test.warning)
            XCTAssertTrue(warning.contains("x1"), warning)
            XCTAssertFalse(warning.contains("x2"), warning)
        }
    }

    func testLungMatchesCoxZph() throws {
        _ = try check(data: "lung.csv", folder: "cox", json: "zph_lung_efron.json")
        _ = try check(data: "lung.csv", folder: "cox", json: "zph_lung_breslow.json")
    }
}
