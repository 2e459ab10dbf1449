import Foundation
import XCTest
import _TestSupport
@testable import PortfolioIO

/// The byte formatter (`DecimalText`, `appendDecimal`, `TextOutput.decimal`) against the
/// String-based formatter it replaced, kept here as the reference: the output bytes of
/// every file depend on them being the same.
final class DecimalTextTests: XCTestCase {
    /// The formatter before issue 17 (Int64 division per digit, `String(x)` beyond range).
    static func referenceDecimal(_ x: Double, _ decimals: Int, trim: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        guard !x.isNaN else { return bytes }
        var unit: Int64 = 1
        for _ in 0..<decimals { unit &*= 10 }
        let scaled = (x * Double(unit)).rounded()
        guard x.isFinite, Swift.abs(scaled) < 9.0e15 else { bytes.append(contentsOf: String(x).utf8); return bytes }
        let magnitude = Int64(Swift.abs(scaled))
        if magnitude != 0 && scaled < 0 { bytes.append(UInt8(ascii: "-")) }
        var whole = magnitude / unit
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") &+ UInt8(whole % 10))
            whole /= 10
        } while whole > 0
        bytes[start...].reverse()
        var frac = magnitude % unit
        var digits = decimals
        if trim { while digits > 0 && frac % 10 == 0 { frac /= 10; digits -= 1 } }
        guard digits > 0 else { return bytes }
        bytes.append(UInt8(ascii: "."))
        var divisor: Int64 = 1
        for _ in 1..<digits { divisor &*= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8((frac / divisor) % 10))
            divisor /= 10
        }
        return bytes
    }

    /// Doubles that stress the formatter: signed zeros, tiny and huge magnitudes, values on
    /// and next to rounding ties at every number of decimals, the fixed-point range's edge
    /// (9·10¹⁵ after scaling), powers of ten, integers, infinities and NaN.
    static func edgeCases() -> [Double] {
        var v: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                           .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
                           1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 0.05, 0.005, 0.0005, 0.125, 0.375, 1e-7, 5e-7, 4.9999999e-7,
                           9e15, 8.999999999999998e15, 9.000000000000002e15, 9e13, 9e9, 9e6, 1e15, 1e16, 1e17, 1e20, 1e300,
                           123456789.125, 0.999999, 0.9999995, 0.99999949999, 99.995, 99.994999, 1.005, 2.675, 1.115]
        var e = 1.0
        for _ in 0..<22 {
            v += [e, -e, e.nextUp, e.nextDown, 1 / e, (1 / e).nextUp, (1 / e).nextDown]
            e *= 10
        }
        for d in 0...9 {
            let unit = pow(10.0, Double(d))
            for k in [1.0, 3, 5, 7, 12_345, 999_999, 1e9 + 5] {
                let tie = (k + 0.5) / unit
                v += [tie, tie.nextUp, tie.nextDown, -tie, -tie.nextUp, -tie.nextDown]
            }
            let edge = 9e15 / unit
            v += [edge, edge.nextUp, edge.nextDown, -edge, -edge.nextDown]
        }
        return v
    }

    private func assertSame(_ x: Double, _ d: Int, trim: Bool, file: StaticString = #filePath, line: UInt = #line) {
        var got: [UInt8] = []
        appendDecimal(x, d, trim: trim, to: &got)
        let want = Self.referenceDecimal(x, d, trim: trim)
        if got != want {
            XCTFail("\(x) (bits \(String(x.bitPattern, radix: 16))) with \(d) decimals, trim \(trim): "
                    + "\(String(decoding: got, as: UTF8.self)) ≠ \(String(decoding: want, as: UTF8.self))", file: file, line: line)
        }
    }

    func testEdgeCasesMatchTheReference() {
        for x in Self.edgeCases() {
            for d in 0...9 {
                assertSame(x, d, trim: false)
                assertSame(x, d, trim: true)
            }
        }
    }

    func testKnownTexts() {
        func text(_ x: Double, _ d: Int, trim: Bool = false) -> String {
            var b: [UInt8] = []
            appendDecimal(x, d, trim: trim, to: &b)
            return String(decoding: b, as: UTF8.self)
        }
        XCTAssertEqual(text(12.3, 2), "12.30")
        XCTAssertEqual(text(-0.5, 2), "-0.50")
        XCTAssertEqual(text(-0.0, 2), "0.00")
        XCTAssertEqual(text(-0.001, 2), "0.00")
        XCTAssertEqual(text(45, 2, trim: true), "45")
        XCTAssertEqual(text(45.5, 2, trim: true), "45.5")
        XCTAssertEqual(text(0.25, 6), "0.250000")
        XCTAssertEqual(text(1e16, 2), "1e+16")
        XCTAssertEqual(text(.infinity, 2), "inf")
        XCTAssertEqual(text(.nan, 2), "")
        XCTAssertEqual(text(2.5, 0), "3")
        XCTAssertEqual(text(-2.5, 0), "-3")
    }

    /// Random doubles of every magnitude (random bit patterns) and of the magnitudes the
    /// outputs hold (probabilities, balances, days, points), at every number of decimals.
    func testRandomDoublesMatchTheReference() {
        var rng = SeededGenerator(seed: 17)
        for n in 0..<200_000 {
            let x: Double
            switch n % 5 {
            case 0: x = Double(bitPattern: rng.next())
            case 1: x = Double.random(in: 0...1, using: &rng)
            case 2: x = Double.random(in: -1e6...1e6, using: &rng)
            case 3: x = (Double.random(in: -1e4...1e4, using: &rng) * 100).rounded() / 100 + Double.random(in: -1e-9...1e-9, using: &rng)
            default: x = Double(sign: Bool.random(using: &rng) ? .minus : .plus,
                                exponent: Int.random(in: -40...60, using: &rng), significand: Double.random(in: 1..<2, using: &rng))
            }
            let d = Int(rng.next() % 10)
            assertSame(x, d, trim: n % 2 == 0)
        }
    }

    /// `TextOutput.decimal` writes the same digits as `appendDecimal`, after the separator
    /// (CSV) or the key (JSON Lines), and `null` / an empty cell for NaN.
    func testCellsCarryTheFormattedNumbers() {
        var rng = SeededGenerator(seed: 3)
        for format in OutputFormat.allCases {
            var out = TextOutput(format: format, header: ["a", "b"], writeHeader: false)
            var want: [UInt8] = []
            for n in 0..<2_000 {
                let a = n % 97 == 0 ? Double.nan : Double(bitPattern: rng.next())
                let b = Double.random(in: -1e3...1e3, using: &rng)
                out.decimal(a, 6)
                out.decimal(b, 2, trim: true)
                out.endRow()
                let ta = a.isNaN ? (format == .csv ? [] : Array("null".utf8)) : Self.referenceDecimal(a, 6)
                let tb = Self.referenceDecimal(b, 2, trim: true)
                want += format == .csv ? ta + [UInt8(ascii: ",")] + tb + [10]
                    : Array("{\"a\":".utf8) + ta + Array(",\"b\":".utf8) + tb + Array("}\n".utf8)
            }
            XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), String(decoding: want, as: UTF8.self), "\(format)")
        }
    }

    func testIntegersAsStringPrintsThem() {
        var rng = SeededGenerator(seed: 5)
        for v in [0, 1, -1, 9, 10, 99, 100, -100, Int.max, Int.min, Int(Int32.max)] + (0..<10_000).map({ _ in Int(bitPattern: UInt(rng.next())) >> Int(rng.next() % 64) }) {
            var b: [UInt8] = []
            b.appendInteger(v)
            XCTAssertEqual(String(decoding: b, as: UTF8.self), String(v))
        }
    }

    /// Text given as bytes (`text(bytes:)`, `textCell`) is escaped exactly as `text(_:)`
    /// escapes a String, for texts with and without every special character, at every
    /// position against the eight-byte scan.
    func testByteTextIsEscapedAsStrings() {
        let specials: [String] = [",", "\"", "\n", "\r", "\t", "=", "+", "-", "@", "\\", "\u{1}", "é", "x"]
        var rng = SeededGenerator(seed: 11)
        for format in OutputFormat.allCases {
            for _ in 0..<3_000 {
                let length = Int(rng.next() % 24)
                var s = ""
                for _ in 0..<length { s += rng.next() % 4 == 0 ? specials[Int(rng.next() % UInt64(specials.count))] : "a" }
                var viaString = TextOutput(format: format, header: ["k", "l", "m"], writeHeader: false)
                viaString.text(s); viaString.text(s); viaString.text(s); viaString.endRow()
                var viaBytes = TextOutput(format: format, header: ["k", "l", "m"], writeHeader: false)
                Array(s.utf8).withUnsafeBytes { viaBytes.text(bytes: $0) }
                viaBytes.textCell { $0.append(contentsOf: s.utf8) }
                viaBytes.textCell { $0.append(contentsOf: s.utf8) }
                viaBytes.endRow()
                XCTAssertEqual(viaBytes.bytes, viaString.bytes, "\(format) \(s.debugDescription)")
            }
        }
    }

    func testRowsAppendToACallersBufferInChunks() {
        let header = ["i", "x"]
        let render: @Sendable (Range<Int>, inout TextOutput) -> Void = { range, out in
            for i in range { out.decimal(Double(i), 0); out.decimal(Double(i) / 7, 3); out.endRow() }
        }
        for format in OutputFormat.allCases {
            let whole = TextOutput.rendered(format: format, header: header, count: 1_000, bytesPerRow: 16, chunkSize: 7, render)
            var pieces = TextOutput.headerBytes(format: format, header: header)
            for lo in stride(from: 0, to: 1_000, by: 333) {
                TextOutput.render(rows: lo..<min(1_000, lo + 333), format: format, header: header, bytesPerRow: 16, chunkSize: 50,
                                  appendingTo: &pieces, render)
            }
            XCTAssertEqual(pieces, whole)
            let single = TextOutput.rendered(format: format, header: header, count: 1_000, bytesPerRow: 16, chunkSize: 5_000, render)
            XCTAssertEqual(single, whole)
        }
    }
}
