import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
@testable import Service
import XCTest

/// Each refused request leaves the ledger, the audit trail and the assignments as they
/// were; the accepted control request shows that a write does change the counts.
final class SecurityTests: XCTestCase {
    static let rightParty = "{\"channel\":\"call\",\"outcome\":\"right_party\"}"

    func testAnAcceptedContactWritesOneLedgerRowAndOneAuditEntry() async throws {
        let f = try ServiceFixture()
        let account = try f.worklistAccount(of: "C01")
        let before = try f.writeCounts()
        try await f.application.test(.router) { client in
            try await client.execute(uri: "/v1/accounts/\(account)/contacts", method: .post, headers: ServiceFixture.bearer(f.c01),
                                     body: ByteBuffer(string: Self.rightParty)) { XCTAssertEqual($0.status, .created) }
            try await client.execute(uri: "/v1/worklist", method: .get, headers: ServiceFixture.bearer(f.c01)) { response in
                XCTAssertFalse(String(buffer: response.body).contains("\"\(account)\""), "a right-party conversation leaves the queue")
            }
        }
        XCTAssertEqual(try f.writeCounts(), [before[0] + 1, before[1], before[2] + 1, before[3]])
        let audit = try f.service.store.auditTrail(account: account)
        XCTAssertEqual(audit.map(\.actor), ["C01"])
        XCTAssertEqual(audit.map(\.action), ["log_contact"])
        XCTAssertTrue(audit[0].detail.hasPrefix("call right_party at 2026-01-01T"), audit[0].detail)
    }

    func testNoTokenAndAWrongTokenAreRefusedWith401() async throws {
        let f = try ServiceFixture()
        let account = try f.worklistAccount(of: "C01")
        let before = try f.writeCounts()
        // The right id with a wrong secret, a made-up token, and a malformed one.
        let wrongSecret = String(f.c01.dropLast(4)) + "0000"
        try await f.application.test(.router) { client in
            try await client.execute(uri: "/v1/accounts/\(account)/contacts", method: .post,
                                     body: ByteBuffer(string: Self.rightParty)) { response in
                XCTAssertEqual(response.status, .unauthorized)
                XCTAssertEqual(response.headers[.wwwAuthenticate], "Bearer")
                XCTAssertTrue(String(buffer: response.body).contains("\"code\":\"unauthorized\""))
            }
            for token in [wrongSecret, "arr_0123456789abcdef_" + String(repeating: "a", count: 64), "hunter2"] {
                try await client.execute(uri: "/v1/accounts/\(account)/contacts", method: .post, headers: ServiceFixture.bearer(token),
                                         body: ByteBuffer(string: Self.rightParty)) { response in
                    XCTAssertEqual(response.status, .unauthorized, token)
                    XCTAssertTrue(String(buffer: response.body).contains("\"code\":\"bad_token\""))
                }
            }
            try await client.execute(uri: "/v1/worklist", method: .get, headers: ServiceFixture.bearer(wrongSecret)) {
                XCTAssertEqual($0.status, .unauthorized)
            }
        }
        XCTAssertEqual(try f.writeCounts(), before)
    }

