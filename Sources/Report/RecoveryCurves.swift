#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Models

/// Observed and predicted recovery over time for one band of accounts with similar
/// scores.
public struct RecoveryBand: Sendable, Equatable {
    /// E.g. "Q5 (highest p)".
    public var label: String
    /// The band's lowest and highest score.
    public var scoreRange: ClosedRange<Double>
    /// Kaplan–Meier of the band's days to recovery: 1 − S(t) is the observed share
    /// recovered by day t, with Greenwood bands 1 − upper … 1 − lower.
    public var observed: KaplanMeier
    /// The Cox model's mean predicted share recovered by day t over the band's accounts,
    /// (1/n)·Σᵢ [1 − S(t | xᵢ)], as (day, share) points ascending from (0, 0).
    public var predicted: [ChartPoint]

    public init(label: String, scoreRange: ClosedRange<Double>, observed: KaplanMeier, predicted: [ChartPoint]) {
        self.label = label
        self.scoreRange = scoreRange
        self.observed = observed
        self.predicted = predicted
    }

    /// The predicted share recovered by day t (the last grid point ≤ t; 0 before).
    public func predictedRecovered(at t: Double) -> Double {
        predicted.last(where: { $0.x <= t })?.y ?? 0
    }
}

/// Kaplan–Meier recovery curves by score band next to the Cox model's predictions:
/// the survival model is well calibrated when each band's dashed predicted curve stays
/// inside its observed curve's band.
public struct RecoveryCurves: Sendable, Equatable {
    /// Bands in ascending score.
    public var bands: [RecoveryBand]
    /// Days at which the section's table compares observed with predicted (30/60/90/180).
    public var horizons: [Double]

    public init(bands: [RecoveryBand], horizons: [Double] = [30, 60, 90, 180]) {
        self.bands = bands
        self.horizons = horizons
    }

    /// Splits accounts into `bands` groups of equal count by score (ascending; ties by
    /// row order; group b holds sorted positions ⌊b·n/B⌋ ..< ⌊(b+1)·n/B⌋, so quintiles
    /// for B = 5), then per band estimates Kaplan–Meier from (time, event) and averages
    /// the Cox prediction 1 − S(t | xᵢ) = 1 − exp(−H(t | m)·e^{ηᵢ}) over its accounts.
    ///
    /// - Parameters:
    ///   - scores: one score per account (e.g. the logistic P(recovered within H)).
    ///   - time: days from the as-of date to recovery or to the end of observation.
    ///   - event: true where recovery was observed.
    ///   - relativeRisk: ηᵢ = (xᵢ − m)ᵀβ per account, `cox.relativeLinearPredictor(x)`.
    ///   - cox: the fitted Cox model (its baseline H(t | m) and event times).
    ///   - bands: the number of score bands (5 = quintiles).
    ///   - maxPoints: at most this many days on each predicted curve (baseline event
    ///     times, evenly thinned; the last one is always kept).
    /// - Complexity: O(n log n + n·maxPoints).
    public static func byScoreBand(scores: [Double], time: [Double], event: [Bool], relativeRisk: [Double],
                                   cox: CoxModel, bands: Int = 5, confidenceLevel: Double = 0.95,
                                   maxPoints: Int = 200, strata: [Int]? = nil) throws(KaplanMeierError) -> RecoveryCurves {
        precondition(bands >= 1, "byScoreBand: at least one band")
        precondition(scores.count == time.count && time.count == event.count && event.count == relativeRisk.count,
                     "byScoreBand: scores, time, event and relativeRisk must have one value per account")
        let n = scores.count
        guard n >= bands else {
            throw KaplanMeierError(code: .empty, message: "\(n) accounts cannot fill \(bands) score bands.")
        }
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 < $1 }
        let lastTime = time.max() ?? 0
        // A stratified model (`strata`: each account's stratum): every stratum's event
        // times on the grid, and each account's curve from its own stratum's baseline.
        let models: [CoxModel]
        if let baselines = cox.stratumBaselines, let strata, strata.count == n,
           strata.allSatisfy({ s in baselines.contains { $0.stratum == s } }) {
            models = (0...(baselines.map(\.stratum).max() ?? 0)).map { cox.stratumModel($0) ?? cox }
        } else {
            models = [cox]
        }
        let times = models.count > 1 ? Array(Set(models.flatMap(\.baselineTimes))).sorted() : cox.baselineTimes
        let grid = thinnedGrid(times.filter { $0 <= lastTime }, maxPoints: maxPoints)
        let hazards = models.map { m in grid.map { m.hazardAtMeans(at: $0) } }

        var result: [RecoveryBand] = []
        for b in 0..<bands {
            let rows = Array(order[(b * n / bands)..<((b + 1) * n / bands)])
            let km = try KaplanMeier(time: rows.map { time[$0] }, event: rows.map { event[$0] },
                                     confidenceLevel: confidenceLevel)
            var mean = [Double](repeating: 0, count: grid.count)
            for i in rows {
                let risk = exp(relativeRisk[i])
                let hazard = hazards[models.count > 1 ? strata![i] : 0]
                for k in grid.indices { mean[k] -= expm1(-hazard[k] * risk) }
            }
            let count = Double(rows.count)
            let predicted = [ChartPoint(x: 0, y: 0)] + zip(grid, mean).map { ChartPoint(x: $0, y: $1 / count) }
            let lo = scores[rows[0]], hi = scores[rows[rows.count - 1]]
            let name = bands == 5 ? "Q\(b + 1)" : "Band \(b + 1)"
            let suffix = b == 0 ? " (lowest score)" : b == bands - 1 ? " (highest score)" : ""
            result.append(RecoveryBand(label: name + suffix, scoreRange: lo...hi, observed: km, predicted: predicted))
        }
        return RecoveryCurves(bands: result)
    }

    /// At most `maxPoints` of `times`, evenly spaced by index, always with the last.
    static func thinnedGrid(_ times: [Double], maxPoints: Int) -> [Double] {
        guard times.count > maxPoints, maxPoints >= 2 else { return times }
        var out: [Double] = []
        for k in 0..<maxPoints { out.append(times[k * (times.count - 1) / (maxPoints - 1)]) }
        return out
    }
}

