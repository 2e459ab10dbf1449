import Foundation
import XCTest
import PortfolioIO
import _TestSupport
@testable import Features

/// The compiled reason templates (`ReasonTemplates`, behind `FeatureSpec.reasonText`)
/// against the String renderer they replaced, kept here as the reference, for every
/// column of a fitted spec, hand-written templates and many values.
final class ReasonTemplateTests: XCTestCase {
    // MARK: The renderer before issue 17

    static func referenceText(_ spec: FeatureSpec, _ featureIndex: Int, _ value: Double) -> String {
        let column = spec.columns[featureIndex]
        switch column.kind {
        case .builtin(let b):
            switch b {
            case .monthsSincePayment where value < 0.5: return "paid on the latest statement"
            case .missed3m where value < 0.5, .missed6m where value < 0.5, .missed12m where value < 0.5:
                return "missed none of the last \(b == .missed3m ? 3 : b == .missed6m ? 6 : 12) statements"
            case .currentMissedStreak where value < 0.5: return "paid on the latest statement"
            case .longestMissedStreak where value < 0.5: return "never missed a statement"
            case .paidTrend6 where value == 0: return "payments are flat"
            case .utilization where value == 0: return "balance is 0% of the credit limit, or no limit on file"
            case .daysSinceFullPayment where value >= Double(BuiltinFeature.daysSinceFullPaymentCap):
                return "no full payment in the last \(BuiltinFeature.daysSinceFullPaymentCap) days"
            default: break
            }
        case .oneHot(let name, let level) where value < 0.5:
            return level == .other ? "\(name) is a common value" : "\(name) is not \(level.label)"
        case .missingIndicator(let name) where value < 0.5:
            return "\(name) is present"
        default: break
        }
        let text = render(column.reasonTemplate, column: column, value: value)
        if let cap = column.cap, cap.isCapped(value) { return text + " (capped)" }
        return text
    }

    static func render(_ template: String, column: FeatureColumn, value: Double) -> String {
        var out: [UInt8] = []
        var bytes = template.utf8[...]
        let trend = Array("{trend}".utf8)
        let hasTrend = template.utf8.indices.contains { template.utf8[$0...].starts(with: trend) }
        while let open = bytes.firstIndex(of: UInt8(ascii: "{")) {
            out.append(contentsOf: bytes[..<open])
            guard let close = bytes[open...].firstIndex(of: UInt8(ascii: "}")),
                  let replacement = placeholder(String(decoding: bytes[bytes.index(after: open)..<close], as: UTF8.self),
                                                column: column, value: value, hasTrend: hasTrend)
            else {
                out.append(UInt8(ascii: "{"))
                bytes = bytes[bytes.index(after: open)...]
                continue
            }
            out.append(contentsOf: replacement.utf8)
            bytes = bytes[bytes.index(after: close)...]
        }
        out.append(contentsOf: bytes)
        return String(decoding: out, as: UTF8.self)
    }

