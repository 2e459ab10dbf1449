import CLinearAlgebra
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which OpenBLAS build and kernel set this process runs, and how fast its BLAS-3 is.
///
/// Debian's OpenBLAS is a `DYNAMIC_ARCH` build: at load time it picks one kernel set
/// ("core") for the CPU it finds — `Haswell` (AVX2 + FMA), `SkylakeX` (AVX-512), `Zen`, or
/// an older SSE set such as `Prescott` when the CPU is not recognised (as on some virtual
/// machines). The environment variable `OPENBLAS_CORETYPE` overrides the choice; it is read
/// once, when the library loads, so it must be set before the process starts.
public enum OpenBLAS {
    /// The kernel set in use, e.g. "Haswell" (`openblas_get_corename`).
    public static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// The build configuration, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell
    /// MAX_THREADS=64" (`openblas_get_config`).
    public static var config: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }

    /// `OPENBLAS_CORETYPE` as this process saw it (nil when unset).
    public static var requestedCore: String? {
        ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
    }

    /// The AVX-512 kernel sets of OpenBLAS 0.3.x.
    static let avx512Cores: Set<String> = ["SkylakeX", "Cooperlake", "SapphireRapids"]

    /// Whether `syrkUpper` forms Gram matrices with `dgemm` rather than `dsyrk`: with the
    /// AVX-512 kernels `dgemm` is the faster of the two for the fits' thin blocks (with
    /// the AVX2 kernels `dsyrk` is). Fixed for the life of the process.
    public static let gramUsesGEMM: Bool = avx512Cores.contains(coreName)

    /// A faster kernel set than OpenBLAS's own pick, or nil: "SkylakeX" when the CPU has
    /// AVX-512 (F, CD, BW, DQ, VL in /proc/cpuinfo) but OpenBLAS chose an AVX2 or older set
    /// — OpenBLAS 0.3.21 does not recognise some AVX-512 CPUs (AMD Zen 4, some virtual
    /// Xeons) and runs Haswell or Prescott kernels there, whose `dsyrk`/`dgemm` are
    /// 1.2–2.5× slower on the fits' shape. `arrears bench` reports it as a hint; Arrears never
    /// switches kernels itself, because the fits' last bits depend on the kernels' summation
    /// order and a model must not change with the machine's mood (README, "Performance").
    public static func fasterCore() -> String? {
        if avx512Cores.contains(coreName) { return nil }
        guard let line = cpuFlagsLine() else { return nil }
        let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
        let needed = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        return needed.allSatisfy(flags.contains) ? "SkylakeX" : nil
    }

    /// The first "flags" line of /proc/cpuinfo, read line by line (procfs files report
    /// size 0, so whole-file readers that trust the size see nothing); nil elsewhere.
    static func cpuFlagsLine() -> String? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        while getline(&buffer, &capacity, file) > 0 {
            guard let b = buffer else { break }
            let line = String(cString: b)
            if line.hasPrefix("flags") { return line }
        }
        return nil
    }
}

/// The machine's measured BLAS-3 rate for the shape the fits use: the Gram matrix AᵀA of
/// a tall, thin row-major matrix (n × q, q ≈ 18), summed over cache-sized row blocks, with
/// `dsyrk` and with `dgemm`, on one thread and on every core at once (one BLAS thread per
/// core, each core its own rows, as the fits run). This is the "BLAS bound" the fits are
/// compared with (DESIGN §9): one Newton step cannot form XᵀWX faster than
/// `gramSeconds(rows:)`.
public struct BLASRate: Sendable, Codable, Equatable {
    /// Columns of the test matrix.
    public var columns: Int
    /// Rows per BLAS call.
    public var blockRows: Int
    /// Threads of the all-core figures (the active processor count).
    public var cores: Int
    /// `dsyrk` (upper triangle), counted as rows·q·(q + 1) flops, in 10⁹ flop/s: one
    /// thread, and all cores together.
    public var syrkGFLOPS: Double
    public var syrkGFLOPSAllCores: Double
    /// `dgemm` forming the whole AᵀA, counted as 2·rows·q² flops, in 10⁹ flop/s.
    public var gemmGFLOPS: Double
    public var gemmGFLOPSAllCores: Double

