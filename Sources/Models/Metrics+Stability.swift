#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The population stability index of a score between a reference ("expected", e.g.
/// the training portfolio) and a new ("actual", e.g. today's portfolio) distribution.
public struct PopulationStability: Sendable, Codable, Equatable {
    /// One score bin: values v with lower ≤ v < upper.
    public struct Bin: Sendable, Codable, Equatable {
        /// −∞ for the first bin.
        public var lower: Double
        /// +∞ for the last bin.
        public var upper: Double
        /// Share of the expected scores in the bin, before the floor.
        public var expectedShare: Double
        /// Share of the actual scores in the bin, before the floor.
        public var actualShare: Double
        /// (a − e)·ln(a/e) with both shares floored.
        public var contribution: Double
    }

    /// PSI = Σ_b (a_b − e_b)·ln(a_b / e_b) ≥ 0. Rule of thumb: < 0.1 stable, 0.1–0.25
    /// some shift, > 0.25 a significant shift.
    public var index: Double
    public var bins: [Bin]
}

extension Metrics {
    /// Share assigned to an empty bin before taking logarithms (1e-4, i.e. 0.01 %): the
    /// PSI of a bin that is empty on one side is then large but finite. Shares are not
    /// renormalized after flooring.
    public static let stabilityShareFloor = 1e-4

    /// PSI between two score distributions, with bins from the expected distribution's
    /// quantiles.
    ///
    /// Cut points are the expected scores at sorted positions ⌊k·n/B⌋, k = 1 … B−1
    /// (deciles for B = 10), with duplicates removed, so heavy ties give fewer bins. A
    /// value v falls in bin b = number of cut points ≤ v. Each share is floored at
    /// `stabilityShareFloor`.
    /// - Complexity: O((n + m) log n).
    /// Reference: Siddiqi, *Credit Risk Scorecards* (2006), ch. 8; Yurdakul (2018).
    public static func populationStability(expected: [Double], actual: [Double],
                                           bins: Int = 10) throws(MetricsError) -> PopulationStability {
        precondition(bins >= 2, "populationStability: at least 2 bins")
        for (name, values) in [("expected", expected), ("actual", actual)] {
            if values.isEmpty { throw MetricsError(code: .tooFewRows, message: "the \(name) scores are empty.") }
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw MetricsError(code: .nonFiniteScore, row: i, message: "the \(name) score at row \(i) is \(values[i]).")
            }
        }
        let cuts = stabilityCuts(expected, bins: bins)
        var counts = [Int](repeating: 0, count: cuts.count + 1)
        for v in expected { counts[stabilityBin(v, cuts)] += 1 }
        let shares = counts.map { Double($0) / Double(expected.count) }
        return try populationStability(cuts: cuts, expectedShares: shares, actual: actual)
    }

    /// The PSI bins' cut points: the sorted scores at positions ⌊k·n/B⌋, k = 1 … B−1,
    /// duplicates removed (ascending). Empty for no scores.
    public static func stabilityCuts(_ scores: [Double], bins: Int = 10) -> [Double] {
        let sorted = scores.sorted()
        var cuts: [Double] = []
        guard !sorted.isEmpty else { return cuts }
        for k in 1..<bins {
            let c = sorted[k * sorted.count / bins]
            if cuts.last != c { cuts.append(c) }
        }
        return cuts
    }

    /// The bin of `v`: the number of cut points ≤ v (binary search).
    public static func stabilityBin(_ v: Double, _ cuts: [Double]) -> Int {
        var lo = 0, hi = cuts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cuts[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// PSI of `actual` scores against a stored reference: bins from `cuts` (ascending,
    /// `stabilityCuts`) and the reference's share in each of the `cuts.count + 1` bins
    /// (a model artifact keeps these instead of every training score).
    public static func populationStability(cuts: [Double], expectedShares: [Double],
                                           actual: [Double]) throws(MetricsError) -> PopulationStability {
        precondition(expectedShares.count == cuts.count + 1, "populationStability: one more share than cuts")
        if actual.isEmpty { throw MetricsError(code: .tooFewRows, message: "the actual scores are empty.") }
        if let i = actual.firstIndex(where: { !$0.isFinite }) {
            throw MetricsError(code: .nonFiniteScore, row: i, message: "the actual score at row \(i) is \(actual[i]).")
        }
        var a = [Int](repeating: 0, count: cuts.count + 1)
        for v in actual { a[stabilityBin(v, cuts)] += 1 }
        var result: [PopulationStability.Bin] = []
        var psi = 0.0
        for b in 0...cuts.count {
            let es = expectedShares[b], as_ = Double(a[b]) / Double(actual.count)
            let ef = Swift.max(es, stabilityShareFloor), af = Swift.max(as_, stabilityShareFloor)
            let c = (af - ef) * log(af / ef)
            psi += c
            result.append(.init(lower: b == 0 ? -.infinity : cuts[b - 1], upper: b == cuts.count ? .infinity : cuts[b],
                                expectedShare: es, actualShare: as_, contribution: c))
        }
        return PopulationStability(index: psi, bins: result)
    }
}
