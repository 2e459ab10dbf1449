import Foundation
import GRDB
import GRDBSQLite
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
    ///
    /// `beforeCommit` runs inside the transaction once every row is written: `rank`
    /// records the run while it writes its output files and commits the run only when
    /// they were written (it throws otherwise, and the run is rolled back).
    ///
    /// The audit rows go in through one prepared insert of `AuditBatch.rows` rows with
    /// the values bound in place (no per-row arrays); the reasons are computed on every
    /// core first (`WorklistResult.auditReasons`).
    /// - Returns: the run id.
    @discardableResult
    public func recordRun(_ result: WorklistResult, identity: RunIdentity, facts: LedgerFacts,
                          beforeCommit: () throws -> Void = {}) throws(LedgerError) -> Int64 {
        let c = result.counts
        let reasons = result.auditReasons()
        let figures = result.auditFigures()
        return try write { db in
            try db.execute(sql: """
                INSERT INTO runs (as_of, ran_at, model_sha256, policy_sha256, capacity, worklist, deferred,
                                  not_worth_pursuing, do_not_contact, rejected, total)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [CalendarDay.format(identity.asOf), ISO8601DateFormatter().string(from: Date()),
                                 identity.modelSHA256, identity.policySHA256, result.policy.capacity,
                                 c.worklist, c.deferred, c.notWorthPursuing, c.doNotContact, c.rejected, c.total])
            let run = db.lastInsertedRowID
            var batch = try AuditBatch(db, run: run)
            let a = result.accounts
            var calls7d: Int64? = nil
            for i in 0..<a.count {
                let rank = result.pursuableRank[i]
                if let s = result.schedule { calls7d = Int64(s.facts.calls(i)) }
                try batch.add(AuditRow(
                    accountID: a.accountID[i], line: a.sourceLine.isEmpty ? 0 : Int64(a.sourceLine[i]),
                    accountClass: result.accountClass[i].code, rule: result.rule[i].code, rank: rank > 0 ? Int64(rank) : nil,
                    pRecover: result.scores.pRecover[i], netValue: result.netValue[i],
                    calls7d: calls7d, callsLeft: figures.callsLeft[i].map(Int64.init),
                    nextContact: figures.nextContact[i].map(CalendarDay.format), reason: reasons[i]))
            }
            for r in result.rejected {
                try batch.add(AuditRow(accountID: r.accountID, line: Int64(r.line), accountClass: AccountClass.rejected.code,
                                       rule: r.codes, rank: nil, pRecover: .nan, netValue: .nan, calls7d: nil, callsLeft: nil,
                                       nextContact: nil, reason: r.reason))
            }
            try batch.flush()
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
            try beforeCommit()
            return run
        }
    }
}

/// One row of `run_accounts` (see `recordRun`); NaN reals and nil values are NULL.
struct AuditRow {
    var accountID: String
    var line: Int64
    var accountClass: String
    var rule: String
    var rank: Int64?
    var pRecover: Double
    var netValue: Double
    var calls7d: Int64?
    var callsLeft: Int64?
    var nextContact: String?
    var reason: String
}

/// The `run_accounts` insert: `rows` rows per statement, 12 parameters each, bound in
/// place (text copied by SQLite: `SQLITE_TRANSIENT`); the tail goes row by row.
struct AuditBatch {
    static let rows = 64
    static let columns: Int32 = 12
    let many: Statement, one: Statement
    let db: Database
    let run: Int64
    var pending = 0
    var queued: [AuditRow] = []

    init(_ db: Database, run: Int64) throws {
        self.db = db
        self.run = run
        let head = """
            INSERT INTO run_accounts (run_id, account_id, line, class, rule, rank, p_recover, net_value,
                                      calls_7d, calls_left, next_contact_date, reason) VALUES
            """
        let tuple = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        many = try db.makeStatement(sql: head + Array(repeating: tuple, count: Self.rows).joined(separator: ", "))
        one = try db.makeStatement(sql: head + tuple)
    }

    /// Binds `row` into the batch statement; steps it when the batch is full.
    mutating func add(_ row: AuditRow) throws {
        bind(row, to: many.sqliteStatement, at: Int32(pending) * Self.columns + 1)
        queued.append(row)
        pending += 1
        if pending == Self.rows {
            try step(many.sqliteStatement)
            pending = 0
            queued.removeAll(keepingCapacity: true)
        }
    }

    /// Inserts the rows of a partial batch, one statement each.
    mutating func flush() throws {
        for row in queued {
            bind(row, to: one.sqliteStatement, at: 1)
            try step(one.sqliteStatement)
        }
        pending = 0
        queued.removeAll(keepingCapacity: true)
    }

    private func bind(_ row: AuditRow, to s: OpaquePointer, at p: Int32) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func text(_ k: Int32, _ v: String?) {
            guard var v else { sqlite3_bind_null(s, k); return }
            v.withUTF8 { b in
                if let base = b.baseAddress, b.count > 0 {
                    _ = sqlite3_bind_text(s, k, base, Int32(b.count), transient)
                } else {
                    _ = sqlite3_bind_text(s, k, "", 0, transient)   // '' (a nil pointer would bind NULL)
                }
            }
        }
        func int(_ k: Int32, _ v: Int64?) {
            if let v { sqlite3_bind_int64(s, k, v) } else { sqlite3_bind_null(s, k) }
        }
        func real(_ k: Int32, _ v: Double) {
            if v.isNaN { sqlite3_bind_null(s, k) } else { sqlite3_bind_double(s, k, v) }
        }
        sqlite3_bind_int64(s, p, run)
        text(p + 1, row.accountID)
        sqlite3_bind_int64(s, p + 2, row.line)
        text(p + 3, row.accountClass)
        text(p + 4, row.rule)
        int(p + 5, row.rank)
        real(p + 6, row.pRecover)
        real(p + 7, row.netValue)
        int(p + 8, row.calls7d)
        int(p + 9, row.callsLeft)
        text(p + 10, row.nextContact)
        text(p + 11, row.reason)
    }

    private func step(_ s: OpaquePointer) throws {
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}
