import Foundation
import XCTest
import LinearAlgebra

/// Readers for `Fixtures/logistic/` (made by `scripts/fixtures_logistic.py`).
enum LogisticFixtures {
    static func url(_ name: String, folder: String = "logistic") throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(folder)/\(name)", withExtension: nil),
                      "missing fixture \(name)")
    }

    /// A numeric CSV (header row, no quotes) as named columns.
    static func csv(_ name: String, folder: String = "logistic") throws -> (header: [String], columns: [[Double]]) {
        let text = try String(contentsOf: url(name, folder: folder), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var columns = [[Double]](repeating: [], count: header.count)
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(cells.count, header.count)
            for (j, cell) in cells.enumerated() { columns[j].append(try XCTUnwrap(Double(String(cell)))) }
        }
        return (header, columns)
    }

    /// Row-major matrix of the named columns, plus the label column.
    static func design(_ name: String, features: [String], label: String, folder: String = "logistic") throws -> (Matrix, [Double]) {
        let (header, columns) = try csv(name, folder: folder)
        let idx = try features.map { f in try XCTUnwrap(header.firstIndex(of: f), "no column \(f)") }
        let n = columns[0].count
        var x = Matrix(rows: n, cols: features.count)
        for i in 0..<n { for (j, c) in idx.enumerated() { x[i, j] = columns[c][i] } }
        return (x, columns[try XCTUnwrap(header.firstIndex(of: label))])
    }

    static func json(_ name: String, folder: String = "logistic") throws -> [String: Any] {
        let data = try Data(contentsOf: url(name, folder: folder))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// |a − b| ≤ rel·max(|a|, |b|), with a message naming what is compared.
func assertRelative(_ a: Double, _ b: Double, _ rel: Double = 1e-6, _ what: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    let ok = Swift.abs(a - b) <= rel * Swift.max(Swift.abs(a), Swift.abs(b)) || a == b
    XCTAssert(ok, "\(what): \(a) vs reference \(b) (relative tolerance \(rel))", file: file, line: line)
}

func doubles(_ any: Any?) -> [Double] { (any as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? [] }
func number(_ any: Any?) -> Double { (any as? NSNumber)?.doubleValue ?? .nan }
