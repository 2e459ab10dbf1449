import ArrearsCLI
import Foundation
import PortfolioIO
import Prioritizer
import XCTest
import _TestSupport

/// Missing rule input (issue 14 item 1, DESIGN §6): a worklist rule that is on never
/// reads an absent column as "no hold".
final class RuleInputTests: XCTestCase {
    /// The corpus's base accounts have none of the rule columns: with the default policy
    /// rank stops, naming the first missing column and the key that switches it off,
    /// and writes no worklist. (On main it ranked every account onto the worklist.)
    func testRankStopsWhenARuleHasNoInputColumn() throws {
        let work = makeTemporaryDirectory("rule-input")
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("worklist.csv").path
        let error = CommandProbe.all[0].run([
            "rank", "--model", TrainedModel.requiredColumnsPath, "--accounts", try corpus("base_accounts.csv"),
            "--payments", try corpus("base_payments.csv"), "--as-of", "2026-01-01", "--out", out, "--quiet",
        ])
        let message = try XCTUnwrap(error.map(ArrearsCommand.message(for:)), "rank must stop")
        XCTAssertTrue(message.contains("no column 'bankruptcy'"), message)
        XCTAssertTrue(message.contains("hold_flags.bankruptcy = false"), message)
        XCTAssertTrue(message.contains("calls_last_7d (contact_rules.call_limit)"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no worklist after stopping")
    }

    /// Switching one rule off is not enough while another still lacks its column; a
    /// hold flag that is present is applied even with its switch off.
    func testEachRuleNeedsItsOwnColumnAndPresentFlagsAlwaysHold() throws {
        var accounts = AccountTable()
        accounts.accountID = ["a", "b"]
        accounts.balance = [100, 200]
        accounts.daysPastDue = [0, 0]
        accounts.bankruptcy = [false, true]
        accounts.presentColumns = ["bankruptcy", "calls_last_7d", "last_conversation_date", "state", "last_payment_date"]
        let scores = ModelOutputs(horizonDays: 90, pRecover: [0.5, 0.5], horizons: [90], recoveredBy: [0.4, 0.4],
                                  medianDays: [.nan, .nan], scorePoints: [.nan, .nan])
        func rank(_ policy: Policy) throws -> WorklistResult {
            try Prioritizer(policy: policy).rank(Portfolio(accounts: accounts, payments: PaymentTable(), rejects: [], accountRows: 2, paymentRows: 0),
                                                           asOf: CalendarDay(dayNumber: 20_000), scores: scores)
        }
        XCTAssertThrowsError(try rank(Policy())) { error in
            let e = error as? PrioritizerError
            XCTAssertEqual(e?.code, .missingRuleInput)
            XCTAssertTrue(e?.message.contains("'cease_and_desist'") == true, e?.message ?? "")
        }
        var off = Policy(holdFlags: .allOff)
        let r = try rank(off)
        XCTAssertEqual(r.worklist.map { accounts.accountID[Int($0)] }, ["a"], "b's bankruptcy flag holds it although the switch is off")
        // A ledger that supplies the column stands in for the file's (the seam for issue 16).
        off.holdFlags.ceaseAndDesist = true
        XCTAssertThrowsError(try rank(off))
        XCTAssertNoThrow(try Prioritizer(policy: off).rank(Portfolio(accounts: accounts, payments: PaymentTable(), rejects: [], accountRows: 2, paymentRows: 0),
                                                           asOf: CalendarDay(dayNumber: 20_000),
                                                           scores: scores, suppliedElsewhere: ["cease_and_desist"]))
    }

    private func corpus(_ name: String) throws -> String {
        try XCTUnwrap(Bundle.module.url(forResource: "Corpus/\(name)", withExtension: nil)).path
    }

    /// validate says which rules the file's columns support.
    func testValidateReportsWhichRulesTheColumnsSupport() {
        let lines = Policy.defaults.ruleSupportLines(presentColumns: ["bankruptcy", "state"])
        XCTAssertEqual(lines.count, 7)
        XCTAssertTrue(lines[0].hasPrefix("bankruptcy") && lines[0].contains("supported (bankruptcy)"), lines[0])
        XCTAssertTrue(lines[4].contains("not supported: no last_payment_date column; rank stops unless hold_flags.time_barred = false"), lines[4])
    }
}
