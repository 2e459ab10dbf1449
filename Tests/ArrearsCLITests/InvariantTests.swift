import ArgumentParser
import ArrearsCLI
import Foundation
import XCTest
import _TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Invariants of the batch commands (issue 9): the order of the input rows does not
/// matter, and a killed run never leaves a partial file at the output path.
final class InvariantTests: XCTestCase {
    nonisolated(unsafe) static var dir: URL!
    static var model: String { dir.appendingPathComponent("model.json").path }
    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    override class func setUp() {
        super.setUp()
        dir = makeTemporaryDirectory()
        do {
            try run(["generate", "--accounts", "2500", "--seed", "21", "--out", dir.path])
            try run(["train", "--accounts", path("accounts.csv"), "--payments", path("payments.csv"),
                     "--as-of", "2026-01-01", "--out", model, "--quiet"])
        } catch {
            XCTFail("setup: \(error)")
        }
    }

    static func run(_ arguments: [String]) throws {
        var command = try ArrearsCommand.parseAsRoot(arguments)
        try command.run()
    }

    /// Writes a copy of a CSV with its data rows in a seeded random order.
    func shuffledCopy(_ source: String, to target: String, seed: UInt64) throws {
        var lines = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        var generator = SeededGenerator(seed: seed)
        lines.shuffle(using: &generator)
        try ([header] + lines).joined(separator: "\n").appending("\n").write(toFile: target, atomically: true, encoding: .utf8)
    }

    /// Rows of a CSV keyed by their first cell.
    func rowsByID(_ path: String) throws -> [String: String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        return Dictionary(uniqueKeysWithValues: lines.map { (String($0.prefix { $0 != "," }), String($0)) })
    }

    func testPermutingTheInputRowsChangesNoScoreAndNotTheWorklist() throws {
        try shuffledCopy(Self.path("accounts.csv"), to: Self.path("accounts-shuffled.csv"), seed: 1)
        try shuffledCopy(Self.path("payments.csv"), to: Self.path("payments-shuffled.csv"), seed: 2)
        for (accounts, payments, tag) in [("accounts.csv", "payments.csv", "a"), ("accounts-shuffled.csv", "payments-shuffled.csv", "b")] {
            let portfolio = ["--accounts", Self.path(accounts), "--payments", Self.path(payments), "--as-of", "2026-01-01", "--quiet"]
            try Self.run(["score", "--model", Self.model, "--out", Self.path("scores-\(tag).csv")] + portfolio)
            try Self.run(["rank", "--model", Self.model, "--capacity", "100", "--out", Self.path("worklist-\(tag).csv")] + portfolio)
        }
        let a = try rowsByID(Self.path("scores-a.csv")), b = try rowsByID(Self.path("scores-b.csv"))
        XCTAssertEqual(a.count, 2500)
        XCTAssertEqual(a, b, "every account's score row is the same whatever the row order")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: Self.path("worklist-a.csv"))),
                       try Data(contentsOf: URL(fileURLWithPath: Self.path("worklist-b.csv"))),
                       "the worklist (ranked by net value, then p, then account_id) is the same")
        // The holds file lists the same accounts with the same classes; only the source
        // line column (last) follows the input order.
        func holds(_ tag: String) throws -> Set<String> {
            Set(try String(contentsOfFile: Self.path("worklist-\(tag)-holds.csv"), encoding: .utf8)
                .split(separator: "\n").map { String($0[..<($0.lastIndex(of: ",") ?? $0.endIndex)]) })
        }
        XCTAssertEqual(try holds("a"), try holds("b"))
    }

    /// The `arrears` executable beside the test bundle (SwiftPM builds it with the tests).
    func executable() throws -> URL {
        guard let url = builtExecutable() else {
            throw XCTSkip("the arrears executable was not built next to the tests (\(CommandLine.arguments[0]))")
        }
        return url
    }

    func testAKilledScoreLeavesThePreviousOutputWholeAndNoPartialFile() throws {
        let binary = try executable()
        let out = Self.path("killed-scores.csv")
        let previous = "previous,complete,output\n"
        var killedMidWrite = 0
        for attempt in 0..<12 {
            try previous.write(toFile: out, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = binary
            process.arguments = ["score", "--model", Self.model, "--accounts", Self.path("accounts.csv"),
                                 "--payments", Self.path("payments.csv"), "--as-of", "2026-01-01", "--out", out, "--quiet"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            // First attempts: kill as soon as the temporary file appears (mid-write);
            // later ones: at growing delays, wherever the run happens to be.
            let deadline = Date().addingTimeInterval(20)
            if attempt < 6 {
                while process.isRunning && Date() < deadline && temporaryFiles().isEmpty { usleep(200) }
            } else {
                usleep(UInt32(20_000 * (attempt - 5)))
            }
            if process.isRunning {
                if !temporaryFiles().isEmpty { killedMidWrite += 1 }
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            let now = try String(contentsOfFile: out, encoding: .utf8)
            if process.terminationReason == .uncaughtSignal {
                XCTAssertEqual(now, previous, "attempt \(attempt): a killed run must leave the previous file as it was")
            } else {
                XCTAssertEqual(process.terminationStatus, 0)
                XCTAssertEqual(now.split(separator: "\n").count, 2501, "attempt \(attempt): a finished run writes every row")
            }
            for leftover in temporaryFiles() { try FileManager.default.removeItem(atPath: Self.path(leftover)) }
        }
        XCTAssertGreaterThan(killedMidWrite, 0, "at least one run was killed while writing its temporary file")
    }

    /// Temporary files of the atomic writer for the killed output.
    func temporaryFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Self.dir.path)) ?? []).filter { $0.hasPrefix(".killed-scores.csv.tmp-") }
    }
}
