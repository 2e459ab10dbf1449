import Foundation
import Ledger
import Pipeline
import PortfolioIO
import Prioritizer
import Synchronization

/// One worklist row as `rank --ledger --format jsonl` prints it, with the collector it
/// is assigned to.
struct QueueRow: Sendable {
    var accountID: String
    /// The JSON Lines row, without the newline.
    var json: ArraySlice<UInt8>
    var fields: JSONValue
    var collector: String

    func text(_ key: String) -> String {
        switch fields[key] {
        case .string(let s)?, .number(let s)?: s
        case .bool(let b)?: b ? "true" : "false"
        default: ""
        }
    }
}

/// Today's queues: the day's portfolio scored with the current model and ranked with
/// the ledger's contact rules (as `rank --ledger` does), then split among the collectors.
/// The ranking is cached and recomputed after any write to the ledger (a logged contact,
/// a promise, a reassignment), so the next page shows the rules applied at once.
///
/// Assignment: a supervisor's explicit assignment wins; otherwise account id → the
/// collector at FNV-1a(id) mod n among the collectors with a live token, by name, so an
/// account stays with one collector while the team is unchanged.
final class WorkQueue: Sendable {
    struct Ranked: Sendable {
        var version: String
        var generation: Int
        var ranked: RankedPortfolio
        var rows: [QueueRow]
    }

    let portfolio: Portfolio
    let asOf: CalendarDay
    let ledger: Ledger
    let store: ServiceStore
    /// Account id → row index in the portfolio.
    let accountRow: [String: Int]
    private let generation = Atomic<Int>(0)
    private let cache = Mutex<Ranked?>(nil)
    private let computing = Mutex(())

    init(portfolio: Portfolio, asOf: CalendarDay, ledger: Ledger, store: ServiceStore) {
        self.portfolio = portfolio
        self.asOf = asOf
        self.ledger = ledger
        self.store = store
        var accountRow: [String: Int] = [:]
        for (i, id) in portfolio.accounts.accountID.enumerated() { accountRow[id] = i }
        self.accountRow = accountRow
    }

    /// Marks the ranking stale (after a write).
    func invalidate() { generation.add(1, ordering: .sequentiallyConsistent) }

    /// The current ranking under `snapshot`, computed when stale.
    func current(_ snapshot: ModelSnapshot) throws(APIError) -> Ranked {
        let g = generation.load(ordering: .sequentiallyConsistent)
        if let c = cache.withLock({ $0 }), c.version == snapshot.version, c.generation == g { return c }
        // One computation at a time; a second caller waits and reuses it.
        return try computing.withLock { _ throws(APIError) -> Ranked in
            let g = generation.load(ordering: .sequentiallyConsistent)
            if let c = cache.withLock({ $0 }), c.version == snapshot.version, c.generation == g { return c }
            let fresh = try compute(snapshot, generation: g)
            cache.withLock { $0 = fresh }
            return fresh
        }
    }

    private func compute(_ snapshot: ModelSnapshot, generation g: Int) throws(APIError) -> Ranked {
        do {
            let scored = try Pipeline.score(portfolio, with: snapshot.model, asOf: asOf, reasons: false)
            let facts = try ledger.facts(for: portfolio.accounts, asOf: asOf.dayNumber)
            let ranked = try Pipeline.rank(scored, policy: snapshot.policy, contacts: facts.contacts)
            let collectors = try store.collectors()
            let explicit = try store.assignments()
            let bytes = ranked.worklistBytes(format: .jsonl)
            var rows: [QueueRow] = []
            for line in bytes.split(separator: 0x0A) {
                let fields = try JSONParser.parse(line)
                guard case .string(let id)? = fields["account_id"] else { continue }
                rows.append(QueueRow(accountID: id, json: line, fields: fields,
                                     collector: explicit[id] ?? Self.defaultCollector(id, collectors)))
            }
            return Ranked(version: snapshot.version, generation: g, ranked: ranked, rows: rows)
        } catch {
            throw APIError(.internalServerError, code: "queue", message: "today's queue cannot be computed; the server log has the details")
        }
    }

    /// The collector an account belongs to (explicit, else by hash; "" with no collectors).
    func collector(of account: String) throws(APIError) -> String {
        do {
            if let c = try store.assignments()[account] { return c }
            return Self.defaultCollector(account, try store.collectors())
        } catch {
            throw APIError(.internalServerError, code: "store", message: "the assignment table cannot be read")
        }
    }

    static func defaultCollector(_ account: String, _ collectors: [String]) -> String {
        guard !collectors.isEmpty else { return "" }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in account.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return collectors[Int(h % UInt64(collectors.count))]
    }
}
