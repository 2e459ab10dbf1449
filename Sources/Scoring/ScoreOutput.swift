import Features
import PortfolioIO

/// The `arrears score` output: one row per valid account, in the accounts file's order.
///
/// Columns: `account_id`; `p_recover` (P(recovered within H days), 6 decimals);
/// `p_recovered_<t>d` for each Cox horizon t (6 decimals); `median_days` (whole days,
/// empty / JSON null when the survival curve stays above ½ through the training
/// follow-up); `score_points` (2 decimals); `reason_k` (the reason code: a feature's
/// name, or a categorical column's name, see `ReasonGroups`) and `reason_k_text` (its
/// human-readable reason) for k = 1, 2, 3, the reasons pulling the log-odds furthest
/// from the training average first (empty when fewer pull).
public struct ScoreTable: Sendable {
    public var accountIDs: [String]
    public var scores: Scores
    public var matrix: FeatureMatrix
    public var spec: FeatureSpec
    public var groups: ReasonGroups

    public init(accountIDs: [String], scores: Scores, matrix: FeatureMatrix, spec: FeatureSpec) {
        precondition(accountIDs.count == scores.count && matrix.rows == scores.count)
        self.accountIDs = accountIDs
        self.scores = scores
        self.matrix = matrix
        self.spec = spec
        self.groups = ReasonGroups(spec)
    }

    /// Reason k (0, 1, 2) of account i: its code and text, nil when there is none.
    public func reason(_ i: Int, _ k: Int) -> (code: String, text: String)? {
        let g = Int(scores.reasons[i * Scores.reasonsPerAccount + k])
        guard g >= 0 else { return nil }
        return (groups.codes[g], groups.text(g, spec: spec) { matrix[i, $0] })
    }

    /// The header for these horizons.
    public static func columns(horizons: [Int]) -> [String] {
        var c = ["account_id", "p_recover"]
        c += horizons.map { "p_recovered_\($0)d" }
        c += ["median_days", "score_points"]
        for k in 1...Scores.reasonsPerAccount { c += ["reason_\(k)", "reason_\(k)_text"] }
        return c
    }

    /// The output bytes: CSV with a header row, or JSON Lines (one object per account).
    /// Rendered in chunks on all cores; the bytes do not depend on the number of cores.
    public func rendered(format: TextOutput.Format) -> [UInt8] {
        let table = self
        let h = scores.horizons.count, k = Scores.reasonsPerAccount
        return TextOutput.rendered(format: format, header: Self.columns(horizons: scores.horizons),
                                   count: scores.count, bytesPerRow: 200) { range, out in
            for i in range {
                out.text(table.accountIDs[i])
                out.decimal(table.scores.pRecover[i], 6)
                for t in 0..<h { out.decimal(table.scores.recoveredBy[i * h + t], 6) }
                out.decimal(table.scores.medianDays[i], 0)
                out.decimal(table.scores.scorePoints[i], 2)
                for r in 0..<k {
                    let reason = table.reason(i, r)
                    out.text(reason?.code ?? "")
                    out.text(reason?.text ?? "")
                }
                out.endRow()
            }
        }
    }
}
