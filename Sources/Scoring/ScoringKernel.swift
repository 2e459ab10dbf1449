#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CScoringKernel
import Dispatch
import Features
import Models

/// Both models of an artifact applied in one pass over the feature matrix (DESIGN §9's
/// in-memory scoring bar): each feature row is read once, and everything `Scores` holds
/// is written for it into preallocated output arrays.
///
/// Per row xᵢ (p features), with logistic slopes β, intercept β₀, Cox coefficients γ and
/// Cox centre m (the training means), training means x̄ for the reasons:
///
/// - η = β₀ + Σⱼ βⱼxᵢⱼ (log-odds), p = 1 / (1 + e^−η), points = offset + factor·η;
/// - ζ = Σⱼ γⱼxᵢⱼ − mᵀγ (Cox log relative risk), r = e^ζ, and for each horizon tₕ
///   P(recovered by tₕ) = 1 − exp(−H(tₕ | m)·r) = −expm1(−H(tₕ | m)·r) with H(tₕ | m)
///   looked up once per call;
/// - median days: the first baseline event time t_k with H(t_k | m)·e^ζ ≥ ln 2, found
///   without an exp as the first k with ζ ≥ c_k = ln(ln 2) − ln H(t_k | m) (c_k is
///   non-increasing in k), branch-free;
/// - reasons: pulls Σ_{j∈g} βⱼ·(xᵢⱼ − x̄ⱼ) per reason group g, summed in column order,
///   top three by absolute value (ties: lower group first, zero pulls never count).
///
/// **Speed.** Rows go in blocks of `block` (the row block stays in L1): a first loop
/// over the block reads each row once for both dot products (four partial sums each, so
/// the additions do not wait on each other) and the reason pulls; a second loop, free of
/// branches and library calls so the compiler can vectorise it, evaluates the
/// exponentials with `KernelMath` and the median search. Blocks go to both cores in
/// chunks of `chunkRows` rows.
///
/// **Agreement.** Every row is computed by the same sequence of operations whatever the
/// chunking or number of threads, so results are deterministic. They equal the
/// per-stage reference (two `dgemv`, glibc `exp`/`expm1`, binary search on H) to a few
/// ulps: the dot products are summed in another order than BLAS and `KernelMath` is
/// within 2 ulps of glibc. Rows whose linear predictors fall outside ±`fastRange`
/// (where the polynomial exponentials would under/overflow) and rows whose ζ lies
/// within rounding of a median threshold are recomputed with the reference formulas,
/// so the medians are the reference's exactly.
public struct ScoringKernel: Sendable {
    /// Features per row.
    public let columns: Int
    let intercept: Double
    let slopes: [Double]
    let coxBeta: [Double]
    /// mᵀγ.
    let coxCentre: Double
    /// H(tₕ | m) per prediction horizon.
    let hazards: [Double]
    /// The baseline: event times (days) and H(t | m) at each.
    let baselineTimes: [Double]
    let baselineHazards: [Double]
    /// c_k = ln(ln 2) − ln H(t_k | m); +∞ where H is 0.
    let medianThresholds: [Double]
    /// The median search's starting points: ζ in cell j = ⌊(ζ − lo)·cellsPerUnit⌋ (clamped
    /// to the table) has its answer at or after `medianStart[j]` (the answer at a ζ two
    /// cells higher, which is never later), so a short forward scan finishes the search.
    let medianStart: [Int32]
    let medianLow: Double
    let medianCellsPerUnit: Double
    /// H(tₕ | m) padded with zeros to a multiple of four (SIMD4 lanes).
    let paddedHazards: [Double]
    let pointsOffset: Double
    let pointsFactor: Double
    /// Reason groups: the training means x̄, the group of each column, and the count.
    let reasonMeans: [Double]
    let groupOfColumn: [Int32]
    let groups: Int
    /// When every group is a run of consecutive columns in ascending group order (as
    /// `ReasonGroups` builds them from a spec, the one-hot columns of a categorical being
    /// adjacent): group g is columns groupStart[g]..<groupStart[g + 1]. Nil otherwise
    /// (the pulls are then scattered column by column).
    let groupStart: [Int32]?

    /// Rows per block inside a chunk (the block of rows stays in L1 between the loops).
    public static let block = Int(ARREARS_KERNEL_BLOCK)

    /// Whether this CPU runs the AVX2 block loop (`CScoringKernel`, checked once at run
    /// time); `ARREARS_KERNEL=baseline` in the environment keeps the baseline path.
    public static let cpuHasAVX2: Bool = {
        if let value = getenv("ARREARS_KERNEL"), String(cString: value) == "baseline" { return false }
        return arrears_kernel_has_avx2() != 0
    }()

