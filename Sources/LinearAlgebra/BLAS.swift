import CLinearAlgebra

// Thin wrappers over CBLAS. Every BLAS call of the project goes through this file;
// dimensions are checked with `precondition` (a mismatch is our bug, not the user's).

/// y = A·x (or Aᵀ·x when `transpose`). BLAS: `dgemv`.
/// - Complexity: O(rows · cols).
public func multiply(_ a: Matrix, _ x: [Double], transpose: Bool = false) -> [Double] {
    var y = [Double](repeating: 0, count: transpose ? a.cols : a.rows)
    multiply(a, x, transpose: transpose, into: &y)
    return y
}

/// y ← alpha·op(A)·x + beta·y into a caller-owned buffer. BLAS: `dgemv`.
public func multiply(_ a: Matrix, _ x: [Double], transpose: Bool = false,
                     alpha: Double = 1, beta: Double = 0, into y: inout [Double]) {
    let (m, n) = (a.rows, a.cols)
    precondition(x.count == (transpose ? m : n), "gemv: x has \(x.count) elements for a \(m)×\(n) matrix")
    precondition(y.count == (transpose ? n : m), "gemv: y has \(y.count) elements for a \(m)×\(n) matrix")
    if m == 0 || n == 0 {
        for i in y.indices { y[i] *= beta }
        return
    }
    a.storage.withUnsafeBufferPointer { ap in
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), alpha, ap.baseAddress, Int32(n),
                            xp.baseAddress, 1, beta, yp.baseAddress, 1)
            }
        }
    }
}

/// C = op(A)·op(B). BLAS: `dgemm`.
/// - Complexity: O(m · n · k).
public func multiply(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false) -> Matrix {
    let m = transposeA ? a.cols : a.rows
    let k = transposeA ? a.rows : a.cols
    let kb = transposeB ? b.cols : b.rows
    let n = transposeB ? b.rows : b.cols
    precondition(k == kb, "gemm: inner dimensions differ (\(k) vs \(kb))")
    var c = Matrix(rows: m, cols: n)
    if m == 0 || n == 0 || k == 0 { return c }
    a.storage.withUnsafeBufferPointer { ap in
        b.storage.withUnsafeBufferPointer { bp in
            c.storage.withUnsafeMutableBufferPointer { cp in
                cblas_dgemm(CblasRowMajor,
                            transposeA ? CblasTrans : CblasNoTrans,
                            transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), 1,
                            ap.baseAddress, Int32(a.cols),
                            bp.baseAddress, Int32(b.cols),
                            0, cp.baseAddress, Int32(n))
            }
        }
    }
    return c
}

/// XᵀX for a row-major `n × p` matrix X. BLAS: `dsyrk` (upper triangle, then mirrored).
/// - Complexity: O(n · p²).
///
/// Summed over blocks of 512 rows (one `dsyrk` with β = 1 each): a single `dsyrk` over
/// millions of rows of a thin matrix runs several times slower than on L2-resident blocks.
public func gram(_ x: Matrix) -> SymmetricMatrix {
    var g = SymmetricMatrix(n: x.cols)
    let (n, p) = (x.rows, x.cols)
    if p == 0 || n == 0 { return g }
    x.storage.withUnsafeBufferPointer { xp in
        g.storage.withUnsafeMutableBufferPointer { gp in
            var start = 0
            while start < n {
                let m = Swift.min(512, n - start)
                syrkUpper(xp.baseAddress! + start * p, rows: m, cols: p, beta: start == 0 ? 0 : 1, into: gp.baseAddress!)
                start += m
            }
        }
    }
    g.mirrorUpperToLower()
    return g
}

