import LinearAlgebra

/// Column means and standard deviations of a feature matrix, used to centre and scale
/// covariates before Newton iterations (better conditioned XᵀWX, comparable penalty
/// across features) and to map coefficients back to the original scale.
///
/// For column j with values x₁ⱼ … xₙⱼ:
///   mean mⱼ = (1/n) Σᵢ xᵢⱼ,
///   SD   sⱼ = √((1/n) Σᵢ (xᵢⱼ − mⱼ)²)   (population SD, divisor n, as scikit-learn's
///   `StandardScaler`; the choice only matters for the scale of an L2 penalty).
/// Two passes over the row-major matrix (mean, then centred squares), so the SD has
/// no cancellation error. Standardized value zᵢⱼ = (xᵢⱼ − mⱼ) / sⱼ.
public struct Standardization: Sendable, Codable, Equatable {
    /// Column means mⱼ, one per feature, in the units of the feature.
    public var means: [Double]
    /// Column population standard deviations sⱼ, same units; 0 for a constant column.
    public var standardDeviations: [Double]

    public init(means: [Double], standardDeviations: [Double]) {
        precondition(means.count == standardDeviations.count,
                     "Standardization: \(means.count) means but \(standardDeviations.count) SDs")
        self.means = means
        self.standardDeviations = standardDeviations
    }

    /// The column statistics of a row-major `n × p` matrix (n ≥ 1).
    /// - Complexity: O(n · p), two passes; no allocation beyond the result.
    public init(fitting x: Matrix) {
        let (n, p) = (x.rows, x.cols)
        var mean = [Double](repeating: 0, count: p)
        var ss = [Double](repeating: 0, count: p)
        if n > 0 && p > 0 {
            x.storage.withUnsafeBufferPointer { xp in
                mean.withUnsafeMutableBufferPointer { m in
                    for i in 0..<n {
                        let row = i * p
                        for j in 0..<p { m[j] += xp[row + j] }
                    }
                    for j in 0..<p { m[j] /= Double(n) }
                    ss.withUnsafeMutableBufferPointer { s in
                        for i in 0..<n {
                            let row = i * p
                            for j in 0..<p {
                                let d = xp[row + j] - m[j]
                                s[j] += d * d
                            }
                        }
                    }
                }
            }
        }
        self.means = mean
        self.standardDeviations = ss.map { n > 0 ? ($0 / Double(n)).squareRoot() : 0 }
    }

    /// Number of features.
    public var count: Int { means.count }

    /// The standardized design Z with a leading intercept column of ones:
    /// Z = [1 | (X − 1mᵀ)·diag(1/s)], row-major `n × (p + 1)`.
    /// Every SD must be positive (constant columns are rejected before this is called).
    /// - Complexity: O(n · p); one allocation of `n · (p + 1)` doubles.
    public func designWithIntercept(_ x: Matrix) -> Matrix {
        precondition(x.cols == count, "Standardization: matrix has \(x.cols) columns, expected \(count)")
        precondition(standardDeviations.allSatisfy { $0 > 0 }, "Standardization: a standard deviation is 0")
        let (n, p) = (x.rows, x.cols)
        let q = p + 1
        var z = Matrix(rows: n, cols: q)
        let inverseSD = standardDeviations.map { 1 / $0 }
        x.storage.withUnsafeBufferPointer { xp in
            means.withUnsafeBufferPointer { m in
                inverseSD.withUnsafeBufferPointer { r in
                    z.storage.withUnsafeMutableBufferPointer { zp in
                        for i in 0..<n {
                            let src = i * p, dst = i * q
                            zp[dst] = 1
                            for j in 0..<p { zp[dst + 1 + j] = (xp[src + j] - m[j]) * r[j] }
                        }
                    }
                }
            }
        }
        return z
    }
}
