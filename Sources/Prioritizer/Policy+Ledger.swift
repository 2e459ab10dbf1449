/// The policy tables that apply with a contact ledger (`rank --ledger`, DESIGN §12).

/// `[state_rules.XX]`: a state's stricter contact rules, on top of Regulation F.
///
/// TOML: one table per two-letter state code, e.g.
/// ```toml
/// [state_rules.MA]      # 940 CMR 7.04(1)(f): 2 calls per 7 days per debt
/// max_calls_7d = 2
/// ```
/// An account is deferred (`state_call_limit`) when its calls in the 7 days ending on
/// as-of reach the state's `max_calls_7d`. Applies only with a ledger (the count comes
/// from the events).
public struct StateRule: Codable, Sendable, Equatable {
    /// `max_calls_7d` — calls per 7 consecutive days per debt, ≥ 1.
    public var maxCalls7d: Int

    public init(maxCalls7d: Int) {
        self.maxCalls7d = maxCalls7d
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxCalls7d = "max_calls_7d"
    }
}

/// `[promises]`: how promises to pay are resolved against the payments file and which
/// ones put an account in the follow-up queue.
///
/// A promise of amount A made on day m and due on day d is **kept** once the payments on
/// statements dated m … min(d + grace_days, as-of) add up to at least A × (1 − tolerance);
/// **broken** when it is not kept and as-of > d + grace_days (the first broken day is
/// d + grace_days + 1); **open** otherwise (a partial payment stays open until then).
/// An open promise due on the as-of day gives the follow-up rule `promise_due`; a
/// promise broken within the last `follow_up_broken_days` days (as-of − first broken
/// day < follow_up_broken_days) gives `promise_broken`.
public struct PromisePolicy: Codable, Sendable, Equatable {
    /// `grace_days` — days after the due date a payment still keeps the promise. 0…60.
    /// Default **3**.
    public var graceDays: Int
    /// `tolerance` — fraction of the promised amount that may be missing and the promise
    /// still counts as kept (rounding, fees). In [0, 1). Default **0.01**.
    public var tolerance: Double
    /// `follow_up_broken_days` — broken promises stay in the follow-up queue this many
    /// days; 0 = never. 0…365. Default **7**.
    public var followUpBrokenDays: Int

    public init(graceDays: Int = 3, tolerance: Double = 0.01, followUpBrokenDays: Int = 7) {
        self.graceDays = graceDays
        self.tolerance = tolerance
        self.followUpBrokenDays = followUpBrokenDays
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case graceDays = "grace_days"
        case tolerance
        case followUpBrokenDays = "follow_up_broken_days"
    }
}

/// `[call_window]`: the hours of the consumer's local day when calls are allowed
/// (12 CFR 1006.6(b)(1)(i): after 8 am and before 9 pm local time).
public struct CallWindowPolicy: Codable, Sendable, Equatable {
    /// `start_hour` — first allowed local hour, 0…23. Default **8**.
    public var startHour: Int
    /// `end_hour` — calls end at this local hour, start_hour + 1 … 24. Default **21**.
    public var endHour: Int

    public init(startHour: Int = 8, endHour: Int = 21) {
        self.startHour = startHour
        self.endHour = endHour
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case startHour = "start_hour"
        case endHour = "end_hour"
    }
}
