import XCTest
import LinearAlgebra
import Models
import _TestSupport

/// Agreement with R `survival::coxph`, `basehaz`, `survfit` and `concordance` at 1e-6
/// relative, for Efron and Breslow ties (fixtures from `scripts/fixtures_cox.R`).
final class CoxRegressionTests: XCTestCase {
    private static let lungFeatures = ["age", "sex", "ph_ecog", "ph_karno", "pat_karno", "wt_loss"]
    private static let veteranFeatures = ["trt", "karno", "diagtime", "age", "prior", "smallcell", "adeno", "large"]
    private static let tiesFeatures = ["x1", "x2", "x3", "x4"]

    /// Fits `data` like the R reference `json` and checks every exported quantity.
    private func checkAgainstR(data: String, json: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let ref = try CoxFixtures.reference(json)
        let features = try ref.strings("features")
        let ties = try XCTUnwrap(CoxTies(rawValue: try ref.strings("ties")[0]))
        let d = try CoxFixtures.data(data, features: features)
        let model = try CoxRegression(ties: ties).fit(d.x, time: d.time, event: d.event, featureNames: features)

        XCTAssertTrue(model.converged, file: file, line: line)
        XCTAssertEqual(model.ties, ties, file: file, line: line)
        XCTAssertEqual(model.nObs, Int(try ref.value("n")), file: file, line: line)
        XCTAssertEqual(model.nEvents, Int(try ref.value("nevent")), file: file, line: line)
        XCTAssertEqual(model.featureNames, features, file: file, line: line)
        for (j, (b, se)) in zip(try ref.values("coefficients"), try ref.values("standard_errors")).enumerated() {
            assertClose(model.coefficients[j].estimate, b, "\(json) β[\(features[j])]", file: file, line: line)
            assertClose(model.coefficients[j].standardError, se, "\(json) se[\(features[j])]", file: file, line: line)
            assertClose(model.covariance[j][j], se * se, "\(json) var[\(features[j])]", file: file, line: line)
        }
        let ll = try ref.values("loglik")
        assertClose(model.nullLogLikelihood, ll[0], "\(json) ℓ(0)", file: file, line: line)
        assertClose(model.logLikelihood, ll[1], "\(json) ℓ(β̂)", file: file, line: line)
        assertClose(model.likelihoodRatioTest.statistic, try ref.value("lr_statistic"), "\(json) LR", file: file, line: line)
        XCTAssertEqual(model.likelihoodRatioTest.df, features.count, file: file, line: line)
        // survival ≥ 3 reports (and centres fit$linear.predictors on) mean 0 for a 0/1
        // covariate; the model centres every feature on its mean.
        let rMeans = try ref.values("means")
        for (j, m) in rMeans.enumerated() {
            let binary = (0..<d.x.rows).allSatisfy { d.x[$0, j] == 0 || d.x[$0, j] == 1 }
            assertClose(model.means[j], binary ? model.means[j] : m, "\(json) mean[\(features[j])]", file: file, line: line)
            if binary { XCTAssertEqual(m, 0, "\(json) R mean of 0/1 feature \(features[j])", file: file, line: line) }
        }
        let shift = zip(zip(model.means, rMeans), model.beta).reduce(0) { $0 + ($1.0.0 - $1.0.1) * $1.1 }

        // basehaz(fit, centered = FALSE) at every distinct time (event or censoring).
        let times = try ref.values("baseline_time"), cumhaz = try ref.values("baseline_cumhaz")
        XCTAssertEqual(model.baselineTimes.count, Set(zip(d.time, d.event).filter(\.1).map(\.0)).count,
                       file: file, line: line)
        for (t, h) in zip(times, cumhaz) {
            assertClose(model.baselineCumulativeHazard(at: t), h, "\(json) H₀(\(t))", file: file, line: line)
        }
        XCTAssertEqual(model.baselineCumulativeHazard(at: 0.5 * model.baselineTimes[0]), 0, file: file, line: line)

        // survfit(fit, newdata) at 30/60/90/180 days, and the medians.
        let rows = try ref.values("rows").map { Int($0) }
        let horizons = try ref.values("horizons")
        let expected = try ref.values("survival")     // rows × horizons, row-major
        let xr = Matrix(rows.map { d.x.row($0) })
        let s = model.survival(at: horizons, x: xr)
        let p = model.probabilityRecovered(by: horizons, x: xr)
        let medians = model.medianDaysToRecovery(xr)
        let rMedians = try ref.numbers("median")
        for (a, row) in rows.enumerated() {
            for (h, t) in horizons.enumerated() {
                let e = expected[a * horizons.count + h]
                assertClose(s[a, h], e, "\(json) S(\(t) | row \(row))", file: file, line: line)
                assertClose(model.survival(at: t, x: d.x.row(row)), e, "\(json) S(\(t) | row \(row)) single", file: file, line: line)
                assertClose(p[a, h], 1 - e, "\(json) P(recovered by \(t) | row \(row))", file: file, line: line)
            }
            XCTAssertEqual(medians[a], rMedians[a], "\(json) median of row \(row)", file: file, line: line)
            XCTAssertEqual(model.medianDaysToRecovery(d.x.row(row)), rMedians[a], file: file, line: line)
        }

        // concordance(fit): counts from R's own linear predictors and from the model's.
        let counts = try ref.values("concordance_counts").map { Int($0) }
        let fromR = Concordance(riskScore: try ref.values("linear_predictors"), time: d.time, event: d.event)
        let fromModel = model.concordance(d.x, time: d.time, event: d.event)
        for c in [fromR, fromModel] {
            XCTAssertEqual([c.concordant, c.discordant, c.tiedRisk, c.tiedTime, c.tiedRiskAndTime], counts,
                           "\(json) concordance counts", file: file, line: line)
            assertClose(c.value, try ref.value("concordance"), "\(json) C", file: file, line: line)
        }
        // The relative linear predictor is R's fit$linear.predictors up to R's centre.
        let lp = model.relativeLinearPredictor(d.x)
        for (i, v) in try ref.values("linear_predictors").enumerated() {
            assertClose(lp[i] + shift, v, rel: 1e-6, abs: 1e-8, "\(json) linear predictor \(i)", file: file, line: line)
        }
    }

