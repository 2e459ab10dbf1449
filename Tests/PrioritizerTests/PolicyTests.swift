import Foundation
import XCTest
import _TestSupport
@testable import Prioritizer

final class PolicyTests: XCTestCase {
    func testEmptyFileGivesTheDocumentedDefaults() throws {
        let p = try Policy(toml: "# nothing set\n")
        XCTAssertEqual(p, Policy.defaults)
        XCTAssertEqual(p.costPerAttempt, 5)
        XCTAssertEqual(p.minNetValue, 0)
        XCTAssertEqual(p.pFloor, 0.05)
        XCTAssertEqual(p.capacity, 500)
        XCTAssertEqual(p.discountAnnualRate, 0)
        XCTAssertEqual(p.recoveryRate, RecoveryRates(defaultRate: 1, byProduct: [:]))
        XCTAssertEqual(p.chronicDefaulter, ChronicDefaulter(daysPastDue: 180, monthsWithoutPayment: 12, combine: .any))
        XCTAssertEqual(p.limitationPeriod, LimitationPeriods(defaultYears: 3, byState: [:]))
        XCTAssertEqual(p.contactRules, ContactRules(callLimit: true, maxCalls7d: 7, conversationCooldown: true,
                                                    conversationCooldownDays: 7))
    }

    func testExamplePolicyLoadsAsDocumented() throws {
        let path = repositoryRoot().appendingPathComponent("policies/example-policy.toml").path
        let p = try Policy.load(path: path)
        // Every scalar is at its default; the example lists three states and MA's call limit.
        var expected = Policy.defaults
        expected.limitationPeriod.byState = ["CA": 4, "NY": 3, "TX": 4]
        expected.stateRules = ["MA": StateRule(maxCalls7d: 2)]
        XCTAssertEqual(p, expected)
        // The example sets every key, so the file documents all of them.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let keys = PolicyReader.locateKeys(text).keys
        var expectedKeys = Policy.CodingKeys.allCases.map(\.rawValue)
        expectedKeys += ChronicDefaulter.CodingKeys.allCases.map { "chronic_defaulter.\($0.rawValue)" }
        expectedKeys += ContactRules.CodingKeys.allCases.map { "contact_rules.\($0.rawValue)" }
        expectedKeys += HoldFlagRules.CodingKeys.allCases.map { "hold_flags.\($0.rawValue)" }
        expectedKeys += ["recovery_rate.default", "limitation_period_years.default"]
        for key in expectedKeys {
            XCTAssertTrue(keys.contains(key), "example policy lacks \(key)")
        }
    }

    func testEveryKeyIsRead() throws {
        let p = try Policy(toml: """
            cost_per_attempt = 3          # an integer is fine for a number
            min_net_value = -2.5
            p_floor = 0.1
            capacity = 42
            discount_annual_rate = 0.08

            [recovery_rate]
            default = 0.9
            Card = 0.7
            "personal loan" = 0.4

            [chronic_defaulter]
            days_past_due = 120
            months_without_payment = 0
            combine = "all"

            [limitation_period_years]
            default = 5
            ca = 4
            NY = 6

            [contact_rules]
            call_limit = false
            max_calls_7d = 5
            conversation_cooldown = false
            conversation_cooldown_days = 10
            """)
        XCTAssertEqual(p, Policy(
            costPerAttempt: 3, minNetValue: -2.5, pFloor: 0.1, capacity: 42, discountAnnualRate: 0.08,
            recoveryRate: RecoveryRates(defaultRate: 0.9, byProduct: ["card": 0.7, "personal loan": 0.4]),
            chronicDefaulter: ChronicDefaulter(daysPastDue: 120, monthsWithoutPayment: 0, combine: .all),
            limitationPeriod: LimitationPeriods(defaultYears: 5, byState: ["CA": 4, "NY": 6]),
            contactRules: ContactRules(callLimit: false, maxCalls7d: 5, conversationCooldown: false,
                                       conversationCooldownDays: 10)))
        XCTAssertEqual(p.recoveryRate.rate(for: "CARD"), 0.7)
        XCTAssertEqual(p.recoveryRate.rate(for: "auto"), 0.9)
        XCTAssertEqual(p.limitationPeriod.years(for: "ca"), 4)
        XCTAssertEqual(p.limitationPeriod.years(for: ""), 5)
    }

    func testDottedKeysAndInlineTables() throws {
        let p = try Policy(toml: """
            recovery_rate.card = 0.5
            contact_rules = { max_calls_7d = 3 }
            """)
        XCTAssertEqual(p.recoveryRate.byProduct, ["card": 0.5])
        XCTAssertEqual(p.contactRules.maxCalls7d, 3)
        XCTAssertTrue(p.contactRules.callLimit)
    }

    func testPolicyRoundTripsThroughJSON() throws {
        var p = Policy(capacity: 9, chronicDefaulter: ChronicDefaulter(combine: .all))
        p.recoveryRate.byProduct["card"] = 0.25
        let data = try JSONEncoder().encode(p)
        XCTAssertEqual(try JSONDecoder().decode(Policy.self, from: data), p)
    }

