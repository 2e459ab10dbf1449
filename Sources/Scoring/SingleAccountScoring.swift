import Features
import PortfolioIO

/// Scores one feature row at a time and renders its `arrears score --format jsonl` line
/// (`arrears serve`'s score requests): the same kernel pass as `ModelArtifact.score` and
/// the same cells as `ScoreTable.rendered`, with everything that depends only on the
/// model — the kernel and its median table, the reason groups, the column keys — built
/// once, and the outputs of the row kept on the stack.
///
/// For one row x: η = β₀ + xᵀβ, p = 1/(1 + e^−η), points = offset + factor·η, ζ = (x − m)ᵀγ,
/// P(recovered by tₕ) = 1 − exp(−H(tₕ | m)·e^ζ), the median days and the top three reason
/// groups by |Σ_{j∈g} βⱼ·(xⱼ − x̄ⱼ)| (`ScoringKernel`); the line prints p and the horizon
/// probabilities with 6 decimals, the median in whole days (null when none), the points
/// with 2 decimals and each reason's code and text.
public struct SingleAccountScorer: Sendable {
    let kernel: ScoringKernel
    /// A zero-row table of the model: the reason groups, texts and pulls.
    let table: ScoreTable
    /// The JSON keys of a line, in order.
    let keys: [String]
    let horizons: Int

    /// The scorer of `artifact`; nil for a model whose scores need more than one kernel
    /// pass over the row (a stratified Cox model or competing outcomes), which the
    /// caller scores through `Pipeline.score`.
    public init?(_ artifact: ModelArtifact) {
        guard artifact.strata == nil, artifact.stratumLevels == nil, artifact.competingRisks == nil else { return nil }
        kernel = ScoringKernel(artifact)
        horizons = artifact.predictionHorizons.count
        let empty = Scores(count: 0, horizonDays: artifact.horizonDays, logOdds: [], pRecover: [], coxLinearPredictor: [],
                           horizons: artifact.predictionHorizons, recoveredBy: [], medianDays: [], scorePoints: [], reasons: [])
        let matrix = FeatureMatrix(rows: 0, cols: artifact.features.count, names: artifact.features.names, values: [],
                                   asOf: CalendarDay(dayNumber: 0), statementsUsed: 0, statementsAfterAsOf: 0,
                                   accountsWithoutStatements: 0)
        table = ScoreTable(accountIDs: [], scores: empty, matrix: matrix, artifact: artifact)
        keys = ScoreTable.columns(horizons: artifact.predictionHorizons)
    }

    /// Features per row.
    public var columns: Int { kernel.columns }

    /// Scores the feature row `row` (`columns` raw values, as `FeatureSpec.apply` writes
    /// them) of account `accountID` and appends its JSON Lines line, newline included, to
    /// `out`: byte for byte the line `arrears score --format jsonl` prints for the account.
    /// `unseen` are the row's categorical levels outside the training levels
    /// (`SingleAccountFeaturePlan.features`), whose reasons name them.
    /// - Precondition: `row.count == columns`.
    public func appendLine(accountID: String, row: UnsafeBufferPointer<Double>, unseen: [UnseenLevels],
                           to out: inout [UInt8]) {
        precondition(row.count == kernel.columns, "SingleAccountScorer: a row of \(row.count) values for \(kernel.columns) features")
        let k = horizons, r = Scores.reasonsPerAccount
        // One row's outputs: η, p, ζ, median, points, then the horizons; the reasons.
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 5 + Swift.max(k, 1)) { v in
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: r) { g in
            let base = v.baseAddress!
            let pointers = OutputPointers(logOdds: base, p: base + 1, coxEta: base + 2, recovered: base + 5, median: base + 3,
                                          points: base + 4, reasons: g.baseAddress!)
            kernel.scoreRows(0..<1, x: KernelInput(pointer: row.baseAddress), out: pointers, reasons: true)
            var table = self.table
            // `ScoreTable.init`'s mapping of the matrix's unseen levels to their groups.
            for u in unseen {
                if let group = table.groups.codes.indices.first(where: { table.groups.codes[$0] == u.column && table.groups.referenceLevel[$0] != nil }) {
                    table.unseenByGroup[group] = u
                }
            }
            // The cells of `ScoreTable.rendered` for one row.
            var line = TextOutput(format: .jsonl, header: keys, writeHeader: false)
            line.text(accountID)
            line.decimal(base[1], 6)
            for t in 0..<k { line.decimal(base[5 + t], 6) }
            line.decimal(base[3], 0)
            line.decimal(base[4], 2)
            for q in 0..<r {
                let group = Int(g[q])
                guard group >= 0 else {
                    line.text("")
                    line.text("")
                    continue
                }
                line.text(table.groups.codes[group])
                line.text(table.reasonText(group, account: 0) { row[$0] })
            }
            line.endRow()
            out.append(contentsOf: line.bytes)
        }
        }
    }
}
