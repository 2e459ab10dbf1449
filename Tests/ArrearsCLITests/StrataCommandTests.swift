import ArgumentParser
import ArrearsCLI
import Foundation
import XCTest
import _TestSupport

/// `arrears train --strata product` end to end: the artifact holds one baseline per
/// product, `score` uses it, a product not seen in training and a bad --strata are
/// refused with the flag, the column and the level named.
final class StrataCommandTests: BundledPortfolioTestCase {

    func testTrainWithStrataThenScoreUsesEachProductsBaseline() throws {
        let model = path("strata-model.json"), scores = path("scores.csv")
        try run(["train"] + portfolio + ["--strata", "product", "--out", model, "--quiet"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any])
        let strata = try XCTUnwrap(json["strata"] as? [String: Any])
        XCTAssertEqual(strata["column"] as? String, "product")
        let levels = try XCTUnwrap(strata["levels"] as? [String])
        XCTAssertGreaterThan(levels.count, 1)
        let cox = try XCTUnwrap(json["cox"] as? [String: Any])
        XCTAssertEqual((cox["stratumBaselines"] as? [Any])?.count, levels.count)
        try run(["score", "--model", model] + portfolio + ["--out", scores, "--quiet"])
        let lines = try String(contentsOfFile: scores, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 100)

        // The report's Cox table has no product rows (product chooses the baseline).
        let report = path("report.html")
        try run(["report", "--model", model] + portfolio + ["--out", report, "--quiet"])
        let html = try String(contentsOfFile: report, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "product=card</td>").count - 1, 1, "in the logistic table only")

        // A product the model never saw: refused, naming the level and the column.
        var text = try String(contentsOfFile: Self.accounts, encoding: .utf8)
        let header = text.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
        let productColumn = try XCTUnwrap(header.firstIndex(of: "product"))
        var rows = text.split(separator: "\n").map(String.init)
        var cells = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[productColumn] = "boat_loan"
        rows[1] = cells.joined(separator: ",")
        text = rows.joined(separator: "\n") + "\n"
        let unseen = path("unseen-accounts.csv")
        try text.write(toFile: unseen, atomically: true, encoding: .utf8)
        let message = failure(["score", "--model", model, "--accounts", unseen, "--payments", Self.payments,
                               "--as-of", "2026-01-01", "--out", path("unseen.csv"), "--quiet"])
        XCTAssertTrue(message.contains("the product level 'boat_loan'") && message.contains("not seen in training")
                      && message.contains("without --strata"), message)
    }

    func testBadStrataFlagsAreNamed() {
        let missing = failure(["train"] + portfolio + ["--strata", "segment", "--out", path("m1.json"), "--quiet"])
        XCTAssertTrue(missing.contains("--strata") && missing.contains("'segment' is not a text column"), missing)
        let logistic = failure(["train"] + portfolio + ["--strata", "product", "--models", "logistic", "--out", path("m2.json"), "--quiet"])
        XCTAssertTrue(logistic.contains("--strata") && logistic.contains("--models logistic fits no Cox model"), logistic)
    }

    func testHelpExplainsStrataAndUnseenLevels() {
        let help = Train.helpMessage().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(help.contains("--strata <column>"), help)
        XCTAssertTrue(help.contains("strata(product)"), help)
        XCTAssertTrue(help.contains("refuses a level"), help)
    }
}