    /// Whether `score` uses the AVX2 block loop: on a CPU that has it, for four horizons
    /// and reason groups of consecutive columns (as every spec builds them); else the
    /// baseline Swift loops. Both give the same bits: the C loop does the same IEEE
    /// operations in the same order, four rows (or four horizons) per instruction, and
    /// fuses no multiply-add (a fused one would round once where the baseline rounds
    /// twice, and change the artifact's full-precision metrics).
    public var usesVectorPath: Bool

    /// Rows per parallel work item.
    public static let chunkRows = 8_192
    /// |η| and |ζ| up to which the polynomial exponentials are used.
    static let fastRange = 700.0

    /// The kernel of `artifact`; for a stratified Cox model (`ModelArtifact.strata`), of
    /// the accounts of Cox stratum `stratum` (its baseline H_s(t | m) replaces the single
    /// one: P(recovered by t) = 1 − exp(−H_s(t | m)·e^ζ), the median from H_s).
    /// - Precondition: a stratified artifact is given one of its strata.
    public init(_ artifact: ModelArtifact, stratum: Int? = nil) {
        let spec = artifact.features
        columns = spec.count
        // A one-model artifact (`train --models`) runs the same loops with a stand-in for
        // the missing model, and `completeOneModel` then overwrites the stand-in's
        // outputs: without a logistic model the slopes are the Cox coefficients (so the
        // reasons are the pulls on the log hazard) and p comes from 1 − S(H | x); without
        // a Cox model every Cox output is NaN (written as an empty cell).
        var stratified: CoxModel?
        if let model = artifact.cox, model.stratumBaselines != nil {
            guard let stratum, let own = model.stratumModel(stratum) else {
                preconditionFailure("ScoringKernel: a stratified Cox model needs the stratum of the rows (ModelArtifact.score(_:strata:))")
            }
            stratified = own
        }
        let cox = stratified ?? artifact.cox ?? CoxModel.standIn(features: spec.count)
        let logistic = artifact.logistic
        intercept = logistic?.intercept ?? 0
        slopes = logistic?.slopes ?? cox.beta
        coxBeta = cox.beta
        coxCentre = cox.centreLinearPredictor
        hazards = artifact.predictionHorizons.map { cox.hazardAtMeans(at: Double($0)) }
        baselineTimes = cox.baselineTimes
        baselineHazards = cox.baselineHazardAtMeans
        missing = artifact.logistic == nil ? .logistic : artifact.cox == nil ? .cox : nil
        horizonHazard = cox.hazardAtMeans(at: Double(artifact.horizonDays))
        let lnLn2 = log(log(2.0))
        let thresholds = baselineHazards.map { $0 > 0 ? lnLn2 - log($0) : Double.infinity }
        medianThresholds = thresholds
        (medianStart, medianLow, medianCellsPerUnit) = Self.medianTable(thresholds)
        paddedHazards = hazards + [Double](repeating: 0, count: (4 - hazards.count % 4) % 4)
        pointsOffset = artifact.scoreScaling.offset
        pointsFactor = artifact.scoreScaling.factor
        reasonMeans = logistic?.standardization.means ?? cox.means
        let reasonGroups = ReasonGroups(spec)
        groupOfColumn = reasonGroups.groupOfColumn.map(Int32.init)
        groups = reasonGroups.count
        var starts: [Int32] = [0]
        var contiguous = true
        for (j, g) in reasonGroups.groupOfColumn.enumerated() where j > 0 && g != reasonGroups.groupOfColumn[j - 1] {
            if g != reasonGroups.groupOfColumn[j - 1] + 1 { contiguous = false }
            starts.append(Int32(j))
        }
        starts.append(Int32(spec.count))
        groupStart = contiguous && starts.count == reasonGroups.count + 1 ? starts : nil
        usesVectorPath = Self.cpuHasAVX2 && hazards.count == 4 && groupStart != nil && columns > 0 && groups > 0
    }

    /// Cells of the median table.
    static let medianCells = 4_096

