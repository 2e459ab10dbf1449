import Dispatch
import Features
import Foundation
import LinearAlgebra
import Pipeline
import PortfolioGenerator
import PortfolioIO
import Prioritizer
import Scoring
import Training

/// What `arrears bench` runs: a generated (or kept) portfolio and the stages to time.
public struct BenchOptions: Sendable {
    /// Accounts in the generated portfolio.
    public var accounts: Int
    /// Seed of the generated portfolio.
    public var seed: UInt64
    /// Where the portfolio lives: reused when accounts.csv and payments.csv are there, else
    /// generated there and kept; nil = a temporary directory removed at the end.
    public var directory: String?
    /// Score and rank with this model instead of training one on the portfolio.
    public var model: ModelArtifact?
    public var asOf: CalendarDay
    /// Scoring and bandwidth passes; the report shows their medians.
    public var repeats: Int

    public init(accounts: Int, seed: UInt64 = 1, directory: String? = nil, model: ModelArtifact? = nil,
                asOf: CalendarDay = CalendarDay("2026-01-01")!, repeats: Int = 5) {
        self.accounts = accounts
        self.seed = seed
        self.directory = directory
        self.model = model
        self.asOf = asOf
        self.repeats = repeats
    }
}

/// Times every stage of the product on one portfolio in this process — reading, the
/// features, both fits, the scoring kernel (with and without reasons, allocating, and the
/// per-stage reference) next to the memory-bandwidth bound measured in the same run, and
/// ranking — through the same library calls the commands make (`Pipeline`).
public enum BenchHarness {
    /// Runs every stage and returns the report; `progress` hears each stage's start.
    public static func measure(_ options: BenchOptions, progress: (String) -> Void = { _ in }) throws(PipelineError) -> BenchReport {
        let asOfDay = options.asOf, accounts = options.accounts, seed = options.seed, model = options.model
        let `repeat` = options.repeats
        var stages: [BenchReport.Stage] = []
        var blas: BenchReport.BLAS?
        var temporary: String?
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }

