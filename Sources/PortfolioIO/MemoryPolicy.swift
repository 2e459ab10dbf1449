#if canImport(Glibc)
import Glibc
#endif

/// How the process's allocator treats large blocks, for jobs that hold the whole
/// portfolio (`train`).
public enum MemoryPolicy {
    /// Keeps freed memory in the process for reuse instead of handing it back to the
    /// kernel: glibc's `malloc` serves every request from its heaps (`M_MMAP_MAX` = 0)
    /// and trims a heap's free top only beyond 2 GiB (`M_TRIM_THRESHOLD`).
    ///
    /// Why: glibc maps each block above its mmap threshold (at most 32 MiB) with `mmap`
    /// and unmaps it on `free`, so every such array is new zeroed pages — one page fault
    /// per 4 KiB. At 1M accounts the columns (8 MB) stay under the threshold and are
    /// reused; at 10M (80 MB) every one of the fits' and metrics' arrays faulted its pages
    /// in again: `perf` put 23 % of a 10M `train` in the kernel zeroing pages, and time per
    /// account grew by half from 1M to 10M (175 s vs 11.7 s). With this policy the 10M
    /// `train` took 137 s (README, "Memory and scaling"); peak RSS grows by about a tenth.
    /// Results do not depend on it. No effect on other C libraries.
    public static func retainFreedMemory() {
        #if canImport(Glibc)
        _ = glibcMallopt(-4, 0)                     // M_MMAP_MAX: no mmap'd blocks
        _ = glibcMallopt(-1, Int32.max)             // M_TRIM_THRESHOLD: 2 GiB
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `int mallopt(int param, int value)` (<malloc.h>, which the Glibc module does
/// not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