/// XᵀWX = Σᵢ wᵢ·xᵢxᵢᵀ for weights wᵢ ≥ 0, as used by Newton/IRLS steps.
///
/// Forms Z with rows √wᵢ·xᵢ in `scratch` (resized to `n · p` on first use, then
/// reused) and calls `dsyrk` on Zᵀ·Z. BLAS-3, no per-row allocation.
/// - Complexity: O(n · p²).
public func weightedGram(_ x: Matrix, weights: [Double], scratch: inout [Double],
                         into g: inout SymmetricMatrix) {
    precondition(weights.count == x.rows, "weightedGram: \(weights.count) weights for \(x.rows) rows")
    precondition(g.n == x.cols, "weightedGram: output is \(g.n)×\(g.n), expected \(x.cols)×\(x.cols)")
    let (n, p) = (x.rows, x.cols)
    if scratch.count != n * p { scratch = [Double](repeating: 0, count: n * p) }
    x.storage.withUnsafeBufferPointer { xp in
        weights.withUnsafeBufferPointer { wp in
            scratch.withUnsafeMutableBufferPointer { zp in
                for i in 0..<n {
                    let w = wp[i]
                    precondition(w >= 0, "weightedGram: weight \(i) is negative (\(w))")
                    let s = w.squareRoot()
                    let base = i * p
                    for j in 0..<p { zp[base + j] = s * xp[base + j] }
                }
            }
        }
    }
    scratch.withUnsafeBufferPointer { syrkTransposed($0, rows: n, cols: p, into: &g) }
}

/// Convenience form of `weightedGram(_:weights:scratch:into:)` that allocates.
public func weightedGram(_ x: Matrix, weights: [Double]) -> SymmetricMatrix {
    var scratch: [Double] = []
    var g = SymmetricMatrix(n: x.cols)
    weightedGram(x, weights: weights, scratch: &scratch, into: &g)
    return g
}

/// G ← AᵀA for a row-major `rows × cols` buffer A. BLAS: `dsyrk`.
@usableFromInline
func syrkTransposed(_ a: UnsafeBufferPointer<Double>, rows: Int, cols: Int, into g: inout SymmetricMatrix) {
    precondition(a.count >= rows * cols && g.n == cols)
    if cols == 0 { return }
    if rows == 0 {
        for i in g.storage.indices { g.storage[i] = 0 }
        return
    }
    g.storage.withUnsafeMutableBufferPointer { gp in
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows),
                    1, a.baseAddress, Int32(cols), 0, gp.baseAddress, Int32(cols))
    }
    g.mirrorUpperToLower()
}

/// xᵀy. BLAS: `ddot`.
public func dot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot: lengths differ (\(x.count) vs \(y.count))")
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in cblas_ddot(Int32(x.count), xp.baseAddress, 1, yp.baseAddress, 1) }
    }
}

// MARK: - Block kernels for the fits (raw pointers, caller-owned buffers)

/// G ← β·G + AᵀA for a row-major `rows × cols` block A at `a` and a row-major
/// `cols × cols` output `g`; the upper triangle is always formed, the lower one only by
/// some kernels (callers read the upper triangle).
///
/// BLAS: `dsyrk` (upper, transposed; rows·cols·(cols + 1) flops), or `dgemm` forming the
/// whole AᵀA (2·rows·cols² flops) when OpenBLAS runs its AVX-512 kernels: for thin blocks
/// (cols ≈ 18) OpenBLAS's SkylakeX `dgemm` is ~3× faster than its `dsyrk` on this shape,
/// which more than pays for the doubled flops (`OpenBLAS.gramUsesGEMM`, measured with
/// `BLASRate`). The choice is fixed per process, so results are reproducible on one machine.
///
/// `gram` calls this once per cache-sized block of rows with `beta: 1`, so the sum
/// Σᵢ zᵢzᵢᵀ over millions of rows runs as BLAS-3 on data that is already in L2. (The
/// fits' Newton steps do not: their summation order is kept as it was when the models
/// were first published, so retraining reproduces a model to the last bit.)
public func syrkUpper(_ a: UnsafePointer<Double>, rows: Int, cols: Int, beta: Double,
                      into g: UnsafeMutablePointer<Double>) {
    precondition(rows >= 0 && cols >= 0, "syrkUpper: negative dimension")
    if cols == 0 { return }
    if rows == 0 {
        if beta != 1 { for k in 0..<(cols * cols) { g[k] *= beta } }
        return
    }
    if OpenBLAS.gramUsesGEMM {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cols), Int32(cols), Int32(rows),
                    1, a, Int32(cols), a, Int32(cols), beta, g, Int32(cols))
    } else {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows),
                    1, a, Int32(cols), beta, g, Int32(cols))
    }
}
