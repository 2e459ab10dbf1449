import XCTest
import GRDB
import _TestSupport
import PortfolioIO
import Prioritizer
@testable import Ledger

/// Imports: bad rows, idempotence, schema migrations, timestamps.
final class LedgerImportTests: XCTestCase {
    func makeLedger(accounts: [String] = ["A1", "A2", "A3"]) throws -> (Ledger, URL) {
        let (ledger, dir) = try temporaryLedger()
        let file = try write("account_id,state,time_zone\n" + accounts.map { "\($0),NY,America/New_York\n" }.joined(), to: dir, "points.csv")
        let s = try ledger.importAccounts(path: file)
        XCTAssertEqual(s.added, accounts.count)
        return (ledger, dir)
    }

    func testBadRowsAreRejectedWithLineAndReasonAndTheRestImported() throws {
        let (ledger, dir) = try makeLedger()
        let file = try write("""
            account_id,timestamp,channel,outcome,collector
            A1,2026-01-10T15:00:00Z,call,no_answer,C1
            A1,2026-01-10 16:00:00+01:00,call,right_party,C1
            A2,2026-01-10T25:00:00Z,call,no_answer,C1
            A9,2026-01-10T15:00:00Z,call,no_answer,C1
            A2,2026-01-10T15:00:00Z,fax,no_answer,C1
            A2,2026-01-10T15:00:00Z,call,hung_up,C1
            A1,2026-01-10T15:00:00Z,call,no_answer,C1
            A3,2026-01-10T15:00:00,call,no_answer,C1
            A3,2026-01-10T15:00:00Z,call,voicemail

            """, to: dir, "contacts.csv")
        let s = try ledger.importContacts(path: file)
        XCTAssertEqual(s.rowsRead, 9)
        XCTAssertEqual(s.added, 2)
        XCTAssertEqual(s.rowsRead, s.added + s.alreadyPresent + s.rejected.count, "counts add up")
        XCTAssertEqual(s.rejected.map(\.line), [4, 5, 6, 7, 8, 9, 10])
        XCTAssertEqual(s.rejected.map(\.code), [.badTimestamp, .unknownAccount, .unknownChannel, .unknownOutcome,
                                                 .duplicateRow, .badTimestamp, .raggedRow])
        XCTAssertEqual(s.rejected.map(\.column), ["timestamp", "account_id", "channel", "outcome", nil, "timestamp", nil])
        XCTAssertEqual(s.rejected[4].reason, "repeats line 2 (same account, timestamp, channel, outcome and collector)")
        XCTAssertEqual(s.rejected[4].accountID, "A1")
        XCTAssertTrue(s.rejected[1].description.hasSuffix("contacts.csv:5: account_id: account 'A9' is not in the ledger; import it first with `arrears ledger import accounts FILE`"),
                      s.rejected[1].description)
        XCTAssertEqual(try ledger.tableCounts().contacts, 2)
        XCTAssertTrue(try ledger.check().isHealthy)
    }

    func testReimportingTheSameFileChangesNothing() throws {
        let (ledger, dir) = try makeLedger()
        let contacts = try write("account_id,timestamp,channel,outcome\nA1,2026-01-10T15:00:00Z,call,no_answer\nA2,2026-01-11T15:00:00-05:00,sms,no_answer\n",
                                 to: dir, "c.csv")
        let promises = try write("account_id,promised_on,due_date,amount\nA1,2026-01-10,2026-01-20,50.00\nA1,2026-01-10,2026-01-08,50\n",
                                 to: dir, "p.csv")
        let first = try ledger.importContacts(path: contacts), firstP = try ledger.importPromises(path: promises)
        let before = try snapshot(ledger)
        let second = try ledger.importContacts(path: contacts), secondP = try ledger.importPromises(path: promises)
        XCTAssertEqual([first.added, first.alreadyPresent, second.added, second.alreadyPresent], [2, 0, 0, 2])
        XCTAssertEqual([firstP.added, secondP.added, secondP.alreadyPresent, secondP.rejected.count], [1, 0, 1, 1])
        XCTAssertEqual(secondP.rejected.first?.code, .dueBeforePromise)
        XCTAssertEqual(try snapshot(ledger), before, "the second import adds no row")
        XCTAssertTrue(try ledger.check().isHealthy)
    }

