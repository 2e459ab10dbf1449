import ArgumentParser
import ArrearsCLI
import Benchmarking
import Foundation
import XCTest
import _TestSupport

/// `arrears bench` on a small portfolio: every stage reported, throughputs positive.
final class BenchCommandTests: XCTestCase {
    func bench(_ arguments: [String]) throws -> BenchReport {
        let command = try XCTUnwrap(try ArrearsCommand.parseAsRoot(["bench"] + arguments) as? Bench)
        return try command.measure()
    }

    func testReportHasEveryStageWithPositiveThroughputs() throws {
        let dir = makeTemporaryDirectory().appendingPathComponent("portfolio").path
        let report = try bench(["--accounts", "2000", "--seed", "3", "--dir", dir, "--repeat", "3", "--quiet"])
        XCTAssertEqual(report.accounts, 2000)
        XCTAssertTrue(report.generated)
        XCTAssertEqual(report.features, 26)
        let names = report.stages.map(\.stage)
        for stage in ["generate", "read CSV", "read CSV + SHA-256", "features (fit spec)", "logistic fit", "Cox fit", "features",
                      "score (fused kernel)", "score (models, no reasons)", "score (with allocation)",
                      "score (per-stage reference)", "score (reasons for 500 rows)", "rank",
                      "render scores csv", "render scores jsonl", "render holds csv", "render holds jsonl"] {
            XCTAssertTrue(names.contains(stage), "stage \(stage) missing from \(names)")
        }
        for s in report.stages {
            XCTAssertGreaterThan(s.seconds, 0, s.stage)
            if let rate = s.accountsPerSecond { XCTAssertGreaterThan(rate, 0, s.stage) }
            XCTAssertTrue(s.accountsPerSecond != nil || (s.rows ?? 0) > 0, "\(s.stage): a rate or rows × features")
        }
        let read = try XCTUnwrap(report.stages.first { $0.stage == "read CSV" })
        XCTAssertGreaterThan(read.megabytesPerSecond ?? 0, 0)
        XCTAssertEqual(read.bytes, report.csvBytes)
        let score = try XCTUnwrap(report.stages.first { $0.stage == "score (fused kernel)" })
        XCTAssertGreaterThan(score.boundRatio ?? 0, 0)
        XCTAssertEqual(report.scoringPasses.count, 3)
        XCTAssertEqual(report.bandwidth.passes.count, 3)
        XCTAssertGreaterThan(report.bandwidth.bytesPerSecond, 0)
        XCTAssertEqual(report.bandwidth.matrixBytes, 2000 * 26 * 8)
        XCTAssertGreaterThan(report.worklist, 0)

        // The table names every stage; the JSON decodes back to the same stages.
        for stage in names { XCTAssertTrue(report.text.contains(stage), stage) }
        XCTAssertTrue(report.text.contains("memory bandwidth:"))
        let decoded = try JSONDecoder().decode(BenchReport.self, from: Data(report.json.utf8))
        XCTAssertEqual(decoded.stages.map(\.stage), names)

        // --dir keeps the portfolio; a second run reuses it (no generate stage) and a model
        // skips training.
        let again = try bench(["--accounts", "2000", "--dir", dir, "--repeat", "1", "--quiet",
                               "--model", repositoryRoot().appendingPathComponent("models/arrears-model.json").path])
        XCTAssertFalse(again.generated)
        XCTAssertFalse(again.stages.contains { $0.stage == "generate" || $0.stage == "Cox fit" })
        XCTAssertTrue(again.stages.contains { $0.stage == "rank" })
    }

    func testBadArgumentsNameTheFlag() {
        XCTAssertThrowsError(try ArrearsCommand.parseAsRoot(["bench", "--accounts", "5"])) { error in
            XCTAssertTrue(ArrearsCommand.message(for: error).contains("--accounts"))
        }
        XCTAssertThrowsError(try ArrearsCommand.parseAsRoot(["bench", "--accounts", "500", "--repeat", "0"])) { error in
            XCTAssertTrue(ArrearsCommand.message(for: error).contains("--repeat"))
        }
    }

    func testHelpHasAnExample() {
        let help = ArrearsCommand.helpMessage(for: Bench.self)
        XCTAssertTrue(help.contains("Example:"))
        XCTAssertTrue(help.contains("arrears bench --accounts 1000000"))
    }
}
