import PortfolioIO

/// A deterministic synthetic collections portfolio (schema v1, DESIGN §2) with a known
/// ground truth of recovery (`GroundTruth`).
///
/// Account i (0-based) is a pure function of (seed, i, as-of): it draws from its own
/// xoshiro256** stream (`AccountRandom`), so `account(_:)` can produce any single
/// account, and the writers stream accounts in index order through fixed buffers.
///
/// The history model (every share and distribution, also in `data/README.md`):
/// - product: card 40 %, personal_loan 20 %, auto 12 %, medical 15 %, utility 13 %;
///   state from `GeneratedStates`; channel: branch 25 %, online 40 %, broker 15 %,
///   partner 20 %.
/// - old debt (4 %): every statement on file unpaid (paid = 0); last payment 1 461–3 652 days
///   (4–10 years) before as-of, uniform.
/// - statements on file n: 0 with probability 4 %, else uniform on 1…30 (mean 14.88);
///   monthly on a day of month uniform on 1…28, the latest on or before as-of.
/// - balance (currency units): lognormal, median m and log-sd σ by product — card
///   (2 500, 0.9), personal_loan (6 000, 0.8), auto (11 000, 0.6), medical (800, 1.0),
///   utility (350, 0.8) — clamped to [25, 250 000], in whole cents.
/// - credit limit: card 97 % (balance / U(0.35, 1.15), rounded up to $100, ≥ $300),
///   personal_loan 50 % (balance / U(0.30, 0.95), to $100), otherwise empty.
/// - amount due: card max($25, 3 % of balance); personal_loan U(3 %, 6 %) and auto
///   U(2 %, 4 %) of balance, fixed; medical U($25, $150) fixed; utility U($40, $250);
///   card and utility vary ×U(0.9, 1.1) per statement; never above the balance; 3 % of
///   statements have nothing due.
/// - payment behaviour: propensity q ~ U(0, 1); a two-state Markov chain with
///   P(pay | paid last) = 0.50 + 0.45q, P(pay | missed last) = 0.03 + 0.45q, first
///   statement paid with probability 0.35 + 0.6q. A paying statement is paid in full
///   (60 %), partly (30 %, uniform strictly between 10 % and 100 % of due) or over
///   (10 %, due + U(1 cent … due)); a missed one pays nothing (75 %) or a token strictly
///   below 10 % of due (25 %). Nothing-due statements get a payment U($0.10, $50) 20 %
///   of the time.
/// - future statement: 0.5 % of accounts with n ≥ 1 get one more statement, one month
///   after the latest, so dated after as-of, fully paid (leaks if a reader uses it).
/// - row order in payments.csv: 80 % of accounts by date, 10 % reversed, 10 % shuffled
///   (rows stay grouped by account).
public struct PortfolioGenerator: Sendable {
    public let config: GeneratorConfig
    /// as-of as (year, month, day).
    let asOfCivil: (year: Int, month: Int, day: Int)

    public init(_ config: GeneratorConfig) {
        self.config = config
        asOfCivil = CalendarDay.civil(config.asOf.dayNumber)
    }

    /// Account `index` (0 ≤ index < config.accounts): the same value every time.
    public func account(_ index: Int) -> SyntheticAccount {
        var a = SyntheticAccount(index: index)
        fill(&a, index: index)
        return a
    }

    /// The account id of `index`: "A" + (index + 1) zero-padded to `config.idDigits`.
    public func accountID(_ index: Int) -> String {
        let digits = String(index + 1)
        return "A" + String(repeating: "0", count: max(0, config.idDigits - digits.count)) + digits
    }
}

/// Shares and cumulative weights of the categorical draws.
enum Mix {
    static let productCumulative = cumulative([0.40, 0.20, 0.12, 0.15, 0.13])
    static let stateCumulative = cumulative(GeneratedStates.shares)
    static let channelCumulative = cumulative([0.25, 0.40, 0.15, 0.20])
    /// calls_last_7d = 0, 1, …, 6, then "7…12" (3 %).
    static let callsCumulative = cumulative([0.45, 0.25, 0.14, 0.08, 0.025, 0.015, 0.01, 0.03])

    static func cumulative(_ weights: [Double]) -> [Double] {
        var sum = 0.0
        var out = weights.map { sum += $0; return sum }
        out[out.count - 1] = 1
        return out
    }