        // The portfolio.
        let directory: String
        if let dir = options.directory { directory = dir } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("arrears-bench-\(UUID().uuidString)").path
            temporary = directory
        }
        let accountsPath = directory + "/accounts.csv", paymentsPath = directory + "/payments.csv"
        var generated = false
        if !(FileManager.default.isReadableFile(atPath: accountsPath) && FileManager.default.isReadableFile(atPath: paymentsPath)) {
            progress("generating \(accounts) accounts into \(directory)")
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw PipelineError(code: .output, message: "cannot create the portfolio directory '\(directory)'")
            }
            let config = GeneratorConfig(accounts: accounts, seed: seed, asOf: asOfDay)
            let start = ContinuousClock.now
            do { _ = try PortfolioGenerator(config).write(toDirectory: directory) } catch {
                throw PipelineError(code: .output, message: "\(error)")
            }
            let seconds = Self.seconds(since: start)
            stages.append(.init(stage: "generate", seconds: seconds, accounts: accounts))
            generated = true
        }
        let csvBytes = Self.fileSize(accountsPath) + Self.fileSize(paymentsPath)

        // CSV ingestion.
        progress("reading \(accountsPath) and \(paymentsPath)")
        let readStart = ContinuousClock.now
        let data = try Pipeline.read(.files(accounts: accountsPath, payments: paymentsPath), labels: model == nil)
        let readSeconds = Self.seconds(since: readStart)
        let n = data.accounts.count
        stages.append(.init(stage: "read CSV", seconds: readSeconds, accounts: n, bytes: csvBytes))
        stages += try Self.fingerprintStages(accountsPath: accountsPath, paymentsPath: paymentsPath, labels: model == nil,
                                             accounts: n, bytes: csvBytes, progress: progress)

        // The model: trained here (its spec's features, then both fits) or loaded.
        let artifact: ModelArtifact
        if let model {
            guard model.strata == nil else {
                throw PipelineError(code: .features, message: "bench times the single-baseline kernel; the model \(model.source ?? "") has Cox strata (\(model.strata!.column)): bench it without --model, or with a model trained without --strata")
            }
            artifact = model
        } else {
            progress("training both models on \(n) accounts")
            let result: TrainingResult
            do throws(TrainingError) {
                result = try Trainer.train(data, asOf: asOfDay, options: TrainingOptions(trainedAt: "bench"), inputs: [])
            } catch {
                throw PipelineError(code: .training, message: "training: \(error)", cause: error)
            }
            let lap = { (name: String) in result.timings.first { $0.stage == name }?.seconds ?? .nan }
            let p = result.artifact.features.count
            stages.append(.init(stage: "features (fit spec)", seconds: lap("features"), accounts: n))
            // The fits against the BLAS bound: Newton steps × one Gram matrix of the rows
            // (q = columns + 1 with the logistic intercept) at the machine's faster
            // dsyrk/dgemm rate on all cores, measured here on the same shape (DESIGN §9: ≤ 3×).
            progress("measuring the BLAS rate (dsyrk, dgemm)")
            let rate = BLASRate.measure(columns: p + 1)
            blas = .init(core: OpenBLAS.coreName, config: OpenBLAS.config, requestedCore: OpenBLAS.requestedCore,
                         fasterCore: OpenBLAS.fasterCore(), rate: rate)
            func bound(rows: Int, q: Int, steps: Int?) -> Double? {
                guard let steps, steps > 0 else { return nil }
                return Double(steps) * rate.gramSeconds(rows: rows, columns: q)
            }
            let training = result.artifact.training
            var logisticStage = BenchReport.Stage(stage: "logistic fit", seconds: lap("logistic fit"), accounts: nil,
                                                  rows: training.logisticRows, columns: p)
            logisticStage.iterations = result.artifact.logistic?.iterations
            logisticStage.blasBoundSeconds = bound(rows: training.logisticRows, q: p + 1, steps: logisticStage.iterations)
            logisticStage.timesBLASBound = logisticStage.blasBoundSeconds.map { logisticStage.seconds / $0 }
            stages.append(logisticStage)
            var coxStage = BenchReport.Stage(stage: "Cox fit", seconds: lap("Cox fit"), accounts: nil,
                                             rows: training.coxRows, columns: p)
            coxStage.iterations = result.artifact.cox?.iterations
            coxStage.blasBoundSeconds = bound(rows: training.coxRows, q: result.artifact.cox?.coefficients.count ?? p,
                                              steps: coxStage.iterations)
            coxStage.timesBLASBound = coxStage.blasBoundSeconds.map { coxStage.seconds / $0 }
            stages.append(coxStage)
            if result.timings.contains(where: { $0.stage == "proportional-hazards check" }) {
                stages.append(BenchReport.Stage(stage: "proportional-hazards check", seconds: lap("proportional-hazards check"),
                                                accounts: nil, rows: training.coxRows, columns: p))
            }
            artifact = result.artifact
        }

        // Features under the spec, as score and rank compute them.
        progress("features")
        let featureStart = ContinuousClock.now
        let modelOnly = try Pipeline.score(data, with: artifact, asOf: asOfDay, reasons: false)
        let featureSeconds = Self.seconds(since: featureStart)
        let matrix = modelOnly.matrix
        stages.append(.init(stage: "features", seconds: featureSeconds, accounts: n))

        // Scoring, interleaved with the bandwidth passes so both see the same load.
        progress("scoring \(n) accounts × \(matrix.cols) features, \(`repeat`) passes")
        let kernel = ScoringKernel(artifact)
        var buffers = ScoreBuffers(rows: n, horizons: kernel.horizonCount)
        kernel.score(matrix.values, rows: n, into: &buffers)                 // warm-up, first touch
        _ = MemoryBandwidth.sum(matrix.values, chunkValues: ScoringKernel.chunkRows * matrix.cols)
        var scoreTimes: [Double] = [], modelTimes: [Double] = [], bandwidth: [Double] = [], checksum = 0.0
        for _ in 0..<`repeat` {
            let m = MemoryBandwidth.measure(matrix.values, chunkValues: ScoringKernel.chunkRows * matrix.cols)
            bandwidth.append(m.bytesPerSecond)
            checksum += m.sum
            scoreTimes.append(Self.time { kernel.score(matrix.values, rows: n, into: &buffers) })
            modelTimes.append(Self.time { kernel.score(matrix.values, rows: n, into: &buffers, reasons: false) })
        }
        var scores: Scores?
        let allocatingSeconds = Self.time { scores = artifact.score(matrix) }
        let referenceSeconds = Self.time { _ = artifact.referenceScore(matrix) }
        let matrixBytes = matrix.values.count * 8
        let bytesPerSecond = Self.median(bandwidth)
        let minimumSeconds = Double(matrixBytes) / bytesPerSecond
        let scoreSeconds = Self.median(scoreTimes)
        stages.append(.init(stage: "score (fused kernel)", seconds: scoreSeconds, accounts: n, boundRatio: minimumSeconds / scoreSeconds))
        let modelSeconds = Self.median(modelTimes)
        stages.append(.init(stage: "score (models, no reasons)", seconds: modelSeconds, accounts: n,
                            boundRatio: minimumSeconds / modelSeconds))
        stages.append(.init(stage: "score (with allocation)", seconds: allocatingSeconds, accounts: n,
                            boundRatio: minimumSeconds / allocatingSeconds))
        stages.append(.init(stage: "score (per-stage reference)", seconds: referenceSeconds, accounts: n,
                            boundRatio: minimumSeconds / referenceSeconds))
        // What `rank` computes: the models for every row, reasons only for the rows the
        // worklist prints (500, spread over the portfolio).
        let printed = Array(stride(from: 0, to: n, by: Swift.max(1, n / 500)).prefix(500))
        var rankTimes: [Double] = []
        var printedReasons = artifact.score(matrix, reasons: false)
        printedReasons.fillReasons(rows: printed, matrix: matrix, model: artifact)       // warm-up
        for _ in 0..<`repeat` {
            rankTimes.append(Self.time {
                kernel.score(matrix.values, rows: n, into: &buffers, reasons: false)
                printedReasons.fillReasons(rows: printed, matrix: matrix, model: artifact)
            })
        }
        checksum += Double(printedReasons.reasons[0])
        let rankKernelSeconds = Self.median(rankTimes)
        stages.append(.init(stage: "score (reasons for \(printed.count) rows)", seconds: rankKernelSeconds, accounts: n,
                            boundRatio: minimumSeconds / rankKernelSeconds))

        // Ranking with the default policy.
        progress("ranking")
        let scored = ScoredPortfolio(portfolio: data, matrix: matrix, scores: scores!, model: artifact)
        let rankStart = ContinuousClock.now
        let ranked = try Pipeline.rank(scored, policy: Policy())
        let worklist = ranked.result.worklist.count
        let rankSeconds = Self.seconds(since: rankStart)
        stages.append(.init(stage: "rank", seconds: rankSeconds, accounts: n))

        // Rendering the outputs in memory (MB/s of the bytes), best of the passes.
        progress("rendering the outputs")
        let table = scored.table
        for format in OutputFormat.allCases {
            let outputs: [(String, () -> [UInt8])] = [
                ("scores", { table.rendered(format: format) }),
                ("holds", { ranked.holdsBytes(format: format) }),
                ("worklist", { ranked.worklistBytes(format: format) }),
            ]
            for (name, render) in outputs {
                let rows = name == "scores" ? n : name == "holds" ? ranked.result.holdsCount : worklist
                guard rows > 0 else { continue }
                var best = Double.infinity, size = 0
                for _ in 0..<Swift.max(1, Swift.min(`repeat`, 3)) {
                    var bytes: [UInt8] = []
                    best = Swift.min(best, Self.time { bytes = render() })
                    size = bytes.count
                }
                stages.append(.init(stage: "render \(name) \(format.rawValue)", seconds: best, accounts: rows, bytes: size))
            }
        }

        return BenchReport(accounts: n, statements: data.payments.count, csvBytes: csvBytes, features: matrix.cols,
                           generated: generated, directory: temporary == nil ? directory : nil,
                           cores: ProcessInfo.processInfo.activeProcessorCount, repeats: `repeat`,
                           stages: stages,
                           bandwidth: .init(bytesPerSecond: bytesPerSecond, matrixBytes: matrixBytes,
                                            minimumSeconds: minimumSeconds, passes: bandwidth),
                           scoringPasses: scoreTimes, worklist: worklist, checksum: checksum, blas: blas)
    }

    static func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        return seconds(since: start)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}


