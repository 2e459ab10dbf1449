import XCTest
import PortfolioIO
@testable import Prioritizer

/// With a competing-outcomes model the expected value weighs each outcome's probability
/// within H by its `[outcome_share]` (issue 19): a settlement recovers its share.
final class OutcomeValueTests: XCTestCase {
    func rank(_ policy: Policy) throws -> WorklistResult {
        var accounts = AccountTable()
        accounts.accountID = ["a", "b"]
        accounts.balance = [1000, 1000]
        accounts.daysPastDue = [0, 0]
        accounts.product = ["card", "card"]
        var scores = ModelOutputs(horizonDays: 90, pRecover: [0.5, 0.5], horizons: [90], recoveredBy: [0.5, 0.5],
                                  medianDays: [.nan, .nan], scorePoints: [.nan, .nan])
        scores.outcomes = ["paid_in_full", "settled", "repossessed"]
        // a: mostly paid in full; b: mostly settled; the same P(any outcome) = 0.5.
        scores.outcomeIncidence = [0.4, 0.1, 0.0,
                                   0.1, 0.3, 0.1]
        return try Prioritizer(policy: Self.withoutRuleInputs(policy)).rank(Portfolio(accounts: accounts, payments: PaymentTable(), rejects: [],
                                                              accountRows: 2, paymentRows: 0),
                                                    asOf: CalendarDay(dayNumber: 20_000), scores: scores)
    }

    func testSettlementsRecoverTheirShare() throws {
        var policy = Policy(contactRules: ContactRules(callLimit: false, conversationCooldown: false), holdFlags: .allOff)
        policy.recoveryRate = RecoveryRates(defaultRate: 0.8)
        policy.outcomeShare["settled"] = 0.6
        let r = try rank(policy)
        // a: 1000 × (1·0.4 + 0.6·0.1 + 0.8·0) = 460; b: 1000 × (1·0.1 + 0.6·0.3 + 0.8·0.1) = 360
        // (an outcome without a share, repossessed, uses the product's recovery rate).
        XCTAssertEqual(r.expectedValue[0], 460, accuracy: 1e-9)
        XCTAssertEqual(r.expectedValue[1], 360, accuracy: 1e-9)
        XCTAssertEqual(r.worklist.map { r.accounts.accountID[Int($0)] }, ["a", "b"])
        // Below min_net_value the reason shows the formula with every outcome's share.
        policy.minNetValue = 400
        let low = try rank(policy)
        XCTAssertTrue(low.explanation(account: 1).contains("settled share 0.6 x p 0.300000"), low.explanation(account: 1))
    }

    func testOutcomeSharesAreReadFromTheTOMLFile() throws {
        let policy = try Policy(toml: "[outcome_share]\nsettled = 0.65\nwritten_off = 0.05\n")
        XCTAssertEqual(policy.outcomeShare["settled"], 0.65)
        XCTAssertEqual(policy.outcomeShare["written_off"], 0.05)
        XCTAssertEqual(policy.outcomeShare["paid_in_full"], 1)
        XCTAssertThrowsError(try Policy(toml: "[outcome_share]\nsettled = 1.5\n")) {
            XCTAssertTrue("\($0)".contains("outcome_share.settled"), "\($0)")
        }
    }

    /// A logistic-only model (`train --models logistic`) has no P(recovered by day):
    /// discounting says so instead of calling NaN an invalid probability.
    func testDiscountingWithoutACoxModelSaysWhy() throws {
        var accounts = AccountTable()
        accounts.accountID = ["a"]
        accounts.balance = [100]
        accounts.daysPastDue = [0]
        var scores = ModelOutputs(horizonDays: 90, pRecover: [0.5], horizons: [30, 90], recoveredBy: [.nan, .nan],
                                  medianDays: [.nan], scorePoints: [600])
        scores.hasSurvivalModel = false
        var policy = Policy(contactRules: ContactRules(callLimit: false, conversationCooldown: false), holdFlags: .allOff)
        policy.discountAnnualRate = 0.08
        XCTAssertThrowsError(try Prioritizer(policy: Self.withoutRuleInputs(policy)).rank(
            Portfolio(accounts: accounts, payments: PaymentTable(), rejects: [], accountRows: 1, paymentRows: 0),
            asOf: CalendarDay(dayNumber: 20_000), scores: scores)) {
            XCTAssertTrue("\($0)".contains("has none (trained with the logistic model alone)"), "\($0)")
        }
    }

    /// These accounts have no hold-flag or contact columns: the rules that read them are off.
    static func withoutRuleInputs(_ policy: Policy) -> Policy {
        var p = policy
        p.holdFlags = .allOff
        p.contactRules.callLimit = false
        p.contactRules.conversationCooldown = false
        return p
    }
}
