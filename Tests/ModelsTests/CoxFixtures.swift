import Foundation
import XCTest
import LinearAlgebra
import Models

/// Readers for `Fixtures/cox/` (made by `scripts/fixtures_cox.R` with R survival 3.5.3).
enum CoxFixtures {
    static func url(_ name: String, folder: String = "cox") throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(folder)/\(name)", withExtension: nil),
                      "missing fixture \(name)")
    }

    /// A data set: the named feature columns as a row-major matrix, plus time and event.
    struct DataSet {
        var x: Matrix
        var time: [Double]
        var event: [Bool]
    }

    static func data(_ name: String, features: [String], folder: String = "cox") throws -> DataSet {
        let text = try String(contentsOf: url(name, folder: folder), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let col = { (c: String) throws -> Int in try XCTUnwrap(header.firstIndex(of: c), "no column \(c) in \(name)") }
        let ti = try col("time"), ei = try col("event")
        let fi = try features.map(col)
        var storage: [Double] = []
        var time: [Double] = [], event: [Bool] = []
        for line in lines {
            let cells = try line.split(separator: ",", omittingEmptySubsequences: false)
                .map { try XCTUnwrap(Double(String($0)), "bad number \($0) in \(name)") }
            XCTAssertEqual(cells.count, header.count)
            time.append(cells[ti])
            event.append(cells[ei] == 1)
            for j in fi { storage.append(cells[j]) }
        }
        return DataSet(x: Matrix(rows: time.count, cols: features.count, storage: storage), time: time, event: event)
    }

    /// One R fit (`reference()` in the script). Scalars are stored as 1-element arrays.
    struct Reference {
        let fields: [String: Any]
        func numbers(_ key: String) throws -> [Double?] {
            let a = try XCTUnwrap(fields[key] as? [Any], "no field \(key)")
            return a.map { ($0 as? NSNumber)?.doubleValue }
        }
        func values(_ key: String) throws -> [Double] { try numbers(key).map { try XCTUnwrap($0) } }
        func value(_ key: String) throws -> Double { try XCTUnwrap(values(key).first) }
        func strings(_ key: String) throws -> [String] { try XCTUnwrap(fields[key] as? [String]) }
    }

    static func reference(_ name: String, folder: String = "cox") throws -> Reference {
        let data = try Data(contentsOf: url(name, folder: folder))
        return Reference(fields: try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }
}

/// Asserts |a − b| ≤ rel·max(|a|, |b|) (or ≤ abs near zero), with a readable message.
func assertClose(_ a: Double, _ b: Double, rel: Double = 1e-6, abs: Double = 1e-12, _ what: @autoclosure () -> String,
                 file: StaticString = #filePath, line: UInt = #line) {
    let d = Swift.abs(a - b)
    XCTAssertTrue(d <= abs || d <= rel * max(Swift.abs(a), Swift.abs(b)),
                  "\(what()): \(a) vs R \(b) (relative difference \(d / max(Swift.abs(a), Swift.abs(b))))",
                  file: file, line: line)
}

/// Asserts each coefficient's estimate and standard error against R's
/// `coefficients`/`standard_errors` (1e-6 relative).
func assertCoefficients(_ coefficients: [Coefficient], _ r: CoxFixtures.Reference, _ what: String,
                        file: StaticString = #filePath, line: UInt = #line) throws {
    let beta = try r.values("coefficients"), se = try r.values("standard_errors")
    XCTAssertEqual(coefficients.count, beta.count, what, file: file, line: line)
    for (k, c) in coefficients.enumerated() {
        assertClose(c.estimate, beta[k], "\(what) β[\(c.name)]", file: file, line: line)
        assertClose(c.standardError, se[k], "\(what) se[\(c.name)]", file: file, line: line)
    }
}