    func snapshot(_ ledger: Ledger) throws -> [String] {
        try ledger.pool.read { db in
            try String.fetchAll(db, sql: "SELECT account_id || at_utc || channel || outcome FROM contact_log ORDER BY 1")
                + String.fetchAll(db, sql: "SELECT account_key || ',' || due || ',' || amount_cents FROM promises ORDER BY 1")
        }
    }

    func testOpeningALedgerMadeByTheV1MigrationMigratesItAndKeepsItsRows() throws {
        let dir = makeTemporaryDirectory("arrears-v1")
        let path = dir.appendingPathComponent("old.db").path
        do {
            // A ledger as the first release wrote it: schema v1 only, with one contact.
            let queue = try DatabaseQueue(path: path)
            try LedgerSchema.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO accounts (account_id, state) VALUES ('A1', 'MA')")
                try db.execute(sql: "INSERT INTO imports (kind, file, imported_at, rows_read, rows_added) VALUES ('accounts', 'a.csv', 'then', 1, 1)")
                try db.execute(sql: "INSERT INTO imports (kind, file, imported_at, rows_read, rows_added) VALUES ('log', '-', 'then', 1, 1)")
                try db.execute(sql: "INSERT INTO contacts VALUES (1, ?, 1, 3, 0, 2)", arguments: [Timestamp.parse("2026-01-14T15:00:00Z")!])
            }
            XCTAssertFalse(try queue.read { db in try db.tableExists("runs") })
        }
        let ledger = try Ledger(path: path)
        XCTAssertEqual(try ledger.schemaVersions(), ["v1", "v2"])
        var book = LedgerBook(states: [""])
        book.accounts.accountID = ["A1"]
        let facts = try ledger.facts(for: book.accounts, asOf: day("2026-01-15"))
        XCTAssertEqual(facts.contacts.lastConversationDay, [day("2026-01-14")], "the v1 row is read after the migration")
        XCTAssertEqual(facts.contacts.state, ["MA"])
        let result = try book.rank(facts.contacts, asOf: "2026-01-15")
        try ledger.recordRun(result, identity: RunIdentity(asOf: day("2026-01-15"), modelSHA256: "m", policySHA256: ""), facts: facts)
        XCTAssertTrue(try ledger.check().isHealthy)
    }

    func testALedgerFromANewerArrearsIsRefusedAndAMissingOneNamesInit() throws {
        let (ledger, dir) = try temporaryLedger()
        try ledger.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9')") }
        XCTAssertThrowsError(try Ledger(path: ledger.path)) { error in
            XCTAssertEqual((error as? LedgerError)?.code, .newerLedger)
        }
        XCTAssertThrowsError(try Ledger(path: dir.appendingPathComponent("none.db").path)) { error in
            XCTAssertTrue("\(error)".contains("arrears ledger init"), "\(error)")
        }
    }

    func testAccountImportRejectsBadZonesStatesFlagsAndRepeats() throws {
        let (ledger, dir) = try temporaryLedger()
        let file = try write("""
            account_id,state,time_zone,call_opt_out
            A1,NY,America/New_York,0
            A2,New York,,0
            A3,TX,Texas/Central,0
            A4,TX,,maybe
            A1,NY,,1
            ,NY,,0
            A5,tx,America/Chicago,yes

            """, to: dir, "points.csv")
        let s = try ledger.importAccounts(path: file)
        XCTAssertEqual(s.added, 2)
        XCTAssertEqual(s.rejected.map(\.code), [.badState, .unknownTimeZone, .badFlag, .duplicateRow, .missingValue])
        XCTAssertEqual(s.rejected.map(\.line), [3, 4, 5, 6, 7])
        var book = LedgerBook(states: ["", ""])
        book.accounts.accountID = ["A1", "A5"]
        let facts = try ledger.facts(for: book.accounts, asOf: day("2026-01-15"))
        XCTAssertEqual(facts.contacts.state, ["NY", "TX"])
        XCTAssertEqual(facts.contacts.callOptOut, [false, true])
        // A second file updates only what it gives.
        let update = try write("account_id,time_zone\nA1,America/Chicago\n", to: dir, "zones.csv")
        XCTAssertEqual(try ledger.importAccounts(path: update).alreadyPresent, 1)
        XCTAssertEqual(try ledger.facts(for: book.accounts, asOf: day("2026-01-15")).contacts.timeZone[0], "America/Chicago")
        XCTAssertEqual(try ledger.facts(for: book.accounts, asOf: day("2026-01-15")).contacts.state[0], "NY")
    }

    func testMissingColumnStopsWithTheColumnsName() throws {
        let (ledger, dir) = try makeLedger()
        let file = try write("account_id,when,channel,outcome\nA1,2026-01-10T15:00:00Z,call,no_answer\n", to: dir, "c.csv")
        XCTAssertThrowsError(try ledger.importContacts(path: file)) { error in
            XCTAssertEqual((error as? LedgerError)?.code, .missingColumn)
            XCTAssertTrue("\(error)".contains("no timestamp column (or at, time)"), "\(error)")
        }
        XCTAssertEqual(try ledger.tableCounts().contacts, 0)
    }

    func testTimestampsWithOffsetsAndFractions() {
        let z = Timestamp.parse("2026-03-04T14:05:00Z")!
        XCTAssertEqual(Timestamp.format(z), "2026-03-04T14:05:00Z")
        XCTAssertEqual(Timestamp.parse("2026-03-04T09:05:00-05:00"), z)
        XCTAssertEqual(Timestamp.parse("2026-03-04T19:35:00.123+0530"), z)
        XCTAssertEqual(Timestamp.parse("2026-03-04 14:05:00z"), z)
        XCTAssertEqual(Timestamp.parse("1969-12-31T23:59:59Z"), -1)
        for bad in ["2026-03-04T14:05:00", "2026-02-30T10:00:00Z", "2026-03-04T24:00:00Z", "2026-03-04T14:05Z",
                    "2026-03-04T14:05:00+5", "2026-03-04T14:05:00Zjunk", "2026-03-04T14:05:00.Z", ""] {
            XCTAssertNil(Timestamp.parse(bad), bad)
        }
    }

    func testAFutureEventChangesNoRuleAndNoFeature() throws {
        let (ledger, dir) = try makeLedger(accounts: ["A1"])
        let past = try write("account_id,timestamp,channel,outcome\nA1,2026-01-10T15:00:00Z,call,right_party\nA1,2026-01-14T15:00:00Z,sms,no_answer\n",
                             to: dir, "past.csv")
        _ = try ledger.importContacts(path: past)
        var book = LedgerBook(states: ["NY"])
        book.accounts.accountID = ["A1"]
        let asOf = day("2026-01-15")
        func features() throws -> [[Double]] {
            let facts = try ledger.facts(for: book.accounts, asOf: asOf)
            return LedgerFeatures(facts: facts, payments: book.payments, asOf: asOf, promises: PromisePolicy()).columns
        }
        let before = try features()
        let rule = try book.rank(try ledger.facts(for: book.accounts, asOf: asOf).contacts, asOf: "2026-01-15").rule
        // Events after as-of: a conversation, a cease request, a broken promise.
        let future = try write("account_id,timestamp,channel,outcome\nA1,2026-01-16T00:00:00Z,call,cease_request\nA1,2026-01-20T15:00:00Z,call,right_party\n",
                               to: dir, "future.csv")
        _ = try ledger.importContacts(path: future)
        _ = try ledger.importPromises(path: try write("account_id,promised_on,due_date,amount\nA1,2026-01-16,2026-01-17,10\n", to: dir, "p.csv"))
        XCTAssertEqual(try features().map { $0.map { $0.isNaN ? -1 : $0 } }, before.map { $0.map { $0.isNaN ? -1 : $0 } })
        XCTAssertEqual(before.map { $0[0].isNaN ? -1 : $0[0] }, [-1, 2, 1, 5, 0],
                       "no promise resolved; 2 contacts and 1 right-party in 30 days; last spoke 5 days ago; none broken")
        XCTAssertEqual(try book.rank(try ledger.facts(for: book.accounts, asOf: asOf).contacts, asOf: "2026-01-15").rule, rule)
        // On the later day the events count.
        XCTAssertEqual(try book.rank(try ledger.facts(for: book.accounts, asOf: day("2026-01-21")).contacts, asOf: "2026-01-21").rule, [.ceaseRequest])
    }
}
