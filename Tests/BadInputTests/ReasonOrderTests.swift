import ArrearsCLI
import Features
import Foundation
import PortfolioIO
import Scoring
import XCTest
import _TestSupport

/// Reasons (issue 14 item 3): reason_1..3 come largest pull first in the score output
/// and on the worklist, each says which way it pushes, and amounts read as the balance
/// column prints them. Reversing the order in either writer fails here.
final class ReasonOrderTests: XCTestCase {
    func testReasonsComeLargestPullFirstInScoresAndOnTheWorklist() throws {
        let work = makeTemporaryDirectory("reason-order")
        defer { try? FileManager.default.removeItem(at: work) }
        let (a, p) = TrainedModel.trainingPortfolio(accounts: 120, seed: 31)
        let accounts = work.appendingPathComponent("a.csv").path, payments = work.appendingPathComponent("p.csv").path
        FileManager.default.createFile(atPath: accounts, contents: Data(a.utf8))
        FileManager.default.createFile(atPath: payments, contents: Data(p.utf8))
        let scoresPath = work.appendingPathComponent("s.csv").path, worklistPath = work.appendingPathComponent("w.csv").path
        let common = ["--model", TrainedModel.path, "--accounts", accounts, "--payments", payments, "--as-of", "2026-01-01", "--quiet"]
        for arguments in [["score"] + common + ["--out", scoresPath],
                          ["rank"] + common + ["--policy", RulesOffPolicy.path, "--capacity", "60", "--out", worklistPath]] {
            var command = try ArrearsCommand.parseAsRoot(arguments)
            try command.run()
        }

        // Each account's pulls, from the model and the features.
        let artifact = try ModelArtifact.load(path: TrainedModel.path)
        let portfolio = try readPortfolio(accountsPath: accounts, paymentsPath: payments)
        let matrix = try artifact.features.apply(to: portfolio, asOf: CalendarDay("2026-01-01")!)
        let groups = ReasonGroups(artifact.features)
        let slopes = artifact.logistic!.slopes, means = artifact.logistic!.standardization.means
        func pull(_ i: Int, _ code: String) throws -> Double {
            let g = try XCTUnwrap(groups.codes.firstIndex(of: code), code)
            return groups.members[g].reduce(0) { $0 + slopes[$1] * (matrix[i, $1] - means[$1]) }
        }
        let row = Dictionary(uniqueKeysWithValues: portfolio.accounts.accountID.enumerated().map { ($1, $0) })

        let scores = try table(scoresPath)
        var textsByAccount: [String: [String]] = [:]
        var checked = 0
        for r in scores.rows {
            let id = r[scores.column["account_id"]!], i = try XCTUnwrap(row[id])
            let codes = (1...3).map { r[scores.column["reason_\($0)"]!] }.filter { !$0.isEmpty }
            let texts = (1...3).map { r[scores.column["reason_\($0)_text"]!] }
            let pulls = try codes.map { try pull(i, $0) }
            XCTAssertEqual(pulls.map(abs), pulls.map(abs).sorted(by: >), "\(id): reasons not largest pull first: \(codes)")
            for (k, value) in pulls.enumerated() {
                XCTAssertTrue(texts[k].hasSuffix(value > 0 ? ": raises the recovery odds" : ": lowers the recovery odds"),
                              "\(id): '\(texts[k])' with pull \(value)")
            }
            if codes.count == 3 && abs(pulls[0]) > abs(pulls[2]) { checked += 1 }
            textsByAccount[id] = texts
        }
        XCTAssertGreaterThan(checked, 50, "most accounts have three reasons of different size")

        let worklist = try table(worklistPath)
        XCTAssertEqual(worklist.rows.count, 60)
        for r in worklist.rows {
            let id = r[worklist.column["account_id"]!]
            let texts = (1...3).map { r[worklist.column["reason_\($0)"]!] }
            XCTAssertEqual(texts, textsByAccount[id], "\(id): the worklist's reasons differ from the score output's, in order")
            // The reason's amount is the balance column's figure, to the cent.
            let balance = r[worklist.column["balance"]!]
            for t in texts where t.hasPrefix("balance is high (") || t.hasPrefix("balance is low (") || t.hasPrefix("balance is typical (") {
                XCTAssertTrue(t.contains("(\(balance))"), "\(id): '\(t)' vs balance \(balance)")
            }
        }
    }

    /// A CSV file's header → column index and its data rows.
    private func table(_ path: String) throws -> (column: [String: Int], rows: [[String]]) {
        let reader = try CSVReader(path: path)
        _ = try reader.next()
        let header = reader.strings()
        var rows: [[String]] = []
        while try reader.next() != .end { rows.append(reader.strings()) }
        return (Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) }), rows)
    }
}