    func testACollectorGets404ForAnotherCollectorsAccount() async throws {
        let f = try ServiceFixture()
        let theirs = try f.worklistAccount(of: "C02")
        let before = try f.writeCounts()
        try await f.application.test(.router) { client in
            try await client.execute(uri: "/v1/accounts/\(theirs)", method: .get, headers: ServiceFixture.bearer(f.c01)) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertFalse(String(buffer: response.body).contains("balance"))
            }
            try await client.execute(uri: "/v1/accounts/\(theirs)/contacts", method: .post, headers: ServiceFixture.bearer(f.c01),
                                     body: ByteBuffer(string: Self.rightParty)) { XCTAssertEqual($0.status, .notFound) }
            // The owner and a supervisor do see it; C01's queue does not list it.
            try await client.execute(uri: "/v1/accounts/\(theirs)", method: .get, headers: ServiceFixture.bearer(f.c02)) {
                XCTAssertEqual($0.status, .ok)
            }
            try await client.execute(uri: "/v1/accounts/\(theirs)", method: .get, headers: ServiceFixture.bearer(f.supervisor)) {
                XCTAssertEqual($0.status, .ok)
            }
            try await client.execute(uri: "/v1/worklist", method: .get, headers: ServiceFixture.bearer(f.c01)) { response in
                XCTAssertFalse(String(buffer: response.body).contains("\"\(theirs)\""))
            }
            // An API client may score only.
            try await client.execute(uri: "/v1/accounts/\(theirs)/contacts", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                     body: ByteBuffer(string: Self.rightParty)) { XCTAssertEqual($0.status, .forbidden) }
        }
        XCTAssertEqual(try f.writeCounts(), before)
    }

    func testAFormPostWithoutTheSessionsCSRFTokenIsRefused() async throws {
        let f = try ServiceFixture()
        let account = try f.worklistAccount(of: "C01")
        let before = try f.writeCounts()
        try await f.application.test(.router) { client in
            var form = HTTPFields()
            form[.contentType] = "application/x-www-form-urlencoded"
            let cookie = try await client.execute(uri: "/signin", method: .post, headers: form,
                                                  body: ByteBuffer(string: "token=\(f.c01)")) { response -> String in
                XCTAssertEqual(response.status, .seeOther)
                let setCookie = response.headers[.setCookie] ?? ""
                XCTAssertTrue(setCookie.contains("HttpOnly"), setCookie)
                XCTAssertTrue(setCookie.contains("SameSite=Strict"), setCookie)
                return String(setCookie.split(separator: ";")[0])
            }
            var signedIn = form
            signedIn[.cookie] = cookie
            let csrf = try await client.execute(uri: "/accounts/\(account)", method: .get, headers: signedIn) { response -> String in
                XCTAssertEqual(response.status, .ok)
                let html = String(buffer: response.body)
                let marker = "name=\"csrf\" value=\""
                let start = try XCTUnwrap(html.range(of: marker)).upperBound
                return String(html[start...].prefix(64))
            }
            XCTAssertEqual(csrf.count, 64)
            // A forged post: the browser sends the cookie, but the attacker cannot know the token.
            for body in ["channel=call&outcome=right_party", "channel=call&outcome=right_party&csrf=\(String(repeating: "0", count: 64))"] {
                try await client.execute(uri: "/accounts/\(account)/contacts", method: .post, headers: signedIn,
                                         body: ByteBuffer(string: body)) { response in
                    XCTAssertEqual(response.status, .forbidden, body)
                    XCTAssertTrue(String(buffer: response.body).contains("\"code\":\"csrf\""))
                }
            }
            // Without the cookie, even with the token, the post is not signed in.
            try await client.execute(uri: "/accounts/\(account)/contacts", method: .post, headers: form,
                                     body: ByteBuffer(string: "channel=call&outcome=right_party&csrf=\(csrf)")) {
                XCTAssertEqual($0.status, .unauthorized)
            }
            XCTAssertEqual(try f.writeCounts(), before)
            // The genuine form post is accepted, leaves the queue and says so.
            try await client.execute(uri: "/accounts/\(account)/contacts", method: .post, headers: signedIn,
                                     body: ByteBuffer(string: "channel=call&outcome=right_party&csrf=\(csrf)")) { response in
                XCTAssertEqual(response.status, .seeOther)
                XCTAssertTrue((response.headers[.location] ?? "").contains("left%20today"), response.headers[.location] ?? "")
            }
        }
        XCTAssertEqual(try f.writeCounts()[0], before[0] + 1)
    }

    func testAnOversizedBodyGets413() async throws {
        let f = try ServiceFixture(maxBody: 2048)
        let account = try f.worklistAccount(of: "C01")
        let before = try f.writeCounts()
        let big = "{\"channel\":\"call\",\"outcome\":\"right_party\"," + String(repeating: " ", count: 4096) + "}"
        try await f.application.test(.router) { client in
            try await client.execute(uri: "/v1/accounts/\(account)/contacts", method: .post, headers: ServiceFixture.bearer(f.c01),
                                     body: ByteBuffer(string: big)) { response in
                XCTAssertEqual(response.status, .contentTooLarge)
                XCTAssertTrue(String(buffer: response.body).contains("\"code\":\"body_too_large\""))
            }
            try await client.execute(uri: "/v1/score", method: .post, headers: ServiceFixture.bearer(f.apiClient),
                                     body: ByteBuffer(string: big)) { XCTAssertEqual($0.status, .contentTooLarge) }
        }
        XCTAssertEqual(try f.writeCounts(), before)
    }

    func testAMalformedOrUnknownJSONBodyGets400() async throws {
        let f = try ServiceFixture()
        let account = try f.worklistAccount(of: "C01")
        let before = try f.writeCounts()
        let cases: [(String, String, String?)] = [
            ("{\"channel\":\"call\",\"outcome\":", "malformed_json", nil),
            ("{\"channel\":\"call\",\"outcome\":\"right_party\",\"collector\":\"C02\"}", "unknown_field", "collector"),
            ("{\"channel\":\"pigeon\",\"outcome\":\"right_party\"}", "bad_field", "channel"),
            ("{\"channel\":\"call\"}", "missing_field", "outcome"),
            ("{\"channel\":\"call\",\"channel\":\"sms\",\"outcome\":\"right_party\"}", "malformed_json", nil),
        ]
        try await f.application.test(.router) { client in
            for (body, code, field) in cases {
                try await client.execute(uri: "/v1/accounts/\(account)/contacts", method: .post, headers: ServiceFixture.bearer(f.c01),
                                         body: ByteBuffer(string: body)) { response in
                    XCTAssertEqual(response.status, .badRequest, body)
                    let error = try JSONParser.parse(Array(String(buffer: response.body).utf8))["error"]
                    XCTAssertEqual(error?["code"], .string(code), body)
                    XCTAssertEqual(error?["field"], field.map(JSONValue.string), body)
                }
            }
        }
        XCTAssertEqual(try f.writeCounts(), before)
    }

    func testTokensAreStoredOnlyAsSaltedHashes() throws {
        let f = try ServiceFixture()
        let secret = String(f.c01.split(separator: "_")[2])
        let file = try Data(contentsOf: URL(fileURLWithPath: f.service.config.ledgerPath))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: f.service.config.ledgerPath + "-wal"))) ?? Data()
        XCTAssertNil(file.range(of: Data(secret.utf8)))
        XCTAssertNil(wal.range(of: Data(secret.utf8)))
        XCTAssertEqual(f.service.store.verify(f.c01)?.name, "C01")
        XCTAssertNil(f.service.store.verify(f.c01.uppercased()))
    }

    func testTheRateLimitRefusesABurstWith429() throws {
        let limiter = RateLimiter(ratePerSecond: 2, burst: 4)
        let answers = (0..<6).map { _ in limiter.allow("t", now: 100) }
        XCTAssertEqual(answers, [true, true, true, true, false, false])
        XCTAssertTrue(limiter.allow("t", now: 100.5), "one token back after half a second at 2/s")
        XCTAssertFalse(limiter.allow("t", now: 100.5))
        XCTAssertTrue(limiter.allow("other", now: 100.5), "buckets are per token")
    }

    /// A token's row is cached for `tokenCacheSeconds`: a wrong secret for a cached id is
    /// still refused, and a token revoked in the ledger file is refused once its entry
    /// is stale.
    func testATokenRevokedInTheLedgerIsRefusedOnceItsCacheEntryIsStale() throws {
        let f = try ServiceFixture()
        let now = 1_000_000.0
        XCTAssertEqual(f.service.store.verify(f.c01, now: now)?.name, "C01")
        let wrongSecret = String(f.c01.dropLast()) + (f.c01.hasSuffix("0") ? "1" : "0")
        XCTAssertNil(f.service.store.verify(wrongSecret, now: now + 0.5), "the cached row still needs the right secret")
        let id = String(f.c01.split(separator: "_")[1])
        try f.service.store.pool.write { db in
            try db.execute(sql: "UPDATE service_tokens SET revoked = 1 WHERE token_id = ?", arguments: [id])
        }
        XCTAssertEqual(f.service.store.verify(f.c01, now: now + 1)?.name, "C01", "within the cache time the row is not read again")
        XCTAssertNil(f.service.store.verify(f.c01, now: now + ServiceStore.tokenCacheSeconds + 0.1))
        XCTAssertNil(f.service.store.verify(f.c01, now: now + 1), "a refused id leaves the cache")
        XCTAssertEqual(f.service.store.verify(f.c02, now: now)?.name, "C02")
    }
}