    static func placeholder(_ name: String, column: FeatureColumn, value: Double, hasTrend: Bool) -> String? {
        switch name {
        case "value": return decimal(hasTrend ? Swift.abs(value) : value)
        case "count": return decimal(value.rounded())
        case "percent": return decimal((100 * value).rounded()) + "%"
        case "amount":
            var bytes: [UInt8] = []
            appendDecimal(expm1(value), 2, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        case "level":
            let z = column.standardDeviation > 0 ? (value - column.mean) / column.standardDeviation : 0
            return z > 0.5 ? "high" : z < -0.5 ? "low" : "typical"
        case "trend": return value >= 0 ? "rising" : "falling"
        default: return nil
        }
    }

    static func decimal(_ x: Double) -> String {
        guard x.isFinite, Swift.abs(x) < 1e15 else { return String(x) }
        let hundredths = (x * 100).rounded()
        let negative = hundredths < 0
        let magnitude = Int(Swift.abs(hundredths))
        var s = String(magnitude / 100)
        let frac = magnitude % 100
        if frac != 0 {
            s += "." + (frac < 10 ? "0" : "") + String(frac)
            while s.hasSuffix("0") { s.removeLast() }
        }
        return negative && magnitude != 0 ? "-" + s : s
    }

    // MARK: Tests

    private func fittedSpec() throws -> FeatureSpec {
        var b = PortfolioBuilder()
        for i in 0..<60 {
            let row = b.account("A\(i)", balance: Double(i * 137), dpd: Double(i * 7), limit: 4000,
                                product: i < 25 ? "card" : i < 50 ? "auto" : "boat")
            b.monthly(row, endingAt: 2025, 12, (0...(i % 13)).map { (100, Double(($0 + i) % 3) * 50) })
        }
        b.extra("income", (0..<60).map { $0 % 5 == 0 ? "" : String($0 * 10) })
        return try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day, options: FeatureOptions(minLevelCount: 10, capQuantile: 0.05))
    }

    static func values(_ rng: inout SeededGenerator) -> [Double] {
        var v: [Double] = [0, -0.0, 0.5, 0.49999999, 1, -1, 0.005, -0.005, 0.015, 0.125, 2.675, 1e15, -1e15, 9.99e14,
                           1e16, .infinity, -.infinity, .nan, 730, 729.5, 24, 1e-300, -1e-300, 700, 12.345, -12.345]
        for _ in 0..<300 {
            v.append(Double.random(in: -1...1, using: &rng))
            v.append(Double.random(in: -1e4...1e4, using: &rng))
            v.append((Double.random(in: -100...100, using: &rng) * 200).rounded() / 400)   // ties at the second decimal
            v.append(Double(Int.random(in: -5...800, using: &rng)))
            v.append(Double(bitPattern: rng.next()))
        }
        return v
    }

    func testFittedSpecTextsMatchTheReference() throws {
        let spec = try fittedSpec()
        XCTAssertTrue(spec.columns.contains { $0.cap != nil }, "the spec should have capped columns")
        var rng = SeededGenerator(seed: 23)
        let templates = ReasonTemplates(spec)
        for x in Self.values(&rng) {
            for j in 0..<spec.count {
                let want = Self.referenceText(spec, j, x)
                XCTAssertEqual(spec.reasonText(j, x), want, "\(spec.names[j]) at \(x)")
                var bytes: [UInt8] = []
                templates.append(j, x, to: &bytes)
                XCTAssertEqual(String(decoding: bytes, as: UTF8.self), want, "\(spec.names[j]) at \(x)")
            }
        }
    }

    /// Unusual templates: unknown and unclosed placeholders, braces next to each other,
    /// `{trend}` anywhere, several placeholders, non-ASCII text.
    func testHandWrittenTemplatesMatchTheReference() throws {
        var spec = try fittedSpec()
        let templates = ["{value}", "{{value}}", "{nope} {value", "x {level} {trend} by {value} ({percent}, {count}) {amount}",
                         "{", "}", "{}", "{{trend}", "a{value}b{value}c", "été {value} €", "{value}{count}{percent}",
                         "{trend", "no placeholders at all", ""]
        let j = spec.names.firstIndex(of: "dpd_months")!
        var rng = SeededGenerator(seed: 29)
        let values = Self.values(&rng)
        for t in templates {
            spec.columns[j].reasonTemplate = t
            let compiled = ReasonTemplates(spec)
            for x in values {
                let want = Self.referenceText(spec, j, x)
                XCTAssertEqual(spec.reasonText(j, x), want, "\(t.debugDescription) at \(x)")
                var bytes: [UInt8] = []
                compiled.append(j, x, to: &bytes)
                XCTAssertEqual(String(decoding: bytes, as: UTF8.self), want, "\(t.debugDescription) at \(x)")
            }
        }
    }
}
