import ArgumentParser
import ArrearsCLI
import Foundation
import Scoring
import XCTest
import _TestSupport

/// `arrears report` on the data/ sample with the shipped model: every section of issue 10,
/// byte-identical reruns, self-contained HTML; the default (holdout) mode; an unlabelled
/// portfolio; and bad input that stops with one message and leaves nothing at --out.
final class ReportCommandTests: XCTestCase {
    nonisolated(unsafe) static var dir: URL!
    /// The data/ sample's report with a policy and capacity 200, rendered once.
    nonisolated(unsafe) static var sampleHTML = ""
    nonisolated(unsafe) static var setupError: String?

    static let root = repositoryRoot()
    static var modelPath: String { root.appendingPathComponent("models/arrears-model.json").path }
    static var accountsPath: String { root.appendingPathComponent("data/accounts.csv").path }
    static var paymentsPath: String { root.appendingPathComponent("data/payments.csv").path }
    static var policyPath: String { root.appendingPathComponent("policies/example-policy.toml").path }
    static var sampleArguments: [String] {
        ["report", "--model", modelPath, "--accounts", accountsPath, "--payments", paymentsPath,
         "--as-of", "2026-01-01", "--policy", policyPath, "--capacity", "200", "--quiet"]
    }

    override class func setUp() {
        super.setUp()
        dir = makeTemporaryDirectory("report-cli")
        let out = dir.appendingPathComponent("sample.html").path
        do {
            var command = try ArrearsCommand.parseAsRoot(sampleArguments + ["--out", out])
            try command.run()
            sampleHTML = try String(contentsOfFile: out, encoding: .utf8)
        } catch {
            setupError = "\(error)"
        }
    }

    override func setUpWithError() throws {
        if let error = Self.setupError { XCTFail("rendering the data/ sample failed: \(error)") }
    }

    func path(_ name: String) -> String { Self.dir.appendingPathComponent(name).path }

    /// Runs `arrears <arguments>` in-process.
    func run(_ arguments: [String]) throws {
        var command = try ArrearsCommand.parseAsRoot(arguments)
        try command.run()
    }

