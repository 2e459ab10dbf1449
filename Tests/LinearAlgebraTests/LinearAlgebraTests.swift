import XCTest
import LinearAlgebra
import _TestSupport

final class MatrixProductTests: XCTestCase {
    func testMatrixVectorProductMatchesHandComputation() {
        let a = Matrix([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(multiply(a, [1, 0, -1]), [-2, -2])
        XCTAssertEqual(multiply(a, [1, 1], transpose: true), [5, 7, 9])
    }

    func testMatrixVectorAccumulatesWithAlphaBeta() {
        let a = Matrix([[2, 0], [0, 3]])
        var y = [1.0, 1.0]
        multiply(a, [1, 1], alpha: 2, beta: 10, into: &y)
        XCTAssertEqual(y, [14, 16])
    }

    func testMatrixMatrixProductAndTransposes() {
        let a = Matrix([[1, 2], [3, 4], [5, 6]])      // 3×2
        let b = Matrix([[7, 8, 9], [10, 11, 12]])     // 2×3
        XCTAssertEqual(multiply(a, b), Matrix([[27, 30, 33], [61, 68, 75], [95, 106, 117]]))
        XCTAssertEqual(multiply(a, a, transposeA: true), Matrix([[35, 44], [44, 56]]))
        XCTAssertEqual(multiply(b, b, transposeB: true), Matrix([[194, 266], [266, 365]]))
    }

    func testGramAndWeightedGramMatchNaiveSums() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<5 {
            let n = Int.random(in: 1...40, using: &rng), p = Int.random(in: 1...6, using: &rng)
            let x = Matrix(rows: n, cols: p, storage: (0..<(n * p)).map { _ in Double.random(in: -3...3, using: &rng) })
            let w = (0..<n).map { _ in Double.random(in: 0...2, using: &rng) }
            let g = weightedGram(x, weights: w)
            let plain = gram(x)
            for j in 0..<p {
                for k in 0..<p {
                    var s = 0.0, t = 0.0
                    for i in 0..<n { s += w[i] * x[i, j] * x[i, k]; t += x[i, j] * x[i, k] }
                    XCTAssertEqual(g[j, k], s, accuracy: 1e-10 * max(1, abs(s)))
                    XCTAssertEqual(plain[j, k], t, accuracy: 1e-10 * max(1, abs(t)))
                }
            }
        }
    }

    func testWeightedGramReusesScratch() {
        let x = Matrix([[1, 2], [3, 4]])
        var scratch: [Double] = []
        var g = SymmetricMatrix(n: 2)
        weightedGram(x, weights: [1, 1], scratch: &scratch, into: &g)
        XCTAssertEqual(scratch.count, 4)
        weightedGram(x, weights: [0, 2], scratch: &scratch, into: &g)
        for (got, want) in zip(g.storage, [18.0, 24, 24, 32]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
    }

    func testDot() {
        XCTAssertEqual(dot([1, 2, 3], [4, 5, 6]), 32)
        XCTAssertEqual(dot([], []), 0)
    }
}

final class CholeskyTests: XCTestCase {
    /// A = [[4, 2], [2, 3]]: L = [[2, 0], [1, √2]], A⁻¹ = [[3, −2], [−2, 4]] / 8.
    func testFactorSolveInverseOnHandComputedCase() throws {
        let a = SymmetricMatrix(Matrix([[4, 2], [2, 3]]))
        let c = try Cholesky(a)
        let l = c.lower
        XCTAssertEqual(l[0, 0], 2, accuracy: 1e-15)
        XCTAssertEqual(l[1, 0], 1, accuracy: 1e-15)
        XCTAssertEqual(l[1, 1], 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(l[0, 1], 0)
        let x = c.solve([2, 1])                 // A·x = b → x = A⁻¹b = [0.5, 0]
        XCTAssertEqual(x[0], 0.5, accuracy: 1e-15)
        XCTAssertEqual(x[1], 0, accuracy: 1e-15)
        let inv = try c.inverse()
        XCTAssertEqual(inv[0, 0], 3.0 / 8, accuracy: 1e-15)
        XCTAssertEqual(inv[0, 1], -2.0 / 8, accuracy: 1e-15)
        XCTAssertEqual(inv[1, 0], -2.0 / 8, accuracy: 1e-15)
        XCTAssertEqual(inv[1, 1], 4.0 / 8, accuracy: 1e-15)
        XCTAssertEqual(c.logDeterminant, log(8.0), accuracy: 1e-14)
    }

    func testRandomSystemsSolveWithSmallResidual() throws {
        var rng = SeededGenerator(seed: 42)
        for trial in 0..<20 {
            let n = 1 + trial % 12
            let m = n + 5
            let b = Matrix(rows: m, cols: n, storage: (0..<(m * n)).map { _ in Double.random(in: -1...1, using: &rng) })
            var a = gram(b)                          // BᵀB is positive definite (full column rank)
            for i in 0..<n { a[i, i] += 0.1 }
            let rhs = (0..<n).map { _ in Double.random(in: -5...5, using: &rng) }
            let c = try Cholesky(a)
            let x = c.solve(rhs)
            let residual = zip(multiply(a.matrix, x), rhs).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(residual, 1e-10, "trial \(trial)")
            // A·A⁻¹ = I
            let product = multiply(a.matrix, try c.inverse().matrix)
            for i in 0..<n { for j in 0..<n {
                XCTAssertEqual(product[i, j], i == j ? 1 : 0, accuracy: 1e-9, "trial \(trial) (\(i),\(j))")
            } }
            // Matrix right-hand side agrees with column-by-column solves.
            let bm = Matrix(rows: n, cols: 2, storage: (0..<(2 * n)).map { _ in Double.random(in: -1...1, using: &rng) })
            let xm = c.solve(bm)
            for col in 0..<2 {
                let single = c.solve((0..<n).map { bm[$0, col] })
                for i in 0..<n { XCTAssertEqual(xm[i, col], single[i], accuracy: 1e-12) }
            }
        }
    }

    func testNotPositiveDefiniteNamesThePivot() {
        // Column 2 equals column 0 + column 1: the Gram matrix is singular at pivot 2.
        let x = Matrix([[1, 0, 1], [0, 1, 1], [1, 1, 2], [2, 1, 3]])
        XCTAssertThrowsError(try Cholesky(gram(x))) { error in
            guard case LinearAlgebraError.notPositiveDefinite(let pivot) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(pivot, 2)
            XCTAssertTrue("\(error)".contains("column 2"))
        }
        // An indefinite matrix fails at its first pivot.
        XCTAssertThrowsError(try Cholesky(SymmetricMatrix(Matrix([[-1, 0], [0, 1]])))) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(pivot: 0))
        }
    }

    func testNonFiniteInputIsReportedNotPropagated() {
        let a = SymmetricMatrix(Matrix([[1, 0], [0, .nan]]))
        XCTAssertThrowsError(try Cholesky(a)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(pivot: 1))
        }
    }
}