    func testCoxEfronMatchesSurvivalOnLung() throws { try checkAgainstR(data: "lung.csv", json: "lung_efron.json") }
    func testCoxBreslowMatchesSurvivalOnLung() throws { try checkAgainstR(data: "lung.csv", json: "lung_breslow.json") }
    func testCoxEfronMatchesSurvivalOnVeteran() throws { try checkAgainstR(data: "veteran.csv", json: "veteran_efron.json") }
    func testCoxBreslowMatchesSurvivalOnVeteran() throws { try checkAgainstR(data: "veteran.csv", json: "veteran_breslow.json") }
    func testCoxEfronMatchesSurvivalOnTieHeavyDays() throws { try checkAgainstR(data: "ties.csv", json: "ties_efron.json") }
    func testCoxBreslowMatchesSurvivalOnTieHeavyDays() throws { try checkAgainstR(data: "ties.csv", json: "ties_breslow.json") }
    func testCoxEfronMatchesSurvivalWithTiedScores() throws { try checkAgainstR(data: "lung.csv", json: "lung_discrete_efron.json") }
    func testCoxBreslowMatchesSurvivalWithTiedScores() throws { try checkAgainstR(data: "lung.csv", json: "lung_discrete_breslow.json") }
    func testCoxEfronMatchesSurvivalOnWholeWeeks() throws { try checkAgainstR(data: "weeks.csv", json: "weeks_efron.json") }
    func testCoxBreslowMatchesSurvivalOnWholeWeeks() throws { try checkAgainstR(data: "weeks.csv", json: "weeks_breslow.json") }

    /// Newton's method is invariant to the scaling of the covariates, so the iterates are
    /// R's (which scales differently) and the evaluation count matches `fit$iter` when
    /// both stop at the same threshold (the fixtures use eps = 1e-12).
    func testCoxTakesTheSameNewtonStepsAsSurvival() throws {
        for (data, json, features) in [("lung.csv", "lung_efron.json", Self.lungFeatures),
                                       ("veteran.csv", "veteran_breslow.json", Self.veteranFeatures),
                                       ("ties.csv", "ties_efron.json", Self.tiesFeatures)] {
            let ref = try CoxFixtures.reference(json)
            let d = try CoxFixtures.data(data, features: features)
            let ties = try XCTUnwrap(CoxTies(rawValue: try ref.strings("ties")[0]))
            let model = try CoxRegression(ties: ties, tolerance: 1e-12)
                .fit(d.x, time: d.time, event: d.event, featureNames: features)
            XCTAssertEqual(model.iterations, Int(try ref.value("iterations")), json)
            for (j, b) in try ref.values("coefficients").enumerated() {
                assertClose(model.beta[j], b, rel: 1e-9, "\(json) β[\(j)] at eps 1e-12")
            }
        }
    }

