/// A failure of a factorization that the data can cause (as opposed to a
/// dimension mismatch, which is a programming error and traps).
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Cholesky factorization failed: the leading minor of order `pivot + 1` is not
    /// positive definite, so column `pivot` (0-based) is (nearly) a linear
    /// combination of the columns before it, or the matrix is indefinite there.
    /// LAPACK reports this as `info = pivot + 1` from `dpotrf`.
    case notPositiveDefinite(pivot: Int)

    /// `dpotri` found a zero diagonal element in the Cholesky factor at `pivot`.
    case singular(pivot: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let pivot):
            return "matrix is not positive definite: the leading minor of order \(pivot + 1) (column \(pivot)) failed in Cholesky factorization"
        case .singular(let pivot):
            return "matrix is singular: zero pivot at column \(pivot)"
        }
    }

    /// The 0-based column where the factorization broke down.
    public var pivot: Int {
        switch self {
        case .notPositiveDefinite(let p), .singular(let p): return p
        }
    }
}
