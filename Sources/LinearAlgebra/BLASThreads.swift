import CLinearAlgebra
import Foundation

/// The number of threads OpenBLAS uses inside one BLAS/LAPACK call.
///
/// OpenBLAS (the pthreads build, Debian's default) starts a pool of one thread per core
/// and splits large calls (`dgemm`, `dsyrk`, big `dgemv`s, `dpotri`) over it. The count is
/// one setting for the whole process (`openblas_get_num_threads` /
/// `openblas_set_num_threads`).
///
/// **Results depend on it.** OpenBLAS partitions the work of a call differently for
/// different thread counts, so sums are added in a different order and the last bits
/// move (seen in the covariances from `dpotri`). A computation whose bytes must not depend
/// on the machine — the fits, whose artifact is reproducible — runs inside
/// `withBLASThreads(1)`.
public enum BLASThreads {
    /// Threads OpenBLAS currently uses per call (≥ 1).
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// Sets the threads OpenBLAS uses per call; values below 1 mean 1. Prefer
    /// `withBLASThreads`, which is safe when several threads of the process use BLAS.
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(clamping: max(1, count)))
    }

    /// The scopes open now: while any is open the process-wide count is theirs.
    nonisolated(unsafe) private static var active = 0
    nonisolated(unsafe) private static var activeCount = 0
    nonisolated(unsafe) private static var saved = 0
    private static let condition = NSCondition()

    /// Opens a scope with `count` threads: joins the open scopes when they use the same
    /// count, waits for them to close otherwise.
    static func enter(_ count: Int) {
        condition.lock()
        while active > 0 && activeCount != count { condition.wait() }
        if active == 0 {
            saved = current
            activeCount = count
            if saved != count { set(count) }
        }
        active += 1
        condition.unlock()
    }

    /// Closes a scope; the last one restores the count found before the first.
    static func leave() {
        condition.lock()
        active -= 1
        if active == 0 {
            if saved != activeCount { set(saved) }
            condition.broadcast()
        }
        condition.unlock()
    }
}

/// Runs `body` with OpenBLAS limited to `count` threads per call, then restores the
/// previous count (also when `body` throws).
///
/// Safe when several threads of the process call it at once: scopes with the same count
/// run together (two fits at once each see one thread), a scope with another count waits
/// until those have finished, so no call ever runs under a count set for another. (A scope
/// opened inside a scope of another count on the same thread would wait for itself: do
/// not nest different counts.)
///
///     let fit = try withBLASThreads(1) { try CoxRegression().fit(x, time: t, event: e, featureNames: names) }
public func withBLASThreads<R, E: Error>(_ count: Int, _ body: () throws(E) -> R) throws(E) -> R {
    let count = max(1, count)
    BLASThreads.enter(count)
    defer { BLASThreads.leave() }
    return try body()
}
