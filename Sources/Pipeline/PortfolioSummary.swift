import Features
import Foundation
import PortfolioIO
import Prioritizer

/// What `arrears validate` prints about a portfolio read: rows read = valid + rejected for
/// each file, the labels, the balance, the hold flags, which worklist rules its columns
/// support, the rejects by code (the first five in full) and, as of a day, the feature
/// matrix the training spec would build.
public struct PortfolioSummary: Sendable {
    public var lines: [String]

    /// - Parameters:
    ///   - names: the accounts and payments files as the user named them.
    ///   - asOf: also build the features as of this day (when there are valid accounts).
    /// - Throws: `PipelineError.features` when the feature specification cannot be fitted.
    public init(_ portfolio: Portfolio, names: (accounts: String, payments: String), asOf: CalendarDay?,
                policy: Policy = .defaults) throws(PipelineError) {
        let a = portfolio.accounts
        var out = [
            "accounts: \(portfolio.accountRows) rows read = \(a.count) valid + \(portfolio.rejectedAccountRows) rejected  (\(names.accounts))",
            "payments: \(portfolio.paymentRows) rows read = \(portfolio.payments.count) valid + \(portfolio.rejectedPaymentRows) rejected  (\(names.payments))",
        ]
        if a.hasLabels {
            let events = a.recovered.lazy.filter { $0 }.count
            out.append("labels:   \(events) recovered, \(a.count - events) censored")
        }
        if a.count > 0 {
            let total = a.balance.reduce(0, +)
            out.append("balance:  total \(Self.money(total)), mean \(Self.money(total / Double(a.count)))")
            let holds = (0..<a.count).filter { a.bankruptcy[$0] || a.ceaseAndDesist[$0] || a.dispute[$0] || a.deceased[$0] }.count
            out.append("holds:    \(holds) accounts with a hold flag")
        }
        out += policy.ruleSupportLines(presentColumns: a.presentColumns).map { "rule:     \($0)" }
        var byCode: [String: Int] = [:]
        for r in portfolio.rejects { byCode["\(r.source.rawValue) \(r.code.rawValue)", default: 0] += 1 }
        for key in byCode.keys.sorted() { out.append("rejected: \(key): \(byCode[key]!)") }
        for r in portfolio.rejects.prefix(5) { out.append("  \(r)") }
        if portfolio.rejects.count > 5 { out.append("  … \(portfolio.rejects.count - 5) more") }
        if let asOf, a.count > 0 {
            let spec: FeatureSpec, matrix: FeatureMatrix
            do throws(FeatureError) { (spec, matrix) = try FeatureSpec.fitTransform(portfolio, asOf: asOf) } catch {
                throw PipelineError(.features, error)
            }
            out.append("features: \(matrix.rows) × \(matrix.cols) as of \(asOf); \(matrix.statementsUsed) statements used, "
                       + "\(matrix.statementsAfterAsOf) after as-of ignored, \(matrix.accountsWithoutStatements) accounts without statements")
            if !spec.droppedConstant.isEmpty { out.append("dropped constant columns: \(spec.droppedConstant.joined(separator: ", "))") }
        }
        lines = out
    }

    static func money(_ x: Double) -> String { String(format: "%.2f", x) }
}
