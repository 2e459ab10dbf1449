/// One set of bars of a `BarChart` (one value per category).
public struct BarSeries: Sendable, Equatable {
    public var name: String
    /// One value per category, in the y axis' unit.
    public var values: [Double]
    public var colour: String

    public init(name: String, values: [Double], colour: String) {
        self.name = name
        self.values = values
        self.colour = colour
    }
}

/// A horizontal reference line across a chart (e.g. lift = 1, the random baseline).
public struct ReferenceLine: Sendable, Equatable {
    public var y: Double
    public var label: String
    public init(y: Double, label: String) {
        self.y = y
        self.label = label
    }
}

/// Grouped vertical bars over named categories (e.g. score deciles), with an optional
/// horizontal reference line.
public struct BarChart: Sendable, Equatable {
    public var title: String
    /// Category names along the x axis, left to right (e.g. "1" … "10").
    public var categories: [String]
    /// The x axis label (its domain and format are unused: categories are discrete).
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [BarSeries]
    public var reference: ReferenceLine?
    public var legend: LegendPlacement
    public var width: Double
    public var height: Double

    public init(title: String, categories: [String], xAxis: Axis, yAxis: Axis, series: [BarSeries],
                reference: ReferenceLine? = nil, legend: LegendPlacement = .topRight,
                width: Double = 560, height: Double = 360) {
        self.title = title
        self.categories = categories
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.reference = reference
        self.legend = legend
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let values = series.flatMap(\.values) + (reference.map { [$0.y] } ?? [])
        var frame = PlotFrame(width: width, height: height, xDomain: 0...Double(max(1, categories.count)),
                              yDomain: resolvedDomain(yAxis, values, includeZero: true))
        frame.xTicks = Ticks(domain: 0...1, target: 2)
        let slot = (frame.plotRight - frame.plotLeft) / Double(max(1, categories.count))
        let labels = categories.enumerated().map { (frame.plotLeft + slot * (Double($0.offset) + 0.5), $0.element) }
        var svg = SVGBuilder()
        svg.title(title)
        frame.drawAxes(&svg, xAxis: xAxis, yAxis: yAxis, xTickLabels: labels)
        let groupWidth = slot * 0.78
        let barWidth = groupWidth / Double(max(1, series.count))
        let base = frame.y(Swift.max(frame.y.domain.lowerBound, 0))
        svg.group("g", [("class", "bars")]) { g in
            for (k, s) in series.enumerated() {
                for (c, v) in s.values.enumerated() where c < categories.count && v.isFinite {
                    let x0 = frame.plotLeft + slot * Double(c) + (slot - groupWidth) / 2 + barWidth * Double(k)
                    let top = frame.point(0, v).1
                    g.group("rect", [("x", Markup.coordinate(x0 + 0.5)), ("y", Markup.coordinate(Swift.min(top, base))),
                                     ("width", Markup.coordinate(Swift.max(0, barWidth - 1))),
                                     ("height", Markup.coordinate(Swift.abs(base - top))), ("fill", s.colour)]) {
                        $0.title("\(s.name), \(categories[c]): \(yAxis.valueLabel(v))")
                    }
                }
            }
        }
        if let r = reference { drawReference(&svg, r, frame) }
        frame.drawLegend(&svg, series.map { LegendEntry(name: $0.name, colour: $0.colour, swatch: .box(opacity: 1)) },
                         at: legend)
        return frame.openTag(title: title) + svg.markup + "</svg>"
    }
}

/// Overlaid histograms of two or more distributions on common bins, as shares of each
/// distribution (so portfolios of different sizes compare), drawn as translucent bars
/// with a solid outline.
public struct HistogramChart: Sendable, Equatable {
    public var title: String
    /// Bin edges in the x axis' unit, ascending: k + 1 edges for k bins.
    public var edges: [Double]
    public var series: [BarSeries]
    public var xAxis: Axis
    public var yAxis: Axis
    public var legend: LegendPlacement
    public var width: Double
    public var height: Double

    public init(title: String, edges: [Double], series: [BarSeries], xAxis: Axis, yAxis: Axis,
                legend: LegendPlacement = .topRight, width: Double = 560, height: Double = 360) {
        self.title = title
        self.edges = edges
        self.series = series
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.legend = legend
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        // 30 % headroom above the tallest bin keeps the legend clear of the bars.
        let tallest = series.flatMap(\.values).filter(\.isFinite).max() ?? 1
        let frame = PlotFrame(width: width, height: height, xDomain: resolvedDomain(xAxis, edges),
                              yDomain: yAxis.domain ?? niceDomain(0, tallest * 1.3))
        var svg = SVGBuilder()
        svg.title(title)
        frame.drawAxes(&svg, xAxis: xAxis, yAxis: yAxis)
        let base = frame.y(Swift.max(frame.y.domain.lowerBound, 0))
        svg.group("g", [("class", "histograms")]) { g in
            for s in series {
                var outline: [(Double, Double)] = []
                for b in 0..<Swift.min(s.values.count, edges.count - 1) {
                    let (x0, top) = frame.point(edges[b], s.values[b])
                    let x1 = frame.point(edges[b + 1], 0).0
                    g.element("rect", [("x", Markup.coordinate(x0)), ("y", Markup.coordinate(top)),
                                       ("width", Markup.coordinate(Swift.max(0, x1 - x0))),
                                       ("height", Markup.coordinate(Swift.max(0, base - top))),
                                       ("fill", s.colour), ("fill-opacity", "0.35")])
                    if outline.isEmpty { outline.append((x0, base)) }
                    outline.append((x0, top))
                    outline.append((x1, top))
                    if b == Swift.min(s.values.count, edges.count - 1) - 1 { outline.append((x1, base)) }
                }
                g.group("path", [("d", PathData.polyline(outline)), ("fill", "none"), ("stroke", s.colour),
                                 ("stroke-width", "2")]) { $0.title(s.name) }
            }
        }
        frame.drawLegend(&svg, series.map { LegendEntry(name: $0.name, colour: $0.colour, swatch: .box(opacity: 0.5)) },
                         at: legend)
        return frame.openTag(title: title) + svg.markup + "</svg>"
    }
}

/// A dashed horizontal line with its label at the right end.
func drawReference(_ svg: inout SVGBuilder, _ r: ReferenceLine, _ frame: PlotFrame) {
    let py = frame.point(0, r.y).1
    svg.group("g", [("class", "reference")]) { g in
        g.element("line", [("x1", Markup.coordinate(frame.plotLeft)), ("x2", Markup.coordinate(frame.plotRight)),
                           ("y1", Markup.coordinate(py)), ("y2", Markup.coordinate(py)),
                           ("stroke", Palette.reference), ("stroke-width", "1.5"), ("stroke-dasharray", "5 4")])
        g.text(r.label, [("x", Markup.coordinate(frame.plotRight - 4)), ("y", Markup.coordinate(py - 5)),
                         ("text-anchor", "end"), ("fill", "#333333")])
    }
}
