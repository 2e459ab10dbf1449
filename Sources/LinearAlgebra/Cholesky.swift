import CLinearAlgebra

/// The Cholesky factorization A = L·Lᵀ of a symmetric positive-definite matrix.
///
/// LAPACK: `dpotrf` to factor, `dpotrs` to solve, `dpotri` to invert. The factor is
/// kept in the lower triangle (column-major view), which is the upper triangle of the
/// row-major storage; the other triangle is not read.
/// Reference: Golub & Van Loan, *Matrix Computations*, §4.2.
public struct Cholesky: Sendable {
    public let n: Int
    @usableFromInline var factor: [Double]

    /// Factors `a`. Throws `.notPositiveDefinite(pivot:)` naming the first column whose
    /// leading minor is not positive definite.
    /// - Complexity: O(n³ / 3).
    public init(_ a: SymmetricMatrix) throws(LinearAlgebraError) {
        n = a.n
        factor = a.storage
        if n == 0 { return }
        if let idx = factor.firstIndex(where: { !$0.isFinite }) {
            // dpotrf would propagate NaN silently; report the first bad column instead.
            throw .notPositiveDefinite(pivot: idx % n)
        }
        let size = Int32(n)
        let info = factor.withUnsafeMutableBufferPointer {
            LAPACKE_dpotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), size, $0.baseAddress, size)
        }
        precondition(info >= 0, "dpotrf: illegal argument \(-info)")
        if info > 0 { throw .notPositiveDefinite(pivot: Int(info) - 1) }
    }


    /// Solves A·x = b. LAPACK: `dpotrs`.
    /// - Complexity: O(n²).
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == n, "Cholesky.solve: right-hand side has \(b.count) elements, expected \(n)")
        var x = b
        if n == 0 { return x }
        let size = Int32(n)
        let info = factor.withUnsafeBufferPointer { fp in
            x.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dpotrs(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), size, 1,
                               fp.baseAddress, size, xp.baseAddress, size)
            }
        }
        precondition(info == 0, "dpotrs: illegal argument \(-info)")
        return x
    }

    /// Solves A·X = B for a row-major `n × k` right-hand side B.
    public func solve(_ b: Matrix) -> Matrix {
        precondition(b.rows == n, "Cholesky.solve: right-hand side has \(b.rows) rows, expected \(n)")
        if n == 0 || b.cols == 0 { return b }
        // LAPACK wants column-major B: solve on Bᵀ's storage, which is B column-major.
        var bt = b.transposed
        let size = Int32(n)
        let info = factor.withUnsafeBufferPointer { fp in
            bt.storage.withUnsafeMutableBufferPointer { bp in
                LAPACKE_dpotrs(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), size, Int32(b.cols),
                               fp.baseAddress, size, bp.baseAddress, size)
            }
        }
        precondition(info == 0, "dpotrs: illegal argument \(-info)")
        return bt.transposed
    }

    /// A⁻¹, e.g. the covariance matrix from a Hessian. LAPACK: `dpotri`.
    /// - Complexity: O(n³).
    public func inverse() throws(LinearAlgebraError) -> SymmetricMatrix {
        var inv = SymmetricMatrix(n: n)
        if n == 0 { return inv }
        inv.storage = factor
        let size = Int32(n)
        let info = inv.storage.withUnsafeMutableBufferPointer {
            LAPACKE_dpotri(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), size, $0.baseAddress, size)
        }
        precondition(info >= 0, "dpotri: illegal argument \(-info)")
        if info > 0 { throw .singular(pivot: Int(info) - 1) }
        // Column-major lower triangle == row-major upper triangle; mirror it down.
        inv.mirrorUpperToLower()
        return inv
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<n { s += log(factor[i * n + i]) }
        return 2 * s
    }

    /// The factor L as a lower-triangular row-major matrix (zeros above the diagonal).
    public var lower: Matrix {
        var l = Matrix(rows: n, cols: n)
        // Column-major lower (i ≥ j) element (i, j) is at factor[j * n + i].
        for j in 0..<n { for i in j..<n { l[i, j] = factor[j * n + i] } }
        return l
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
