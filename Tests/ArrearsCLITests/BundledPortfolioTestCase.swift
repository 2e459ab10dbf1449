import ArgumentParser
import ArrearsCLI
import Foundation
import XCTest
import _TestSupport

/// Command tests on a private copy of the bundled `data/` portfolio: the copy may be
/// named as an output or replaced without touching the repository's files.
class BundledPortfolioTestCase: XCTestCase {
    nonisolated(unsafe) static var dir: URL!
    static var accounts: String { dir.appendingPathComponent("accounts.csv").path }
    static var payments: String { dir.appendingPathComponent("payments.csv").path }

    override class func setUp() {
        super.setUp()
        dir = makeTemporaryDirectory("bundled-portfolio")
        let data = repositoryRoot().appendingPathComponent("data")
        for name in ["accounts.csv", "payments.csv"] {
            try? FileManager.default.copyItem(at: data.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
    }

    func path(_ name: String) -> String { Self.dir.appendingPathComponent(name).path }

    var portfolio: [String] { ["--accounts", Self.accounts, "--payments", Self.payments, "--as-of", "2026-01-01"] }

    /// Runs `arrears <arguments>` in-process.
    func run(_ arguments: [String]) throws {
        var command = try ArrearsCommand.parseAsRoot(arguments)
        try command.run()
    }

    /// Runs a command that must fail; returns the message a user sees (the exit code is
    /// checked to be non-zero).
    func failure(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try run(arguments)
            XCTFail("expected \(arguments.first ?? "") to fail", file: file, line: line)
            return ""
        } catch {
            XCTAssertNotEqual(ArrearsCommand.exitCode(for: error), .success, file: file, line: line)
            return ArrearsCommand.message(for: error)
        }
    }
}
