/// The model outputs the prioritizer needs, one entry per valid account in
/// `AccountTable` row order, in flat columns (no per-account allocation).
public struct ModelOutputs: Sendable {
    /// H, the horizon of the recovery-propensity model, in days (e.g. 90).
    public var horizonDays: Int
    /// p = P(recovered within H days), a probability; one per account.
    public var pRecover: [Double]
    /// The Cox model's horizons in days, strictly increasing and > 0 (e.g. 30, 60, 90, 180).
    public var horizons: [Int]
    /// F(t) = P(recovered by t) = 1 − S(t|x) at each horizon, row-major
    /// `count × horizons.count`: account i's values are
    /// `recoveredBy[i * horizons.count ..< (i + 1) * horizons.count]`. Used only when
    /// the policy discounts (`discount_annual_rate > 0`); may then not be empty.
    public var recoveredBy: [Double]
    /// Median days to recovery from the Cox model; NaN when the survival curve stays
    /// above 1/2 through the model's follow-up (written as an empty cell).
    public var medianDays: [Double]
    /// Score points (offset + factor·log-odds); NaN writes an empty cell.
    public var scorePoints: [Double]
    /// The top three reason codes per account (see `ReasonCodes`); may be empty.
    public var reasons: ReasonCodes
    /// False when the model has no time-to-recovery part (`train --models logistic`):
    /// `recoveredBy` and `medianDays` are then NaN throughout and cannot be discounted.
    public var hasSurvivalModel = true
    /// Competing outcomes of the model (paid_in_full, settled, …); empty without them.
    public var outcomes: [String] = []
    /// CIF_k(H) = P(ended in outcome k within H days), row-major `count × outcomes.count`;
    /// empty without outcomes. With it, EV weighs each outcome by `[outcome_share]`.
    public var outcomeIncidence: [Double] = []

    public init(horizonDays: Int, pRecover: [Double], horizons: [Int], recoveredBy: [Double],
                medianDays: [Double], scorePoints: [Double], reasons: ReasonCodes = .none) {
        self.horizonDays = horizonDays
        self.pRecover = pRecover
        self.horizons = horizons
        self.recoveredBy = recoveredBy
        self.medianDays = medianDays
        self.scorePoints = scorePoints
        self.reasons = reasons
    }

    /// Number of accounts.
    public var count: Int { pRecover.count }
}

/// The top three reasons per account as indices into a table of reason texts:
/// `codes[i * 3 + k]` is account i's k-th reason (k = 0 moves the score most), an index
/// into `texts`, or −1 for none. The caller can deduplicate texts (many accounts share
/// "missed the last 3 statements") and may fill only the worklist rows — the other
/// outputs do not show reasons.
public struct ReasonCodes: Sendable, Equatable {
    /// Reasons per account.
    public static let perAccount = 3
    /// `accounts × 3` indices into `texts`, −1 = none; or empty for no reasons at all.
    public var codes: [Int32]
    /// The distinct reason texts.
    public var texts: [String]

    public init(codes: [Int32], texts: [String]) {
        self.codes = codes
        self.texts = texts
    }

    /// No reasons: the reason columns are written empty.
    public static let none = ReasonCodes(codes: [], texts: [])

    /// Account `account`'s k-th reason text, "" when none.
    public func text(account: Int, _ k: Int) -> String {
        let slot = account * Self.perAccount + k
        guard slot < codes.count else { return "" }
        let code = Int(codes[slot])
        return texts.indices.contains(code) ? texts[code] : ""
    }
}
