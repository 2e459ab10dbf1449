import CScan

/// SHA-256 (FIPS 180-4), used to fingerprint the input files a model was trained on.
///
/// Streaming: `update` any number of times, then `finalize`. Processes 64-byte blocks
/// with the standard message schedule and 64 rounds; no allocation per block.
///
/// Runs of whole blocks go to the x86 SHA extensions (`sha256rnds2`, `sha256msg1/2`, in
/// the C target CScan) when the CPU has them (checked once at run time, CPUID leaf 7
/// EBX bit 29): about 1.5–2 GB/s per core against ≈ 0.2–0.3 GB/s for the portable Swift
/// rounds below, which stay the path on every other CPU (and `portable: true`).
public struct SHA256: Sendable {
    /// True when this process hashes with the SHA extensions.
    public static let usesSHAExtensions: Bool = cscan_has_sha_ni() != 0

    private let accelerated: Bool
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var buffer = [UInt8](repeating: 0, count: 64)
    private var buffered = 0
    private var totalBytes: UInt64 = 0

    public init() { accelerated = Self.usesSHAExtensions }

    /// A hasher that always uses the portable Swift rounds (tests, measurements).
    public init(portable: Bool) { accelerated = portable ? false : Self.usesSHAExtensions }

    /// Round constants: the first 32 bits of the fractional parts of the cube roots of
    /// the first 64 primes.
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Feeds bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        totalBytes &+= UInt64(n)
        if buffered > 0 {
            while buffered < 64 && i < n { buffer[buffered] = bytes[i]; buffered += 1; i += 1 }
            if buffered == 64 {
                if accelerated {
                    buffer.withUnsafeBytes { b in
                        withUnsafeMutableBytes(of: &state) { raw in
                            cscan_sha256_blocks(raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                                b.baseAddress!.assumingMemoryBound(to: UInt8.self), 1)
                        }
                    }
                } else {
                    buffer.withUnsafeBytes { compress($0.baseAddress!) }
                }
                buffered = 0
            }
        }
        if n - i >= 64 && accelerated {
            let blocks = (n - i) / 64
            withUnsafeMutableBytes(of: &state) { raw in
                cscan_sha256_blocks(raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                                    bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, blocks)
            }
            i += 64 * blocks
        }
        while n - i >= 64 {
            compress(bytes.baseAddress! + i)
            i += 64
        }
        while i < n { buffer[buffered] = bytes[i]; buffered += 1; i += 1 }
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// Pads (0x80, zeros, 64-bit big-endian bit length) and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bitLength = totalBytes &* 8
        var tail: [UInt8] = [0x80]
        let padZeros = (64 + 56 - (buffered + 1) % 64) % 64
        tail += [UInt8](repeating: 0, count: padZeros)
        for s in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(s))) }
        let savedTotal = totalBytes
        tail.withUnsafeBytes { update($0) }
        totalBytes = savedTotal
        precondition(buffered == 0)
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        return words.flatMap { w in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: w >> UInt32($0)) } }
    }

    /// The digest as 64 lower-case hex digits.
    public mutating func finalizeHex() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in finalize() { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private mutating func compress(_ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            compress(block, schedule: w)
        }
    }

    private mutating func compress(_ block: UnsafeRawPointer, schedule w: UnsafeMutableBufferPointer<UInt32>) {
        for t in 0..<16 {
            let b = block + 4 * t
            w[t] = UInt32(b.load(fromByteOffset: 0, as: UInt8.self)) << 24
                | UInt32(b.load(fromByteOffset: 1, as: UInt8.self)) << 16
                | UInt32(b.load(fromByteOffset: 2, as: UInt8.self)) << 8
                | UInt32(b.load(fromByteOffset: 3, as: UInt8.self))
        }
        for t in 16..<64 {
            let s0 = Self.rotr(w[t - 15], 7) ^ Self.rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = Self.rotr(w[t - 2], 17) ^ Self.rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = state
        Self.k.withUnsafeBufferPointer { k in
            for t in 0..<64 {
                let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                 state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
    }
}
