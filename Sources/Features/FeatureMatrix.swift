import PortfolioIO

/// A dense feature matrix: one account per row (in `AccountTable` row order), one
/// feature per column, stored row-major in one contiguous array (DESIGN §3), so
/// `values[i * cols + j]` is feature `j` of account `i`. Values are raw (not
/// standardized); `FeatureSpec.standardize(_:)` applies the training means and SDs.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of accounts.
    public var rows: Int
    /// Number of features.
    public var cols: Int
    /// Column names, equal to the spec's names.
    public var names: [String]
    /// Row-major values, `rows × cols`.
    public var values: [Double]
    /// The as-of day the features were computed at.
    public var asOf: CalendarDay
    /// Payment rows dated on or before as-of (the statements the features use).
    public var statementsUsed: Int
    /// Payment rows dated after as-of: ignored (no leakage from the future) and counted.
    public var statementsAfterAsOf: Int
    /// Accounts with no statement dated on or before as-of.
    public var accountsWithoutStatements: Int
    /// Per categorical column, the accounts whose level is not a training level (scored
    /// as `other`), in column order; empty when every level was seen.
    public var unseenLevels: [UnseenLevels] = []

    public init(rows: Int, cols: Int, names: [String], values: [Double], asOf: CalendarDay,
                statementsUsed: Int, statementsAfterAsOf: Int, accountsWithoutStatements: Int) {
        precondition(values.count == rows * cols && names.count == cols, "FeatureMatrix dimensions disagree")
        self.rows = rows
        self.cols = cols
        self.names = names
        self.values = values
        self.asOf = asOf
        self.statementsUsed = statementsUsed
        self.statementsAfterAsOf = statementsAfterAsOf
        self.accountsWithoutStatements = accountsWithoutStatements
    }

    /// Feature `col` of account `row`.
    @inlinable
    public subscript(row: Int, col: Int) -> Double {
        get { values[row * cols + col] }
        set { values[row * cols + col] = newValue }
    }

    /// The features of one account.
    public func row(_ i: Int) -> ArraySlice<Double> { values[i * cols ..< (i + 1) * cols] }

    /// One feature for every account (a copy).
    public func column(_ j: Int) -> [Double] { (0..<rows).map { values[$0 * cols + j] } }

    /// The index of the column named `name`, if any.
    public func columnIndex(_ name: String) -> Int? { names.firstIndex(of: name) }

    /// Keeps the columns at the given increasing indices, compacting rows in place.
    mutating func keepColumns(_ keep: [Int]) {
        if keep.count == cols { return }
        let newCols = keep.count
        values.withUnsafeMutableBufferPointer { v in
            for i in 0..<rows {
                let src = i * cols, dst = i * newCols
                for (k, j) in keep.enumerated() { v[dst + k] = v[src + j] }  // dst ≤ src: safe forwards
            }
        }
        values.removeLast(values.count - rows * newCols)
        names = keep.map { names[$0] }
        cols = newCols
    }
}

extension FeatureSpec {
    /// Standardizes the matrix in place: x ← (x − mean) / SD with the training mean and
    /// SD of each column. The matrix must come from this spec.
    public func standardize(_ matrix: inout FeatureMatrix) {
        precondition(matrix.names == names, "standardize: the matrix was not built by this spec")
        let cols = matrix.cols
        let mean = columns.map(\.mean), inv = columns.map { 1 / $0.standardDeviation }
        matrix.values.withUnsafeMutableBufferPointer { v in
            for i in 0..<matrix.rows {
                for j in 0..<cols { v[i * cols + j] = (v[i * cols + j] - mean[j]) * inv[j] }
            }
        }
    }
}

/// The accounts of one categorical column whose text is not among the model's named
/// levels: unseen in training, or rarer there than the minimum level count. They are
/// scored as `other` (all zeros when the training data had no `other`), counted, and
/// their reason text names the level (DESIGN §6).
public struct UnseenLevels: Sendable, Equatable {
    /// The column (`product` or an extra text column).
    public var column: String
    /// Ascending row indices of those accounts.
    public var rows: [Int32]
    /// Each account's text ("" for an empty cell), parallel to `rows`.
    public var texts: [String]
    /// Whether the training accounts had any `other` (rare levels): if not, no level
    /// outside the named ones was in the training data at all.
    public var otherHadTrainingRows: Bool

    public init(column: String, rows: [Int32], texts: [String], otherHadTrainingRows: Bool) {
        self.column = column
        self.rows = rows
        self.texts = texts
        self.otherHadTrainingRows = otherHadTrainingRows
    }

    /// The text of row `row` when its level is unseen, else nil (binary search).
    public func text(ofRow row: Int) -> String? {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(rows[mid]) < row { lo = mid + 1 } else { hi = mid }
        }
        return lo < rows.count && Int(rows[lo]) == row ? texts[lo] : nil
    }

    /// Distinct texts with their account counts, most accounts first (ties by text).
    public var counts: [(text: String, accounts: Int)] {
        var byText: [String: Int] = [:]
        for t in texts { byText[t, default: 0] += 1 }
        return byText.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { (text: $0.key, accounts: $0.value) }
    }

    /// The reason text of an account with level `text` (DESIGN §6).
    public func reason(for text: String) -> String {
        let level = text.isEmpty ? "(empty)" : "'\(text)'"
        return otherHadTrainingRows
            ? "\(column) \(level) was rare or absent in the training data (scored as other)"
            : "\(column) \(level) was not in the training data"
    }

    /// One line for standard error and reports: "product: 12 accounts with a level not
    /// in the training data, scored as other: mortgage 10, boat 2".
    public var summary: String {
        let shown = counts.prefix(5).map { "\($0.text.isEmpty ? "(empty)" : $0.text) \($0.accounts)" }
        let more = counts.count > 5 ? ", … (\(counts.count) levels)" : ""
        return "\(column): \(rows.count) account\(rows.count == 1 ? "" : "s") with a level not among the training levels, scored as other: "
            + shown.joined(separator: ", ") + more
    }
}
