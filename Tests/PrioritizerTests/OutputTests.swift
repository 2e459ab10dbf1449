import Foundation
import PortfolioIO
import XCTest
import _TestSupport
@testable import Prioritizer

final class OutputTests: XCTestCase {
    /// One account per class and rule, plus a rejected line.
    private func mixedBook() -> Book {
        var book = Book()
        book.reasonTexts = ["missed the last 3 statements", "balance is high", "=cmd|' /C calc'!A0"]
        book.add("W-2", balance: 1000, p: 0.5, median: 60, points: 612.5, reasons: [1, 0, -1])
        book.add("W-1", balance: 2000, p: 0.5, median: .nan, points: 640, reasons: [2, -1, -1])
        book.add("over", balance: 500, p: 0.5)
        book.add("calls", balance: 900, calls: 7)
        book.add("poor", balance: 6, p: 0.5, dpd: 12)
        book.add("=HYPERLINK(\"x\",\"y\")", bankruptcy: true)
        book.reject(line: 8, id: "bad,id")
        return book
    }

    func testWorklistFileLayout() throws {
        let r = try mixedBook().rank(capacity: 2)
        XCTAssertEqual(r.text(), """
            rank,account_id,balance,p_recover,expected_value,net_value,median_days,score_points,reason_1,reason_2,reason_3,value_driver
            1,W-1,2000.00,0.500000,1000.00,995.00,,640,'=cmd|' /C calc'!A0,,,mostly balance (2.1x the median balance; p 1.0x the median)
            2,W-2,1000.00,0.500000,500.00,495.00,60,612.5,balance is high,missed the last 3 statements,,mostly balance (1.1x the median balance; p 1.0x the median)

            """)
    }

    func testHoldsFileLayoutClassOrderAndEscaping() throws {
        let r = try mixedBook().rank(capacity: 2)
        XCTAssertEqual(r.text(holds: true), """
            class,account_id,rule,reason,balance,days_past_due,p_recover,expected_value,net_value,median_days,score_points,line
            deferred,calls,call_limit,calls_last_7d 7 >= max_calls_7d 7,900.00,30,0.500000,450.00,445.00,45,600,5
            deferred,over,over_capacity,over capacity: rank 3 > capacity 2 (net value 245.00),500.00,30,0.500000,250.00,245.00,45,600,4
            not_worth_pursuing,poor,below_min_net_value,net value -2.00 < min_net_value 0.00 (EV 3.00 = balance 6.00 x recovery rate 1 x p 0.500000; cost_per_attempt 5.00),6.00,12,0.500000,3.00,-2.00,45,600,6
            do_not_contact,"'=HYPERLINK(""x"",""y"")",bankruptcy,hold flag: bankruptcy,1000.00,30,0.500000,500.00,495.00,45,600,7
            rejected,"bad,id",negative_value,balance: balance is -1.00; balances must be ≥ 0,,,,,,,,8

            """)
    }

    func testCellEscaping() {
        var out = TextOutput(format: .csv, header: ["a"])
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "plain", "a,b", "say \"hi\"", "line\nbreak", ""] {
            out.text(s)
        }
        out.decimal(-3.5, 2)
        out.decimal(.nan, 2)
        out.endRow()
        XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self),
                       "a\n'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",plain,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",,-3.50,\n")
    }

    func testJSONLinesCarryTheSameFields() throws {
        let r = try mixedBook().rank(capacity: 2)
        let lines = r.text(.jsonl).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual(Set(first.keys), Set(WorklistResult.worklistColumns))
        XCTAssertEqual(first["rank"] as? Int, 1)
        XCTAssertEqual(first["account_id"] as? String, "W-1")
        XCTAssertEqual(first["net_value"] as? Double, 995)
        XCTAssertTrue(first["median_days"] is NSNull)
        XCTAssertEqual(first["reason_1"] as? String, "=cmd|' /C calc'!A0")  // JSON is not escaped for spreadsheets
        let holds = r.text(.jsonl, holds: true).split(separator: "\n")
        XCTAssertEqual(holds.count, 5)
        for line in holds {
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(Set(row.keys), Set(WorklistResult.holdsColumns))
        }
        let hyperlink = try JSONSerialization.jsonObject(with: Data(holds[3].utf8)) as! [String: Any]
        XCTAssertEqual(hyperlink["account_id"] as? String, "=HYPERLINK(\"x\",\"y\")")
    }

    func testSameInputsGiveIdenticalBytes() throws {
        let book = mixedBook()
        let a = try book.rank(capacity: 2), b = try book.rank(capacity: 2)
        XCTAssertEqual(a.worklistBytes(), b.worklistBytes())
        XCTAssertEqual(a.holdsBytes(), b.holdsBytes())
        XCTAssertEqual(a.holdsBytes(format: .jsonl), b.holdsBytes(format: .jsonl))
    }

    func testChunkedRenderingMatchesOneChunk() throws {
        let r = try mixedBook().rank(capacity: 2)
        for format in OutputFormat.allCases {
            XCTAssertEqual(r.holdsBytes(format: format, chunkSize: 1), r.holdsBytes(format: format, chunkSize: .max))
            XCTAssertEqual(r.holdsBytes(format: format, chunkSize: 2), r.holdsBytes(format: format))
            XCTAssertEqual(r.worklistBytes(format: format, chunkSize: 1), r.worklistBytes(format: format))
        }
    }

    func testWritesFilesAtomically() throws {
        let dir = makeTemporaryDirectory()
        let r = try mixedBook().rank(capacity: 2)
        let worklist = dir.appendingPathComponent("worklist.csv").path
        let holds = dir.appendingPathComponent("holds.csv").path
        try r.writeWorklist(to: worklist)
        try r.writeHolds(to: holds)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: worklist)), Data(r.worklistBytes()))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: holds)), Data(r.holdsBytes()))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["holds.csv", "worklist.csv"])
    }

    func testSummaryListsEveryClassAndRule() throws {
        let r = try mixedBook().rank(capacity: 2)
        XCTAssertEqual(r.counts.description, """
            worklist                2
            deferred                2  (call limit 1, over capacity 1)
            not worth pursuing      1  (below min net value 1)
            do not contact          1  (bankruptcy 1)
            rejected                1
            total input rows        7
            """)
    }

    func testNumberFormatting() {
        XCTAssertEqual(fixed(12.345, 2), "12.35")
        XCTAssertEqual(fixed(-0.004, 2), "0.00")
        XCTAssertEqual(fixed(-3.5, 2), "-3.50")
        XCTAssertEqual(fixed(0.05, 6), "0.050000")
        XCTAssertEqual(fixed(1e6, 2), "1000000.00")
        XCTAssertEqual(fixed(.nan, 2), "")
        XCTAssertEqual(trimmed(45), "45")
        XCTAssertEqual(trimmed(45.5), "45.5")
        XCTAssertEqual(trimmed(612.499), "612.5")
        XCTAssertEqual(trimmed(.nan), "")
        XCTAssertEqual(trimmed(-0.001, 2), "0")
        XCTAssertEqual(trimmed(100, 2), "100")
        XCTAssertEqual(fixed(7, 0), "7")
        XCTAssertEqual(fixed(0.000001, 6), "0.000001")
        XCTAssertEqual(fixed(1e20, 2), "1e+20")
    }
}
