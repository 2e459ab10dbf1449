import Foundation
import XCTest
@testable import PortfolioIO
import _TestSupport

/// The parallel reader must give exactly what the one-pass reader gives: every row,
/// line number, reject and error, whatever the block and piece sizes.
final class ParallelReadTests: XCTestCase {
    /// Reads with the one-pass reader (`layout` nil) or the parallel one.
    private func readBoth(_ accounts: [UInt8], _ payments: [UInt8], layout: ParallelReadLayout,
                          options: ReadOptions = ReadOptions(), chunkSize: Int)
        -> (sequential: Result<Portfolio, InputError>, parallel: Result<Portfolio, InputError>) {
        func run(_ layout: ParallelReadLayout?) -> Result<Portfolio, InputError> {
            do throws(InputError) {
                return .success(try readPortfolio(
                    accounts: CSVReader(bytes: accounts, name: "a.csv", chunkSize: chunkSize),
                    payments: CSVReader(bytes: payments, name: "p.csv", chunkSize: chunkSize),
                    options: options, layout: layout))
            } catch {
                return .failure(error)
            }
        }
        return (run(nil), run(layout))
    }

    private func assertSame(_ a: Result<Portfolio, InputError>, _ b: Result<Portfolio, InputError>,
                            _ context: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        switch (a, b) {
        case (.failure(let x), .failure(let y)):
            XCTAssertEqual(x, y, context(), file: file, line: line)
        case (.success(let x), .success(let y)):
            XCTAssertEqual(x.accountRows, y.accountRows, context(), file: file, line: line)
            XCTAssertEqual(x.paymentRows, y.paymentRows, context(), file: file, line: line)
            XCTAssertEqual(x.rejects, y.rejects, context(), file: file, line: line)
            XCTAssertEqual(x.accounts.accountID, y.accounts.accountID, context(), file: file, line: line)
            XCTAssertEqual(x.accounts.sourceLine, y.accounts.sourceLine, context(), file: file, line: line)
            XCTAssertEqual(x.accounts.balance, y.accounts.balance, context(), file: file, line: line)
            XCTAssertEqual(x.accounts.daysPastDue, y.accounts.daysPastDue, context(), file: file, line: line)
            XCTAssertEqual(x.accounts.product, y.accounts.product, context(), file: file, line: line)
            XCTAssertEqual(x.accounts.hasLabels, y.accounts.hasLabels, context(), file: file, line: line)
            XCTAssertEqual(x.accounts.extraColumns.map(\.name), y.accounts.extraColumns.map(\.name), context(), file: file, line: line)
            XCTAssertEqual(x.accounts.extraColumns.map(\.text), y.accounts.extraColumns.map(\.text), context(), file: file, line: line)
            XCTAssertEqual(x.accounts.extraColumns.map(\.isNumeric), y.accounts.extraColumns.map(\.isNumeric), context(), file: file, line: line)
            XCTAssertEqual(x.accounts.extraColumns.map { $0.numeric.map(\.bitPattern) }, y.accounts.extraColumns.map { $0.numeric.map(\.bitPattern) },
                           context(), file: file, line: line)
            XCTAssertEqual(x.accountsFingerprint, y.accountsFingerprint, context(), file: file, line: line)
            XCTAssertEqual(x.paymentsFingerprint, y.paymentsFingerprint, context(), file: file, line: line)
            XCTAssertEqual(x.payments.accountIndex, y.payments.accountIndex, context(), file: file, line: line)
            XCTAssertEqual(x.payments.date, y.payments.date, context(), file: file, line: line)
            XCTAssertEqual(x.payments.amountDue.map(\.bitPattern), y.payments.amountDue.map(\.bitPattern),
                           context(), file: file, line: line)
            XCTAssertEqual(x.payments.amountPaid.map(\.bitPattern), y.payments.amountPaid.map(\.bitPattern),
                           context(), file: file, line: line)
        default:
            XCTFail("one reader failed, the other did not: \(a) vs \(b); \(context())", file: file, line: line)
        }
    }

