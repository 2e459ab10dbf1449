import ArgumentParser
import ArrearsCLI
import Foundation
import XCTest
import _TestSupport

final class ValidateCommandTests: XCTestCase {
    private func write(_ text: String, _ name: String, in dir: URL) -> String {
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    func testRejectsFileAccountsForEveryBadRow() throws {
        let dir = makeTemporaryDirectory()
        let a = write("account_id,balance,days_past_due\nA1,100,5\nA2,-5,3\nA1,20,1\nA3,NaN,2\nA4,10\n", "a.csv", in: dir)
        let p = write("account_id,date,amount_due,amount_paid\nA1,2025-02-30,10,5\nZZ,2025-01-01,1,1\nA1,2025-01-01,10,5\n", "p.csv", in: dir)
        let r = dir.appendingPathComponent("rejects.csv").path
        var command = try ArrearsCommand.parseAsRoot(["validate", "--accounts", a, "--payments", p, "--rejects", r])
        try command.run()
        let lines = try String(contentsOfFile: r, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "file,line,column,code,reason,account_id")
        let codes = lines.dropFirst().map { line -> String in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(cells[1]):\(cells[3])"
        }
        XCTAssertEqual(codes, ["3:negative_value", "4:duplicate_id", "5:non_finite", "6:ragged_row",
                               "2:bad_date", "3:unknown_account"])
    }

    func testStrictFailsWhenRowsAreRejected() throws {
        let dir = makeTemporaryDirectory()
        let a = write("account_id,balance,days_past_due\nA1,100,5\nA2,x,3\n", "a.csv", in: dir)
        let p = write("account_id,date,amount_due,amount_paid\n", "p.csv", in: dir)
        var command = try ArrearsCommand.parseAsRoot(["validate", "--accounts", a, "--payments", p, "--strict"])
        XCTAssertThrowsError(try command.run()) { XCTAssertTrue("\($0)".contains("--strict")) }
    }

    func testMissingFileNamesThePath() throws {
        let dir = makeTemporaryDirectory()
        let p = write("account_id,date,amount_due,amount_paid\n", "p.csv", in: dir)
        var command = try ArrearsCommand.parseAsRoot(["validate", "--accounts", "/nonexistent/acc.csv", "--payments", p])
        XCTAssertThrowsError(try command.run()) { XCTAssertTrue("\($0)".contains("/nonexistent/acc.csv")) }
    }

    func testBadFlagsAreRejectedNamingTheFlag() {
        XCTAssertThrowsError(try ArrearsCommand.parseAsRoot(
            ["validate", "--accounts", "a", "--payments", "b", "--as-of", "2026-02-30"])) { error in
            XCTAssertTrue(ArrearsCommand.message(for: error).contains("--as-of"))
        }
        XCTAssertThrowsError(try ArrearsCommand.parseAsRoot(["validate", "--accounts", "-", "--payments", "-"])) { error in
            XCTAssertTrue(ArrearsCommand.message(for: error).contains("standard input"))
        }
        XCTAssertThrowsError(try ArrearsCommand.parseAsRoot(["generate", "--accounts", "0", "--seed", "1", "--out", "/tmp/x"])) { error in
            XCTAssertTrue(ArrearsCommand.message(for: error).contains("--accounts"))
        }
    }
}
