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