    /// The median table over [lo, hi] = [min finite c − 1, max finite c + 1]:
    /// start[j] = first k with c_k ≤ lo + (j + 2)/cellsPerUnit (the last cell: 0).
    static func medianTable(_ c: [Double]) -> (start: [Int32], low: Double, cellsPerUnit: Double) {
        let finite = c.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return ([0], 0, 0) }
        let low = lo - 1, cells = medianCells
        let perUnit = Double(cells) / ((hi + 1) - low)
        var start = [Int32](repeating: 0, count: cells)
        for j in 0..<(cells - 1) {
            let edge = low + Double(j + 2) / perUnit
            var k = 0
            while k < c.count && edge < c[k] { k += 1 }
            start[j] = Int32(k)
        }
        return (start, low, perUnit)
    }

    /// Number of prediction horizons.
    public var horizonCount: Int { hazards.count }

    /// The model an artifact trained with `--models` lacks; nil when it has both.
    enum MissingModel { case logistic, cox }
    let missing: MissingModel?
    /// H(H | m), the Cox cumulative hazard at the logistic horizon (for p without a
    /// logistic model).
    let horizonHazard: Double

    /// Replaces the stand-in's outputs of rows `range` (see `init`):
    /// - no logistic model: p = 1 − S(H | x) = −expm1(−H(H | m)·e^ζ), η = log(p/(1 − p))
    ///   = log(expm1(H(H | m)·e^ζ)), points from η;
    /// - no Cox model: ζ, P(recovered by tₕ) and the median are NaN.
    func completeOneModel(_ range: Range<Int>, out: OutputPointers) {
        guard let missing else { return }
        let k = hazards.count
        for i in range {
            switch missing {
            case .logistic:
                let cumulative = horizonHazard * exp(out.coxEta[i])
                let p = -expm1(-cumulative)
                let eta = cumulative > 36 ? cumulative : log(expm1(cumulative))
                out.p[i] = p
                out.logOdds[i] = eta
                out.points[i] = pointsOffset + pointsFactor * eta
            case .cox:
                out.coxEta[i] = .nan
                out.median[i] = .nan
                for h in 0..<k { out.recovered[i * k + h] = .nan }
            }
        }
    }

    /// Scores every row of `matrix` into freshly allocated arrays (see `score(_:into:)`).
    /// - Precondition: `matrix.cols == columns`.
    /// With `reasons` false every reason slot is −1 (none computed).
    public func score(_ matrix: FeatureMatrix, horizonDays: Int, horizons: [Int], parallel: Bool = true,
                      reasons: Bool = true) -> Scores {
        let n = matrix.rows, k = hazards.count
        var out = ScoreBuffers(rows: n, horizons: k)
        if !reasons { out.reasons = [Int32](repeating: -1, count: n * Scores.reasonsPerAccount) }
        score(matrix.values, rows: n, into: &out, parallel: parallel, reasons: reasons)
        return Scores(count: n, horizonDays: horizonDays, logOdds: out.logOdds, pRecover: out.pRecover,
                      coxLinearPredictor: out.coxLinearPredictor, horizons: horizons, recoveredBy: out.recoveredBy,
                      medianDays: out.medianDays, scorePoints: out.scorePoints, reasons: out.reasons)
    }

    /// Scores `rows` rows of the row-major `values` (`rows × columns`) into `out`, whose
    /// arrays must already have the sizes `ScoreBuffers(rows:horizons:)` gives them (they
    /// are overwritten, never reallocated, so repeated calls touch no new memory).
    /// Chunks of `chunkRows` rows run on all cores when `parallel`. With `reasons` false
    /// the reason pulls are skipped and `out.reasons` is left as it was (the models'
    /// outputs alone, the scope of DESIGN §9's scoring bar).
    public func score(_ values: [Double], rows: Int, into out: inout ScoreBuffers, parallel: Bool = true, reasons: Bool = true) {
        precondition(values.count == rows * columns, "ScoringKernel: \(values.count) values for \(rows) × \(columns)")
        precondition(out.rows == rows && out.horizons == hazards.count, "ScoringKernel: output buffers of the wrong size")
        let chunks = (rows + Self.chunkRows - 1) / Self.chunkRows
        values.withUnsafeBufferPointer { xb in
            out.withPointers { o in
                let x = KernelInput(pointer: xb.baseAddress)
                if parallel && chunks > 1 {
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let lo = c * Self.chunkRows
                        self.scoreRows(lo..<Swift.min(rows, lo + Self.chunkRows), x: x, out: o, reasons: reasons)
                    }
                } else if rows > 0 {
                    scoreRows(0..<rows, x: x, out: o, reasons: reasons)
                }
            }
        }
    }

    /// Rows `range` in blocks of `block`.
    func scoreRows(_ range: Range<Int>, x: KernelInput, out: OutputPointers, reasons: Bool) {
        guard let xp = x.pointer else { return }
        slopes.withUnsafeBufferPointer { beta in
            coxBeta.withUnsafeBufferPointer { gamma in
                reasonMeans.withUnsafeBufferPointer { means in
                    groupOfColumn.withUnsafeBufferPointer { groupOf in
                        medianThresholds.withUnsafeBufferPointer { thresholds in
                          medianStart.withUnsafeBufferPointer { start in
                            paddedHazards.withUnsafeBufferPointer { hazard in
                            (groupStart ?? []).withUnsafeBufferPointer { groupStart in
                            // Scratch: one row's column pulls, the block's group pulls
                            // (group-major, `block` per group), and the block's e^ζ.
                            let rowPulls = Swift.max(columns, groups, 1), blockPulls = Swift.max(groups, 1) * Self.block
                            withUnsafeTemporaryAllocation(of: Double.self, capacity: rowPulls + blockPulls + Self.block) { scratch in
                                let base = scratch.baseAddress!
                                let c = RowConstants(beta: beta.baseAddress, gamma: gamma.baseAddress, means: means.baseAddress,
                                                     groupOf: groupOf.baseAddress, groupStart: groupStart.baseAddress,
                                                     thresholds: thresholds.baseAddress,
                                                     medianStart: start.baseAddress, hazards: hazard.baseAddress,
                                                     pull: base, blockPulls: base + rowPulls, risk: base + rowPulls + blockPulls)
                                var constants = ArrearsKernelConstants(
                                    beta: beta.baseAddress, gamma: gamma.baseAddress, means: means.baseAddress,
                                    groupStart: groupStart.baseAddress, hazards: hazard.baseAddress,
                                    intercept: intercept, centre: coxCentre, offset: pointsOffset, factor: pointsFactor,
                                    limit: Self.fastRange, columns: Int32(columns), groups: Int32(groups))
                                let vector = usesVectorPath
                                var lo = range.lowerBound
                                while lo < range.upperBound {
                                    let hi = Swift.min(range.upperBound, lo + Self.block)
                                    if vector {
                                        arrears_kernel_block_avx2(&constants, xp + lo * columns, Int64(hi - lo),
                                                                  out.logOdds + lo, out.coxEta + lo, out.p + lo, out.points + lo,
                                                                  out.recovered + lo * 4, reasons ? out.reasons + lo * 3 : nil, base)
                                    } else {
                                        linearPass(lo..<hi, x: xp, c: c, out: out, reasons: reasons)
                                    }
                                    transformPass(lo..<hi, c: c, out: out, exponentials: !vector)
                                    completeOneModel(lo..<hi, out: out)
                                    lo = hi
                                }
                            }
                            }
                            }
                          }
                        }
                    }
                }
            }
        }
    }

    /// First loop over a block: η, ζ and the top-3 reasons, reading each row once.
    /// Writes `logOdds[i]` = η and `coxLinearPredictor[i]` = ζ for the second loop.
    @inline(__always)
    private func linearPass(_ range: Range<Int>, x: UnsafePointer<Double>, c: RowConstants, out: OutputPointers, reasons: Bool) {
        let p = columns, b0 = intercept, centre = coxCentre
        let groupCount = groups, block = Self.block
        let beta = c.beta!, gamma = c.gamma!, means = c.means!, pull = c.pull, blockPulls = c.blockPulls
        for i in range {
            let row = x + i * p
            // Four partial sums per predictor: j ≡ 0, 1, 2, 3 (mod 4), then (s0 + s1) + (s2 + s3).
            // Lane l of the SIMD4 sums holds the j ≡ l (mod 4) terms in ascending j: the
            // four partial sums as separate scalars would hold them, bit for bit.
            var e = SIMD4<Double>(), z = SIMD4<Double>()
            var j = 0
            while j + 4 <= p {
                let xv = Self.load4(row + j)
                e += Self.load4(beta + j) * xv
                z += Self.load4(gamma + j) * xv
                j += 4
            }
            while j < p {
                e[0] += beta[j] * row[j]; z[0] += gamma[j] * row[j]
                j += 1
            }
            out.logOdds[i] = b0 + ((e[0] + e[1]) + (e[2] + e[3]))
            out.coxEta[i] = ((z[0] + z[1]) + (z[2] + z[3])) - centre

            // Reason pulls, in column order (as ReasonGroups.top sums them: 0 + d_a + d_b + …),
            // into the block's group-major table.
            guard reasons else { continue }
            let r = i - range.lowerBound
            if let starts = c.groupStart {
                var j = 0
                while j + 4 <= p {
                    Self.store4(Self.load4(beta + j) * (Self.load4(row + j) - Self.load4(means + j)), pull + j)
                    j += 4
                }
                while j < p { pull[j] = beta[j] * (row[j] - means[j]); j += 1 }
                for g in 0..<groupCount {
                    let end = Int(starts[g + 1])
                    var j = Int(starts[g]), s = 0.0
                    while j < end { s += pull[j]; j += 1 }
                    blockPulls[g * block + r] = s
                }
            } else {
                let groupOf = c.groupOf!
                for g in 0..<groupCount { pull[g] = 0 }
                for j in 0..<p { pull[Int(groupOf[j])] += beta[j] * (row[j] - means[j]) }
                for g in 0..<groupCount { blockPulls[g * block + r] = pull[g] }
            }
        }
        if reasons { Self.topThree(blockPulls, groups: groupCount, rows: range.count, into: out.reasons + range.lowerBound * 3) }
    }

    /// For each of `rows` rows of the group-major table `v` (`v[g * block + r]`): the
    /// indices of the three largest |v| (> 0), ties to the lower group, −1 when fewer than
    /// three are positive, written to `out[r * 3 ..< r * 3 + 3]`. Four rows at a time in
    /// SIMD lanes; the groups' two halves go through two independent branch-free
    /// insertions into a sorted triple (their compare-select chains overlap), then the
    /// upper half's three are inserted into the lower half's (strictly larger only, so
    /// the lower group stays first on ties).
    @inline(__always)
    static func topThree(_ v: UnsafeMutablePointer<Double>, groups: Int, rows: Int, into out: UnsafeMutablePointer<Int32>) {
        let half = groups / 2
        var r = 0
        while r < rows {
            var a = Triple4(), b = Triple4()
            for g in 0..<half {
                a.insert(load4(v + g * block + r).absolute, SIMD4(repeating: Double(g)))
                b.insert(load4(v + (half + g) * block + r).absolute, SIMD4(repeating: Double(half + g)))
            }
            if groups > 2 * half {
                b.insert(load4(v + (groups - 1) * block + r).absolute, SIMD4(repeating: Double(groups - 1)))
            }
            a.insert(b.v0, b.i0); a.insert(b.v1, b.i1); a.insert(b.v2, b.i2)
            for lane in 0..<Swift.min(4, rows - r) {
                out[(r + lane) * 3] = Int32(a.i0[lane])
                out[(r + lane) * 3 + 1] = Int32(a.i1[lane])
                out[(r + lane) * 3 + 2] = Int32(a.i2[lane])
            }
            r += 4
        }
    }

    /// Four consecutive doubles (the table has room for a whole last group of four).
    @inline(__always)
    static func load4(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    static func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    static func store4(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }

    /// min(max(v, −limit), limit) lane by lane, as `Swift.min(Swift.max(v, −limit), limit)`
    /// (NaN stays NaN).
    @inline(__always)
    static func clamp(_ v: SIMD4<Double>, _ limit: Double) -> SIMD4<Double> {
        let low = v.replacing(with: -limit, where: v .<= SIMD4(repeating: -limit))
        return low.replacing(with: limit, where: low .> SIMD4(repeating: limit))
    }

    /// Second loop over a block: p, points, the horizon probabilities and the median from
    /// η and ζ; then the rare rows outside the fast range (or at a median threshold) again
    /// with the reference formulas.
    /// With `exponentials` false, p, points and the horizon probabilities are already
    /// there (the AVX2 block loop wrote them): only the medians and the fix-ups run.
    @inline(__always)
    private func transformPass(_ range: Range<Int>, c: RowConstants, out: OutputPointers, exponentials: Bool) {
        let offset = pointsOffset, factor = pointsFactor, limit = Self.fastRange
        let k = hazards.count, m = baselineTimes.count
        let lo = range.lowerBound, count = range.count, risk = c.risk
        if exponentials {
        // Four rows at a time in SIMD lanes (the same operations as the scalar tail, so
        // the same bits), straight-line: no calls, no branches.
        var r = 0
        while r + 4 <= count {
            let eta = Self.load4(out.logOdds + lo + r), zeta = Self.load4(out.coxEta + lo + r)
            Self.store4(1 / (1 + KernelMath.exp(Self.clamp(-eta, limit))), out.p + lo + r)
            Self.store4(offset + factor * eta, out.points + lo + r)
            Self.store4(KernelMath.exp(Self.clamp(zeta, limit)), risk + r)
            r += 4
        }
        while r < count {
            let eta = out.logOdds[lo + r], zeta = out.coxEta[lo + r]
            out.p[lo + r] = 1 / (1 + KernelMath.exp(Swift.min(Swift.max(-eta, -limit), limit)))
            out.points[lo + r] = offset + factor * eta
            risk[r] = KernelMath.exp(Swift.min(Swift.max(zeta, -limit), limit))
            r += 1
        }
        if k == 4 {
            // The four horizons of a row in the four lanes: 1 − S(tₕ) = −expm1(max(−Hₕ·r, −40)).
            let minus = -SIMD4(hazards[0], hazards[1], hazards[2], hazards[3])
            let floor = SIMD4<Double>(repeating: -40)
            for r in 0..<count {
                let a = minus * risk[r]
                Self.store4(-KernelMath.expm1(a.replacing(with: floor, where: a .< floor)), out.recovered + (lo + r) * 4)
            }
        } else {
            for r in 0..<count {
                let q = risk[r], row = out.recovered + (lo + r) * k
                for h in 0..<k { row[h] = -KernelMath.expm1(Swift.max(-hazards[h] * q, -40)) }
            }
        }
        }
        var outsideRows = 0
        for r in 0..<count {
            let inside = Swift.abs(out.logOdds[lo + r]) <= limit && Swift.abs(out.coxEta[lo + r]) <= limit
            outsideRows &+= inside ? 0 : 1
        }
        let outside = outsideRows > 0
        if let thresholds = c.thresholds, let start = c.medianStart, m > 0 {
            let low = medianLow, perUnit = medianCellsPerUnit, last = Double(Self.medianCells - 1)
            for i in range {
                let zeta = out.coxEta[i]
                let t = (zeta - low) * perUnit
                let cell = t > 0 ? Int(t < last ? t : last) : 0       // NaN → 0
                // First index at or after the cell's start with c_k ≤ ζ.
                var index = Int(start[cell])
                while index < m && zeta < thresholds[index] { index += 1 }
                out.median[i] = index < m ? baselineTimes[index] : .nan
                // Within rounding of a threshold: the reference decides.
                let near = (index < m && Swift.abs(zeta - thresholds[index]) <= 1e-9 * (1 + Swift.abs(zeta)))
                    || (index > 0 && Swift.abs(zeta - thresholds[index - 1]) <= 1e-9 * (1 + Swift.abs(zeta)))
                if near { out.median[i] = referenceMedian(zeta) }
            }
        } else {
            for i in range { out.median[i] = .nan }
        }
        if outside {
            for i in range {
                let eta = out.logOdds[i], zeta = out.coxEta[i]
                guard !(Swift.abs(eta) <= limit && Swift.abs(zeta) <= limit) else { continue }
                out.p[i] = logistic(eta)
                let risk = exp(zeta)
                for h in 0..<k { out.recovered[i * k + h] = -expm1(-hazards[h] * risk) }
                out.median[i] = referenceMedian(zeta)
            }
        }
    }

    /// `CoxModel.medianDaysToRecovery(relativeLinearPredictor:)` with NaN for nil:
    /// the first event time with H(t | m) ≥ ln 2·e^−ζ.
    func referenceMedian(_ zeta: Double) -> Double {
        let target = log(2.0) * exp(-zeta)
        var lo = 0, hi = baselineHazards.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if baselineHazards[mid] >= target { hi = mid } else { lo = mid + 1 }
        }
        return lo < baselineTimes.count ? baselineTimes[lo] : .nan
    }
}

