import ArgumentParser
import Features
import Foundation
import PortfolioGenerator
import PortfolioIO
import Prioritizer
import Pipeline
import Scoring
import Benchmarking

/// `arrears bench`: a self-contained throughput report (DESIGN §1, §9).
public struct Bench: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time every stage on a generated portfolio and compare scoring with the memory-bandwidth bound.",
        discussion: """
            Generates a portfolio of --accounts accounts (as 'arrears generate' does, \
            seeded by --seed) into a temporary directory, or reuses the one in --dir \
            (generated there when missing, and kept), then times in this process, in \
            order: CSV ingestion of both files (MB/s and accounts/s), the features under \
            the model's spec, training both models (rows × features; skipped with \
            --model), in-memory scoring of the feature matrix with both models (the \
            median of --repeat passes into preallocated outputs; with the top-3 reasons \
            for every row as `score` prints them, without, and with reasons for the 500 \
            rows a worklist prints as `rank` computes them), ranking the worklist with \
            the default policy, rendering every output in memory (scores, holds and \
            worklist, CSV and JSON Lines: MB/s of the bytes, best of up to 3 passes; \
            DESIGN §9 asks for at least 500 MB/s), and the machine's memory-bandwidth \
            bound: a tight \
            sum over the feature matrix on all cores, interleaved with the scoring \
            passes (median GB/s, and the least time reading the matrix can take). The \
            scoring row shows that least time divided by the scoring time: 1 is the \
            physical limit, DESIGN §9 asks for at least 0.5. After training it measures \
            the machine's BLAS-3 rate on the fits' shape (dsyrk and dgemm, one thread \
            and all cores) and shows each fit's time as a multiple of its BLAS bound: \
            iterations × the least time to form the rows' Gram matrix (DESIGN §9 asks \
            for at most 3×), and which OpenBLAS kernels ran.

            Timings are wall clock on a machine that may be shared; rerun and compare \
            ratios from one run. --format json prints the same report for machines.

            Example:
              arrears bench --accounts 1000000
              arrears bench --accounts 100000 --dir /tmp/p100k --format json
              arrears bench --accounts 1000000 --dir /tmp/p1m \\
                --model models/arrears-model.json
            """
    )

    @Option(help: "Accounts in the generated portfolio (at least 100).")
    var accounts: Int

    @Option(help: "Seed of the generated portfolio.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Directory of the portfolio: reused when accounts.csv and payments.csv are there, else generated there and kept.",
                               valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp("Score and rank with this model instead of training one on the portfolio.", valueName: "file"))
    var model: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The as-of date, YYYY-MM-DD or 'today'.", valueName: "date"))
    var asOf: CalendarDay = CalendarDay("2026-01-01")!

    @Option(help: "Scoring passes (and bandwidth passes); the report shows their medians.")
    var `repeat`: Int = 5

    @Option(help: "Report format: text or json.")
    var format: BenchFormat = .text

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    public init() {}

    public func validate() throws {
        guard accounts >= 100 else { throw ValidationError("--accounts must be at least 100, got \(accounts).") }
        guard accounts <= 100_000_000 else { throw ValidationError("--accounts must be at most 100000000, got \(accounts).") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1, got \(`repeat`).") }
    }

    public func run() throws {
        let report = try measure()
        let console = Console(quiet: quiet)
        try console.print(format == .json ? report.json : report.text)
    }

    /// Runs every stage (`BenchHarness.measure`) and returns the report.
    public func measure() throws -> BenchReport {
        let console = Console(quiet: quiet)
        let artifact = try model.map(loadModel)
        let options = BenchOptions(accounts: accounts, seed: seed, directory: dir, model: artifact, asOf: asOf, repeats: `repeat`)
        do throws(PipelineError) { return try BenchHarness.measure(options, progress: console.progress) } catch {
            throw CommandFailure(message: (error.code == .output ? "--dir: " : "") + CommandFailure(error).message)
        }
    }
}

/// `arrears bench --format`.
public enum BenchFormat: String, ExpressibleByArgument, Sendable {
    case text, json
}

