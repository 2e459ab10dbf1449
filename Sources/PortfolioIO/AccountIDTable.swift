/// An open-addressing hash table from account-id bytes to an `Int32`, so that payments
/// can find their account without making a `String` per row.
///
/// Values: ≥ 0 is the row of a valid account in `AccountTable`; < 0 marks an id whose
/// first row was rejected, holding −(line of that row).
///
/// Keys live in one byte arena; slots hold entry numbers; load factor ≤ 1/2. The storage
/// is raw memory behind one pointer the class never reassigns (as in `CSVReader`), so a
/// lookup or insert costs no dynamic exclusivity check and no per-column uniqueness or
/// capacity check: a million inserts are a few tens of milliseconds, on the one thread
/// that merges the accounts in file order.
/// - Complexity: expected O(key length) per lookup and insert.
public final class AccountIDTable {
    private struct Storage {
        var arena: UnsafeMutablePointer<UInt8>
        var arenaCount = 0, arenaCapacity: Int
        /// Per entry: key start in the arena, key length, hash, value.
        var keyStart: UnsafeMutablePointer<Int>
        var keyLength: UnsafeMutablePointer<Int32>
        var keyHash: UnsafeMutablePointer<UInt64>
        var values: UnsafeMutablePointer<Int32>
        var count = 0, entryCapacity: Int
        /// Entry number + 1 per slot, 0 when empty.
        var slots: UnsafeMutablePointer<Int32>
        var mask: Int
    }
    private let s: UnsafeMutablePointer<Storage>

    public init(expectedCount: Int = 1024) {
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        let entries = max(16, expectedCount)
        let slots = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        s = .allocate(capacity: 1)
        s.initialize(to: Storage(arena: .allocate(capacity: entries * 10), arenaCapacity: entries * 10,
                                 keyStart: .allocate(capacity: entries), keyLength: .allocate(capacity: entries),
                                 keyHash: .allocate(capacity: entries), values: .allocate(capacity: entries),
                                 entryCapacity: entries, slots: slots, mask: size - 1))
    }

    deinit {
        let t = s.pointee
        t.arena.deallocate(); t.keyStart.deallocate(); t.keyLength.deallocate()
        t.keyHash.deallocate(); t.values.deallocate(); t.slots.deallocate()
        s.deinitialize(count: 1)
        s.deallocate()
    }

    public var count: Int { s.pointee.count }

    /// The value of every entry, in insertion order.
    var values: [Int32] { Array(UnsafeBufferPointer(start: s.pointee.values, count: s.pointee.count)) }

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
        let e = find(key, hash: h).entry
        return e >= 0 ? s.pointee.values[e] : nil
    }

    /// The slot where `key` is or would go, and its entry number (−1 when absent).
    @inline(__always)
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (slot: Int, entry: Int) {
        let t = s.pointee
        var slot = Int(truncatingIfNeeded: h) & t.mask
        let n = key.count
        while true {
            let e = Int(t.slots[slot]) - 1
            if e < 0 { return (slot, -1) }
            if t.keyHash[e] == h && Int(t.keyLength[e]) == n {
                if n == 0 || sameBytes(key.baseAddress, t.arena + t.keyStart[e], n) { return (slot, e) }
            }
            slot = (slot + 1) & t.mask
        }
    }

    /// Inserts `key` → `value` unless the key is present.
    /// - Returns: the existing value when the key was already there (nothing changes).
    @discardableResult
    public func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int32) -> Int32? {
        let h = Self.hash(key)
        let (slot, entry) = find(key, hash: h)
        if entry >= 0 { return s.pointee.values[entry] }
        let n = key.count
        if s.pointee.count == s.pointee.entryCapacity { growEntries(s.pointee.entryCapacity * 2) }
        if s.pointee.arenaCount + n > s.pointee.arenaCapacity { growArena(max(s.pointee.arenaCapacity * 2, s.pointee.arenaCount + n)) }
        let e = s.pointee.count
        let start = s.pointee.arenaCount
        if n > 0 { (s.pointee.arena + start).initialize(from: key.baseAddress!, count: n) }
        s.pointee.arenaCount = start + n
        s.pointee.keyStart[e] = start
        s.pointee.keyLength[e] = Int32(n)
        s.pointee.keyHash[e] = h
        s.pointee.values[e] = value
        s.pointee.count = e + 1
        s.pointee.slots[slot] = Int32(e + 1)
        if (e + 1) * 2 > s.pointee.mask + 1 { rehash((s.pointee.mask + 1) * 2) }
        return nil
    }

    /// Replaces every value v with `transform(v)` (the rows renumbered after a removal).
    func remapValues(_ transform: (Int32) -> Int32) {
        let t = s.pointee
        for e in 0..<t.count { t.values[e] = transform(t.values[e]) }
    }

    /// Makes room for `n` keys in all without regrowing (slots at load ≤ 1/2).
    public func reserve(_ n: Int) {
        if n > s.pointee.entryCapacity { growEntries(n) }
        if n * 10 > s.pointee.arenaCapacity && s.pointee.arenaCount == 0 { growArena(n * 10) }
        var size = s.pointee.mask + 1
        while size < n * 2 { size <<= 1 }
        if size > s.pointee.mask + 1 { rehash(size) }
    }

    private func growEntries(_ capacity: Int) {
        func moved<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let q = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            q.moveInitialize(from: p, count: s.pointee.count)
            p.deallocate()
            return q
        }
        s.pointee.keyStart = moved(s.pointee.keyStart)
        s.pointee.keyLength = moved(s.pointee.keyLength)
        s.pointee.keyHash = moved(s.pointee.keyHash)
        s.pointee.values = moved(s.pointee.values)
        s.pointee.entryCapacity = capacity
    }

    private func growArena(_ capacity: Int) {
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        q.moveInitialize(from: s.pointee.arena, count: s.pointee.arenaCount)
        s.pointee.arena.deallocate()
        s.pointee.arena = q
        s.pointee.arenaCapacity = capacity
    }

    private func rehash(_ size: Int) {
        s.pointee.slots.deallocate()
        let slots = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        let mask = size - 1
        let t = s.pointee
        for e in 0..<t.count {
            var slot = Int(truncatingIfNeeded: t.keyHash[e]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(e + 1)
        }
        s.pointee.slots = slots
        s.pointee.mask = mask
    }
}
