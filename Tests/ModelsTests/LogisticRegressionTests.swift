import Foundation
import XCTest
import LinearAlgebra
import Models
import _TestSupport

/// Maximum-likelihood and L2 fits against statsmodels / scikit-learn
/// (`scripts/fixtures_logistic.py`), and properties of the fitted model.
final class LogisticRegressionTests: XCTestCase {
    private let synthFeatures = ["balance", "days_past_due", "utilization", "months_since_payment", "pay_ratio"]

    private func assertMatchesStatsmodels(_ model: LogisticModel, _ ref: [String: Any],
                                          file: StaticString = #filePath, line: UInt = #line) {
        let params = doubles(ref["params"]), bse = doubles(ref["bse"])
        XCTAssertEqual(model.coefficients.map(\.name), ref["names"] as? [String], file: file, line: line)
        XCTAssertEqual(params.count, model.coefficients.count, file: file, line: line)
        for (c, (b, se)) in zip(model.coefficients, zip(params, bse)) {
            assertRelative(c.estimate, b, 1e-6, "\(c.name) estimate", file: file, line: line)
            assertRelative(c.standardError, se, 1e-6, "\(c.name) standard error", file: file, line: line)
        }
        for (c, (z, pv)) in zip(model.coefficients, zip(doubles(ref["z"]), doubles(ref["pvalues"]))) {
            assertRelative(c.z, z, 1e-6, "\(c.name) Wald z", file: file, line: line)
            assertRelative(c.pValue, pv, 1e-6, "\(c.name) p-value", file: file, line: line)
        }
        let cov = (ref["cov"] as? [Any] ?? []).map(doubles)
        for j in cov.indices { for k in cov.indices {
            assertRelative(model.covariance[j][k], cov[j][k], 1e-6, "cov[\(j)][\(k)]", file: file, line: line)
        } }
        assertRelative(model.logLikelihood, number(ref["llf"]), 1e-6, "log-likelihood", file: file, line: line)
        assertRelative(model.nullLogLikelihood, number(ref["llnull"]), 1e-6, "null log-likelihood", file: file, line: line)
        assertRelative(model.aic, number(ref["aic"]), 1e-6, "AIC", file: file, line: line)
        XCTAssertEqual(model.nObs, (ref["nobs"] as? NSNumber)?.intValue, file: file, line: line)
        XCTAssertEqual(model.nEvents, (ref["events"] as? NSNumber)?.intValue, file: file, line: line)
        XCTAssertTrue(model.converged, file: file, line: line)
    }

    func testSpectorMatchesStatsmodelsAndPublishedValues() throws {
        let names = ["GPA", "TUCE", "PSI"]
        let (x, y) = try LogisticFixtures.design("spector.csv", features: names, label: "GRADE")
        let model = try LogisticRegression().fit(x, y, featureNames: names)
        let ref = try LogisticFixtures.json("spector_statsmodels.json")
        assertMatchesStatsmodels(model, ref)
        // Published values as printed (3 decimals): agree to half a unit in the last place.
        let published = try XCTUnwrap(ref["published"] as? [String: Any])
        for (c, b) in zip(model.coefficients, doubles(published["params"])) {
            XCTAssertEqual(c.estimate, b, accuracy: 5e-4, c.name)
        }
        for (c, se) in zip(model.coefficients, doubles(published["bse"])) {
            XCTAssertEqual(c.standardError, se, accuracy: 5e-4, c.name)
        }
        XCTAssertEqual(model.logLikelihood, number(published["llf"]), accuracy: 5e-4)
        XCTAssertEqual(model.nullLogLikelihood, number(published["llnull"]), accuracy: 5e-4)
        XCTAssertGreaterThanOrEqual(model.iterations, 3)
        XCTAssertLessThanOrEqual(model.iterations, 12)
    }

    func testSyntheticPortfolioMatchesStatsmodels() throws {
        let (x, y) = try LogisticFixtures.design("synthetic.csv", features: synthFeatures, label: "recovered")
        let model = try LogisticRegression().fit(x, y, featureNames: synthFeatures)
        assertMatchesStatsmodels(model, try LogisticFixtures.json("synthetic_statsmodels.json"))
        XCTAssertEqual(model.l2, 0)
    }