extension BenchHarness {
    /// Input hashing (DESIGN §9: SHA-256 must not slow reading): the read again with
    /// `ReadOptions.fingerprint` (the hash runs beside the parser on the same blocks), and
    /// SHA-256 alone over both files held in memory — with the SHA extensions when the
    /// CPU has them, and with the portable rounds.
    static func fingerprintStages(accountsPath: String, paymentsPath: String, labels: Bool, accounts n: Int, bytes: Int,
                                  progress: (String) -> Void) throws(PipelineError) -> [BenchReport.Stage] {
        progress("reading again with SHA-256 fingerprints")
        let start = ContinuousClock.now
        do throws(InputError) {
            _ = try readPortfolio(accountsPath: accountsPath, paymentsPath: paymentsPath,
                                  options: ReadOptions(requireLabels: labels, fingerprint: true))
        } catch {
            throw PipelineError(code: .input, message: "\(error)", cause: error)
        }
        var stages = [BenchReport.Stage(stage: "read CSV + SHA-256", seconds: seconds(since: start), accounts: n, bytes: bytes)]
        guard let a = FileManager.default.contents(atPath: accountsPath),
              let p = FileManager.default.contents(atPath: paymentsPath) else { return stages }
        let kernels = SHA256.usesSHAExtensions ? [false, true] : [true]
        for portable in kernels {
            let hashStart = ContinuousClock.now
            var h = SHA256(portable: portable)
            a.withUnsafeBytes { h.update($0) }
            p.withUnsafeBytes { h.update($0) }
            _ = h.finalize()
            stages.append(.init(stage: portable ? "SHA-256 alone, portable" : "SHA-256 alone, SHA-NI",
                                seconds: seconds(since: hashStart), accounts: n, bytes: a.count + p.count))
        }
        return stages
    }
}

