import ArgumentParser
import ArrearsCLI
import Foundation
import Models
import Scoring
import XCTest
import _TestSupport

/// generate → train → score → evaluate → rank through the commands, as a user runs them.
final class EndToEndTests: XCTestCase {
    /// One generated portfolio and one model for the whole class (training takes a second).
    nonisolated(unsafe) static var dir: URL!
    static var model: String { dir.appendingPathComponent("model.json").path }

    override class func setUp() {
        super.setUp()
        let dir = makeTemporaryDirectory()
        Self.dir = dir
        do {
            try run(["generate", "--accounts", "4000", "--seed", "7", "--out", dir.path])
            try run(["train", "--accounts", dir.appendingPathComponent("accounts.csv").path,
                     "--payments", dir.appendingPathComponent("payments.csv").path, "--as-of", "2026-01-01",
                     "--holdout", "0.25", "--seed", "11", "--out", Self.model,
                     "--holdout-ids", dir.appendingPathComponent("holdout.csv").path, "--quiet"])
        } catch {
            XCTFail("setup failed: \(error)")
        }
    }

    static func run(_ arguments: [String]) throws {
        var command = try ArrearsCommand.parseAsRoot(arguments)
        try command.run()
    }

    var accounts: String { Self.dir.appendingPathComponent("accounts.csv").path }
    var payments: String { Self.dir.appendingPathComponent("payments.csv").path }

    func path(_ name: String) -> String { Self.dir.appendingPathComponent(name).path }

    func testModelRecoversTheGeneratorsGroundTruth() throws {
        let artifact = try ModelArtifact.load(path: Self.model)
        let holdout = try XCTUnwrap(artifact.training.holdout)
        let logistic = try XCTUnwrap(holdout.logistic)
        XCTAssertGreaterThan(logistic.auc, 0.70, "holdout AUC")
        XCTAssertGreaterThan(try XCTUnwrap(holdout.concordance), 0.66, "holdout Harrell's C")
        XCTAssertEqual(artifact.training.holdoutAccounts, 1000)
        XCTAssertEqual(artifact.training.trainAccounts, 3000)

        // data/README.md: the generator's log-hazard ratios. The Cox fit should find each
        // within 4 standard errors, with the right sign.
        let truth = ["pay_ratio_6m": 1.0, "current_missed_streak": -0.10, "dpd_months": -0.02,
                     "log_balance": -0.25, "utilization": -0.5]
        for (name, beta) in truth {
            let c = try XCTUnwrap(artifact.cox!.coefficients.first { $0.name == name }, name)
            XCTAssertLessThan(abs(c.estimate - beta), 4 * c.standardError, "\(name): \(c.estimate) ± \(c.standardError) vs \(beta)")
            XCTAssertEqual(c.estimate.sign, beta.sign, name)
        }
    }

