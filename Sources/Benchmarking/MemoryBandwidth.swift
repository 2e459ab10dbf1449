import Dispatch

/// The memory-bandwidth bound of reading an array: a tight sum over it on all cores,
/// in the same row chunks as `ScoringKernel`, is the least work that reads every byte.
public enum MemoryBandwidth {
    /// Σ values, summed in chunks of `chunkValues` on all cores (8 partial sums per
    /// chunk, SIMD pairs), returned so the reads cannot be optimised away.
    public static func sum(_ values: [Double], chunkValues: Int) -> Double {
        let n = values.count
        guard n > 0 else { return 0 }
        let size = Swift.max(chunkValues, 8)
        let chunks = (n + size - 1) / size
        var partial = [Double](repeating: 0, count: chunks)
        values.withUnsafeBufferPointer { vb in
            partial.withUnsafeMutableBufferPointer { pb in
                let input = SummedValues(pointer: vb.baseAddress)
                let out = PartialSums(pointer: pb.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let lo = c * size
                    out.pointer[c] = sumRange(input.pointer! + lo, count: Swift.min(size, n - lo))
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Σ of `count` values from `x`: four SIMD2 accumulators, then the tail.
    @inline(__always)
    static func sumRange(_ x: UnsafePointer<Double>, count: Int) -> Double {
        var a = SIMD2<Double>(), b = SIMD2<Double>(), c = SIMD2<Double>(), d = SIMD2<Double>()
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 8 <= count {
            a += raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD2<Double>.self)
            b += raw.loadUnaligned(fromByteOffset: i * 8 + 16, as: SIMD2<Double>.self)
            c += raw.loadUnaligned(fromByteOffset: i * 8 + 32, as: SIMD2<Double>.self)
            d += raw.loadUnaligned(fromByteOffset: i * 8 + 48, as: SIMD2<Double>.self)
            i += 8
        }
        var s = ((a + b) + (c + d)).sum()
        while i < count { s += x[i]; i += 1 }
        return s
    }

    /// Bytes per second of `sum` over `values` (one timed pass).
    public static func measure(_ values: [Double], chunkValues: Int) -> (bytesPerSecond: Double, seconds: Double, sum: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let s = sum(values, chunkValues: chunkValues)
        let d = clock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return (Double(values.count * 8) / seconds, seconds, s)
    }
}

/// The partial-sum array of `MemoryBandwidth.sum`; each chunk writes its own slot.
struct PartialSums: @unchecked Sendable {
    var pointer: UnsafeMutablePointer<Double>
}

/// The input array of `MemoryBandwidth.sum`, read by every chunk.
struct SummedValues: @unchecked Sendable {
    var pointer: UnsafePointer<Double>?
}
