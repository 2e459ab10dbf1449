import PortfolioIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FeatureSpec {
    /// The human-readable reason text of column `featureIndex` at the raw (unstandardized)
    /// value `value`, for reason codes on the worklist (DESIGN §6).
    ///
    /// Renders the column's `reasonTemplate`, replacing:
    /// - `{value}`: the value with up to 2 decimals (absolute value for `{trend}` templates);
    /// - `{count}`: the value rounded to an integer;
    /// - `{percent}`: 100 × value rounded, with `%`;
    /// - `{amount}`: e^value − 1 with exactly 2 decimals, as the balance column prints it
    ///   (the balance behind `log_balance`);
    /// - `{level}`: `high`, `low` or `typical`: z = (value − mean) / SD beyond ±0.5;
    /// - `{trend}`: `rising` or `falling` by the sign of the value.
    ///
    /// A few values read better in their own words: `months_since_payment` 0 →
    /// "paid on the latest statement" (its cap 24 also stands for "never", so it reads
    /// "no payment in the last 24 statements"); missed counts and streaks of 0, the
    /// cap of `days_since_full_payment`, a utilization of 0 (usually: no limit on file), a one-hot value of 0, a present value behind a
    /// missing-indicator, and a flat trend.
    public func reasonText(_ featureIndex: Int, _ value: Double) -> String {
        precondition(columns.indices.contains(featureIndex), "reasonText: no feature \(featureIndex)")
        let column = columns[featureIndex]
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
        // A value on a training-quantile cap reads as what it is: at least this extreme.
        if let cap = column.cap, cap.isCapped(value) { return text + " (capped)" }
        return text
    }

    /// Fills the template's placeholders in one pass over its UTF-8 bytes (a `{…}` that is
    /// not a known placeholder stays as written).
    private func render(_ template: String, column: FeatureColumn, value: Double) -> String {
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

    /// The text of placeholder `{name}` at `value`, nil for an unknown name.
    private func placeholder(_ name: String, column: FeatureColumn, value: Double, hasTrend: Bool) -> String? {
        switch name {
        case "value": return Self.decimal(hasTrend ? Swift.abs(value) : value)
        case "count": return Self.decimal(value.rounded())
        case "percent": return Self.decimal((100 * value).rounded()) + "%"
        case "amount":
            // Exactly 2 decimals, as the balance column of every output prints amounts.
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

    /// Up to 2 decimals, trailing zeros removed ("2.5", "3", "-0.25"); magnitudes of
    /// 10¹⁵ and more, infinities and NaN as Swift prints them.
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
}
