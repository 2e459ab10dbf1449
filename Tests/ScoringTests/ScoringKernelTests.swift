import Features
import Foundation
import Models
import PortfolioGenerator
import PortfolioIO
import XCTest
import _TestSupport
@testable import Scoring
import Training

/// The fused scoring kernel against a straightforward per-row reference, the per-stage
/// reference, and itself on one thread.
final class ScoringKernelTests: XCTestCase {
    nonisolated(unsafe) static var artifact: ModelArtifact!
    nonisolated(unsafe) static var matrix: FeatureMatrix!
    static let asOf = CalendarDay(year: 2026, month: 1, day: 1)!

    override class func setUp() {
        super.setUp()
        let dir = makeTemporaryDirectory()
        do {
            _ = try PortfolioGenerator(GeneratorConfig(accounts: 1200, seed: 5, asOf: asOf)).write(toDirectory: dir.path)
            let portfolio = try readPortfolio(accountsPath: dir.appendingPathComponent("accounts.csv").path,
                                              paymentsPath: dir.appendingPathComponent("payments.csv").path,
                                              options: ReadOptions(requireLabels: true))
            let result = try Trainer.train(portfolio, asOf: asOf, options: TrainingOptions(trainedAt: "2026-11-29"), inputs: [])
            artifact = result.artifact
            matrix = try artifact.features.apply(to: portfolio, asOf: asOf)
        } catch {
            XCTFail("setup: \(error)")
        }
    }

    /// The model with random coefficients, means, baseline and scaling (same features, so
    /// the reason groups keep the product one-hot group).
    static func randomModel(_ base: ModelArtifact, seed: UInt64) -> ModelArtifact {
        var rng = SeededGenerator(seed: seed)
        var a = base
        for j in a.logistic!.coefficients.indices { a.logistic!.coefficients[j].estimate = Double.random(in: -1.5...1.5, using: &rng) }
        for j in a.cox!.coefficients.indices { a.cox!.coefficients[j].estimate = Double.random(in: -1...1, using: &rng) }
        for j in a.cox!.means.indices { a.cox!.means[j] = Double.random(in: -2...2, using: &rng) }
        for j in a.logistic!.standardization.means.indices {
            a.logistic!.standardization.means[j] = Double.random(in: -2...2, using: &rng)
        }
        let events = Int.random(in: 50...400, using: &rng)
        var t = 0.0, h = 0.0
        a.cox!.baselineTimes = []
        a.cox!.baselineHazardAtMeans = []
        for k in 0..<events {
            t += Double(Int.random(in: 1...3, using: &rng))
            // A few flat steps (equal H) and a zero start, as real baselines can have.
            if k > 0 && Int.random(in: 0..<10, using: &rng) > 0 { h += Double.random(in: 0...0.02, using: &rng) }
            a.cox!.baselineTimes.append(t)
            a.cox!.baselineHazardAtMeans.append(h)
        }
        a.scoreScaling = ScoreScaling(baseScore: 500, baseOdds: 2, pointsToDoubleOdds: 25)
        return a
    }

