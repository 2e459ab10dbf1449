import Features
import PortfolioIO

/// The `arrears score` output: one row per valid account, in the accounts file's order.
///
/// Columns: `account_id`; `p_recover` (P(recovered within H days), 6 decimals);
/// `p_recovered_<t>d` for each Cox horizon t (6 decimals); `median_days` (whole days,
/// empty / JSON null when the survival curve stays above ½ through the training
/// follow-up); `score_points` (2 decimals); `reason_k` (the reason code: a feature's
/// name, or a categorical column's name, see `ReasonGroups`) and `reason_k_text` (its
/// human-readable reason, ending in whether it raises or lowers the recovery odds) for
/// k = 1, 2, 3, the reasons pulling the log-odds furthest from the training average
/// first (empty when fewer pull).
public struct ScoreTable: Sendable {
    public var accountIDs: [String]
    public var scores: Scores
    public var matrix: FeatureMatrix
    public var spec: FeatureSpec
    public var groups: ReasonGroups
    /// The unseen levels of each categorical reason group (`matrix.unseenLevels`).
    var unseenByGroup: [Int: UnseenLevels] = [:]

    /// The logistic slopes βⱼ (the Cox coefficients for a Cox-only model) and training
    /// means x̄ⱼ: a reason's pull Σ_{j∈g} βⱼ·(xᵢⱼ − x̄ⱼ) says whether it raises or lowers
    /// the odds (the hazard) of recovery.
    var slopes: [Double]
    var means: [Double]

    public init(accountIDs: [String], scores: Scores, matrix: FeatureMatrix, artifact: ModelArtifact) {
        precondition(accountIDs.count == scores.count && matrix.rows == scores.count)
        self.accountIDs = accountIDs
        self.scores = scores
        self.matrix = matrix
        self.spec = artifact.features
        self.groups = ReasonGroups(artifact.features)
        self.slopes = artifact.reasonSlopes
        self.means = artifact.reasonMeans
        precondition(slopes.count == matrix.cols && means.count == matrix.cols, "ScoreTable: model and matrix disagree")
        for unseen in matrix.unseenLevels {
            if let g = groups.codes.indices.first(where: { groups.codes[$0] == unseen.column && groups.referenceLevel[$0] != nil }) {
                unseenByGroup[g] = unseen
            }
        }
    }

    /// The text of reason group `g` for account `i`, with the way it pushes: "balance is
    /// high (77637.23): lowers the recovery odds". An unseen level names itself
    /// ("product 'mortgage' was not in the training data: …"), never the reference level.
    public func reasonText(_ g: Int, account i: Int, value: (Int) -> Double) -> String {
        let base: String
        if let unseen = unseenByGroup[g], let text = unseen.text(ofRow: i) {
            base = unseen.reason(for: text)
        } else {
            base = groups.text(g, spec: spec, value: value)
        }
        return base + Self.direction(pull(g, value: value))
    }

    /// Σ_{j∈g} βⱼ·(xⱼ − x̄ⱼ) for the feature row `value`: > 0 raises the log-odds of recovery.
    func pull(_ g: Int, value: (Int) -> Double) -> Double {
        var s = 0.0
        for j in groups.members[g] { s += slopes[j] * (value(j) - means[j]) }
        return s
    }

    /// The suffix saying which way a pull pushes p_recover.
    static func direction(_ pull: Double) -> String {
        pull > 0 ? ": raises the recovery odds" : pull < 0 ? ": lowers the recovery odds" : ""
    }

    /// Reason k (0, 1, 2) of account i: its code and text, nil when there is none.
    public func reason(_ i: Int, _ k: Int) -> (code: String, text: String)? {
        let g = Int(scores.reasons[i * Scores.reasonsPerAccount + k])
        guard g >= 0 else { return nil }
        return (groups.codes[g], reasonText(g, account: i) { matrix[i, $0] })
    }

    /// The header for these horizons.
    public static func columns(horizons: [Int], outcomes: [String] = []) -> [String] {
        var c = ["account_id", "p_recover"]
        c += horizons.map { "p_recovered_\($0)d" }
        for o in outcomes { c += horizons.map { "p_\(o)_\($0)d" } }
        c += ["median_days", "score_points"]
        for k in 1...Scores.reasonsPerAccount { c += ["reason_\(k)", "reason_\(k)_text"] }
        return c
    }

    /// The output bytes: CSV with a header row, or JSON Lines (one object per account).
    /// Rendered in chunks on all cores; the bytes do not depend on the number of cores.
    /// Reason texts are cached per chunk by (reason, feature value): most accounts share
    /// texts such as "missed 3 of the last 3 statements".
    public func rendered(format: TextOutput.Format) -> [UInt8] {
        let ids = accountIDs, p = scores.pRecover, byHorizon = scores.recoveredBy
        let medians = scores.medianDays, points = scores.scorePoints, reasons = scores.reasons
        let groups = self.groups, x = matrix.values, cols = matrix.cols
        let unseenByGroup = self.unseenByGroup
        let table = self
        let h = scores.horizons.count, k = Scores.reasonsPerAccount
        let outcomes = scores.outcomes.count, incidence = scores.outcomeIncidence
        return TextOutput.rendered(format: format, header: Self.columns(horizons: scores.horizons, outcomes: scores.outcomes),
                                   count: scores.count, bytesPerRow: 200) { range, out in
            var cache: [ReasonKey: String] = [:]
            for i in range {
                out.text(ids[i])
                out.decimal(p[i], 6)
                for t in 0..<h { out.decimal(byHorizon[i * h + t], 6) }
                for c in 0..<outcomes { for t in 0..<h { out.decimal(incidence[(i * outcomes + c) * h + t], 6) } }
                out.decimal(medians[i], 0)
                out.decimal(points[i], 2)
                for r in 0..<k {
                    let g = Int(reasons[i * k + r])
                    guard g >= 0 else {
                        out.text("")
                        out.text("")
                        continue
                    }
                    let key = groups.cacheKey(g, row: x[(i * cols)..<((i + 1) * cols)])
                    let text: String
                    if let unseen = unseenByGroup[g], unseen.text(ofRow: i) != nil {
                        text = table.reasonText(g, account: i) { x[i * cols + $0] }
                    } else if let known = cache[key] {
                        text = known
                    } else {
                        text = table.reasonText(g, account: i) { x[i * cols + $0] }
                        cache[key] = text
                    }
                    out.text(groups.codes[g])
                    out.text(text)
                }
                out.endRow()
            }
        }
    }
}

/// What a reason text depends on: the group and the value of the column it describes.
struct ReasonKey: Hashable {
    var column: Int32
    var bits: UInt64
}

extension ReasonGroups {
    /// The cache key of group `g`'s text for a feature row: for a categorical group the
    /// column the account has (value 1), else the group's column and its value.
    func cacheKey(_ g: Int, row: ArraySlice<Double>) -> ReasonKey {
        let base = row.startIndex
        if referenceLevel[g] != nil {
            for j in members[g] where row[base + j] >= 0.5 { return ReasonKey(column: Int32(j), bits: 1) }
            return ReasonKey(column: Int32(-1 - g), bits: 0)
        }
        let j = members[g][0]
        return ReasonKey(column: Int32(j), bits: row[base + j].bitPattern)
    }
}
