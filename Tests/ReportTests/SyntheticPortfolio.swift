import Foundation
import LinearAlgebra
import Models
import XCTest
@testable import Report
import _TestSupport

/// A seeded synthetic book with a known exponential proportional-hazards truth, and the
/// report input built from it the way `arrears report` would: scores, labels, a Cox model
/// whose baseline is the true one, and every section filled.
struct SyntheticPortfolio {
    /// One feature x ~ N(0, 1); the true hazard is exp(β·x)/scale per day.
    static let beta = 0.9
    static let scale = 150.0
    static let horizon = 90.0
    static let followUp = 180.0

    var x: [Double] = []
    var time: [Double] = []
    var event: [Bool] = []
    /// P(recovered within the horizon) under the truth: 1 − exp(−H·e^{βx}).
    var probability: [Double] = []
    /// Recovered within the horizon (1) or not (0), for accounts not censored before it.
    var labelledProbability: [Double] = []
    var labels: [Double] = []

    init(count: Int, seed: UInt64, shift: Double = 0) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<count {
            // Box–Muller for x.
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
            let xi = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2) + shift
            let rate = exp(Self.beta * xi) / Self.scale
            let tEvent = -log(Double.random(in: Double.ulpOfOne..<1, using: &rng)) / rate
            let tCensor = -log(Double.random(in: Double.ulpOfOne..<1, using: &rng)) * 400
            let t = min(tEvent, tCensor, Self.followUp)
            x.append(xi)
            time.append(max(1, t.rounded(.up)))
            event.append(tEvent <= min(tCensor, Self.followUp))
            let p = -expm1(-Self.horizon / Self.scale * exp(Self.beta * xi))
            probability.append(p)
            // Labelled when the outcome at the horizon is known: recovered by then, or still open after it.
            let ti = time[time.count - 1]
            if event[event.count - 1] && ti <= Self.horizon {
                labelledProbability.append(p)
                labels.append(1)
            } else if ti > Self.horizon {
                labelledProbability.append(p)
                labels.append(0)
            }
        }
    }

    /// A Cox model with the true coefficient and baseline H(t | m = 0) = t/scale on days 1…followUp.
    static func coxModel() -> CoxModel {
        let days = (1...Int(followUp)).map(Double.init)
        return CoxModel(coefficients: [Coefficient(name: "x", estimate: beta, standardError: 0.04)],
                        covariance: [[0.0016]], means: [0], standardDeviations: [1], logLikelihood: -100,
                        nullLogLikelihood: -120, penalizedLogLikelihood: -100, iterations: 4, converged: true,
                        ties: .efron, l2: 0, nObs: 1, nEvents: 1, baselineTimes: days,
                        baselineHazardAtMeans: days.map { $0 / scale })
    }

    /// Every section of the report, from a training book and a shifted portfolio.
    static func reportInput(count: Int = 3000) throws -> ReportInputFixture {
        let train = SyntheticPortfolio(count: count, seed: 7)
        let book = SyntheticPortfolio(count: count / 2, seed: 8, shift: 0.3)
        let cox = coxModel()
        let validation = try ValidationCurves(probabilities: train.labelledProbability, labels: train.labels)
        let recovery = try RecoveryCurves.byScoreBand(scores: train.probability, time: train.time, event: train.event,
                                                      relativeRisk: train.x.map { beta * $0 }, cox: cox)
        let distribution = try ScoreDistribution(training: train.probability, portfolio: book.probability, bins: 20,
                                                 domain: 0...1)
        let residuals = try XCTUnwrap(cox.scaledSchoenfeldResiduals(Matrix(rows: train.x.count, cols: 1, storage: train.x),
                                                                    time: train.time, event: train.event))
        let trend = ResidualTrend(feature: "x", coefficient: beta, pValue: 0.5,
                                  bins: ResidualTrend.binned(time: residuals.transformedTime,
                                                             residual: (0..<residuals.residuals.rows).map { residuals.residuals[$0, 0] }))
        var input = ReportInput(
            title: "Arrears model report <synthetic & \"test\">",
            descriptionLines: ["Synthetic book: \(count) accounts, as of 2026-01-01, horizon 90 days.",
                               "Feature names may contain <markup> & 'quotes'."],
            keyFigures: [KeyFigure("AUC", String(format: "%.3f", validation.auc)), KeyFigure("Accounts", "\(count)")],
            logisticCoefficients: [Coefficient(name: "(intercept)", estimate: -0.4, standardError: 0.05),
                                   Coefficient(name: "x", estimate: 1.3, standardError: 0.06),
                                   Coefficient(name: "<script>alert('x')</script> & co", estimate: 0.01, standardError: 0.2)],
            coxCoefficients: cox.coefficients,
            scoreLabel: "P(recovered within 90 days)",
            validationLabel: "synthetic training book",
            validation: validation, recovery: recovery, scoreDistribution: distribution,
            worklist: [WorklistClassCount(name: "worklist", count: 500, note: "capacity 500"),
                       WorklistClassCount(name: "deferred", count: 900, note: "beyond capacity or contact rule"),
                       WorklistClassCount(name: "not worth pursuing", count: 50),
                       WorklistClassCount(name: "do not contact", count: 40, note: "hold flag or time-barred"),
                       WorklistClassCount(name: "rejected", count: 10)])
        input.proportionalHazards = [trend]
        return ReportInputFixture(input: input, train: train, book: book, cox: cox)
    }
}

struct ReportInputFixture {
    var input: ReportInput
    var train: SyntheticPortfolio
    var book: SyntheticPortfolio
    var cox: CoxModel
}