    /// A random payments file: valid rows, rejects of every kind, quoted cells with line
    /// breaks, commas and `""`, blank lines, LF / CRLF / lone CR, a BOM, and sometimes a
    /// last line without a break or with an unclosed quote.
    private func randomPayments(ids: [String], rng: inout SeededGenerator) -> [UInt8] {
        var s = rng.next(10) == 0 ? "\u{FEFF}" : ""
        s += rng.next(4) == 0 ? "date,account_id,amount_paid,amount_due,note\n" : "account_id,date,amount_due,amount_paid,note\n"
        let swapped = s.contains("date,account_id")
        let dates = ["2025-01-31", "2025-02-30", "2024-12-01", " 2025-03-04 ", "", "2025-1-1", "2026-01-01"]
        let amounts = ["10", "0", "12.50", "-3", "NaN", "", "1e3", " 7 ", "1,5", "\"2.25\"", "abc"]
        let notes = ["", "x", "\"a\nb\"", "\"a,\"\"b\"\"\r\nc\"", "\"\n\n\"", "\"ok\"", "\"bad\"tail", "\r"]
        for _ in 0..<rng.next(120) {
            var id = rng.next(12) == 0 ? "ZZ\(rng.next(5))" : ids[rng.next(ids.count)]
            if rng.next(8) == 0 { id = "\"\(id)\"" }
            if rng.next(30) == 0 { id = "\"\(id)\n\"" }
            let date = dates[rng.next(dates.count)]
            var cells = swapped ? [date, id] : [id, date]
            cells += [amounts[rng.next(amounts.count)], amounts[rng.next(amounts.count)], notes[rng.next(notes.count)]]
            if rng.next(15) == 0 { cells.removeLast() }
            if rng.next(25) == 0 { cells.append("extra") }
            s += cells.joined(separator: ",")
            switch rng.next(10) {
            case 0: s += "\r\n"
            case 1: s += "\r"
            case 2: s += "\n\n"
            case 3: s += "\r\n\r\n"
            default: s += "\n"
            }
        }
        switch rng.next(6) {
        case 0: s += "A1,2025-01-01,1,1"              // no final line break
        case 1: s += "A1,2025-01-01,1,\"unclosed\n"   // quote open at the end
        default: break
        }
        return Array(s.utf8)
    }

    private func randomAccounts(rng: inout SeededGenerator) -> (bytes: [UInt8], ids: [String]) {
        let labelled = rng.next(2) == 0
        var s = "account_id,balance,days_past_due,product,comment,score" + (labelled ? ",days_to_recovery,recovered\n" : "\n")
        var ids: [String] = []
        let balances = ["100", "-1", "NaN", "", "12.5", "\"7\""]
        for _ in 0..<(1 + rng.next(30)) {
            let id = "A\(rng.next(25))"
            ids.append(id)
            let comment = ["", "\"multi\nline\"", "plain", "\"q\"\"q\""][rng.next(4)]
            var cells = [id, balances[rng.next(balances.count)], ["3", "x", "2.0"][rng.next(3)], "card", comment,
                         ["1", "2.5", "", "x", "1e400"][rng.next(5)]]
            if labelled { cells += [["10", "-1", "", "5"][rng.next(4)], ["0", "1", "2"][rng.next(3)]] }
            s += cells.joined(separator: ",") + (rng.next(3) == 0 ? "\r\n" : "\n")
        }
        return (Array(s.utf8), ids)
    }

