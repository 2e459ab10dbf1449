import ArgumentParser
import ArrearsCLI
import Foundation
import Scoring
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import _TestSupport

/// Bad input at the command line: one clear message naming the file, column or flag, a
/// non-zero exit, and nothing partial left at the output path.
final class CommandFailureTests: XCTestCase {
    nonisolated(unsafe) static var dir: URL!
    static var model: String { dir.appendingPathComponent("model.json").path }

    static let accountsText = """
        account_id,balance,days_past_due,product,months_on_book,days_to_recovery,recovered
        A1,100,5,card,12,30,1
        A2,2500,60,card,,200,0
        A3,50,0,auto,40,10,1
        A4,900,30,auto,7,365,0
        A5,1200,90,card,3,45,1
        A6,300,10,auto,24,120,0
        A7,75,0,card,60,5,1
        A8,4000,120,auto,2,365,0
        A9,640,15,card,18,80,1
        A10,220,45,auto,30,150,0
        A11,130,0,card,9,20,1
        A12,5100,150,auto,1,365,0

        """
    static let paymentsText = """
        account_id,date,amount_due,amount_paid
        A1,2025-12-01,50,50
        A2,2025-12-01,80,0
        A3,2025-12-01,20,20
        A4,2025-12-01,60,10
        A5,2025-12-01,70,0
        A6,2025-12-01,30,30
        A7,2025-12-01,10,10
        A8,2025-12-01,90,0
        A9,2025-12-01,40,40
        A10,2025-12-01,25,0
        A11,2025-12-01,15,15
        A12,2025-12-01,95,5

        """

    /// With one statement per account these features repeat others exactly.
    static let oneStatementDuplicates = "pay_ratio_6m,pay_ratio_12m,missed_6m,missed_12m,current_missed_streak,"
        + "longest_missed_streak,days_since_full_payment,full_pay_rate_12"

    override class func setUp() {
        super.setUp()
        dir = makeTemporaryDirectory()
        do {
            try accountsText.write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
            try paymentsText.write(to: dir.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
            var train = try ArrearsCommand.parseAsRoot(
                ["train", "--accounts", dir.appendingPathComponent("a.csv").path, "--payments",
                 dir.appendingPathComponent("p.csv").path, "--as-of", "2026-01-01", "--holdout", "0",
                 "--min-level-count", "1", "--l2", "1", "--cox-l2", "1", "--out", model, "--quiet",
                 "--ignore", oneStatementDuplicates])
            try train.run()
        } catch {
            XCTFail("setup: \(error)")
        }
    }

    func path(_ name: String) -> String { Self.dir.appendingPathComponent(name).path }

    func write(_ text: String, _ name: String) -> String {
        FileManager.default.createFile(atPath: path(name), contents: Data(text.utf8))
        return path(name)
    }

    /// Runs a command expecting failure; returns the message the user would see.
    func failure(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            var command = try ArrearsCommand.parseAsRoot(arguments)
            try command.run()
            XCTFail("expected \(arguments.first ?? "") to fail", file: file, line: line)
            return ""
        } catch {
            XCTAssertNotEqual(ArrearsCommand.exitCode(for: error), .success, file: file, line: line)
            return ArrearsCommand.message(for: error)
        }
    }

    func scoreArguments(model: String? = nil, accounts: String? = nil, payments: String? = nil, out: String) -> [String] {
        ["score", "--model", model ?? Self.model, "--accounts", accounts ?? path("a.csv"),
         "--payments", payments ?? path("p.csv"), "--as-of", "2026-01-01", "--out", out, "--quiet"]
    }

