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
    /// Rendered in chunks on all cores (`render(rows:format:into:)`); the bytes do not
    /// depend on the number of cores.
    public func rendered(format: TextOutput.Format) -> [UInt8] {
        var bytes = headerBytes(format: format)
        render(rows: 0..<scores.count, format: format, into: &bytes)
        return bytes
    }

    /// The header of the output: the CSV header row, nothing for JSON Lines.
    public func headerBytes(format: TextOutput.Format) -> [UInt8] {
        TextOutput.headerBytes(format: format, header: Self.columns(horizons: scores.horizons, outcomes: scores.outcomes))
    }

    /// Appends the rows of accounts `rows` (no header) to `bytes`: the bytes `rendered`
    /// writes for them, so rendering consecutive ranges one after the other (a stream
    /// of chunks) gives the whole file. With `parallel`, blocks of rows render on all
    /// cores into their own buffers, appended in order.
    ///
    /// Numbers go straight into the buffer (`DecimalText`); reason texts from the spec's
    /// compiled templates (`ReasonTemplates`), a categorical group's text from its
    /// pre-rendered level texts, each followed by the direction of its pull.
    public func render(rows: Range<Int>, format: TextOutput.Format, into bytes: inout [UInt8], parallel: Bool = true) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= scores.count, "render: rows \(rows) outside 0..<\(scores.count)")
        let renderer = ScoreRowRenderer(self)
        let header = Self.columns(horizons: scores.horizons, outcomes: scores.outcomes)
        TextOutput.render(rows: rows, format: format, header: header, bytesPerRow: 160 + 40 * scores.horizons.count,
                          chunkSize: parallel ? 16_384 : Swift.max(1, rows.count), appendingTo: &bytes) { range, out in
            renderer.render(range, into: &out)
        }
    }
}

/// What `ScoreTable.render` needs per row, in flat arrays: the outputs, the feature rows,
/// the reason groups' codes and member columns, the pre-rendered texts of categorical
/// levels and the spec's compiled templates.
struct ScoreRowRenderer: Sendable {
    let table: ScoreTable
    let templates: ReasonTemplates
    /// UTF-8 of each group's code.
    let codes: [[UInt8]]
    /// Group g's columns: `memberColumns[memberStart[g] ..< memberStart[g + 1]]`.
    let memberStart: [Int]
    let memberColumns: [Int]
    /// For a categorical group: whether it is one, the text of each member column's level
    /// (`spec.reasonText(j, 1)`, by column) and of the reference level.
    let categorical: [Bool]
    let levelText: [[UInt8]]
    let referenceText: [[UInt8]]

    init(_ table: ScoreTable) {
        self.table = table
        templates = ReasonTemplates(table.spec)
        let groups = table.groups
        codes = groups.codes.map { Array($0.utf8) }
        var start = [0], members: [Int] = []
        for m in groups.members { members += m; start.append(members.count) }
        memberStart = start
        memberColumns = members
        categorical = groups.referenceLevel.map { $0 != nil }
        var level = [[UInt8]](repeating: [], count: table.spec.count)
        var reference = [[UInt8]](repeating: [], count: groups.count)
        for g in 0..<groups.count {
            guard let ref = groups.referenceLevel[g] else { continue }
            for j in groups.members[g] { level[j] = Array(table.spec.reasonText(j, 1).utf8) }
            reference[g] = Array("\(groups.codes[g]) is \(ref)".utf8)
        }
        levelText = level
        referenceText = reference
    }

    func render(_ range: Range<Int>, into out: inout TextOutput) {
        let scores = table.scores
        let h = scores.horizons.count, k = Scores.reasonsPerAccount
        let outcomes = scores.outcomes.count
        let cols = table.matrix.cols
        let hasUnseen = !table.unseenByGroup.isEmpty
        table.accountIDs.withUnsafeBufferPointer { ids in
        scores.pRecover.withUnsafeBufferPointer { p in
        scores.recoveredBy.withUnsafeBufferPointer { byHorizon in
        scores.outcomeIncidence.withUnsafeBufferPointer { incidence in
        scores.medianDays.withUnsafeBufferPointer { medians in
        scores.scorePoints.withUnsafeBufferPointer { points in
        scores.reasons.withUnsafeBufferPointer { reasons in
        table.matrix.values.withUnsafeBufferPointer { x in
        table.slopes.withUnsafeBufferPointer { slopes in
        table.means.withUnsafeBufferPointer { means in
            for i in range {
                out.text(ids[i])
                out.decimal(p[i], 6)
                for t in 0..<h { out.decimal(byHorizon[i * h + t], 6) }
                for c in 0..<outcomes { for t in 0..<h { out.decimal(incidence[(i * outcomes + c) * h + t], 6) } }
                out.decimal(medians[i], 0)
                out.decimal(points[i], 2)
                let row = x.baseAddress! + i * cols
                for r in 0..<k {
                    let g = Int(reasons[i * k + r])
                    guard g >= 0 else {
                        out.text(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
                        out.text(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
                        continue
                    }
                    codes[g].withUnsafeBytes { out.text(bytes: $0) }
                    if hasUnseen, let unseen = table.unseenByGroup[g], unseen.text(ofRow: i) != nil {
                        out.text(table.reasonText(g, account: i) { row[$0] })
                        continue
                    }
                    // Σ_{j∈g} βⱼ·(xⱼ − x̄ⱼ) in member order, as `ScoreTable.pull` sums it.
                    var pull = 0.0
                    for m in memberStart[g]..<memberStart[g + 1] {
                        let j = memberColumns[m]
                        pull += slopes[j] * (row[j] - means[j])
                    }
                    out.textCell { bytes in
                        if categorical[g] {
                            var text = referenceText[g]
                            for m in memberStart[g]..<memberStart[g + 1] where row[memberColumns[m]] >= 0.5 {
                                text = levelText[memberColumns[m]]
                                break
                            }
                            bytes.append(contentsOf: text)
                        } else {
                            let j = memberColumns[memberStart[g]]
                            templates.append(j, row[j], to: &bytes)
                        }
                        if pull > 0 { bytes.append(ascii: ": raises the recovery odds") }
                        else if pull < 0 { bytes.append(ascii: ": lowers the recovery odds") }
                    }
                }
                out.endRow()
            }
        }}}}}}}}}}
    }
}
