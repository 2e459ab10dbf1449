import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Report

/// Parses `markup` as XML; returns the element names in document order, or fails.
func parseXML(_ markup: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name)
        }
    }
    let parser = XMLParser(data: Data(markup.utf8))
    let collector = Collector()
    parser.delegate = collector
    let ok = parser.parse()
    XCTAssertTrue(ok, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
    return collector.elements
}

/// The markup helpers, scales, ticks and the three chart types.
final class SVGTests: XCTestCase {
    func testEscapingCoversTheXMLSpecialCharacters() {
        XCTAssertEqual(Markup.escape("a<b & \"c\" > 'd'"), "a&lt;b &amp; &quot;c&quot; &gt; &#39;d&#39;")
        XCTAssertEqual(Markup.escape("tab\there\u{1}"), "tab\there\u{FFFD}")
        XCTAssertEqual(Markup.escape("ünïcödé ≤ ∞"), "ünïcödé ≤ ∞")
    }

    func testNumberFormatting() {
        XCTAssertEqual(Markup.fixed(1.005, 1), "1.0")
        XCTAssertEqual(Markup.fixed(2.5, 0), "3")
        XCTAssertEqual(Markup.fixed(-0.001, 2), "0.00")
        XCTAssertEqual(Markup.fixed(-12.345, 2), "-12.35")
        XCTAssertEqual(Markup.fixed(0.05, 3), "0.050")
        XCTAssertEqual(Markup.coordinate(12.50), "12.5")
        XCTAssertEqual(Markup.coordinate(-0.001), "0")
        XCTAssertEqual(Markup.percent(0.1234), "12.3%")
        XCTAssertEqual(Markup.count(1234567), "1\u{2009}234\u{2009}567")
        XCTAssertEqual(Markup.count(999), "999")
        XCTAssertEqual(Markup.pValue(0.0004), "< 0.001")
        XCTAssertEqual(Markup.pValue(0.0456), "0.046")
        XCTAssertEqual(Markup.significant(0.000123456), "0.0001235")
        XCTAssertEqual(Markup.significant(12345.6), "12346")
        XCTAssertEqual(Markup.significant(-1.5), "-1.500")
        XCTAssertEqual(Markup.scientific(1.234e-14), "1.23e-14")
        XCTAssertEqual(Markup.fixed(.nan, 2), "–")
    }

    func testLinearScaleMapsDomainToRange() {
        let s = LinearScale(domain: 0...10, range: 100...200)
        XCTAssertEqual(s(0), 100)
        XCTAssertEqual(s(2.5), 125)
        XCTAssertEqual(s(10), 200)
        let flipped = LinearScale(domain: 0...1, range: 10...110, flipped: true)
        XCTAssertEqual(flipped(0), 110)
        XCTAssertEqual(flipped(1), 10)
        XCTAssertEqual(flipped(0.25), 85)
        XCTAssertEqual(LinearScale(domain: 3...3, range: 0...10)(3), 5)
    }

