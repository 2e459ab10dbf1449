import Features
import PortfolioIO
import Scoring
import Training

/// A finished training run: the portfolio read (its accounts and rejects; the statements
/// are released once the features are built, so `portfolio.payments` is empty), the trainer's result (artifact, split,
/// scores) with the inputs' sizes and SHA-256 (of the bytes parsed) recorded in the
/// artifact, and the stage timings (reading, fitting).
public struct TrainingRun: Sendable {
    public var portfolio: Portfolio
    public var result: TrainingResult
    public var timings: [(stage: String, seconds: Double)]
    /// Valid statements read (`portfolio.payments.count` before they were released).
    public var paymentsUsed: Int

    /// The artifact to write.
    public var artifact: ModelArtifact { result.artifact }

    /// The held-out account ids as a one-column CSV (`account_id`).
    public var holdoutIDsBytes: [UInt8] {
        var table = TextOutput(format: .csv, header: ["account_id"])
        for i in result.holdoutRows { table.text(portfolio.accounts.accountID[i]); table.endRow() }
        return table.bytes
    }
}

extension Pipeline {
    /// Reads a labelled portfolio, fits the feature specification and both models
    /// (`Trainer.train`) and records each input's size and SHA-256 in the artifact, as
    /// hashed while parsing (`ReadOptions.fingerprint`): a pipe is read once.
    /// `check` runs on the portfolio right after reading (a caller's `--strict`, or keeping
    /// the rejects of a portfolio without a valid account).
    /// - Throws: `PipelineError` `.input`, `.data` (no valid accounts), `.training` (with
    ///   the `TrainingError`, whose cause is the fit's error) or `.inputFile`.
    /// `enrich` then changes it before the features are fitted (`train --ledger` adds the
    /// ledger features as extra account columns there).
    public static func train(_ source: PortfolioSource, asOf: CalendarDay, options: TrainingOptions,
                             afterReading check: (Portfolio) throws(PipelineError) -> Void = { _ throws(PipelineError) in },
                             enrich: ((inout Portfolio) throws(PipelineError) -> Void)? = nil)
        throws(PipelineError) -> TrainingRun {
        do throws(TrainingError) { try options.validate() } catch { throw PipelineError(.training, error) }
        var clock = StageClock()
        // The inputs are hashed as they are parsed: the recorded sizes and SHA-256 are
        // those of the bytes trained on, even for a pipe or a file appended to meanwhile.
        var portfolio = try read(source, labels: true, options: ReadOptions(fingerprint: true, weightsColumn: options.weightsColumn))
        clock.lap("read")
        try check(portfolio)
        guard portfolio.accounts.count > 0 else {
            throw PipelineError(code: .data, message: "\(source.accountsName): no valid accounts to train on (\(portfolio.rejectedAccountRows) rows rejected)")
        }
        if let enrich { try enrich(&portfolio) }
        let paymentsUsed = portfolio.payments.count
        let inputs = InputFile.fingerprints(of: portfolio, accounts: source.recordedAccountsPath,
                                            payments: source.recordedPaymentsPath)
        var result: TrainingResult
        do throws(TrainingError) {
            // The statements are released once the features are built: the fits hold the
            // feature matrix and the accounts, not the raw payment history.
            result = try Trainer.train(releasingStatements: &portfolio, asOf: asOf, options: options, inputs: [])
        } catch {
            throw PipelineError(.training, error)
        }
        result.artifact.training.inputs = inputs
        return TrainingRun(portfolio: portfolio, result: result, timings: clock.laps + result.timings, paymentsUsed: paymentsUsed)
    }
}
