import Foundation
import Models

/// Plain-text summaries for `train`, `inspect` and `evaluate`: fixed-width tables a
/// modeller can read in one screen, the same bytes for the same model.
extension ModelArtifact {
    /// The model summary: what it was trained on, both coefficient tables, and the
    /// holdout (or in-sample) metrics.
    public func summaryText() -> String {
        let t = training
        var out: [String] = []
        out.append("Arrears model v\(version) — trained \(t.trainedAt) on data as of \(t.asOf) by \(t.producer)")
        for f in t.inputs { out.append("  \(f.role): \(f.path) (\(f.bytes) bytes, sha256 \(f.sha256))") }
        let r = t.rows
        out.append("  rows: accounts \(r.accountRows) = \(r.validAccounts) valid + \(r.rejectedAccountRows) rejected; "
                   + "payments \(r.paymentRows) = \(r.validPayments) valid + \(r.rejectedPaymentRows) rejected")
        let holdout = t.options.holdoutFraction > 0
            ? "holdout \(Self.number(t.options.holdoutFraction, 2)) (seed \(t.options.seed)): \(t.trainAccounts) train, \(t.holdoutAccounts) holdout"
            : "no holdout: all \(t.trainAccounts) accounts train"
        out.append("  split: \(holdout)")
        if let w = t.options.weightsColumn {
            out.append("  case weights: column \(w) in both fits (model-based standard errors; the metrics count every account once)")
        }
        out.append("  features: \(features.count)"
                   + (t.droppedConstantFeatures.isEmpty ? "" : "; dropped as constant: \(t.droppedConstantFeatures.joined(separator: ", "))")
                   + (t.options.ignoredColumns.isEmpty ? "" : "; ignored: \(t.options.ignoredColumns.joined(separator: ", "))"))
        out.append("  score: \(Self.number(scoreScaling.baseScore, 0)) points at odds \(Self.number(scoreScaling.baseOdds, 2)):1, "
                   + "\(Self.number(scoreScaling.pointsToDoubleOdds, 0)) points to double the odds")
        out.append("")
        if let logistic {
            let fit = logistic.firth ? "Firth's penalized likelihood" : "L2 \(Self.number(logistic.l2, 4))"
            out.append("Recovery within \(horizonDays) days — logistic regression (\(fit))")
            out.append("  \(t.logisticRows) accounts, \(t.logisticEvents) recovered; \(t.logisticExcludedCensored) censored before \(horizonDays) days left out; "
                       + "\(logistic.iterations) iterations\(logistic.converged ? "" : " (NOT converged)")")
            let penalized = logistic.penalizedLogLikelihood.map { ", penalized \(Self.number($0, 2))" } ?? ""
            out.append("  log-likelihood \(Self.number(logistic.logLikelihood, 2))\(penalized) (null \(Self.number(logistic.nullLogLikelihood, 2))), "
                       + "pseudo R² \(Self.number(logistic.pseudoRSquared, 4)), AIC \(Self.number(logistic.aic, 2))")
            out += Self.coefficientTable(logistic.coefficients, hazardRatios: false)
        } else {
            out.append("Recovery within \(horizonDays) days — no logistic model (trained with --models cox): "
                       + "p_recover is the Cox model's 1 − S(\(horizonDays) | x)")
        }
        out.append("")
        if let cox {
            out.append("Time to recovery — Cox proportional hazards (\(cox.ties.rawValue) ties, L2 \(Self.number(cox.l2, 4)))")
            let lr = cox.likelihoodRatioTest
            out.append("  \(t.coxRows) accounts, \(t.coxEvents) recoveries; \(cox.iterations) iterations\(cox.converged ? "" : " (NOT converged)"); "
                       + "likelihood ratio \(Self.number(lr.statistic, 2)) on \(lr.df) df, p \(Self.pValue(lr.pValue))")
            out += Self.coefficientTable(cox.coefficients, hazardRatios: true)
            if let ph = t.proportionalHazards { out += Self.proportionalHazardsLines(ph) }
        } else {
            out.append("Time to recovery — no Cox model (trained with --models logistic): no P(recovered by day) nor median days")
        }
        if let cr = competingRisks { out += [""] + Self.competingRisksLines(cr, horizons: predictionHorizons) }
        out.append("")
        if let h = t.holdout {
            out += h.summaryLines(title: "Holdout (\(t.holdoutAccounts) accounts)", horizonDays: horizonDays, cox: cox != nil)
        } else {
            out += t.inSample.summaryLines(title: "In-sample (no holdout)", horizonDays: horizonDays, cox: cox != nil)
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The competing outcomes: events per outcome and the cumulative incidence at each
    /// horizon of an account at the training means.
    static func competingRisksLines(_ cr: CompetingRisksModel, horizons: [Int]) -> [String] {
        var out = ["Competing outcomes — one cause-specific Cox model per outcome (\(cr.causes[0].ties.rawValue) ties); "
                   + "cumulative incidence of an account at the training means:"]
        let means = cr.causes[0].means
        let curve = cr.cumulativeIncidence(means, at: horizons.map(Double.init))
        let width = Swift.max(12, cr.outcomes.map(\.count).max() ?? 0)
        out.append("  " + "outcome".padding(toLength: width, withPad: " ", startingAt: 0) + "  events"
                   + horizons.map { h in let t = "\(h) days"; return String(repeating: " ", count: Swift.max(0, 9 - t.count)) + t }.joined())
        for (k, name) in cr.outcomes.enumerated() {
            out.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0)
                       + String(format: "  %6d", cr.causes[k].nEvents)
                       + curve.incidence[k].map { String(format: "%9.4f", $0) }.joined())
        }
        out.append("  " + "none yet".padding(toLength: width, withPad: " ", startingAt: 0) + "        "
                   + curve.survival.map { String(format: "%9.4f", $0) }.joined())
        return out
    }

