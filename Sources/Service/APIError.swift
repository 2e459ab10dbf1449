import Foundation
import HTTPTypes
import Hummingbird

/// The one error shape of the service (DESIGN §14): a stable code, a message that names
/// the field, header or parameter at fault and says what to do, and the HTTP status. The
/// JSON body is `{"error": {"code": …, "message": …, "field": …}}`; it never carries a
/// stack trace or an account's data.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// The request field (JSON key path, form field, header or parameter), when one is at fault.
    public var field: String?

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    static func badRequest(_ message: String, field: String? = nil, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code: code, message: message, field: field)
    }
    static let unauthorized = APIError(.unauthorized, code: "unauthorized",
                                       message: "send a token: 'Authorization: Bearer <token>' (tokens come from `arrears serve --init-admin` or `--add-token`)",
                                       field: "Authorization")
    static let forbidden = APIError(.forbidden, code: "forbidden", message: "this token's role may not use this endpoint")
    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", message: "\(what) not found") }

    /// `{"error": {…}}` as bytes.
    var jsonBytes: [UInt8] {
        var text = "{\"error\":{\"code\":\(JSONText.quoted(code)),\"message\":\(JSONText.quoted(message))"
        if let field { text += ",\"field\":\(JSONText.quoted(field))" }
        text += "}}\n"
        return Array(text.utf8)
    }

    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if status == .tooManyRequests { headers[.retryAfter] = "1" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: jsonBytes)))
    }

    /// The service's error for anything a handler threw: an `APIError` as it is, the
    /// framework's `HTTPError` (413 for a body over the limit, say) with its status, and
    /// anything else as a 500 without detail (the log has the cause).
    static func from(_ error: any Error, bodyLimit: Int) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as HTTPError where e.status == .contentTooLarge:
            return APIError(.contentTooLarge, code: "body_too_large",
                            message: "the request body is over the limit of \(bodyLimit) bytes; send fewer accounts per request (--max-body on the server)")
        case let e as HTTPError:
            return APIError(e.status, code: e.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                            message: e.body ?? e.status.reasonPhrase)
        default:
            return APIError(.internalServerError, code: "internal", message: "internal error; the server log has the details")
        }
    }
}

/// JSON string literals, escaped as RFC 8259 requires.
enum JSONText {
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
