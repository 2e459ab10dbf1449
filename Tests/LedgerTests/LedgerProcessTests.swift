import XCTest
import Foundation
import PortfolioIO
import GRDB
import _TestSupport
@testable import Ledger

/// The ledger under real processes: the built `arrears` binary run as subprocesses.
final class LedgerProcessTests: XCTestCase {
    /// The `arrears` executable beside the test bundle (SwiftPM builds it with the tests).
    func executable() throws -> URL {
        if let url = builtExecutable() { return url }
        throw XCTSkip("the arrears executable was not built next to the tests (\(CommandLine.arguments[0]))")
    }

    func process(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = try executable()
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        return p
    }

    /// A ledger with accounts A1…A`accounts` and contact files of `rows` distinct rows each.
    func setUp(accounts: Int, files: [(name: String, rows: Int, hourOffset: Int)]) throws -> (Ledger, [String]) {
        let (ledger, dir) = try temporaryLedger("process")
        let points = try write("account_id\n" + (1...accounts).map { "A\($0)\n" }.joined(), to: dir, "points.csv")
        _ = try ledger.importAccounts(path: points)
        let base = Timestamp.parse("2025-06-01T00:00:00Z")!
        let paths = try files.map { f -> String in
            var text = "account_id,timestamp,channel,outcome,collector\n"
            text.reserveCapacity(f.rows * 48)
            for k in 0..<f.rows {
                let t = base + Int64(f.hourOffset) * 3600 + Int64(k / accounts) * 7200
                text += "A\(k % accounts + 1),\(Timestamp.format(t)),call,no_answer,C1\n"
            }
            return try write(text, to: dir, f.name)
        }
        return (ledger, paths)
    }

    func testTwoProcessesWritingAtOnceBothLand() throws {
        let (ledger, paths) = try setUp(accounts: 1000, files: [("a.csv", 60_000, 0), ("b.csv", 60_000, 1)])
        let a = try process(["ledger", "import", "contacts", paths[0], "--ledger", ledger.path])
        let b = try process(["ledger", "import", "contacts", paths[1], "--ledger", ledger.path])
        try a.run()
        try b.run()
        a.waitUntilExit()
        b.waitUntilExit()
        XCTAssertEqual([a.terminationStatus, b.terminationStatus], [0, 0])
        XCTAssertEqual(try ledger.tableCounts().contacts, 120_000, "both imports landed")
        let report = try ledger.check()
        XCTAssertTrue(report.isHealthy, report.text)
    }

    func testAProcessKilledMidImportLeavesTheLedgerAsBeforeOrFullyImported() throws {
        let rows = 300_000
        let (ledger, paths) = try setUp(accounts: 2000, files: [("big.csv", rows, 0)])
        var killed = 0, completed = 0
        for delay in [50_000, 150_000, 300_000, 600_000, 1_000_000, 0] as [UInt32] {
            let before = try ledger.tableCounts().contacts
            let p = try process(["ledger", "import", "contacts", paths[0], "--ledger", ledger.path])
            try p.run()
            if delay > 0 {
                usleep(delay)
                if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            }
            p.waitUntilExit()
            let after = try ledger.tableCounts().contacts
            if p.terminationReason == .uncaughtSignal {
                killed += 1
                XCTAssertEqual(after, before, "a killed import adds nothing (delay \(delay) µs)")
            } else {
                completed += 1
                XCTAssertEqual(p.terminationStatus, 0)
                XCTAssertEqual(after, rows, "a finished import has every row, once")
            }
            let report = try ledger.check()
            XCTAssertTrue(report.isHealthy, report.text)
        }
        XCTAssertGreaterThan(killed, 0, "at least one import was killed while running")
        XCTAssertGreaterThan(completed, 0)
    }

    /// The README's main job in small: import the generated history of data/, rank with
    /// the ledger, and ask the audit trail why an account was not called.
    func testRankWithTheLedgerRecordsEveryDecisionAndShowExplainsThem() throws {
        let root = repositoryRoot()
        let data = root.appendingPathComponent("data").path
        let (ledger, dir) = try temporaryLedger("rank")
        for (kind, file) in [("accounts", "contact_points.csv"), ("contacts", "contacts.csv"), ("promises", "promises.csv")] {
            let s: ImportSummary
            switch kind {
            case "accounts": s = try ledger.importAccounts(path: data + "/" + file)
            case "contacts": s = try ledger.importContacts(path: data + "/" + file)
            default: s = try ledger.importPromises(path: data + "/" + file)
            }
            XCTAssertEqual(s.rejected, [], "\(file) imports cleanly")
            XCTAssertGreaterThan(s.added, 0)
        }
        let out = dir.appendingPathComponent("worklist.csv").path
        let rank = try process(["rank", "--model", root.appendingPathComponent("models/arrears-model.json").path,
                                "--accounts", data + "/accounts.csv", "--payments", data + "/payments.csv",
                                "--as-of", "2026-01-01", "--policy", root.appendingPathComponent("policies/example-policy.toml").path,
                                "--capacity", "200", "--out", out, "--ledger", ledger.path, "--quiet"])
        try rank.run()
        rank.waitUntilExit()
        XCTAssertEqual(rank.terminationStatus, 0)
        let worklist = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(worklist.count, 201)
        XCTAssertTrue(worklist[0].hasSuffix(",queue,call_window_utc,call_window_local,calls_left_today,binding_limit"))
        XCTAssertTrue(worklist[1].contains(",promise_"), "the follow-up queue leads: \(worklist[1])")
        XCTAssertTrue(worklist.contains { $0.contains(",cold_call,") })
        let report = try ledger.check()
        XCTAssertTrue(report.isHealthy, report.text)
        XCTAssertEqual(try ledger.tableCounts().runs, 1)
        // Why was a deferred account not called? Its decision is in the audit trail.
        let holds = try String(contentsOfFile: dir.appendingPathComponent("worklist-holds.csv").path, encoding: .utf8)
        let deferred = try XCTUnwrap(holds.split(separator: "\n").first { $0.hasPrefix("deferred,") && $0.contains(",call_limit,") })
        let id = String(deferred.split(separator: ",")[1])
        let timeline = try ledger.timeline(account: id).text
        XCTAssertTrue(timeline.contains("decision  run 1: deferred (call_limit)"), timeline)
        XCTAssertTrue(timeline.contains("calls in the 7 days 2025-12-26..2026-01-01 >= contact_rules.max_calls_7d 7"), timeline)
        let answered = try ledger.pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT class || ' ' || rule FROM run_accounts JOIN runs USING (run_id)
                WHERE account_id = ? AND runs.as_of = '2026-01-01'
                """, arguments: [id])
        }
        XCTAssertEqual(answered, "deferred call_limit", "the README's query")
    }
}
