import Features
import Models
import PortfolioIO
import Prioritizer
import Scoring

/// A portfolio scored with a model: the accounts read, their feature matrix (which carries
/// the as-of day) and both models' outputs, in the accounts' row order.
public struct ScoredPortfolio: Sendable {
    public var portfolio: Portfolio
    public var matrix: FeatureMatrix
    public var scores: Scores
    public var model: ModelArtifact

    public init(portfolio: Portfolio, matrix: FeatureMatrix, scores: Scores, model: ModelArtifact) {
        self.portfolio = portfolio
        self.matrix = matrix
        self.scores = scores
        self.model = model
    }

    /// The as-of day the features were computed at.
    public var asOf: CalendarDay { matrix.asOf }

    /// The `arrears score` table (CSV or JSON Lines rows with reasons).
    public var table: ScoreTable {
        ScoreTable(accountIDs: portfolio.accounts.accountID, scores: scores, matrix: matrix, artifact: model)
    }

    /// What the prioritizer needs of the scores (no reasons: `rank` fills them for the
    /// worklist rows only).
    public var modelOutputs: ModelOutputs {
        var outputs = ModelOutputs(horizonDays: scores.horizonDays, pRecover: scores.pRecover, horizons: scores.horizons,
                                   recoveredBy: scores.recoveredBy, medianDays: scores.medianDays, scorePoints: scores.scorePoints)
        outputs.hasSurvivalModel = model.cox != nil
        // Competing outcomes: CIF_k at H, when H is one of the prediction horizons.
        if !scores.outcomes.isEmpty, let j = scores.horizons.firstIndex(of: scores.horizonDays) {
            let k = scores.outcomes.count, h = scores.horizons.count
            outputs.outcomes = scores.outcomes
            outputs.outcomeIncidence = (0..<(scores.count * k)).map { scores.outcomeIncidence[$0 * h + j] }
        }
        return outputs
    }

    /// The labels of the accounts, when the accounts file has them.
    public var labels: Labels? {
        let a = portfolio.accounts
        return a.hasLabels ? Labels(days: a.daysToRecovery, recovered: a.recovered) : nil
    }
}

extension Pipeline {
    /// Builds the feature matrix of `portfolio` under the model's feature specification
    /// as of `asOf` and applies both models (`ModelArtifact.score`). With `reasons` false
    /// the reason pulls are skipped (every reason slot −1) — `rank` computes them later
    /// for the rows it prints (`ScoredPortfolio.computingReasons(for:)`).
    /// - Throws: `PipelineError.features` when the portfolio lacks a column the model uses.
    public static func score(_ portfolio: Portfolio, with model: ModelArtifact, asOf: CalendarDay,
                             reasons: Bool = true) throws(PipelineError) -> ScoredPortfolio {
        let matrix: FeatureMatrix
        do throws(FeatureError) {
            matrix = try model.features.apply(to: portfolio, asOf: asOf)
        } catch {
            throw PipelineError(code: .features, message: "the portfolio does not fit the model\(model.source.map { " \($0)" } ?? ""): \(error.message)",
                                cause: error)
        }
        var strata: [Int]?
        if let coxStrata = model.strata {
            do throws(StratumError) {
                strata = try coxStrata.strata(of: portfolio.accounts)
            } catch {
                throw PipelineError(code: .features, message: "the portfolio does not fit the model\(model.source.map { " \($0)" } ?? ""): \(error.message)",
                                    cause: error)
            }
        }
        return ScoredPortfolio(portfolio: portfolio, matrix: matrix, scores: model.score(matrix, strata: strata, reasons: reasons),
                               model: model)
    }
}

extension Pipeline {
    /// What `score`, `rank` and `evaluate` share: reads `source` (`labels` requires the
    /// training labels), refuses it when `strict` and a row was rejected (`.strict`), then
    /// scores it as `score(_:with:asOf:reasons:)`. `progress` hears each stage's start;
    /// `enrich` changes the portfolio read before its features are built (`rank --ledger`
    /// adds the ledger features' columns there).
    public static func score(_ source: PortfolioSource, with model: ModelArtifact, asOf: CalendarDay, labels: Bool = false,
                             strict: Bool = false, reasons: Bool = true,
                             progress: (String) -> Void = { _ in },
                             enrich: ((inout Portfolio) throws(PipelineError) -> Void)? = nil) throws(PipelineError) -> ScoredPortfolio {
        progress("reading \(source.accountsName) and \(source.paymentsName)")
        var portfolio = try read(source, labels: labels)
        if let enrich { try enrich(&portfolio) }
        if strict, let first = portfolio.rejects.first {
            throw PipelineError(code: .strict, message: "\(portfolio.rejects.count) rows rejected, first: \(first)")
        }
        progress("features and scores for \(portfolio.accounts.count) accounts")
        return try score(portfolio, with: model, asOf: asOf, reasons: reasons)
    }
}

extension ScoredPortfolio {
    /// The same scored portfolio with the top-three reasons computed for `rows` (indices
    /// into the accounts), the others left as they were: the rows a worklist prints.
    public func computingReasons(for rows: [Int]) -> ScoredPortfolio {
        var copy = self
        copy.scores.fillReasons(rows: rows, matrix: matrix, model: model)
        return copy
    }
}
