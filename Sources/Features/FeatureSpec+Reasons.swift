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
    /// - `{amount}`: e^value − 1 with 2 decimals (the balance behind `log_balance`);
    /// - `{level}`: `high`, `low` or `typical`: z = (value − mean) / SD beyond ±0.5;
    /// - `{trend}`: `rising` or `falling` by the sign of the value.
    ///
    /// A few values read better in their own words: `months_since_payment` 0 →
    /// "paid on the latest statement" (its cap 24 also stands for "never", so it reads
    /// "no payment in the last 24 statements"); missed counts and streaks of 0, the
    /// cap of `days_since_full_payment`, a one-hot value of 0, a present value behind a
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
        return render(column.reasonTemplate, column: column, value: value)
    }

    private func render(_ template: String, column: FeatureColumn, value: Double) -> String {
        let z = column.standardDeviation > 0 ? (value - column.mean) / column.standardDeviation : 0
        let hasTrend = template.contains("{trend}")
        var text = template
        let replacements: [(String, () -> String)] = [
            ("{value}", { Self.decimal(hasTrend ? Swift.abs(value) : value) }),
            ("{count}", { Self.decimal(value.rounded()) }),
            ("{percent}", { Self.decimal((100 * value).rounded()) + "%" }),
            ("{amount}", { Self.decimal(expm1(value)) }),
            ("{level}", { z > 0.5 ? "high" : z < -0.5 ? "low" : "typical" }),
            ("{trend}", { value >= 0 ? "rising" : "falling" }),
        ]
        for (key, replacement) in replacements where text.contains(key) {
            text = text.replacingAll(key, with: replacement())
        }
        return text
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

extension String {
    /// Replaces every occurrence of `target` (non-empty) with `replacement`.
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    /// The first range of `target` (non-empty), by Character comparison.
    fileprivate func range(of target: String) -> Range<Index>? {
        let t = Array(target)
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < t.count, j < endIndex, self[j] == t[k] { j = index(after: j); k += 1 }
            if k == t.count { return i ..< j }
            i = index(after: i)
        }
        return nil
    }
}
