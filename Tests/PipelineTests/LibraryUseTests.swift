import Foundation
import LinearAlgebra
import Pipeline
import PortfolioGenerator
import PortfolioIO
import Prioritizer
import Scoring
import Training
import XCTest
import _TestSupport

/// The library as a Swift user meets it (DESIGN §14): the README's snippet, run as written,
/// and the guarantees a long-running caller needs.
final class LibraryUseTests: XCTestCase {
    /// The README's "Using Arrears from Swift" snippet, verbatim between the markers
    /// (`testReadmeShowsThisSnippet` checks that the README holds the same lines).
    func readmeSnippet(root: URL, out: URL) throws -> ClassCounts {
        FileManager.default.changeCurrentDirectoryPath(root.path)
        // README snippet begins
        let model = try ModelArtifact.load(path: "models/arrears-model.json")
        let portfolio = try Pipeline.read(.files(accounts: "data/accounts.csv", payments: "data/payments.csv"))
        let scored = try Pipeline.score(portfolio, with: model, asOf: CalendarDay("2026-01-01")!, reasons: false)
        let ranked = try Pipeline.rank(scored, policy: try Policy.load(path: "policies/example-policy.toml"), capacity: 200)
        try OutputSet([
            .init(path: out.appendingPathComponent("worklist.csv").path, role: "worklist", bytes: ranked.worklistBytes(format: .csv)),
            .init(path: out.appendingPathComponent("holds.csv").path, role: "holds", bytes: ranked.holdsBytes(format: .csv)),
        ]).commit()
        print(ranked.counts)
        // README snippet ends
        return ranked.counts
    }

    func testReadmeSnippetRanksTheBundledPortfolioAsTheCLIDoes() throws {
        let root = repositoryRoot()
        let before = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(before) }
        let out = makeTemporaryDirectory()
        let counts = try readmeSnippet(root: root, out: out)
        XCTAssertEqual(counts.total, 5000)
        XCTAssertEqual(counts.worklist, 200)
        let worklist = try String(contentsOf: out.appendingPathComponent("worklist.csv"), encoding: .utf8)
        XCTAssertEqual(worklist.split(separator: "\n").count, 201)
        XCTAssertTrue(worklist.hasPrefix("rank,account_id,balance,p_recover"))
        let holds = try String(contentsOf: out.appendingPathComponent("holds.csv"), encoding: .utf8)
        XCTAssertEqual(holds.split(separator: "\n").count, 4801)
    }

    func testReadmeShowsThisSnippet() throws {
        let root = repositoryRoot()
        let test = try String(contentsOf: root.appendingPathComponent("Tests/PipelineTests/LibraryUseTests.swift"), encoding: .utf8)
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = test.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex { $0.contains("README snippet begins") })
        let end = try XCTUnwrap(lines.firstIndex { $0.contains("README snippet ends") })
        for line in lines[(start + 1)..<end] {
            let code = line.trimmingCharacters(in: .whitespaces)
            guard !code.isEmpty, !code.contains("out.appendingPathComponent") else { continue }
            XCTAssertTrue(readme.contains(code), "the README's snippet lacks: \(code)")
        }
    }

    /// Two fits at once in one process give the same bytes as one alone: the BLAS thread
    /// count is a property of each fit's scope, not a global that one fit resets under
    /// the other.
    func testTwoConcurrentFitsGiveTheBytesOfOneAlone() throws {
        let dir = makeTemporaryDirectory()
        _ = try PortfolioGenerator(GeneratorConfig(accounts: 3000, seed: 11)).write(toDirectory: dir.path)
        let source = PortfolioSource.files(accounts: dir.appendingPathComponent("accounts.csv").path,
                                           payments: dir.appendingPathComponent("payments.csv").path)
        let options = TrainingOptions(trainedAt: "2026-12-01")
        let asOf = CalendarDay("2026-01-01")!
        @Sendable func fit() throws -> [UInt8] {
            var run = try Pipeline.train(source, asOf: asOf, options: options)
            run.result.artifact.training.inputs = []
            return try run.artifact.encoded()
        }
        let alone = try fit()
        let previous = BLASThreads.current
        BLASThreads.set(2)       // what a server would have: both cores for BLAS elsewhere
        defer { BLASThreads.set(previous) }
        nonisolated(unsafe) var results: [[UInt8]?] = [nil, nil, nil, nil]
        DispatchQueue.concurrentPerform(iterations: 4) { k in results[k] = try? fit() }
        for (k, bytes) in results.enumerated() { XCTAssertEqual(bytes, alone, "concurrent fit \(k)") }
        XCTAssertEqual(BLASThreads.current, 2)
    }

    /// A value a user can supply reaches the library as a thrown error naming it, never a trap.
    func testUserValuesAreThrownErrors() throws {
        let model = try ModelArtifact.load(path: repositoryRoot().appendingPathComponent("models/arrears-model.json").path)
        let portfolio = try Pipeline.read(.bytes(accounts: Array("account_id,balance,days_past_due\nA,10,0\n".utf8),
                                                 payments: Array("account_id,date,amount_due,amount_paid\n".utf8)))
        XCTAssertThrowsError(try Pipeline.score(portfolio, with: model, asOf: CalendarDay("2026-01-01")!)) { error in
            XCTAssertEqual((error as? PipelineError)?.code, .features)
        }
        var bad = TrainingOptions()
        for change in [{ (o: inout TrainingOptions) in o.horizonDays = 0 }, { $0.logisticL2 = -1 }, { $0.coxL2 = .nan },
                       { $0.holdoutFraction = 1 }, { $0.predictionHorizons = [90, 30] }, { $0.scoreScaling.pointsToDoubleOdds = 0 }] {
            bad = TrainingOptions()
            change(&bad)
            XCTAssertThrowsError(try bad.validate()) { error in
                XCTAssertEqual((error as? TrainingError)?.code, .invalidOption)
                XCTAssertNotNil((error as? TrainingError)?.option)
            }
        }
        let root = repositoryRoot()
        let data = try Pipeline.read(.files(accounts: root.appendingPathComponent("data/accounts.csv").path,
                                            payments: root.appendingPathComponent("data/payments.csv").path))
        let scored = try Pipeline.score(data, with: model, asOf: CalendarDay("2026-01-01")!, reasons: false)
        for capacity in [0, -5] {
            XCTAssertThrowsError(try Pipeline.rank(scored, policy: Policy(), capacity: capacity)) { error in
                XCTAssertEqual(((error as? PipelineError)?.cause as? PrioritizerError)?.code, .invalidCapacity)
            }
        }
    }
}
