#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

/// The proportional-hazards check of a Cox fit: the score test, per feature and global,
/// of the scaled Schoenfeld residuals against a function of time, as R
/// `survival::cox.zph(fit)` computes it with its default transform.
///
/// **Test** (Grambsch & Therneau 1994). Add to the model the time-varying terms
/// xⱼ·g(t) with coefficients θ, and test θ = 0 by a score test at (β̂, 0):
///   g(t) = 1 − Ŝ_KM(t−), the Kaplan–Meier estimate of all accounts just before t
///   ("km" transform), centred by its mean over the events;
///   u₂ = Σ_events g(tᵢ)·(xᵢ − x̄(tᵢ)), with x̄ the risk-weighted mean of the risk set
///   (Efron: the mean over the d tied events' fractional risk sets);
///   the 2p × 2p information [[A, B], [Bᵀ, C]] with A = Σ V(t), B = Σ g(t)V(t),
///   C = Σ g(t)²V(t), V(t) the (Efron-weighted) covariance of x in the risk set.
/// Feature j: χ² = u₂ⱼ² / (Cⱼⱼ − Bⱼᵀ A⁻¹ Bⱼ) on 1 df (the score test of θⱼ alone, with
/// the first-block score set to 0 as at the maximum); global: u₂ᵀ (C − BᵀA⁻¹B)⁻¹ u₂ on p
/// df. A small p says the feature's hazard ratio drifts with time: its single
/// coefficient averages an effect that is not constant.
///
/// References: Grambsch & Therneau, *Biometrika* 81 (1994) 515–526; Therneau &
/// Grambsch (2000) §6.2; R survival `cox.zph` and `zph1.c` (survival ≥ 3).
/// - Complexity: O(n log n) for the sort plus O(n·p² + p³).
public struct ProportionalHazardsTest: Sendable, Codable, Equatable {
    /// One line of the table.
    public struct Term: Sendable, Codable, Equatable {
        /// A feature name, or "GLOBAL".
        public var name: String
        public var chiSquare: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
    }

    /// The time transform: "km" (1 − Kaplan–Meier), R's default.
    public var transform: String
    /// One term per feature, in the model's order.
    public var features: [Term]
    /// All features together.
    public var global: Term

    /// The level below which a p-value flags a violation.
    public static let significanceLevel = 0.05

    /// The features whose p-value is below `level`, smallest p first.
    public func violations(level: Double = ProportionalHazardsTest.significanceLevel) -> [Term] {
        features.filter { $0.pValue < level }.sorted { $0.pValue < $1.pValue }
    }

    /// A plain-language warning naming the violating features, or nil when none is.
    public var warning: String? {
        let bad = violations()
        guard !bad.isEmpty else { return nil }
        let names = bad.prefix(5).map { "\($0.name) (p \(Self.format($0.pValue)))" }.joined(separator: ", ")
        return "the proportional-hazards assumption looks violated for \(names): the effect of "
            + (bad.count == 1 ? "this feature" : "these features")
            + " on the speed of recovery changes over time, so the Cox coefficient is an average over the follow-up; "
            + "P(recovered by day) is less reliable for accounts with extreme values there"
    }

    /// One sentence for a report: the global test, the smallest p-values and the warning.
    public var sentence: String {
        let worst = features.sorted { $0.pValue < $1.pValue }.prefix(3)
            .map { "\($0.name) \(Self.format($0.pValue))" }.joined(separator: ", ")
        let chi = (global.chiSquare * 100).rounded() / 100
        return "Proportional-hazards check (scaled Schoenfeld residuals against 1 − KM(t), as R cox.zph): global χ² \(chi) "
            + "on \(global.degreesOfFreedom) df, p \(Self.format(global.pValue)); smallest p: \(worst)."
            + (warning.map { " Warning: \($0)." } ?? "")
    }

    static func format(_ p: Double) -> String {
        p < 1e-4 ? "<1e-4" : String((p * 10_000).rounded() / 10_000)
    }
}

