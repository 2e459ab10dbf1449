/// One line of a `LineChart`.
public struct LineSeries: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        /// Straight segments between points (ROC, calibration).
        case straight
        /// A right-continuous step function: each point's y holds until the next x
        /// (Kaplan–Meier curves, empirical distribution functions).
        case step
    }

    /// Legend text.
    public var name: String
    /// Points in ascending x (for `.step`) or drawing order (for `.straight`).
    public var points: [ChartPoint]
    /// A CSS colour, normally from `Palette`.
    public var colour: String
    public var shape: Shape
    public var dashed: Bool
    /// Draws a dot at each point (for a handful of points, e.g. calibration deciles).
    public var markers: Bool
    /// A shaded pointwise band (e.g. Greenwood 95 % limits), drawn with the same shape.
    public var band: [BandPoint]?
    /// Hidden from the legend (e.g. the second line of a pair already named).
    public var inLegend: Bool

    public init(name: String, points: [ChartPoint], colour: String, shape: Shape = .straight, dashed: Bool = false,
                markers: Bool = false, band: [BandPoint]? = nil, inLegend: Bool = true) {
        self.name = name
        self.points = points
        self.colour = colour
        self.shape = shape
        self.dashed = dashed
        self.markers = markers
        self.band = band
        self.inLegend = inLegend
    }
}

/// A vertical line at x, optionally only between two y values, with a label
/// (e.g. where the KS distance is attained).
public struct VerticalMarker: Sendable, Equatable {
    public var x: Double
    /// The segment's ends in y units; nil draws across the whole plot.
    public var from: Double?
    public var to: Double?
    public var label: String

    public init(x: Double, from: Double? = nil, to: Double? = nil, label: String) {
        self.x = x
        self.from = from
        self.to = to
        self.label = label
    }
}

/// A line chart with any number of series (straight or step), shaded bands, vertical
/// markers, a legend and labelled axes, written as an inline SVG string.
public struct LineChart: Sendable, Equatable {
    /// The accessible name of the SVG (screen readers, tooltips).
    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [LineSeries]
    public var markers: [VerticalMarker]
    public var legend: LegendPlacement
    /// Nominal size in pixels; the SVG scales to its container.
    public var width: Double
    public var height: Double

    public init(title: String, xAxis: Axis, yAxis: Axis, series: [LineSeries], markers: [VerticalMarker] = [],
                legend: LegendPlacement = .bottomRight, width: Double = 560, height: Double = 360) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.markers = markers
        self.legend = legend
        self.width = width
        self.height = height
    }

    /// The SVG element (no XML declaration, no `xmlns`: meant for inline use in HTML).
    public func svg() -> String {
        let xs = series.flatMap { $0.points.map(\.x) } + markers.map(\.x)
        let ys = series.flatMap { s in s.points.map(\.y) + (s.band ?? []).flatMap { [$0.lower, $0.upper] } }
        let entries = series.filter(\.inLegend).map { s in
            LegendEntry(name: s.name, colour: s.colour,
                        swatch: s.band == nil ? .line(dashed: s.dashed) : .lineWithBand(dashed: s.dashed))
        }
        var frame = PlotFrame(width: width, height: height, xDomain: resolvedDomain(xAxis, xs),
                              yDomain: resolvedDomain(yAxis, ys))
        frame.reserveLegendMargin(entries, legend)
        var svg = SVGBuilder()
        svg.title(title)
        frame.drawAxes(&svg, xAxis: xAxis, yAxis: yAxis)
        svg.group("g", [("class", "bands")]) { g in
            for s in series { if let band = s.band, !band.isEmpty { drawBand(&g, band, s, frame) } }
        }
        svg.group("g", [("class", "series"), ("fill", "none"), ("stroke-width", "2"),
                        ("stroke-linejoin", "round")]) { g in
            for s in series where !s.points.isEmpty {
                let pixels = s.points.map { frame.point($0.x, $0.y) }
                let vertices = PathData.decimate(s.shape == .step ? PathData.stepVertices(pixels) : pixels)
                var attributes = [("d", PathData.polyline(vertices)), ("stroke", s.colour)]
                if s.dashed { attributes.append(("stroke-dasharray", "6 3")) }
                g.group("path", attributes) { $0.title(s.name) }
                if s.markers {
                    for p in pixels {
                        g.element("circle", [("cx", Markup.coordinate(p.0)), ("cy", Markup.coordinate(p.1)), ("r", "3.5"),
                                             ("fill", s.colour), ("stroke", "#FFFFFF"), ("stroke-width", "1")])
                    }
                }
            }
        }
        svg.group("g", [("class", "markers")]) { g in
            for m in markers {
                let px = frame.x(m.x)
                let y0 = m.from.map { frame.point(m.x, $0).1 } ?? frame.plotBottom
                let y1 = m.to.map { frame.point(m.x, $0).1 } ?? frame.plotTop
                g.element("line", [("x1", Markup.coordinate(px)), ("x2", Markup.coordinate(px)),
                                   ("y1", Markup.coordinate(y0)), ("y2", Markup.coordinate(y1)),
                                   ("stroke", "#222222"), ("stroke-width", "1.5"), ("stroke-dasharray", "2 2")])
                let labelY = Swift.max(frame.plotTop + 12, Swift.min(y0, y1) - 6)
                let rightSide = px < (frame.plotLeft + frame.plotRight) / 2
                g.text(m.label, [("x", Markup.coordinate(px + (rightSide ? 6 : -6))), ("y", Markup.coordinate(labelY)),
                                 ("text-anchor", rightSide ? "start" : "end"), ("fill", "#222222"), ("font-weight", "600")])
            }
        }
        frame.drawLegend(&svg, entries, at: legend)
        return frame.openTag(title: title) + svg.markup + "</svg>"
    }

    /// The band as one closed polygon: the upper edge forwards, the lower edge backwards.
    private func drawBand(_ svg: inout SVGBuilder, _ band: [BandPoint], _ s: LineSeries, _ frame: PlotFrame) {
        var upper = band.map { frame.point($0.x, $0.upper) }
        var lower = band.map { frame.point($0.x, $0.lower) }
        if s.shape == .step {
            upper = PathData.stepVertices(upper)
            lower = PathData.stepVertices(lower)
        }
        let outline = PathData.decimate(upper) + PathData.decimate(lower).reversed()
        svg.element("path", [("d", PathData.polyline(outline) + " Z"), ("fill", s.colour), ("fill-opacity", "0.16"),
                             ("stroke", "none")])
    }
}
