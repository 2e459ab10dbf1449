/// A symmetric `n × n` matrix with both triangles stored (row-major = column-major
/// for a symmetric matrix, so LAPACK can read either triangle).
public struct SymmetricMatrix: Sendable, Equatable {
    public let n: Int
    /// `n * n` elements; `storage[i * n + j] == storage[j * n + i]`.
    public var storage: [Double]

    public init(n: Int, repeating value: Double = 0) {
        precondition(n >= 0)
        self.n = n
        self.storage = Array(repeating: value, count: n * n)
    }

    /// Wraps a square matrix; the caller promises it is symmetric.
    public init(_ m: Matrix) {
        precondition(m.rows == m.cols, "SymmetricMatrix needs a square matrix, got \(m.rows)×\(m.cols)")
        self.n = m.rows
        self.storage = m.storage
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * n + j] }
        set { storage[i * n + j] = newValue }
    }

    /// The diagonal, `n` elements.
    public var diagonal: [Double] { (0..<n).map { storage[$0 * n + $0] } }

    /// As a plain row-major matrix.
    public var matrix: Matrix { Matrix(rows: n, cols: n, storage: storage) }

    /// Copies the upper triangle (j > i, row-major) onto the lower one.
    @usableFromInline
    mutating func mirrorUpperToLower() {
        storage.withUnsafeMutableBufferPointer { a in
            for i in 0..<n {
                for j in (i + 1)..<max(n, i + 1) { a[j * n + i] = a[i * n + j] }
            }
        }
    }
}