    func testL2PenaltyOnStandardizedSlopesMatchesScikitLearn() throws {
        let (x, y) = try LogisticFixtures.design("synthetic.csv", features: synthFeatures, label: "recovered")
        let ref = try LogisticFixtures.json("synthetic_l2_sklearn.json")
        let fits = try XCTUnwrap(ref["fits"] as? [[String: Any]])
        XCTAssertEqual(fits.count, 2)
        let unpenalized = try LogisticRegression().fit(x, y, featureNames: synthFeatures)
        for fit in fits {
            let lambda = number(fit["l2"])
            let model = try LogisticRegression(l2: lambda).fit(x, y, featureNames: synthFeatures)
            XCTAssertEqual(model.l2, lambda)
            for (c, (b, se)) in zip(model.coefficients, zip(doubles(fit["params"]), doubles(fit["bse"]))) {
                assertRelative(c.estimate, b, 1e-6, "λ=\(lambda) \(c.name) estimate")
                assertRelative(c.standardError, se, 1e-6, "λ=\(lambda) \(c.name) standard error")
            }
            // Standardized slopes: β̃ⱼ = βⱼ·sⱼ.
            let std = doubles(fit["standardized_params"])
            for j in 1..<std.count {
                assertRelative(model.coefficients[j].estimate * model.standardization.standardDeviations[j - 1],
                               std[j], 1e-6, "λ=\(lambda) standardized \(synthFeatures[j - 1])")
            }
            assertRelative(model.logLikelihood, number(fit["llf"]), 1e-9, "λ=\(lambda) log-likelihood")
            // The penalty shrinks: a lower likelihood than the MLE.
            XCTAssertLessThan(model.logLikelihood, unpenalized.logLikelihood)
        }
    }

    func testScoringIsOneLinearPredictorThroughTheLogistic() throws {
        let (x, y) = try LogisticFixtures.design("synthetic.csv", features: synthFeatures, label: "recovered")
        let model = try LogisticRegression().fit(x, y, featureNames: synthFeatures)
        let eta = model.linearPredictor(x), p = model.probability(x)
        var ll = 0.0
        for i in 0..<x.rows {
            var e = model.intercept
            for j in 0..<x.cols { e += model.slopes[j] * x[i, j] }
            XCTAssertEqual(eta[i], e, accuracy: 1e-12 * max(1, abs(e)))
            XCTAssertEqual(p[i], 1 / (1 + exp(-e)), accuracy: 1e-14)
            ll += y[i] == 1 ? log(p[i]) : log1p(-p[i])
        }
        assertRelative(ll, model.logLikelihood, 1e-10, "Σ log-likelihood from probability()")
        // Pure: the same input gives the same output; a buffer of the wrong size is resized.
        XCTAssertEqual(model.probability(x), p)
        var buffer: [Double] = []
        model.linearPredictor(x, into: &buffer)
        XCTAssertEqual(buffer, eta)
    }