/// What `arrears bench` measured.
public struct BenchReport: Codable, Sendable {
    /// One timed stage.
    public struct Stage: Codable, Sendable {
        public var stage: String
        public var seconds: Double
        /// Accounts processed (nil for the fits, which report rows × columns).
        public var accounts: Int?
        public var accountsPerSecond: Double?
        /// CSV bytes read and MB/s (10⁶ bytes per second), for ingestion.
        public var bytes: Int?
        public var megabytesPerSecond: Double?
        /// Rows × columns of a fit.
        public var rows: Int?
        public var columns: Int?
        /// The bandwidth bound's time for the matrix divided by this stage's (scoring).
        public var boundRatio: Double?
        /// Newton steps of a fit (the model's `iterations`).
        public var iterations: Int?
        /// A fit's BLAS bound: iterations × the least time to form the rows' q × q Gram
        /// matrix with the faster of `dsyrk`/`dgemm` on all cores (`BenchReport.blas`), seconds.
        public var blasBoundSeconds: Double?
        /// A fit's time divided by its BLAS bound (DESIGN §9 asks for ≤ 3).
        public var timesBLASBound: Double?

        init(stage: String, seconds: Double, accounts: Int?, bytes: Int? = nil, rows: Int? = nil, columns: Int? = nil,
             boundRatio: Double? = nil) {
            self.stage = stage
            self.seconds = seconds
            self.accounts = accounts
            self.accountsPerSecond = accounts.map { Double($0) / seconds }
            self.bytes = bytes
            self.megabytesPerSecond = bytes.map { Double($0) / 1e6 / seconds }
            self.rows = rows
            self.columns = columns
            self.boundRatio = boundRatio
        }
    }

    /// The memory-bandwidth bound for reading the feature matrix.
    public struct Bandwidth: Codable, Sendable {
        /// Median bytes per second of the summing passes.
        public var bytesPerSecond: Double
        /// rows × features × 8.
        public var matrixBytes: Int
        /// matrixBytes / bytesPerSecond.
        public var minimumSeconds: Double
        /// Bytes per second of every pass.
        public var passes: [Double]
    }

    public var accounts: Int
    public var statements: Int
    public var csvBytes: Int
    public var features: Int
    /// Whether the portfolio was generated by this run (the `generate` stage).
    public var generated: Bool
    /// The kept portfolio directory (nil for a temporary one, removed at the end).
    public var directory: String?
    public var cores: Int
    public var repeats: Int
    public var stages: [Stage]
    public var bandwidth: Bandwidth
    /// Seconds of each fused scoring pass.
    public var scoringPasses: [Double]
    /// Accounts on the worklist (a check that ranking ran).
    public var worklist: Int
    /// Σ of the bandwidth passes' sums (keeps them from being optimised away).
    public var checksum: Double
    /// The OpenBLAS kernel set and its measured BLAS-3 rate (nil when no model was trained).
    public var blas: BLAS?

