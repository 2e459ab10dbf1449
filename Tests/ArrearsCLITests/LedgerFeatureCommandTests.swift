import ArrearsCLI
import Foundation
import XCTest
import _TestSupport

/// `train --ledger`, then `score`/`rank` with and without it (issue 16 item 5): the
/// ledger features as of the as-of day only.
final class LedgerFeatureCommandTests: BundledPortfolioTestCase {
    nonisolated(unsafe) static var ledger: String!

    override class func setUp() {
        super.setUp()
        ledger = dir.appendingPathComponent("features.db").path
        let data = repositoryRoot().appendingPathComponent("data")
        var commands = [["ledger", "init", "--ledger", ledger!]]
        for (kind, file) in [("accounts", "contact_points"), ("contacts", "contacts"), ("promises", "promises")] {
            commands.append(["ledger", "import", kind, data.appendingPathComponent("\(file).csv").path, "--ledger", ledger!])
        }
        for arguments in commands {
            do {
                var command = try ArrearsCommand.parseAsRoot(arguments)
                try command.run()
            } catch {
                XCTFail("\(arguments): \(error)")
            }
        }
    }

    private func coefficients(_ model: String) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any]
        return json ?? [:]
    }

    private func featureNames(_ model: String) throws -> [String] {
        let json = try coefficients(model)
        let features = (json["features"] as? [String: Any])?["columns"] as? [[String: Any]] ?? []
        return features.compactMap { $0["name"] as? String }
    }

    func testTrainWithTheLedgerFitsItsFeaturesAndAFutureEventChangesNothing() throws {
        let before = path("ledger-model-1.json")
        try run(["train"] + portfolio + ["--ledger", Self.ledger, "--out", before, "--quiet"])
        let names = try featureNames(before)
        for feature in ["promise_kept_rate", "contacts_30d", "right_party_contacts_30d", "days_since_conversation",
                        "broken_promises_90d"] {
            XCTAssertTrue(names.contains(feature), "\(feature) not among \(names)")
        }
        // The same run without the ledger has none of them.
        let plain = path("plain-model.json")
        try run(["train"] + portfolio + ["--out", plain, "--quiet"])
        XCTAssertFalse(try featureNames(plain).contains("contacts_30d"))

        // A right-party conversation the day after the as-of: not visible to a run as of
        // 2026-01-01, so the model is the same, byte for byte.
        let copy = path("features-future.db")
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: Self.ledger, toPath: copy)
        for at in ["2026-01-02T15:00:00Z", "2026-01-03T15:00:00Z"] {
            try run(["ledger", "log", "--account", "A0000001", "--at", at, "--channel", "call",
                     "--outcome", "right_party", "--ledger", copy])
        }
        let after = path("ledger-model-2.json")
        try run(["train"] + portfolio + ["--ledger", copy, "--out", after, "--quiet"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: before)), try Data(contentsOf: URL(fileURLWithPath: after)))

        // The same events dated on the as-of day do count: the model changes.
        let present = path("features-present.db")
        try? FileManager.default.removeItem(atPath: present)
        try FileManager.default.copyItem(atPath: Self.ledger, toPath: present)
        for id in ["A0000001", "A0000002", "A0000003", "A0000004"] {
            try run(["ledger", "log", "--account", id, "--at", "2026-01-01T15:00:00Z", "--channel", "call",
                     "--outcome", "right_party", "--ledger", present])
        }
        let changed = path("ledger-model-3.json")
        try run(["train"] + portfolio + ["--ledger", present, "--out", changed, "--quiet"])
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: before)), try Data(contentsOf: URL(fileURLWithPath: changed)))
    }

    func testScoreAndRankNeedTheLedgerExactlyWhenTheModelUsesIt() throws {
        let model = path("ledger-model-score.json")
        try run(["train"] + portfolio + ["--ledger", Self.ledger, "--out", model, "--quiet"])
        let message = failure(["score", "--model", model] + portfolio + ["--out", path("no-ledger.csv"), "--quiet"])
        XCTAssertTrue(message.contains("--ledger"), message)
        XCTAssertTrue(message.contains("contacts_30d"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("no-ledger.csv")))
        let rankMessage = failure(["rank", "--model", model] + portfolio + ["--out", path("no-ledger-w.csv"), "--quiet"])
        XCTAssertTrue(rankMessage.contains("--ledger"), rankMessage)

        let scores = path("ledger-scores.csv")
        try run(["score", "--model", model] + portfolio + ["--ledger", Self.ledger, "--out", scores, "--quiet"])
        let lines = try String(contentsOfFile: scores, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 5001)
        let worklist = path("ledger-worklist.csv")
        try run(["rank", "--model", model] + portfolio + ["--ledger", Self.ledger, "--capacity", "50", "--out", worklist, "--quiet"])
        XCTAssertEqual(try String(contentsOfFile: worklist, encoding: .utf8).split(separator: "\n").count, 51)

        // A model without ledger features scores the same with or without --ledger.
        let plain = path("plain-model-score.json")
        try run(["train"] + portfolio + ["--out", plain, "--quiet"])
        let a = path("plain-a.csv"), b = path("plain-b.csv")
        try run(["score", "--model", plain] + portfolio + ["--out", a, "--quiet"])
        try run(["score", "--model", plain] + portfolio + ["--ledger", Self.ledger, "--out", b, "--quiet"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
    }

    func testAnAccountsColumnNamedLikeALedgerFeatureIsRefused() throws {
        let accounts = try String(contentsOfFile: Self.accounts, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var text = accounts[0] + ",contacts_30d\n"
        for line in accounts.dropFirst() where !line.isEmpty { text += line + ",1\n" }
        let clashing = path("accounts-clash.csv")
        try text.write(toFile: clashing, atomically: true, encoding: .utf8)
        let message = failure(["train", "--accounts", clashing, "--payments", Self.payments, "--as-of", "2026-01-01",
                               "--ledger", Self.ledger, "--out", path("clash.json"), "--quiet"])
        XCTAssertTrue(message.contains("contacts_30d"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("clash.json")))
    }
}
