/// The worklist policy: costs, thresholds, recovery rates, limitation periods, capacity
/// and contact rules (DESIGN §6). Loaded from a human-editable TOML file
/// (`Policy.load(path:)`, see `policies/example-policy.toml`); every key is optional and
/// falls back to the default documented on its property.
///
/// Units: currency amounts are in the portfolio's currency (the unit of `balance`),
/// probabilities in [0, 1], days and years are calendar days and calendar years.
public struct Policy: Codable, Sendable, Equatable {
    /// `cost_per_attempt` — cost of working one account for a day (agent time, dialler,
    /// letters), in currency. Net value = EV − cost_per_attempt. ≥ 0. Default **5.00**.
    public var costPerAttempt: Double
    /// `min_net_value` — accounts with net value *strictly below* this (currency) are
    /// not worth pursuing; net value equal to it passes. Any finite number; negative
    /// means "work accounts even at a small expected loss". Default **0.00**.
    public var minNetValue: Double
    /// `p_floor` — a chronic defaulter (see `chronicDefaulter`) whose p = P(recovered
    /// within the model's horizon) is *strictly below* this probability is not worth
    /// pursuing. In [0, 1]; 0 turns the rule off. Default **0.05**.
    public var pFloor: Double
    /// `capacity` — accounts on today's worklist; the CLI's `--capacity` overrides it.
    /// ≥ 1. Default **500**.
    public var capacity: Int
    /// `discount_annual_rate` — annual rate r for discounting expected recoveries to
    /// as-of over the Cox time-to-recovery curve (see `Prioritizer`). In [0, 1];
    /// 0 = no discounting. Default **0**.
    public var discountAnnualRate: Double
    /// `[recovery_rate]` — fraction of the balance collected when an account recovers.
    public var recoveryRate: RecoveryRates
    /// `[chronic_defaulter]` — who the `p_floor` rule applies to.
    public var chronicDefaulter: ChronicDefaulter
    /// `[limitation_period_years]` — limitation periods per state (time-barred debts).
    public var limitationPeriod: LimitationPeriods
    /// `[contact_rules]` — contact-frequency rules that defer an account.
    public var contactRules: ContactRules
    /// `[state_rules.XX]` — stricter per-state call limits (with a ledger). Upper-case
    /// state → rule. Default: none.
    public var stateRules: [String: StateRule] = [:]
    /// `[promises]` — promise resolution and the follow-up queue (with a ledger).
    public var promises = PromisePolicy()
    /// `[call_window]` — local calling hours (with a ledger).
    public var callWindow = CallWindowPolicy()
    /// `[outcome_share]` — with a competing-outcomes model, the fraction of the balance
    /// each outcome recovers (e.g. `settled = 0.6`): EV = balance × Σ_k share_k × P(outcome
    /// k within H) × discount. Outcomes not listed use the product's `[recovery_rate]`.
    /// Default: paid_in_full 1, settled 0.5, written_off, bankrupt and deceased 0.
    public var outcomeShare: [String: Double] = Policy.defaultOutcomeShares
    /// The documented `[outcome_share]` defaults.
    public static let defaultOutcomeShares: [String: Double] = [
        "paid_in_full": 1, "settled": 0.5, "written_off": 0, "bankrupt": 0, "deceased": 0,
    ]
    /// `[hold_flags]` — which do-not-contact rules require their input columns.
    public var holdFlags: HoldFlagRules
    /// `max_days_after_training` — an as-of day more than this many days after the
    /// model's training as-of is warned about (the model may be stale). ≥ 0. Default **365**.
    public var maxDaysAfterTraining: Int = 365

    /// The documented defaults.
    public init(costPerAttempt: Double = 5, minNetValue: Double = 0, pFloor: Double = 0.05,
                capacity: Int = 500, discountAnnualRate: Double = 0,
                recoveryRate: RecoveryRates = .init(), chronicDefaulter: ChronicDefaulter = .init(),
                limitationPeriod: LimitationPeriods = .init(), contactRules: ContactRules = .init(),
                holdFlags: HoldFlagRules = .init()) {
        self.costPerAttempt = costPerAttempt
        self.minNetValue = minNetValue
        self.pFloor = pFloor
        self.capacity = capacity
        self.discountAnnualRate = discountAnnualRate
        self.recoveryRate = recoveryRate
        self.chronicDefaulter = chronicDefaulter
        self.limitationPeriod = limitationPeriod
        self.contactRules = contactRules
        self.holdFlags = holdFlags
    }

    /// The documented defaults (same as `Policy()`).
    public static let defaults = Policy()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case costPerAttempt = "cost_per_attempt"
        case minNetValue = "min_net_value"
        case pFloor = "p_floor"
        case capacity
        case discountAnnualRate = "discount_annual_rate"
        case recoveryRate = "recovery_rate"
        case outcomeShare = "outcome_share"
        case chronicDefaulter = "chronic_defaulter"
        case limitationPeriod = "limitation_period_years"
        case contactRules = "contact_rules"
        case stateRules = "state_rules"
        case promises
        case callWindow = "call_window"
        case holdFlags = "hold_flags"
        case maxDaysAfterTraining = "max_days_after_training"
    }
}

/// `[recovery_rate]`: the fraction of the balance collected when an account recovers,
/// per product. EV = balance × recovery_rate(product) × p.
///
/// TOML: `default = 1.0` and one `product = rate` line per product. Product names are
/// matched case-insensitively (stored lower-cased); an account whose product is empty or
/// not listed gets `defaultRate`. Every rate is in [0, 1]. (A product literally named
/// `default` cannot be listed: the key is taken.)
public struct RecoveryRates: Codable, Sendable, Equatable {
    /// `default` — for unlisted products. Default **1.0** (DESIGN §6).
    public var defaultRate: Double
    /// Lower-cased product name → rate. Default: empty.
    public var byProduct: [String: Double]

