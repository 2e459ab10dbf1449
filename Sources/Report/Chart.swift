/// A data point of a line chart, in the axes' units.
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A pointwise interval at x (a confidence band), in the y axis' unit.
public struct BandPoint: Sendable, Equatable {
    public var x: Double
    public var lower: Double
    public var upper: Double
    public init(x: Double, lower: Double, upper: Double) {
        self.x = x
        self.lower = lower
        self.upper = upper
    }
}

/// How tick labels print axis values.
public enum TickFormat: Sendable, Equatable {
    /// Plain numbers with as many decimals as the tick step needs.
    case number
    /// Shares in [0, 1] printed as percentages ("20%").
    case percent
    /// Ratios printed with a multiplication sign ("1.5×"), e.g. lift.
    case multiple
}

/// One axis: its label (which should name the unit, e.g. "Days since as-of date"), the
/// domain in data units (nil = from the data, widened to round ticks) and the tick format.
public struct Axis: Sendable, Equatable {
    public var label: String
    public var domain: ClosedRange<Double>?
    public var format: TickFormat

    public init(label: String, domain: ClosedRange<Double>? = nil, format: TickFormat = .number) {
        self.label = label
        self.domain = domain
        self.format = format
    }

    /// The text of a tick at `value` with `ticks`' precision.
    func tickLabel(_ value: Double, _ ticks: Ticks) -> String {
        switch format {
        case .number: return Markup.fixed(value, ticks.decimals)
        case .percent: return Markup.fixed(value * 100, max(0, ticks.decimals - 2)) + "%"
        case .multiple: return Markup.fixed(value, ticks.decimals) + "×"
        }
    }

    /// A data value at full precision for tooltips ("12.3%", "1.52×", "0.123").
    func valueLabel(_ value: Double) -> String {
        switch format {
        case .number: return Markup.significant(value, 3)
        case .percent: return Markup.percent(value, 1)
        case .multiple: return Markup.fixed(value, 2) + "×"
        }
    }
}

/// Where a chart's legend goes: inside the plot area at a corner, or in a right-hand
/// margin outside it (for busy charts, where no corner is free).
public enum LegendPlacement: Sendable, Equatable {
    case topLeft, topRight, bottomLeft, bottomRight, outsideRight, none
}

/// One legend entry: a line swatch (solid or dashed), a filled box, or a line with a band.
struct LegendEntry {
    enum Swatch { case line(dashed: Bool), box(opacity: Double), lineWithBand(dashed: Bool) }
    var name: String
    var colour: String
    var swatch: Swatch
}

/// The drawing area shared by every chart: margins, scales, grid, axes, ticks, labels
/// and the legend, at a nominal size in SVG user units (pixels at 100 % zoom; the
/// SVG scales with its container through `viewBox`).
struct PlotFrame {
    static let fontSize = 12.0
    /// Average advance of a character of the 12 px sans-serif font, for layout.
    static let characterWidth = 6.6

    var width: Double
    var height: Double
    var left = 64.0, right = 18.0, top = 14.0, bottom = 50.0
    var x: LinearScale
    var y: LinearScale
    var xTicks: Ticks
    var yTicks: Ticks

    init(width: Double, height: Double, xDomain: ClosedRange<Double>, yDomain: ClosedRange<Double>) {
        self.width = width
        self.height = height
        x = LinearScale(domain: xDomain, range: left...(width - right))
        y = LinearScale(domain: yDomain, range: top...(height - bottom), flipped: true)
        xTicks = Ticks(domain: xDomain, target: 7)
        yTicks = Ticks(domain: yDomain, target: 6)
    }

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    /// A pixel position clamped to the plot area (for values outside the domain).
    func point(_ px: Double, _ py: Double) -> (Double, Double) {
        (Swift.min(Swift.max(x(px), plotLeft), plotRight), Swift.min(Swift.max(y(py), plotTop), plotBottom))
    }

