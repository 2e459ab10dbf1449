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
        let risk = causes.map { exp($0.relativeLinearPredictor(row)) }
        // The union of event times, with each cause's increment of H(u | m) there.
        var steps: [Double: [Double]] = [:]
        for (k, model) in causes.enumerated() {
            var previous = 0.0
            for (t, h) in zip(model.baselineTimes, model.baselineHazardAtMeans) {
                steps[t, default: [Double](repeating: 0, count: causes.count)][k] += (h - previous) * risk[k]
                previous = h
            }
        }
        let grid = steps.keys.sorted()
        var survival = [Double](repeating: 1, count: times.count)
        var incidence = [[Double]](repeating: [Double](repeating: 0, count: times.count), count: causes.count)
        var s = 1.0, cif = [Double](repeating: 0, count: causes.count)
        var g = 0
        for (j, t) in times.enumerated() {
            while g < grid.count && grid[g] <= t {
                let dH = steps[grid[g]]!
                let total = dH.reduce(0, +)
                if total > 0 {
                    let jump = -expm1(-total)                  // 1 − e^{−dH}
                    for k in causes.indices { cif[k] += s * (dH[k] / total) * jump }
                    s *= exp(-total)
                }
                g += 1
            }
            survival[j] = s
            for k in causes.indices { incidence[k][j] = cif[k] }
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
