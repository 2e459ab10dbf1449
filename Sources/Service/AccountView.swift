import Foundation
import Ledger
import PortfolioIO
import Prioritizer

/// What the account page shows (HTML and `GET /v1/accounts/{id}`).
struct AccountView: Sendable {
    var accountID: String
    var balance: Double
    var accountClass: String
    var rule: String
    var collector: String
    /// Today's worklist row, when the account is on the list.
    var row: QueueRow?
    /// Contact point: state, time zone and opt-outs ("not in the ledger" without one).
    var contactPoint: String
    /// The ledger's timeline (statements, contacts, promises, decisions), oldest first.
    var entries: [TimelineEntry]
    /// Statements up to as-of, oldest first: (day, due, paid).
    var statements: [(day: Int32, due: Double, paid: Double)]
}

extension ArrearsService {
    func accountView(_ id: String, _ ranked: WorkQueue.Ranked) throws(APIError) -> AccountView {
        guard let i = queue.accountRow[id] else { throw .notFound("account '\(id)'") }
        let p = queue.portfolio.payments
        var statements: [(day: Int32, due: Double, paid: Double)] = []
        for k in 0..<p.count where Int(p.accountIndex[k]) == i && p.date[k] <= asOf.dayNumber {
            statements.append((p.date[k], p.amountDue[k], p.amountPaid[k]))
        }
        statements.sort { $0.day < $1.day }
        var contactPoint = "not in the ledger", entries: [TimelineEntry] = []
        do {
            let timeline = try ledger.timeline(account: id, statements: statements)
            contactPoint = timeline.contactPoint
            entries = timeline.entries
        } catch {
            if error.code != .unknownAccount {
                throw APIError(.internalServerError, code: "ledger", message: "the ledger could not be read; the server log has the details")
            }
        }
        let result = ranked.ranked.result
        return AccountView(accountID: id, balance: queue.portfolio.accounts.balance[i],
                           accountClass: result.accountClass[i].code, rule: result.rule[i].code,
                           collector: try queue.collector(of: id), row: ranked.rows.first { $0.accountID == id },
                           contactPoint: contactPoint, entries: entries, statements: statements)
    }
}

/// The payment history as a small inline SVG bar chart: per statement, the amount due
/// (outline) and the amount paid (filled), last 24 statements, in currency units.
enum PaymentChart {
    static func svg(_ statements: [(day: Int32, due: Double, paid: Double)]) -> String {
        let shown = statements.suffix(24)
        guard !shown.isEmpty else { return "<p>No statements up to the as-of day.</p>" }
        let width = 480.0, height = 120.0, bar = width / Double(shown.count)
        let top = max(shown.map { max($0.due, $0.paid) }.max() ?? 1, 0.01)
        var out = "<svg class=\"chart\" role=\"img\" aria-label=\"payment history\" viewBox=\"0 0 \(Int(width)) \(Int(height + 16))\" width=\"\(Int(width))\" height=\"\(Int(height + 16))\">"
        for (k, s) in shown.enumerated() {
            let x = Double(k) * bar
            let hDue = s.due / top * height, hPaid = s.paid / top * height
            out += "<rect x=\"\(fmt(x + 1))\" y=\"\(fmt(height - hDue))\" width=\"\(fmt(bar - 2))\" height=\"\(fmt(hDue))\" fill=\"none\" stroke=\"#888\"/>"
            out += "<rect x=\"\(fmt(x + 3))\" y=\"\(fmt(height - hPaid))\" width=\"\(fmt(max(bar - 6, 1)))\" height=\"\(fmt(hPaid))\" fill=\"#2a7\">"
            out += "<title>\(CalendarDay.format(s.day)): due \(fmt2(s.due)), paid \(fmt2(s.paid))</title></rect>"
        }
        out += "<text x=\"0\" y=\"\(Int(height + 13))\" font-size=\"11\">\(CalendarDay.format(shown.first!.day))</text>"
        out += "<text x=\"\(Int(width))\" y=\"\(Int(height + 13))\" font-size=\"11\" text-anchor=\"end\">\(CalendarDay.format(shown.last!.day))</text></svg>"
        return out
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
    static func fmt2(_ v: Double) -> String { String(format: "%.2f", v) }
}