    /// The L2 penalty (λ/2)‖s∘β‖² equals R `ridge(z, theta = λ, scale = FALSE)` on
    /// covariates standardized with the population SD: coefficients and standard errors
    /// mapped to the standardized scale, and both log-likelihoods.
    func testCoxRidgeMatchesSurvivalOnStandardizedCovariates() throws {
        for ties in [CoxTies.efron, .breslow] {
            let ref = try CoxFixtures.reference("ties_ridge_\(ties.rawValue).json")
            let d = try CoxFixtures.data("ties.csv", features: Self.tiesFeatures)
            let lambda = try ref.value("penalty")
            let model = try CoxRegression(ties: ties, l2: lambda, tolerance: 1e-12)
                .fit(d.x, time: d.time, event: d.event, featureNames: Self.tiesFeatures)
            XCTAssertEqual(model.l2, lambda)
            let s = model.standardDeviations
            for (j, (b, se)) in zip(try ref.values("coefficients"), try ref.values("standard_errors")).enumerated() {
                assertClose(model.beta[j] * s[j], b, "ridge \(ties) β̃[\(j)]")
                assertClose(model.coefficients[j].standardError * s[j], se, "ridge \(ties) se[\(j)]")
            }
            let ll = try ref.values("loglik")
            assertClose(model.nullLogLikelihood, ll[0], "ridge \(ties) ℓ(0)")
            assertClose(model.logLikelihood, ll[1], "ridge \(ties) ℓ(β̂)")
            assertClose(model.penalizedLogLikelihood, try ref.value("penalized_loglik"), "ridge \(ties) penalized ℓ")
            // The penalty shrinks: every standardized coefficient is smaller than the MLE's.
            let mle = try CoxRegression(ties: ties).fit(d.x, time: d.time, event: d.event, featureNames: Self.tiesFeatures)
            for j in 0..<4 { XCTAssertLessThan(Swift.abs(model.beta[j]), Swift.abs(mle.beta[j])) }
            // Baseline and predictions of the penalized fit: survfit on the ridge fit.
            let times = try ref.values("baseline_time"), cumhaz = try ref.values("baseline_cumhaz")
            // R's x = 0 is the standardized origin, i.e. the feature means: H(t | m).
            for (t, h) in zip(times, cumhaz) { assertClose(model.hazardAtMeans(at: t), h, "ridge \(ties) H(\(t) | m)") }
        }
    }

    /// Shuffling the rows changes nothing (one sort inside the fit), and a JSON round
    /// trip of the model keeps every prediction.
    func testCoxIsInvariantToRowOrderAndSurvivesCodable() throws {
        let d = try CoxFixtures.data("ties.csv", features: Self.tiesFeatures)
        let model = try CoxRegression().fit(d.x, time: d.time, event: d.event, featureNames: Self.tiesFeatures)
        var rng = SeededGenerator(seed: 11)
        let perm = Array(0..<d.x.rows).shuffled(using: &rng)
        let xs = Matrix(perm.map { d.x.row($0) })
        let shuffled = try CoxRegression().fit(xs, time: perm.map { d.time[$0] }, event: perm.map { d.event[$0] },
                                               featureNames: Self.tiesFeatures)
        for j in 0..<4 { assertClose(shuffled.beta[j], model.beta[j], rel: 1e-10, "shuffled β[\(j)]") }
        for (a, b) in zip(shuffled.baselineHazardAtMeans, model.baselineHazardAtMeans) { assertClose(a, b, rel: 1e-10, "shuffled H") }

        let decoded = try JSONDecoder().decode(CoxModel.self, from: JSONEncoder().encode(model))
        XCTAssertEqual(decoded, model)
        XCTAssertEqual(decoded.probabilityRecovered(by: [30, 90], x: d.x), model.probabilityRecovered(by: [30, 90], x: d.x))
    }

    /// Features with means far from 0 (balances in the millions): H₀ at x = 0 underflows,
    /// but predictions go through H(t | m)·e^{(x−m)ᵀβ} and stay exact.
    func testCoxPredictionsSurviveHugeFeatureMeans() throws {
        let d = try CoxFixtures.data("ties.csv", features: Self.tiesFeatures)
        var shifted = d.x
        for i in 0..<shifted.rows { shifted[i, 0] += 1e4 }      // β ≈ 0.45: e^{−4500} underflows
        let base = try CoxRegression().fit(d.x, time: d.time, event: d.event, featureNames: Self.tiesFeatures)
        let model = try CoxRegression().fit(shifted, time: d.time, event: d.event, featureNames: Self.tiesFeatures)
        XCTAssertEqual(model.baselineCumulativeHazard(at: 100), 0)
        let p0 = base.probabilityRecovered(by: [30, 180], x: d.x)
        let p1 = model.probabilityRecovered(by: [30, 180], x: shifted)
        for k in p0.storage.indices { assertClose(p1.storage[k], p0.storage[k], rel: 1e-8, "P with shifted feature") }
        XCTAssertEqual(model.medianDaysToRecovery(shifted), base.medianDaysToRecovery(d.x))
    }
}
