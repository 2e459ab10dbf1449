import Foundation
import XCTest
import _TestSupport
@testable import PortfolioIO

final class CSVWriterTests: XCTestCase {
    private func csv(_ body: (CSVWriter) throws -> Void) throws -> String {
        let sink = MemorySink()
        let w = CSVWriter(to: sink)
        try body(w)
        try w.flush()
        return sink.text
    }

    func testQuotingAndFormulaEscaping() throws {
        let out = try csv { w in
            for cell in ["plain", "a,b", "say \"hi\"", "l1\nl2", "cr\r", "=SUM(A1)", "+1", "-1.5", "@x", "\tx", "\rx", "=a,b", ""] {
                w.text(cell)
            }
            try w.endRow()
        }
        XCTAssertEqual(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",\"cr\r\",'=SUM(A1),'+1,'-1.5,'@x,'\tx,\"'\rx\",\"'=a,b\",\n")
    }

    func testNumbersAreWrittenAsNumbers() throws {
        let out = try csv { w in
            w.number(-1.5); w.number(100); w.number(.nan); w.number(0.1); w.integer(-7)
            w.date(CalendarDay.parse("2026-02-28")!); w.date(CalendarDay.missing); w.empty()
            try w.endRow()
        }
        XCTAssertEqual(out, "-1.5,100.0,,0.1,-7,2026-02-28,,\n")
    }

    /// Seeded random rows written then read give the same cells, and doubles the same bits.
    func testWriteThenReadRoundTrips() throws {
        var rng = SeededGenerator(seed: 5)
        let alphabet: [Character] = ["a", "Z", ",", "\"", "\n", "\r", " ", "é", "1", "'", "€"]
        var rows: [[String]] = []
        var numbers: [Double] = []
        let out = try csv { w in
            for _ in 0..<300 {
                var row: [String] = []
                for _ in 0..<4 {
                    row.append(String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
                    w.text(row.last!)
                }
                let x = Double(bitPattern: rng.next() & 0xFFEF_FFFF_FFFF_FFFF)
                numbers.append(x)
                w.number(x)
                rows.append(row)
                try w.endRow()
            }
        }
        let back = try records(Array(out.utf8), chunkSize: 97)
        // A cell starting with CR is a formula trigger and comes back with its `'` prefix.
        let expected = rows.map { $0.map { $0.utf8.first == 13 ? "'" + $0 : $0 } }
        XCTAssertEqual(back.count, rows.count)
        XCTAssertTrue(back.map { Array($0.fields.prefix(4)) } == expected, "cells differ after the round trip")
        XCTAssertEqual(back.map { NumberParser.parse($0.fields[4]) }, numbers.map { .value($0) })
    }

    func testRejectsFileColumnsAndRoundTrip() throws {
        let rejects = [
            Reject(source: .accounts, file: "a.csv", line: 7, column: "balance", code: .negativeValue,
                   reason: "balance is '-12.50'; a balance must be ≥ 0", accountID: "=HYPERLINK(1)"),
            Reject(source: .payments, file: "p.csv", line: 3, column: nil, code: .raggedRow,
                   reason: "the row has 3 fields; the header has 4", accountID: ""),
        ]
        let out = try csv { w in try Reject.writeCSV(rejects, to: w) }
        let back = try records(Array(out.utf8))
        XCTAssertEqual(back.map(\.fields), [
            ["file", "line", "column", "code", "reason", "account_id"],
            ["a.csv", "7", "balance", "negative_value", "balance is '-12.50'; a balance must be ≥ 0", "'=HYPERLINK(1)"],
            ["p.csv", "3", "", "ragged_row", "the row has 3 fields; the header has 4", ""],
        ])
    }

    // MARK: Atomic files

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    func testUncommittedWriterLeavesOldFileIntact() throws {
        let dir = makeTemporaryDirectory()
        let target = dir.appendingPathComponent("out.csv").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        do {
            let f = try AtomicFileWriter(path: target)
            let w = CSVWriter(to: f)
            try w.row(["new"])
            try w.flush()
            // no commit: deinit discards
        }
        XCTAssertEqual(contents(target), "old\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.csv"])

        let f = try AtomicFileWriter(path: target)
        let w = CSVWriter(to: f)
        try w.row(["new"])
        try w.flush()
        f.discard()
        XCTAssertEqual(contents(target), "old\n")
        XCTAssertThrowsError(try f.commit())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.csv"])
    }

    func testCommitReplacesTheTarget() throws {
        let dir = makeTemporaryDirectory()
        let target = dir.appendingPathComponent("out.csv").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        let f = try AtomicFileWriter(path: target)
        let w = CSVWriter(to: f)
        try w.row(["a", "b"])
        w.number(-1.5); w.text("-1.5")
        try w.endRow()
        try w.flush()
        try f.commit()
        XCTAssertEqual(contents(target), "a,b\n-1.5,'-1.5\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.csv"])
    }

    func testMissingDirectoryIsAnOutputError() {
        XCTAssertThrowsError(try AtomicFileWriter(path: "/nonexistent-dir/x.csv")) { error in
            XCTAssertEqual((error as? OutputError)?.code, .cannotCreate)
        }
    }
}
