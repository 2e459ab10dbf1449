import Foundation
import XCTest
import _TestSupport

/// Crashes (issue 14 item 5): each input below trapped on main (SIGILL, a `try!` on a
/// write, a Gram-matrix precondition). They run the built `arrears` in a subprocess, so a
/// trap fails the test instead of killing the test run.
final class CrashTests: XCTestCase {
    /// The `arrears` executable beside the test bundle (SwiftPM builds it with the tests).
    private func executable() throws -> URL {
        guard let url = builtExecutable() else {
            throw XCTSkip("the arrears executable was not built next to the tests (\(CommandLine.arguments[0]))")
        }
        return url
    }

    private struct Run { var status: Int32; var signalled: Bool; var stderr: String }

    /// Runs `/bin/sh -c script` with `$A` = the executable, in `directory`.
    private func shell(_ script: String, in directory: URL) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["A"] = try executable().path
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                   stderr: String(decoding: data, as: UTF8.self))
    }

    private func assertNoTrap(_ run: Run, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(run.signalled, "\(label): killed by signal \(run.status)", file: file, line: line)
        XCTAssertFalse(run.stderr.contains("Fatal error") || run.stderr.contains("Crash"), "\(label): \(run.stderr.prefix(400))",
                       file: file, line: line)
    }

    func testOneCharacterOutputPathsAndClosedOrFullStreamsDoNotTrap() throws {
        let dir = makeTemporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = TrainedModel.requiredColumnsPath
        let (a, p) = TrainedModel.trainingPortfolio(accounts: 40, seed: 5)
        try Data(a.utf8).write(to: dir.appendingPathComponent("a.csv"))
        try Data(p.utf8).write(to: dir.appendingPathComponent("p.csv"))
        let score = "\"$A\" score --model '\(model)' --accounts a.csv --payments p.csv --as-of 2026-01-01 --quiet"

        let s = try shell(score + " --out s", in: dir)
        assertNoTrap(s, "--out s")
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("s").path))
        let dot = try shell(score + " --out .", in: dir)
        assertNoTrap(dot, "--out .")
        XCTAssertNotEqual(dot.status, 0)
        XCTAssertTrue(dot.stderr.contains("--out") && dot.stderr.contains("directory"), dot.stderr)

        // A full or closed standard output: no trap, and standard error says so.
        for redirect in [">/dev/full", ">&-"] {
            let r = try shell("\"$A\" inspect --model '\(model)' \(redirect)", in: dir)
            assertNoTrap(r, "inspect \(redirect)")
            XCTAssertTrue(r.stderr.contains("standard output: cannot write"), "inspect \(redirect): \(r.stderr)")
            XCTAssertEqual(r.status, 1, "inspect \(redirect): the result was lost, so the command failed")
        }
        // A full or closed standard error: the counts have nowhere to go; the outputs are written.
        for redirect in ["2>/dev/full", "2>&-"] {
            let r = try shell(score + " --out full.csv \(redirect)", in: dir)
            assertNoTrap(r, "score \(redirect)")
            XCTAssertEqual(r.status, 0, "score \(redirect)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("full.csv").path))
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("full.csv"))
        }
    }

    /// An extra numeric column whose values differ but whose variance underflows (values
    /// near 1e-300) passed the constant check and tripped a precondition in the Gram
    /// matrix; it is dropped as constant to machine precision.
    func testAnExtraColumnWithUnderflowingVarianceIsDroppedNotATrap() throws {
        let dir = makeTemporaryDirectory("crash-tiny")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (a, p) = TrainedModel.trainingPortfolio(accounts: 200, seed: 3)
        var lines = a.split(separator: "\n").map(String.init)
        lines[0] += ",tiny"
        for k in 1..<lines.count { lines[k] += ",\(k % 7 + 1)e-300" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("a.csv"))
        try Data(p.utf8).write(to: dir.appendingPathComponent("p.csv"))
        let r = try shell("\"$A\" train --accounts a.csv --payments p.csv --as-of 2026-01-01 --holdout 0 --out m.json", in: dir)
        assertNoTrap(r, "train with a 1e-300 column")
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try shell("\"$A\" inspect --model m.json 1>&2", in: dir)
        XCTAssertTrue(summary.stderr.contains("dropped as constant:") && summary.stderr.contains("tiny"), summary.stderr)
    }
}