    /// The proportional-hazards check: the global test, the five smallest p-values, and
    /// the warning when a feature violates the assumption.
    static func proportionalHazardsLines(_ ph: ProportionalHazardsTest) -> [String] {
        var out = ["  proportional hazards (scaled Schoenfeld residuals vs 1 − KM(t), as R cox.zph): global χ² "
                   + "\(number(ph.global.chiSquare, 2)) on \(ph.global.degreesOfFreedom) df, p \(pValue(ph.global.pValue))"]
        let worst = ph.features.sorted { $0.pValue < $1.pValue }.prefix(5)
        out.append("    smallest p: " + worst.map { "\($0.name) \(pValue($0.pValue)) (χ² \(number($0.chiSquare, 2)))" }
            .joined(separator: ", "))
        if let warning = ph.warning { out.append("  warning: \(warning)") }
        return out
    }

    /// `name  estimate  std.err  z  p` (and exp(coef) for hazard ratios).
    static func coefficientTable(_ coefficients: [Coefficient], hazardRatios: Bool) -> [String] {
        let width = Swift.max(12, coefficients.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: Swift.max(0, w - s.count))
            return left ? s + fill : fill + s
        }
        var header = "  " + pad("feature", width, left: true) + pad("estimate", 12)
        if hazardRatios { header += pad("exp(coef)", 11) }
        header += pad("std.err", 11) + pad("z", 9) + pad("p", 10)
        var lines = [header]
        for c in coefficients {
            var line = "  " + pad(c.name, width, left: true) + pad(Self.number(c.estimate, 6), 12)
            if hazardRatios { line += pad(Self.number(exp(c.estimate), 4), 11) }
            line += pad(Self.number(c.standardError, 6), 11) + pad(Self.number(c.z, 2), 9) + pad(Self.pValue(c.pValue), 10)
            lines.append(line)
        }
        return lines
    }

    static func number(_ x: Double, _ decimals: Int) -> String {
        x.isFinite ? String(format: "%.\(decimals)f", x) : "\(x)"
    }

    static func pValue(_ p: Double) -> String {
        p < 1e-4 ? "<1e-4" : String(format: "%.4f", p)
    }
}

extension EvaluationMetrics {
    /// The metrics block of a summary.
    /// `cox` false: the model has no Cox part, so its lines are left out.
    public func summaryLines(title: String, horizonDays: Int, cox: Bool = true) -> [String] {
        typealias A = ModelArtifact
        var out = ["\(title):"]
        if let m = logistic {
            out.append("  logistic (\(logisticRows) accounts with a label, \(m.events) recovered within \(horizonDays) days; "
                       + "\(logisticExcludedCensored) censored before \(horizonDays) days left out)")
            out.append("    AUC \(A.number(m.auc, 4))  Gini \(A.number(m.gini, 4))  KS \(A.number(m.ks, 4))  "
                       + "Brier \(A.number(m.brier, 4))  log-loss \(A.number(m.logLoss, 4))")
            let c = m.calibration
            out.append("    calibration by decile (Hosmer–Lemeshow \(A.number(c.hosmerLemeshow, 2)) on \(c.degreesOfFreedom) df, p \(A.pValue(c.pValue))):")
            out.append("      decile  accounts  predicted  observed")
            for (g, group) in c.groups.enumerated() {
                out.append(String(format: "      %6d  %8d  %9.4f  %8.4f", g + 1, group.count, group.meanPredicted, group.observedRate))
            }
        } else {
            out.append("  logistic: no metrics (\(logisticRows) labelled accounts; both outcomes and at least 10 rows are needed)")
        }
        guard cox else { return out }
        if let c = concordance {
            out.append("  Cox: Harrell's C \(A.number(c, 4)) over \(comparablePairs) comparable pairs")
        } else {
            out.append("  Cox: no comparable pairs for Harrell's C")
        }
        let td = timeDependent
        out.append("    by day  accounts  predicted  observed" + (td == nil ? "" : "  AUC(t)  Brier(t)")
                   + "   (recovered by the day, among accounts whose status then is known)")
        for (k, h) in horizons.enumerated() {
            var line = String(format: "    %6d  %8d  %9.4f  %8.4f", h.days, h.accounts, h.predicted, h.observed)
            if let td, k < td.auc.count { line += String(format: "  %6.4f  %8.4f", td.auc[k], td.brier[k]) }
            out.append(line)
        }
        if let td {
            out.append("    cumulative/dynamic AUC mean \(A.number(td.meanAUC, 4)); integrated Brier score \(A.number(td.integratedBrier, 4)) "
                       + "over \(Int(td.horizons.first ?? 0))–\(Int(td.horizons.last ?? 0)) days; Uno's C \(A.number(td.unoC, 4)) "
                       + "(truncated at \(Int(td.truncation)) days; IPCW from these accounts)")
        }
        if let consistency { out += consistency.summaryLines }
        return out
    }
}