    func testTicksAreRoundNumbersInsideTheDomain() {
        let unit = Ticks(domain: 0...1, target: 6)
        XCTAssertEqual(unit.step, 0.2, accuracy: 1e-15)
        XCTAssertEqual(unit.values.count, 6)
        XCTAssertEqual(unit.values.last ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(unit.decimals, 1)
        let days = Ticks(domain: 0...365, target: 7)
        XCTAssertEqual(days.step, 50)
        XCTAssertEqual(days.values, [0, 50, 100, 150, 200, 250, 300, 350])
        XCTAssertEqual(days.decimals, 0)
        let quarter = Ticks(domain: 0...1.5, target: 7)
        XCTAssertEqual(quarter.step, 0.25)
        XCTAssertEqual(quarter.decimals, 2)
        let odd = Ticks(domain: 0.013...0.087, target: 6)
        XCTAssertTrue(odd.values.allSatisfy { $0 >= 0.013 && $0 <= 0.087 })
        XCTAssertEqual(odd.step, 0.01, accuracy: 1e-15)
        XCTAssertEqual(niceDomain(0, 365), 0...400)
        // The widened domain ends on its own ticks (0…0.101 → 0…0.125 with step 0.025).
        for hi in [0.101, 0.37, 7.3, 1234.0, 0.0049] {
            let d = niceDomain(0, hi)
            XCTAssertEqual(Ticks(domain: d).values.last ?? .nan, d.upperBound, accuracy: 1e-12 * d.upperBound, "\(hi)")
            XCTAssertGreaterThanOrEqual(d.upperBound, hi)
        }
        XCTAssertEqual(niceDomain(0.013, 0.087).lowerBound, 0, accuracy: 1e-15)
        XCTAssertEqual(niceDomain(0.013, 0.087).upperBound, 0.1, accuracy: 1e-15)
        XCTAssertEqual(Axis(label: "", format: .percent).tickLabel(0.2, unit), "20%")
        XCTAssertEqual(Axis(label: "", format: .percent).tickLabel(0.025, Ticks(domain: 0...0.1, target: 5)), "2.5%")
        XCTAssertEqual(Axis(label: "", format: .multiple).tickLabel(1.5, quarter), "1.50×")
    }

    func testPlotFramePlacesDataInsideTheMargins() {
        let f = PlotFrame(width: 560, height: 360, xDomain: 0...1, yDomain: 0...1)
        XCTAssertEqual(f.x(0), f.plotLeft)
        XCTAssertEqual(f.x(1), f.plotRight)
        XCTAssertEqual(f.y(0), f.plotBottom)
        XCTAssertEqual(f.y(1), f.plotTop)
        XCTAssertEqual(f.x(0.5), (f.plotLeft + f.plotRight) / 2)
        // Out-of-domain values are clamped to the plot area.
        XCTAssertEqual(f.point(2, -1).0, f.plotRight)
        XCTAssertEqual(f.point(2, -1).1, f.plotBottom)
    }

    func testStepPathsAndDecimation() {
        XCTAssertEqual(PathData.steps([(0, 10), (5, 8), (9, 3)]), "M0 10 L5 10 L5 8 L9 8 L9 3")
        XCTAssertEqual(PathData.polyline([(1.234, 5), (2, 6.5)]), "M1.23 5 L2 6.5")
        let dense = (0...100_000).map { (Double($0) / 200, Double($0) / 400) }
        let thin = PathData.decimate(dense)
        XCTAssertLessThan(thin.count, 1_100)
        XCTAssertEqual(thin.first?.0, 0)
        XCTAssertEqual(thin.last?.0, 500)
    }

    func testLineChartIsWellFormedWithEscapedText() {
        let chart = LineChart(
            title: "A <title> & more",
            xAxis: Axis(label: "Days since as-of date", domain: 0...100),
            yAxis: Axis(label: "Recovered, %", domain: 0...1, format: .percent),
            series: [
                LineSeries(name: "Band \"A\" <1>", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 50, y: 0.4)],
                           colour: Palette.colour(0), shape: .step,
                           band: [BandPoint(x: 0, lower: 0, upper: 0), BandPoint(x: 50, lower: 0.3, upper: 0.5)]),
                LineSeries(name: "B", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 100, y: 0.9)], colour: Palette.colour(1),
                           dashed: true, markers: true),
            ],
            markers: [VerticalMarker(x: 40, from: 0.1, to: 0.6, label: "KS 0.5")])
        let svg = chart.svg()
        let elements = parseXML(svg)
        XCTAssertEqual(elements.first, "svg")
        XCTAssertTrue(svg.contains("A &lt;title&gt; &amp; more"))
        XCTAssertTrue(svg.contains("Band &quot;A&quot; &lt;1&gt;"))
        XCTAssertFalse(svg.contains("<title> &"))
        XCTAssertTrue(svg.contains(">Days since as-of date</text>"))
        XCTAssertTrue(svg.contains(">Recovered, %</text>"))
        for tick in ["0%", "20%", "100%", ">40<", ">100<"] { XCTAssertTrue(svg.contains(tick), tick) }
        XCTAssertTrue(svg.contains("stroke-dasharray=\"6 3\""))
        XCTAssertTrue(svg.contains("fill-opacity=\"0.16\""), "band")
        XCTAssertEqual(elements.filter { $0 == "circle" }.count, 2, "markers on series B")
        XCTAssertTrue(svg.contains(">KS 0.5</text>"))
        XCTAssertTrue(svg.contains(Palette.blue) && svg.contains(Palette.vermillion))
        XCTAssertFalse(svg.contains("http"))
    }

    func testBarChartAndHistogramAreWellFormed() {
        let bars = BarChart(title: "Lift", categories: (1...10).map(String.init), xAxis: Axis(label: "Decile"),
                            yAxis: Axis(label: "Lift, ×", format: .multiple),
                            series: [BarSeries(name: "Lift", values: (1...10).map { 2.2 - Double($0) * 0.2 }, colour: Palette.bluishGreen)],
                            reference: ReferenceLine(y: 1, label: "1× = random"))
        let barSVG = bars.svg()
        XCTAssertEqual(parseXML(barSVG).filter { $0 == "rect" }.count, 10 + 2, "ten bars, the legend box and swatch")
        XCTAssertTrue(barSVG.contains(">1× = random</text>"))
        XCTAssertTrue(barSVG.contains(">10</text>"))
        let histogram = HistogramChart(title: "Scores", edges: [0, 0.25, 0.5, 0.75, 1],
                                       series: [BarSeries(name: "Training", values: [0.1, 0.4, 0.3, 0.2], colour: Palette.blue),
                                                BarSeries(name: "Portfolio", values: [0.2, 0.3, 0.3, 0.2], colour: Palette.orange)],
                                       xAxis: Axis(label: "Score, %", domain: 0...1, format: .percent),
                                       yAxis: Axis(label: "Share of accounts, %", format: .percent))
        let histogramSVG = histogram.svg()
        XCTAssertEqual(parseXML(histogramSVG).filter { $0 == "rect" }.count, 8 + 1 + 2, "bins, legend box, swatches")
        XCTAssertTrue(histogramSVG.contains(">Share of accounts, %</text>"))
    }

    func testPaletteIsOkabeIto() {
        XCTAssertEqual(Set(Palette.series), ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"])
        XCTAssertEqual(Palette.colour(8), Palette.colour(0))
    }
}
