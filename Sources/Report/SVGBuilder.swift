/// Accumulates SVG markup. Every attribute value and text node goes through
/// `Markup.escape`, so callers never build markup by hand.
struct SVGBuilder {
    private(set) var markup = ""

    /// `<name a="v" …/>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        markup += "<" + name + Self.attributes(attributes) + "/>"
    }

    /// `<name a="v" …>text</name>` with `text` escaped.
    mutating func text(_ text: String, _ attributes: [(String, String)]) {
        markup += "<text" + Self.attributes(attributes) + ">" + Markup.escape(text) + "</text>"
    }

    /// `<name …>`, children from `body`, `</name>`.
    mutating func group(_ name: String = "g", _ attributes: [(String, String)] = [], _ body: (inout SVGBuilder) -> Void) {
        markup += "<" + name + Self.attributes(attributes) + ">"
        body(&self)
        markup += "</" + name + ">"
    }

    /// `<title>` for the enclosing element: a tooltip and the accessible name.
    mutating func title(_ text: String) {
        markup += "<title>" + Markup.escape(text) + "</title>"
    }

    static func attributes(_ attributes: [(String, String)]) -> String {
        var s = ""
        for (name, value) in attributes { s += " " + name + "=\"" + Markup.escape(value) + "\"" }
        return s
    }
}

/// Path data for SVG `<path d=…>` from pixel coordinates.
enum PathData {
    /// Straight segments through the points: "M x y L x y …".
    static func polyline(_ points: [(Double, Double)]) -> String {
        var d = ""
        for (k, p) in points.enumerated() {
            d += (k == 0 ? "M" : " L") + Markup.coordinate(p.0) + " " + Markup.coordinate(p.1)
        }
        return d
    }

    /// A right-continuous step function through the points: the value of point k holds
    /// until the x of point k + 1, then jumps ("M x₀ y₀ H x₁ V y₁ …").
    static func steps(_ points: [(Double, Double)]) -> String {
        polyline(stepVertices(points))
    }

    /// The corner points of the step function through `points`.
    static func stepVertices(_ points: [(Double, Double)]) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        out.reserveCapacity(points.count * 2)
        for (k, p) in points.enumerated() {
            if k > 0 { out.append((p.0, points[k - 1].1)) }
            out.append(p)
        }
        return out
    }

    /// Drops points closer than `tolerance` pixels (in both x and y) to the last kept
    /// point, keeping the first and the last: a 1M-point ROC curve becomes a few hundred
    /// vertices without a visible change.
    static func decimate(_ points: [(Double, Double)], tolerance: Double = 0.5) -> [(Double, Double)] {
        guard points.count > 2 else { return points }
        var out = [points[0]]
        for p in points.dropFirst().dropLast() {
            let last = out[out.count - 1]
            if Swift.abs(p.0 - last.0) >= tolerance || Swift.abs(p.1 - last.1) >= tolerance { out.append(p) }
        }
        out.append(points[points.count - 1])
        return out
    }
}
