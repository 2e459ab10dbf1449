import XCTest
import GRDB
import PortfolioIO
import Prioritizer
@testable import Ledger

/// The bulk paths: the contacts import parsed in pieces, the batched audit trail.
final class LedgerBulkTests: XCTestCase {
    /// A seeded generator (SplitMix64), so a failure reproduces.
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    /// One line of a generated contacts file and what the import must make of it.
    enum Expected: Equatable {
        case row(String)                // a valid row: its key (account, time, channel, outcome, collector)
        case reject(LedgerReject.Code)
    }

    /// A contacts file in random order with every kind of bad row, repeats of earlier
    /// rows (near and far, so some straddle the pieces' cuts), quoted fields, blank
    /// collectors and padding; and the oracle's expectation line by line.
    func generate(rows: Int, accounts: Int, seed: UInt64) -> (text: String, expected: [Int: Expected]) {
        var rng = Random(state: seed)
        var text = "account_id,timestamp,channel,outcome,collector\n"
        var expected: [Int: Expected] = [:]
        var firstLineOfKey: [String: Int] = [:]
        var written: [(line: String, key: String)] = []
        let channels = ["call", "sms", "email", "letter", "visit"], outcomes = ContactOutcome.allCases.map(\.code)
        let base = Timestamp.parse("2025-10-01T00:00:00Z")!
        for k in 0..<rows {
            let line = k + 2
            let choice = rng.next(100)
            if choice < 6, !written.isEmpty {
                // A repeat of an earlier valid row: rejected as a duplicate.
                let earlier = written[rng.next(written.count)]
                text += earlier.line + "\n"
                expected[line] = .reject(.duplicateRow)
                continue
            }
            let account = "A\(1 + rng.next(accounts))"
            let t = base + Int64(rng.next(90 * 86_400))
            let channel = channels[rng.next(channels.count)], outcome = outcomes[rng.next(outcomes.count)]
            let collector = rng.next(4) == 0 ? "" : "C\(rng.next(7))"
            var stamp = Timestamp.format(t)
            if rng.next(3) == 0 { stamp = stamp.replacingOccurrences(of: "Z", with: "+00:00") }
            switch choice {
            case 6: text += "A\(accounts + 5),\(stamp),\(channel),\(outcome),\(collector)\n"; expected[line] = .reject(.unknownAccount)
            case 7: text += "\(account),2025-13-01T00:00:00Z,\(channel),\(outcome),\(collector)\n"; expected[line] = .reject(.badTimestamp)
            case 8: text += "\(account),\(stamp),fax,\(outcome),\(collector)\n"; expected[line] = .reject(.unknownChannel)
            case 9: text += "\(account),\(stamp),\(channel),hung_up,\(collector)\n"; expected[line] = .reject(.unknownOutcome)
            case 10: text += "\(account),\(stamp),\(channel)\n"; expected[line] = .reject(.raggedRow)
            case 11: text += ",\(stamp),\(channel),\(outcome),\(collector)\n"; expected[line] = .reject(.missingValue)
            default:
                let key = "\(account)|\(t)|\(channel)|\(outcome)|\(collector)"
                let cells = choice == 12 ? "\"\(account)\", \(stamp) ,\"\(channel)\",\(outcome),\"\(collector)\""
                    : "\(account),\(stamp),\(channel),\(outcome),\(collector)"
                text += cells + "\n"
                if firstLineOfKey[key] != nil {
                    expected[line] = .reject(.duplicateRow)
                } else {
                    firstLineOfKey[key] = line
                    expected[line] = .row(key)
                    written.append((cells, key))
                }
            }
        }
        return (text, expected)
    }

    func makeLedger(accounts: Int) throws -> (Ledger, URL) {
        let (ledger, dir) = try temporaryLedger("bulk")
        let points = try write("account_id\n" + (1...accounts).map { "A\($0)\n" }.joined(), to: dir, "points.csv")
        _ = try ledger.importAccounts(path: points)
        return (ledger, dir)
    }

