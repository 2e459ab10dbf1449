/// The Okabe–Ito colour-blind-safe palette (Okabe & Ito, *Color Universal Design*,
/// 2008): eight colours that stay distinguishable under protanopia, deuteranopia and
/// tritanopia. `series` orders them for lines on white (yellow last: low contrast).
public enum Palette {
    public static let blue = "#0072B2"
    public static let vermillion = "#D55E00"
    public static let bluishGreen = "#009E73"
    public static let reddishPurple = "#CC79A7"
    public static let orange = "#E69F00"
    public static let skyBlue = "#56B4E9"
    public static let black = "#000000"
    public static let yellow = "#F0E442"
    /// Neutral grey for reference lines (chance diagonal, lift = 1); not a data colour.
    public static let reference = "#7A7A7A"

    /// Data colours in the order series use them.
    public static let series = [blue, vermillion, bluishGreen, reddishPurple, orange, skyBlue, black, yellow]

    /// The colour of the `index`-th series (cycling after eight).
    public static func colour(_ index: Int) -> String { series[((index % series.count) + series.count) % series.count] }
}
