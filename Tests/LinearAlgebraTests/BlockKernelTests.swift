import XCTest
import LinearAlgebra
import _TestSupport

/// The block kernels the fits use, the blocked `gram`, and the OpenBLAS report.
final class BlockKernelTests: XCTestCase {
    func testSyrkUpperAccumulatesBlocksLikeOneSum() {
        var rng = SeededGenerator(seed: 11)
        let n = 1_300, p = 7
        let a = (0..<(n * p)).map { _ in Double.random(in: -2...2, using: &rng) }
        var g = [Double](repeating: 99, count: p * p)       // beta 0 on the first block overwrites
        a.withUnsafeBufferPointer { ap in
            g.withUnsafeMutableBufferPointer { gp in
                var start = 0
                while start < n {
                    let m = min(500, n - start)
                    syrkUpper(ap.baseAddress! + start * p, rows: m, cols: p, beta: start == 0 ? 0 : 1, into: gp.baseAddress!)
                    start += m
                }
            }
        }
        for j in 0..<p {
            for k in j..<p {
                var s = 0.0
                for i in 0..<n { s += a[i * p + j] * a[i * p + k] }
                XCTAssertEqual(g[j * p + k], s, accuracy: 1e-10 * max(1, abs(s)), "(\(j), \(k))")
            }
        }
    }

    func testBlockedGramOfATallMatrixMatchesNaiveSums() {
        var rng = SeededGenerator(seed: 3)
        let n = 2_049, p = 5                      // several 512-row blocks and a partial one
        let x = Matrix(rows: n, cols: p, storage: (0..<(n * p)).map { _ in Double.random(in: -1...1, using: &rng) })
        let g = gram(x)
        for j in 0..<p {
            for k in 0..<p {
                var s = 0.0
                for i in 0..<n { s += x[i, j] * x[i, k] }
                XCTAssertEqual(g[j, k], s, accuracy: 1e-11 * max(1, abs(s)))
                XCTAssertEqual(g[j, k], g[k, j])
            }
        }
    }

    func testOpenBLASReportAndRate() {
        XCTAssertFalse(OpenBLAS.coreName.isEmpty)
        XCTAssertTrue(OpenBLAS.config.contains("OpenBLAS"), OpenBLAS.config)
        // dgemm forms the Gram matrices exactly when OpenBLAS runs AVX-512 kernels.
        XCTAssertEqual(OpenBLAS.gramUsesGEMM, ["SkylakeX", "Cooperlake", "SapphireRapids"].contains(OpenBLAS.coreName))
        let rate = BLASRate.measure(rows: 20_000, columns: 6, blockRows: 256, repeats: 1)
        XCTAssertEqual(rate.columns, 6)
        XCTAssertEqual(rate.blockRows, 256)
        for r in [rate.syrkGFLOPS, rate.syrkGFLOPSAllCores, rate.gemmGFLOPS, rate.gemmGFLOPSAllCores] {
            XCTAssertTrue(r.isFinite && r > 0, "\(rate)")
        }
        // The bound uses the faster kernel: never above either kernel's time.
        let t = rate.gramSeconds(rows: 1_000_000)
        XCTAssertLessThanOrEqual(t, 1e6 * 6 * 7 / (rate.syrkGFLOPSAllCores * 1e9) * (1 + 1e-12))
        XCTAssertLessThanOrEqual(t, 2e6 * 36 / (rate.gemmGFLOPSAllCores * 1e9) * (1 + 1e-12))
    }
}
