#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Models

/// The model report: one self-contained HTML page (inline CSS and SVG; no scripts, no
/// fonts, images or links outside the page), so it opens offline and can be mailed or
/// archived as one file. Same input → byte-identical output.
///
/// Sections, each a `<section id=…>` (present when its input is), charts first and the
/// long coefficient tables last, so the page reads at a glance:
/// - `summary`: title, description lines, key figures, links to the sections.
/// - `roc`: true positive rate (share of recovered accounts scored at or above a cut-off)
///   against false positive rate (share of non-recovered accounts above it), both in %,
///   with the AUC and the chance diagonal.
/// - `ks`: the score's distribution functions F₁(t) (recovered) and F₀(t) (not recovered)
///   against the score t in %, with KS = max |F₁ − F₀| marked where it occurs.
/// - `gains`: cumulative share of recoveries captured against the share of accounts
///   worked, highest score first, and the lift of each decile (its recovery rate ÷ the
///   overall rate, ×), with the decile table.
/// - `calibration`: observed recovery rate against mean predicted probability per decile
///   (both in %), the diagonal of perfect calibration and Hosmer–Lemeshow
///   HL = Σ (O − E)²/(E(1 − E/m)) on G − 2 degrees of freedom with its p-value.
/// - `recovery`: per score band, the Kaplan–Meier share recovered 1 − S(t) by day t
///   (solid steps, shaded pointwise Greenwood log bands at the band's level) and the Cox
///   model's mean predicted share recovered (dashed), x in days since the as-of date.
/// - `stability`: histograms of the score (share of accounts per bin, %) on the training
///   data and on the given portfolio, with PSI = Σ (a − e)·ln(a/e) over training deciles.
/// - `worklist`: accounts per worklist class.
/// - `coefficients`: the logistic table (estimate in log-odds per unit of the feature,
///   standard error, Wald z, two-sided p, 95 % CI estimate ± z₀.₉₇₅·SE with
///   z₀.₉₇₅ = Φ⁻¹(0.975) ≈ 1.96) and the Cox table (coefficient in log hazard ratio per
///   unit, hazard ratio exp(coef), SE, z, p, 95 % CI of the hazard ratio
///   exp(coef ± 1.96·SE)).
public struct ReportDocument: Sendable {
    public var input: ReportInput

    public init(_ input: ReportInput) { self.input = input }

    /// Every section id the page can have, in page order.
    public static let allSectionIDs = ["summary", "roc", "ks", "gains", "calibration", "recovery", "ph", "stability",
                                       "worklist", "coefficients"]

    /// The ids of the sections this input renders, in page order.
    public var sectionIDs: [String] {
        Self.allSectionIDs.filter { id in
            switch id {
            case "summary": return true
            case "coefficients": return input.logisticCoefficients != nil || input.coxCoefficients != nil
            case "roc", "ks", "gains", "calibration": return input.validation != nil
            case "recovery": return !(input.recovery?.bands.isEmpty ?? true)
            case "ph": return !(input.proportionalHazards?.isEmpty ?? true)
            case "stability": return input.scoreDistribution != nil
            case "worklist": return input.worklist != nil
            default: return false
            }
        }
    }

    static let sectionTitles = [
        "summary": "Summary", "coefficients": "Coefficients", "roc": "ROC curve", "ks": "KS plot",
        "gains": "Gains and lift", "calibration": "Calibration", "recovery": "Recovery curves by score band",
        "stability": "Score distribution and stability", "worklist": "Worklist classes",
        "ph": "Proportional hazards",
    ]

    /// z₀.₉₇₅ for the 95 % Wald intervals of the coefficient tables.
    static let z95 = standardNormalQuantile(0.975)

