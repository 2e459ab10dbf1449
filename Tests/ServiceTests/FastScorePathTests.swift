import Foundation
import Hummingbird
import HummingbirdTesting
import PortfolioIO
@testable import Service
import XCTest

/// The one-account fast path of `POST /v1/score` (`FastScorePath`) against `arrears score`
/// and against the general path (`ScoreRequest.parse` + `ModelSnapshot.score`) it must
/// never disagree with: the same bytes for every request it takes, and no answer (the
/// general path answers) for every request it cannot take exactly.
final class FastScorePathTests: XCTestCase {
    /// The general path's answer: the line with its newline, or the error.
    static func general(_ body: String, _ service: ArrearsService) -> Result<String, APIError> {
        let snapshot = service.snapshot
        do throws(APIError) {
            let request = try ScoreRequest.parse(Array(body.utf8), allowedColumns: snapshot.allowedColumns)
            switch try snapshot.score([request], defaultAsOf: service.asOf)[0] {
            case .success(let row): return .success(String(decoding: row, as: UTF8.self) + "\n")
            case .failure(let error): return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }

    static func fast(_ body: String, _ service: ArrearsService) -> String? {
        service.snapshot.fast?.score(Array(body.utf8), defaultAsOf: service.asOf).map { String(decoding: $0, as: UTF8.self) }
    }

    func testEveryBundledAccountTakesTheFastPathAndScoresAsArrearsScoreDoes() throws {
        let f = try ServiceFixture()
        let requests = try ScoreAPITests.requests(root: f.root)
        let expected = try ScoreAPITests.scoreLines(root: f.root, model: f.service.snapshot)
        XCTAssertNotNil(f.service.snapshot.fast, "the bundled model has a fast path")
        for (k, r) in requests.enumerated() {
            guard let line = Self.fast(r.json, f.service) else { return XCTFail("account \(r.id) left the fast path") }
            XCTAssertEqual(line, expected[k] + "\n", "account \(r.id)")
        }
    }

    /// Variants of bundled requests: each is answered by both paths with the same bytes
    /// (`fast: true`), or left to the general path (`fast: false`), whose answer stands.
    func testVariantsAgreeWithTheGeneralPath() throws {
        let f = try ServiceFixture()
        let requests = try ScoreAPITests.requests(root: f.root)
        let first = requests[0].json // A0000001: no credit limit, 12 statements
        let statementsOfFirst = String(first[first.range(of: "\"statements\":[")!.upperBound...].dropLast(2))
        XCTAssertTrue(statementsOfFirst.hasPrefix("{\"date\""))
        // A0000002 (card, credit limit 1200, channel partner; none on file) with A0000001's statements.
        let one = requests[1].json.replacingOccurrences(of: "\"statements\":[]", with: "\"statements\":[\(statementsOfFirst)]")
        XCTAssertNotEqual(one, requests[1].json)
        func edit(_ body: String, _ pairs: [(String, String)]) -> String {
            var s = body
            for (a, b) in pairs {
                XCTAssertTrue(s.contains(a), "variant: '\(a)' not in the request")
                s = s.replacingOccurrences(of: a, with: b)
            }
            return s
        }
        let statementsOf1 = String(one[one.range(of: "\"statements\":[")!.upperBound...].dropLast(2))
        let reversed = "{" + String(statementsOf1.dropFirst().dropLast()).components(separatedBy: "},{").reversed().joined(separator: "},{") + "}"
        XCTAssertNotEqual(reversed, statementsOf1)
        let cases: [(name: String, body: String, fast: Bool)] = [
            ("as sent", one, true),
            ("white space everywhere", edit(one, [("{", " {\n\t"), (":", " : "), (",", " ,\r\n "), ("}", " } ")]), true),
            ("keys in another order", "{\"statements\":[\(statementsOf1)],\"account\":\(one[one.range(of: "\"account\":")!.upperBound..<one.range(of: ",\"statements\"")!.lowerBound]),\"as_of\":\"2026-01-01\"}", true),
            ("as_of left out (the server's day)", edit(one, [("\"as_of\":\"2026-01-01\",", "")]), true),
            ("as_of null", edit(one, [("\"as_of\":\"2026-01-01\"", "\"as_of\":null")]), true),
            ("an earlier as_of (later statements ignored)", edit(one, [("\"as_of\":\"2026-01-01\"", "\"as_of\":\"2025-06-01\"")]), true),
            ("statements in reverse order", edit(one, [(statementsOf1, reversed)]), true),
            ("no statements", edit(one, [(statementsOf1, "")]), true),
            ("statements null", edit(one, [("[\(statementsOf1)]", "null")]), true),
            ("statements left out", edit(one, [(",\"statements\":[\(statementsOf1)]", "")]), true),
            ("flags as booleans", edit(one, [("\"bankruptcy\":0", "\"bankruptcy\":false"), ("\"dispute\":0", "\"dispute\":true")]), true),
            ("flags as words", edit(one, [("\"deceased\":0", "\"deceased\":\" YES \"")]), true),
            ("an unseen product", edit(one, [("\"product\":\"card\"", "\"product\":\"boat\"")]), true),
            ("an empty product", edit(one, [("\"product\":\"card\"", "\"product\":null")]), true),
            ("an unseen channel", edit(one, [("\"channel\":\"partner\"", "\"channel\":\"kiosk\"")]), true),
            ("months_on_book null (the median, flagged missing)", edit(one, [("\"months_on_book\":51", "\"months_on_book\":null")]), true),
            ("months_on_book as text (a text cell: missing)", edit(one, [("\"months_on_book\":51", "\"months_on_book\":\"about four years\"")]), true),
            ("months_on_book as a string number", edit(one, [("\"months_on_book\":51", "\"months_on_book\":\" 51 \"")]), true),
            ("numbers in other spellings", edit(one, [("\"balance\":938.67", "\"balance\":9.3867E2"), ("\"days_past_due\":200", "\"days_past_due\":200.0"),
                                                      ("\"calls_last_7d\":7", "\"calls_last_7d\":-0")]), true),
            ("credit_limit null", edit(one, [("\"credit_limit\":1200.00", "\"credit_limit\":null")]), true),
            ("a date with spaces", edit(one, [("\"last_conversation_date\":\"2025-06-20\"", "\"last_conversation_date\":\" 2025-06-20\"")]), true),
            ("a statement amount as a string and a boolean", edit(first, [("\"amount_due\":587.62,\"amount_paid\":1151.84", "\"amount_paid\":\"1151.84\",\"amount_due\":true")]), true),
            ("state in lower case", edit(one, [("\"state\":\"CA\"", "\"state\":\"ca\"")]), true),
            ("schema columns left out", "{\"account\":{\"account_id\":\"Z1\",\"balance\":10,\"days_past_due\":0,\"months_on_book\":3,\"channel\":\"online\"}}", true),
            // Left to the general path:
            ("an escape in a string", edit(one, [("\"account_id\":\"A0000002\"", "\"account_id\":\"A000000\\u0032\"")]), false),
            ("non-ASCII text", edit(one, [("\"product\":\"card\"", "\"product\":\"carté\"")]), false),
            ("a comma in a cell", edit(one, [("\"product\":\"card\"", "\"product\":\"card,gold\"")]), false),
            ("a negative balance", edit(one, [("\"balance\":938.67", "\"balance\":-938.67")]), false),
            ("days_past_due missing", edit(one, [("\"days_past_due\":200,", "")]), false),
            ("a fractional count", edit(one, [("\"calls_last_7d\":7", "\"calls_last_7d\":7.5")]), false),
            ("credit_limit 0", edit(one, [("\"credit_limit\":1200.00", "\"credit_limit\":0")]), false),
            ("a bad flag", edit(one, [("\"dispute\":0", "\"dispute\":2")]), false),
            ("a bad date", edit(one, [("\"last_conversation_date\":\"2025-06-20\"", "\"last_conversation_date\":\"2025-06-31\"")]), false),
            ("months_on_book out of range", edit(one, [("\"months_on_book\":51", "\"months_on_book\":1e16")]), false),
            ("a model column left out", edit(one, [(",\"channel\":\"partner\"", "")]), false),
            ("a duplicate statement", edit(first, [("\"statements\":[{", "\"statements\":[{\"date\":\"2024-11-26\",\"amount_due\":587.62,\"amount_paid\":1151.84},{")]), false),
            ("a statement without amount_paid", edit(first, [(",\"amount_paid\":1151.84", "")]), false),
            ("a statement key twice", edit(first, [("\"amount_paid\":1151.84", "\"amount_paid\":1151.84,\"amount_paid\":1")]), false),
            ("an account key twice", edit(one, [("\"balance\":938.67", "\"balance\":938.67,\"balance\":1")]), false),
            ("an unknown account key", edit(one, [("\"balance\":938.67", "\"balance\":938.67,\"colour\":1")]), false),
            ("an unknown top-level key", edit(one, [("\"as_of\":", "\"colour\":1,\"as_of\":")]), false),
            ("a leading zero", edit(one, [("\"days_past_due\":200", "\"days_past_due\":0200")]), false),
            ("a nested value", edit(one, [("\"days_past_due\":200", "\"days_past_due\":[200]")]), false),
            ("text after the object", one + "x", false),
            ("a bad as_of", edit(one, [("\"as_of\":\"2026-01-01\"", "\"as_of\":\"soon\"")]), false),
            ("no account", "{\"as_of\":\"2026-01-01\"}", false),
            ("truncated", String(one.dropLast(3)), false),
        ]
        var taken = 0
        for c in cases {
            let general = Self.general(c.body, f.service)
            let fast = Self.fast(c.body, f.service)
            if c.fast {
                guard case .success(let line) = general else { XCTFail("\(c.name): the general path refused it: \(general)"); continue }
                XCTAssertEqual(fast, line, c.name)
                taken += 1
            } else {
                XCTAssertNil(fast, "\(c.name): the fast path must leave it to the general path")
            }
        }
        XCTAssertEqual(taken, cases.filter(\.fast).count)
    }

    /// Through HTTP: a request the fast path leaves alone is still scored (and an error
    /// still names its field); the fast path's answer carries the model header.
    func testARequestLeftToTheGeneralPathIsAnsweredTheSame() async throws {
        let f = try ServiceFixture()
        let requests = try ScoreAPITests.requests(root: f.root)
        let expected = try ScoreAPITests.scoreLines(root: f.root, model: f.service.snapshot)
        let escaped = requests[1].json.replacingOccurrences(of: "\"account_id\":\"A0000002\"", with: "\"account_id\":\"A000000\\u0032\"")
        XCTAssertNil(Self.fast(escaped, f.service))
        try await f.application.test(.router) { client in
            for body in [requests[1].json, escaped] {
                try await client.execute(uri: "/v1/score", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                         body: ByteBuffer(string: body)) { response in
                    XCTAssertEqual(response.status, .ok)
                    XCTAssertEqual(String(buffer: response.body), expected[1] + "\n")
                    XCTAssertEqual(response.headers[ArrearsService.modelHeader], f.service.snapshot.version)
                }
            }
            let negative = requests[1].json.replacingOccurrences(of: "\"balance\":938.67", with: "\"balance\":-1")
            try await client.execute(uri: "/v1/score", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                     body: ByteBuffer(string: negative)) { response in
                XCTAssertEqual(response.status, .unprocessableContent)
                XCTAssertTrue(String(buffer: response.body).contains("\"field\":\"account.balance\""), String(buffer: response.body))
            }
        }
    }
}
