import ArrearsCLI
import Foundation
import PortfolioIO
import XCTest
import _TestSupport

/// Runs every case of `Manifest` through `readPortfolio` and every `CommandProbe`.
final class CorpusTests: XCTestCase {
    func testReaderGivesTheExactOutcomeOfEveryCase() throws {
        for c in Manifest.all {
            let (accounts, payments) = try inputs(of: c)
            let outcome = read(accounts, payments, c)
            check(outcome, c)
            if isCorpusFile(c) {
                // Records split across tiny read chunks must not change anything.
                let small = read(accounts, payments, c, chunkSize: 5)
                XCTAssertEqual(summary(small), summary(outcome), "\(c.name): chunk size changed the outcome")
            }
        }
    }

    func testCommandsGiveTheExactOutcomeOfEveryCase() throws {
        let work = makeTemporaryDirectory("bad-input")
        defer { try? FileManager.default.removeItem(at: work) }
        for c in Manifest.all {
            let paths = try self.paths(of: c, writingTo: work)
            for probe in CommandProbe.all where probe.runsHeavyCases || !c.heavy {
                let run = ProbeRun(probe: probe, name: c.name, accounts: paths.0, payments: paths.1, work: work)
                let error = run.execute()
                switch c.expected {
                case .stops(_, _, let column):
                    checkStopped(run, error: error, column: column, casePath: c.role == .accounts ? run.accounts : run.payments)
                case .rows(let valid, _, let expected):
                    try checkRows(run, error: error, valid: valid, expected: expected)
                }
            }
        }
    }

    /// One command run on one case, with its output paths cleared beforehand.
    private struct ProbeRun {
        var probe: CommandProbe
        var name: String
        var accounts: String
        var payments: String
        var work: URL
        var label: String { "\(probe.name) on \(name)" }
        var rejects: String { work.appendingPathComponent("rejects.csv").path }
        var output: String? { probe.outputPerAccount.map { work.appendingPathComponent($0).path } }

        func execute() -> Error? {
            for path in [rejects, output].compactMap({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
            return probe.run(probe.arguments(accounts, payments, rejects, work))
        }
    }

    /// The run failed with a non-zero exit, a message naming the file (and column), and
    /// wrote no rejects.
    private func checkStopped(_ run: ProbeRun, error: Error?, column: String?, casePath: String) {
        guard let error else { return XCTFail("\(run.label): expected the run to stop") }
        let message = ArrearsCommand.message(for: error)
        XCTAssertTrue(message.contains(casePath), "\(run.label): '\(message.prefix(300))' does not name the file")
        if let column { XCTAssertTrue(message.contains(column), "\(run.label): '\(message.prefix(300))' does not name \(column)") }
        XCTAssertNotEqual(ArrearsCommand.exitCode(for: error).rawValue, 0, run.label)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.rejects), "\(run.label): wrote rejects after stopping")
    }

    /// The run succeeded (or, with --strict, failed because of rejects), wrote one output
    /// row per valid account, and its rejects file lists exactly the expected rejects.
    private func checkRows(_ run: ProbeRun, error: Error?, valid: Int, expected: [ExpectedReject]) throws {
        if run.probe.failsOnRejects && !expected.isEmpty {
            XCTAssertNotNil(error, "\(run.label): rejected rows must fail the run")
            if let error { XCTAssertNotEqual(ArrearsCommand.exitCode(for: error).rawValue, 0, run.label) }
        } else {
            XCTAssertNil(error, "\(run.label): \(error.map { ArrearsCommand.message(for: $0) } ?? "")")
        }
        if let output = run.output, error == nil {
            XCTAssertEqual(try dataRows(output), valid, "\(run.label): one output row per valid account")
        }
        let written = try rejectsFile(run.rejects)
        let want = expected.map { e in
            "\(e.source == .accounts ? run.accounts : run.payments):\(e.line):\(e.column ?? ""):\(e.code.rawValue):\(asWritten(e.accountID))"
        }
        XCTAssertEqual(written.count, want.count, "\(run.label): rejects file rows")
        for (w, e) in zip(written, want) where w != e {
            XCTFail("\(run.label): rejects file has \(w.prefix(300)), expected \(e.prefix(300))")
        }
    }

    /// Every committed corpus file has its expected outcome in the manifest.
    func testEveryCorpusFileIsInTheManifest() throws {
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Corpus", withExtension: nil))
        var files: [String] = []
        for folder in ["accounts", "payments"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            files += names.map { "\(folder)/\($0)" }
        }
        let listed = Set(Manifest.all.map(\.name))
        XCTAssertEqual(Set(files).subtracting(listed), [], "corpus files without an expected outcome")
        XCTAssertEqual(Set(Manifest.all.compactMap { c -> String? in
            if case .corpus = c.input { return c.name } else { return nil }
        }).subtracting(files), [], "manifest cases without a corpus file")
        XCTAssertEqual(listed.count, Manifest.all.count, "case names are unique")
    }

    // MARK: - Reading

    private enum ReadOutcome {
        case portfolio(Portfolio)
        case error(InputError)
    }

    private func read(_ accounts: [UInt8], _ payments: [UInt8], _ c: BadInputCase,
                      chunkSize: Int = 4 << 20) -> ReadOutcome {
        do {
            return .portfolio(try readPortfolio(
                accounts: accounts, payments: payments,
                accountsName: c.role == .accounts ? c.name : "base_accounts.csv",
                paymentsName: c.role == .payments ? c.name : "base_payments.csv", chunkSize: chunkSize))
        } catch {
            return .error(error)
        }
    }

