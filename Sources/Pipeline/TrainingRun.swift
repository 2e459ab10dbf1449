import Features
import PortfolioIO
import Scoring
import Training

/// A finished training run: the portfolio read, the trainer's result (artifact, split,
/// scores) with the inputs' sizes and SHA-256 recorded in the artifact, and the stage
/// timings (reading, fitting, waiting for the hashes).
public struct TrainingRun: Sendable {
    public var portfolio: Portfolio
    public var result: TrainingResult
    public var timings: [(stage: String, seconds: Double)]

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
    /// (`Trainer.train`) and records each input file's size and SHA-256 in the artifact.
    /// The hashes of files are computed on another core while reading and fitting.
    /// `check` runs on the portfolio right after reading (a caller's `--strict`, or keeping
    /// the rejects of a portfolio without a valid account).
    /// - Throws: `PipelineError` `.input`, `.data` (no valid accounts), `.training` (with
    ///   the `TrainingError`, whose cause is the fit's error) or `.inputFile`.
    public static func train(_ source: PortfolioSource, asOf: CalendarDay, options: TrainingOptions,
                             afterReading check: (Portfolio) throws(PipelineError) -> Void = { _ throws(PipelineError) in })
        throws(PipelineError) -> TrainingRun {
        do throws(TrainingError) { try options.validate() } catch { throw PipelineError(.training, error) }
        var clock = StageClock()
        let hashes: PendingInputHashes?
        if case .files(let accounts, let payments) = source {
            hashes = PendingInputHashes([("accounts", accounts), ("payments", payments)])
        } else {
            hashes = nil
        }
        let portfolio = try read(source, labels: true, options: ReadOptions(weightsColumn: options.weightsColumn))
        clock.lap("read")
        try check(portfolio)
        guard portfolio.accounts.count > 0 else {
            throw PipelineError(code: .data, message: "\(source.accountsName): no valid accounts to train on (\(portfolio.rejectedAccountRows) rows rejected)")
        }
        var result: TrainingResult
        do throws(TrainingError) {
            result = try Trainer.train(portfolio, asOf: asOf, options: options, inputs: [])
        } catch {
            throw PipelineError(.training, error)
        }
        var waiting = StageClock()
        if let hashes {
            do throws(InputFileError) { result.artifact.training.inputs = try hashes.wait() } catch {
                throw PipelineError(.inputFile, error)
            }
        }
        waiting.lap("waiting for input hashes")
        return TrainingRun(portfolio: portfolio, result: result, timings: clock.laps + result.timings + waiting.laps)
    }
}