    func rowsInLedger(_ ledger: Ledger) throws -> Set<String> {
        Set(try ledger.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT a.account_id || '|' || c.at || '|' || ch.name || '|' || o.name || '|' || k.collector_id
                FROM contacts c JOIN accounts a USING (account_key) JOIN channels ch ON ch.code = c.channel
                JOIN outcomes o ON o.code = c.outcome JOIN collectors k USING (collector_key)
                """)
        })
    }

    /// The pieces' seams (tiny blocks and pieces) change nothing: the rows, the rejects
    /// with their lines and reasons and the counts are those the oracle expects, and
    /// those of the standard layout.
    func testAContactsFileCutIntoTinyPiecesImportsExactlyAsTheOracleSays() throws {
        for seed in [1, 2, 3] as [UInt64] {
            let (text, expected) = generate(rows: 3000, accounts: 40, seed: seed)
            var results: [(ImportSummary, Set<String>, [String])] = []
            for layout in [ParallelReadLayout(blockSize: 512, piecesPerBlock: 5, overlap: 16), .standard] {
                let (ledger, dir) = try makeLedger(accounts: 40)
                let path = try write(text, to: dir, "contacts.csv")
                var s = try ledger.importContacts(path: path, layout: layout)
                XCTAssertEqual(s.rowsRead, 3000)
                XCTAssertEqual(s.rowsRead, s.added + s.alreadyPresent + s.rejected.count, "counts add up")
                XCTAssertEqual(s.alreadyPresent, 0)
                let wantRows = Set(expected.values.compactMap { if case .row(let k) = $0 { k } else { nil } })
                XCTAssertEqual(s.added, wantRows.count, "seed \(seed)")
                XCTAssertEqual(try rowsInLedger(ledger), wantRows, "seed \(seed): the valid rows, once each")
                let wantRejects = expected.compactMap { line, e -> (Int, LedgerReject.Code)? in
                    if case .reject(let c) = e { (line, c) } else { nil }
                }.sorted { $0.0 < $1.0 }
                XCTAssertEqual(s.rejected.map(\.line), wantRejects.map(\.0), "seed \(seed): rejected lines, in order")
                XCTAssertEqual(s.rejected.map(\.code), wantRejects.map(\.1), "seed \(seed)")
                for r in s.rejected where r.code == .duplicateRow {
                    // "repeats line N": N is the earlier line holding the same row.
                    let n = Int(r.reason.split(separator: " ")[2])!
                    XCTAssertLessThan(n, r.line)
                    XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false)[n - 1],
                                   text.split(separator: "\n", omittingEmptySubsequences: false)[r.line - 1])
                }
                let collectors = try ledger.pool.read { db in try String.fetchAll(db, sql: "SELECT collector_id FROM collectors ORDER BY collector_key") }
                XCTAssertTrue(try ledger.check().isHealthy)
                // The import ran with SQLite's foreign-key checks off: every key must still hold.
                XCTAssertEqual(try ledger.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count }, 0)
                XCTAssertEqual(try ledger.pool.write { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }, true,
                               "the checks are back on for the next write")
                s.file = ""
                results.append((s, try rowsInLedger(ledger), collectors))
                // Again: everything is already there.
                let again = try ledger.importContacts(path: path, layout: layout)
                XCTAssertEqual([again.added, again.alreadyPresent, again.rejected.count], [0, wantRows.count, s.rejected.count])
            }
            XCTAssertEqual(results[0].0.rejected.map(\.reason), results[1].0.rejected.map(\.reason))
            XCTAssertEqual(results[0].0.added, results[1].0.added)
            XCTAssertEqual(results[0].2, results[1].2, "collectors get their keys in order of first appearance")
        }
    }

    /// Collectors new to the ledger are numbered in the order the file first names them.
    func testNewCollectorsAreKeyedInOrderOfFirstAppearance() throws {
        let (ledger, dir) = try makeLedger(accounts: 3)
        var text = "account_id,timestamp,channel,outcome,collector\n"
        let names = ["Z9", "B2", "", "M5", "A1"]
        for k in 0..<600 {
            text += "A\(k % 3 + 1),\(Timestamp.format(Timestamp.parse("2025-11-01T00:00:00Z")! + Int64(k) * 60)),call,no_answer,\(names[min(k / 100, 4)])\n"
        }
        let path = try write(text, to: dir, "c.csv")
        _ = try ledger.importContacts(path: path, layout: ParallelReadLayout(blockSize: 256, piecesPerBlock: 7, overlap: 8))
        let collectors = try ledger.pool.read { db in try String.fetchAll(db, sql: "SELECT collector_id FROM collectors ORDER BY collector_key") }
        XCTAssertEqual(collectors, ["", "Z9", "B2", "M5", "A1"])
    }

    /// The audit trail commits only when `beforeCommit` lets it (rank commits after its
    /// outputs are written); a refusal leaves no run and no audit row.
    func testTheAuditTrailRollsBackWhenTheOutputsFail() throws {
        let (ledger, _) = try temporaryLedger("audit")
        var book = LedgerBook(states: ["NY", "MA", ""])
        book.accounts.accountID = ["A1", "A2", "A3"]
        let facts = try ledger.facts(for: book.accounts, asOf: day("2026-01-15"))
        let result = try book.rank(facts.contacts, asOf: "2026-01-15")
        struct OutputsFailed: Error {}
        XCTAssertThrowsError(try ledger.recordRun(result, identity: RunIdentity(asOf: day("2026-01-15"), modelSHA256: "m", policySHA256: ""),
                                                  facts: facts) { throw OutputsFailed() })
        XCTAssertEqual(try ledger.tableCounts().runs, 0)
        XCTAssertEqual(try ledger.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run_accounts") }, 0)
        let run = try ledger.recordRun(result, identity: RunIdentity(asOf: day("2026-01-15"), modelSHA256: "m", policySHA256: ""), facts: facts)
        XCTAssertEqual(run, 1)
        XCTAssertTrue(try ledger.check().isHealthy)
    }

    /// More rows than one audit batch, and a tail: every row lands once, with its values
    /// (NULL for the missing ones, '' for an empty reason).
    func testTheBatchedAuditWritesEveryRowWithItsValues() throws {
        let (ledger, _) = try temporaryLedger("audit-batch")
        let n = AuditBatch.rows * 3 + 5
        var book = LedgerBook(states: Array(repeating: "NY", count: n))
        book.accounts.accountID = (1...n).map { "A\($0)" }
        let facts = try ledger.facts(for: book.accounts, asOf: day("2026-01-15"))
        let result = try book.rank(facts.contacts, asOf: "2026-01-15", capacity: 10)
        let run = try ledger.recordRun(result, identity: RunIdentity(asOf: day("2026-01-15"), modelSHA256: "m", policySHA256: ""), facts: facts)
        let rows = try ledger.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT account_id, line, class, rule, rank, p_recover, calls_7d, next_contact_date, reason FROM run_accounts WHERE run_id = ? ORDER BY line", arguments: [run])
        }
        XCTAssertEqual(rows.count, n)
        for (k, row) in rows.enumerated() {
            let i = k
            XCTAssertEqual(row["account_id"] as String, result.accounts.accountID[i])
            XCTAssertEqual(row["line"] as Int, result.accounts.sourceLine[i])
            XCTAssertEqual(row["class"] as String, result.accountClass[i].code)
            XCTAssertEqual(row["rule"] as String, result.rule[i].code)
            XCTAssertEqual(row["rank"] as Int?, result.pursuableRank[i] > 0 ? Int(result.pursuableRank[i]) : nil)
            XCTAssertEqual(row["p_recover"] as Double?, 0.5)
            XCTAssertEqual(row["calls_7d"] as Int?, 0)
            XCTAssertEqual(row["next_contact_date"] as String?, result.rule[i] == .overCapacity ? "2026-01-16" : nil)
            XCTAssertEqual(row["reason"] as String?, "", "an empty reason is '', not NULL")
        }
    }
}
