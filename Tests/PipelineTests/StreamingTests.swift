import Foundation
import Pipeline
import PortfolioIO
import Prioritizer
import Scoring
import XCTest
import _TestSupport

/// The streamed `score` (DESIGN §9) against the whole-portfolio path: the same bytes,
/// rejects and counts for any chunk size, and a fallback — never a different output —
/// for input that is not grouped by account.
final class StreamingTests: XCTestCase {
    let asOf = CalendarDay("2026-01-01")!

    func model() throws -> ModelArtifact {
        try ModelArtifact.load(path: repositoryRoot().appendingPathComponent("models/arrears-model.json").path)
    }

    struct Run: Equatable {
        var bytes: [UInt8]
        var rejects: [Reject]
        var accountRows: Int, paymentRows: Int, kept: Int, used: Int
        var statementsAfterAsOf: Int
        var warnings: [String]
    }

    func whole(_ a: String, _ p: String, _ model: ModelArtifact, _ format: OutputFormat) throws -> Run {
        let scored = try Pipeline.score(.files(accounts: a, payments: p), with: model, asOf: asOf)
        let d = scored.portfolio
        return Run(bytes: scored.table.rendered(format: format), rejects: d.rejects, accountRows: d.accountRows,
                   paymentRows: d.paymentRows, kept: d.accounts.count, used: d.payments.count,
                   statementsAfterAsOf: scored.matrix.statementsAfterAsOf, warnings: AsOfCheck(scored).warnings)
    }

    func streamed(_ a: String, _ p: String, _ model: ModelArtifact, _ format: OutputFormat,
                  _ layout: PortfolioStream.Layout) throws -> Run {
        var bytes: [UInt8] = []
        var chunks = 0, next = 0
        let s = try Pipeline.streamScore(accounts: a, payments: p, with: model, asOf: asOf,
                                         options: StreamingOptions(layout: layout)) { scored, first in
            XCTAssertEqual(first, next, "chunks arrive in order")
            next += scored.portfolio.accounts.count
            if chunks == 0 && format == .csv {
                bytes += TextOutput(format: .csv, header: ScoreTable.columns(horizons: scored.scores.horizons,
                                                                             outcomes: scored.scores.outcomes)).bytes
            }
            chunks += 1
            bytes += scored.tableRows(format: format)
        }
        let t = s.totals
        return Run(bytes: bytes, rejects: s.rejects, accountRows: t.accountRows, paymentRows: t.paymentRows,
                   kept: t.accountsKept, used: t.paymentsUsed, statementsAfterAsOf: s.statementsAfterAsOf,
                   warnings: AsOfCheck(s).warnings)
    }

    static let layouts = [
        PortfolioStream.Layout(chunkAccounts: 7, lagAccounts: 3, paymentBlockBytes: 4096, piecesPerBlock: 3),
        PortfolioStream.Layout(chunkAccounts: 333, lagAccounts: 0, paymentBlockBytes: 100_000, piecesPerBlock: 5),
        PortfolioStream.Layout(chunkAccounts: 1024, paymentBlockBytes: 1 << 20),
        PortfolioStream.Layout(),
    ]

    func testBundledPortfolioStreamsToTheSameBytesForEveryChunkSize() throws {
        let root = repositoryRoot()
        let a = root.appendingPathComponent("data/accounts.csv").path, p = root.appendingPathComponent("data/payments.csv").path
        let m = try model()
        for format in [OutputFormat.csv, .jsonl] {
            let expected = try whole(a, p, m, format)
            XCTAssertGreaterThan(expected.statementsAfterAsOf, 0)
            for layout in Self.layouts {
                let got = try streamed(a, p, m, format, layout)
                XCTAssertEqual(got.bytes.count, expected.bytes.count, "chunk \(layout.chunkAccounts)")
                XCTAssertTrue(got == expected, "chunk \(layout.chunkAccounts), \(format)")
            }
        }
    }

