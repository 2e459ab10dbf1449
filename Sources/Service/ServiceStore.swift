import Foundation
import GRDB
import Ledger
import PortfolioIO
import Synchronization

/// Who a token belongs to and what it may do (DESIGN §13).
public enum Role: String, Sendable, CaseIterable {
    /// `POST /v1/score` only.
    case apiClient = "api_client"
    /// Their own queue and the accounts assigned to them.
    case collector
    /// Every queue; may reassign accounts and create tokens.
    case supervisor
}

/// The caller of one request, once its token or session is verified.
public struct Principal: Sendable, Equatable {
    public var name: String
    public var role: Role
    /// The token's public id (the rate-limit key).
    public var tokenID: String
}

/// One row of the service's audit trail: who did what to which account, when (UTC).
public struct AuditEntry: Sendable, Equatable {
    public var at: String
    public var actor: String
    public var action: String
    public var accountID: String
    public var detail: String
}

/// The service's own tables in the ledger file: tokens (salted SHA-256 hashes only),
/// account assignments and the audit trail of every write. They live beside the
/// ledger's tables under their own schema version (table `service_schema`), so the
/// ledger's migrations are untouched and a ledger without them is still a ledger.
public final class ServiceStore: Sendable {
    let pool: DatabasePool
    public let path: String
    static let schemaVersion = 1

    /// A token's stored row, as `verify` reads it.
    struct StoredToken: Sendable {
        var name: String
        var role: Role
        var salt: [UInt8]
        var hash: [UInt8]
        /// When the row must be read again (seconds since 1970).
        var expires: Double
    }
    /// The rows of tokens verified recently, by token id, kept `tokenCacheSeconds`: a
    /// request then costs the hash and the constant-time comparison, not a database
    /// read. Only ids found in the database are kept (so the cache holds at most one
    /// entry per token); a token revoked in the database (`revoked = 1`) is refused
    /// from at most `tokenCacheSeconds` later.
    private let tokenCache = Mutex([String: StoredToken]())
    static let tokenCacheSeconds = 2.0