    func testEvaluatingOnTheHoldoutReproducesTrainsHoldoutMetrics() throws {
        let ids = Set(try String(contentsOfFile: path("holdout.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map(String.init))
        XCTAssertEqual(ids.count, 1000)
        try filterCSV(accounts, keepingIDs: ids, to: path("holdout-accounts.csv"))
        try filterCSV(payments, keepingIDs: ids, to: path("holdout-payments.csv"))
        try Self.run(["evaluate", "--model", Self.model, "--accounts", path("holdout-accounts.csv"),
                      "--payments", path("holdout-payments.csv"), "--as-of", "2026-01-01",
                      "--format", "json", "--out", path("evaluation.json"), "--quiet"])
        struct Report: Decodable { var metrics: EvaluationMetrics; var populationStability: PopulationStability? }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity",
                                                                        negativeInfinity: "-Infinity", nan: "NaN")
        let report = try decoder.decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: path("evaluation.json"))))
        let artifact = try ModelArtifact.load(path: Self.model)
        XCTAssertEqual(report.metrics, artifact.training.holdout)
        XCTAssertLessThan(try XCTUnwrap(report.populationStability).index, 0.1, "a holdout drawn from the same book is stable")
    }

    func testScoreWritesOneRowPerAccountAndIsByteIdenticalTwice() throws {
        let arguments = ["score", "--model", Self.model, "--accounts", accounts, "--payments", payments,
                         "--as-of", "2026-01-01", "--quiet"]
        try Self.run(arguments + ["--out", path("scores1.csv")])
        try Self.run(arguments + ["--out", path("scores2.csv")])
        let first = try Data(contentsOf: URL(fileURLWithPath: path("scores1.csv")))
        XCTAssertEqual(first, try Data(contentsOf: URL(fileURLWithPath: path("scores2.csv"))))
        let lines = String(decoding: first, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 4001)
        XCTAssertEqual(String(lines[0]), ScoreTable.columns(horizons: [30, 60, 90, 180]).joined(separator: ","))
        // Every probability is one; P(recovered by t) never falls as t grows.
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            let p = cells[1...5].map { Double($0)! }
            XCTAssertTrue(p.allSatisfy { (0...1).contains($0) }, String(line))
            XCTAssertTrue(zip(p[1...], p[2...]).allSatisfy { $0 <= $1 }, String(line))
            XCTAssertFalse(cells[8].isEmpty, "every account has a first reason: \(line)")
        }

        try Self.run(arguments + ["--format", "jsonl", "--out", path("scores.jsonl")])
        let objects = try String(contentsOfFile: path("scores.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(objects.count, 4000)
        let first1 = try JSONSerialization.jsonObject(with: Data(objects[0].utf8)) as! [String: Any]
        XCTAssertEqual(Set(first1.keys), Set(ScoreTable.columns(horizons: [30, 60, 90, 180])))
    }

    func testTrainTwiceGivesTheSameArtifactBytes() throws {
        let arguments = ["train", "--accounts", accounts, "--payments", payments, "--as-of", "2026-01-01",
                         "--holdout", "0.25", "--seed", "11", "--quiet"]
        try Self.run(arguments + ["--out", path("again.json")])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("again.json"))),
                       try Data(contentsOf: URL(fileURLWithPath: Self.model)))
    }

    func testRankAccountsForEveryRowAndIsByteIdenticalTwice() throws {
        let arguments = ["rank", "--model", Self.model, "--accounts", accounts, "--payments", payments,
                         "--as-of", "2026-01-01", "--capacity", "150", "--quiet"]
        try Self.run(arguments + ["--out", path("w1.csv")])
        try Self.run(arguments + ["--out", path("w2.csv")])
        for suffix in ["", "-holds"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("w1\(suffix).csv"))),
                           try Data(contentsOf: URL(fileURLWithPath: path("w2\(suffix).csv"))), suffix)
        }
        let worklist = try String(contentsOfFile: path("w1.csv"), encoding: .utf8).split(separator: "\n")
        let holds = try String(contentsOfFile: path("w1-holds.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(worklist.count - 1, 150)
        XCTAssertEqual(worklist.count - 1 + holds.count - 1, 4000, "every account lands in exactly one file")
        XCTAssertTrue(worklist[1].hasPrefix("1,"))
    }

    func testInspectAndHelpMentionAnExample() throws {
        for command in ["train", "score", "evaluate", "inspect", "rank"] {
            let help = ArrearsCommand.helpMessage(for: try XCTUnwrap(
                ArrearsCommand.configuration.subcommands.first { $0.configuration.commandName == command }))
            XCTAssertTrue(help.contains("Example:"), command)
            XCTAssertTrue(help.contains("arrears \(command)"), command)
        }
        XCTAssertNoThrow(try Self.run(["inspect", "--model", Self.model]))
    }

    /// Copies the header and the rows of a CSV whose first cell is in `ids`.
    func filterCSV(_ source: String, keepingIDs ids: Set<String>, to target: String) throws {
        let lines = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var out = [String(lines[0])]
        for line in lines.dropFirst() where !line.isEmpty {
            if ids.contains(String(line.prefix { $0 != "," })) { out.append(String(line)) }
        }
        try (out.joined(separator: "\n") + "\n").write(toFile: target, atomically: true, encoding: .utf8)
    }
}
