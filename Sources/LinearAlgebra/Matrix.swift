/// A dense matrix of `Double` in row-major order over one contiguous array.
///
/// Element (i, j) lives at `storage[i * cols + j]`. One account per row is the
/// layout of the feature matrix (DESIGN §3), so a row is a contiguous slice and the
/// BLAS calls in this module pass `CblasRowMajor` with leading dimension `cols`.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// Row-major elements, `rows * cols` of them.
    public var storage: [Double]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// A matrix over existing row-major storage; `storage.count` must be `rows * cols`.
    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(rows >= 0 && cols >= 0 && storage.count == rows * cols,
                     "Matrix storage has \(storage.count) elements, expected \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from an array of equally long rows (convenient in tests).
    public init(_ rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "All rows must have the same length")
        self.init(rows: r, cols: c, storage: rowArrays.flatMap { $0 })
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i * n + i] = 1 }
        return m
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Double] {
        Array(storage[(i * cols)..<((i + 1) * cols)])
    }

    /// The transpose, as a new row-major matrix.
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows {
            for j in 0..<cols { t.storage[j * rows + i] = storage[i * cols + j] }
        }
        return t
    }

    /// Calls `body` with the contiguous elements of row `i`.
    @inlinable
    public func withRow<R>(_ i: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(.init(rebasing: $0[(i * cols)..<((i + 1) * cols)])) }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        (0..<rows).map { i in (0..<cols).map { j in "\(self[i, j])" }.joined(separator: "\t") }
            .joined(separator: "\n")
    }
}