    /// Opens (and if needed creates) the service tables in the ledger at `path`.
    /// - Throws: `APIError`-free `ServiceError` naming `--ledger` when the file cannot be used.
    public init(ledgerPath path: String) throws(ServiceError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(600)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS service_schema (version INTEGER NOT NULL);
                    CREATE TABLE IF NOT EXISTS service_tokens (
                        token_id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        salt BLOB NOT NULL,
                        hash BLOB NOT NULL,
                        created_at TEXT NOT NULL,
                        revoked INTEGER NOT NULL DEFAULT 0);
                    CREATE TABLE IF NOT EXISTS service_assignments (
                        account_id TEXT PRIMARY KEY,
                        collector TEXT NOT NULL,
                        assigned_by TEXT NOT NULL,
                        assigned_at TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS service_audit (
                        audit_id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        role TEXT NOT NULL,
                        action TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        detail TEXT NOT NULL);
                    """)
                let version = try Int.fetchOne(db, sql: "SELECT max(version) FROM service_schema")
                if let version, version > Self.schemaVersion {
                    throw ServiceError("--ledger: \(path) has service tables of a newer arrears (schema \(version)); use that arrears")
                }
                if version == nil { try db.execute(sql: "INSERT INTO service_schema VALUES (?)", arguments: [Self.schemaVersion]) }
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError("--ledger: cannot open \(path) for the service's tables (\(error))")
        }
    }

    // MARK: Tokens

    /// Creates a token; returns its text, shown once (`arr_<id>_<secret>`: a 16-hex-digit
    /// id and a 64-hex-digit secret of 256 random bits). Only SHA-256(salt ‖ secret) and
    /// the 16-byte salt are stored.
    public func createToken(name: String, role: Role) throws(ServiceError) -> String {
        var rng = SystemRandomNumberGenerator()
        let id = Self.hex((0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let secretText = Self.hex(secret)
        let hash = Self.hash(salt: salt, secret: Array(secretText.utf8))
        try write { db in
            try db.execute(sql: "INSERT INTO service_tokens (token_id, name, role, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, name, role.rawValue, Data(salt), Data(hash), Self.now()])
        }
        return "arr_\(id)_\(secretText)"
    }

    /// Whether any supervisor token exists (`--init-admin` makes the first one once).
    public func hasSupervisor() throws(ServiceError) -> Bool {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM service_tokens WHERE role = 'supervisor' AND revoked = 0") ?? 0 } > 0
    }

    /// Verifies a token's text: looks its id up, hashes the secret with the stored salt and
    /// compares in constant time. Unknown ids hash against a fixed salt so both paths take
    /// the same work. Returns nil for any token that does not verify. The id's row comes
    /// from the cache while fresh (`tokenCacheSeconds`); `now` is seconds since 1970.
    public func verify(_ token: some StringProtocol, now: Double = Date().timeIntervalSince1970) -> Principal? {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "arr", parts[1].utf8.count == 16, parts[2].utf8.count == 64 else { return nil }
        let id = String(parts[1]), secret = Array(parts[2].utf8)
        let token = storedToken(id, now: now)
        let salt = token?.salt ?? [UInt8](repeating: 0, count: 16)
        let stored = token?.hash ?? [UInt8](repeating: 0, count: 32)
        let equal = Self.constantTimeEqual(Self.hash(salt: salt, secret: secret), stored)
        guard let token, equal else { return nil }
        return Principal(name: token.name, role: token.role, tokenID: id)
    }

    /// The live (not revoked) token `id`: from the cache while fresh, else read from the
    /// database and cached; nil when there is none.
    func storedToken(_ id: String, now: Double) -> StoredToken? {
        if let cached = tokenCache.withLock({ $0[id] }), cached.expires > now { return cached }
        let row = try? pool.read { db in
            try Row.fetchOne(db, sql: "SELECT name, role, salt, hash FROM service_tokens WHERE token_id = ? AND revoked = 0", arguments: [id])
        }
        guard let row, let role = Role(rawValue: row["role"]) else {
            tokenCache.withLock { _ = $0.removeValue(forKey: id) }
            return nil
        }
        let token = StoredToken(name: row["name"], role: role, salt: [UInt8](row["salt"] as Data), hash: [UInt8](row["hash"] as Data),
                                expires: now + Self.tokenCacheSeconds)
        tokenCache.withLock { $0[id] = token }
        return token
    }

    /// The collectors with a live token, by name.
    public func collectors() throws(ServiceError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT name FROM service_tokens WHERE role = 'collector' AND revoked = 0 ORDER BY name") }
    }

    // MARK: Assignments and audit

    /// Explicit assignments (account id → collector), made by a supervisor.
    public func assignments() throws(ServiceError) -> [String: String] {
        try read { db in
            var map: [String: String] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT account_id, collector FROM service_assignments") { map[r[0]] = r[1] }
            return map
        }
    }

    /// Assigns an account to a collector and audits it, in one transaction.
    public func assign(account: String, to collector: String, by actor: Principal) throws(ServiceError) {
        try write { db in
            let now = Self.now()
            try db.execute(sql: "INSERT OR REPLACE INTO service_assignments VALUES (?, ?, ?, ?)",
                           arguments: [account, collector, actor.name, now])
            try Self.audit(db, at: now, actor: actor, action: "assign", account: account, detail: "to \(collector)")
        }
    }

    /// Appends one audit row.
    public func audit(actor: Principal, action: String, account: String, detail: String) throws(ServiceError) {
        try write { db in try Self.audit(db, at: Self.now(), actor: actor, action: action, account: account, detail: detail) }
    }

    static func audit(_ db: Database, at: String, actor: Principal, action: String, account: String, detail: String) throws {
        try db.execute(sql: "INSERT INTO service_audit (at, actor, role, action, account_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [at, actor.name, actor.role.rawValue, action, account, detail])
    }

    /// The audit trail, oldest first, optionally for one account.
    public func auditTrail(account: String? = nil) throws(ServiceError) -> [AuditEntry] {
        try read { db in
            let rows = try account.map {
                try Row.fetchAll(db, sql: "SELECT at, actor, action, account_id, detail FROM service_audit WHERE account_id = ? ORDER BY audit_id", arguments: [$0])
            } ?? Row.fetchAll(db, sql: "SELECT at, actor, action, account_id, detail FROM service_audit ORDER BY audit_id")
            return rows.map { AuditEntry(at: $0[0], actor: $0[1], action: $0[2], accountID: $0[3], detail: $0[4]) }
        }
    }

    // MARK: Helpers

    func read<T>(_ body: (Database) throws -> T) throws(ServiceError) -> T {
        do { return try pool.read(body) } catch { throw ServiceError("--ledger: \(path): \(error)") }
    }

    func write<T>(_ body: (Database) throws -> T) throws(ServiceError) -> T {
        do { return try pool.write(body) } catch { throw ServiceError("--ledger: \(path): \(error)") }
    }

    static func hash(salt: [UInt8], secret: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(salt)
        h.update(secret)
        return h.finalize()
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTC time now, ISO 8601 to the second.
    static func now() -> String { Timestamp.format(Int64(Date().timeIntervalSince1970)) }
}

/// A failure to start or configure the service, with the flag to fix named.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