    /// The whole page.
    public func html() -> String {
        var body = ""
        for id in sectionIDs {
            switch id {
            case "summary": body += summarySection()
            case "coefficients": body += coefficientsSection()
            case "roc": body += input.validation.map(rocSection) ?? ""
            case "ks": body += input.validation.map(ksSection) ?? ""
            case "gains": body += input.validation.map(gainsSection) ?? ""
            case "calibration": body += input.validation.map(calibrationSection) ?? ""
            case "recovery": body += input.recovery.map(recoverySection) ?? ""
            case "ph": body += input.proportionalHazards.map(proportionalHazardsSection) ?? ""
            case "stability": body += input.scoreDistribution.map(stabilitySection) ?? ""
            case "worklist": body += input.worklist.map(worklistSection) ?? ""
            default: break
            }
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
            + HTML.element("title", input.title) + "<style>" + HTML.style + "</style></head>\n<body><main>\n"
            + body
            + "<footer>" + Markup.escape("Generated by Arrears. Self-contained: charts are inline SVG; the page loads nothing from elsewhere.")
            + "</footer>\n</main></body></html>\n"
    }

    // MARK: - Sections

    /// Scaled Schoenfeld residuals of the features with the smallest PH-test p-values.
    private func proportionalHazardsSection(_ trends: [ResidualTrend]) -> String {
        var figures = ""
        for (k, trend) in trends.enumerated() {
            let xs = trend.bins.map(\.x)
            let lo = xs.min() ?? 0, hi = Swift.max(xs.max() ?? 1, lo + 1e-9)
            let chart = LineChart(
                title: "Scaled Schoenfeld residuals of \(trend.feature)",
                xAxis: Axis(label: "1 − KM(t): share recovered by then", domain: niceDomain(lo, hi), format: .percent),
                yAxis: Axis(label: "Log hazard ratio per unit"),
                series: [
                    LineSeries(name: "Cox coefficient",
                               points: [ChartPoint(x: lo, y: trend.coefficient), ChartPoint(x: hi, y: trend.coefficient)],
                               colour: Palette.reference, dashed: true),
                    LineSeries(name: "Mean scaled residual", points: trend.bins,
                               colour: k == 0 ? Palette.vermillion : Palette.blue, markers: true),
                ],
                legend: .bottomLeft)
            figures += HTML.figure(chart.svg(), caption: "\(trend.feature) (mean per tenth of the events): PH test p = \(Markup.pValue(trend.pValue)).")
        }
        return section("ph", how: "If a feature's effect on the speed of recovery were constant over time (the Cox model's assumption), its scaled Schoenfeld residuals would scatter around the dashed line at its coefficient; a trend says the effect grows or fades as accounts age. Shown for the features with the smallest p-values of the test (R cox.zph, km transform), on the accounts reported on.",
                       "<div class=\"figures\">" + figures + "</div>")
    }

    private func section(_ id: String, how: String, _ content: String) -> String {
        "<section id=\"\(id)\">" + HTML.element("h2", Self.sectionTitles[id] ?? id)
            + (how.isEmpty ? "" : HTML.element("p", how, [("class", "how")])) + content + "</section>\n"
    }

    private func summarySection() -> String {
        var s = "<section id=\"summary\">" + HTML.element("h1", input.title)
        for line in input.descriptionLines { s += HTML.element("p", line, [("class", "lede")]) }
        for note in input.notes { s += HTML.element("p", note, [("class", "note")]) }
        if !input.keyFigures.isEmpty {
            s += "<dl class=\"figures-list\">"
            for f in input.keyFigures { s += "<div>" + HTML.element("dt", f.label) + HTML.element("dd", f.value) + "</div>" }
            s += "</dl>"
        }
        let links = sectionIDs.dropFirst().map { id in
            "<a href=\"#\(id)\">" + Markup.escape(Self.sectionTitles[id] ?? id) + "</a>"
        }
        if !links.isEmpty { s += "<nav>" + links.joined() + "</nav>" }
        return s + "</section>\n"
    }

    private func coefficientsSection() -> String {
        var s = ""
        let z = Self.z95
        if let rows = input.logisticCoefficients {
            s += HTML.table(
                id: "logistic-coefficients",
                caption: "Recovery propensity — logistic regression (estimates in log-odds per unit of the feature)",
                headers: ["Feature", "Estimate", "Std. error", "z", "p", "95% CI low", "95% CI high", "Odds ratio"],
                rows: rows.map { c in
                    [.text(c.name), .number(Markup.significant(c.estimate)), .number(Markup.significant(c.standardError)),
                     .number(Markup.fixed(c.z, 2)), .number(Markup.pValue(c.pValue)),
                     .number(Markup.significant(c.estimate - z * c.standardError)),
                     .number(Markup.significant(c.estimate + z * c.standardError)),
                     .number(c.name == LogisticModel.interceptName ? "" : Markup.significant(exp(c.estimate)))]
                })
        }
        if let rows = input.coxCoefficients {
            s += HTML.table(
                id: "cox-coefficients",
                caption: "Time to recovery — Cox proportional hazards (coef in log hazard ratio per unit; HR > 1: recovers sooner)",
                headers: ["Feature", "coef", "exp(coef) = HR", "Std. error", "z", "p", "HR 95% CI low", "HR 95% CI high"],
                rows: rows.map { c in
                    [.text(c.name), .number(Markup.significant(c.estimate)), .number(Markup.significant(exp(c.estimate))),
                     .number(Markup.significant(c.standardError)), .number(Markup.fixed(c.z, 2)),
                     .number(Markup.pValue(c.pValue)),
                     .number(Markup.significant(exp(c.estimate - z * c.standardError))),
                     .number(Markup.significant(exp(c.estimate + z * c.standardError)))]
                })
        }
        return section("coefficients",
                       how: "Wald statistics: z = estimate ÷ standard error, p two-sided; 95% intervals are estimate ± 1.96 × standard error (for the Cox model exponentiated to hazard ratios). Estimates are per unit of the feature on its original scale.",
                       s)
    }

    private var scoreAxisLabel: String { input.scoreLabel + ", %" }
    private var dataNote: String { input.validationLabel.isEmpty ? "" : " Data: \(input.validationLabel)." }

    private func rocSection(_ v: ValidationCurves) -> String {
        let chart = LineChart(
            title: "ROC curve",
            xAxis: Axis(label: "False positive rate, %", domain: 0...1, format: .percent),
            yAxis: Axis(label: "True positive rate, %", domain: 0...1, format: .percent),
            series: [
                LineSeries(name: "Chance (AUC 0.5)", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 1)],
                           colour: Palette.reference, dashed: true),
                LineSeries(name: "Model (AUC \(Markup.fixed(v.auc, 3)))",
                           points: v.roc.map { ChartPoint(x: $0.falsePositiveRate, y: $0.truePositiveRate) },
                           colour: Palette.blue),
            ],
            legend: .bottomRight)
        let table = HTML.table(caption: "Discrimination", headers: ["Measure", "Value"], rows: [
            [.text("AUC"), .number(Markup.fixed(v.auc, 4))],
            [.text("Gini = 2·AUC − 1"), .number(Markup.fixed(2 * v.auc - 1, 4))],
            [.text("KS"), .number(Markup.fixed(v.ks.statistic, 4))],
            [.text("Accounts"), .number(Markup.count(v.count))],
            [.text("Recovered (label 1)"), .number(Markup.count(v.events))],
        ])
        return section("roc", how: "Each point is one score cut-off. The further the curve bows towards the top left, the better the score separates accounts that recover within the horizon from those that do not; AUC is the chance that a random recovered account outscores a random non-recovered one." + dataNote,
                       "<div class=\"figures\">" + HTML.figure(chart.svg(), caption: "True positive rate: share of recovered accounts scored at or above a cut-off; false positive rate: share of non-recovered accounts at or above it. Dashed: a score with no information.")
                       + "<div class=\"tables\">" + table + "</div></div>")
    }

    private func ksSection(_ v: ValidationCurves) -> String {
        let ks = v.ks
        let at = ks.points.first { $0.score == ks.threshold }
        let chart = LineChart(
            title: "KS plot",
            xAxis: Axis(label: scoreAxisLabel, domain: scoreDomain(ks.points.map(\.score)), format: .percent),
            yAxis: Axis(label: "Share with score ≤ x, %", domain: 0...1, format: .percent),
            series: [
                LineSeries(name: "Not recovered (F₀)", points: cumulative(ks.points.map { ($0.score, $0.nonEventShare) }),
                           colour: Palette.vermillion, shape: .step),
                LineSeries(name: "Recovered (F₁)", points: cumulative(ks.points.map { ($0.score, $0.eventShare) }),
                           colour: Palette.blue, shape: .step),
            ],
            markers: at.map { [VerticalMarker(x: $0.score, from: $0.eventShare, to: $0.nonEventShare,
                                             label: "KS \(Markup.fixed(ks.statistic, 3))")] } ?? [],
            legend: .bottomRight)
        let text = "KS = \(Markup.fixed(ks.statistic, 4)), the largest vertical distance between the curves, at score \(Markup.percent(ks.threshold, 1))"
            + (at.map { ": \(Markup.percent($0.nonEventShare, 1)) of non-recovered vs \(Markup.percent($0.eventShare, 1)) of recovered accounts score at or below it." } ?? ".")
        return section("ks", how: "The share of each group scoring at or below a value. A good score keeps non-recovered accounts low and recovered accounts high, so the curves separate." + dataNote,
                       "<div class=\"figures\">" + HTML.figure(chart.svg(), caption: text) + "</div>")
    }

    private func gainsSection(_ v: ValidationCurves) -> String {
        let rows = v.gains.rows
        let gainsChart = LineChart(
            title: "Cumulative gains",
            xAxis: Axis(label: "Accounts worked, highest score first, %", domain: 0...1, format: .percent),
            yAxis: Axis(label: "Recoveries captured, % of all", domain: 0...1, format: .percent),
            series: [
                LineSeries(name: "Random order", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 1)],
                           colour: Palette.reference, dashed: true),
                LineSeries(name: "Model", points: [ChartPoint(x: 0, y: 0)] + rows.map {
                    ChartPoint(x: $0.cumulativeShare, y: $0.cumulativeEventShare)
                }, colour: Palette.blue, markers: true),
            ],
            legend: .bottomRight)
        let liftChart = BarChart(
            title: "Lift by decile",
            categories: rows.map { String($0.group) },
            xAxis: Axis(label: "Score decile (1 = highest predicted probability)"),
            yAxis: Axis(label: "Lift (rate ÷ overall rate), ×", format: .multiple),
            series: [BarSeries(name: "Lift", values: rows.map(\.lift), colour: Palette.bluishGreen)],
            reference: ReferenceLine(y: 1, label: "1× = random"), legend: .none)
        let table = HTML.table(
            id: "gains-table", caption: "Gains by decile (overall recovery rate \(Markup.percent(v.gains.eventRate, 1)))",
            headers: ["Decile", "Accounts", "Recovered", "Score range, %", "Recovery rate", "Lift", "Cum. accounts", "Cum. recoveries", "Cum. lift"],
            rows: rows.map { r in
                [.number(String(r.group)), .number(Markup.count(r.count)), .number(Markup.count(r.events)),
                 .number(Markup.fixed(r.minScore * 100, 1) + "–" + Markup.fixed(r.maxScore * 100, 1)),
                 .number(Markup.percent(r.eventRate, 1)), .number(Markup.fixed(r.lift, 2) + "×"),
                 .number(Markup.percent(r.cumulativeShare, 0)), .number(Markup.percent(r.cumulativeEventShare, 1)),
                 .number(Markup.fixed(r.cumulativeLift, 2) + "×")]
            })
        return section("gains", how: "Work the accounts in score order: the gains curve shows what share of all recoveries the first x% of the list holds; lift says how many times more recoveries a decile holds than a random tenth." + dataNote,
                       "<div class=\"figures\">" + HTML.figure(gainsChart.svg(), caption: "Cumulative gains; dots at decile boundaries.")
                       + HTML.figure(liftChart.svg(), caption: "Lift per score decile; the dashed line is a random list.")
                       + "</div>" + table)
    }

    private func calibrationSection(_ v: ValidationCurves) -> String {
        let c = v.calibration
        let hi = Swift.max(c.groups.map { Swift.max($0.meanPredicted, $0.observedRate) }.max() ?? 1, 0.05)
        let top = Swift.min(1, niceDomain(0, hi).upperBound)
        let chart = LineChart(
            title: "Calibration by decile",
            xAxis: Axis(label: "Mean predicted probability of recovery, %", domain: 0...top, format: .percent),
            yAxis: Axis(label: "Observed recovery rate, %", domain: 0...top, format: .percent),
            series: [
                LineSeries(name: "Perfect calibration", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: top, y: top)],
                           colour: Palette.reference, dashed: true),
                LineSeries(name: "Deciles of the score", points: c.groups.map { ChartPoint(x: $0.meanPredicted, y: $0.observedRate) },
                           colour: Palette.vermillion, markers: true),
            ],
            legend: .topLeft)
        let verdict = c.pValue < 0.05 ? "the test rejects calibration at the 5% level" : "no evidence of miscalibration at the 5% level"
        let table = HTML.table(
            id: "calibration-table", caption: "Calibration by decile",
            headers: ["Decile", "Accounts", "Mean predicted", "Observed", "Difference"],
            rows: c.groups.enumerated().map { k, g in
                [.number(String(k + 1)), .number(Markup.count(g.count)), .number(Markup.percent(g.meanPredicted, 1)),
                 .number(Markup.percent(g.observedRate, 1)),
                 .number(Markup.fixed((g.observedRate - g.meanPredicted) * 100, 1) + " pp")]
            })
        let hl = "<p class=\"verdict\">" + Markup.escape("Hosmer–Lemeshow χ² = \(Markup.fixed(c.hosmerLemeshow, 2)) on \(c.degreesOfFreedom) degrees of freedom, p = \(Markup.pValue(c.pValue)): \(verdict).") + "</p>"
        return section("calibration", how: "Accounts sorted by predicted probability into ten groups of equal size; in a calibrated model each group's observed recovery rate matches its mean prediction, so the points sit on the diagonal." + dataNote,
                       hl + "<div class=\"figures\">" + HTML.figure(chart.svg(), caption: "Observed vs predicted recovery per decile.")
                       + "<div class=\"tables\">" + table + "</div></div>")
    }

    private func recoverySection(_ r: RecoveryCurves) -> String {
        let level = r.bands.first?.observed.confidenceLevel ?? 0.95
        let levelText = Markup.fixed(level * 100, level * 100 == (level * 100).rounded() ? 0 : 1) + "%"
        let lastDay = r.bands.map { $0.observed.steps.last?.time ?? 0 }.max() ?? 1
        var series: [LineSeries] = []
        for (k, band) in r.bands.enumerated() {
            let colour = Palette.colour(k)
            let km = band.observed
            let observed = [ChartPoint(x: 0, y: 0)] + km.steps.map { ChartPoint(x: $0.time, y: 1 - $0.survival) }
            var bandPoints = [BandPoint(x: 0, lower: 0, upper: 0)]
            for s in km.steps {
                guard let lo = s.lower, let up = s.upper else { break }
                bandPoints.append(BandPoint(x: s.time, lower: 1 - up, upper: 1 - lo))
            }
            series.append(LineSeries(name: band.label, points: observed, colour: colour, shape: .step, band: bandPoints))
            series.append(LineSeries(name: band.label + " (Cox)", points: band.predicted, colour: colour, shape: .step,
                                     dashed: true, inLegend: false))
        }
        series.append(LineSeries(name: "Cox predicted (dashed)", points: [], colour: Palette.black, dashed: true))
        let chart = LineChart(
            title: "Recovery curves by score band",
            xAxis: Axis(label: "Days since the as-of date", domain: 0...niceDomain(0, lastDay).upperBound),
            yAxis: Axis(label: "Recovered by day x, % of band's accounts", domain: 0...1, format: .percent),
            series: series, legend: .outsideRight, width: 1080, height: 440)
        var headers = ["Band", "Score range, %", "Accounts", "Recovered", "Median days (KM)"]
        for h in r.horizons { headers.append("By day \(Markup.fixed(h, 0))") }
        let rows: [[HTML.Cell]] = r.bands.map { band in
            let km = band.observed
            var cells: [HTML.Cell] = [
                .text(band.label),
                .number(Markup.fixed(band.scoreRange.lowerBound * 100, 1) + "–" + Markup.fixed(band.scoreRange.upperBound * 100, 1)),
                .number(Markup.count(km.count)), .number(Markup.count(km.eventCount)),
                .number(km.median.map { Markup.fixed($0, 0) } ?? "not reached"),
            ]
            for h in r.horizons {
                let cox = Markup.percent(band.predictedRecovered(at: h), 1)
                guard let s = km.step(at: h) else { cells.append(.stacked("0.0%\nCox " + cox)); continue }
                let ci = (s.upper.map { Markup.fixed((1 - $0) * 100, 1) } ?? "–") + "–"
                    + (s.lower.map { Markup.fixed((1 - $0) * 100, 1) } ?? "–")
                cells.append(.stacked(Markup.percent(1 - s.survival, 1) + " [" + ci + "]\nCox " + cox))
            }
            return cells
        }
        let table = HTML.table(id: "recovery-table", caption: "Share recovered by day: Kaplan–Meier observed [\(levelText) CI], then Cox predicted",
                               headers: headers, rows: rows)
        return section("recovery", how: "Accounts split into bands of equal size by score. Solid steps: the Kaplan–Meier estimate of the share recovered by each day, 1 − S(t), which accounts for accounts still open (censored); shaded: pointwise \(levelText) Greenwood confidence bands (log scale). Dashed: the Cox model's predicted share recovered, averaged over the band. The survival model fits when each dashed curve stays inside its band.",
                       "<figure class=\"wide\">" + chart.svg() + HTML.element("figcaption", "Observed (solid, with \(levelText) band) and Cox-predicted (dashed) recovery by score band.") + "</figure>" + table)
    }

    private func stabilitySection(_ d: ScoreDistribution) -> String {
        let psi = d.stability.index
        let verdict = psi < 0.1 ? "stable (PSI < 0.1)" : psi < 0.25 ? "some shift (0.1 ≤ PSI < 0.25): watch" : "significant shift (PSI ≥ 0.25): review the model"
        let chart = HistogramChart(
            title: "Score distribution",
            edges: d.edges,
            series: [
                BarSeries(name: "Training (n = \(Markup.count(d.trainingCount)))", values: d.trainingShares, colour: Palette.blue),
                BarSeries(name: "\(d.portfolioName) (n = \(Markup.count(d.portfolioCount)))", values: d.portfolioShares, colour: Palette.orange),
            ],
            xAxis: Axis(label: scoreAxisLabel, domain: (d.edges.first ?? 0)...(d.edges.last ?? 1), format: .percent),
            yAxis: Axis(label: "Share of accounts per bin, %", format: .percent))
        let table = HTML.table(
            id: "psi-table", caption: "PSI by training decile of the score",
            headers: ["Score bin, %", "Training", d.portfolioName, "Contribution"],
            rows: d.stability.bins.map { b in
                let lo = b.lower.isFinite ? Markup.fixed(b.lower * 100, 1) : "−∞"
                let hi = b.upper.isFinite ? Markup.fixed(b.upper * 100, 1) : "∞"
                return [.number("[" + lo + ", " + hi + ")"), .number(Markup.percent(b.expectedShare, 1)),
                        .number(Markup.percent(b.actualShare, 1)), .number(Markup.fixed(b.contribution, 4))]
            },
            footer: [.text("PSI"), .number(""), .number(""), .number(Markup.fixed(psi, 4))])
        return section("stability", how: "The score's distribution on the training data and on the accounts reported on (\(d.portfolioName.lowercased())). PSI = Σ (a − e)·ln(a ÷ e) over the training deciles (e: training share, a: \(d.portfolioName.lowercased()) share); below 0.1 is stable, above 0.25 a significant shift.",
                       "<p class=\"verdict\">" + Markup.escape("PSI = \(Markup.fixed(psi, 4)): \(verdict).") + "</p>"
                       + "<div class=\"figures\">" + HTML.figure(chart.svg(), caption: "Share of each sample per score bin (overlaid).")
                       + "<div class=\"tables\">" + table + "</div></div>")
    }

    private func worklistSection(_ classes: [WorklistClassCount]) -> String {
        let total = classes.reduce(0) { $0 + $1.count }
        let table = HTML.table(
            id: "worklist-table", caption: "Accounts per class (they add up to the input rows)",
            headers: ["Class", "Accounts", "Share", "Note"],
            rows: classes.map { c in
                [.text(c.name), .number(Markup.count(c.count)),
                 .number(total > 0 ? Markup.percent(Double(c.count) / Double(total), 1) : "–"), .text(c.note)]
            },
            footer: [.text("Total"), .number(Markup.count(total)), .number(total > 0 ? "100.0%" : "–"), .text("")])
        return section("worklist", how: "Every scored account lands in exactly one class.", table)
    }

    // MARK: - Helpers

    /// A distribution function drawn from the left edge: (first score, 0) then the steps.
    private func cumulative(_ points: [(Double, Double)]) -> [ChartPoint] {
        guard let first = points.first else { return [] }
        return [ChartPoint(x: first.0, y: 0)] + points.map { ChartPoint(x: $0.0, y: $0.1) }
    }

    /// The axis range for probability scores: the data's range widened to round ticks,
    /// clamped to [0, 1].
    private func scoreDomain(_ scores: [Double]) -> ClosedRange<Double> {
        guard let lo = scores.min(), let hi = scores.max() else { return 0...1 }
        let d = niceDomain(lo, hi)
        return Swift.max(0, d.lowerBound)...Swift.min(1, Swift.max(d.upperBound, Swift.max(0, d.lowerBound) + 0.01))
    }
}