    func testRescalingAFeatureRescalesItsCoefficientOnly() throws {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<4 {
            let n = 300, p = 3
            var x = Matrix(rows: n, cols: p)
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                for j in 0..<p { x[i, j] = Double.random(in: -2...2, using: &rng) * Double(j + 1) }
                let eta = 0.3 + 0.8 * x[i, 0] - 0.5 * x[i, 1] + 0.2 * x[i, 2]
                y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0
            }
            let names = ["a", "b", "c"]
            let base = try LogisticRegression().fit(x, y, featureNames: names)
            let factor = Double.random(in: 10...1000, using: &rng), shift = Double.random(in: -50...50, using: &rng)
            var scaled = x
            for i in 0..<n { scaled[i, 1] = x[i, 1] * factor + shift }
            let refit = try LogisticRegression().fit(scaled, y, featureNames: names)
            assertRelative(refit.coefficients[2].estimate * factor, base.coefficients[2].estimate, 1e-8, "trial \(trial) slope")
            assertRelative(refit.coefficients[2].standardError * factor, base.coefficients[2].standardError, 1e-8, "trial \(trial) SE")
            assertRelative(refit.coefficients[1].estimate, base.coefficients[1].estimate, 1e-8, "trial \(trial) other slope")
            // The intercept absorbs the shift: β₀' = β₀ − β_b·shift/factor.
            assertRelative(refit.intercept, base.intercept - base.coefficients[2].estimate * shift / factor, 1e-8,
                           "trial \(trial) intercept")
            assertRelative(refit.logLikelihood, base.logLikelihood, 1e-12, "trial \(trial) log-likelihood")
        }
    }

    /// 40 000 rows run in 9 concurrent stripes: the estimate must solve the score
    /// equations Σ(yᵢ − pᵢ)·xᵢ = 0 (checked naively here) and be bitwise reproducible.
    func testStripedFitSolvesTheScoreEquations() throws {
        var rng = SeededGenerator(seed: 21)
        let n = 40_000, p = 4
        var x = Matrix(rows: n, cols: p)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<p { x[i, j] = Double.random(in: -1...1, using: &rng) * pow(10, Double(j)) + Double(j * 100) }
            let eta = -1 + 0.9 * (x[i, 0]) - 0.03 * (x[i, 1] - 100) + 0.002 * (x[i, 2] - 200)
            y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let names = ["a", "b", "c", "d"]
        let model = try LogisticRegression().fit(x, y, featureNames: names)
        let prob = model.probability(x)
        var score = [Double](repeating: 0, count: p + 1), ll = 0.0
        for i in 0..<n {
            let r = y[i] - prob[i]
            score[0] += r
            for j in 0..<p { score[j + 1] += r * x[i, j] }
            ll += y[i] == 1 ? log(prob[i]) : log1p(-prob[i])
        }
        // Each score component relative to its scale Σ|xᵢⱼ|·p̄(1 − p̄).
        XCTAssertEqual(score[0] / Double(n), 0, accuracy: 1e-10)
        for j in 0..<p {
            let scale = (0..<n).reduce(0.0) { $0 + abs(x[$1, j]) } / Double(n)
            XCTAssertEqual(score[j + 1] / Double(n) / scale, 0, accuracy: 1e-10, names[j])
        }
        assertRelative(ll, model.logLikelihood, 1e-10, "log-likelihood")
        XCTAssertEqual(try LogisticRegression().fit(x, y, featureNames: names), model)
    }

    func testInterceptOnlyFitIsTheEventRate() throws {
        let y: [Double] = [1, 0, 0, 1, 0, 0, 0, 1]
        let model = try LogisticRegression().fit(Matrix(rows: 8, cols: 0), y, featureNames: [])
        XCTAssertEqual(model.intercept, log(3.0 / 5.0), accuracy: 1e-12)
        // SE of logit(p̂) = 1/√(n·p̂(1 − p̂)).
        XCTAssertEqual(model.coefficients[0].standardError, 1 / (8 * 3.0 / 8 * 5.0 / 8).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(model.logLikelihood, model.nullLogLikelihood, accuracy: 1e-12)
    }

    func testModelRoundTripsThroughJSON() throws {
        let names = ["GPA", "TUCE", "PSI"]
        let (x, y) = try LogisticFixtures.design("spector.csv", features: names, label: "GRADE")
        let model = try LogisticRegression(l2: 0.5).fit(x, y, featureNames: names)
        let data = try JSONEncoder().encode(model)
        let decoded = try JSONDecoder().decode(LogisticModel.self, from: data)
        XCTAssertEqual(decoded, model)
        XCTAssertEqual(decoded.probability(x), model.probability(x))
        XCTAssertEqual(decoded.featureNames, names)
    }

    func testDecodingRejectsAMisshapenModel() throws {
        let names = ["GPA", "TUCE", "PSI"]
        let (x, y) = try LogisticFixtures.design("spector.csv", features: names, label: "GRADE")
        var model = try LogisticRegression().fit(x, y, featureNames: names)
        model.covariance.removeLast()
        let data = try JSONEncoder().encode(model)
        XCTAssertThrowsError(try JSONDecoder().decode(LogisticModel.self, from: data)) { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(context.debugDescription.contains("must be 4×4"), context.debugDescription)
        }
    }

    func testLogisticAndSoftplusAreStableAtExtremes() {
        XCTAssertEqual(logistic(0), 0.5)
        XCTAssertEqual(logistic(800), 1)
        XCTAssertEqual(logistic(-800), 0)
        XCTAssertEqual(logistic(-40), exp(-40) / (1 + exp(-40)))   // relative precision kept
        XCTAssertGreaterThan(logistic(-700), 0)
        XCTAssertEqual(softplus(800), 800)
        XCTAssertEqual(softplus(-40), exp(-40), accuracy: 1e-30)
        XCTAssertEqual(softplus(0), log(2), accuracy: 1e-16)
        for eta in stride(from: -30.0, through: 30.0, by: 0.7) {
            XCTAssertEqual(softplus(eta), log(1 + exp(eta)), accuracy: 1e-13 * max(1, eta))
            XCTAssertEqual(logistic(eta) + logistic(-eta), 1, accuracy: 1e-15)
        }
    }

    func testStandardizationUsesPopulationSD() {
        let x = Matrix([[1, 10], [2, 10], [3, 40], [6, 20]])
        let s = Standardization(fitting: x)
        XCTAssertEqual(s.means, [3, 20])
        XCTAssertEqual(s.standardDeviations[0], (14.0 / 4).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(s.standardDeviations[1], (600.0 / 4).squareRoot(), accuracy: 1e-13)
        let z = s.designWithIntercept(x)
        XCTAssertEqual(z.cols, 3)
        XCTAssertEqual(z[2, 0], 1)
        XCTAssertEqual(z[3, 1], 3 / (14.0 / 4).squareRoot(), accuracy: 1e-15)
    }
}