    /// Which OpenBLAS kernels ran and how fast: the bound of the fits.
    public struct BLAS: Codable, Sendable {
        /// `openblas_get_corename`, e.g. "Haswell".
        public var core: String
        /// `openblas_get_config`.
        public var config: String
        /// `OPENBLAS_CORETYPE` when set.
        public var requestedCore: String?
        /// A faster kernel set this CPU can run than OpenBLAS's own pick (`OpenBLAS.fasterCore`).
        public var fasterCore: String?
        /// dsyrk/dgemm GFLOP/s for the fits' shape.
        public var rate: BLASRate
    }

    /// The report as a table.
    public var text: String {
        var lines: [String] = []
        lines.append("arrears bench: \(accounts) accounts, \(statements) statements, "
                     + String(format: "%.1f MB", Double(csvBytes) / 1e6) + " of CSV, \(features) features, \(cores) cores"
                     + (directory.map { "; portfolio in \($0)" } ?? ""))
        lines.append("")
        lines.append(Self.pad("stage", 28) + Self.lpad("time", 12) + Self.lpad("accounts/s", 14) + "  other")
        for s in stages {
            var other: [String] = []
            if let mb = s.megabytesPerSecond { other.append(String(format: "%.1f MB/s", mb)) }
            if let r = s.rows, let c = s.columns { other.append("\(r) rows × \(c) features") }
            if let ratio = s.boundRatio { other.append(String(format: "%.2f of the bandwidth bound", ratio)) }
            if let it = s.iterations { other.append("\(it) iterations") }
            if let times = s.timesBLASBound, let b = s.blasBoundSeconds {
                other.append(String(format: "%.2f× the BLAS bound (", times) + Self.duration(b) + ")")
            }
            lines.append(Self.pad(s.stage, 28) + Self.lpad(Self.duration(s.seconds), 12)
                         + Self.lpad(s.accountsPerSecond.map(Self.rate) ?? "", 14) + "  " + other.joined(separator: ", "))
        }
        lines.append("")
        lines.append(String(format: "memory bandwidth: %.1f GB/s (median of %d summing passes on %d cores) → ", bandwidth.bytesPerSecond / 1e9,
                            bandwidth.passes.count, cores)
                     + Self.duration(bandwidth.minimumSeconds) + " at least to read the \(accounts) × \(features) matrix "
                     + String(format: "(%.1f MB)", Double(bandwidth.matrixBytes) / 1e6))
        lines.append("scoring: median of \(scoringPasses.count) passes into preallocated outputs; DESIGN §9 asks for ≥ 0.5 of the bound")
        lines.append("render: best of up to 3 passes, in memory (no disk); MB/s of the output bytes, accounts/s = rows/s; DESIGN §9 asks for ≥ 500 MB/s")
        if let blas {
            let r = blas.rate
            let core = "BLAS: OpenBLAS \(blas.core) kernels" + (blas.requestedCore.map { " (OPENBLAS_CORETYPE=\($0))" } ?? "")
            let shape = "; Gram of \(r.blockRows)-row blocks × \(r.columns) columns: "
            let rates = String(format: "dsyrk %.1f GFLOP/s (1 thread), %.1f (%d cores); dgemm %.1f, %.1f",
                               r.syrkGFLOPS, r.syrkGFLOPSAllCores, r.cores, r.gemmGFLOPS, r.gemmGFLOPSAllCores)
            lines.append(core + shape + rates)
            if let faster = blas.fasterCore {
                lines.append("BLAS: this CPU can run OpenBLAS's \(faster) kernels: OPENBLAS_CORETYPE=\(faster) makes the fits faster (their results then differ in the last bits from the default kernels')")
            }
            lines.append("fits: the BLAS bound is iterations × the least time to form XᵀX (faster kernel, all cores); DESIGN §9 asks for ≤ 3×")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as one JSON document (sorted keys).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    static func duration(_ s: Double) -> String {
        s >= 1 ? String(format: "%.2f s", s) : String(format: "%.1f ms", s * 1e3)
    }

    static func rate(_ r: Double) -> String {
        r >= 1e6 ? String(format: "%.2f M", r / 1e6) : String(format: "%.1f k", r / 1e3)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func lpad(_ s: String, _ width: Int) -> String {
        s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
    }
}
