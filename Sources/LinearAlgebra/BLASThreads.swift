import CLinearAlgebra

/// The number of threads OpenBLAS uses inside one BLAS/LAPACK call.
///
/// OpenBLAS (the pthreads build, Debian's default) starts a pool of one thread per core
/// and splits large calls (`dgemm`, `dsyrk`, big `dgemv`s) over it. That helps one big
/// call on an idle machine, but when the caller already runs on every core (concurrent
/// stripes each calling small BLAS routines) the pool's threads compete with the
/// caller's and calls get slower. These functions read and set the pool size for the
/// whole process (`openblas_get_num_threads` / `openblas_set_num_threads`); the setting
/// is global, so change it only around work that owns the machine, and prefer
/// `withBLASThreads`, which restores the previous value.
///
/// Results do not depend on the thread count beyond rounding: OpenBLAS splits `dsyrk`
/// and `dgemm` by output blocks, so each output element is summed in the same order.
public enum BLASThreads {
    /// Threads OpenBLAS currently uses per call (≥ 1).
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// Sets the threads OpenBLAS uses per call; values below 1 mean 1.
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(clamping: max(1, count)))
    }
}

/// Runs `body` with OpenBLAS limited to `count` threads per call, then restores the
/// previous count (also when `body` throws).
///
///     let fit = try withBLASThreads(1) { try CoxRegression().fit(x, time: t, event: e, featureNames: names) }
public func withBLASThreads<R, E: Error>(_ count: Int, _ body: () throws(E) -> R) throws(E) -> R {
    let previous = BLASThreads.current
    if previous == max(1, count) { return try body() }
    BLASThreads.set(count)
    defer { BLASThreads.set(previous) }
    return try body()
}
