import Foundation
import Hummingbird
import HummingbirdTesting
import Pipeline
import PortfolioIO
@testable import Service
import XCTest
import _TestSupport

/// `POST /v1/score` and `/v1/score/batch` against `arrears score` on the bundled data.
final class ScoreAPITests: XCTestCase {
    /// The bundled portfolio as score requests: every account's columns (labels left out)
    /// with numbers as JSON numbers written as in the CSV, empty cells as null, the rest
    /// as strings, and its statements.
    static func requests(root: URL) throws -> [(id: String, json: String)] {
        let accounts = try String(contentsOf: root.appendingPathComponent("data/accounts.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let payments = try String(contentsOf: root.appendingPathComponent("data/payments.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var statements: [String: [String]] = [:]
        for p in payments {
            statements[p[0], default: []].append("{\"date\":\"\(p[1])\",\"amount_due\":\(p[2]),\"amount_paid\":\(p[3])}")
        }
        let header = accounts[0]
        func cell(_ v: String) -> String {
            if v.isEmpty { return "null" }
            if v.first!.isNumber, !v.contains("-"), Double(v) != nil, !(v.count > 1 && v.hasPrefix("0") && !v.hasPrefix("0.")) { return v }
            return "\"\(v)\""
        }
        return accounts.dropFirst().map { row in
            let fields = zip(header, row).filter { $0.0 != "days_to_recovery" && $0.0 != "recovered" }
                .map { "\"\($0.0)\":\(cell($0.1))" }.joined(separator: ",")
            return (row[0], "{\"as_of\":\"2026-01-01\",\"account\":{\(fields)},\"statements\":[\((statements[row[0]] ?? []).joined(separator: ","))]}")
        }
    }

    /// What `arrears score --format jsonl` prints for the bundled data as of 2026-01-01
    /// (`ScoreCommand` renders `ScoredPortfolio.table` in this format).
    static func scoreLines(root: URL, model: ModelSnapshot) throws -> [Substring] {
        let data = try Pipeline.read(.files(accounts: root.appendingPathComponent("data/accounts.csv").path,
                                            payments: root.appendingPathComponent("data/payments.csv").path))
        let scored = try Pipeline.score(data, with: model.model, asOf: CalendarDay("2026-01-01")!)
        return String(decoding: scored.table.rendered(format: .jsonl), as: UTF8.self).split(separator: "\n")
    }

    func testSingleRequestsScoreAsArrearsScoreDoes() async throws {
        let f = try ServiceFixture()
        let requests = try Self.requests(root: f.root)
        let expected = try Self.scoreLines(root: f.root, model: f.service.snapshot)
        XCTAssertEqual(requests.count, 5000)
        XCTAssertEqual(expected.count, 5000)
        try await f.application.test(.router) { client in
            // Every 5th account one request at a time (the batch test sends all 5000).
            for (k, r) in requests.enumerated() where k % 5 == 0 {
                try await client.execute(uri: "/v1/score", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                         body: ByteBuffer(string: r.json)) { response in
                    XCTAssertEqual(response.status, .ok, "account \(r.id): \(String(buffer: response.body))")
                    XCTAssertEqual(String(buffer: response.body), expected[k] + "\n", "account \(r.id)")
                }
            }
        }
    }

    func testTheBatchFormScoresEveryBundledAccountAsArrearsScoreDoes() async throws {
        let f = try ServiceFixture()
        let body = try Self.requests(root: f.root).map(\.json).joined(separator: "\n") + "\n"
        let expected = try Self.scoreLines(root: f.root, model: f.service.snapshot).joined(separator: "\n") + "\n"
        try await f.application.test(.router) { client in
            try await client.execute(uri: "/v1/score/batch", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                     body: ByteBuffer(string: body)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(String(buffer: response.body), expected)
            }
        }
    }

    func testABatchLineWithABadCellGetsItsErrorInPlace() async throws {
        let f = try ServiceFixture()
        let requests = try Self.requests(root: f.root)
        let expected = try Self.scoreLines(root: f.root, model: f.service.snapshot)
        let bad = requests[1].json.replacingOccurrences(of: "\"balance\":938.67", with: "\"balance\":-5")
        XCTAssertNotEqual(bad, requests[1].json)
        // Line 5 sends account 1 again with other statements: refused, and account 1's
        // score (line 1) is unchanged by them.
        let again = requests[0].json.replacingOccurrences(of: "\"statements\":[", with: "\"statements\":[{\"date\":\"2025-12-01\",\"amount_due\":9,\"amount_paid\":9},")
        let body = [requests[0].json, bad, "{not json", requests[2].json, again].joined(separator: "\n")
        try await f.application.test(.router) { client in
            try await client.execute(uri: "/v1/score/batch", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                     body: ByteBuffer(string: body)) { response in
                let lines = String(buffer: response.body).split(separator: "\n")
                XCTAssertEqual(lines.count, 5)
                XCTAssertEqual(lines[0], expected[0])
                XCTAssertTrue(lines[1].hasPrefix("{\"line\":2,\"error\":{\"code\":\"negative_value\""), String(lines[1]))
                XCTAssertTrue(lines[1].contains("\"field\":\"account.balance\""), String(lines[1]))
                XCTAssertTrue(lines[2].hasPrefix("{\"line\":3,\"error\":{\"code\":\"malformed_json\""), String(lines[2]))
                XCTAssertEqual(lines[3], expected[2])
                XCTAssertTrue(lines[4].hasPrefix("{\"line\":5,\"error\":{\"code\":\"duplicate_id\""), String(lines[4]))
            }
        }
    }

    func testScoreErrorsNameTheField() async throws {
        let f = try ServiceFixture()
        let cases: [(body: String, status: HTTPResponse.Status, code: String, field: String?)] = [
            ("{\"account\":{\"account_id\":\"X\",\"balance\":5,\"days_past_due\":1,\"months_on_book\":12,\"channel\":\"online\"},\"colour\":1}", .badRequest, "unknown_field", "colour"),
            ("{\"account\":{\"account_id\":\"X\",\"balance\":5,\"days_past_due\":1,\"favourite\":2}}", .badRequest, "unknown_field", "account.favourite"),
            ("{\"account\":{\"account_id\":\"X\",\"balance\":5,\"days_past_due\":1,\"months_on_book\":12,\"channel\":\"online\"},\"statements\":[{\"date\":\"2025-01-01\",\"amount_due\":1}]}",
             .badRequest, "missing_field", "statements[0].amount_paid"),
            ("{\"account\":{\"account_id\":\"X\",\"balance\":\"lots\",\"days_past_due\":1,\"months_on_book\":12,\"channel\":\"online\"}}", .unprocessableContent, "bad_number", "account.balance"),
            ("{\"account\":{\"account_id\":\"X\",\"balance\":5,\"days_past_due\":1,\"months_on_book\":12,\"channel\":\"online\"},\"statements\":[{\"date\":\"2025-02-30\",\"amount_due\":1,\"amount_paid\":0}]}",
             .unprocessableContent, "bad_date", "statements[0].date"),
            ("{\"as_of\":\"soon\",\"account\":{\"account_id\":\"X\",\"balance\":5,\"days_past_due\":1,\"months_on_book\":12,\"channel\":\"online\"}}", .badRequest, "bad_field", "as_of"),
            ("[1,2", .badRequest, "malformed_json", nil),
            ("{\"account\":{\"account_id\":\"X\",\"balance\":5,\"days_past_due\":1,\"channel\":null}}", .unprocessableContent, "missing_field",
             "account.months_on_book"),
        ]
        try await f.application.test(.router) { client in
            for c in cases {
                try await client.execute(uri: "/v1/score", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                         body: ByteBuffer(string: c.body)) { response in
                    XCTAssertEqual(response.status, c.status, c.body)
                    let error = try JSONParser.parse(Array(String(buffer: response.body).utf8))["error"]
                    XCTAssertEqual(error?["code"], .string(c.code), c.body)
                    XCTAssertEqual(error?["field"], c.field.map(JSONValue.string), c.body)
                }
            }
        }
    }

    func testMetricsCountRequestsAndNameTheModel() async throws {
        let f = try ServiceFixture()
        let one = try Self.requests(root: f.root)[0].json
        try await f.application.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/score", method: .post, headers: ServiceFixture.bearer(f.apiClient), body: ByteBuffer(string: one))
            }
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: one))
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                XCTAssertTrue(text.contains("arrears_http_requests_total{route=\"/v1/score\",method=\"POST\",status=\"200\"} 3\n"), text)
                XCTAssertTrue(text.contains("arrears_http_requests_total{route=\"/v1/score\",method=\"POST\",status=\"401\"} 1\n"), text)
                XCTAssertTrue(text.contains("arrears_http_request_duration_seconds_count{route=\"/v1/score\"} 4\n"), text)
                XCTAssertTrue(text.contains("arrears_model_info{version=\"\(f.service.snapshot.version)\"} 1\n"), text)
            }
        }
    }

    func testReloadSwapsTheSnapshotWhole() throws {
        let f = try ServiceFixture()
        let before = f.service.snapshot
        try f.service.reload()
        let after = f.service.snapshot
        XCTAssertEqual(before.version, after.version)
        XCTAssertEqual(after.policy.capacity, before.policy.capacity)
        XCTAssertTrue(f.service.metrics.text(modelVersion: after.version).contains("arrears_model_reloads_total 1\n"))
    }
}
