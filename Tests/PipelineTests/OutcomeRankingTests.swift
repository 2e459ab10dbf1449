import Foundation
import Pipeline
import PortfolioIO
import Prioritizer
import Scoring
import Training
import XCTest
import _TestSupport

/// A model trained on an `outcome` column ranks by the outcome-weighted expected value:
/// the prioritizer gets P(outcome k within H) for every account (issue 19).
final class OutcomeRankingTests: XCTestCase {
    func testRankWeighsOutcomesByTheirShares() throws {
        var generator = SeededGenerator(seed: 43)
        var text = "account_id,balance,days_past_due,days_to_recovery,outcome\n"
        for i in 0..<600 {
            let days = Int.random(in: 1...365, using: &generator)
            let label = days < 250 ? ["paid_in_full", "settled"][Int.random(in: 0...1, using: &generator)] : ""
            text += "A\(i),\(Double.random(in: 10...1e4, using: &generator)),\(Int.random(in: 0...300, using: &generator)),\(days),\(label)\n"
        }
        let noPayments = "account_id,date,amount_due,amount_paid\n"
        let source = PortfolioSource.bytes(accounts: Array(text.utf8), payments: Array(noPayments.utf8),
                                           accountsName: "a.csv", paymentsName: "p.csv")
        var options = TrainingOptions(holdoutFraction: 0, trainedAt: "x")
        options.producer = "test"
        let asOf = CalendarDay(year: 2026, month: 1, day: 1)!
        let model = try Pipeline.train(source, asOf: asOf, options: options).artifact
        XCTAssertEqual(model.competingRisks?.outcomes, ["paid_in_full", "settled"])
        let scored = try Pipeline.score(Pipeline.read(source), with: model, asOf: asOf)
        let outputs = scored.modelOutputs
        XCTAssertEqual(outputs.outcomes, ["paid_in_full", "settled"])
        let h = try XCTUnwrap(model.predictionHorizons.firstIndex(of: model.horizonDays))
        let n = scored.scores.count, H = model.predictionHorizons.count
        for i in [0, 99, n - 1] {
            for c in 0..<2 {
                XCTAssertEqual(outputs.outcomeIncidence[i * 2 + c], scored.scores.outcomeIncidence[(i * 2 + c) * H + h])
            }
        }
        var policy = Policy(contactRules: ContactRules(callLimit: false, conversationCooldown: false), holdFlags: .allOff)
        policy.outcomeShare["settled"] = 0.25
        // The synthetic accounts carry no hold-flag or contact columns: those rules are off.
        policy.holdFlags = .allOff
        policy.contactRules.callLimit = false
        policy.contactRules.conversationCooldown = false
        let ranked = try Prioritizer(policy: policy).rank(scored.portfolio, asOf: asOf, scores: outputs)
        for i in [0, 99] {
            let expected = scored.portfolio.accounts.balance[i]
                * (outputs.outcomeIncidence[i * 2] + 0.25 * outputs.outcomeIncidence[i * 2 + 1])
            XCTAssertEqual(ranked.expectedValue[i], expected, accuracy: 1e-9 * expected)
        }
    }
}