    /// The opening `<svg>` tag with the nominal size and an accessible name. No `xmlns`:
    /// the HTML parser puts inline SVG in the SVG namespace, and the page stays free of URLs.
    func openTag(title: String) -> String {
        "<svg viewBox=\"0 0 \(Markup.coordinate(width)) \(Markup.coordinate(height))\" width=\"\(Markup.coordinate(width))\""
            + " height=\"\(Markup.coordinate(height))\" role=\"img\" aria-label=\"\(Markup.escape(title))\""
            + " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\" font-size=\"12\">"
    }

    /// Grid lines at the ticks, then the axis lines, tick labels and axis labels.
    func drawAxes(_ svg: inout SVGBuilder, xAxis: Axis, yAxis: Axis, xTickLabels: [(Double, String)]? = nil) {
        svg.group("g", [("class", "grid"), ("stroke", "#E3E3E3"), ("stroke-width", "1")]) { g in
            for v in yTicks.values {
                let py = y(v)
                g.element("line", [("x1", Markup.coordinate(plotLeft)), ("x2", Markup.coordinate(plotRight)),
                                   ("y1", Markup.coordinate(py)), ("y2", Markup.coordinate(py))])
            }
            if xTickLabels == nil {
                for v in xTicks.values {
                    let px = x(v)
                    g.element("line", [("x1", Markup.coordinate(px)), ("x2", Markup.coordinate(px)),
                                       ("y1", Markup.coordinate(plotTop)), ("y2", Markup.coordinate(plotBottom))])
                }
            }
        }
        svg.group("g", [("class", "axes"), ("stroke", "#444444"), ("stroke-width", "1")]) { g in
            g.element("line", [("x1", Markup.coordinate(plotLeft)), ("x2", Markup.coordinate(plotRight)),
                               ("y1", Markup.coordinate(plotBottom)), ("y2", Markup.coordinate(plotBottom))])
            g.element("line", [("x1", Markup.coordinate(plotLeft)), ("x2", Markup.coordinate(plotLeft)),
                               ("y1", Markup.coordinate(plotTop)), ("y2", Markup.coordinate(plotBottom))])
        }
        svg.group("g", [("class", "ticks"), ("fill", "#333333")]) { g in
            let xLabels = xTickLabels ?? xTicks.values.map { (x($0), xAxis.tickLabel($0, xTicks)) }
            for (px, label) in xLabels {
                g.element("line", [("x1", Markup.coordinate(px)), ("x2", Markup.coordinate(px)),
                                   ("y1", Markup.coordinate(plotBottom)), ("y2", Markup.coordinate(plotBottom + 4)),
                                   ("stroke", "#444444")])
                g.text(label, [("x", Markup.coordinate(px)), ("y", Markup.coordinate(plotBottom + 17)),
                               ("text-anchor", "middle")])
            }
            for v in yTicks.values {
                let py = y(v)
                g.element("line", [("x1", Markup.coordinate(plotLeft - 4)), ("x2", Markup.coordinate(plotLeft)),
                                   ("y1", Markup.coordinate(py)), ("y2", Markup.coordinate(py)), ("stroke", "#444444")])
                g.text(yAxis.tickLabel(v, yTicks), [("x", Markup.coordinate(plotLeft - 7)), ("y", Markup.coordinate(py + 4)),
                                                    ("text-anchor", "end")])
            }
        }
        svg.text(xAxis.label, [("class", "axis-label"), ("x", Markup.coordinate((plotLeft + plotRight) / 2)),
                               ("y", Markup.coordinate(height - 10)), ("text-anchor", "middle"), ("font-weight", "600"),
                               ("fill", "#222222")])
        let cy = (plotTop + plotBottom) / 2
        svg.text(yAxis.label, [("class", "axis-label"), ("x", "14"), ("y", Markup.coordinate(cy)),
                               ("text-anchor", "middle"), ("font-weight", "600"), ("fill", "#222222"),
                               ("transform", "rotate(-90 14 \(Markup.coordinate(cy)))")])
    }

