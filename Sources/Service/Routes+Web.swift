import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Mustache
import PortfolioIO

/// The collectors' pages: sign in with a personal token (a session cookie, `HttpOnly`,
/// `SameSite=Strict`), today's queue, an account page with its history and the forms
/// that log a contact or a promise (each form carries the session's CSRF token; a post
/// without it is refused with 403 and writes nothing).
extension ArrearsService {
    static let sessionCookie = "arrears_session"

    func addWebRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/") { request, _ -> Response in
            Self.redirect(self.session(request) == nil ? "/signin" : "/queue")
        }
        router.get("/signin") { _, _ -> Response in self.page("Sign in", "signin", [:], session: nil) }
        router.post("/signin") { request, _ -> Response in
            let form = try await self.form(request)
            guard let token = form["token"], let principal = self.store.verify(token.trimmingCharacters(in: .whitespaces)),
                  principal.role != .apiClient else {
                return self.page("Sign in", "signin", [:], session: nil, error: "That token is not valid for the web pages.",
                                 status: .unauthorized)
            }
            try self.limit(principal)
            let (id, _) = self.sessions.create(for: principal, now: Date().timeIntervalSince1970)
            var response = Self.redirect("/queue")
            response.setCookie(Cookie(name: Self.sessionCookie, value: id, maxAge: Int(self.sessions.lifetime), path: "/",
                                      secure: false, httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("/signout") { request, _ -> Response in
            let (id, _) = try self.formSession(request, try await self.form(request))
            self.sessions.remove(id)
            var response = Self.redirect("/signin")
            response.setCookie(Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/queue") { request, _ -> Response in
            guard let (_, session) = self.session(request) else { return Self.redirect("/signin") }
            let principal = session.principal
            let ranked = try self.queue.current(self.snapshot)
            let supervisor = principal.role == .supervisor
            let collector = supervisor ? request.uri.queryParameters.get("collector").map { String($0) } : principal.name
            let rows: [[String: Any]] = ranked.rows.filter { collector == nil || $0.collector == collector }.map { Self.rowContext($0) }
            let notice = request.uri.queryParameters.get("notice").map { String($0) }
            return self.page("Queue", "queue", ["rows": rows, "count": rows.count, "collector": collector ?? "",
                                                "supervisor": supervisor, "asOf": self.asOf.description],
                             session: session, notice: notice)
        }
        router.get("/accounts/:id") { request, context -> Response in
            guard let (_, session) = self.session(request) else { return Self.redirect("/signin") }
            let id = try context.parameters.require("id")
            let ranked = try self.queue.current(self.snapshot)
            do { try self.checkAccess(session.principal, account: id) } catch {
                return self.page("Not found", "signin", [:], session: session, error: "No account \(id) in your queues.", status: .notFound)
            }
            let view = try self.accountView(id, ranked)
            var ctx: [String: Any] = [
                "id": id, "balance": String(format: "%.2f", view.balance), "class": view.accountClass.replacingOccurrences(of: "_", with: " "),
                "rule": view.rule, "collector": view.collector, "contactPoint": view.contactPoint,
                "chart": PaymentChart.svg(view.statements), "supervisor": session.principal.role == .supervisor,
                "channels": ContactChannel.allCases.map(\.code), "outcomes": ContactOutcome.allCases.map(\.code),
                "timeline": view.entries.reversed().map { e -> [String: Any] in
                    ["at": e.kind == .contact ? Timestamp.format(e.at) : CalendarDay.format(Timestamp.day(e.at)),
                     "kind": e.kind.rawValue, "text": e.text]
                },
            ]
            if let row = view.row { ctx["row"] = Self.rowContext(row) }
            return self.page("Account \(id)", "account", ctx, session: session,
                             notice: request.uri.queryParameters.get("notice").map { String($0) })
        }
        router.post("/accounts/:id/contacts") { request, context -> Response in
            let form = try await self.form(request)
            let (_, session) = try self.formSession(request, form)
            let id = try context.parameters.require("id")
            try self.checkAccess(session.principal, account: id)
            let channel = try Self.channel(form["channel"].map(JSONValue.string))
            let outcome = try Self.outcome(form["outcome"].map(JSONValue.string))
            _ = try self.logContact(account: id, channel: channel, outcome: outcome, by: session.principal)
            let after = try self.queue.current(self.snapshot)
            let still = after.rows.contains { $0.accountID == id }
            let notice = "Logged \(channel.code) \(outcome.code) for \(id); "
                + (still ? "it stays on today's queue." : "it has left today's queue (\(after.ranked.result.rule[self.queue.accountRow[id]!].code.replacingOccurrences(of: "_", with: " "))).")
            return Self.redirect("/accounts/\(id)?notice=" + Self.percentEncoded(notice))
        }
        router.post("/accounts/:id/promises") { request, context -> Response in
            let form = try await self.form(request)
            let (_, session) = try self.formSession(request, form)
            let id = try context.parameters.require("id")
            try self.checkAccess(session.principal, account: id)
            try self.recordPromise(account: id, amount: form["amount"] ?? "", due: form["due_date"] ?? "", by: session.principal)
            return Self.redirect("/accounts/\(id)?notice=" + Self.percentEncoded("Promise recorded for \(id)."))
        }
        router.post("/accounts/:id/assign") { request, context -> Response in
            let form = try await self.form(request)
            let (_, session) = try self.formSession(request, form)
            guard session.principal.role == .supervisor else { throw APIError.forbidden }
            let id = try context.parameters.require("id")
            try self.checkAccess(session.principal, account: id)
            guard let collector = form["collector"], try self.store.collectors().contains(collector) else {
                throw APIError.badRequest("collector must name a collector with a token", field: "collector")
            }
            try self.store.assign(account: id, to: collector, by: session.principal)
            self.queue.invalidate()
            return Self.redirect("/accounts/\(id)?notice=" + Self.percentEncoded("Assigned to \(collector)."))
        }
    }

    /// Writes a promise to the ledger through its promises import (the same checks as a
    /// CRM export), then a `promise` contact, and audits it.
    func recordPromise(account: String, amount: String, due: String, by principal: Principal) throws(APIError) {
        guard let value = Double(amount), value > 0, value.isFinite else {
            throw APIError.badRequest("amount must be a positive number of currency units, e.g. 50.00", field: "amount")
        }
        guard let dueDay = CalendarDay(due), dueDay >= asOf else {
            throw APIError.badRequest("due_date must be a date YYYY-MM-DD on or after \(asOf)", field: "due_date")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("arrears-promise-\(Sessions.randomHex().prefix(16)).csv").path
        let csv = "account_id,promised_on,due_date,amount,collector\n\(account),\(asOf),\(dueDay),\(String(format: "%.2f", value)),\(principal.name)\n"
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
            let summary = try ledger.importPromises(path: file)
            if let reject = summary.rejected.first {
                throw APIError.badRequest(reject.reason, field: reject.column)
            }
        } catch let error as APIError {
            throw error
        } catch {
            logger.error("promise write failed", metadata: ["account_id": "\(account)", "error": "\(error)"])
            throw APIError(.internalServerError, code: "ledger", message: "the promise could not be written; the server log has the details")
        }
        _ = try logContact(account: account, channel: .call, outcome: .promise, by: principal)
        do { try store.audit(actor: principal, action: "record_promise", account: account, detail: "\(String(format: "%.2f", value)) due \(dueDay)") } catch {
            throw APIError(.internalServerError, code: "audit", message: "the promise was recorded but its audit entry failed")
        }
    }

    static func rowContext(_ row: QueueRow) -> [String: Any] {
        let p = Double(row.text("p_recover")) ?? .nan
        return ["id": row.accountID, "rank": row.text("rank"), "balance": row.text("balance"),
                "p": p.isNaN ? "" : String(format: "%.3f", p), "ev": row.text("expected_value"),
                "reasons": ["reason_1", "reason_2", "reason_3"].map(row.text).filter { !$0.isEmpty },
                "window": row.text("call_window_local"), "callsLeft": row.text("calls_left_today"),
                "queue": row.text("queue").replacingOccurrences(of: "_", with: " "), "collector": row.collector]
    }

    // MARK: Sessions and forms

    /// The signed-in session of the request's cookie, if any.
    func session(_ request: Request) -> (String, Sessions.Session)? {
        guard let id = request.cookies[Self.sessionCookie]?.value, !id.isEmpty,
              let s = sessions.find(id, now: Date().timeIntervalSince1970) else { return nil }
        return (id, s)
    }

    /// The session of a form post, after checking its CSRF token in constant time and the
    /// per-token rate limit: 401 without a session, 403 with a missing or wrong token.
    func formSession(_ request: Request, _ form: [String: String]) throws(APIError) -> (String, Sessions.Session) {
        guard let (id, s) = session(request) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "sign in first at /signin", field: "cookie")
        }
        guard let sent = form["csrf"], ServiceStore.constantTimeEqual(Array(sent.utf8), Array(s.csrf.utf8)) else {
            throw APIError(.forbidden, code: "csrf", message: "the form's CSRF token is missing or wrong; reload the page and submit again",
                           field: "csrf")
        }
        try limit(s.principal)
        return (id, s)
    }

    /// An `application/x-www-form-urlencoded` body (at most `maxBody` bytes).
    func form(_ request: Request) async throws -> [String: String] {
        let bytes = try await body(request, limit: config.maxBody)
        var fields: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.percentDecoded(parts[0]) else { continue }
            fields[key] = parts.count > 1 ? Self.percentDecoded(parts[1]) ?? "" : ""
        }
        return fields
    }

    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") { out.append(0x20) }
            else if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex + 0, let v = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 2
            } else { out.append(b) }
            i += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    static func percentEncoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    func page(_ title: String, _ template: String, _ context: [String: Any], session: Sessions.Session?,
              notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let content = Templates.library.render(context.merging(["csrf": session?.csrf ?? ""]) { a, _ in a }, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "content": content]
        if let session { layout["user"] = ["name": session.principal.name, "role": session.principal.role.rawValue, "csrf": session.csrf] }
        if let notice { layout["notice"] = notice }
        if let error { layout["error"] = error }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: Templates.library.render(layout, withTemplate: "layout") ?? "")))
    }
}