extension CoxModel {
    /// The proportional-hazards check (`ProportionalHazardsTest`) on the data the model was
    /// fitted on: a row-major `n × p` matrix in the model's feature order, durations in
    /// days and event flags. Nil when there is no event or the information is singular.
    public func proportionalHazardsTest(_ x: Matrix, time: [Double], event: [Bool]) -> ProportionalHazardsTest? {
        guard let pass = zphPass(x, time: time, event: event) else { return nil }
        let p = x.cols
        let (u2, blockA, blockB, blockC) = (pass.u2, pass.blockA, pass.blockB, pass.blockC)
        // Schur complement S = C − BᵀA⁻¹B of the time block.
        var sa = SymmetricMatrix(n: p), bm = Matrix(rows: p, cols: p), sc = SymmetricMatrix(n: p)
        for j in 0..<p {
            for l in 0...j {
                sa[j, l] = blockA[j * p + l]; sa[l, j] = blockA[j * p + l]
                bm[j, l] = blockB[j * p + l]; bm[l, j] = blockB[j * p + l]
                sc[j, l] = blockC[j * p + l]; sc[l, j] = blockC[j * p + l]
            }
        }
        guard let factorA = try? Cholesky(sa) else { return nil }
        let aInvB = factorA.solve(bm)
        var schur = SymmetricMatrix(n: p)
        for j in 0..<p {
            for l in 0..<p {
                var s = sc[j, l]
                for m in 0..<p { s -= bm[m, j] * aInvB[m, l] }
                schur[j, l] = s
            }
        }
        var terms: [ProportionalHazardsTest.Term] = []
        for j in 0..<p {
            let chi = u2[j] * u2[j] / schur[j, j]
            terms.append(.init(name: coefficients[j].name, chiSquare: chi, degreesOfFreedom: 1,
                               pValue: chiSquaredUpperTail(chi, df: 1)))
        }
        guard let factorS = try? Cholesky(schur) else { return nil }
        let global = dot(u2, factorS.solve(u2))
        return ProportionalHazardsTest(transform: "km", features: terms,
                                       global: .init(name: "GLOBAL", chiSquare: global, degreesOfFreedom: p,
                                                     pValue: chiSquaredUpperTail(global, df: p)))
    }

    /// The scaled Schoenfeld residuals of R `cox.zph` (`$y`, one row per event in time
    /// order): β + d·V·(xᵢ − x̄(tᵢ)) with d the number of events and V the covariance,
    /// against the transformed time 1 − Ŝ_KM(tᵢ−) (`$x`). A trend against time in column j
    /// is what the test of feature j detects. Nil as for `proportionalHazardsTest`.
    public func scaledSchoenfeldResiduals(_ x: Matrix, time: [Double], event: [Bool])
        -> (transformedTime: [Double], residuals: Matrix)? {
        guard let pass = zphPass(x, time: time, event: event) else { return nil }
        let p = x.cols, d = pass.schoenfeld.count
        var out = Matrix(rows: d, cols: p)
        let b = beta
        for (e, r) in pass.schoenfeld.enumerated() {
            for j in 0..<p {
                var v = 0.0
                for l in 0..<p { v += r[l] * covariance[l][j] }
                out[e, j] = b[j] + Double(d) * v
            }
        }
        return (pass.transformedTime, out)
    }