    /// A portfolio whose days past due separate the 90-day label: train refuses the
    /// maximum-likelihood fit naming the feature and the flags, and --firth or --models
    /// cox train it (issue 19).
    func testSeparationSuggestsFirthAndL2InFlagsAndFirthTrains() throws {
        var accounts = "account_id,balance,days_past_due,days_to_recovery,recovered\n"
        for i in 0..<400 {
            let low = i % 2 == 0
            let days = low ? 1 + (i * 7) % 90 : 100 + (i * 13) % 260
            accounts += "A\(i),\(100 + (i * 37) % 9000),\(low ? i % 31 : 60 + i % 200),\(days),\(low || i % 4 == 1 ? 1 : 0)\n"
        }
        let a = write(accounts, "sep-accounts.csv"), p = write("account_id,date,amount_due,amount_paid\n", "sep-payments.csv")
        let base = ["train", "--accounts", a, "--payments", p, "--as-of", "2026-01-01", "--quiet"]
        let message = failure(base + ["--out", path("sep.json")])
        for needle in ["separation", "'dpd_months'", "--firth", "--l2 λ", "--ignore dpd_months", "--models cox"] {
            XCTAssertTrue(message.contains(needle), "'\(needle)' missing: \(message)")
        }
        XCTAssertFalse(message.contains("firth = true") || message.contains("logisticL2"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("sep.json")))
        for extra in [["--firth"], ["--models", "cox"]] {
            var train = try ArrearsCommand.parseAsRoot(base + extra + ["--out", path("sep-ok.json")])
            try train.run()
            let model = try ModelArtifact.load(path: path("sep-ok.json"))
            XCTAssertEqual(model.logistic?.firth, extra == ["--firth"] ? true : nil, "\(extra)")
        }
        let both = failure(base + ["--firth", "--l2", "1", "--out", path("sep2.json")])
        XCTAssertTrue(both.contains("--firth") && both.contains("--l2"), both)
    }

