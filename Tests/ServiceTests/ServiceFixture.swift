import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
@testable import Service
import _TestSupport

/// A service over the bundled `data/` portfolio with a fresh ledger (contact points
/// imported, so contacts can be logged), two collectors, a supervisor and an API client.
struct ServiceFixture {
    let service: ArrearsService
    let root: URL
    let supervisor: String, c01: String, c02: String, apiClient: String

    init(maxBody: Int = 65_536, importContacts: Bool = false) throws {
        root = repositoryRoot()
        let dir = makeTemporaryDirectory("arrears-serve")
        let ledgerPath = dir.appendingPathComponent("arrears.db").path
        let ledger = try Ledger(path: ledgerPath, create: true)
        _ = try ledger.importAccounts(path: root.appendingPathComponent("data/contact_points.csv").path)
        if importContacts {
            _ = try ledger.importContacts(path: root.appendingPathComponent("data/contacts.csv").path)
            _ = try ledger.importPromises(path: root.appendingPathComponent("data/promises.csv").path)
        }
        let store = try ServiceStore(ledgerPath: ledgerPath)
        supervisor = try store.createToken(name: "admin", role: .supervisor)
        c01 = try store.createToken(name: "C01", role: .collector)
        c02 = try store.createToken(name: "C02", role: .collector)
        apiClient = try store.createToken(name: "bank", role: .apiClient)
        var config = ServiceConfiguration(modelPath: root.appendingPathComponent("models/arrears-model.json").path,
                                          policyPath: root.appendingPathComponent("policies/example-policy.toml").path,
                                          ledgerPath: ledgerPath,
                                          accountsPath: root.appendingPathComponent("data/accounts.csv").path,
                                          paymentsPath: root.appendingPathComponent("data/payments.csv").path)
        config.asOf = CalendarDayFixture.asOf
        config.maxBody = maxBody
        config.ratePerSecond = 1_000_000
        config.logRequests = false
        service = try ArrearsService(config)
    }

    var application: some ApplicationProtocol { Application(router: service.router()) }

    /// An account on today's worklist that belongs to `collector`.
    func worklistAccount(of collector: String) throws -> String {
        let ranked = try service.queue.current(service.snapshot)
        guard let row = ranked.rows.first(where: { $0.collector == collector }) else {
            throw NSError(domain: "fixture", code: 1, userInfo: [NSLocalizedDescriptionKey: "no worklist account for \(collector)"])
        }
        return row.accountID
    }

    /// What a write would change: contacts and promises in the ledger, audit rows, assignments.
    func writeCounts() throws -> [Int] {
        let t = try service.ledger.tableCounts()
        return [t.contacts, t.promises, try service.store.auditTrail().count, try service.store.assignments().count]
    }

    static func bearer(_ token: String) -> HTTPFields {
        var h = HTTPFields()
        h[.authorization] = "Bearer \(token)"
        return h
    }
}

import PortfolioIO
enum CalendarDayFixture {
    static let asOf = CalendarDay("2026-01-01")!
}
