/// Harrell's concordance index C for a risk score against (censored) durations, with
/// the conventions of R `survival::concordance` (default `timewt = "n"`: every
/// comparable pair weighs 1).
///
/// A pair (i, j) is comparable when i has an event at tᵢ and j is still at risk
/// afterwards: tⱼ > tᵢ, or tⱼ = tᵢ with j censored (a censoring at the event's day
/// counts as surviving it). A higher risk score predicts an earlier event, so the pair is
///   - concordant when scoreᵢ > scoreⱼ, discordant when scoreᵢ < scoreⱼ,
///   - tied in the score (`tiedRisk`, R's `tied.x`) when scoreᵢ = scoreⱼ (exact equality).
/// Two events on the same day are not comparable: they count in `tiedTime` (R's
/// `tied.y`) or, when their scores are also equal, in `tiedRiskAndTime` (`tied.xy`).
///   C = (concordant + tiedRisk/2) / (concordant + discordant + tiedRisk).
/// For a Cox model pass the linear predictor (R does so with `reverse = TRUE`).
///
/// Algorithm: sort by time, then walk the distinct times from the last to the first
/// with a Fenwick (binary indexed) tree of counts over the ranks of the scores of the
/// accounts seen so far (all at risk after the current day). At each day the censored
/// accounts are inserted first, each event queries the tree for the counts below, at and
/// above its rank, and the day's events are inserted last.
/// References: Harrell, Lee & Mark, Stat Med 15 (1996) 361–387; Therneau & Atkinson,
/// "The concordance statistic" (survival package vignette); Fenwick, Softw Pract Exp
/// 24 (1994) 327–336.
/// - Complexity: O(n log n) time, O(n) memory.
public struct Concordance: Sendable, Codable, Equatable {
    /// Comparable pairs where the account with the earlier event has the higher score.
    public var concordant: Int
    /// Comparable pairs where the account with the earlier event has the lower score.
    public var discordant: Int
    /// Comparable pairs with equal scores (R `tied.x`).
    public var tiedRisk: Int
    /// Pairs of events on the same day with different scores (R `tied.y`).
    public var tiedTime: Int
    /// Pairs of events on the same day with equal scores (R `tied.xy`).
    public var tiedRiskAndTime: Int

    public init(concordant: Int, discordant: Int, tiedRisk: Int, tiedTime: Int, tiedRiskAndTime: Int) {
        self.concordant = concordant
        self.discordant = discordant
        self.tiedRisk = tiedRisk
        self.tiedTime = tiedTime
        self.tiedRiskAndTime = tiedRiskAndTime
    }

    /// Counts the pairs for `riskScore` (higher = earlier event expected), durations
    /// `time` (days) and `event` flags, one of each per account. Scores and times must
    /// not be NaN.
    public init(riskScore: [Double], time: [Double], event: [Bool]) {
        let n = riskScore.count
        precondition(time.count == n && event.count == n,
                     "Concordance: \(n) scores, \(time.count) times, \(event.count) event flags")
        precondition(!riskScore.contains { $0.isNaN } && !time.contains { $0.isNaN },
                     "Concordance: scores and times must not be NaN")
        // Dense ranks 1…u of the scores (equal scores share a rank).
        let byScore = stableOrder(riskScore)
        var rank = [Int](repeating: 0, count: n)
        var u = 0
        for (k, i) in byScore.enumerated() {
            if k == 0 || riskScore[i] != riskScore[byScore[k - 1]] { u += 1 }
            rank[i] = u
        }
        // Descending time; within a day, censored rows first.
        var order = stableOrder(time, descending: true)
        var runStart = 0
        while runStart < n {                                 // censored rows first within each day
            var runEnd = runStart + 1
            while runEnd < n && time[order[runEnd]] == time[order[runStart]] { runEnd += 1 }
            if runEnd - runStart > 1 {
                let run = order[runStart..<runEnd]
                let censoredFirst = run.filter { !event[$0] } + run.filter { event[$0] }
                order.replaceSubrange(runStart..<runEnd, with: censoredFirst)
            }
            runStart = runEnd
        }
        var tree = [Int](repeating: 0, count: u + 1)      // Fenwick tree over ranks 1…u
        func add(_ r: Int) { var i = r; while i <= u { tree[i] += 1; i += i & -i } }
        func countAtMost(_ r: Int) -> Int { var i = r, s = 0; while i > 0 { s += tree[i]; i -= i & -i }; return s }

        var conc = 0, disc = 0, tx = 0, ty = 0, txy = 0
        var inserted = 0
        var start = 0
        while start < n {
            var end = start
            while end < n && time[order[end]] == time[order[start]] { end += 1 }
            var firstEvent = start
            while firstEvent < end && !event[order[firstEvent]] { firstEvent += 1 }
            for k in start..<firstEvent { add(rank[order[k]]); inserted += 1 }
            if firstEvent < end {
                var eventRanks: [Int] = []
                eventRanks.reserveCapacity(end - firstEvent)
                for k in firstEvent..<end {
                    let r = rank[order[k]]
                    let below = countAtMost(r - 1)
                    let atOrBelow = countAtMost(r)
                    conc += below
                    tx += atOrBelow - below
                    disc += inserted - atOrBelow
                    eventRanks.append(r)
                }
                // Event pairs on this day: tied in time, and also in score when ranks agree.
                let d = eventRanks.count
                eventRanks.sort()
                var same = 0, k = 0
                while k < d {
                    var l = k
                    while l < d && eventRanks[l] == eventRanks[k] { l += 1 }
                    same += (l - k) * (l - k - 1) / 2
                    k = l
                }
                txy += same
                ty += d * (d - 1) / 2 - same
                for r in eventRanks { add(r) }
                inserted += d
            }
            start = end
        }
        self.init(concordant: conc, discordant: disc, tiedRisk: tx, tiedTime: ty, tiedRiskAndTime: txy)
    }

    /// C = (concordant + tiedRisk/2) / (concordant + discordant + tiedRisk); NaN when no
    /// pair is comparable.
    public var value: Double {
        let c = Double(concordant), d = Double(discordant), t = Double(tiedRisk)
        return (c + t / 2) / (c + d + t)
    }

    /// Comparable pairs: concordant + discordant + tiedRisk.
    public var comparablePairs: Int { concordant + discordant + tiedRisk }
}