    func testMissingInputFileIsNamedAndNoOutputIsWritten() {
        let out = path("missing-file.csv")
        let message = failure(scoreArguments(accounts: "/nonexistent/accounts.csv", out: out))
        XCTAssertTrue(message.contains("/nonexistent/accounts.csv"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testMissingRequiredColumnIsNamed() {
        let accounts = write("account_id,days_past_due\nA1,5\n", "no-balance.csv")
        let out = path("missing-column.csv")
        let message = failure(scoreArguments(accounts: accounts, out: out))
        XCTAssertTrue(message.contains("balance"), message)
        XCTAssertTrue(message.contains("no-balance.csv"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testWrongModelVersionIsNamed() throws {
        var json = try String(contentsOfFile: Self.model, encoding: .utf8)
        json = json.replacingOccurrences(of: "\n  \"version\" : 2\n}", with: "\n  \"version\" : 3\n}")
        XCTAssertTrue(json.contains("\"version\" : 3"), "the fixture edit must hit the artifact's own version")
        let model = write(json, "v3.json")
        let message = failure(scoreArguments(model: model, out: path("v3-scores.csv")))
        XCTAssertTrue(message.contains("version 3"), message)
        XCTAssertTrue(message.contains("v3.json"), message)
        XCTAssertTrue(message.contains("--model"), message)
    }

    func testTruncatedAndForeignModelsAreRefused() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.model))
        let truncated = path("truncated.json")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        XCTAssertTrue(failure(scoreArguments(model: truncated, out: path("t.csv"))).contains("truncated.json"))
        XCTAssertThrowsError(try ModelArtifact.load(path: truncated)) { error in
            XCTAssertEqual((error as? ArtifactError)?.code, .malformed)
        }
        let foreign = write("{\"format\": \"something-else\", \"version\": 1}", "foreign.json")
        XCTAssertTrue(failure(scoreArguments(model: foreign, out: path("f.csv"))).contains("not an Arrears model"))
        let empty = write("", "empty.json")
        XCTAssertTrue(failure(scoreArguments(model: empty, out: path("e.csv"))).contains("empty"))
    }

    func testModelWithInconsistentDimensionsIsRefused() throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.model))) as! [String: Any]
        var cox = object["cox"] as! [String: Any]
        cox["baselineTimes"] = (cox["baselineTimes"] as! [Any]).dropLast().map { $0 }
        object["cox"] = cox
        let model = path("inconsistent.json")
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: model))
        let message = failure(scoreArguments(model: model, out: path("i.csv")))
        XCTAssertTrue(message.contains("baseline"), message)
    }

    func testFeatureMismatchBetweenModelAndPortfolioNamesTheColumn() {
        // The model uses the extra column months_on_book; this portfolio lacks it.
        let accounts = write("account_id,balance,days_past_due,product\nA1,100,5,card\n", "no-extra.csv")
        let out = path("mismatch.csv")
        let message = failure(scoreArguments(accounts: accounts, out: out))
        XCTAssertTrue(message.contains("months_on_book"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testUnwritableOutputIsNamedAndAPreviousFileSurvives() throws {
        let inMissingDirectory = path("no-such-dir/scores.csv")
        let message = failure(scoreArguments(out: inMissingDirectory))
        XCTAssertTrue(message.contains("--out"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: inMissingDirectory))

        let aDirectory = path("a-directory")
        try FileManager.default.createDirectory(atPath: aDirectory, withIntermediateDirectories: true)
        XCTAssertTrue(failure(scoreArguments(out: aDirectory)).contains("--out"))

        // A failing run leaves the previous output as it was.
        let previous = write("previous run\n", "previous.csv")
        _ = failure(scoreArguments(model: path("does-not-exist.json"), out: previous))
        XCTAssertEqual(try String(contentsOfFile: previous, encoding: .utf8), "previous run\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).filter { $0.contains(".tmp") }, [],
                       "no temporary files left behind")
    }

    func testTrainOnHeaderOnlyPaymentsDropsHistoryColumnsAndListsThem() throws {
        let payments = write("account_id,date,amount_due,amount_paid\n", "header-only.csv")
        let model = path("no-history.json")
        var train = try ArrearsCommand.parseAsRoot(
            ["train", "--accounts", path("a.csv"), "--payments", payments, "--as-of", "2026-01-01", "--holdout", "0",
             "--min-level-count", "1", "--l2", "1", "--cox-l2", "1", "--out", model, "--quiet"])
        try train.run()
        let artifact = try ModelArtifact.load(path: model)
        XCTAssertTrue(artifact.training.droppedConstantFeatures.contains("n_statements"))
        XCTAssertTrue(artifact.training.droppedConstantFeatures.contains("pay_ratio_6m"))
        XCTAssertFalse(artifact.features.names.contains("n_statements"))
        XCTAssertTrue(artifact.features.names.contains("log_balance"))
        XCTAssertTrue(artifact.summaryText().contains("dropped as constant: "))
    }

    func testRankAndScoreAccountForEveryInputRowWhenRowsAreRejected() throws {
        // Two bad account rows (negative balance, duplicate id) and one payment for an unknown account.
        let accounts = write(Self.accountsText + "A13,-5,3,card,4,30,1\nA1,10,1,card,2,30,1\n", "with-bad.csv")
        let payments = write(Self.paymentsText + "ZZ,2025-12-01,5,5\n", "with-bad-p.csv")
        // These accounts have no rule columns: the rules are switched off (RuleInputTests).
        let rulesOff = write("[contact_rules]\ncall_limit = false\nconversation_cooldown = false\n[hold_flags]\n"
                             + "bankruptcy = false\ncease_and_desist = false\ndispute = false\ndeceased = false\ntime_barred = false\n",
                             "rules-off.toml")
        var rank = try ArrearsCommand.parseAsRoot(
            ["rank", "--model", Self.model, "--accounts", accounts, "--payments", payments, "--as-of", "2026-01-01",
             "--policy", rulesOff, "--capacity", "3", "--out", path("rw.csv"), "--quiet"])
        try rank.run()
        let worklist = try String(contentsOfFile: path("rw.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let holds = try String(contentsOfFile: path("rw-holds.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(worklist.count, 3)
        XCTAssertEqual(worklist.count + holds.count, 14, "12 good + 2 rejected account rows")
        XCTAssertEqual(holds.filter { $0.hasPrefix("rejected,") }.count, 2)
        let rejects = try String(contentsOfFile: path("rw-rejects.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(rejects.count, 3, "both files' rejected rows: \(rejects)")

        var score = try ArrearsCommand.parseAsRoot(scoreArguments(accounts: accounts, payments: payments, out: path("sw.csv")))
        try score.run()
        let scored = try String(contentsOfFile: path("sw.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let scoreRejects = try String(contentsOfFile: path("sw-rejects.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(scored.count, 12)
        XCTAssertEqual(scoreRejects.filter { $0.contains("with-bad.csv") }.count, 2)
    }

    func testHorizonsBeyondTheFollowUpAreRefused() {
        let message = failure(["train", "--accounts", path("a.csv"), "--payments", path("p.csv"), "--as-of", "2026-01-01",
                               "--holdout", "0", "--horizons", "30,400", "--out", path("far.json"), "--quiet"])
        XCTAssertTrue(message.contains("--horizons") && message.contains("400") && message.contains("365"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("far.json")))
    }

    func testDevicesAndLinksAreNotReplacedByAnOutput() {
        let message = failure(scoreArguments(out: "/dev/null"))
        XCTAssertTrue(message.contains("--out") && message.contains("not a regular file"), message)
        var isCharacterDevice = stat()
        XCTAssertEqual(stat("/dev/null", &isCharacterDevice), 0)
        XCTAssertEqual(isCharacterDevice.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
    }

    func testADefaultRejectsFileFromAnEarlierRunIsRemovedWhenNothingIsRejected() throws {
        let stale = write("file,line,column,code,reason,account_id\nold,2,x,y,z,A\n", "fresh-rejects.csv")
        var score = try ArrearsCommand.parseAsRoot(scoreArguments(out: path("fresh.csv")))
        try score.run()
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "a stale rejects file would look like this run's")
    }

    func testEvaluateAndTrainWithNoValidAccountsNameTheFile() {
        let accounts = write("account_id,balance,days_past_due,product,months_on_book,days_to_recovery,recovered\nA1,-1,0,card,1,10,1\n",
                             "none-valid.csv")
        for command in ["evaluate", "train"] {
            var arguments = [command, "--accounts", accounts, "--payments", path("p.csv"), "--as-of", "2026-01-01", "--quiet"]
            arguments += command == "train" ? ["--out", path("none.json")] : ["--model", Self.model]
            let message = failure(arguments)
            XCTAssertTrue(message.contains("none-valid.csv") && message.contains("no valid accounts"), "\(command): \(message)")
        }
    }

    func testBadFlagsNameTheFlag() {
        let base = ["train", "--accounts", "a", "--payments", "p", "--as-of", "2026-01-01", "--out", "m.json"]
        for (extra, flag) in [(["--holdout", "1"], "--holdout"), (["--horizons", "90,30"], "--horizons"),
                              (["--ties", "exact"], "--ties"), (["--l2", "-1"], "--l2"), (["--horizon", "0"], "--horizon")] {
            XCTAssertThrowsError(try ArrearsCommand.parseAsRoot(base + extra)) { error in
                XCTAssertTrue(ArrearsCommand.message(for: error).contains(flag), "\(extra): \(ArrearsCommand.message(for: error))")
            }
        }
        XCTAssertThrowsError(try ArrearsCommand.parseAsRoot(
            ["rank", "--model", "m", "--accounts", "a", "--payments", "p", "--as-of", "2026-01-01", "--out", "-"])) { error in
            XCTAssertTrue(ArrearsCommand.message(for: error).contains("--holds"))
        }
    }
}
