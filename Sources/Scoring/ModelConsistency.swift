#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Features
import Foundation

/// Whether the two models tell the same story: the logistic P(recovered within H days)
/// against the Cox model's 1 − S(H | x) for the same accounts (both estimate the same
/// probability; a large gap means one of them extrapolates).
public struct ModelConsistency: Codable, Sendable, Equatable {
    /// One account where the models disagree.
    public struct Disagreement: Codable, Sendable, Equatable {
        public var accountID: String
        /// Logistic p.
        public var logistic: Double
        /// Cox 1 − S(H | x).
        public var cox: Double
    }

    /// Accounts compared.
    public var accounts: Int
    /// Median and 90th percentile of |p − (1 − S(H | x))|.
    public var medianGap: Double
    public var gap90: Double
    /// Share of accounts with a gap above 0.1.
    public var shareAbove01: Double
    /// The accounts with the largest gaps, largest first (at most `listed`).
    public var worst: [Disagreement]

    /// Accounts listed in `worst`.
    public static let listed = 5

    /// The comparison over `rows` of the scores; nil without both models (or rows).
    /// `accountIDs` names the rows (indexed like the scores).
    public init?(scores: Scores, artifact: ModelArtifact, rows: [Int], accountIDs: [String]) {
        guard artifact.logistic != nil, artifact.cox != nil, !rows.isEmpty else { return nil }
        let coxP = Self.coxProbability(scores: scores, artifact: artifact)
        let gaps = rows.map { Swift.abs(scores.pRecover[$0] - coxP[$0]) }
        let sorted = gaps.sorted()
        accounts = rows.count
        medianGap = quantile(sorted: sorted, 0.5)
        gap90 = quantile(sorted: sorted, 0.9)
        shareAbove01 = Double(gaps.lazy.filter { $0 > 0.1 }.count) / Double(rows.count)
        worst = rows.indices.sorted { gaps[$0] > gaps[$1] || (gaps[$0] == gaps[$1] && rows[$0] < rows[$1]) }
            .prefix(Self.listed).map { k in
                let i = rows[k]
                return Disagreement(accountID: i < accountIDs.count ? accountIDs[i] : "row \(i)",
                                    logistic: scores.pRecover[i], cox: coxP[i])
            }
    }

    /// 1 − S(H | x) per scored account: −expm1(−H(H | m)·e^ζ).
    public static func coxProbability(scores: Scores, artifact: ModelArtifact) -> [Double] {
        guard let cox = artifact.cox else { return [Double](repeating: .nan, count: scores.count) }
        let h = cox.hazardAtMeans(at: Double(artifact.horizonDays))
        return scores.coxLinearPredictor.map { -expm1(-h * exp($0)) }
    }

    /// The summary lines.
    public var summaryLines: [String] {
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        var out = ["  consistency of the models: |p − (1 − S(H | x))| median \(f(medianGap)), 90th percentile \(f(gap90)), "
                   + "\(String(format: "%.1f", 100 * shareAbove01))% of \(accounts) accounts above 0.1"]
        if !worst.isEmpty {
            out.append("    largest gaps: " + worst.map { "\($0.accountID) (p \(f($0.logistic)), Cox \(f($0.cox)))" }
                .joined(separator: ", "))
        }
        return out
    }
}
