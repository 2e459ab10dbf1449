import PortfolioIO

/// What to generate: how many accounts, from which seed, as of which day.
public struct GeneratorConfig: Sendable, Equatable {
    /// Number of accounts, ≥ 1. Account ids are `A` followed by the 1-based index
    /// zero-padded to 7 digits (more when `accounts` ≥ 10⁷).
    public var accounts: Int
    /// The seed; the same seed, size and as-of give byte-identical files.
    public var seed: UInt64
    /// The as-of date as a day number (`CalendarDay`); default 2026-01-01.
    public var asOf: CalendarDay

    /// 2026-01-01 as a day number (20 454).
    public static let defaultAsOf = CalendarDay(year: 2026, month: 1, day: 1)!

    public init(accounts: Int, seed: UInt64, asOf: CalendarDay = GeneratorConfig.defaultAsOf) {
        precondition(accounts >= 1, "a portfolio needs at least one account")
        self.accounts = accounts
        self.seed = seed
        self.asOf = asOf
    }

    /// Digits in an account id after the `A`: max(7, digits of `accounts`).
    public var idDigits: Int {
        var digits = 1, n = accounts
        while n >= 10 { n /= 10; digits += 1 }
        return max(7, digits)
    }
}

/// Product categories of the generated book (DESIGN §2 `product`).
public enum Product: Int, CaseIterable, Sendable, Comparable {
    case card, personalLoan, auto, medical, utility

    /// The value written to `product`.
    public var name: String {
        switch self {
        case .card: "card"
        case .personalLoan: "personal_loan"
        case .auto: "auto"
        case .medical: "medical"
        case .utility: "utility"
        }
    }

    public static func < (a: Product, b: Product) -> Bool { a.rawValue < b.rawValue }
}

/// Acquisition channel, the generated text extra column `channel` (no effect on recovery).
public enum Channel: Int, CaseIterable, Sendable {
    case branch, online, broker, partner

    public var name: String {
        switch self {
        case .branch: "branch"
        case .online: "online"
        case .broker: "broker"
        case .partner: "partner"
        }
    }
}

/// The two-letter state codes the generator uses, with their mix.
public enum GeneratedStates {
    /// States in output order of the weights below.
    public static let codes = ["CA", "TX", "NY", "FL", "IL", "OH", "PA", "GA"]
    /// Shares: CA 20 %, TX 16 %, NY 14 %, FL 14 %, IL 10 %, OH 9 %, PA 9 %, GA 8 %.
    public static let shares = [0.20, 0.16, 0.14, 0.14, 0.10, 0.09, 0.09, 0.08]
}
