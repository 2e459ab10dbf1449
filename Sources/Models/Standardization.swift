import Dispatch
import LinearAlgebra

/// A pointer passed to concurrent stripes that only read it.
private struct UnsafeSendable: @unchecked Sendable { var pointer: UnsafePointer<Double> }

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
    ///
    /// Rows are cut into a fixed number of stripes (from n only, so the sums are added
    /// in the same order on every machine) summed concurrently: pass 1 the column sums,
    /// pass 2 the squared deviations from the overall mean.
    /// - Complexity: O(n · p), two passes; O(stripes · p) extra memory.
    public init(fitting x: Matrix) {
        let (n, p) = (x.rows, x.cols)
        let stripes = Swift.max(1, Swift.min(16, n / 16_384))
        var partial = [Double](repeating: 0, count: stripes * p)
        var mean = [Double](repeating: 0, count: p)
        if n > 0 && p > 0 {
            x.storage.withUnsafeBufferPointer { xp in
                partial.withUnsafeMutableBufferPointer { part in
                    let shared = StripeBuffers(x: xp.baseAddress!, out: part.baseAddress!)
                    Self.stripeSums(shared, n: n, p: p, stripes: stripes, center: nil)
                    for s in 0..<stripes { for j in 0..<p { mean[j] += part[s * p + j] } }
                    for j in 0..<p { mean[j] /= Double(n) }
                    mean.withUnsafeBufferPointer { m in
                        Self.stripeSums(shared, n: n, p: p, stripes: stripes, center: m.baseAddress!)
                    }
                }
            }
        }
        var ss = [Double](repeating: 0, count: p)
        for s in 0..<stripes { for j in 0..<p { ss[j] += partial[s * p + j] } }
        self.means = mean
        self.standardDeviations = ss.map { n > 0 ? ($0 / Double(n)).squareRoot() : 0 }
    }

    /// Raw pointers shared by the stripes; stripe s writes only out[s·p ..< (s+1)·p].
    private struct StripeBuffers: @unchecked Sendable {
        var x: UnsafePointer<Double>
        var out: UnsafeMutablePointer<Double>
    }

    /// out[s·p + j] = Σ over stripe s's rows of xᵢⱼ (center nil) or (xᵢⱼ − cⱼ)².
    private static func stripeSums(_ b: StripeBuffers, n: Int, p: Int, stripes: Int, center: UnsafePointer<Double>?) {
        let c = center.map { UnsafeSendable(pointer: $0) }
        let body: @Sendable (Int) -> Void = { s in
            let out = b.out + s * p
            for j in 0..<p { out[j] = 0 }
            for i in (n * s / stripes)..<(n * (s + 1) / stripes) {
                let row = b.x + i * p
                if let c = c?.pointer {
                    for j in 0..<p { let d = row[j] - c[j]; out[j] += d * d }
                } else {
                    for j in 0..<p { out[j] += row[j] }
                }
            }
        }
        if stripes == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: stripes, execute: body) }
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