    /// Random rows: each column around its spec scale, one-hot columns 0/1, a few extreme
    /// rows whose linear predictors leave the polynomial range.
    static func randomMatrix(columns: Int, rows: Int, seed: UInt64, names: [String], oneHot: Set<Int>) -> FeatureMatrix {
        var rng = SeededGenerator(seed: seed)
        var values = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                values[i * columns + j] = oneHot.contains(j) ? Double(Int.random(in: 0...1, using: &rng))
                    : Double.random(in: -4...4, using: &rng)
            }
            if i % 397 == 5 { values[i * columns] = 1e5 }       // |η|, |ζ| ≫ 700
            if i % 397 == 9 { values[i * columns] = -1e5 }
        }
        return FeatureMatrix(rows: rows, cols: columns, names: names, values: values, asOf: asOf,
                             statementsUsed: 0, statementsAfterAsOf: 0, accountsWithoutStatements: 0)
    }

    /// Every output of one row by its definition, in the plainest code.
    struct RowReference {
        var eta: Double, p: Double, points: Double, zeta: Double, recovered: [Double], median: Double, reasons: [Int32]
        /// Σ|terms| of each linear predictor: the scale its rounding error is relative to.
        var etaScale: Double, zetaScale: Double
    }

    static func reference(_ a: ModelArtifact, row: ArraySlice<Double>) -> RowReference {
        let x = Array(row)
        var eta = a.logistic!.intercept, etaScale = Swift.abs(eta)
        for (j, b) in a.logistic!.slopes.enumerated() { eta += b * x[j]; etaScale += Swift.abs(b * x[j]) }
        var zeta = 0.0, zetaScale = 0.0
        for (j, g) in a.cox!.beta.enumerated() { zeta += g * (x[j] - a.cox!.means[j]); zetaScale += Swift.abs(g * x[j]) + Swift.abs(g * a.cox!.means[j]) }
        let p = 1 / (1 + exp(-eta))
        let recovered = a.predictionHorizons.map { -expm1(-a.cox!.hazardAtMeans(at: Double($0)) * exp(zeta)) }
        let median = a.cox!.medianDaysToRecovery(relativeLinearPredictor: zeta) ?? .nan
        // Reasons: pulls by group, top three by |pull| (ties: lower group), positive only.
        let groups = ReasonGroups(a.features)
        var pulls = [Double](repeating: 0, count: groups.count)
        let means = a.logistic!.standardization.means
        for (j, b) in a.logistic!.slopes.enumerated() { pulls[groups.groupOfColumn[j]] += b * (x[j] - means[j]) }
        let ranked = pulls.indices.filter { Swift.abs(pulls[$0]) > 0 }
            .sorted { Swift.abs(pulls[$0]) != Swift.abs(pulls[$1]) ? Swift.abs(pulls[$0]) > Swift.abs(pulls[$1]) : $0 < $1 }
        var reasons = ranked.prefix(3).map { Int32($0) }
        while reasons.count < 3 { reasons.append(-1) }
        return RowReference(eta: eta, p: p, points: a.scoreScaling.points(logOdds: eta), zeta: zeta, recovered: recovered,
                            median: median, reasons: reasons, etaScale: etaScale, zetaScale: zetaScale)
    }

    func relativeClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        if a == b || (a.isNaN && b.isNaN) { return true }
        return Swift.abs(a - b) <= tolerance * Swift.max(Swift.abs(a), Swift.abs(b))
    }

    func assertAgrees(_ s: Scores, _ a: ModelArtifact, _ m: FeatureMatrix, file: StaticString = #filePath, line: UInt = #line) {
        let k = a.predictionHorizons.count
        var failures = 0
        for i in 0..<m.rows where failures < 10 {
            let r = Self.reference(a, row: m.values[(i * m.cols)..<((i + 1) * m.cols)])
            // The linear predictors are sums in another order: rounding relative to Σ|terms|.
            var ok = Swift.abs(s.logOdds[i] - r.eta) <= 1e-14 * Swift.max(r.etaScale, 1)
                && Swift.abs(s.coxLinearPredictor[i] - r.zeta) <= 1e-14 * Swift.max(r.zetaScale, 1)
            // Everything downstream, from the kernel's own η and ζ, to 1e-12 relative.
            ok = ok && relativeClose(s.pRecover[i], 1 / (1 + exp(-s.logOdds[i])))
                && relativeClose(s.scorePoints[i], a.scoreScaling.points(logOdds: s.logOdds[i]))
            let risk = exp(s.coxLinearPredictor[i])
            for (h, t) in a.predictionHorizons.enumerated() {
                ok = ok && relativeClose(s.recoveredBy[i * k + h], -expm1(-a.cox!.hazardAtMeans(at: Double(t)) * risk))
                ok = ok && relativeClose(s.recoveredBy[i * k + h], r.recovered[h], 1e-9)
            }
            let median = a.cox!.medianDaysToRecovery(relativeLinearPredictor: s.coxLinearPredictor[i]) ?? .nan
            ok = ok && (s.medianDays[i] == median || (s.medianDays[i].isNaN && median.isNaN))
            ok = ok && relativeClose(s.pRecover[i], r.p, 1e-9)
            ok = ok && Array(s.reasons[(i * 3)..<(i * 3 + 3)]) == r.reasons
            if !ok {
                failures += 1
                XCTFail("row \(i): kernel η \(s.logOdds[i]) ζ \(s.coxLinearPredictor[i]) p \(s.pRecover[i]) "
                        + "P \(Array(s.recoveredBy[(i * k)..<(i * k + k)])) median \(s.medianDays[i]) "
                        + "reasons \(Array(s.reasons[(i * 3)..<(i * 3 + 3)])); reference \(r)", file: file, line: line)
            }
        }
    }

    func testKernelMatchesAPlainPerRowReferenceOnRandomModelsAndMatrices() {
        let base = Self.artifact!
        let oneHot = Set(base.features.columns.indices.filter {
            if case .oneHot = base.features.columns[$0].kind { return true } else { return false }
        })
        for seed in 1...4 as ClosedRange<UInt64> {
            let a = Self.randomModel(base, seed: seed)
            let m = Self.randomMatrix(columns: base.features.count, rows: 3_001, seed: seed * 31, names: base.features.names,
                                      oneHot: oneHot)
            let s = a.score(m)
            XCTAssertEqual(s.count, m.rows)
            assertAgrees(s, a, m)
            XCTAssertTrue(s.logOdds.contains { Swift.abs($0) > 700 } && s.coxLinearPredictor.contains { Swift.abs($0) > 700 }, "extreme rows take the fallback")
        }
    }

    func testKernelMatchesTheTrainedModelOnItsPortfolio() {
        assertAgrees(Self.artifact.score(Self.matrix), Self.artifact, Self.matrix)
    }

    func testKernelEqualsThePerStageReference() {
        let a = Self.artifact!, m = Self.matrix!
        let s = a.score(m), r = a.referenceScore(m)
        XCTAssertEqual(s.reasons, r.reasons, "reasons are summed in the same order: identical")
        XCTAssertEqual(s.medianDays.map(\.bitPattern), r.medianDays.map(\.bitPattern), "medians identical")
        for i in 0..<s.count {
            XCTAssertTrue(approxEqual(s.logOdds[i], r.logOdds[i], rel: 1e-12, abs: 1e-13), "η row \(i)")
            XCTAssertTrue(approxEqual(s.coxLinearPredictor[i], r.coxLinearPredictor[i], rel: 1e-12, abs: 1e-13), "ζ row \(i)")
            XCTAssertTrue(relativeClose(s.pRecover[i], r.pRecover[i]), "p row \(i): \(s.pRecover[i]) vs \(r.pRecover[i])")
            XCTAssertTrue(relativeClose(s.scorePoints[i], r.scorePoints[i]), "points row \(i)")
        }
        for i in s.recoveredBy.indices {
            XCTAssertTrue(relativeClose(s.recoveredBy[i], r.recoveredBy[i]), "P(recovered) \(i): \(s.recoveredBy[i]) vs \(r.recoveredBy[i])")
        }
    }

    func testResultsDoNotDependOnThreadsOrReuse() {
        let a = Self.randomModel(Self.artifact, seed: 9)
        let m = Self.randomMatrix(columns: a.features.count, rows: 3 * ScoringKernel.chunkRows + 77, seed: 5,
                                  names: a.features.names, oneHot: [])
        let kernel = ScoringKernel(a)
        var parallel = ScoreBuffers(rows: m.rows, horizons: kernel.horizonCount)
        var serial = ScoreBuffers(rows: m.rows, horizons: kernel.horizonCount)
        kernel.score(m.values, rows: m.rows, into: &parallel, parallel: true)
        kernel.score(m.values, rows: m.rows, into: &serial, parallel: false)
        for (name, x, y) in [("logOdds", parallel.logOdds, serial.logOdds), ("p", parallel.pRecover, serial.pRecover),
                             ("ζ", parallel.coxLinearPredictor, serial.coxLinearPredictor),
                             ("recovered", parallel.recoveredBy, serial.recoveredBy),
                             ("median", parallel.medianDays, serial.medianDays), ("points", parallel.scorePoints, serial.scorePoints)] {
            XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), name)
        }
        XCTAssertEqual(parallel.reasons, serial.reasons)
        // Reused buffers: the same bits again; without reasons the rest is unchanged.
        let before = parallel
        kernel.score(m.values, rows: m.rows, into: &parallel, reasons: false)
        XCTAssertEqual(parallel.pRecover.map(\.bitPattern), before.pRecover.map(\.bitPattern))
        XCTAssertEqual(parallel.recoveredBy.map(\.bitPattern), before.recoveredBy.map(\.bitPattern))
        XCTAssertEqual(parallel.reasons, before.reasons)
    }

    func testEmptyAndTinyMatrices() {
        let a = Self.artifact!
        for rows in [0, 1, 2, 3, 5, 63, 64, 65] {
            let m = Self.randomMatrix(columns: a.features.count, rows: rows, seed: UInt64(rows) + 1, names: a.features.names, oneHot: [])
            let s = a.score(m)
            XCTAssertEqual(s.count, rows)
            XCTAssertEqual(s.recoveredBy.count, rows * a.predictionHorizons.count)
            XCTAssertEqual(s.reasons.count, rows * 3)
            assertAgrees(s, a, m)
        }
    }

    func testPolynomialExponentialsAgreeWithTheLibraryToAFewUlps() {
        var rng = SeededGenerator(seed: 77)
        var worstExp = 0.0, worstExpm1 = 0.0
        for n in 0..<200_000 {
            let x: Double
            switch n % 4 {
            case 0: x = Double.random(in: -708...708, using: &rng)
            case 1: x = Double.random(in: -1...1, using: &rng)
            case 2: x = Double.random(in: -1e-6...1e-6, using: &rng)
            default: x = Double.random(in: -40...0, using: &rng)
            }
            for v in [x, -x] {
                worstExp = Swift.max(worstExp, Swift.abs(KernelMath.exp(v) - exp(v)) / exp(v))
            }
            for v in [x, -x, x / 3] where v != 0 {
                worstExpm1 = Swift.max(worstExpm1, Swift.abs(KernelMath.expm1(v) - expm1(v)) / Swift.abs(expm1(v)))
            }
        }
        XCTAssertLessThan(worstExp, 5e-16, "e^x within ~2 ulps")
        XCTAssertLessThan(worstExpm1, 5e-16, "e^x − 1 within ~2 ulps, tiny x included")
    }

    /// The AVX2 block loop (where this CPU has it) and the baseline Swift loops give the
    /// same bits in every output, on the trained model and on random models with rows
    /// beyond the fast range, with and without reasons.
    func testVectorAndBaselinePathsGiveTheSameBits() throws {
        let base = Self.artifact!
        try XCTSkipUnless(ScoringKernel(base).usesVectorPath, "this CPU has no AVX2 (or ARREARS_KERNEL=baseline)")
        for seed in [UInt64(0), 3, 7] {
            let a = seed == 0 ? base : Self.randomModel(base, seed: seed)
            let m = seed == 0 ? Self.matrix! : Self.randomMatrix(columns: a.features.count, rows: 2 * ScoringKernel.chunkRows + 61,
                                                                 seed: seed, names: a.features.names, oneHot: [])
            var vector = ScoringKernel(a), baseline = ScoringKernel(a)
            vector.usesVectorPath = true
            baseline.usesVectorPath = false
            for reasons in [true, false] {
                let v = vector.score(m, horizonDays: a.horizonDays, horizons: a.predictionHorizons, reasons: reasons)
                let b = baseline.score(m, horizonDays: a.horizonDays, horizons: a.predictionHorizons, reasons: reasons)
                XCTAssertEqual(v.reasons, b.reasons, "reasons (seed \(seed))")
                for (name, x, y) in [("η", v.logOdds, b.logOdds), ("ζ", v.coxLinearPredictor, b.coxLinearPredictor),
                                     ("p", v.pRecover, b.pRecover), ("recovered", v.recoveredBy, b.recoveredBy),
                                     ("median", v.medianDays, b.medianDays), ("points", v.scorePoints, b.scorePoints)] {
                    XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), "\(name) (seed \(seed), reasons \(reasons))")
                }
                if reasons { assertAgrees(v, a, m) }
            }
        }
    }

    /// The four-lane exponentials are the scalar ones lane by lane, bit for bit.
    func testFourLaneExponentialsEqualTheScalarOnes() {
        var rng = SeededGenerator(seed: 41)
        for _ in 0..<20_000 {
            let x = SIMD4<Double>(Double.random(in: -708...708, using: &rng), Double.random(in: -1...1, using: &rng),
                                  Double.random(in: -1e-9...1e-9, using: &rng), Double.random(in: -40...0, using: &rng))
            let e = KernelMath.exp(x), m = KernelMath.expm1(x)
            for l in 0..<4 {
                XCTAssertEqual(e[l].bitPattern, KernelMath.exp(x[l]).bitPattern)
                XCTAssertEqual(m[l].bitPattern, KernelMath.expm1(x[l]).bitPattern)
            }
        }
    }

    /// `ScoreTable.render(rows:)` over consecutive ranges, serial or parallel, gives the
    /// bytes of `rendered`, in both formats; every row has its reasons' texts.
    func testScoreRowRangesConcatenateToTheWholeFile() {
        let a = Self.artifact!, m = Self.matrix!
        let table = ScoreTable(accountIDs: (0..<m.rows).map { "A\($0)" }, scores: a.score(m), matrix: m, artifact: a)
        for format in OutputFormat.allCases {
            let whole = table.rendered(format: format)
            var pieces = table.headerBytes(format: format)
            var lo = 0, step = 1
            while lo < m.rows {
                let hi = min(m.rows, lo + step)
                table.render(rows: lo..<hi, format: format, into: &pieces, parallel: step % 2 == 0)
                lo = hi
                step = step * 3 + 1
            }
            XCTAssertEqual(pieces, whole, "\(format)")
            let text = String(decoding: whole, as: UTF8.self)
            XCTAssertEqual(text.split(separator: "\n").count, m.rows + (format == .csv ? 1 : 0))
            if format == .csv {
                let first = text.split(separator: "\n")[1]
                let r = table.reason(0, 0)!
                XCTAssertTrue(first.contains(r.text), "\(first) has \(r.text)")
            }
        }
    }
}