    /// What the test and the residuals share: u₂, the information blocks A, B, C and the
    /// Schoenfeld residuals with their transformed times, in time order.
    private func zphPass(_ x: Matrix, time: [Double], event: [Bool]) -> ZPHPass? {
        let (n, p) = (x.rows, x.cols)
        precondition(p == coefficients.count && time.count == n && event.count == n,
                     "proportionalHazardsTest: the data do not match the model")
        guard n > 0, event.contains(true) else { return nil }
        let order = (0..<n).sorted { time[$0] < time[$1] || (time[$0] == time[$1] && $0 < $1) }

        // g(t) = 1 − S_KM(t−) at each event, centred by its mean over the events.
        var g = [Double](repeating: 0, count: n)
        var survival = 1.0, atRisk = n, k = 0, eventCount = 0, gSum = 0.0
        while k < n {
            let t = time[order[k]]
            var end = k, deaths = 0
            while end < n && time[order[end]] == t { if event[order[end]] { deaths += 1 }; end += 1 }
            let before = 1 - survival
            for i in k..<end where event[order[i]] { g[order[i]] = before; gSum += before; eventCount += 1 }
            survival *= 1 - Double(deaths) / Double(atRisk)
            atRisk -= end - k
            k = end
        }
        let gMean = gSum / Double(eventCount)
        for i in 0..<n where event[i] { g[i] -= gMean }

        // Centred covariates and risks exp(η − max η).
        var mean = [Double](repeating: 0, count: p)
        for i in 0..<n { for j in 0..<p { mean[j] += x[i, j] } }
        for j in 0..<p { mean[j] /= Double(n) }
        var z = [Double](repeating: 0, count: n * p), eta = [Double](repeating: 0, count: n)
        let b = beta
        for i in 0..<n {
            var e = 0.0
            for j in 0..<p { let v = x[i, j] - mean[j]; z[i * p + j] = v; e += b[j] * v }
            eta[i] = e
        }
        let shift = eta.max() ?? 0
        let risk = eta.map { exp($0 - shift) }

        // Backward pass over the distinct times (zph1's accumulation).
        var residualGroups: [[[Double]]] = [], eventTimes: [Double] = []
        var a = [Double](repeating: 0, count: p), cmat = [Double](repeating: 0, count: p * p), denom = 0.0
        var a2 = a, cmat2 = cmat
        var u2 = [Double](repeating: 0, count: p)
        var blockA = [Double](repeating: 0, count: p * p), blockB = blockA, blockC = blockA
        var hi = n
        while hi > 0 {
            let t = time[order[hi - 1]]
            var lo = hi - 1
            while lo > 0 && time[order[lo - 1]] == t { lo -= 1 }
            var deaths = 0, denom2 = 0.0, weight = 0.0
            for k in lo..<hi {
                let i = order[k], r = risk[i]
                if event[i] {
                    deaths += 1
                    denom2 += r
                    weight = g[i]
                    for j in 0..<p {
                        let v = z[i * p + j]
                        u2[j] += g[i] * v
                        a2[j] += r * v
                        for l in 0...j { cmat2[j * p + l] += r * v * z[i * p + l] }
                    }
                } else {
                    denom += r
                    for j in 0..<p {
                        let v = z[i * p + j]
                        a[j] += r * v
                        for l in 0...j { cmat[j * p + l] += r * v * z[i * p + l] }
                    }
                }
            }
            if deaths > 0 {
                // Schoenfeld residuals xᵢ − x̄(t) of the events (R zph1: Efron uses the mean
                // of the d fractional risk sets' means).
                var mean = [Double](repeating: 0, count: p)
                let fractions = ties == .efron ? deaths : 1
                for j in 0..<p {
                    var m = 0.0
                    for k in 1...fractions {
                        let f = Double(k) / Double(fractions)
                        m += (a[j] + a2[j] * f) / (denom + denom2 * f)
                    }
                    mean[j] = m / Double(fractions)
                }
                var group: [[Double]] = []
                for k in lo..<hi where event[order[k]] {
                    let i = order[k]
                    group.append((0..<p).map { z[i * p + $0] - mean[$0] })
                    eventTimes.append(g[i] + gMean)
                }
                residualGroups.append(group)
                // Breslow: one term with every death in; Efron: d terms with 1/d, 2/d, …, 1 of
                // the deaths' risk in the sums (the same fractions as the partial likelihood).
                let terms = ties == .efron ? deaths : 1
                let share = 1 / Double(terms), perTerm = Double(deaths) / Double(terms)
                for _ in 0..<terms {
                    denom += denom2 * share
                    for j in 0..<p { a[j] += a2[j] * share }
                    for j in 0..<p {
                        let mj = a[j] / denom
                        u2[j] -= weight * perTerm * mj
                        for l in 0...j {
                            cmat[j * p + l] += cmat2[j * p + l] * share
                            let v = perTerm * (cmat[j * p + l] - mj * a[l]) / denom
                            blockA[j * p + l] += v
                            blockB[j * p + l] += weight * v
                            blockC[j * p + l] += weight * weight * v
                        }
                    }
                }
                for j in 0..<p { a2[j] = 0 }
                for k in 0..<(p * p) { cmat2[k] = 0 }
            }
            hi = lo
        }

        // The groups were collected latest first (events ascending within a group).
        var schoenfeld: [[Double]] = [], transformed: [Double] = []
        var start = 0
        for group in residualGroups {
            schoenfeld.insert(contentsOf: group, at: 0)
            transformed.insert(contentsOf: eventTimes[start..<(start + group.count)], at: 0)
            start += group.count
        }
        return ZPHPass(u2: u2, blockA: blockA, blockB: blockB, blockC: blockC, schoenfeld: schoenfeld,
                       transformedTime: transformed)
    }
}

/// The shared pass of `proportionalHazardsTest` and `scaledSchoenfeldResiduals`.
private struct ZPHPass {
    var u2: [Double]
    var blockA: [Double], blockB: [Double], blockC: [Double]
    var schoenfeld: [[Double]]
    var transformedTime: [Double]
}