    /// The least time to form AᵀA for `rows` rows of `columns` columns on all cores with
    /// the faster of the two kernels, in seconds.
    public func gramSeconds(rows: Int, columns q: Int? = nil) -> Double {
        let c = Double(q ?? columns), n = Double(rows)
        return Swift.min(n * c * (c + 1) / (syrkGFLOPSAllCores * 1e9), 2 * n * c * c / (gemmGFLOPSAllCores * 1e9))
    }

    /// Best of `repeats` timings of AᵀA over `rows` rows of a fixed pseudo-random
    /// `rows × columns` matrix, `blockRows` rows per call.
    /// - Complexity: O(rows · columns²) per repeat and kernel; memory rows · columns doubles.
    public static func measure(rows: Int = 1 << 20, columns: Int = 18, blockRows: Int = 512,
                               repeats: Int = 5) -> BLASRate {
        precondition(rows > 0 && columns > 0 && blockRows > 0 && repeats > 0)
        var a = [Double](repeating: 0, count: rows * columns)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for k in a.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            a[k] = Double(state >> 11) * 0x1p-53 - 0.5
        }
        let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        let out = UnsafeMutablePointer<Double>.allocate(capacity: cores * columns * columns)
        defer { out.deallocate() }
        out.initialize(repeating: 0, count: cores * columns * columns)
        let shared = RatePointers(out: out)
        let q = Int32(columns)
        /// Σ over rows [lo, hi) in blocks into out + slot·q², with dsyrk or dgemm.
        @Sendable func pass(_ base: UnsafePointer<Double>, _ lo: Int, _ hi: Int, _ slot: Int, gemm: Bool) {
            let c = shared.out + slot * columns * columns
            var start = lo
            while start < hi {
                let m = Swift.min(blockRows, hi - start)
                let block = base + start * columns, beta = start == lo ? 0.0 : 1.0
                if gemm {
                    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, q, q, Int32(m), 1, block, q, block, q, beta, c, q)
                } else {
                    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, q, Int32(m), 1, block, q, beta, c, q)
                }
                start += m
            }
        }
        func best(_ body: () -> Void) -> Double {
            var t = Double.infinity
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                body()
                let d = ContinuousClock.now - start
                t = Swift.min(t, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
            }
            return t
        }
        let times: [Double] = withBLASThreads(1) {
            a.withUnsafeBufferPointer { ap in
                let base = RateInput(a: ap.baseAddress!)
                return [false, true].flatMap { gemm in
                    [best { pass(base.a, 0, rows, 0, gemm: gemm) },
                     best {
                         DispatchQueue.concurrentPerform(iterations: cores) { s in
                             pass(base.a, rows * s / cores, rows * (s + 1) / cores, s, gemm: gemm)
                         }
                     }]
                }
            }
        }
        let c = Double(columns), n = Double(rows)
        let syrkFlops = n * c * (c + 1), gemmFlops = 2 * n * c * c
        return BLASRate(columns: columns, blockRows: blockRows, cores: cores,
                        syrkGFLOPS: syrkFlops / times[0] / 1e9, syrkGFLOPSAllCores: syrkFlops / times[1] / 1e9,
                        gemmGFLOPS: gemmFlops / times[2] / 1e9, gemmGFLOPSAllCores: gemmFlops / times[3] / 1e9)
    }
}

/// Pointers the concurrent measuring passes share (each writes only its own slot).
private struct RatePointers: @unchecked Sendable { let out: UnsafeMutablePointer<Double> }
private struct RateInput: @unchecked Sendable { let a: UnsafePointer<Double> }
