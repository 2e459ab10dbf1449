import Features
import PortfolioIO
import Prioritizer
import Scoring

/// A ranked worklist with the scored portfolio behind it; its worklist rows carry their
/// reason texts (computed for those rows only).
public struct RankedPortfolio: Sendable {
    public var scored: ScoredPortfolio
    public var result: WorklistResult

    /// The worklist file's bytes (rank, account, figures, reason texts).
    public func worklistBytes(format: OutputFormat) -> [UInt8] { result.worklistBytes(format: format) }

    /// The holds file's bytes: every other account with its class and rule, then the
    /// rejected account rows.
    public func holdsBytes(format: OutputFormat) -> [UInt8] { result.holdsBytes(format: format) }

    /// Accounts per class and rule; they add up to the accounts file's data rows.
    public var counts: ClassCounts { result.counts }
}

extension Pipeline {
    /// Classifies and ranks a scored portfolio under `policy` (DESIGN §6) as of the day
    /// its features were computed, then computes the reasons and their texts for the
    /// worklist rows alone (the other outputs print none).
    /// - Parameters:
    ///   - capacity: overrides `policy.capacity` when given; must be ≥ 1.
    ///   - contacts: the contact ledger's facts for these accounts (`Ledger.facts`): the
    ///     contact rules then come from its events (see `Prioritizer.rank`).
    /// - Throws: `PipelineError.rank` with the `PrioritizerError`.
    public static func rank(_ scored: ScoredPortfolio, policy: Policy, capacity: Int? = nil,
                            contacts: ContactFacts? = nil) throws(PipelineError) -> RankedPortfolio {
        var result: WorklistResult
        do throws(PrioritizerError) {
            result = try Prioritizer(policy: policy).rank(scored.portfolio, asOf: scored.asOf,
                                                          scores: scored.modelOutputs, capacity: capacity, contacts: contacts)
        } catch {
            throw PipelineError(.rank, error)
        }
        let withReasons = scored.computingReasons(for: result.worklist.map(Int.init))
        result.reasons = withReasons.reasonCodes(for: result.worklist)
        return RankedPortfolio(scored: withReasons, result: result)
    }
}

extension ScoredPortfolio {
    /// The reason texts of `rows` as one deduplicated table of codes (`ReasonCodes`); the
    /// other rows get none.
    public func reasonCodes(for rows: [Int32]) -> ReasonCodes {
        let table = self.table
        let k = ReasonCodes.perAccount
        var codes = [Int32](repeating: -1, count: scores.count * k)
        var texts: [String] = []
        var index: [String: Int32] = [:]
        for a in rows {
            let i = Int(a)
            for slot in 0..<k {
                guard let reason = table.reason(i, slot) else { continue }
                if let known = index[reason.text] {
                    codes[i * k + slot] = known
                } else {
                    index[reason.text] = Int32(texts.count)
                    codes[i * k + slot] = Int32(texts.count)
                    texts.append(reason.text)
                }
            }
        }
        return ReasonCodes(codes: codes, texts: texts)
    }
}