/// Histograms of the score on training data and on the given portfolio, on common
/// equal-width bins, with the population stability index.
public struct ScoreDistribution: Sendable, Equatable {
    /// Bin edges in score units, ascending (bins + 1 values).
    public var edges: [Double]
    /// Share of each sample in each bin (each sums to 1).
    public var trainingShares: [Double]
    public var portfolioShares: [Double]
    public var trainingCount: Int
    public var portfolioCount: Int
    /// PSI with the training deciles as bins (`Metrics.populationStability`).
    public var stability: PopulationStability
    /// What the second sample is called in the legend and the PSI table, e.g.
    /// "Portfolio" or "Holdout".
    public var portfolioName: String = "Portfolio"

    public init(edges: [Double], trainingShares: [Double], portfolioShares: [Double], trainingCount: Int,
                portfolioCount: Int, stability: PopulationStability, portfolioName: String = "Portfolio") {
        self.edges = edges
        self.trainingShares = trainingShares
        self.portfolioShares = portfolioShares
        self.trainingCount = trainingCount
        self.portfolioCount = portfolioCount
        self.stability = stability
        self.portfolioName = portfolioName
    }

    /// From a stored training histogram instead of the training scores (a model artifact
    /// keeps counts, not every score): `trainingCounts[k]` accounts in the k-th of
    /// `trainingCounts.count` equal-width bins over `domain`, the last bin closed. The
    /// portfolio is binned the same way, bin ⌊(v − lo)/(hi − lo)·B⌋ clamped to the end
    /// bins, so that a histogram stored with ⌊p·20⌋ over [0, 1] lines up bin for bin.
    /// `stability` is the PSI computed against the stored reference
    /// (`Metrics.populationStability(cuts:expectedShares:actual:)`); its bin bounds
    /// should be in the score units of `domain`.
    /// - Precondition: at least one bin, a non-empty domain.
    public init(trainingCounts: [Int], domain: ClosedRange<Double>, portfolio: [Double],
                stability: PopulationStability, portfolioName: String = "Portfolio") {
        let bins = trainingCounts.count
        precondition(bins >= 1 && domain.upperBound > domain.lowerBound, "ScoreDistribution: at least one bin over a non-empty domain")
        let lo = domain.lowerBound, span = domain.upperBound - lo
        edges = (0...bins).map { lo + span * Double($0) / Double(bins) }
        let trainingTotal = trainingCounts.reduce(0, +)
        trainingShares = trainingCounts.map { trainingTotal > 0 ? Double($0) / Double(trainingTotal) : 0 }
        var counts = [Int](repeating: 0, count: bins)
        for v in portfolio {
            let b = Int(((v - lo) / span * Double(bins)).rounded(.down))
            counts[Swift.min(Swift.max(b, 0), bins - 1)] += 1
        }
        portfolioShares = counts.map { portfolio.isEmpty ? 0 : Double($0) / Double(portfolio.count) }
        trainingCount = trainingTotal
        portfolioCount = portfolio.count
        self.stability = stability
        self.portfolioName = portfolioName
    }

    /// Bins both samples on `bins` equal-width bins over [lo, hi] (the domain when given,
    /// e.g. 0...1 for probabilities, else the range of both samples); a value at hi goes
    /// to the last bin, values outside the domain to the nearest end bin. PSI uses
    /// `psiBins` training quantiles.
    public init(training: [Double], portfolio: [Double], bins: Int = 20, domain: ClosedRange<Double>? = nil,
                psiBins: Int = 10) throws(MetricsError) {
        precondition(bins >= 1, "ScoreDistribution: at least one bin")
        stability = try Metrics.populationStability(expected: training, actual: portfolio, bins: psiBins)
        let all = training + portfolio
        let lo = domain?.lowerBound ?? all.min() ?? 0
        var hi = domain?.upperBound ?? all.max() ?? 1
        if hi <= lo { hi = lo + 1 }
        let width = (hi - lo) / Double(bins)
        edges = (0...bins).map { lo + Double($0) * width }
        edges[bins] = hi
        func shares(_ values: [Double]) -> [Double] {
            var counts = [Int](repeating: 0, count: bins)
            for v in values {
                // (v − lo)/(hi − lo)·B rather than (v − lo)/width: a value on an edge k/B
                // lands in bin k (0.15/0.05 rounds below 3), as a stored ⌊p·20⌋ histogram.
                let b = Int(((v - lo) / (hi - lo) * Double(bins)).rounded(.down))
                counts[Swift.min(Swift.max(b, 0), bins - 1)] += 1
            }
            return counts.map { Double($0) / Double(values.count) }
        }
        trainingShares = shares(training)
        portfolioShares = shares(portfolio)
        trainingCount = training.count
        portfolioCount = portfolio.count
    }
}
