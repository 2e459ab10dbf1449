#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import Features
import LinearAlgebra
import Models

/// Both models' outputs for every account of a feature matrix, in its row order.
public struct Scores: Sendable, Equatable {
    /// Accounts scored.
    public var count: Int
    /// H, the logistic model's horizon in days.
    public var horizonDays: Int
    /// η = β₀ + xᵀβ, the log-odds of recovering within H days.
    public var logOdds: [Double]
    /// p = P(recovered within H days) = 1 / (1 + e^−η).
    public var pRecover: [Double]
    /// (x − m)ᵀβ, the Cox log relative risk against an account at the training means
    /// (higher = sooner recovery).
    public var coxLinearPredictor: [Double]
    /// The Cox horizons in days (e.g. 30, 60, 90, 180).
    public var horizons: [Int]
    /// P(recovered by tₕ | x) = 1 − S(tₕ | x), row-major `count × horizons.count`.
    public var recoveredBy: [Double]
    /// Median days to recovery from the Cox model; NaN when S(t | x) stays above ½
    /// through the last event time of the training data.
    public var medianDays: [Double]
    /// Score points (`ScoreScaling`) from the log-odds.
    public var scorePoints: [Double]
    /// The top three reasons per account: `reasons[i * 3 + k]` is the index (into
    /// `ReasonGroups`) of the group with the k-th largest pull |Σ_{j∈g} βⱼ·(xᵢⱼ − x̄ⱼ)|
    /// on the log-odds away from the training average, or −1 when fewer than k groups
    /// pull at all.
    public var reasons: [Int32]

    /// The competing outcomes of the model (`ModelArtifact.competingRisks`), or empty.
    public var outcomes: [String] = []
    /// CIF_k(tₕ | x) per account, outcome and horizon: `outcomeIncidence[(i·K + k)·H + h]`;
    /// empty without competing outcomes.
    public var outcomeIncidence: [Double] = []

    /// Reasons kept per account.
    public static let reasonsPerAccount = 3
}

extension ModelArtifact {
    /// Applies both models to a feature matrix built with this artifact's `features`:
    /// one fused pass over the rows on all cores (`ScoringKernel`), each row read once for
    /// the log-odds η = β₀ + xᵀβ, p = 1/(1 + e^−η), points, the Cox (x − m)ᵀβ, P(recovered
    /// by tₕ) = 1 − exp(−H(tₕ | m)·e^{(x−m)ᵀβ}) at each horizon, the median days and the top
    /// three reasons (the contributions βⱼ·(xᵢⱼ − x̄ⱼ) with the training means x̄ⱼ, by
    /// absolute value, ties: lower group first). Equal to `referenceScore` to a few ulps
    /// (the medians and reasons exactly); independent of the number of threads.
    /// - Precondition: `matrix.names == features.names` (same columns, same order).
    /// - Complexity: O(n·p) time, O(n·(h + 3)) output.
    /// With `reasons` false the reason pulls are skipped and every reason slot is −1;
    /// `Scores.fillReasons(rows:matrix:model:)` computes them later for chosen rows.
    public func score(_ matrix: FeatureMatrix, reasons: Bool = true) -> Scores {
        precondition(matrix.names == features.names, "score: the matrix was not built with this model's features")
        var scores = ScoringKernel(self).score(matrix, horizonDays: horizonDays, horizons: predictionHorizons, reasons: reasons)
        if let competingRisks { scores.addIncidence(competingRisks, matrix: matrix, horizons: predictionHorizons) }
        return scores
    }

