import Foundation
import XCTest
import Models
@testable import Report
import _TestSupport

/// The HTML page from a synthetic input: structure, self-containment, escaping, and
/// the chart-input helpers.
final class ReportDocumentTests: XCTestCase {
    func testSyntheticReportHasEverySectionOnceAndIsWellFormed() throws {
        let fixture = try SyntheticPortfolio.reportInput()
        let document = ReportDocument(fixture.input)
        XCTAssertEqual(document.sectionIDs, ReportDocument.allSectionIDs)
        let html = document.html()
        for id in ReportDocument.allSectionIDs {
            XCTAssertEqual(html.components(separatedBy: "<section id=\"\(id)\">").count - 1, 1, "section \(id)")
        }
        for table in ["logistic-coefficients", "cox-coefficients", "gains-table", "calibration-table", "recovery-table",
                      "psi-table", "worklist-table"] {
            XCTAssertTrue(html.contains("<table id=\"\(table)\">"), table)
        }
        // Well-formed as XML (the page is XHTML-compatible), so every SVG tag is balanced.
        let elements = parseXML(html)
        XCTAssertEqual(elements.first, "html")
        XCTAssertEqual(elements.filter { $0 == "svg" }.count, 8, "roc, ks, gains, lift, calibration, recovery, PH residuals, histogram")
        XCTAssertEqual(elements.filter { $0 == "section" }.count, 10)
        // Self-contained: nothing fetched, nothing executed.
        XCTAssertFalse(html.contains("http"))
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.contains("src="))
        XCTAssertFalse(html.contains("url("))
        XCTAssertFalse(html.contains("@import"))
        // Every text is escaped.
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        XCTAssertTrue(html.contains("<title>Arrears model report &lt;synthetic &amp; &quot;test&quot;&gt;</title>"))
        // Deterministic.
        XCTAssertEqual(ReportDocument(fixture.input).html(), html)
        // Written to disk it is one file of modest size.
        let url = makeTemporaryDirectory("report").appendingPathComponent("report.html")
        try html.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertLessThan(try Data(contentsOf: url).count, 600_000)
    }

    func testSectionsFollowTheirInputs() throws {
        let fixture = try SyntheticPortfolio.reportInput(count: 400)
        var input = ReportInput(title: "Only coefficients", coxCoefficients: fixture.cox.coefficients)
        XCTAssertEqual(ReportDocument(input).sectionIDs, ["summary", "coefficients"])
        let html = ReportDocument(input).html()
        XCTAssertFalse(html.contains("<section id=\"roc\">"))
        XCTAssertFalse(html.contains("id=\"logistic-coefficients\""))
        XCTAssertTrue(html.contains("id=\"cox-coefficients\""))
        _ = parseXML(html)
        input.worklist = []
        XCTAssertEqual(ReportDocument(input).sectionIDs, ["summary", "worklist", "coefficients"])
    }

    func testCoefficientTablesShowWaldIntervals() throws {
        let input = ReportInput(title: "t",
                                logisticCoefficients: [Coefficient(name: "x", estimate: 1, standardError: 0.5)],
                                coxCoefficients: [Coefficient(name: "y", estimate: log(2), standardError: 0.1)])
        let html = ReportDocument(input).html()
        // 1 ± 1.959964 × 0.5 = 0.02002, 1.980; z = 2.00, p = 0.0455.
        XCTAssertTrue(html.contains("<td class=\"num\">0.02002</td><td class=\"num\">1.980</td>"))
        XCTAssertTrue(html.contains("<td class=\"num\">2.00</td><td class=\"num\">0.046</td>"))
        // HR = 2, CI 2·e^{∓0.196} = 1.644, 2.433.
        XCTAssertTrue(html.contains("<td class=\"num\">2.000</td>"))
        XCTAssertTrue(html.contains("<td class=\"num\">1.644</td><td class=\"num\">2.433</td>"))
    }

    func testValidationCurvesCollectTheMetrics() throws {
        let book = SyntheticPortfolio(count: 2000, seed: 11)
        let v = try ValidationCurves(probabilities: book.labelledProbability, labels: book.labels)
        XCTAssertEqual(v.auc, try Metrics.auc(scores: book.labelledProbability, labels: book.labels))
        XCTAssertEqual(v.count, book.labels.count)
        XCTAssertEqual(v.events, Int(book.labels.reduce(0, +)))
        XCTAssertEqual(v.gains.rows.count, 10)
        XCTAssertEqual(v.calibration.groups.count, 10)
        XCTAssertEqual(v.roc.last?.truePositiveRate, 1)
        XCTAssertGreaterThan(v.auc, 0.6, "the synthetic score carries signal")
        // The true probabilities are calibrated on the accounts with a known outcome... roughly.
        XCTAssertGreaterThan(v.gains.rows[0].lift, 1)
    }

    func testRecoveryCurvesByBand() throws {
        let book = SyntheticPortfolio(count: 1000, seed: 12)
        let cox = SyntheticPortfolio.coxModel()
        let eta = book.x.map { SyntheticPortfolio.beta * $0 }
        let curves = try RecoveryCurves.byScoreBand(scores: book.probability, time: book.time, event: book.event,
                                                    relativeRisk: eta, cox: cox, bands: 5)
        XCTAssertEqual(curves.bands.count, 5)
        XCTAssertEqual(curves.bands.map(\.observed.count), [200, 200, 200, 200, 200])
        XCTAssertEqual(curves.bands[0].label, "Q1 (lowest score)")
        for (a, b) in zip(curves.bands, curves.bands.dropFirst()) {
            XCTAssertLessThanOrEqual(a.scoreRange.upperBound, b.scoreRange.lowerBound)
        }
        // Band 1's Kaplan–Meier is the estimator on its own rows.
        let order = book.probability.indices.sorted { book.probability[$0] < book.probability[$1] }
        let rows = Array(order[0..<200])
        let km = try KaplanMeier(time: rows.map { book.time[$0] }, event: rows.map { book.event[$0] })
        XCTAssertEqual(curves.bands[0].observed, km)
        // Predicted at day 90: mean of 1 − exp(−90/150·e^{η}).
        let expected = rows.map { -expm1(-90 / SyntheticPortfolio.scale * exp(eta[$0])) }.reduce(0, +) / 200
        XCTAssertEqual(curves.bands[0].predictedRecovered(at: 90), expected, accuracy: 1e-12)
        XCTAssertEqual(curves.bands[0].predicted.first, ChartPoint(x: 0, y: 0))
        // The truth generated the data, so the observed share at day 90 is near the prediction.
        for band in curves.bands {
            XCTAssertEqual(band.observed.recovered(at: 90), band.predictedRecovered(at: 90), accuracy: 0.12, band.label)
        }
        XCTAssertEqual(RecoveryCurves.thinnedGrid((1...1000).map(Double.init), maxPoints: 10).count, 10)
        XCTAssertEqual(RecoveryCurves.thinnedGrid((1...1000).map(Double.init), maxPoints: 10).last, 1000)
    }

    func testScoreDistributionSharesAndPSI() throws {
        let train = SyntheticPortfolio(count: 1000, seed: 13).probability
        let book = SyntheticPortfolio(count: 500, seed: 14, shift: 0.5).probability
        let d = try ScoreDistribution(training: train, portfolio: book, bins: 20, domain: 0...1)
        XCTAssertEqual(d.edges.count, 21)
        XCTAssertEqual(d.edges.first, 0)
        XCTAssertEqual(d.edges.last, 1)
        XCTAssertEqual(d.trainingShares.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(d.portfolioShares.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(d.stability, try Metrics.populationStability(expected: train, actual: book))
        XCTAssertGreaterThan(d.stability.index, 0.1, "a shift of half a standard deviation shows")
        let same = try ScoreDistribution(training: train, portfolio: train)
        XCTAssertEqual(same.stability.index, 0)
        XCTAssertEqual(same.trainingShares, same.portfolioShares)
    }
}
