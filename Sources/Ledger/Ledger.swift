// The Ledger module: the contact ledger (DESIGN §12) — one SQLite file, through GRDB.
import Foundation
import GRDB
import GRDBSQLite

/// The contact ledger: what the collectors did (contact attempts, promises to pay), who
/// can be reached how (contact points, time zones, opt-outs), and the audit trail of
/// every `rank` run. One SQLite file (default `arrears.db`) in WAL mode, so readers never
/// block the writer and a killed process leaves the last committed state; every import
/// is one transaction (all of a file's new rows or none). Two processes may write at
/// once: each write takes the write lock (`BEGIN IMMEDIATE`) and waits for the other
/// for up to `busyTimeout`.
///
/// A class, because it is an open file with identity; all access goes through its
/// `DatabasePool`, which is thread-safe.
public final class Ledger: Sendable {
    /// The path as given.
    public let path: String
    let pool: DatabasePool
    /// How long a write waits for another process's write lock, seconds.
    public static let busyTimeout: TimeInterval = 600

    /// Opens the ledger at `path`, migrating an older schema forward.
    /// - Parameter create: make a new ledger when there is no file (`ledger init`).
    /// - Throws: `LedgerError` `.noLedger` when the file is missing and `create` is
    ///   false; `.newerLedger` when it was written by a newer arrears; `.notALedger` when
    ///   it is not an SQLite database.
    public init(path: String, create: Bool = false) throws(LedgerError) {
        self.path = path
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw LedgerError(code: .noLedger, file: path,
                              message: "no ledger here; create it with `arrears ledger init --ledger \(path)`")
        }
        var config = Configuration()
        config.busyMode = .timeout(Self.busyTimeout)
        config.prepareDatabase { db in
            // WAL + NORMAL: a commit survives a killed process; only a power cut can lose
            // the last commits, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw LedgerError(code: .notALedger, file: path, message: "cannot open as an SQLite ledger (\(error))", cause: error)
        }
        let migrator = LedgerSchema.migrator
        do {
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            let unknown = applied.subtracting(LedgerSchema.versions)
            if !unknown.isEmpty {
                throw LedgerError(code: .newerLedger, file: path, message:
                    "the ledger has schema migrations this arrears does not know (\(unknown.sorted().joined(separator: ", "))); use the arrears that wrote it, or a newer one")
            }
            try migrator.migrate(pool)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(code: .notALedger, file: path, message: "not an arrears ledger, or damaged (\(error))", cause: error)
        }
    }

    /// The schema migrations applied, oldest first (`v1`, `v2`, …).
    public func schemaVersions() throws(LedgerError) -> [String] {
        try read { db in try LedgerSchema.migrator.appliedIdentifiers(db) }.sorted()
    }

    // MARK: Access with errors mapped

    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try pool.read(body) } catch { throw mapped(error) }
    }

    /// One write transaction that holds the write lock from its start (`BEGIN
    /// IMMEDIATE`), so a second process waits instead of failing on upgrade.
    ///
    /// `foreignKeys: false` turns SQLite's foreign-key checks off for the transaction (a
    /// pragma that only takes effect outside one, restored after): for bulk imports whose
    /// every key was resolved against its parent table in the same transaction.
    func write<T>(foreignKeys: Bool = true, _ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                if !foreignKeys { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
                defer { if !foreignKeys { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch { throw mapped(error) }
    }

    func mapped(_ error: any Error) -> LedgerError {
        if let e = error as? LedgerError { return e }
        return LedgerError(code: .database, file: path, message: "SQLite: \(error)", cause: error)
    }
}

/// The versioned schema. Migrations are append-only: a released one is never edited.
enum LedgerSchema {
    static let versions: Set<String> = ["v1", "v2"]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in try db.execute(sql: v1) }
        m.registerMigration("v2") { db in try db.execute(sql: v2) }
        return m
    }

    /// v1: contact points, collectors, contacts, promises, the import log.
    static let v1 = """
        CREATE TABLE accounts (
            account_key INTEGER PRIMARY KEY,
            account_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL DEFAULT '',
            time_zone TEXT NOT NULL DEFAULT '',
            call_opt_out INTEGER NOT NULL DEFAULT 0,
            sms_opt_out INTEGER NOT NULL DEFAULT 0,
            email_opt_out INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE collectors (collector_key INTEGER PRIMARY KEY, collector_id TEXT NOT NULL UNIQUE);
        INSERT INTO collectors VALUES (0, '');
        CREATE TABLE channels (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        INSERT INTO channels VALUES (1, 'call'), (2, 'sms'), (3, 'email'), (4, 'letter'), (5, 'visit');
        CREATE TABLE outcomes (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        INSERT INTO outcomes VALUES (1, 'no_answer'), (2, 'voicemail'), (3, 'right_party'), (4, 'wrong_number'),
            (5, 'refused'), (6, 'promise'), (7, 'dispute'), (8, 'cease_request');
        CREATE TABLE imports (
            import_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            file TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            rows_read INTEGER NOT NULL DEFAULT 0,
            rows_added INTEGER NOT NULL DEFAULT 0,
            rows_present INTEGER NOT NULL DEFAULT 0,
            rows_rejected INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE contacts (
            account_key INTEGER NOT NULL REFERENCES accounts,
            at INTEGER NOT NULL,
            channel INTEGER NOT NULL REFERENCES channels,
            outcome INTEGER NOT NULL REFERENCES outcomes,
            collector_key INTEGER NOT NULL REFERENCES collectors,
            import_id INTEGER NOT NULL REFERENCES imports,
            PRIMARY KEY (account_key, at, channel, outcome, collector_key)) WITHOUT ROWID;
        CREATE TABLE promises (
            account_key INTEGER NOT NULL REFERENCES accounts,
            promised_on INTEGER NOT NULL,
            due INTEGER NOT NULL,
            amount_cents INTEGER NOT NULL,
            collector_key INTEGER NOT NULL REFERENCES collectors,
            import_id INTEGER NOT NULL REFERENCES imports,
            status TEXT NOT NULL DEFAULT 'open',
            paid_cents INTEGER NOT NULL DEFAULT 0,
            resolved_as_of INTEGER,
            PRIMARY KEY (account_key, promised_on, due, amount_cents)) WITHOUT ROWID;
        CREATE VIEW contact_log AS
            SELECT a.account_id, strftime('%Y-%m-%dT%H:%M:%SZ', c.at, 'unixepoch') AS at_utc,
                   ch.name AS channel, o.name AS outcome, k.collector_id AS collector, c.import_id
            FROM contacts c JOIN accounts a USING (account_key) JOIN channels ch ON ch.code = c.channel
            JOIN outcomes o ON o.code = c.outcome JOIN collectors k USING (collector_key);
        """

    /// v2: the audit trail of rank runs.
    static let v2 = """
        CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY,
            as_of TEXT NOT NULL,
            ran_at TEXT NOT NULL,
            model_sha256 TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            capacity INTEGER NOT NULL,
            worklist INTEGER NOT NULL, deferred INTEGER NOT NULL, not_worth_pursuing INTEGER NOT NULL,
            do_not_contact INTEGER NOT NULL, rejected INTEGER NOT NULL, total INTEGER NOT NULL);
        CREATE TABLE run_accounts (
            run_id INTEGER NOT NULL REFERENCES runs,
            account_id TEXT NOT NULL,
            line INTEGER NOT NULL,
            class TEXT NOT NULL,
            rule TEXT NOT NULL,
            rank INTEGER,
            p_recover REAL,
            net_value REAL,
            calls_7d INTEGER,
            calls_left INTEGER,
            next_contact_date TEXT,
            reason TEXT NOT NULL,
            PRIMARY KEY (run_id, account_id, line)) WITHOUT ROWID;
        """
}