    /// Runs a command expecting failure; returns the message the user would see.
    func failure(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try run(arguments)
            XCTFail("expected the report to fail", file: file, line: line)
            return ""
        } catch {
            return ArrearsCommand.message(for: error)
        }
    }

    // MARK: - The data/ sample

    func testDataSampleReportHasEverySectionOfIssue10() throws {
        let html = Self.sampleHTML
        XCTAssertEqual(sectionIDs(html), ["summary", "roc", "ks", "gains", "calibration", "recovery", "ph", "stability", "worklist",
                                  "coefficients"])
        for id in sectionIDs(html) {
            XCTAssertEqual(occurrences("<section id=\"\(id)\">", in: html), 1, "section \(id)")
        }
        // ROC, KS, gains, lift, calibration, recovery, two PH residual plots, score histogram.
        XCTAssertEqual(occurrences("<svg", in: html), 9)
        XCTAssertEqual(occurrences("</svg>", in: html), 9)
        for table in ["logistic-coefficients", "cox-coefficients", "gains-table", "calibration-table", "recovery-table",
                      "psi-table", "worklist-table"] {
            XCTAssertEqual(occurrences("<table id=\"\(table)\">", in: html), 1, table)
        }
    }

    func testCoefficientTablesHaveOneRowPerCoefficient() throws {
        let model = try ModelArtifact.load(path: Self.modelPath)
        let html = Self.sampleHTML
        XCTAssertEqual(bodyRows(of: "logistic-coefficients", in: html), model.logistic!.coefficients.count)
        XCTAssertEqual(bodyRows(of: "cox-coefficients", in: html), model.cox!.coefficients.count)
        XCTAssertTrue(html.contains("<td>(intercept)</td>"))
        for c in model.cox!.coefficients { XCTAssertTrue(html.contains("<td>\(escaped(c.name))</td>"), c.name) }
    }

    /// data/ is the model's own training data, so the report shows its holdout and the
    /// AUC is the one `train` stored for the holdout.
    func testValidationIsOnTheHoldoutAndReproducesTheStoredAUC() throws {
        let model = try ModelArtifact.load(path: Self.modelPath)
        let holdout = try XCTUnwrap(model.training.holdout?.logistic)
        let html = Self.sampleHTML
        XCTAssertTrue(html.contains("<dt>Holdout AUC</dt><dd>\(String(format: "%.3f", holdout.auc))</dd>"))
        XCTAssertTrue(html.contains("<td>AUC</td><td class=\"num\">\(String(format: "%.4f", holdout.auc))</td>"))
        XCTAssertTrue(html.contains("Hosmer–Lemeshow χ² = "))
        XCTAssertTrue(html.contains("Data: holdout: \(thin(holdout.count)) accounts with a label at day 90"))
        XCTAssertTrue(html.contains("Q5 (highest score)"))
    }

    func testStabilityShowsPSIAgainstTheStoredTrainingDistribution() throws {
        let html = Self.sampleHTML
        let verdict = try XCTUnwrap(firstMatch(#"PSI = (\d+\.\d{4}): "#, in: html))
        let psi = try XCTUnwrap(Double(verdict))
        XCTAssertLessThan(psi, 0.1, "the holdout is drawn from the training population")
        XCTAssertTrue(html.contains("<dt>PSI vs training</dt><dd>\(verdict)</dd>"))
        XCTAssertTrue(html.contains("Training (n = 4\u{2009}000)"))
        XCTAssertTrue(html.contains("Holdout (n = 1\u{2009}000)"))
        XCTAssertEqual(bodyRows(of: "psi-table", in: html), 10)
    }

    func testWorklistClassCountsAddUpToTheAccountsFile() throws {
        let html = Self.sampleHTML
        XCTAssertTrue(html.contains("<tr><td>worklist</td><td class=\"num\">200</td>"))
        var total = 0
        for name in ["worklist", "deferred", "not worth pursuing", "do not contact", "rejected"] {
            let count = try XCTUnwrap(firstMatch("<tr><td>\(name)</td><td class=\"num\">([0-9\u{2009}]+)</td>", in: html), name)
            total += Int(count.replacingOccurrences(of: "\u{2009}", with: ""))!
        }
        XCTAssertEqual(total, 5_000)
        XCTAssertTrue(html.contains("<tfoot><tr><td>Total</td><td class=\"num\">5\u{2009}000</td>"))
    }

    func testRenderedTwiceIsByteIdentical() throws {
        let out = path("again.html")
        try run(Self.sampleArguments + ["--out", out])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), Data(Self.sampleHTML.utf8))
    }

    func testPageIsSelfContained() {
        let html = Self.sampleHTML
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        for forbidden in ["http:", "https:", "<script", "src=", "url(", "@import", "<link", "<iframe"] {
            XCTAssertFalse(html.lowercased().contains(forbidden), forbidden)
        }
    }

    // MARK: - Without a portfolio

    /// No --accounts/--payments/--as-of: the training files are re-read (hash-checked)
    /// and the holdout drawn again, giving the same validation as the explicit run.
    func testWithoutAPortfolioReportsTheHoldoutOfTheTrainingFiles() throws {
        let model = try modelWithInputs(accounts: Self.accountsPath, payments: Self.paymentsPath, name: "abs-model.json")
        let out = path("default.html")
        try run(["report", "--model", model, "--out", out, "--quiet"])
        let html = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(sectionIDs(html), ["summary", "roc", "ks", "gains", "calibration", "recovery", "ph", "stability", "coefficients"])
        XCTAssertTrue(html.contains("SHA-256 verified"))
        // Issue 19: the proportional-hazards check (with its warning on data/), the
        // time-dependent accuracy and the consistency of the two models on the holdout.
        let shipped = try ModelArtifact.load(path: model)
        let ph = try XCTUnwrap(shipped.training.proportionalHazards)
        XCTAssertTrue(html.contains("Proportional-hazards check"), "PH sentence")
        XCTAssertTrue(html.contains("months_since_payment (p 0.006)"), "the violating feature is named")
        XCTAssertFalse(ph.violations().isEmpty)
        XCTAssertTrue(html.contains("Uno"), "Uno's C key figure")
        let td = try XCTUnwrap(shipped.training.holdout?.timeDependent)
        XCTAssertTrue(html.contains(String(format: "180 days %.3f", td.auc[3])), "AUC(180) of the holdout")
        let worst = try XCTUnwrap(shipped.training.holdout?.consistency?.worst.first)
        XCTAssertTrue(html.contains("Models disagree most") && html.contains(worst.accountID))
        let plotted = ph.features.sorted { $0.pValue < $1.pValue }.prefix(2).map(\.name)
        let phSection = try XCTUnwrap(section("ph", in: html))
        for name in plotted { XCTAssertTrue(phSection.contains("Scaled Schoenfeld residuals of \(name)"), name) }
        for id in ["roc", "calibration", "recovery", "stability"] {
            XCTAssertEqual(section(id, in: html), section(id, in: Self.sampleHTML), "section \(id) as in the explicit run")
        }
    }

    func testChangedTrainingFileStopsAndNamesIt() throws {
        let copy = path("accounts-changed.csv")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.accountsPath))
        let model = try modelWithInputs(accounts: copy, payments: Self.paymentsPath, name: "changed-model.json")
        bytes.append(contentsOf: Array("\n".utf8))
        try bytes.write(to: URL(fileURLWithPath: copy))
        let out = path("changed.html")
        let message = failure(["report", "--model", model, "--out", out])
        XCTAssertTrue(message.hasPrefix(copy + ": the accounts file has changed since"), message)
        XCTAssertTrue(message.contains("--accounts, --payments and --as-of"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testMissingTrainingFileStopsAndNamesIt() throws {
        let gone = path("no-such-accounts.csv")
        let model = try modelWithInputs(accounts: gone, payments: Self.paymentsPath, name: "gone-model.json")
        let out = path("gone.html")
        let message = failure(["report", "--model", model, "--out", out])
        XCTAssertTrue(message.hasPrefix(gone + ": the accounts file"), message)
        XCTAssertTrue(message.contains("is missing"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    // MARK: - An unlabelled portfolio

    func testUnlabelledPortfolioLeavesOutTheLabelSectionsWithANote() throws {
        let (accounts, payments) = try unlabelledPortfolio(accounts: 300)
        let out = path("unlabelled.html")
        try run(["report", "--model", Self.modelPath, "--accounts", accounts, "--payments", payments,
                 "--as-of", "2026-01-01", "--capacity", "50", "--out", out, "--quiet"])
        let html = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(sectionIDs(html), ["summary", "stability", "worklist", "coefficients"])
        XCTAssertTrue(html.contains("<p class=\"note\">The accounts file has no labels"))
        XCTAssertEqual(occurrences("<svg", in: html), 1)
        XCTAssertTrue(html.contains("Portfolio (n = 300)"))
        XCTAssertNotNil(firstMatch(#"PSI = (\d+\.\d{4}): "#, in: html))
        XCTAssertTrue(html.contains("<tr><td>worklist</td><td class=\"num\">50</td>"))
        XCTAssertTrue(html.contains("<tfoot><tr><td>Total</td><td class=\"num\">300</td>"))
    }

    // MARK: - Bad input

    func testMissingModelStopsWithOneMessageAndNoOutput() {
        let out = path("no-model.html")
        let message = failure(["report", "--model", path("nope.json"), "--out", out])
        XCTAssertTrue(message.hasPrefix("--model: "), message)
        XCTAssertTrue(message.contains("nope.json"), message)
        XCTAssertFalse(message.contains("\n"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testUnwritableOutStopsBeforeAnyWork() {
        let out = path("no-such-dir/report.html")
        let message = failure(["report", "--model", Self.modelPath, "--out", out])
        XCTAssertTrue(message.hasPrefix("--out: cannot write"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let directory = failure(["report", "--model", Self.modelPath, "--out", Self.dir.path])
        XCTAssertTrue(directory.contains("it is a directory"), directory)
    }

    func testPortfolioFlagsGoTogether() {
        let message = failure(["report", "--model", Self.modelPath, "--accounts", Self.accountsPath, "--out", path("x.html")])
        XCTAssertTrue(message.contains("--accounts, --payments and --as-of go together"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.html")))
    }

    // MARK: - Helpers

    /// The shipped model with its recorded training inputs pointing at `accounts` and
    /// `payments` (absolute paths, so the test does not depend on the working directory).
    func modelWithInputs(accounts: String, payments: String, name: String) throws -> String {
        var model = try ModelArtifact.load(path: Self.modelPath)
        model.training.inputs = model.training.inputs.map { input in
            var i = input
            i.path = i.role == "accounts" ? accounts : payments
            return i
        }
        try model.write(to: path(name))
        return path(name)
    }

    /// The first `count` accounts of data/ without the label columns, and their payments.
    func unlabelledPortfolio(accounts count: Int) throws -> (String, String) {
        let accountLines = try String(contentsOfFile: Self.accountsPath, encoding: .utf8).split(separator: "\n")
        let header = accountLines[0].split(separator: ",", omittingEmptySubsequences: false)
        let keep = header.indices.filter { !["days_to_recovery", "recovered"].contains(String(header[$0])) }
        var ids = Set<Substring>()
        var text = ""
        for line in accountLines.prefix(count + 1) {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            text += keep.map { String(cells[$0]) }.joined(separator: ",") + "\n"
            ids.insert(cells[0])
        }
        let paymentLines = try String(contentsOfFile: Self.paymentsPath, encoding: .utf8).split(separator: "\n")
        var payments = String(paymentLines[0]) + "\n"
        for line in paymentLines.dropFirst() where ids.contains(line.prefix { $0 != "," }) { payments += line + "\n" }
        try text.write(toFile: path("u-accounts.csv"), atomically: true, encoding: .utf8)
        try payments.write(toFile: path("u-payments.csv"), atomically: true, encoding: .utf8)
        return (path("u-accounts.csv"), path("u-payments.csv"))
    }

    func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Body rows of the table with this id.
    func bodyRows(of table: String, in html: String) -> Int {
        guard let start = html.range(of: "<table id=\"\(table)\">"),
              let body = html.range(of: "<tbody>", range: start.upperBound..<html.endIndex),
              let end = html.range(of: "</tbody>", range: body.upperBound..<html.endIndex) else { return -1 }
        return occurrences("<tr>", in: String(html[body.upperBound..<end.lowerBound]))
    }

    /// The ids of the page's sections, in order.
    func sectionIDs(_ html: String) -> [String] {
        html.components(separatedBy: "<section id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// One section's markup.
    func section(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "<section id=\"\(id)\">"),
              let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// The first capture group of `pattern` in `text`.
    func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let r = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[r])
    }

    /// An integer as the report prints it (thin-space thousands separators).
    func thin(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out += "\u{2009}" }
            out.append(c)
        }
        return out
    }

    /// Text as the page escapes it.
    func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
