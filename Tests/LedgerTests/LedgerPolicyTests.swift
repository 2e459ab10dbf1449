import XCTest
import Prioritizer
import _TestSupport

/// The ledger's policy tables: `[state_rules.XX]`, `[promises]`, `[call_window]`.
final class LedgerPolicyTests: XCTestCase {
    func testExamplePolicyHasMassachusettsAndTheLedgerDefaults() throws {
        let policy = try Policy.load(path: repositoryRoot().appendingPathComponent("policies/example-policy.toml").path)
        XCTAssertEqual(policy.stateRules, ["MA": StateRule(maxCalls7d: 2)])
        XCTAssertEqual(policy.promises, PromisePolicy())
        XCTAssertEqual(policy.callWindow, CallWindowPolicy())
    }

    func testStateRulesAreCaseInsensitiveAndValidated() throws {
        let p = try Policy(toml: "[state_rules.ma]\nmax_calls_7d = 2\n[state_rules.CT]\nmax_calls_7d = 3\n")
        XCTAssertEqual(p.stateRules, ["MA": StateRule(maxCalls7d: 2), "CT": StateRule(maxCalls7d: 3)])
        func failure(_ toml: String) -> String {
            do { _ = try Policy(toml: toml, file: "p.toml"); return "" } catch { return error.description }
        }
        XCTAssertTrue(failure("[state_rules.MAS]\nmax_calls_7d = 2\n").contains("'MAS' in [state_rules] is not a two-letter state code"))
        XCTAssertTrue(failure("[state_rules.MA]\nmax_calls = 2\n").contains("did you mean 'state_rules.MA.max_calls_7d'?"))
        XCTAssertTrue(failure("[state_rules.MA]\nmax_calls_7d = 0\n").contains("state_rules.MA.max_calls_7d is 0"))
        XCTAssertTrue(failure("[state_rules.MA]\n").contains("[state_rules.MA] is empty"))
        XCTAssertTrue(failure("[promises]\ntolerance = 1.5\n").contains("promises.tolerance is 1.5"))
        XCTAssertTrue(failure("[call_window]\nstart_hour = 21\nend_hour = 8\n").contains("end_hour 8 must be after call_window.start_hour 21"))
    }
}