    /// Bad rows of every kind, blank lines, CRLF, a quoted line break, a BOM, duplicate
    /// statements, statements of rejected and unknown accounts: the rejects (lines and
    /// reasons) and the rows match the whole-file read.
    func testMessyInputGivesTheSameRowsAndRejects() throws {
        let root = repositoryRoot()
        let accounts = try String(contentsOf: root.appendingPathComponent("data/accounts.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let payments = try String(contentsOf: root.appendingPathComponent("data/payments.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var a = Array(accounts.prefix(401))          // header + 400 accounts
        a[0] = "\u{FEFF}" + a[0]
        a[3] = a[3].replacingOccurrences(of: ",auto,", with: ",auto,").replacingOccurrences(of: "A0000003,", with: "A0000003,-5") // bad balance
        a[10] = a[9]                                 // duplicate id, same chunk at chunk size ≥ 2
        a[20] = a[20] + ",extra"                    // ragged
        a.insert("", at: 30)                         // blank line
        if let k = (40..<80).first(where: { a[$0].contains(",online,") }) {   // a quoted line break in a text column
            a[k] = a[k].replacingOccurrences(of: ",online,", with: ",\"on\nline\",")
        }
        var text = a.joined(separator: "\n")
        text = text.replacingOccurrences(of: "\nA0000100,", with: "\r\nA0000100,")
        let ids = Set(a.dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) })
        var p = [payments[0]]
        for line in payments.dropFirst() where !line.isEmpty {
            let id = String(line.split(separator: ",")[0])
            if ids.contains(id) { p.append(line) }
            if id == "A0000040" { p.append(line) }   // every statement of A0000040 twice
        }
        p.insert("A0000005,2025-13-01,10,0", at: 40)  // bad date
        p.insert("", at: 60)
        p.append("ZZZ-unknown,2025-01-01,1,1")        // unknown account, at the end
        let dir = makeTemporaryDirectory()
        let af = dir.appendingPathComponent("accounts.csv").path, pf = dir.appendingPathComponent("payments.csv").path
        try text.write(toFile: af, atomically: true, encoding: .utf8)
        try (p.joined(separator: "\n") + "\n").write(toFile: pf, atomically: true, encoding: .utf8)
        let m = try model()
        let expected = try whole(af, pf, m, .csv)
        XCTAssertGreaterThanOrEqual(expected.rejects.count, 6)
        XCTAssertTrue(expected.rejects.contains { $0.code == .duplicateStatement })
        XCTAssertTrue(expected.rejects.contains { $0.code == .unknownAccount })
        XCTAssertTrue(expected.rejects.contains { $0.code == .rejectedAccount })
        for layout in Self.layouts.prefix(3) {
            let got = try streamed(af, pf, m, .csv, layout)
            XCTAssertEqual(got.rejects, expected.rejects, "chunk \(layout.chunkAccounts)")
            XCTAssertTrue(got == expected, "chunk \(layout.chunkAccounts)")
        }
    }

