/// An open-addressing hash table from account-id bytes to an `Int32`, so that payments
/// can find their account without making a `String` per row.
///
/// Values: ≥ 0 is the row of a valid account in `AccountTable`; < 0 marks an id whose
/// first row was rejected, holding −(line of that row).
///
/// Keys live in one byte arena; slots hold entry numbers; load factor ≤ 1/2.
/// - Complexity: expected O(key length) per lookup and insert.
public final class AccountIDTable {
    private var arena: [UInt8] = []
    private var keyStart: [Int] = []
    private var keyLength: [Int32] = []
    private var keyHash: [UInt64] = []
    private(set) var values: [Int32] = []
    private var slots: [Int32]
    private var mask: Int

    public init(expectedCount: Int = 1024) {
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        arena.reserveCapacity(expectedCount * 10)
        keyStart.reserveCapacity(expectedCount)
        keyLength.reserveCapacity(expectedCount)
        keyHash.reserveCapacity(expectedCount)
        values.reserveCapacity(expectedCount)
    }

    public var count: Int { values.count }

    /// A 64-bit hash of the bytes: 8 bytes at a time, multiply–xorshift mixing.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let m: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0x2545_F491_4F6C_DD1D ^ UInt64(truncatingIfNeeded: key.count)
        guard let base = key.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        let n = key.count
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* m
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(base[i]) << shift; shift += 8; i += 1 }
            h = (h ^ w) &* m
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    /// The value stored for `key`, or `nil`.
    @inline(__always)
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        return find(key, hash: h).entry.map { values[$0] }
    }

    /// The slot where `key` is or would go, and its entry number when present.
    @inline(__always)
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (slot: Int, entry: Int?) {
        var s = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slotBuf in
            arena.withUnsafeBufferPointer { arenaBuf in
                while true {
                    let e = Int(slotBuf[s])
                    if e < 0 { return (s, nil) }
                    if keyHash[e] == h && Int(keyLength[e]) == key.count {
                        let start = keyStart[e]
                        var same = true
                        for k in 0..<key.count where arenaBuf[start + k] != key[k] { same = false; break }
                        if same { return (s, e) }
                    }
                    s = (s + 1) & mask
                }
            }
        }
    }

    /// Inserts `key` → `value` unless the key is present.
    /// - Returns: the existing value when the key was already there (nothing changes).
    @discardableResult
    public func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int32) -> Int32? {
        let h = Self.hash(key)
        let (slot, entry) = find(key, hash: h)
        if let entry { return values[entry] }
        let e = values.count
        keyStart.append(arena.count)
        arena.append(contentsOf: key)
        keyLength.append(Int32(key.count))
        keyHash.append(h)
        values.append(value)
        slots[slot] = Int32(e)
        if values.count * 2 > slots.count { grow() }
        return nil
    }

    /// Replaces every value v with `transform(v)` (the rows renumbered after a removal).
    func remapValues(_ transform: (Int32) -> Int32) {
        for e in values.indices { values[e] = transform(values[e]) }
    }

    /// Makes room for `n` keys in all without regrowing (slots at load ≤ 1/2).
    func reserve(_ n: Int) {
        keyStart.reserveCapacity(n)
        keyLength.reserveCapacity(n)
        keyHash.reserveCapacity(n)
        values.reserveCapacity(n)
        if arena.count == 0 { arena.reserveCapacity(n * 10) }
        var size = slots.count
        while size < n * 2 { size <<= 1 }
        if size > slots.count { rehash(size) }
    }

    private func grow() { rehash(slots.count * 2) }

    private func rehash(_ size: Int) {
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for e in 0..<values.count {
            var s = Int(truncatingIfNeeded: keyHash[e]) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(e)
        }
    }
}