    /// Parses `toml` and returns the error it must raise.
    private func policyError(_ toml: String, file: StaticString = #filePath, line: UInt = #line) -> PolicyError? {
        do {
            _ = try Policy(toml: toml, file: "policy.toml")
            XCTFail("expected an error for:\n\(toml)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testUnknownKeysAreNamedWithASuggestion() {
        let e = policyError("capacity = 10\np_flor = 0.1\n")
        XCTAssertEqual(e?.code, .unknownKey)
        XCTAssertEqual(e?.key, "p_flor")
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.column, 1)
        XCTAssertTrue(e?.description.hasPrefix("policy.toml:2:1: unknown key 'p_flor'; did you mean 'p_floor'?") == true,
                      e?.description ?? "")
        let nested = policyError("[contact_rules]\n  max_calls = 7\n")
        XCTAssertEqual(nested?.code, .unknownKey)
        XCTAssertEqual(nested?.key, "contact_rules.max_calls")
        XCTAssertEqual(nested?.line, 2)
        XCTAssertEqual(nested?.column, 3)
        XCTAssertTrue(nested?.message.contains("did you mean 'contact_rules.max_calls_7d'?") == true)
        let chronic = policyError("[chronic_defaulter]\ndpd = 90\n")
        XCTAssertEqual(chronic?.key, "chronic_defaulter.dpd")
        let state = policyError("[limitation_period_years]\nCalifornia = 4\n")
        XCTAssertEqual(state?.code, .unknownKey)
        XCTAssertEqual(state?.key, "limitation_period_years.California")
        XCTAssertEqual(state?.line, 2)
    }

    func testWrongTypesAreNamed() {
        let cases: [(String, String)] = [
            ("p_floor = \"high\"", "p_floor"),
            ("capacity = 10.5", "capacity"),
            ("cost_per_attempt = true", "cost_per_attempt"),
            ("recovery_rate = 0.5", "recovery_rate"),
            ("[contact_rules]\ncall_limit = 1", "contact_rules.call_limit"),
            ("[chronic_defaulter]\ncombine = 1", "chronic_defaulter.combine"),
            ("[recovery_rate]\ncard = \"most\"", "recovery_rate.card"),
            ("[limitation_period_years]\nNY = 6.5", "limitation_period_years.NY"),
        ]
        for (toml, key) in cases {
            let e = policyError(toml)
            XCTAssertEqual(e?.code, .wrongType, toml)
            XCTAssertEqual(e?.key, key, toml)
            XCTAssertNotNil(e?.line, toml)
        }
        XCTAssertEqual(policyError("p_floor = \"high\"")?.description,
                       "policy.toml:1:1: p_floor is a string; it must be a number, a probability in [0, 1]")
        XCTAssertEqual(policyError("capacity = 10.5")?.message,
                       "capacity is a floating-point number; it must be a whole number, at least 1 account")
    }

    func testOutOfRangeValuesAreNamed() {
        let cases: [(String, String)] = [
            ("cost_per_attempt = -1", "cost_per_attempt"),
            ("p_floor = 1.5", "p_floor"),
            ("p_floor = -0.01", "p_floor"),
            ("capacity = 0", "capacity"),
            ("discount_annual_rate = 2", "discount_annual_rate"),
            ("min_net_value = nan", "min_net_value"),
            ("min_net_value = inf", "min_net_value"),
            ("[recovery_rate]\ndefault = 1.2", "recovery_rate.default"),
            ("[recovery_rate]\ncard = -0.1", "recovery_rate.card"),
            ("[chronic_defaulter]\ndays_past_due = -5", "chronic_defaulter.days_past_due"),
            ("[chronic_defaulter]\nmonths_without_payment = -1", "chronic_defaulter.months_without_payment"),
            ("[chronic_defaulter]\ncombine = \"some\"", "chronic_defaulter.combine"),
            ("[limitation_period_years]\ndefault = 0", "limitation_period_years.default"),
            ("[contact_rules]\nmax_calls_7d = 0", "contact_rules.max_calls_7d"),
            ("[contact_rules]\nconversation_cooldown_days = 0", "contact_rules.conversation_cooldown_days"),
        ]
        for (toml, key) in cases {
            let e = policyError(toml)
            XCTAssertEqual(e?.code, .outOfRange, toml)
            XCTAssertEqual(e?.key, key, toml)
        }
        XCTAssertEqual(policyError("\n\np_floor = 1.5")?.description,
                       "policy.toml:3:1: p_floor is 1.5; it must be a probability in [0, 1]")
    }

    func testDuplicatesDifferingOnlyInCaseAreRejected() {
        let product = policyError("[recovery_rate]\ncard = 0.5\nCard = 0.6\n")
        XCTAssertEqual(product?.code, .duplicateKey)
        let state = policyError("[limitation_period_years]\nny = 3\nNY = 6\n")
        XCTAssertEqual(state?.code, .duplicateKey)
        XCTAssertTrue(state?.message.contains("listed twice") == true)
    }

    func testSyntaxErrorsGiveLineAndColumn() {
        let e = policyError("capacity = 10\np_floor = = 0.1\n")
        XCTAssertEqual(e?.code, .syntax)
        XCTAssertEqual(e?.line, 2)
        XCTAssertNotNil(e?.column)
        XCTAssertTrue(e?.description.hasPrefix("policy.toml:2:") == true, e?.description ?? "")
        let duplicate = policyError("capacity = 10\ncapacity = 20\n")
        XCTAssertEqual(duplicate?.code, .syntax)
        XCTAssertEqual(duplicate?.line, 2)
    }

    func testUnreadableFileIsNamed() {
        let path = makeTemporaryDirectory().appendingPathComponent("missing.toml").path
        XCTAssertThrowsError(try Policy.load(path: path)) { error in
            let e = error as? PolicyError
            XCTAssertEqual(e?.code, .unreadable)
            XCTAssertEqual(e?.file, path)
            XCTAssertTrue(e?.description.hasPrefix(path + ": cannot read the policy file") == true)
        }
    }
}
