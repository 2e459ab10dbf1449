/// Small HTML building blocks. Every text goes through `Markup.escape`; the output is
/// also well-formed XML (void elements self-closed, only the five XML entities), so it
/// can be checked with an XML parser.
enum HTML {
    /// `<tag attrs>escaped text</tag>`.
    static func element(_ tag: String, _ text: String, _ attributes: [(String, String)] = []) -> String {
        "<\(tag)\(SVGBuilder.attributes(attributes))>\(Markup.escape(text))</\(tag)>"
    }

    /// A table cell's content and whether it is a number (right-aligned, tabular digits).
    struct Cell {
        var text: String
        var className: String?
        static func text(_ s: String) -> Cell { Cell(text: s, className: nil) }
        static func number(_ s: String) -> Cell { Cell(text: s, className: "num") }
        /// A number cell whose lines ("\n") stack (e.g. observed over predicted).
        static func stacked(_ s: String) -> Cell { Cell(text: s, className: "num stack") }
    }

    /// A table with a caption, a header row and body rows.
    static func table(id: String? = nil, caption: String, headers: [String], rows: [[Cell]],
                      footer: [Cell]? = nil) -> String {
        var s = "<div class=\"scroll\"><table\(id.map { SVGBuilder.attributes([("id", $0)]) } ?? "")>"
        s += element("caption", caption)
        s += "<thead><tr>" + headers.map { element("th", $0, [("scope", "col")]) }.joined() + "</tr></thead><tbody>"
        func row(_ cells: [Cell]) -> String {
            "<tr>" + cells.map { element("td", $0.text, $0.className.map { [("class", $0)] } ?? []) }.joined() + "</tr>"
        }
        s += rows.map(row).joined() + "</tbody>"
        if let footer { s += "<tfoot>" + row(footer) + "</tfoot>" }
        return s + "</table></div>"
    }

    /// A figure holding an inline SVG chart and its caption.
    static func figure(_ svg: String, caption: String) -> String {
        "<figure>" + svg + element("figcaption", caption) + "</figure>"
    }

    /// The page's stylesheet: print-friendly, no web fonts, no external resources.
    static let style = """
    :root { color-scheme: light; }
    body { margin: 0; background: #F4F5F7; color: #1B1B1B;
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
    h1 { font-size: 26px; margin: 8px 0 4px; }
    h2 { font-size: 19px; margin: 0 0 6px; }
    h3 { font-size: 15px; margin: 14px 0 6px; }
    p { margin: 4px 0 8px; }
    .lede { color: #444; margin: 0 0 2px; }
    nav { margin: 10px 0 4px; font-size: 13px; }
    nav a { color: #0B5C99; margin-right: 12px; text-decoration: none; }
    section { background: #FFFFFF; border: 1px solid #DADDE2; border-radius: 6px; padding: 16px 20px;
      margin: 16px 0; break-inside: avoid; }
    .how { color: #444; font-size: 13px; max-width: 980px; }
    .figures { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
    figure { margin: 0; flex: 0 1 530px; max-width: 100%; min-width: 0; }
    figure.wide { width: 100%; }
    figure svg { width: 100%; height: auto; display: block; }
    figcaption { font-size: 12.5px; color: #444; margin-top: 4px; }
    .tables { flex: 1 1 360px; min-width: 320px; }
    .scroll { max-width: 100%; overflow-x: auto; }
    table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
    caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
    th, td { padding: 3px 9px; border-bottom: 1px solid #E6E8EB; text-align: left; }
    th { background: #F0F2F5; font-weight: 600; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.stack { white-space: pre; line-height: 1.35; }
    tfoot td { font-weight: 600; border-top: 2px solid #C9CDD3; }
    dl.figures-list { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px 16px; margin: 12px 0 0; }
    dl.figures-list div { background: #F0F4F8; border-radius: 5px; padding: 6px 10px; }
    dt { font-size: 12px; color: #555; }
    dd { margin: 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .verdict { font-weight: 600; }
    .note { background: #FFF6E0; border-left: 3px solid #E69F00; padding: 6px 10px; margin: 8px 0 0; max-width: 980px; }
    footer { color: #666; font-size: 12px; margin-top: 24px; }
    @media print { body { background: #FFF; } section { border: none; padding: 0; } }
    """
}
