import ArgumentParser
import ArrearsCLI
import Foundation
import XCTest
import _TestSupport

/// Issue 14's command-line classes: outputs that would replace an input or each other,
/// concurrent runs on one output set, the as-of checks, flags that are the same on every
/// command, and messages in CLI terms.
final class OutputSafetyTests: BundledPortfolioTestCase {
    static var model: String { repositoryRoot().appendingPathComponent("models/arrears-model.json").path }

    func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    // MARK: - Files never lost

    func testAnOutputThatIsAnInputIsRefusedHoweverSpelledAndTheInputIsUntouched() throws {
        let before = bytes(Self.accounts)
        let link = path("link-to-accounts.csv")
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Self.accounts)
        let spellings = [Self.accounts, Self.dir.path + "/./accounts.csv", Self.dir.path + "//accounts.csv",
                         Self.dir.path + "/../" + Self.dir.lastPathComponent + "/accounts.csv", link]
        for out in spellings {
            let message = failure(["score", "--model", Self.model] + portfolio + ["--out", out, "--quiet"])
            XCTAssertTrue(message.contains("--out") && message.contains("the input --accounts"), "\(out): \(message)")
        }
        // Relative to the working directory, too.
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(Self.dir.path)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        XCTAssertTrue(failure(["score", "--model", Self.model] + portfolio + ["--out", "./accounts.csv"]).contains("the input --accounts"))
        XCTAssertTrue(failure(["validate", "--accounts", Self.accounts, "--payments", Self.payments, "--rejects", "accounts.csv"])
            .contains("--rejects names the same file as the input --accounts"))
        let modelCopy = path("model-copy.json")
        try? FileManager.default.copyItem(atPath: Self.model, toPath: modelCopy)
        XCTAssertTrue(failure(["report", "--model", modelCopy, "--out", modelCopy]).contains("the input --model"))
        XCTAssertEqual(bytes(Self.accounts), before)
        XCTAssertEqual(bytes(modelCopy), bytes(Self.model))
    }

    func testTwoOutputsOnOnePathAreRefusedBeforeAnyWork() {
        let w = path("w.csv")
        try? FileManager.default.removeItem(atPath: w)
        for (args, flag) in [(["rank", "--model", Self.model] + portfolio + ["--out", w, "--holds", w], "--holds"),
                             (["score", "--model", Self.model] + portfolio + ["--out", w, "--rejects", w], "--rejects"),
                             (["train"] + portfolio + ["--out", w, "--holdout-ids", w], "--holdout-ids"),
                             (["rank", "--model", Self.model] + portfolio + ["--out", w, "--rejects", path("w-holds.csv")], "--rejects")] {
            let message = failure(args + ["--quiet"])
            XCTAssertTrue(message.contains("\(flag) names the same file as"), message)
            XCTAssertFalse(FileManager.default.fileExists(atPath: w), "nothing is written when the outputs collide")
        }
    }

    func testValidateRefusesADeviceOrALinkAsItsRejectsFile() throws {
        XCTAssertTrue(failure(["validate", "--accounts", Self.accounts, "--payments", Self.payments, "--rejects", "/dev/null"])
            .contains("not a regular file"))
        let link = path("rejects-link.csv")
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path("elsewhere.csv"))
        XCTAssertTrue(failure(["validate", "--accounts", Self.accounts, "--payments", Self.payments, "--rejects", link])
            .contains("not a regular file"))
    }

    /// Two runs at once on one output set leave one run's worklist beside the same run's
    /// holds file: the worklist and holds rows add up to the portfolio, and the meta file
    /// names the same worklist size.
    func testConcurrentRanksOnOneOutputLeaveOneRunsFiles() throws {
        let out = path("shared-worklist.csv")
        for round in 0..<3 {
            nonisolated(unsafe) var errors: [String] = []
            let lock = NSLock()
            let base = ["rank", "--model", Self.model] + portfolio
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                do {
                    var command = try ArrearsCommand.parseAsRoot(base + ["--out", out, "--capacity", k == 0 ? "50" : "300", "--quiet"])
                    try command.run()
                } catch {
                    lock.lock(); errors.append(ArrearsCommand.message(for: error)); lock.unlock()
                }
            }
            XCTAssertEqual(errors, [], "round \(round)")
            let worklist = String(decoding: bytes(out), as: UTF8.self).split(separator: "\n").count - 1
            let holds = String(decoding: bytes(path("shared-worklist-holds.csv")), as: UTF8.self).split(separator: "\n").count - 1
            XCTAssertTrue(worklist == 50 || worklist == 300, "round \(round): \(worklist)")
            XCTAssertEqual(worklist + holds, 5000, "round \(round): the worklist and holds files come from one run")
            let meta = try JSONSerialization.jsonObject(with: bytes(path("shared-worklist-meta.json"))) as? [String: Any]
            XCTAssertEqual((meta?["figures"] as? [String: Int])?["worklist"], worklist)
        }
    }

    // MARK: - The as-of day

    func meta(_ name: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: bytes(path(name))) as? [String: Any])
    }

    func testAsOfFarBeforeTheHistoryOrLongAfterTheModelIsWarnedAbout() throws {
        let base = ["score", "--model", Self.model, "--accounts", Self.accounts, "--payments", Self.payments, "--quiet"]
        try run(base + ["--as-of", "1990-01-01", "--out", path("early.csv")])
        let early = try meta("early-meta.json")["warnings"] as? [String]
        XCTAssertEqual(early?.count, 1)
        XCTAssertTrue(early?.first?.contains("dated after the as-of day 1990-01-01") ?? false, "\(early ?? [])")
        try run(base + ["--as-of", "2028-06-01", "--out", path("late.csv")])
        let late = try meta("late-meta.json")["warnings"] as? [String]
        XCTAssertTrue(late?.first?.contains("882 days after the model's training as-of 2026-01-01") ?? false, "\(late ?? [])")
        try run(base + ["--as-of", "2026-01-01", "--out", path("right.csv")])
        XCTAssertEqual((try meta("right-meta.json")["warnings"] as? [String])?.count, 0)
        // The policy sets the allowed age.
        let policy = path("young.toml")
        try Data("max_days_after_training = 20\n".utf8).write(to: URL(fileURLWithPath: policy))
        try run(["rank", "--model", Self.model, "--accounts", Self.accounts, "--payments", Self.payments, "--as-of", "2026-02-01",
                 "--policy", policy, "--out", path("young.csv"), "--quiet"])
        XCTAssertTrue(((try meta("young-meta.json")["warnings"] as? [String])?.first ?? "").contains("31 days after"))
        // 'today' is a date.
        let today = try XCTUnwrap(try ArrearsCommand.parseAsRoot(base + ["--as-of", "today"]) as? Score)
        XCTAssertNotNil(today)
    }

    // MARK: - Flags

    func testEveryCommandTakesTheSameFlagsAndRankHasUsableDefaults() throws {
        for args in [["rank", "--model", "m"] + portfolio, ["evaluate", "--model", "m"] + portfolio, ["report", "--model", "m", "--out", "r.html"]] {
            XCTAssertNoThrow(try ArrearsCommand.parseAsRoot(args + ["--strict"]), args[0])
        }
        for args in [["generate", "--accounts", "5", "--seed", "1", "--out", "d"], ["validate", "--accounts", "a", "--payments", "p"],
                     ["inspect", "--model", "m"]] {
            XCTAssertNoThrow(try ArrearsCommand.parseAsRoot(args + ["--quiet"]), args[0])
        }
        // rank without --out writes worklist.csv and worklist-holds.csv; with --format jsonl
        // the holds file is JSON Lines and named so.
        let cwd = FileManager.default.currentDirectoryPath
        let work = makeTemporaryDirectory("rank-defaults")
        FileManager.default.changeCurrentDirectoryPath(work.path)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        try run(["rank", "--model", Self.model] + portfolio + ["--quiet"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: "worklist.csv"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "worklist-holds.csv"))
        try run(["rank", "--model", Self.model] + portfolio + ["--out", "w.jsonl", "--format", "jsonl", "--quiet"])
        let holds = try String(contentsOfFile: "w-holds.jsonl", encoding: .utf8)
        XCTAssertTrue(holds.hasPrefix("{\""), "JSON Lines holds")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "w-holds.csv"))
    }

    // MARK: - Messages

    func testMessagesNameTheFlagAndSayWhatToDo() throws {
        XCTAssertTrue(failure(["rank", "--model", Self.model] + portfolio + ["--capacity", "-5"])
            .contains("--capacity must be at least 1, got -5"))
        XCTAssertTrue(failure(["report", "--model", Self.model] + portfolio + ["--capacity", "-5", "--out", path("r.html")])
            .contains("--capacity must be at least 1, got -5"))
        XCTAssertTrue(failure(["inspect", "--model", Self.dir.path]).contains("is a directory, not a model file"))
        let fractional = path("fractional.json")
        let text = try String(contentsOfFile: Self.model, encoding: .utf8)
            .replacingOccurrences(of: "\"horizonDays\" : 90,", with: "\"horizonDays\" : 90.5,")
        try Data(text.utf8).write(to: URL(fileURLWithPath: fractional))
        let message = failure(["inspect", "--model", fractional])
        XCTAssertTrue(message.contains("90.5 at horizonDays, which must be a whole number"), message)
        XCTAssertFalse(message.contains("not valid JSON"), message)
    }

    func testSeparationSuggestsTheFlagNotTheSwiftAPI() throws {
        var a = "account_id,balance,days_past_due,days_to_recovery,recovered\n"
        var p = "account_id,date,amount_due,amount_paid\n"
        for i in 0..<60 {
            let low = i % 2 == 0
            a += "S\(i),\(low ? 100 + i : 5000 + i),\(i % 7),\(low ? 20 + i % 5 : 365),\(low ? 1 : 0)\n"
        }
        try Data(a.utf8).write(to: URL(fileURLWithPath: path("sep-a.csv")))
        try Data(p.utf8).write(to: URL(fileURLWithPath: path("sep-p.csv")))
        let message = failure(["train", "--accounts", path("sep-a.csv"), "--payments", path("sep-p.csv"), "--as-of", "2026-01-01",
                               "--out", path("sep.json"), "--holdout", "0", "--quiet"])
        XCTAssertTrue(message.contains("separation") || message.contains("separat"), message)
        XCTAssertTrue(message.contains("--l2"), message)
        XCTAssertFalse(message.contains("LogisticRegression("), message)
    }

    func testEvaluateSaysWhenItsFiguresAreInSampleAndTakesTheHoldoutIDs() throws {
        let model = path("holdout-model.json"), ids = path("holdout-ids.csv")
        try run(["train"] + portfolio + ["--out", model, "--holdout-ids", ids, "--quiet"])
        try run(["evaluate", "--model", model] + portfolio + ["--format", "json", "--out", path("in-sample.json"), "--quiet"])
        let inSample = try XCTUnwrap(try JSONSerialization.jsonObject(with: bytes(path("in-sample.json"))) as? [String: Any])
        XCTAssertTrue(((inSample["warnings"] as? [String]) ?? []).contains { $0.contains("in-sample") })
        try run(["evaluate", "--model", model] + portfolio + ["--holdout-ids", ids, "--format", "json",
                                                               "--out", path("holdout.json"), "--quiet"])
        let holdout = try XCTUnwrap(try JSONSerialization.jsonObject(with: bytes(path("holdout.json"))) as? [String: Any])
        let artifact = try XCTUnwrap(try JSONSerialization.jsonObject(with: bytes(model)) as? [String: Any])
        let stored = ((artifact["training"] as? [String: Any])?["holdout"] as? [String: Any])?["logistic"] as? [String: Any]
        let evaluated = (holdout["metrics"] as? [String: Any])?["logistic"] as? [String: Any]
        XCTAssertEqual(evaluated?["auc"] as? Double, stored?["auc"] as? Double)
        XCTAssertEqual(((holdout["metrics"] as? [String: Any])?["accounts"] as? Int), 1000)
        XCTAssertEqual((holdout["warnings"] as? [String])?.count, 0)
    }
}
