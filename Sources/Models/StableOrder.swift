/// The permutation that sorts `keys` stably: `order[0]` is the row of the smallest key
/// (the largest with `descending`), and rows with equal keys keep their row order — the
/// very permutation `keys.indices.sorted { keys[$0] < keys[$1] }` (or `>`) gives, since
/// the standard library's sort is stable, but without an index indirection per
/// comparison.
///
/// Algorithm: each key is mapped to a 64-bit integer with the same order (−0 and +0 to the
/// same one, as `<` does not tell them apart: the sign bit set for x ≥ 0, every bit
/// flipped for x < 0; complemented for `descending`), then (key, row) pairs are sorted by
/// a least-significant-digit radix sort on 16-bit digits — four counting passes, each
/// stable, a pass skipped when every key has the same digit there (whole days and
/// probabilities share their top digits). Below 4,096 rows, or when a key is NaN (which
/// `<` does not order), it is the standard library's sort itself.
/// - Complexity: O(n) time in at most four passes over 16 bytes per row, 2·16·n bytes
///   of scratch, plus 65,536 counters per pass. At 10M rows this keeps the training
///   metrics' sorts linear: a comparison sort of indices spends its time in cache misses
///   on `keys[$0]` once the keys outgrow the cache.
func stableOrder(_ keys: [Double], descending: Bool = false) -> [Int] {
    let n = keys.count
    if n < 4_096 || n > Int(Int32.max) || keys.contains(where: { $0.isNaN }) {
        return descending ? keys.indices.sorted { keys[$0] > keys[$1] } : keys.indices.sorted { keys[$0] < keys[$1] }
    }
    var key = [UInt64](repeating: 0, count: n)
    var row = [Int32](repeating: 0, count: n)
    keys.withUnsafeBufferPointer { k in
        key.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let bits = (k[i] + 0.0).bitPattern          // −0 + 0 = +0
                let ordered = bits >> 63 == 0 ? bits | (1 << 63) : ~bits
                out[i] = descending ? ~ordered : ordered
            }
        }
    }
    for i in 0..<n { row[i] = Int32(truncatingIfNeeded: i) }
    var key2 = [UInt64](repeating: 0, count: n)
    var row2 = [Int32](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 1 << 16)
    for shift in stride(from: UInt64(0), to: 64, by: 16) {
        let moved: Bool = key.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for d in 0..<c.count { c[d] = 0 }
                for i in 0..<n { c[Int((k[i] >> shift) & 0xFFFF)] += 1 }
                if c[Int((k[0] >> shift) & 0xFFFF)] == n { return false }      // one digit: nothing moves
                var sum = 0
                for d in 0..<c.count { let t = c[d]; c[d] = sum; sum += t }
                row.withUnsafeBufferPointer { r in
                    key2.withUnsafeMutableBufferPointer { k2 in
                        row2.withUnsafeMutableBufferPointer { r2 in
                            for i in 0..<n {
                                let d = Int((k[i] >> shift) & 0xFFFF)
                                let at = c[d]
                                c[d] = at + 1
                                k2[at] = k[i]
                                r2[at] = r[i]
                            }
                        }
                    }
                }
                return true
            }
        }
        if moved {
            swap(&key, &key2)
            swap(&row, &row2)
        }
    }
    return row.map { Int($0) }
}
