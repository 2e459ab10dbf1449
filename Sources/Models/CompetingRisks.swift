#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LinearAlgebra

/// Competing outcomes (paid in full, settled, written off, …): one cause-specific Cox
/// model per outcome and the cumulative incidence of each.
///
/// **Cause-specific hazards.** Outcome k's model is the Cox fit with an event where the
/// account ended in k and every other account (censored, or ended in another outcome)
/// censored at its time: R `coxph(Surv(time, outcome == k) ~ …)`, equal to the k-th
/// transition of R's multi-state `coxph(Surv(time, factor(outcome)) ~ …, id =)`.
///
/// **Cumulative incidence** of an account x, over the distinct event times u of all
/// outcomes (days), from the cause-specific increments dH_k(u | x) = ΔH_k(u | m)·e^{(x−m)ᵀβ_k}
/// and dH = Σ_k dH_k, by the product integral
///   S(u) = S(u−)·e^{−dH(u)},  CIF_k(t) = Σ_{u ≤ t} S(u−)·(dH_k(u)/dH(u))·(1 − e^{−dH(u)}),
/// the matrix exponential of each step's hazard matrix. With Breslow ties this is R's
/// multi-state `survfit(coxph(…), newdata)` `pstate`; with Efron the same formula runs
/// on the Efron cause-specific baselines (R's multi-state survfit does not use Efron
/// increments consistently, survival issue #268, so it is not matched there).
/// S(t) + Σ_k CIF_k(t) = 1 at every t.
public struct CompetingRisksModel: Sendable, Codable, Equatable {
    /// The outcome labels, in model order.
    public var outcomes: [String]
    /// One cause-specific Cox model per outcome.
    public var causes: [CoxModel]

    public init(outcomes: [String], causes: [CoxModel]) {
        precondition(outcomes.count == causes.count && !outcomes.isEmpty, "CompetingRisksModel: one model per outcome")
        self.outcomes = outcomes
        self.causes = causes
    }

    /// The event-free probability S(t | x) and CIF_k(t | x) of each outcome at each of
    /// `times` (days) for the feature row `row`: `(survival[t], incidence[k][t])`.
    /// - Complexity: O(U·K) for U distinct event times and K outcomes.
    public func cumulativeIncidence(_ row: [Double], at times: [Double]) -> (survival: [Double], incidence: [[Double]]) {
        IncidenceGrid(self).cumulativeIncidence(relativeRisks: causes.map { exp($0.relativeLinearPredictor(row)) }, at: times)
    }
}

/// The union of the outcomes' event times with each cause's baseline increment there,
/// built once so that many accounts are evaluated in O(U·K) each.
public struct IncidenceGrid: Sendable {
    /// Distinct event times of all outcomes, ascending (days).
    public let times: [Double]
    /// ΔH_k(u | m), row-major `times.count × K`.
    let increments: [Double]
    let causes: Int

    public init(_ model: CompetingRisksModel) {
        let k = model.causes.count
        let all = Array(Set(model.causes.flatMap(\.baselineTimes))).sorted()
        var index: [Double: Int] = [:]
        for (u, t) in all.enumerated() { index[t] = u }
        var inc = [Double](repeating: 0, count: all.count * k)
        for (c, cause) in model.causes.enumerated() {
            var previous = 0.0
            for (t, h) in zip(cause.baselineTimes, cause.baselineHazardAtMeans) {
                inc[index[t]! * k + c] += h - previous
                previous = h
            }
        }
        times = all
        increments = inc
        causes = k
    }

    /// S(t | x) and CIF_k(t | x) at `times` (ascending) for an account whose relative risk
    /// under cause k is `relativeRisks[k]` = e^{(x−m)ᵀβ_k} (see `CompetingRisksModel`).
    public func cumulativeIncidence(relativeRisks risk: [Double], at horizons: [Double]) -> (survival: [Double], incidence: [[Double]]) {
        var survival = [Double](repeating: 1, count: horizons.count)
        var incidence = [[Double]](repeating: [Double](repeating: 0, count: horizons.count), count: causes)
        var s = 1.0, cif = [Double](repeating: 0, count: causes), dH = cif
        var u = 0
        for (j, t) in horizons.enumerated() {
            while u < times.count && times[u] <= t {
                var total = 0.0
                for c in 0..<causes { dH[c] = increments[u * causes + c] * risk[c]; total += dH[c] }
                if total > 0 {
                    let jump = -expm1(-total)                  // 1 − e^{−dH}
                    for c in 0..<causes { cif[c] += s * (dH[c] / total) * jump }
                    s *= exp(-total)
                }
                u += 1
            }
            survival[j] = s
            for c in 0..<causes { incidence[c][j] = cif[c] }
        }
        return (survival, incidence)
    }
}

/// Fits `CompetingRisksModel`s: one `CoxRegression` per outcome.
public struct CompetingRisksRegression: Sendable, Equatable {
    public var cox: CoxRegression

    public init(cox: CoxRegression = CoxRegression()) { self.cox = cox }

    /// `outcome[i]` is the index into `outcomes` of account i's outcome at `time[i]`, or
    /// nil when it was censored then. Every outcome needs at least one event (a single
    /// one is fitted, as R does); a failure names the outcome.
    public func fit(_ x: Matrix, time: [Double], outcome: [Int?], outcomes: [String], featureNames: [String],
                    weights: [Double]? = nil) throws(CoxError) -> CompetingRisksModel {
        precondition(outcome.count == x.rows, "CompetingRisksRegression.fit: one outcome per row")
        precondition(outcome.allSatisfy { $0.map { outcomes.indices.contains($0) } ?? true },
                     "CompetingRisksRegression.fit: outcome indices must point into outcomes")
        var causes: [CoxModel] = []
        for k in outcomes.indices {
            do throws(CoxError) {
                causes.append(try cox.fit(x, time: time, event: outcome.map { $0 == k }, featureNames: featureNames,
                                          weights: weights))
            } catch {
                var e = error
                e.message = "outcome '\(outcomes[k])': " + e.message
                throw e
            }
        }
        return CompetingRisksModel(outcomes: outcomes, causes: causes)
    }
}
