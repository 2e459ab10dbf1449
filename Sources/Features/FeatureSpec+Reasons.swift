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
    ///
    /// The same bytes as `ReasonTemplates.append(_:_:to:)`, which renders many texts of
    /// one spec without parsing the templates again.
    public func reasonText(_ featureIndex: Int, _ value: Double) -> String {
        precondition(columns.indices.contains(featureIndex), "reasonText: no feature \(featureIndex)")
        var out: [UInt8] = []
        ReasonTemplates.Column(columns[featureIndex]).append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// The reason texts of a spec's columns, parsed once (DESIGN §6): each column's own words
/// for its special values (`FeatureSpec.reasonText(_:_:)`), and its template as literal
/// byte runs and placeholders, rendered straight into a byte buffer — no `String` per
/// text, the numbers by `DecimalText`.
public struct ReasonTemplates: Sendable {
    /// One column's compiled reason text.
    struct Column: Sendable {
        /// When a value reads in the column's own words.
        enum When: Sendable {
            case belowHalf, zero, atLeast(Double)

            @inline(__always)
            func holds(_ v: Double) -> Bool {
                switch self {
                case .belowHalf: v < 0.5
                case .zero: v == 0
                case .atLeast(let t): v >= t
                }
            }
        }

        /// A template piece: literal bytes `literal[start..<end]`, or a placeholder.
        enum Piece: Sendable {
            case literal(Int, Int)
            case value, count, percent, amount, level, trend
        }

        var special: (when: When, text: [UInt8])?
        var literal: [UInt8] = []
        var pieces: [Piece] = []
        /// Whether the template holds `{trend}` ({value} then prints |value|).
        var hasTrend = false
        var mean: Double
        var standardDeviation: Double
        var cap: FeatureCap?

        init(_ column: FeatureColumn) {
            mean = column.mean
            standardDeviation = column.standardDeviation
            cap = column.cap
            special = Self.special(column).map { ($0.when, Array($0.text.utf8)) }
            compile(column.reasonTemplate)
        }

        /// The column's own words and when they apply.
        static func special(_ column: FeatureColumn) -> (when: When, text: String)? {
            switch column.kind {
            case .builtin(let b):
                switch b {
                case .monthsSincePayment: return (.belowHalf, "paid on the latest statement")
                case .missed3m, .missed6m, .missed12m:
                    return (.belowHalf, "missed none of the last \(b == .missed3m ? 3 : b == .missed6m ? 6 : 12) statements")
                case .currentMissedStreak: return (.belowHalf, "paid on the latest statement")
                case .longestMissedStreak: return (.belowHalf, "never missed a statement")
                case .paidTrend6: return (.zero, "payments are flat")
                case .utilization: return (.zero, "balance is 0% of the credit limit, or no limit on file")
                case .daysSinceFullPayment:
                    return (.atLeast(Double(BuiltinFeature.daysSinceFullPaymentCap)),
                            "no full payment in the last \(BuiltinFeature.daysSinceFullPaymentCap) days")
                default: return nil
                }
            case .oneHot(let name, let level):
                return (.belowHalf, level == .other ? "\(name) is a common value" : "\(name) is not \(level.label)")
            case .missingIndicator(let name):
                return (.belowHalf, "\(name) is present")
            default:
                return nil
            }
        }

        /// Splits the template at its placeholders, in one pass over its UTF-8 bytes: a
        /// `{` followed by a known name and the next `}` is a placeholder; any other `{`
        /// stays as written (and the scan goes on after it).
        mutating func compile(_ template: String) {
            let bytes = Array(template.utf8)
            let trend = Array("{trend}".utf8)
            hasTrend = bytes.indices.contains { bytes[$0...].starts(with: trend) }
            var runStart = 0, i = 0
            func flush(_ end: Int) {
                if end > runStart {
                    pieces.append(.literal(literal.count, literal.count + end - runStart))
                    literal.append(contentsOf: bytes[runStart..<end])
                }
            }
            while let open = bytes[i...].firstIndex(of: UInt8(ascii: "{")) {
                guard let close = bytes[open...].firstIndex(of: UInt8(ascii: "}")),
                      let piece = Self.placeholder(String(decoding: bytes[(open + 1)..<close], as: UTF8.self))
                else {
                    i = open + 1               // the `{` stays in the literal run
                    continue
                }
                flush(open)
                pieces.append(piece)
                i = close + 1
                runStart = i
            }
            flush(bytes.count)
        }

        static func placeholder(_ name: String) -> Piece? {
            switch name {
            case "value": .value
            case "count": .count
            case "percent": .percent
            case "amount": .amount
            case "level": .level
            case "trend": .trend
            default: nil
            }
        }

        /// Appends the text at `value`; a value on a training-quantile cap reads as what it
        /// is, at least this extreme: " (capped)".
        func append(_ value: Double, to out: inout [UInt8]) {
            if let special, special.when.holds(value) {
                out.append(contentsOf: special.text)
                return
            }
            for piece in pieces {
                switch piece {
                case .literal(let a, let b):
                    literal.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[a..<b])) }
                case .value: Self.appendHundredths(hasTrend ? Swift.abs(value) : value, to: &out)
                case .count: Self.appendHundredths(value.rounded(), to: &out)
                case .percent:
                    Self.appendHundredths((100 * value).rounded(), to: &out)
                    out.append(UInt8(ascii: "%"))
                case .amount:
                    // Exactly 2 decimals, as the balance column of every output prints amounts.
                    appendDecimal(expm1(value), 2, to: &out)
                case .level:
                    let z = standardDeviation > 0 ? (value - mean) / standardDeviation : 0
                    out.append(ascii: z > 0.5 ? "high" : z < -0.5 ? "low" : "typical")
                case .trend:
                    out.append(ascii: value >= 0 ? "rising" : "falling")
                }
            }
            if let cap, cap.isCapped(value) { out.append(ascii: " (capped)") }
        }

        /// Up to 2 decimals, trailing zeros removed ("2.5", "3", "-0.25"); magnitudes of
        /// 10¹⁵ and more, infinities and NaN as Swift prints them (`String(x)`).
        static func appendHundredths(_ x: Double, to out: inout [UInt8]) {
            guard x.isFinite, Swift.abs(x) < 1e15 else { out.append(contentsOf: String(x).utf8); return }
            let hundredths = (x * 100).rounded()
            let magnitude = UInt64(Swift.abs(hundredths))
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
                let p = buffer.baseAddress!
                var n = 0
                if hundredths < 0 && magnitude != 0 { p[0] = UInt8(ascii: "-"); n = 1 }
                n += DecimalText.writeScaled(magnitude, decimals: 2, trim: true, to: p + n)
                out.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
            }
        }
    }

    let columns: [Column]

    public init(_ spec: FeatureSpec) {
        columns = spec.columns.map(Column.init)
    }

    /// Appends `FeatureSpec.reasonText(j, value)`'s bytes to `out`.
    @inline(__always)
    public func append(_ j: Int, _ value: Double, to out: inout [UInt8]) {
        columns[j].append(value, to: &out)
    }
}
