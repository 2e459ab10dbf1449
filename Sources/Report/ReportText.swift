/// The report's number formats, for callers that build description lines, key figures
/// and notes so that they read like the rest of the page.
public enum ReportText {
    /// `x` with exactly `decimals` decimals ("0.7507"); "–" when not finite.
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        x.isFinite ? Markup.fixed(x, decimals) : "–"
    }

    /// A share in [0, 1] as a percentage with `decimals` decimals: 0.1234 → "12.3%".
    public static func percent(_ share: Double, _ decimals: Int = 1) -> String {
        share.isFinite ? Markup.percent(share, decimals) : "–"
    }

    /// An integer with thin-space thousands separators: 5000 → "5 000".
    public static func count(_ n: Int) -> String { Markup.count(n) }

    /// A p-value as the tables print it ("0.231", "< 0.001").
    public static func pValue(_ p: Double) -> String { Markup.pValue(p) }
}