    private func summary(_ o: ReadOutcome) -> String {
        switch o {
        case .error(let e): return "error \(e.code) \(e)"
        case .portfolio(let p):
            return "\(p.accountRows) \(p.paymentRows) \(p.accounts.accountID) \(p.accounts.balance) "
                + "\(p.payments.accountIndex) \(p.payments.date) \(p.rejects.map(\.description))"
        }
    }

    private func check(_ outcome: ReadOutcome, _ c: BadInputCase) {
        switch (c.expected, outcome) {
        case (.stops(let code, let line, let column), .error(let e)):
            XCTAssertEqual(e.code, code, c.name)
            XCTAssertEqual(e.line, line, "\(c.name): line")
            XCTAssertEqual(e.column, column, "\(c.name): column")
            XCTAssertEqual(e.file, c.name, "\(c.name): the error names the file")
            XCTAssertTrue(e.description.hasPrefix(c.name), "\(c.name): \(e.description.prefix(200))")
            if let column { XCTAssertTrue(e.message.contains("'\(column)'"), "\(c.name): message names the column") }
            XCTAssertLessThan(e.description.utf8.count, 2_000, "\(c.name): the message is one readable line")
        case (.stops(let code, _, _), .portfolio):
            XCTFail("\(c.name): expected \(code), but the file was read")
        case (.rows, .error(let e)):
            XCTFail("\(c.name): expected rows, but the run stopped: \(e.description.prefix(300))")
        case (.rows(let accounts, let payments, let expected), .portfolio(let p)):
            XCTAssertEqual(p.accounts.count, accounts, "\(c.name): valid accounts")
            XCTAssertEqual(p.payments.count, payments, "\(c.name): valid payments")
            XCTAssertEqual(p.accountRows, p.accounts.count + p.rejectedAccountRows, "\(c.name): accounts add up")
            XCTAssertEqual(p.paymentRows, p.payments.count + p.rejectedPaymentRows, "\(c.name): payments add up")
            checkRejects(p.rejects, expected, c.name)
            do { try c.verify?(p) } catch { XCTFail("\(c.name): \(error)") }
        }
    }

    private func checkRejects(_ actual: [Reject], _ expected: [ExpectedReject], _ name: String) {
        let same = actual.count == expected.count && zip(expected, actual).allSatisfy { $0.matches($1) }
        if !same {
            let got = actual.map { "\($0.source.rawValue):\($0.line) \($0.column ?? "-") \($0.code.rawValue) [\($0.accountID.prefix(20))]" }
            XCTFail("\(name): rejects\n  got      \(got)\n  expected \(expected.map { String($0.description.prefix(60)) })")
            return
        }
        for (e, r) in zip(expected, actual) {
            let file = r.source == .accounts ? "accounts" : "payments"
            XCTAssertTrue(r.file.contains(file) || r.file.hasPrefix("base_"), "\(name): reject names its file")
            if let says = e.says {
                XCTAssertTrue(r.reason.contains(says), "\(name):\(r.line): '\(r.reason)' lacks '\(says)'")
            }
        }
    }

    // MARK: - Inputs

    private func isCorpusFile(_ c: BadInputCase) -> Bool {
        if case .corpus = c.input { return true }
        return false
    }

    private func corpusURL(_ name: String) throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Corpus/\(name)", withExtension: nil), "missing corpus file \(name)")
    }

    private func bytes(of c: BadInputCase) throws -> [UInt8] {
        switch c.input {
        case .corpus: return Array(try Data(contentsOf: corpusURL(c.name)))
        case .generated(let make): return make()
        }
    }

    private func inputs(of c: BadInputCase) throws -> ([UInt8], [UInt8]) {
        let mine = try bytes(of: c)
        switch c.role {
        case .accounts: return (mine, Array(try Data(contentsOf: corpusURL("base_payments.csv"))))
        case .payments: return (Array(try Data(contentsOf: corpusURL("base_accounts.csv"))), mine)
        }
    }

    private func paths(of c: BadInputCase, writingTo work: URL) throws -> (String, String) {
        var path: String
        switch c.input {
        case .corpus:
            path = try corpusURL(c.name).path
        case .generated(let make):
            let url = work.appendingPathComponent(c.name.replacingOccurrences(of: "/", with: "_"))
            try Data(make()).write(to: url)
            path = url.path
        }
        switch c.role {
        case .accounts: return (path, try corpusURL("base_payments.csv").path)
        case .payments: return (try corpusURL("base_accounts.csv").path, path)
        }
    }

    /// A text cell as the CSV writer stores it: a leading `'` before `=` `+` `-` `@` tab
    /// or CR (formula escaping, DESIGN §7).
    private func asWritten(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    /// Records after the header of a CSV file.
    private func dataRows(_ path: String) throws -> Int {
        let reader = try CSVReader(path: path)
        var rows = -1
        while try reader.next() != .end { rows += 1 }
        return max(rows, 0)
    }

    /// The rejects CSV as `file:line:column:code:account_id` per row ([] when absent).
    private func rejectsFile(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let reader = try CSVReader(path: path)
        var rows: [String] = []
        XCTAssertEqual(try reader.next(), .record)
        XCTAssertEqual(reader.strings(), ["file", "line", "column", "code", "reason", "account_id"])
        while try reader.next() != .end {
            let f = reader.strings()
            rows.append("\(f[0]):\(f[1]):\(f[2]):\(f[3]):\(f[5])")
        }
        return rows
    }
}
