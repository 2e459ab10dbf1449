/// The generator's ground truth: a proportional-hazards model of recovery.
///
///     h(t | x) = h₀(t) · exp(η),   η = βᵀx (no intercept; the scale lives in h₀)
///     h₀(t)    = (k/λ)·(t/λ)^(k−1)            Weibull, shape k, scale λ days
///     H₀(t)    = (t/λ)^k,   S(t | x) = exp(−H₀(t)·e^η)
///
/// The latent recovery time is drawn by inversion: with E = −ln U ~ Exp(1),
/// T = λ·(E·e^(−η))^(1/k) = λ·exp((ln E − η)/k) days, reported as ⌈T⌉ whole days (≥ 1),
/// so many accounts share a day (ties). Censoring: administrative at 365 days after
/// as-of, and random loss to follow-up C ~ Exponential(mean 1 500 days), also ⌈C⌉.
/// Recovery is observed (recovered = 1, days_to_recovery = ⌈T⌉) when
/// ⌈T⌉ ≤ min(⌈C⌉, 365); otherwise recovered = 0 and days_to_recovery = min(⌈C⌉, 365).
/// A recovery and a censoring on the same day count as a recovery.
///
/// x is computed from the generated history as DESIGN §3 defines the features (the
/// future-dated statement of a few accounts is excluded, as the reader must do):
///
/// | covariate | β | hazard ratio e^β |
/// | --- | --- | --- |
/// | pay_ratio_6m | +1.00 | 2.72 per unit |
/// | current_missed_streak | −0.10 | 0.905 per statement |
/// | dpd_months | −0.02 | 0.980 per 30 days |
/// | log_balance = ln(1 + balance) | −0.25 | 0.779 per unit |
/// | utilization (0 without a limit) | −0.50 | 0.607 per unit |
/// | product = personal_loan | +0.20 | 1.22 (vs card) |
/// | product = auto | +0.40 | 1.49 |
/// | product = medical | −0.30 | 0.741 |
/// | product = utility | +0.25 | 1.28 |
///
/// Nothing else (state, hold flags, calls, conversations, months_on_book, channel)
/// affects recovery: they are null features whose fitted effects should be near zero.
public enum GroundTruth {
    /// Weibull shape k (< 1: the hazard falls with time, most recoveries come early).
    public static let weibullShape = 0.8
    /// Weibull scale λ in days (the η = 0 account has S(λ) = e⁻¹).
    public static let weibullScale = 35.0
    /// Administrative censoring: the end of the observation window, days after as-of.
    public static let observationDays = 365
    /// Mean of the exponential random censoring time, days.
    public static let censoringMeanDays = 1_500.0

    public static let betaPayRatio6m = 1.00
    public static let betaCurrentMissedStreak = -0.10
    public static let betaDpdMonths = -0.02
    public static let betaLogBalance = -0.25
    public static let betaUtilization = -0.50
    /// β for each product, card (the reference level) = 0.
    public static func betaProduct(_ product: Product) -> Double {
        switch product {
        case .card: 0
        case .personalLoan: 0.20
        case .auto: 0.40
        case .medical: -0.30
        case .utility: 0.25
        }
    }

    /// η = βᵀx.
    public static func linearPredictor(_ x: TruthCovariates) -> Double {
        betaPayRatio6m * x.payRatio6m
            + betaCurrentMissedStreak * Double(x.currentMissedStreak)
            + betaDpdMonths * x.dpdMonths
            + betaLogBalance * x.logBalance
            + betaUtilization * x.utilization
            + betaProduct(x.product)
    }

    /// The model's survival S(t | η) = exp(−(t/λ)^k · e^η) at t > 0 days.
    public static func survival(days t: Double, eta: Double) -> Double {
        let h = DeterministicMath.exp(weibullShape * DeterministicMath.log(t / weibullScale) + eta)
        return DeterministicMath.exp(-h)
    }

    /// The latent recovery time in days, T = λ·exp((ln E − η)/k), for E ~ Exp(1).
    public static func recoveryDays(exponentialDraw e: Double, eta: Double) -> Double {
        weibullScale * DeterministicMath.exp((DeterministicMath.log(e) - eta) / weibullShape)
    }
}

/// The covariates of the ground-truth model, with DESIGN §3's definitions, computed
/// from the statements dated on or before as-of.
public struct TruthCovariates: Sendable, Equatable {
    /// Σ paid / Σ due over the last min(6, n) statements; 0 when Σ due = 0.
    public var payRatio6m: Double
    /// Consecutive missed statements (paid < 0.1·due) ending at the latest.
    public var currentMissedStreak: Int
    /// days_past_due / 30.
    public var dpdMonths: Double
    /// ln(1 + balance), balance in currency units.
    public var logBalance: Double
    /// balance / credit_limit, 0 without a limit.
    public var utilization: Double
    public var product: Product
}

/// An account's truth: covariates, linear predictor and the latent times behind its labels.
public struct AccountTruth: Sendable, Equatable {
    public var covariates: TruthCovariates
    /// η = βᵀx.
    public var eta: Double
    /// ⌈T⌉, the latent recovery day (may exceed 365; capped at 1 000 000).
    public var latentRecoveryDays: Int
    /// ⌈C⌉, the random censoring day (may exceed 365).
    public var censoringDays: Int
}
