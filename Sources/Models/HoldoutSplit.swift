/// A seeded train/test split of row indices (`--holdout 0.2`).
///
/// The test set has round(fraction·n) rows (per class when stratified), drawn by a
/// partial Fisher–Yates shuffle driven by SplitMix64 (Steele, Lea & Flood, OOPSLA 2014)
/// seeded with `seed`. The generator and the bounded draws (rejection sampling, no
/// modulo bias) are pure integer arithmetic, so a seed gives the same split on every
/// platform and Swift version; Foundation and the system RNG are not used. Both index
/// lists are returned in ascending order.
public struct HoldoutSplit: Sendable, Codable, Equatable {
    /// Share of rows held out for testing, in (0, 1).
    public var fraction: Double
    public var seed: UInt64

    /// Row indices of the two parts; together they are 0..<n, each exactly once.
    public struct Indices: Sendable, Equatable {
        public var train: [Int]
        public var test: [Int]
    }

    /// A fraction outside (0, 1) is clamped into [0, 1] by `split`: 0 (or below, or NaN)
    /// holds out nothing, 1 or more holds out every row. Callers check user values first
    /// (`TrainingOptions.validate`).
    public init(fraction: Double, seed: UInt64) {
        self.fraction = fraction
        self.seed = seed
    }

    /// Splits rows 0..<count.
    /// - Complexity: O(n) plus sorting the test indices, O(k log k).
    public func split(count: Int) -> Indices {
        precondition(count >= 0)
        var generator = SplitMix64(seed: seed)
        var test = draw(Array(0..<count), using: &generator)
        test.sort()
        return Indices(train: complement(test, count: count), test: test)
    }

    /// Splits rows so that each distinct label value keeps its share: round(fraction·n_c)
    /// test rows from class c, classes visited in ascending label order with one
    /// generator stream.
    public func split(stratifiedBy labels: [Double]) -> Indices {
        var generator = SplitMix64(seed: seed)
        var classes: [Double: [Int]] = [:]
        for (i, y) in labels.enumerated() { classes[y, default: []].append(i) }
        var test: [Int] = []
        for key in classes.keys.sorted() { test += draw(classes[key]!, using: &generator) }
        test.sort()
        return Indices(train: complement(test, count: labels.count), test: test)
    }

    /// round(fraction·n) members of `rows` by a partial Fisher–Yates shuffle.
    private func draw(_ rows: [Int], using generator: inout SplitMix64) -> [Int] {
        var rows = rows
        let share = fraction.isNaN ? 0 : Swift.min(1, Swift.max(0, fraction))
        let k = Int((share * Double(rows.count)).rounded())
        for i in 0..<k {
            let j = i + Int(generator.next(below: UInt64(rows.count - i)))
            rows.swapAt(i, j)
        }
        return Array(rows.prefix(k))
    }

    private func complement(_ sortedTest: [Int], count: Int) -> [Int] {
        var train: [Int] = []
        train.reserveCapacity(count - sortedTest.count)
        var t = 0
        for i in 0..<count {
            if t < sortedTest.count && sortedTest[t] == i { t += 1 } else { train.append(i) }
        }
        return train
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit state advanced by the golden-ratio
/// increment and finalized by a variant of MurmurHash3's mixer.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound ≥ 1): draws above the largest multiple of `bound`
    /// are rejected, so every residue is equally likely.
    mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let r = next()
            if r < limit { return r % bound }
        }
    }
}