    /// Payments in an order that is not the accounts' (reversed): the stream notices and
    /// gives up instead of scoring accounts without their statements.
    func testUngroupedPaymentsFallBack() throws {
        let root = repositoryRoot()
        let lines = try String(contentsOf: root.appendingPathComponent("data/payments.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let dir = makeTemporaryDirectory()
        let pf = dir.appendingPathComponent("payments.csv").path
        try (([lines[0]] + lines.dropFirst().reversed()).joined(separator: "\n") + "\n").write(toFile: pf, atomically: true, encoding: .utf8)
        let a = root.appendingPathComponent("data/accounts.csv").path
        let layout = PortfolioStream.Layout(chunkAccounts: 500, lagAccounts: 0, maxWindowAccounts: 2000, paymentBlockBytes: 65536)
        XCTAssertThrowsError(try streamed(a, pf, try model(), .csv, layout)) { error in
            XCTAssertTrue(error is StreamFallback, "\(error)")
        }
    }

    /// An account id that two chunks share is a duplicate the whole-file read rejects
    /// with the first row's line: the stream gives up rather than keep both.
    func testDuplicateAcrossChunksFallsBack() throws {
        let root = repositoryRoot()
        var lines = try String(contentsOf: root.appendingPathComponent("data/accounts.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        lines[900] = lines[2]
        let dir = makeTemporaryDirectory()
        let af = dir.appendingPathComponent("accounts.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: af, atomically: true, encoding: .utf8)
        let p = root.appendingPathComponent("data/payments.csv").path
        XCTAssertThrowsError(try streamed(af, p, try model(), .csv, PortfolioStream.Layout(chunkAccounts: 100))) { error in
            XCTAssertTrue(error is StreamFallback, "\(error)")
        }
        // One chunk holds both rows: then the chunk's own reader rejects the second.
        let whole = try self.whole(af, p, try model(), .csv)
        let got = try streamed(af, p, try model(), .csv, PortfolioStream.Layout(chunkAccounts: 5000))
        XCTAssertTrue(got == whole)
        XCTAssertEqual(whole.rejects.first?.code, .duplicateID)
    }

    func testCanStreamOnlyRegularFiles() {
        let root = repositoryRoot()
        let a = root.appendingPathComponent("data/accounts.csv").path, p = root.appendingPathComponent("data/payments.csv").path
        XCTAssertTrue(StreamingOptions.canStream(.files(accounts: a, payments: p)))
        XCTAssertFalse(StreamingOptions.canStream(.files(accounts: "-", payments: p)))
        XCTAssertFalse(StreamingOptions.canStream(.files(accounts: a, payments: "/dev/null")))
        XCTAssertFalse(StreamingOptions.canStream(.bytes(accounts: [], payments: [])))
    }

    // MARK: - Progress (DESIGN §8)

    func testPlainProgressLinesAtMostOnePerTenPercent() {
        var out: [String] = []
        let meter = ProgressMeter(stage: "score", mode: .lines) { out.append($0) }
        meter.quietSeconds = 0
        for k in 0...1000 { meter.update(k * 1_000_000, 1_000_000_000) }
        meter.finish()
        XCTAssertEqual(out.count, 10, "\(out)")
        XCTAssertTrue(out.allSatisfy { $0.hasPrefix("score: ") && $0.hasSuffix("\n") && !$0.contains("\r") })
        XCTAssertTrue(out[0].contains("of 1000.0 MB (10 %)"), out[0])
        XCTAssertTrue(out[9].contains("(100 %)"), out[9])
        XCTAssertTrue(out[9].contains(" MB/s"), out[9])
    }

    func testPlainProgressIsSilentForAShortStage() {
        var out: [String] = []
        let meter = ProgressMeter(stage: "score", mode: .lines) { out.append($0) }
        for k in 0...10 { meter.update(k, 10) }
        meter.finish(10, 10)
        XCTAssertEqual(out, [])
    }

    func testQuietPrintsNothing() {
        var out: [String] = []
        let meter = ProgressMeter(stage: "score", mode: .off) { out.append($0) }
        meter.quietSeconds = 0
        for k in 0...10 { meter.update(k, 10) }
        meter.finish(10, 10)
        meter.abandon("x")
        XCTAssertEqual(out, [])
    }

    func testTerminalProgressRewritesOneLine() {
        var out: [String] = []
        let meter = ProgressMeter(stage: "read", mode: .terminal, unit: "rows") { out.append($0) }
        meter.update(5, 10)          // within the first quarter second: not shown
        meter.finish(10, 10)
        XCTAssertEqual(out.count, 1)
        XCTAssertTrue(out[0].hasPrefix("\rread: 10 rows of 10 rows (100 %), "), out[0])
        XCTAssertTrue(out[0].hasSuffix("\u{1B}[K\n"))
    }
}

/// The streamed `rank` against `Pipeline.rank` over the whole portfolio: the worklist and
/// holds files byte for byte (both formats, several capacities and chunk sizes) and the
/// class counts.
final class StreamingRankTests: XCTestCase {
    func testStreamedRankGivesTheSameFiles() throws {
        let root = repositoryRoot()
        let a = root.appendingPathComponent("data/accounts.csv").path, p = root.appendingPathComponent("data/payments.csv").path
        let model = try ModelArtifact.load(path: root.appendingPathComponent("models/arrears-model.json").path)
        let policy = try Policy.load(path: root.appendingPathComponent("policies/example-policy.toml").path)
        let asOf = CalendarDay("2026-01-01")!
        let scored = try Pipeline.score(.files(accounts: a, payments: p), with: model, asOf: asOf, reasons: false)
        let spill = makeTemporaryDirectory().path
        for capacity in [1, 200, 20000] {
            let ranked = try Pipeline.rank(scored, policy: policy, capacity: capacity)
            for format in [OutputFormat.csv, .jsonl] {
                let expectedWorklist = ranked.worklistBytes(format: format), expectedHolds = ranked.holdsBytes(format: format)
                for layout in [PortfolioStream.Layout(chunkAccounts: 700, lagAccounts: 0, paymentBlockBytes: 100_000, piecesPerBlock: 4),
                               PortfolioStream.Layout()] {
                    var worklist: [UInt8] = [], holds: [UInt8] = []
                    let got = try Pipeline.streamRank(accounts: a, payments: p, with: model, asOf: asOf, policy: policy,
                                                      capacity: capacity, format: format, options: StreamingOptions(layout: layout),
                                                      spillDirectory: spill, worklist: { worklist += $0 }, holds: { holds += $0 })
                    XCTAssertEqual(got.counts, ranked.counts, "capacity \(capacity)")
                    XCTAssertTrue(worklist == expectedWorklist, "worklist, capacity \(capacity), \(format), chunk \(layout.chunkAccounts)")
                    XCTAssertTrue(holds == expectedHolds, "holds, capacity \(capacity), \(format), chunk \(layout.chunkAccounts)")
                }
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spill), [], "the spill file is unlinked")
    }
}
