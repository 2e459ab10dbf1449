/// The features computed from an account's schema columns and its statements.
///
/// Statements are the account's payment rows dated on or before as-of, sorted by date
/// (ties keep file order); "the last k statements" are the k latest of them (all of
/// them when there are fewer than k). A statement is *missed* when
/// `amount_paid < 0.1 × amount_due`, so a statement with nothing due is never missed.
/// An account without statements gets 0 for every history feature except
/// `months_since_payment` = 24 and `days_since_full_payment` = 730.
///
/// The raw value is the column's value in `FeatureMatrix`; standardization is
/// recorded in the spec, not applied.
public enum BuiltinFeature: String, Codable, Sendable, CaseIterable {
    // MARK: Core set (DESIGN §3), exact definitions, checked against scripts/features_reference.py
    case logBalance = "log_balance"
    case dpdMonths = "dpd_months"
    case utilization = "utilization"
    case monthsSincePayment = "months_since_payment"
    case payRatio3m = "pay_ratio_3m"
    case payRatio6m = "pay_ratio_6m"
    case payRatio12m = "pay_ratio_12m"
    case missed3m = "missed_3m"
    case missed6m = "missed_6m"
    case missed12m = "missed_12m"
    case currentMissedStreak = "current_missed_streak"
    case longestMissedStreak = "longest_missed_streak"
    case nStatements = "n_statements"
    // MARK: Extended set (ours, not in DESIGN §3's table)
    case paidTrend6 = "paid_trend_6"
    case payCoverageSD12 = "pay_coverage_sd_12"
    case daysSinceFullPayment = "days_since_full_payment"
    case fullPayRate12 = "full_pay_rate_12"

    /// The feature's position in `allCases`, the order the history kernel writes a row in
    /// (a constant per case, so `f[.logBalance.slot]` costs nothing; a test checks it
    /// against `allCases`).
    @inlinable
    public var slot: Int {
        switch self {
        case .logBalance: 0
        case .dpdMonths: 1
        case .utilization: 2
        case .monthsSincePayment: 3
        case .payRatio3m: 4
        case .payRatio6m: 5
        case .payRatio12m: 6
        case .missed3m: 7
        case .missed6m: 8
        case .missed12m: 9
        case .currentMissedStreak: 10
        case .longestMissedStreak: 11
        case .nStatements: 12
        case .paidTrend6: 13
        case .payCoverageSD12: 14
        case .daysSinceFullPayment: 15
        case .fullPayRate12: 16
        }
    }

    /// The output column name (also the raw value).
    public var name: String { rawValue }

    /// True for the DESIGN §3 core set, false for the extended set.
    public var isCore: Bool { Self.core.contains(self) }

    /// An extended feature measured in currency units (unbounded, so extreme accounts
    /// would be extrapolated): always capped at training quantiles (`FeatureCap`).
    public var isCurrencyScaled: Bool { self == .paidTrend6 }

    /// The core set in output order.
    public static let core: [BuiltinFeature] = [
        .logBalance, .dpdMonths, .utilization, .monthsSincePayment,
        .payRatio3m, .payRatio6m, .payRatio12m, .missed3m, .missed6m, .missed12m,
        .currentMissedStreak, .longestMissedStreak, .nStatements,
    ]
    /// The extended set in output order.
    public static let extended: [BuiltinFeature] = [
        .paidTrend6, .payCoverageSD12, .daysSinceFullPayment, .fullPayRate12,
    ]

    /// Cap of `months_since_payment`, in statements (also its value when never paid).
    public static let monthsSincePaymentCap = 24
    /// Cap of `days_since_full_payment`, in days (also its value when never paid in full).
    public static let daysSinceFullPaymentCap = 730

    /// One-line definition, stored in the spec and printed by `arrears inspect`.
    public var definition: String {
        switch self {
        case .logBalance: return "ln(1 + balance)"
        case .dpdMonths: return "days_past_due / 30"
        case .utilization: return "balance / credit_limit; 0 when the limit is absent (or not > 0)"
        case .monthsSincePayment:
            return "statements since the latest one with amount_paid > 0 (0 when the latest has a payment); capped at 24; 24 if never or no statements"
        case .payRatio3m: return "Σ amount_paid / Σ amount_due over the last 3 statements; 0 when Σ due = 0"
        case .payRatio6m: return "Σ amount_paid / Σ amount_due over the last 6 statements; 0 when Σ due = 0"
        case .payRatio12m: return "Σ amount_paid / Σ amount_due over the last 12 statements; 0 when Σ due = 0"
        case .missed3m: return "statements among the last 3 with amount_paid < 0.1 × amount_due"
        case .missed6m: return "statements among the last 6 with amount_paid < 0.1 × amount_due"
        case .missed12m: return "statements among the last 12 with amount_paid < 0.1 × amount_due"
        case .currentMissedStreak: return "consecutive missed statements ending at the latest statement"
        case .longestMissedStreak: return "longest run of consecutive missed statements on file"
        case .nStatements: return "statements dated on or before as-of"
        case .paidTrend6:
            return "OLS slope of amount_paid on statement index (0 = oldest) over the last 6 statements; 0 with fewer than 2"
        case .payCoverageSD12:
            return "population SD of min(amount_paid / amount_due, 1) over the last 12 statements with amount_due > 0; 0 with fewer than 2"
        case .daysSinceFullPayment:
            return "as-of minus the date of the latest statement with amount_paid > 0 and amount_paid ≥ amount_due; capped at 730; 730 if never"
        case .fullPayRate12:
            return "share of the last 12 statements with amount_due > 0 where amount_paid ≥ amount_due; 0 when none had an amount due"
        }
    }

    /// Unit of the raw value.
    public var unit: String {
        switch self {
        case .logBalance: return "log currency"
        case .dpdMonths: return "months (30 days)"
        case .utilization, .payRatio3m, .payRatio6m, .payRatio12m, .payCoverageSD12, .fullPayRate12:
            return "ratio"
        case .monthsSincePayment, .missed3m, .missed6m, .missed12m, .currentMissedStreak,
             .longestMissedStreak, .nStatements:
            return "statements"
        case .paidTrend6: return "currency per statement"
        case .daysSinceFullPayment: return "days"
        }
    }

    /// Reason text template; see `FeatureSpec.reasonText(_:_:)` for the placeholders.
    public var reasonTemplate: String {
        switch self {
        case .logBalance: return "balance is {level} ({amount})"
        case .dpdMonths: return "{value} months past due"
        case .utilization: return "balance is {percent} of the credit limit"
        case .monthsSincePayment: return "no payment in the last {count} statements"
        case .payRatio3m: return "paid {percent} of the amount due over the last 3 statements"
        case .payRatio6m: return "paid {percent} of the amount due over the last 6 statements"
        case .payRatio12m: return "paid {percent} of the amount due over the last 12 statements"
        case .missed3m: return "missed {count} of the last 3 statements"
        case .missed6m: return "missed {count} of the last 6 statements"
        case .missed12m: return "missed {count} of the last 12 statements"
        case .currentMissedStreak: return "missed the last {count} statements in a row"
        case .longestMissedStreak: return "missed up to {count} statements in a row"
        case .nStatements: return "{count} statements on file"
        case .paidTrend6: return "payments are {trend} by {value} per statement"
        case .payCoverageSD12: return "variability of payments is {level} (SD {value} of the share paid)"
        case .daysSinceFullPayment: return "no full payment in the last {count} days"
        case .fullPayRate12: return "paid in full on {percent} of the recent statements"
        }
    }
}
