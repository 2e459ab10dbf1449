import Foundation
import XCTest
import _TestSupport
@testable import PortfolioIO

final class CSVReaderTests: XCTestCase {
    func testQuotedFieldsWithCommasDoubledQuotesAndNewlines() throws {
        let text = "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"l1\nl2\r\nl3\"\nplain,,\"\"\n"
        let recs = try records(Array(text.utf8))
        XCTAssertEqual(recs.map(\.fields), [["a", "b", "c"], ["x,y", "say \"hi\"", "l1\nl2\r\nl3"], ["plain", "", ""]])
        XCTAssertEqual(recs.map(\.line), [1, 2, 5])
        XCTAssertEqual(recs.map(\.status), [.record, .record, .record])
    }

    func testLineEndingsCRLFLFMixedAndLoneCR() throws {
        let recs = try records(Array("a,b\r\n1,2\n3,4\r5,6\r\n".utf8))
        XCTAssertEqual(recs.map(\.fields), [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]])
        XCTAssertEqual(recs.map(\.line), [1, 2, 3, 4])
    }

    func testByteOrderMarkIsStripped() throws {
        let recs = try records([0xEF, 0xBB, 0xBF] + Array("id,x\n1,2".utf8))
        XCTAssertEqual(recs.map(\.fields), [["id", "x"], ["1", "2"]])
    }

    func testLastLineWithoutNewlineAndTrailingEmptyField() throws {
        XCTAssertEqual(try records(Array("a,b\n1,".utf8)).map(\.fields), [["a", "b"], ["1", ""]])
        XCTAssertEqual(try records(Array("a,b\n1,2".utf8)).map(\.fields), [["a", "b"], ["1", "2"]])
        XCTAssertEqual(try records(Array("a,b\n\"1\",\"2\"".utf8)).map(\.fields), [["a", "b"], ["1", "2"]])
    }

    func testBlankLinesAreSkippedButCounted() throws {
        let recs = try records(Array("a\n\n\r\n1\n\n".utf8))
        XCTAssertEqual(recs.map(\.fields), [["a"], ["1"]])
        XCTAssertEqual(recs.map(\.line), [1, 4])
        // A quoted empty field is a record, not a blank line.
        XCTAssertEqual(try records(Array("a\n\"\"\n".utf8)).map(\.fields), [["a"], [""]])
    }

    func testUnterminatedQuoteAtEndOfFile() throws {
        let recs = try records(Array("a,b\n1,\"open\nstill open".utf8))
        XCTAssertEqual(recs.count, 2)
        XCTAssertEqual(recs[1].status, .unterminatedQuote)
        XCTAssertEqual(recs[1].line, 2)
        XCTAssertEqual(recs[1].fields, ["1", "open\nstill open"])
    }

    func testTextAfterClosingQuoteIsFlagged() throws {
        let recs = try records(Array("a,b\n\"x\"y,2\n3,4\n".utf8))
        XCTAssertEqual(recs.map(\.status), [.record, .textAfterClosingQuote, .record])
        XCTAssertEqual(recs[2].fields, ["3", "4"])
    }

    func testEmptyInputHasNoRecords() throws {
        XCTAssertTrue(try records([]).isEmpty)
        XCTAssertTrue(try records([0xEF, 0xBB, 0xBF]).isEmpty)
    }

    /// Every chunk size gives the same records and lines as one big buffer, so records
    /// crossing chunk boundaries (inside quotes, between CR and LF) are handled.
    func testChunkBoundariesDoNotChangeRecords() throws {
        for name in ["edge_accounts.csv", "edge_payments.csv", "reject_accounts.csv"] {
            let bytes = try fixture(name)
            let whole = try records(bytes)
            for chunk in 1...40 {
                let small = try records(bytes, chunkSize: chunk)
                XCTAssertEqual(small.map(\.fields), whole.map(\.fields), "\(name) chunk \(chunk)")
                XCTAssertEqual(small.map(\.line), whole.map(\.line), "\(name) chunk \(chunk)")
            }
        }
    }

    /// Seeded random cells (commas, quotes, CR, LF, unicode) written by hand-rolled RFC
    /// 4180 quoting read back identical, at random chunk sizes.
    func testRandomQuotedCellsReadBack() throws {
        var rng = SeededGenerator(seed: 7)
        let alphabet: [Character] = ["a", "b", ",", "\"", "\n", "\r", " ", "é", "1", "-"]
        for _ in 0..<200 {
            var rows: [[String]] = []
            var text = ""
            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                var row: [String] = []
                for _ in 0..<3 {
                    let cell = String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                    row.append(cell)
                }
                rows.append(row)
                text += row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
                text += Bool.random(using: &rng) ? "\r\n" : "\n"
            }
            let got = try records(Array(text.utf8), chunkSize: Int.random(in: 1...16, using: &rng))
            XCTAssertEqual(got.map(\.fields), rows)
        }
    }

    func testReadsFromPathAndReportsMissingFile() throws {
        let r = try CSVReader(path: try fixturePath("edge_payments.csv"))
        XCTAssertEqual(try r.next(), .record)
        XCTAssertEqual(r.strings(), ["date", "AMOUNT_PAID", "account_id", "amount_due", "memo"])
        XCTAssertThrowsError(try CSVReader(path: "/nonexistent/accounts.csv")) { error in
            XCTAssertEqual((error as? InputError)?.code, .unreadableFile)
        }
    }
}

