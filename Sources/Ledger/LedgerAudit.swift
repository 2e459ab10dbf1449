import Foundation
import GRDB
import PortfolioIO
import Prioritizer

/// What identifies a rank run in the audit trail.
public struct RunIdentity: Sendable {
    public var asOf: Int32
    /// SHA-256 (hex) of the model artifact and of the policy file ("" for the defaults).
    public var modelSHA256: String
    public var policySHA256: String

    public init(asOf: Int32, modelSHA256: String, policySHA256: String) {
        self.asOf = asOf
        self.modelSHA256 = modelSHA256
        self.policySHA256 = policySHA256
    }
}

extension Ledger {
    /// Writes one rank run to the audit trail, in one transaction: the run (as-of, model
    /// and policy SHA-256, class counts) and every input row of the accounts file with
    /// its class, rule, rank, p, net value, calls in the 7 days, calls left, next contact
    /// date and reason ("" for cold calls and over-capacity rows, whose rank against the
    /// run's capacity says why); and stores each promise's status as of the run (a run with an
    /// earlier as-of than the last resolution does not overwrite it).
    /// - Returns: the run id.
    @discardableResult
    public func recordRun(_ result: WorklistResult, identity: RunIdentity, facts: LedgerFacts) throws(LedgerError) -> Int64 {
        let c = result.counts
        let reasons = result.auditReasons()
        return try write { db in
            try db.execute(sql: """
                INSERT INTO runs (as_of, ran_at, model_sha256, policy_sha256, capacity, worklist, deferred,
                                  not_worth_pursuing, do_not_contact, rejected, total)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [CalendarDay.format(identity.asOf), ISO8601DateFormatter().string(from: Date()),
                                 identity.modelSHA256, identity.policySHA256, result.policy.capacity,
                                 c.worklist, c.deferred, c.notWorthPursuing, c.doNotContact, c.rejected, c.total])
            let run = db.lastInsertedRowID
            let insert = try BulkInsert(db, """
                INSERT INTO run_accounts (run_id, account_id, line, class, rule, rank, p_recover, net_value,
                                          calls_7d, calls_left, next_contact_date, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let a = result.accounts
            let figures = result.auditFigures()
            for i in 0..<a.count {
                let rank = result.pursuableRank[i]
                try insert.run(values: [
                    .int(run), .text(a.accountID[i]), .int(a.sourceLine.isEmpty ? 0 : Int64(a.sourceLine[i])),
                    .text(result.accountClass[i].code), .text(result.rule[i].code), .int(rank > 0 ? Int64(rank) : nil),
                    .real(result.scores.pRecover[i]), .real(result.netValue[i]),
                    .int(result.schedule.map { Int64($0.facts.calls(i)) }), .int(figures.callsLeft[i].map(Int64.init)),
                    .text(figures.nextContact[i].map(CalendarDay.format)), .text(reasons[i]),
                ])
            }
            for r in result.rejected {
                try insert.run(values: [.int(run), .text(r.accountID), .int(Int64(r.line)), .text(AccountClass.rejected.code),
                                        .text(r.codes), .int(nil), .real(nil), .real(nil), .int(nil), .int(nil), .text(nil), .text(r.reason)])
            }
            if let schedule = result.schedule {
                let update = try db.makeStatement(sql: """
                    UPDATE promises SET status = ?, paid_cents = ?, resolved_as_of = ?
                    WHERE account_key = ? AND promised_on = ? AND due = ? AND amount_cents = ?
                      AND (resolved_as_of IS NULL OR resolved_as_of <= ?)
                    """)
                for o in schedule.promises {
                    let key = facts.accountKeys[Int(o.record.account)]
                    try update.execute(arguments: [o.status.rawValue, Int64((o.paid * 100).rounded()), Int64(identity.asOf), key,
                                                   Int64(o.record.promisedOn), Int64(o.record.due),
                                                   Int64((o.record.amount * 100).rounded()), Int64(identity.asOf)])
                }
            }
            return run
        }
    }
}
