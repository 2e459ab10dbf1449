/// Settings of `FeatureSpec.fit` (the constructor holds settings, `fit` learns).
public struct FeatureOptions: Codable, Sendable, Equatable {
    /// A text level (of `product` or of an extra text column) gets its own one-hot
    /// column only when at least this many training accounts have it; rarer levels
    /// join `other`. Must be ≥ 1. Default 20.
    public var minLevelCount: Int
    /// Names to leave out, matched case-insensitively: a built-in feature
    /// (`utilization`, `paid_trend_6`, …), `product`, or an extra account column of the
    /// training portfolio. Any other name is a `FeatureError.Code.unknownIgnoredColumn`.
    public var ignore: [String]
    /// Include the extended history features (`BuiltinFeature.extended`) after the
    /// core set. Default true.
    public var includeExtendedHistory: Bool
    /// q in (0, 0.5): cap EVERY numeric feature (core, extended and the users' extra
    /// columns; not one-hot or missing-indicator columns) at its training q and 1 − q
    /// quantiles (`train --cap q`). nil (the default) keeps the core features and extra
    /// columns exactly as defined, so fits on them equal R's; the extended features in
    /// currency units (`BuiltinFeature.isCurrencyScaled`) are always capped at
    /// `FeatureSpec.extendedCapQuantile`.
    public var capQuantile: Double?

    public init(minLevelCount: Int = 20, ignore: [String] = [], includeExtendedHistory: Bool = true,
                capQuantile: Double? = nil) {
        self.minLevelCount = minLevelCount
        self.ignore = ignore
        self.includeExtendedHistory = includeExtendedHistory
        self.capQuantile = capQuantile
    }
}