    public init(defaultRate: Double = 1, byProduct: [String: Double] = [:]) {
        self.defaultRate = defaultRate
        self.byProduct = Dictionary(byProduct.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The rate for `product` (any case); `defaultRate` when empty or unlisted.
    public func rate(for product: String) -> Double {
        if product.isEmpty { return defaultRate }
        return byProduct[product] ?? byProduct[product.lowercased()] ?? defaultRate
    }

    enum CodingKeys: String, CodingKey {
        case defaultRate = "default"
        case byProduct = "by_product"
    }
}

/// `[chronic_defaulter]`: the accounts the `p_floor` rule applies to.
///
/// Two criteria, each switched off by setting it to 0:
/// - `days_past_due = N`: chronic when days_past_due ≥ N;
/// - `months_without_payment = M`: chronic when the last payment is M or more calendar
///   months before as-of, i.e. as-of ≥ last_payment_date + M months (the day of month
///   clamped to the target month's length, so 2025-01-31 + 1 month = 2025-02-28).
///   An account with an empty last_payment_date meets it (no payment on record); when
///   the accounts file has no last_payment_date column at all, nobody meets it (it
///   cannot be judged).
///
/// `combine = "any"` (chronic when at least one switched-on criterion holds) or `"all"`
/// (when every switched-on criterion holds). With both criteria off nobody is chronic.
public struct ChronicDefaulter: Codable, Sendable, Equatable {
    public enum Combine: String, Codable, Sendable, CaseIterable {
        case any, all
    }

    /// `days_past_due` — ≥ 0; 0 = criterion off. Default **180** (six missed cycles,
    /// the usual charge-off point for revolving credit).
    public var daysPastDue: Int
    /// `months_without_payment` — ≥ 0; 0 = criterion off. Default **12**.
    public var monthsWithoutPayment: Int
    /// `combine` — `"any"` or `"all"`. Default **"any"**.
    public var combine: Combine

    public init(daysPastDue: Int = 180, monthsWithoutPayment: Int = 12, combine: Combine = .any) {
        self.daysPastDue = daysPastDue
        self.monthsWithoutPayment = monthsWithoutPayment
        self.combine = combine
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case daysPastDue = "days_past_due"
        case monthsWithoutPayment = "months_without_payment"
        case combine
    }
}

/// `[limitation_period_years]`: the limitation period per state, in whole calendar years.
///
/// TOML: `default = 3` and one `XX = years` line per two-letter state code (any case;
/// stored upper-cased). An account with an empty or unlisted state gets `defaultYears`.
/// Each period is 1…100 years.
///
/// A debt is **time-barred** when as-of ≥ last_payment_date + period, adding calendar
/// years with the day clamped to the month (a last payment on Feb 29 plus 3 years ends
/// on Feb 28): the debt is still collectable on the day before, and barred on that day
/// and after. An account with no last_payment_date is never time-barred here (the
/// clock's start is unknown).
public struct LimitationPeriods: Codable, Sendable, Equatable {
    /// `default` — years for unlisted states. Default **3**: the shortest common period
    /// for consumer debt, so an unlisted state errs towards not contacting.
    public var defaultYears: Int
    /// Upper-case two-letter state → years. Default: empty.
    public var byState: [String: Int]

    public init(defaultYears: Int = 3, byState: [String: Int] = [:]) {
        self.defaultYears = defaultYears
        self.byState = Dictionary(byState.map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The period for `state` (any case); `defaultYears` when empty or unlisted.
    public func years(for state: String) -> Int {
        if state.isEmpty { return defaultYears }
        return byState[state] ?? byState[state.uppercased()] ?? defaultYears
    }

    enum CodingKeys: String, CodingKey {
        case defaultYears = "default"
        case byState = "by_state"
    }
}

/// `[contact_rules]`: contact-frequency rules (the US Regulation F call-frequency
/// presumption, 12 CFR 1006.14(b)(2)). An account held by a rule is **deferred**.
public struct ContactRules: Codable, Sendable, Equatable {
    /// `call_limit` — switch for the call-count rule (input: `calls_last_7d`; with the
    /// rule on and the column absent, `rank` stops). Default **true**.
    public var callLimit: Bool
    /// `max_calls_7d` — deferred when calls_last_7d ≥ this. ≥ 1. Default **7**.
    public var maxCalls7d: Int
    /// `conversation_cooldown` — switch for the conversation rule (input:
    /// `last_conversation_date`; with the rule on and the column absent, `rank` stops).
    /// Default **true**.
    public var conversationCooldown: Bool
    /// `conversation_cooldown_days` — deferred when as-of − last_conversation_date <
    /// this many days: with 7, a conversation 6 days before as-of holds the account and
    /// one exactly 7 days before does not. A conversation dated after as-of also holds
    /// it. ≥ 1. Default **7**.
    public var conversationCooldownDays: Int

    public init(callLimit: Bool = true, maxCalls7d: Int = 7,
                conversationCooldown: Bool = true, conversationCooldownDays: Int = 7) {
        self.callLimit = callLimit
        self.maxCalls7d = maxCalls7d
        self.conversationCooldown = conversationCooldown
        self.conversationCooldownDays = conversationCooldownDays
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case callLimit = "call_limit"
        case maxCalls7d = "max_calls_7d"
        case conversationCooldown = "conversation_cooldown"
        case conversationCooldownDays = "conversation_cooldown_days"
    }
}