    /// Lognormal balance parameters (median in currency units, log-sd) per product.
    static func balance(_ p: Product) -> (median: Double, sigma: Double) {
        switch p {
        case .card: (2_500, 0.9)
        case .personalLoan: (6_000, 0.8)
        case .auto: (11_000, 0.6)
        case .medical: (800, 1.0)
        case .utility: (350, 0.8)
        }
    }

    static let oldDebtShare = 0.04
    static let noHistoryShare = 0.04
    static let maxStatements = 30
    static let zeroDueShare = 0.03
    static let futureStatementShare = 0.005
    static let missingMonthsOnBookShare = 0.03
}

extension PortfolioGenerator {
    /// Generates account `index` into `a`, reusing its statement storage.
    func fill(_ a: inout SyntheticAccount, index: Int) {
        a.reset(index: index)
        var r = AccountRandom(seed: config.seed, stream: UInt64(index))
        let asOf = config.asOf.dayNumber

        // Categories and segment.
        a.product = Product(rawValue: r.pick(Mix.productCumulative))!
        a.stateIndex = r.pick(Mix.stateCumulative)
        a.channel = Channel(rawValue: r.pick(Mix.channelCumulative))!
        a.isOldDebt = r.chance(Mix.oldDebtShare)
        let n = r.chance(Mix.noHistoryShare) ? 0 : r.int(in: 1 ... Mix.maxStatements)

        // Balance and credit limit, in cents.
        let (median, sigma) = Mix.balance(a.product)
        let balance = min(max(median * DeterministicMath.exp(sigma * r.normal()), 25), 250_000)
        let balanceCents = Int64((balance * 100).rounded())
        a.balanceCents = balanceCents
        switch a.product {
        case .card where r.chance(0.97):
            let limit = balance / r.uniform(0.35, 1.15)
            a.creditLimitCents = max(3, Int64((limit / 100).rounded(.up))) * 10_000
        case .personalLoan where r.chance(0.50):
            let limit = balance / r.uniform(0.30, 0.95)
            a.creditLimitCents = Int64((limit / 100).rounded(.up)) * 10_000
        default:
            break
        }

        // The regular amount due, cents.
        let baseDue: Double
        var dueVaries = false
        switch a.product {
        case .card: baseDue = max(2_500, 0.03 * Double(balanceCents)); dueVaries = true
        case .personalLoan: baseDue = r.uniform(0.03, 0.06) * Double(balanceCents)
        case .auto: baseDue = r.uniform(0.02, 0.04) * Double(balanceCents)
        case .medical: baseDue = r.uniform(2_500, 15_000)
        case .utility: baseDue = r.uniform(4_000, 25_000); dueVaries = true
        }

        // Statement dates: day-of-month d; the latest on or before as-of.
        let dayOfMonth = r.int(in: 1 ... 28)
        let asOfMonth = asOfCivil.year * 12 + (asOfCivil.month - 1)
        let latestMonth = asOfMonth - (dayOfMonth > asOfCivil.day ? 1 : 0)
        func statementDate(month m: Int) -> Int32 {
            CalendarDay.dayNumber(year: m / 12, month: m % 12 + 1, day: dayOfMonth)!
        }

        // Payment behaviour.
        let q = r.unit()
        let pAfterPay = 0.50 + 0.45 * q, pAfterMiss = 0.03 + 0.45 * q
        var paying = r.chance(0.35 + 0.6 * q)
        for k in 0 ..< n {
            if k > 0 { paying = r.chance(paying ? pAfterPay : pAfterMiss) }
            if a.isOldDebt { paying = false }
            var due: Int64 = 0
            if !r.chance(Mix.zeroDueShare) {
                let jitter = dueVaries ? r.uniform(0.9, 1.1) : 1
                due = min(balanceCents, max(1, Int64((baseDue * jitter).rounded())))
            }
            let paid = a.isOldDebt ? 0 : Self.payment(due: due, paying: paying, &r)
            a.statements.append(SyntheticStatement(date: statementDate(month: latestMonth - (n - 1 - k)),
                                                   amountDueCents: due, amountPaidCents: paid))
        }

        // History summaries over the statements on or before as-of (all of them so far).
        var streak = 0
        for s in a.statements.reversed() { if s.isMissed { streak += 1 } else { break } }
        var due6: Int64 = 0, paid6: Int64 = 0
        for s in a.statements.suffix(6) { due6 += s.amountDueCents; paid6 += s.amountPaidCents }
        let lastPaid = a.statements.lastIndex { $0.amountPaidCents > 0 }

        // last_payment_date and days_past_due, consistent with the history.
        if a.isOldDebt {
            let lpd = asOf - Int32(r.int(in: 1_461 ... 3_652))
            a.lastPaymentDate = lpd
            a.daysPastDue = max(0, Int(asOf - lpd) - 30)
        } else {
            if let j = lastPaid {
                a.lastPaymentDate = min(asOf, a.statements[j].date + Int32(r.int(in: 0 ... 10)))
            }
            if n == 0 {
                a.daysPastDue = r.int(in: 30 ... 720)
            } else if streak > 0 {
                a.daysPastDue = Int(asOf - a.statements[n - streak].date)
            } else if a.statements[n - 1].amountPaidCents < a.statements[n - 1].amountDueCents {
                a.daysPastDue = r.int(in: 1 ... 29)
            }
        }

        // One statement dated after as-of for a few accounts (must be ignored by readers).
        if n >= 1 && r.chance(Mix.futureStatementShare) {
            let due = min(balanceCents, max(1, Int64(baseDue.rounded())))
            a.statements.append(SyntheticStatement(date: statementDate(month: latestMonth + 1),
                                                   amountDueCents: due, amountPaidCents: due))
        }

        // Order of the rows in payments.csv: by date, reversed, or shuffled.
        let order = r.unit()
        if order >= 0.9 {
            var i = a.statements.count - 1
            while i > 0 {
                a.statements.swapAt(i, r.int(in: 0 ... i))
                i -= 1
            }
        } else if order >= 0.8 {
            a.statements.reverse()
        }

        // Holds and contact history.
        a.bankruptcy = r.chance(0.010)
        a.ceaseAndDesist = r.chance(0.015)
        a.dispute = r.chance(0.020)
        a.deceased = r.chance(0.005)
        let calls = r.pick(Mix.callsCumulative)
        a.callsLast7d = calls < 7 ? calls : r.int(in: 7 ... 12)
        let conversation = r.unit()
        if conversation >= 0.89 {
            a.lastConversationDate = asOf - Int32(r.int(in: 0 ... 6))
        } else if conversation >= 0.55 {
            a.lastConversationDate = asOf - Int32(r.int(in: 7 ... 400))
        }
        if !r.chance(Mix.missingMonthsOnBookShare) {
            var months = n + r.int(in: 0 ... 60)
            if a.isOldDebt, let lpd = a.lastPaymentDate { months += Int(asOf - lpd) / 30 }
            a.monthsOnBook = months
        }

        // Ground truth and labels.
        let x = TruthCovariates(
            payRatio6m: due6 > 0 ? Double(paid6) / Double(due6) : 0,
            currentMissedStreak: streak,
            dpdMonths: Double(a.daysPastDue) / 30,
            logBalance: DeterministicMath.log1p(Double(balanceCents) / 100),
            utilization: a.creditLimitCents.map { Double(balanceCents) / Double($0) } ?? 0,
            product: a.product)
        let eta = GroundTruth.linearPredictor(x)
        let t = GroundTruth.recoveryDays(exponentialDraw: r.exponential(mean: 1), eta: eta)
        let c = r.exponential(mean: GroundTruth.censoringMeanDays)
        let tDays = t >= 1_000_000 ? 1_000_000 : max(1, Int(t.rounded(.up)))
        let cDays = c >= 1_000_000 ? 1_000_000 : max(1, Int(c.rounded(.up)))
        a.truth = AccountTruth(covariates: x, eta: eta, latentRecoveryDays: tDays, censoringDays: cDays)
        let end = min(cDays, GroundTruth.observationDays)
        a.recovered = tDays <= end
        a.daysToRecovery = a.recovered ? tDays : end
    }

    /// The amount paid on a statement with `due` cents due. Thresholds are exact in cents:
    /// a missed token satisfies 10·paid ≤ due − 1, a partial payment 10·paid ≥ due + 1.
    @inline(__always)
    static func payment(due: Int64, paying: Bool, _ r: inout AccountRandom) -> Int64 {
        if due == 0 {
            return r.chance(0.2) ? Int64(r.int(in: 10 ... 5_000)) : 0
        }
        if paying {
            let u = r.unit()
            if u < 0.6 { return due }
            if u < 0.9 {
                let low = due / 10 + 1, high = due - 1
                return low <= high ? Int64(r.int(in: Int(low) ... Int(high))) : due
            }
            return due + Int64(r.int(in: 1 ... Int(due)))
        }
        if (due - 1) / 10 >= 1 && r.chance(0.25) {
            return Int64(r.int(in: 0 ... Int((due - 1) / 10)))
        }
        return 0
    }
}