    /// The width of the legend box for these entries (text width estimated per character).
    static func legendWidth(_ entries: [LegendEntry]) -> Double {
        let textWidth = entries.map { Double($0.name.count) * characterWidth }.max() ?? 0
        return 7 * 2 + 24 + 6 + textWidth
    }

    /// Makes room for an `.outsideRight` legend: the plot area ends before it.
    mutating func reserveLegendMargin(_ entries: [LegendEntry], _ placement: LegendPlacement) {
        guard placement == .outsideRight, !entries.isEmpty else { return }
        right = Self.legendWidth(entries) + 24
        x = LinearScale(domain: x.domain, range: left...(width - right))
    }

    /// The legend box at a corner of the plot area, or right of it.
    func drawLegend(_ svg: inout SVGBuilder, _ entries: [LegendEntry], at placement: LegendPlacement) {
        guard placement != .none, !entries.isEmpty else { return }
        let rowHeight = 17.0, swatchWidth = 24.0, padding = 7.0
        let boxWidth = Self.legendWidth(entries)
        let boxHeight = padding * 2 + rowHeight * Double(entries.count) - 4
        let left = placement == .topLeft || placement == .bottomLeft
        let topSide = placement == .topLeft || placement == .topRight || placement == .outsideRight
        let bx = placement == .outsideRight ? plotRight + 12 : left ? plotLeft + 8 : plotRight - 8 - boxWidth
        let by = topSide ? plotTop + 8 : plotBottom - 8 - boxHeight
        svg.group("g", [("class", "legend")]) { g in
            g.element("rect", [("x", Markup.coordinate(bx)), ("y", Markup.coordinate(by)),
                               ("width", Markup.coordinate(boxWidth)), ("height", Markup.coordinate(boxHeight)),
                               ("fill", "#FFFFFF"), ("fill-opacity", "0.9"), ("stroke", "#CCCCCC"), ("rx", "3")])
            for (k, entry) in entries.enumerated() {
                let cy = by + padding + rowHeight * Double(k) + 6
                let sx = bx + padding
                switch entry.swatch {
                case .line(let dashed), .lineWithBand(let dashed):
                    if case .lineWithBand = entry.swatch {
                        g.element("rect", [("x", Markup.coordinate(sx)), ("y", Markup.coordinate(cy - 5)),
                                           ("width", Markup.coordinate(swatchWidth)), ("height", "10"),
                                           ("fill", entry.colour), ("fill-opacity", "0.18")])
                    }
                    var attributes = [("x1", Markup.coordinate(sx)), ("x2", Markup.coordinate(sx + swatchWidth)),
                                      ("y1", Markup.coordinate(cy)), ("y2", Markup.coordinate(cy)),
                                      ("stroke", entry.colour), ("stroke-width", "2.2")]
                    if dashed { attributes.append(("stroke-dasharray", "6 3")) }
                    g.element("line", attributes)
                case .box(let opacity):
                    g.element("rect", [("x", Markup.coordinate(sx + 4)), ("y", Markup.coordinate(cy - 5)),
                                       ("width", "16"), ("height", "10"), ("fill", entry.colour),
                                       ("fill-opacity", Markup.fixed(opacity, 2))])
                }
                g.text(entry.name, [("x", Markup.coordinate(sx + swatchWidth + 6)), ("y", Markup.coordinate(cy + 4)),
                                    ("fill", "#222222")])
            }
        }
    }
}

/// The domain of an axis: the axis' own, or the data's range widened to round ticks
/// (with `includeZero` pulling the lower end to 0 for counts and shares).
func resolvedDomain(_ axis: Axis, _ values: [Double], includeZero: Bool = false) -> ClosedRange<Double> {
    if let d = axis.domain { return d }
    let finite = values.filter(\.isFinite)
    guard var lo = finite.min(), var hi = finite.max() else { return 0...1 }
    if includeZero { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
    return niceDomain(lo, hi)
}
