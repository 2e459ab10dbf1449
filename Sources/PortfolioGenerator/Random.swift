/// Seeded pseudo-random numbers for the generator.
///
/// Every account draws from its own stream, a xoshiro256** generator whose 256-bit state
/// is filled by SplitMix64 from (seed, account index). The output therefore depends only
/// on the seed and the account's index: accounts can be generated in any order or in
/// parallel, and the same seed gives the same portfolio on any machine. Nothing here uses
/// Foundation, the system generator, or Swift's `random(in:)` (whose algorithm is not
/// specified across toolchains).

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a 64-bit state advanced by the golden-ratio increment, then mixed.
/// Used only to seed xoshiro256** and to derive stream keys.
@usableFromInline
struct SplitMix64 {
    @usableFromInline var state: UInt64

    @inlinable init(state: UInt64) { self.state = state }

    /// The next 64-bit output.
    @inlinable mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finalizer: a bijection on 64-bit words with full avalanche.
    @inlinable static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 2021): period 2²⁵⁶ − 1, passes BigCrush.
public struct AccountRandom: Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The stream of account `stream` (0-based index) under `seed`: the state is four
    /// SplitMix64 outputs seeded with mix(seed) ⊕ mix(stream + φ), so neighbouring
    /// seeds and neighbouring indices give unrelated states.
    public init(seed: UInt64, stream: UInt64) {
        var sm = SplitMix64(state: SplitMix64.mix(seed) ^ SplitMix64.mix(stream &+ 0x9E37_79B9_7F4A_7C15))
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        // An all-zero state is the one fixed point; SplitMix64 cannot produce four zeros
        // in a row, but guard the invariant anyway.
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform on [0, 1): the top 53 bits scaled by 2⁻⁵³.
    @inlinable public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform on the open interval (0, 1): (k + ½)·2⁻⁵³ for a 53-bit k, so it is never 0
    /// or 1 and its logarithm is finite.
    @inlinable public mutating func openUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Uniform on [a, b).
    @inlinable public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * unit()
    }

    /// Uniform integer in `range` (inclusive): the high word of a 64×64-bit product
    /// (Lemire 2019 without the rejection step; bias ≤ width / 2⁶⁴, far below anything
    /// measurable here).
    @inlinable public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        return range.lowerBound + Int(width.multipliedFullWidth(by: next()).high)
    }

    /// True with probability `p`.
    @inlinable public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Exponential with mean `mean` by inversion: −mean·ln U, U uniform on (0, 1).
    @inlinable public mutating func exponential(mean: Double) -> Double {
        -mean * DeterministicMath.log(openUnit())
    }

    /// Standard normal by the Marsaglia polar method (uses only ln and √, both
    /// reproducible here; Box–Muller would need sin/cos from the platform's libm).
    @inlinable public mutating func normal() -> Double {
        while true {
            let u = 2 * unit() - 1, v = 2 * unit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * DeterministicMath.log(s) / s).squareRoot()
            }
        }
    }

    /// Index drawn from the cumulative weights `cumulative` (ascending, last = 1):
    /// the first i with U < cumulative[i].
    @inlinable public mutating func pick(_ cumulative: [Double]) -> Int {
        let u = unit()
        for i in 0 ..< cumulative.count where u < cumulative[i] { return i }
        return cumulative.count - 1
    }
}