    func testRandomizedPortfoliosMatchTheSequentialReader() {
        var rng = SeededGenerator(seed: 0x5EED_8)
        for round in 0..<400 {
            let (accounts, ids) = randomAccounts(rng: &rng)
            let payments = randomPayments(ids: ids, rng: &rng)
            let layout = ParallelReadLayout(blockSize: 16 + rng.next(400), piecesPerBlock: 1 + rng.next(9),
                                            overlap: 1 + rng.next(64))
            let chunk = [4, 7, 64, 1 << 20][rng.next(4)]
            let options = ReadOptions(fingerprint: round % 2 == 0)
            let (a, b) = readBoth(accounts, payments, layout: layout, options: options, chunkSize: chunk)
            assertSame(a, b, "round \(round), layout \(layout), chunk \(chunk)")
            if round % 2 == 0, case .success(let p) = b {
                // The fingerprints are those of the bytes as given, however they were cut.
                var h = SHA256(portable: true)
                h.update(payments)
                XCTAssertEqual(p.paymentsFingerprint, InputFingerprint(bytes: payments.count, sha256: h.finalizeHex()))
            }
        }
    }

    func testPieceCutsInsideQuotedLineBreaksAreRepaired() throws {
        // Every other line break is inside a quoted field, so most presumed piece starts
        // are wrong and the merge must parse those pieces again.
        var payments = "account_id,date,amount_due,amount_paid,note\n"
        for k in 0..<300 {
            payments += "A\(k % 3),2025-01-0\(1 + k % 9),\(k),1,\"line\nbreak \(k)\"\n"
        }
        let accounts = Array("account_id,balance,days_past_due\nA0,1,0\nA1,2,0\nA2,3,0\n".utf8)
        for pieces in [2, 3, 8, 16] {
            for block in [64, 100, 257, 4096, 1 << 20] {
                let layout = ParallelReadLayout(blockSize: block, piecesPerBlock: pieces, overlap: 8)
                let (a, b) = readBoth(accounts, Array(payments.utf8), layout: layout, chunkSize: 1 << 20)
                assertSame(a, b, "pieces \(pieces), block \(block)")
                if case .success(let p) = b {
                    XCTAssertEqual(p.payments.count, 300)
                    XCTAssertEqual(p.rejects, [])
                }
            }
        }
    }

    func testRecordLongerThanABlockGrowsIt() throws {
        let long = String(repeating: "x", count: 5000)
        let payments = "account_id,date,amount_due,amount_paid,note\nA0,2025-01-01,1,1,\"\(long)\n\(long)\"\nA0,2025-01-02,2,2,\nZ,2025-01-03,1,1,\n"
        let accounts = Array("account_id,balance,days_past_due\nA0,1,0\n".utf8)
        let layout = ParallelReadLayout(blockSize: 64, piecesPerBlock: 4, overlap: 4)
        let (a, b) = readBoth(accounts, Array(payments.utf8), layout: layout, chunkSize: 16)
        assertSame(a, b, "long record")
        let p = try b.get()
        XCTAssertEqual(p.payments.count, 2)
        XCTAssertEqual(p.rejects.map(\.line), [5])
    }

    func testPathReaderAgreesWithOnePass() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parallel-read-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededGenerator(seed: 42)
        let (accounts, ids) = randomAccounts(rng: &rng)
        var payments = Array("account_id,date,amount_due,amount_paid\n".utf8)
        for k in 0..<20000 {
            payments += Array("\(ids[k % ids.count]),2025-0\(1 + k % 9)-1\(k % 10),\(k % 97).5,\(k % 13)\n".utf8)
        }
        let a = dir.appendingPathComponent("a.csv").path, p = dir.appendingPathComponent("p.csv").path
        FileManager.default.createFile(atPath: a, contents: Data(accounts))
        FileManager.default.createFile(atPath: p, contents: Data(payments))
        let one = try readPortfolio(accountsPath: a, paymentsPath: p, parallel: false)
        let many = try readPortfolio(accountsPath: a, paymentsPath: p, parallel: true)
        assertSame(.success(one), .success(many), "files")
        XCTAssertEqual(one.paymentRows, 20000)
    }
}

extension SeededGenerator {
    /// Uniform in 0..<n.
    fileprivate mutating func next(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
