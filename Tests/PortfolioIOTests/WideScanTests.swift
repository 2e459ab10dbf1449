import XCTest
import _TestSupport
@testable import PortfolioIO

/// The wide (bitmap) record scanner must agree with the byte-at-a-time scanner on every
/// input: it only takes records both read the same way and hands the rest over.
final class WideScanTests: XCTestCase {
    private func allRecords(_ bytes: [UInt8], chunkSize: Int, wide: Bool) -> [String] {
        let r = CSVReader(bytes: bytes, name: "t.csv", chunkSize: chunkSize)
        r.useWideScan(wide)
        var out: [String] = []
        do throws(InputError) {
            while true {
                let s = try r.next()
                if s == .end { return out }
                out.append("\(r.line) \(s) \(r.fieldCount) " + r.strings().joined(separator: "|"))
            }
        } catch {
            out.append("error \(error)")
            return out
        }
    }

    /// Random inputs over the bytes that matter (separators, both line breaks, quotes,
    /// spaces, letters, a BOM sometimes), long enough to cross 64-byte mask words and
    /// buffer refills at every chunk size.
    func testRandomInputsGiveTheSameRecordsBothWays() {
        var rng = SeededGenerator(seed: 0xC5_1717)
        let alphabet: [UInt8] = Array("aaaaabbbcc,,,,\n\n\n\r\" 1234567890.-".utf8)
        for round in 0..<1500 {
            var bytes: [UInt8] = round % 17 == 0 ? [0xEF, 0xBB, 0xBF] : []
            let n = Int(rng.next() % 700)
            let quoteFree = round % 3 == 0     // most records then take the wide path
            for _ in 0..<n {
                var b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                if quoteFree && (b == UInt8(ascii: "\"") || b == 13) { b = UInt8(ascii: "x") }
                bytes.append(b)
            }
            for chunk in [4, 63, 64, 65, 200, 1 << 16] {
                XCTAssertEqual(allRecords(bytes, chunkSize: chunk, wide: true),
                               allRecords(bytes, chunkSize: 1 << 16, wide: false),
                               "round \(round), chunk \(chunk): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// A portfolio-shaped file (plain rows, sometimes a quoted or CRLF row) reads the same
    /// both ways, with the wide path actually taken for the plain rows.
    func testPlainRowsWithOccasionalQuotesAndCRLF() {
        var s = "account_id,date,amount_due,amount_paid\n"
        for k in 0..<5000 {
            switch k % 97 {
            case 0: s += "\"A\(k)\",2025-01-01,\(k).25,1\n"
            case 1: s += "A\(k),2025-01-01,\(k),1\r\n"
            case 2: s += "\n"
            case 3: s += "A\(k),\"2025-01-01\",\"x\"\"y\",1\n"
            default: s += "A\(k),2025-0\(1 + k % 9)-1\(k % 10),\(k % 997).\(k % 100),\(k % 13)\n"
            }
        }
        let bytes = Array(s.utf8)
        for chunk in [64, 1000, 4096, 1 << 20] {
            XCTAssertEqual(allRecords(bytes, chunkSize: chunk, wide: true), allRecords(bytes, chunkSize: 1 << 20, wide: false))
        }
    }

    func testStructuralMasksAgreeWithAByteLoop() {
        var rng = SeededGenerator(seed: 99)
        let bytes = (0..<(64 * 50)).map { _ in [UInt8](",\n\r\"ab,\t\0\u{7f}".utf8)[Int(rng.next() % 10)] | (rng.next() % 7 == 0 ? 0x80 : 0) }
        var masks = [UInt64](repeating: 0, count: 50)
        bytes.withUnsafeBufferPointer { b in
            masks.withUnsafeMutableBufferPointer { m in CSVReader.structuralMasks(b.baseAddress!, words: 50, into: m.baseAddress!) }
        }
        for k in 0..<50 {
            var expected: UInt64 = 0
            for j in 0..<64 where [44, 10, 13, 34].contains(bytes[64 * k + j]) { expected |= 1 << UInt64(j) }
            XCTAssertEqual(masks[k], expected, "word \(k)")
        }
    }
}
