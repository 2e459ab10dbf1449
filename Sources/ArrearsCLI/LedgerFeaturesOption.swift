import Features
import Ledger
import PortfolioIO
import Pipeline
import Scoring

/// `--ledger FILE` as a source of model inputs (issue 16 item 5): the ledger features
/// (`LedgerFeatures.names`) as of the run's as-of day, added to the accounts as extra
/// numeric columns before the features are built. `train --ledger` fits them like any
/// extra column; `score`/`rank` need `--ledger` exactly when the model uses one of them.
enum LedgerFeatureInput {
    /// The step that adds the features, for `Pipeline.train`/`Pipeline.score`'s `enrich`.
    static func enrichment(ledger path: String, asOf: CalendarDay) throws -> (inout Portfolio) throws(PipelineError) -> Void {
        let ledger: Ledger
        do { ledger = try Ledger(path: path) } catch { throw CommandFailure(message: "--ledger: \(error.description)") }
        return { (portfolio: inout Portfolio) throws(PipelineError) in
            do throws(LedgerError) {
                try ledger.addFeatures(to: &portfolio, asOf: asOf)
            } catch {
                throw PipelineError(code: .input, message: "--ledger \(error.description)", cause: error)
            }
        }
    }

    /// The ledger features `model` uses.
    static func used(by model: ModelArtifact) -> [String] {
        LedgerFeatures.used(by: model.features.numericExtraColumns)
    }

    /// The enrichment `score`/`rank` need for `model`: nil when the model uses no ledger
    /// feature; an error naming `--ledger` when it does and no ledger was given.
    static func enrichment(for model: ModelArtifact, modelPath: String, ledger path: String?,
                           asOf: CalendarDay) throws -> ((inout Portfolio) throws(PipelineError) -> Void)? {
        let used = used(by: model)
        guard !used.isEmpty else { return nil }
        guard let path else {
            throw CommandFailure(message: "--model \(modelPath) uses the ledger features \(used.joined(separator: ", ")) (it was trained with --ledger); pass the contact ledger with --ledger FILE")
        }
        return try enrichment(ledger: path, asOf: asOf)
    }
}