    /// The same outputs stage by stage through the models' own APIs: one `dgemv` for η,
    /// then p = logistic(η), points = offset + factor·η; one `dgemv` for (x − m)ᵀβ, then
    /// 1 − S(tₕ | x) at each horizon and the median by binary search on the baseline;
    /// reasons in chunks on all cores. The reference `score` is checked against.
    public func referenceScore(_ matrix: FeatureMatrix) -> Scores {
        precondition(matrix.names == features.names, "score: the matrix was not built with this model's features")
        let n = matrix.rows
        let x = Matrix(rows: n, cols: matrix.cols, storage: matrix.values)
        let coxEta = cox?.relativeLinearPredictor(x) ?? [Double](repeating: .nan, count: n)
        let eta: [Double]
        if let logistic {
            eta = logistic.linearPredictor(x)
        } else if let cox {
            // Without a logistic model: p = 1 − S(H | x), η = log(p / (1 − p)) = log(expm1(H(H | x))).
            let atHorizon = cox.hazardAtMeans(at: Double(horizonDays))
            eta = coxEta.map { let c = atHorizon * exp($0); return c > 36 ? c : log(expm1(c)) }
        } else {
            preconditionFailure("referenceScore: the artifact holds no model")
        }
        var p = eta, points = eta
        let scaling = scoreScaling
        p.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = Models.logistic(b[i]) }
        }
        points.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = scaling.points(logOdds: b[i]) }
        }
        let h = predictionHorizons.count
        let recovered = cox?.probabilityRecovered(by: predictionHorizons.map(Double.init), relativeLinearPredictor: coxEta)
            ?? Matrix(rows: n, cols: h, storage: [Double](repeating: .nan, count: n * h))
        let medians = coxEta.map { eta in cox.flatMap { $0.medianDaysToRecovery(relativeLinearPredictor: eta) } ?? .nan }
        let reasons = ReasonGroups(features).top(x, slopes: reasonSlopes, means: reasonMeans)
        return Scores(count: n, horizonDays: horizonDays, logOdds: eta, pRecover: p, coxLinearPredictor: coxEta, horizons: predictionHorizons,
                      recoveredBy: recovered.storage, medianDays: medians, scorePoints: points,
                      reasons: reasons)
    }
}

extension ModelArtifact {
    /// The coefficients reasons rank the pulls βⱼ·(xⱼ − x̄ⱼ) by: the logistic slopes (log-odds),
    /// or the Cox coefficients (log hazard) when trained without a logistic model.
    public var reasonSlopes: [Double] { logistic?.slopes ?? cox?.beta ?? [] }
    /// The training means x̄ of the same model.
    public var reasonMeans: [Double] { logistic?.standardization.means ?? cox?.means ?? [] }
}

extension Scores {
    /// Fills `outcomes` and `outcomeIncidence` from the cause-specific models: per account
    /// the relative risks e^{(x−m)ᵀβ_k} and the product integral over the shared grid.
    /// - Complexity: O(n·(K·p + U·K)) for U distinct event times.
    mutating func addIncidence(_ model: CompetingRisksModel, matrix: FeatureMatrix, horizons: [Int]) {
        let grid = IncidenceGrid(model)
        let x = Matrix(rows: matrix.rows, cols: matrix.cols, storage: matrix.values)
        let zeta = model.causes.map { $0.relativeLinearPredictor(x) }
        let k = model.causes.count, h = horizons.count, t = horizons.map(Double.init)
        var out = [Double](repeating: 0, count: matrix.rows * k * h)
        for i in 0..<matrix.rows {
            let curve = grid.cumulativeIncidence(relativeRisks: (0..<k).map { exp(zeta[$0][i]) }, at: t)
            for c in 0..<k { for j in 0..<h { out[(i * k + c) * h + j] = curve.incidence[c][j] } }
        }
        outcomes = model.outcomes
        outcomeIncidence = out
    }

    /// Computes the top-three reasons of `rows` (indices into the accounts) as `score`
    /// does — the same groups in the same order, bit for bit — and stores them in
    /// `reasons`, leaving the other rows as they were. O(|rows|·p).
    public mutating func fillReasons(rows: [Int], matrix: FeatureMatrix, model: ModelArtifact) {
        guard !rows.isEmpty else { return }
        let p = matrix.cols, k = Scores.reasonsPerAccount
        var gathered = [Double](repeating: 0, count: rows.count * p)
        for (r, i) in rows.enumerated() {
            for j in 0..<p { gathered[r * p + j] = matrix.values[i * p + j] }
        }
        let top = ReasonGroups(model.features).top(Matrix(rows: rows.count, cols: p, storage: gathered),
                                                   slopes: model.reasonSlopes, means: model.reasonMeans)
        for (r, i) in rows.enumerated() {
            for slot in 0..<k { reasons[i * k + slot] = top[r * k + slot] }
        }
    }
}

