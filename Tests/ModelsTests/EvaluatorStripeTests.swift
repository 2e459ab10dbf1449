import XCTest
@testable import Models
import LinearAlgebra
import _TestSupport

/// The evaluators of both fits (the logistic engine's stripes and blocks, the Cox
/// evaluator's backward pass and weighted Gram matrix; heavy ties, strata and case
/// weights) against direct sums written from the formulas.
final class EvaluatorStripeTests: XCTestCase {
    /// ℓ, U and I of the Efron/Breslow partial likelihood by brute force: for every event
    /// group, S0, S1, S2 summed over its whole risk set.
    func referenceCox(z: Matrix, time: [Double], event: [Bool], weights: [Double], strata: [Int],
                      beta: [Double], efron: Bool) -> (ll: Double, grad: [Double], info: [[Double]]) {
        let (n, p) = (z.rows, z.cols)
        var eta = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<p { eta[i] += z[i, j] * beta[j] } }
        var ll = 0.0, grad = [Double](repeating: 0, count: p)
        var info = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        var keys = Set<[Double]>()
        for i in 0..<n where event[i] { keys.insert([Double(strata[i]), time[i]]) }
        for key in keys {
            let s = Int(key[0]), t = key[1]
            let dead = (0..<n).filter { event[$0] && strata[$0] == s && time[$0] == t }
            let risk = (0..<n).filter { strata[$0] == s && time[$0] >= t }
            let d = dead.count
            let meanW = dead.reduce(0) { $0 + weights[$1] } / Double(d)
            func sums(_ rows: [Int]) -> (Double, [Double], [[Double]]) {
                var s0 = 0.0, s1 = [Double](repeating: 0, count: p)
                var s2 = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
                for i in rows {
                    let r = weights[i] * exp(eta[i])
                    s0 += r
                    for j in 0..<p {
                        s1[j] += r * z[i, j]
                        for k in 0..<p { s2[j][k] += r * z[i, j] * z[i, k] }
                    }
                }
                return (s0, s1, s2)
            }
            let (s0, s1, s2) = sums(risk), (d0, d1, d2) = sums(dead)
            for i in dead {
                ll += weights[i] * eta[i]
                for j in 0..<p { grad[j] += weights[i] * z[i, j] }
            }
            for k in 0..<d {
                let f = efron ? Double(k) / Double(d) : 0
                let w = meanW          // each of the d terms carries the mean weight (Breslow: d·log S0)
                let den = s0 - f * d0
                ll -= w * log(den)
                let a = (0..<p).map { (s1[$0] - f * d1[$0]) / den }
                for j in 0..<p {
                    grad[j] -= w * a[j]
                    for l in 0..<p { info[j][l] += w * ((s2[j][l] - f * d2[j][l]) / den - a[j] * a[l]) }
                }
            }
        }
        return (ll, grad, info)
    }

    func testCoxEvaluatorMatchesBruteForceAcrossStripes() {
        var rng = SeededGenerator(seed: 17)
        let n = 20_000, p = 3      // 20 000 rows in 80 tied groups over 2 strata
        let x = Matrix(rows: n, cols: p, storage: (0..<(n * p)).map { _ in Double.random(in: -2...2, using: &rng) })
        // Whole days in 1…40: heavy ties.
        let time = (0..<n).map { _ in Double(Int.random(in: 1...40, using: &rng)) }
        let event = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) < 0.6 }
        let weights = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
        let strata = (0..<n).map { _ in Int.random(in: 0...1, using: &rng) }
        for (efron, w, st) in [(true, nil, nil), (false, nil, nil), (true, weights, strata)] as [(Bool, [Double]?, [Int]?)] {
            let sets = CoxRiskSets(x: x, time: time, event: event, weights: w, strata: st)
            var evaluator = CoxEvaluator(sets: sets, ties: efron ? .efron : .breslow, l2: 0)
            let beta = [0.3, -0.2, 0.1]
            let got = evaluator.evaluate(beta)
            // The evaluator works on the standardized columns.
            let z = Matrix(rows: n, cols: p, storage: (0..<(n * p)).map { k in
                (x.storage[k] - sets.means[k % p]) / sets.scales[k % p]
            })
            let want = referenceCox(z: z, time: time, event: event, weights: w ?? [Double](repeating: 1, count: n),
                                    strata: st ?? [Int](repeating: 0, count: n), beta: beta, efron: efron)
            XCTAssertEqual(got.logLikelihood, want.ll, accuracy: 1e-9 * abs(want.ll), "efron \(efron)")
            for j in 0..<p {
                XCTAssertEqual(got.gradient[j], want.grad[j], accuracy: 1e-8 * max(1, abs(want.grad[j])))
                for k in 0..<p {
                    XCTAssertEqual(got.information[j, k], want.info[j][k], accuracy: 1e-8 * max(1, abs(want.info[j][k])))
                }
            }
        }
    }

    func testLogisticEngineMatchesDirectSumsAcrossStripes() {
        var rng = SeededGenerator(seed: 5)
        let n = 9_000, p = 4       // several stripes of 448-row blocks, a partial last block
        let x = Matrix(rows: n, cols: p, storage: (0..<(n * p)).map { _ in Double.random(in: -3...3, using: &rng) })
        let y = (0..<n).map { _ in Double(Int.random(in: 0...1, using: &rng)) }
        let cases = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
        let scaling = Standardization(fitting: x)
        let range = (0..<p).map { j in (min: (0..<n).map { x[$0, j] }.min()!, max: (0..<n).map { x[$0, j] }.max()!) }
        for weights in [nil, cases] {
            let engine = NewtonEngine(x: x, y: y, scaling: scaling, l2: 0.5, columnRange: range, caseWeights: weights)
            let beta = [0.2, 0.5, -0.4, 0.1, 0.3]
            let point = engine.evaluate(beta)
            var dev = 0.0, grad = [Double](repeating: 0, count: p + 1)
            var gram = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: p + 1)
            for i in 0..<n {
                let z = [1.0] + (0..<p).map { (x[i, $0] - scaling.means[$0]) / scaling.standardDeviations[$0] }
                let eta = zip(z, beta).reduce(0) { $0 + $1.0 * $1.1 }
                let prob = 1 / (1 + exp(-eta)), c = weights?[i] ?? 1
                dev += -2 * c * (y[i] * log(prob) + (1 - y[i]) * log(1 - prob))
                for j in 0...p {
                    grad[j] += c * (y[i] - prob) * z[j]
                    for k in 0...p { gram[j][k] += c * prob * (1 - prob) * z[j] * z[k] }
                }
            }
            let penalty = beta.dropFirst().reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(point.deviance, dev, accuracy: 1e-9 * dev)
            XCTAssertEqual(point.penalizedDeviance, dev + 0.5 * penalty, accuracy: 1e-9 * dev)
            for j in 0...p {
                XCTAssertEqual(point.gradient[j], grad[j] - (j == 0 ? 0 : 0.5 * beta[j]), accuracy: 1e-8 * max(1, abs(grad[j])))
                for k in 0...p { XCTAssertEqual(point.gram[j, k], gram[j][k], accuracy: 1e-8 * max(1, abs(gram[j][k]))) }
            }
        }
    }
}
