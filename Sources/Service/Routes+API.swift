import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import PortfolioIO

extension ArrearsService {
    func addAPIRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ -> Response in
            let s = self.snapshot
            return Self.json(Array("{\"status\":\"ok\",\"model_version\":\(JSONText.quoted(s.version)),\"as_of\":\"\(self.asOf)\"}\n".utf8))
        }
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            let text = self.metrics.text(modelVersion: self.snapshot.version)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.post("/v1/score") { request, _ -> Response in
            _ = try self.bearer(request)
            let body = try await self.body(request, limit: self.config.maxBody)
            let snapshot = self.snapshot
            if let line = snapshot.fast?.score(body, defaultAsOf: self.asOf) { return Self.json(line, model: snapshot.version) }
            let parsed = try ScoreRequest.parse(body, allowedColumns: snapshot.allowedColumns)
            switch try snapshot.score([parsed], defaultAsOf: self.asOf)[0] {
            case .success(let row): return Self.json(Array(row) + [0x0A], model: snapshot.version)
            case .failure(let error): throw error
            }
        }
        router.post("/v1/score/batch") { request, _ -> Response in
            _ = try self.bearer(request)
            let body = try await self.body(request, limit: self.config.maxBatchBody)
            let snapshot = self.snapshot
            // Each non-empty line is one request; a line that does not parse gets its error
            // in its place, the others are scored together.
            var parsed: [(line: Int, request: Result<ScoreRequest, APIError>)] = []
            for (k, line) in body.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
            where line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) {
                let prefix = "line \(k + 1): "
                do throws(APIError) { parsed.append((k + 1, .success(try ScoreRequest.parse(line, allowedColumns: snapshot.allowedColumns, prefix: prefix)))) }
                catch { parsed.append((k + 1, .failure(error))) }
            }
            let good = parsed.compactMap { try? $0.request.get() }
            var scored = try snapshot.score(good, defaultAsOf: self.asOf).makeIterator()
            var out: [UInt8] = []
            for p in parsed {
                let result: Result<ArraySlice<UInt8>, APIError>
                switch p.request {
                case .success: result = scored.next()!
                case .failure(let e): result = .failure(e)
                }
                switch result {
                case .success(let row): out += row
                case .failure(var e):
                    if !e.message.hasPrefix("line ") { e.message = "line \(p.line): " + e.message }
                    out += Array("{\"line\":\(p.line),".utf8) + e.jsonBytes.dropFirst().dropLast(1)
                }
                out.append(0x0A)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/jsonl"
            headers[Self.modelHeader] = snapshot.version
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: out)))
        }
        router.get("/v1/worklist") { request, _ -> Response in
            let principal = try self.bearer(request)
            guard principal.role != .apiClient else { throw APIError.forbidden }
            let ranked = try self.queue.current(self.snapshot)
            let collector = principal.role == .supervisor ? request.uri.queryParameters.get("collector").map { String($0) } : principal.name
            var out: [UInt8] = []
            for row in ranked.rows where collector == nil || row.collector == collector {
                out += Array(row.json.dropLast()) + Array(",\"collector\":\(JSONText.quoted(row.collector))}\n".utf8)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/jsonl"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: out)))
        }
        router.get("/v1/accounts/:id") { request, context -> Response in
            let principal = try self.bearer(request)
            let id = try context.parameters.require("id")
            let ranked = try self.queue.current(self.snapshot)
            try self.checkAccess(principal, account: id)
            return Self.json(Array(try self.accountJSON(id, ranked).utf8))
        }
        router.post("/v1/accounts/:id/contacts") { request, context -> Response in
            let principal = try self.bearer(request)
            let id = try context.parameters.require("id")
            try self.checkAccess(principal, account: id)
            let body = try await self.body(request, limit: self.config.maxBody)
            let (channel, outcome) = try Self.parseContact(body)
            let logged = try self.logContact(account: id, channel: channel, outcome: outcome, by: principal)
            return Self.json(Array(logged.utf8), status: .created)
        }
    }

    /// `X-Arrears-Model: <model version>` on every score response.
    static let modelHeader = HTTPField.Name("X-Arrears-Model")!

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, model: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let model { headers[Self.modelHeader] = model }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `{"channel": "call", "outcome": "right_party"}`; unknown keys refused.
    static func parseContact(_ body: [UInt8]) throws(APIError) -> (ContactChannel, ContactOutcome) {
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch {
            throw .badRequest("the body is not valid JSON (\(error.reason) at byte \(error.offset)); send {\"channel\": \"call\", \"outcome\": \"right_party\"}",
                              code: "malformed_json")
        }
        guard case .object(let members) = value else {
            throw .badRequest("the body must be a JSON object {\"channel\": …, \"outcome\": …}", code: "malformed_json")
        }
        for m in members where m.key != "channel" && m.key != "outcome" {
            throw .badRequest("unknown field '\(m.key)'; the allowed fields are channel, outcome", field: m.key, code: "unknown_field")
        }
        return (try channel(value["channel"]), try outcome(value["outcome"]))
    }

    static func channel(_ v: JSONValue?) throws(APIError) -> ContactChannel {
        guard case .string(let s)? = v, let c = ContactChannel(code: Array(s.utf8)) else {
            throw .badRequest("channel must be one of \(ContactChannel.allCases.map(\.code).joined(separator: ", "))", field: "channel",
                              code: v == nil ? "missing_field" : "bad_field")
        }
        return c
    }

    static func outcome(_ v: JSONValue?) throws(APIError) -> ContactOutcome {
        guard case .string(let s)? = v, let o = ContactOutcome(code: Array(s.utf8)) else {
            throw .badRequest("outcome must be one of \(ContactOutcome.allCases.map(\.code).joined(separator: ", "))", field: "outcome",
                              code: v == nil ? "missing_field" : "bad_field")
        }
        return o
    }

    /// Writes one contact to the ledger, audits it, and marks the queue stale; returns
    /// the JSON of the logged contact.
    func logContact(account: String, channel: ContactChannel, outcome: ContactOutcome, by principal: Principal) throws(APIError) -> String {
        let at = contactTime()
        do {
            _ = try ledger.log(account: account, at: at, channel: channel, outcome: outcome, collector: principal.name)
        } catch {
            if error.code == .unknownAccount {
                throw APIError(.unprocessableContent, code: "not_in_ledger",
                               message: "account '\(account)' has no contact point in the ledger; import it with `arrears ledger import accounts FILE`")
            }
            logger.error("ledger write failed", metadata: ["account_id": "\(account)", "error": "\(error.description)"])
            throw APIError(.internalServerError, code: "ledger", message: "the ledger could not be written; the server log has the details")
        }
        queue.invalidate()
        let detail = "\(channel.code) \(outcome.code) at \(Timestamp.format(at))"
        do { try store.audit(actor: principal, action: "log_contact", account: account, detail: detail) } catch {
            logger.error("audit write failed", metadata: ["account_id": "\(account)", "error": "\(error.description)"])
            throw APIError(.internalServerError, code: "audit", message: "the contact was logged but its audit entry failed; the server log has the details")
        }
        return "{\"account_id\":\(JSONText.quoted(account)),\"channel\":\"\(channel.code)\",\"outcome\":\"\(outcome.code)\",\"at\":\"\(Timestamp.format(at))\",\"collector\":\(JSONText.quoted(principal.name))}\n"
    }

    /// An account's page as JSON: its worklist row (when on today's list), class and rule,
    /// and its timeline (statements, contacts, promises, rank decisions).
    func accountJSON(_ id: String, _ ranked: WorkQueue.Ranked) throws(APIError) -> String {
        let view = try accountView(id, ranked)
        var out = "{\"account_id\":\(JSONText.quoted(id)),\"class\":\"\(view.accountClass)\",\"rule\":\(JSONText.quoted(view.rule)),"
        out += "\"collector\":\(JSONText.quoted(view.collector)),\"contact_point\":\(JSONText.quoted(view.contactPoint)),"
        out += "\"worklist\":" + (view.row.map { String(decoding: $0.json, as: UTF8.self) } ?? "null") + ",\"timeline\":["
        out += view.entries.map {
            "{\"at\":\"\($0.kind == .contact ? Timestamp.format($0.at) : CalendarDay.format(Timestamp.day($0.at)))\",\"kind\":\"\($0.kind.rawValue)\",\"text\":\(JSONText.quoted($0.text))}"
        }.joined(separator: ",")
        return out + "]}\n"
    }
}