/// The units a reason speaks of: every feature column on its own, except that the
/// one-hot columns of one categorical column (product=card, product=medical, …) form
/// one group named after the column — an account's product is one fact, and its pull
/// is the sum of its columns' pulls, so the reason reads "product is medical" rather
/// than "product is not card".
public struct ReasonGroups: Sendable {
    /// The reason code of each group: the feature name, or the categorical column's name.
    public var codes: [String]
    /// Feature column indices of each group.
    public var members: [[Int]]
    /// The group of each feature column.
    public var groupOfColumn: [Int]
    /// For a categorical group, the reference level's label (the level with no column).
    public var referenceLevel: [String?]

    public init(_ spec: FeatureSpec) {
        var codes: [String] = [], members: [[Int]] = [], reference: [String?] = []
        var groupOf = [Int](repeating: 0, count: spec.count)
        var categoricalGroup: [String: Int] = [:]
        for (j, column) in spec.columns.enumerated() {
            if case .oneHot(let name, _) = column.kind {
                if let g = categoricalGroup[name] {
                    members[g].append(j); groupOf[j] = g
                    continue
                }
                categoricalGroup[name] = codes.count
                groupOf[j] = codes.count
                codes.append(name); members.append([j])
                reference.append(spec.categoricals.first { $0.column == name }?.reference.label)
            } else {
                groupOf[j] = codes.count
                codes.append(column.name); members.append([j]); reference.append(nil)
            }
        }
        self.codes = codes
        self.members = members
        self.groupOfColumn = groupOf
        self.referenceLevel = reference
    }

    public var count: Int { codes.count }

    /// The reason text of group `g` for an account whose feature row is `row`:
    /// the feature's reason text at its value; for a categorical group, the text of the
    /// level the account has ("product is medical"), or the reference level's.
    public func text(_ g: Int, spec: FeatureSpec, value: (Int) -> Double) -> String {
        if let reference = referenceLevel[g] {
            for j in members[g] where value(j) >= 0.5 { return spec.reasonText(j, 1) }
            return "\(codes[g]) is \(reference)"
        }
        let j = members[g][0]
        return spec.reasonText(j, value(j))
    }

    /// Top-3 groups by |Σ_{j∈g} βⱼ·(xᵢⱼ − x̄ⱼ)| per row of `x`; −1 pads rows with fewer
    /// than three non-zero pulls. Rows in chunks on all cores.
    func top(_ x: Matrix, slopes: [Double], means: [Double]) -> [Int32] {
        let n = x.rows, p = x.cols, k = Scores.reasonsPerAccount, groups = count
        var out = [Int32](repeating: -1, count: n * k)
        let chunk = 8_192
        let chunks = (n + chunk - 1) / chunk
        let groupOf = groupOfColumn
        x.storage.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                nonisolated(unsafe) let xp = xp, op = op   // each chunk writes only its own rows
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    var pull = [Double](repeating: 0, count: groups)
                    for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                        for g in 0..<groups { pull[g] = 0 }
                        for j in 0..<p { pull[groupOf[j]] += slopes[j] * (xp[i * p + j] - means[j]) }
                        var best = (0.0, 0.0, 0.0)
                        var index: (Int32, Int32, Int32) = (-1, -1, -1)
                        for g in 0..<groups {
                            let v = Swift.abs(pull[g])
                            if v > best.0 {
                                best = (v, best.0, best.1); index = (Int32(g), index.0, index.1)
                            } else if v > best.1 {
                                best = (best.0, v, best.1); index = (index.0, Int32(g), index.1)
                            } else if v > best.2 {
                                best.2 = v; index.2 = Int32(g)
                            }
                        }
                        op[i * k] = index.0; op[i * k + 1] = index.1; op[i * k + 2] = index.2
                    }
                }
            }
        }
        return out
    }
}
