import Foundation
import PortfolioIO

/// One `POST /v1/score` body: an account (its accounts-file columns as JSON keys) and its
/// statements, scored as of `as_of` (default: the server's as-of day).
///
///     {"as_of": "2026-01-01",
///      "account": {"account_id": "A1", "balance": 938.67, "days_past_due": 200, "product": "card"},
///      "statements": [{"date": "2025-11-26", "amount_due": 50, "amount_paid": 0}]}
///
/// Values are JSON strings, numbers, booleans (a flag: true = 1) or null (an empty cell).
/// Unknown keys are refused, naming the key and the allowed ones.
struct ScoreRequest: Sendable {
    var asOf: CalendarDay?
    /// Column name → cell text, as it would appear in the accounts CSV.
    var account: [(column: String, cell: String)]
    var statements: [(date: String, amountDue: String, amountPaid: String)]

    /// The account id cell ("" when missing).
    var accountID: String { account.first { $0.column == "account_id" }?.cell ?? "" }

    static let topKeys: Set<String> = ["as_of", "account", "statements"]
    static let statementKeys = ["date", "amount_due", "amount_paid"]

    /// Parses one request object. `allowedColumns` are the account keys accepted (the
    /// schema's columns and the extra columns the model reads); `prefix` starts every
    /// message (`line 3: ` in a batch).
    /// - Throws: `APIError` 400 `malformed_json` / `unknown_field` / `missing_field` /
    ///   `bad_field`, naming the key path.
    static func parse(_ bytes: some Collection<UInt8>, allowedColumns: Set<String>, prefix: String = "") throws(APIError) -> ScoreRequest {
        let top: JSONValue
        do { top = try JSONParser.parse(bytes) } catch {
            throw .badRequest("\(prefix)the body is not valid JSON (\(error.reason) at byte \(error.offset)); send one JSON object with keys account, statements and as_of",
                              code: "malformed_json")
        }
        guard case .object(let members) = top else {
            throw .badRequest("\(prefix)the body must be a JSON object with keys account, statements and as_of", code: "malformed_json")
        }
        for m in members where !topKeys.contains(m.key) {
            throw .badRequest("\(prefix)unknown field '\(m.key)'; the allowed fields are account, statements, as_of",
                              field: m.key, code: "unknown_field")
        }
        var request = ScoreRequest(asOf: nil, account: [], statements: [])
        if let asOf = top["as_of"], asOf != .null {
            guard case .string(let text) = asOf, let day = CalendarDay(text) else {
                throw .badRequest("\(prefix)as_of must be a date written YYYY-MM-DD", field: "as_of", code: "bad_field")
            }
            request.asOf = day
        }
        guard case .object(let account)? = top["account"] else {
            throw .badRequest("\(prefix)account is required: a JSON object of the account's columns (account_id, balance, days_past_due, …)",
                              field: "account", code: top["account"] == nil ? "missing_field" : "bad_field")
        }
        for m in account {
            guard allowedColumns.contains(m.key) else {
                throw .badRequest("\(prefix)unknown field 'account.\(m.key)'; the allowed fields are \(allowedColumns.sorted().joined(separator: ", "))",
                                  field: "account.\(m.key)", code: "unknown_field")
            }
            request.account.append((m.key, try cell(m.value, field: "account.\(m.key)", prefix: prefix)))
        }
        if let list = top["statements"], list != .null {
            guard case .array(let items) = list else {
                throw .badRequest("\(prefix)statements must be a JSON array of {date, amount_due, amount_paid}", field: "statements", code: "bad_field")
            }
            for (k, item) in items.enumerated() {
                let path = "statements[\(k)]"
                guard case .object(let fields) = item else {
                    throw .badRequest("\(prefix)\(path) must be an object {date, amount_due, amount_paid}", field: path, code: "bad_field")
                }
                for f in fields where !statementKeys.contains(f.key) {
                    throw .badRequest("\(prefix)unknown field '\(path).\(f.key)'; the allowed fields are date, amount_due, amount_paid",
                                      field: "\(path).\(f.key)", code: "unknown_field")
                }
                var cells: [String] = []
                for key in statementKeys {
                    guard let v = item[key] else {
                        throw .badRequest("\(prefix)\(path).\(key) is required", field: "\(path).\(key)", code: "missing_field")
                    }
                    cells.append(try cell(v, field: "\(path).\(key)", prefix: prefix))
                }
                request.statements.append((cells[0], cells[1], cells[2]))
            }
        }
        return request
    }

    /// A JSON value as the CSV cell `arrears score` would read: a string as it is, a
    /// number as written, a boolean as 1/0, null as empty. Text with a comma, quote or
    /// line break is refused (no schema value has one).
    static func cell(_ value: JSONValue, field: String, prefix: String) throws(APIError) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "1" : "0"
        case .number(let text): return text
        case .string(let s):
            if s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                throw .badRequest("\(prefix)\(field) contains a comma, quote or line break; no schema value does", field: field, code: "bad_field")
            }
            return s
        case .object, .array:
            throw .badRequest("\(prefix)\(field) must be a string, number, boolean or null", field: field, code: "bad_field")
        }
    }
}