/// The output arrays of `ScoringKernel.score(_:rows:into:)`, sized once and reused.
public struct ScoreBuffers: Sendable {
    public let rows: Int
    public let horizons: Int
    public var logOdds: [Double]
    public var pRecover: [Double]
    public var coxLinearPredictor: [Double]
    /// Row-major `rows × horizons`.
    public var recoveredBy: [Double]
    public var medianDays: [Double]
    public var scorePoints: [Double]
    /// `rows × 3` reason group indices.
    public var reasons: [Int32]

    /// Arrays of the right sizes whose contents are left for the kernel to write (no
    /// zero fill: the kernel writes every element, and the pages are first touched by
    /// the thread that scores them).
    public init(rows: Int, horizons: Int) {
        self.rows = rows
        self.horizons = horizons
        logOdds = unfilledArray(rows)
        pRecover = unfilledArray(rows)
        coxLinearPredictor = unfilledArray(rows)
        recoveredBy = unfilledArray(rows * horizons)
        medianDays = unfilledArray(rows)
        scorePoints = unfilledArray(rows)
        reasons = unfilledArray(rows * Scores.reasonsPerAccount)
    }

    /// Base pointers of every array, valid inside `body`.
    mutating func withPointers(_ body: (OutputPointers) -> Void) {
        logOdds.withUnsafeMutableBufferPointer { a in
            pRecover.withUnsafeMutableBufferPointer { b in
                coxLinearPredictor.withUnsafeMutableBufferPointer { c in
                    recoveredBy.withUnsafeMutableBufferPointer { d in
                        medianDays.withUnsafeMutableBufferPointer { e in
                            scorePoints.withUnsafeMutableBufferPointer { f in
                                reasons.withUnsafeMutableBufferPointer { g in
                                    body(OutputPointers(logOdds: a.baseAddress ?? dangling(), p: b.baseAddress ?? dangling(),
                                                        coxEta: c.baseAddress ?? dangling(), recovered: d.baseAddress ?? dangling(),
                                                        median: e.baseAddress ?? dangling(), points: f.baseAddress ?? dangling(),
                                                        reasons: g.baseAddress ?? dangling()))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An array of `count` trivial values whose storage is allocated but not written
/// (the caller overwrites every element before reading it).
@inline(__always)
func unfilledArray<T: BitwiseCopyable>(_ count: Int) -> [T] {
    [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// A pointer for empty arrays (never dereferenced: no rows, no writes).
private func dangling<T>() -> UnsafeMutablePointer<T> {
    UnsafeMutablePointer<T>(bitPattern: MemoryLayout<T>.alignment)!
}

/// The output base pointers; each chunk writes only its own rows.
struct OutputPointers: @unchecked Sendable {
    var logOdds: UnsafeMutablePointer<Double>
    var p: UnsafeMutablePointer<Double>
    var coxEta: UnsafeMutablePointer<Double>
    var recovered: UnsafeMutablePointer<Double>
    var median: UnsafeMutablePointer<Double>
    var points: UnsafeMutablePointer<Double>
    var reasons: UnsafeMutablePointer<Int32>
}

/// The feature matrix's base pointer, read-only and shared by all chunks.
struct KernelInput: @unchecked Sendable {
    var pointer: UnsafePointer<Double>?
}

/// Per-thread pointers to the kernel's constants and its pull scratch.
struct RowConstants {
    var beta: UnsafePointer<Double>?
    var gamma: UnsafePointer<Double>?
    var means: UnsafePointer<Double>?
    var groupOf: UnsafePointer<Int32>?
    var groupStart: UnsafePointer<Int32>?
    var thresholds: UnsafePointer<Double>?
    var medianStart: UnsafePointer<Int32>?
    /// H(tₕ | m), padded to a multiple of four.
    var hazards: UnsafePointer<Double>!
    /// Scratch: the pulls of one row, the block's group pulls (group-major) and e^ζ of
    /// one block.
    var pull: UnsafeMutablePointer<Double>
    var blockPulls: UnsafeMutablePointer<Double>
    var risk: UnsafeMutablePointer<Double>
}

extension SIMD4 where Scalar == Double {
    /// |x| lane by lane (the sign bit cleared).
    @inline(__always)
    var absolute: SIMD4<Double> {
        unsafeBitCast(unsafeBitCast(self, to: SIMD4<UInt64>.self) & SIMD4<UInt64>(repeating: 0x7FFF_FFFF_FFFF_FFFF), to: SIMD4<Double>.self)
    }
}

/// Per SIMD lane (one row each): the three largest values seen and their indices
/// (exact small integers held as doubles), largest first; ties keep the earlier.
struct Triple4 {
    var v0 = SIMD4<Double>(), v1 = SIMD4<Double>(), v2 = SIMD4<Double>()
    var i0 = SIMD4<Double>(repeating: -1), i1 = SIMD4<Double>(repeating: -1), i2 = SIMD4<Double>(repeating: -1)

    /// Inserts `a` with indices `g` where it ranks, lane by lane, only where strictly
    /// larger than the value it displaces; selects, no branches.
    @_transparent
    mutating func insert(_ a: SIMD4<Double>, _ g: SIMD4<Double>) {
        let c0 = a .> v0, c1 = a .> v1, c2 = a .> v2
        v2 = v2.replacing(with: a, where: c2).replacing(with: v1, where: c1)
        i2 = i2.replacing(with: g, where: c2).replacing(with: i1, where: c1)
        v1 = v1.replacing(with: a, where: c1).replacing(with: v0, where: c0)
        i1 = i1.replacing(with: g, where: c1).replacing(with: i0, where: c0)
        v0 = v0.replacing(with: a, where: c0)
        i0 = i0.replacing(with: g, where: c0)
    }
}

/// e^x and e^x − 1 from arithmetic alone (no calls, no branches, no tables), so loops
/// over them vectorise. Both reduce x = k·ln 2 + r with k = round(x / ln 2) and
/// |r| ≤ ln 2 / 2 (Cody–Waite: ln 2 split in a high part with trailing zero bits, so
/// k·ln2_hi is exact, and a low part), then
/// - e^x = 2^k · e^r with e^r = Σ_{n≤13} rⁿ/n! (truncation < 4·10⁻¹⁸ relative);
/// - e^x − 1 = 2^k · (e^r − 1) + (2^k − 1) with e^r − 1 = r + r²·Σ_{n≤11} rⁿ/(n+2)!,
///   exact in form at k = 0 (so tiny x keep full relative precision).
/// 2^k is built in the exponent bits. Valid for |x| ≤ 708 (|k| ≤ 1022); results are
/// within 2 ulps of glibc's.
enum KernelMath {
    static let log2e = 1.4426950408889634
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    /// 1.5·2^52: adding it rounds to an integer held in the low mantissa bits.
    static let shifter = 6755399441055744.0

    /// (r, 2^k) for x.
    @inline(__always)
    static func reduce(_ x: Double) -> (r: Double, scale: Double) {
        let t = x * log2e + shifter
        let k = t - shifter
        let r = (x - k * ln2Hi) - k * ln2Lo
        // The low 12 bits of t's pattern are k mod 4096; shifted into the exponent field.
        let scale = (UInt64(1023) << 52) &+ (t.bitPattern &<< 52)
        return (r, Double(bitPattern: scale))
    }

    /// Σ_{n=0}^{11} rⁿ/(n+2)! by Horner: e^r = 1 + r + r²·tail(r).
    @inline(__always)
    static func tail(_ r: Double) -> Double {
        var q = 1.0 / 6227020800.0                    // 1/13!
        q = q * r + 1.0 / 479001600.0                  // 1/12!
        q = q * r + 1.0 / 39916800.0
        q = q * r + 1.0 / 3628800.0
        q = q * r + 1.0 / 362880.0
        q = q * r + 1.0 / 40320.0
        q = q * r + 1.0 / 5040.0
        q = q * r + 1.0 / 720.0
        q = q * r + 1.0 / 120.0
        q = q * r + 1.0 / 24.0
        q = q * r + 1.0 / 6.0
        q = q * r + 0.5
        return q
    }

    /// `reduce` in four lanes (the same operations lane by lane).
    @inline(__always)
    static func reduce(_ x: SIMD4<Double>) -> (r: SIMD4<Double>, scale: SIMD4<Double>) {
        let t = x * log2e + shifter
        let k = t - shifter
        let r = (x - k * ln2Hi) - k * ln2Lo
        let bits = SIMD4<UInt64>(repeating: UInt64(1023) << 52) &+ (unsafeBitCast(t, to: SIMD4<UInt64>.self) &<< 52)
        return (r, unsafeBitCast(bits, to: SIMD4<Double>.self))
    }

    /// `tail` in four lanes.
    @inline(__always)
    static func tail(_ r: SIMD4<Double>) -> SIMD4<Double> {
        var q = SIMD4<Double>(repeating: 1.0 / 6227020800.0)
        q = q * r + 1.0 / 479001600.0
        q = q * r + 1.0 / 39916800.0
        q = q * r + 1.0 / 3628800.0
        q = q * r + 1.0 / 362880.0
        q = q * r + 1.0 / 40320.0
        q = q * r + 1.0 / 5040.0
        q = q * r + 1.0 / 720.0
        q = q * r + 1.0 / 120.0
        q = q * r + 1.0 / 24.0
        q = q * r + 1.0 / 6.0
        q = q * r + 0.5
        return q
    }

    /// e^x lane by lane for |x| ≤ 708 (the bits of the scalar `exp`).
    @inline(__always)
    static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let (r, scale) = reduce(x)
        return ((tail(r) * r + 1) * r + 1) * scale
    }

    /// e^x − 1 lane by lane for |x| ≤ 708 (the bits of the scalar `expm1`).
    @inline(__always)
    static func expm1(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let (r, scale) = reduce(x)
        let em = tail(r) * r * r + r
        return scale * em + (scale - 1)
    }

    /// e^x for |x| ≤ 708.
    @inline(__always)
    static func exp(_ x: Double) -> Double {
        let (r, scale) = reduce(x)
        return ((tail(r) * r + 1) * r + 1) * scale
    }

    /// e^x − 1 for |x| ≤ 708.
    @inline(__always)
    static func expm1(_ x: Double) -> Double {
        let (r, scale) = reduce(x)
        let em = tail(r) * r * r + r
        return scale * em + (scale - 1)
    }
}

extension CoxModel {
    /// The inert Cox model the kernel runs in place of a missing one: zero coefficients
    /// and a baseline hazard of 0 at day 1 (every output it gives is replaced).
    fileprivate static func standIn(features p: Int) -> CoxModel {
        CoxModel(coefficients: (0..<p).map { Coefficient(name: "x\($0)", estimate: 0, standardError: 0) },
                 covariance: [[Double]](repeating: [Double](repeating: 0, count: p), count: p),
                 means: [Double](repeating: 0, count: p), standardDeviations: [Double](repeating: 1, count: p),
                 logLikelihood: 0, nullLogLikelihood: 0, penalizedLogLikelihood: 0, iterations: 0, converged: true,
                 ties: .efron, l2: 0, nObs: 0, nEvents: 0, baselineTimes: [1], baselineHazardAtMeans: [0])
    }
}
