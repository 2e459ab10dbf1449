import XCTest
import Foundation
import PortfolioIO
import _TestSupport
@testable import PortfolioGenerator

final class DeterminismTests: XCTestCase {
    func testSameSeedGivesByteIdenticalFiles() throws {
        let a = try GeneratedSample(accounts: 400, seed: 7)
        let b = try GeneratedSample(accounts: 400, seed: 7)
        XCTAssertEqual(a.accountsBytes, b.accountsBytes)
        XCTAssertEqual(a.paymentsBytes, b.paymentsBytes)
        XCTAssertEqual(a.summary, b.summary)
    }

    func testDifferentSeedOrAsOfGivesDifferentFiles() throws {
        let a = try GeneratedSample(accounts: 400, seed: 7)
        let b = try GeneratedSample(accounts: 400, seed: 8)
        let c = try GeneratedSample(accounts: 400, seed: 7, asOf: CalendarDay("2025-06-15")!)
        XCTAssertNotEqual(a.accountsBytes, b.accountsBytes)
        XCTAssertNotEqual(a.paymentsBytes, b.paymentsBytes)
        XCTAssertNotEqual(a.paymentsBytes, c.paymentsBytes)
        // Seeds 7 and 8 must not give the same rows shifted by one account.
        XCTAssertNotEqual(Array(a.accountRows[1...].map { $0.dropFirst() }),
                          Array(b.accountRows.dropLast().map { $0.dropFirst() }))
    }

    func testBufferSizeDoesNotChangeTheBytes() throws {
        let big = try GeneratedSample(accounts: 300, seed: 11)
        let small = try GeneratedSample(accounts: 300, seed: 11, bufferSize: 4096)
        XCTAssertEqual(big.accountsBytes, small.accountsBytes)
        XCTAssertEqual(big.paymentsBytes, small.paymentsBytes)
        XCTAssertGreaterThan(big.paymentsBytes.count, 4 * 4096, "the small buffer must have flushed several times")
    }

    /// A prefix of a portfolio is the smaller portfolio: account i depends only on (seed, i).
    func testAccountsDependOnlyOnSeedAndIndex() throws {
        let large = try GeneratedSample(accounts: 300, seed: 5)
        let small = try GeneratedSample(accounts: 120, seed: 5)
        XCTAssertEqual(Array(large.accountRows.prefix(120)), small.accountRows)
        let generator = PortfolioGenerator(GeneratorConfig(accounts: 300, seed: 5))
        XCTAssertEqual(generator.account(250), generator.account(250))
        XCTAssertEqual(generator.accountID(250), large.accountRows[250][0])
    }

    /// Pins the exact bytes of a small portfolio, so a change to the streams, the model
    /// or the formatting (which would change the committed data/) cannot pass unnoticed.
    /// After an intended change, update the literals and regenerate data/.
    func testOutputIsPinned() throws {
        let sample = try GeneratedSample(accounts: 200, seed: 2026)
        XCTAssertEqual(fnv1a(sample.accountsBytes), Self.pinnedAccounts, String(fnv1a(sample.accountsBytes), radix: 16))
        XCTAssertEqual(fnv1a(sample.paymentsBytes), Self.pinnedPayments, String(fnv1a(sample.paymentsBytes), radix: 16))
    }
    static let pinnedAccounts: UInt64 = 0x1ba5_ddda_b082_c92e
    static let pinnedPayments: UInt64 = 0xa849_0a07_2984_d79d

    /// The committed sample in data/ is exactly `arrears generate --accounts 5000 --seed 2026`.
    func testCommittedSampleMatchesTheGenerator() throws {
        let data = repositoryRoot().appendingPathComponent("data")
        let accounts = try Data(contentsOf: data.appendingPathComponent("accounts.csv"))
        let payments = try Data(contentsOf: data.appendingPathComponent("payments.csv"))
        let sample = try GeneratedSample(accounts: 5000, seed: 2026)
        XCTAssertTrue(Array(accounts) == sample.accountsBytes, "data/accounts.csv differs from the generator's output; regenerate it")
        XCTAssertTrue(Array(payments) == sample.paymentsBytes, "data/payments.csv differs from the generator's output; regenerate it")
    }

    func testWriteToDirectoryMatchesSinksAndLeavesNoTemporaryFiles() throws {
        let dir = makeTemporaryDirectory("arrears-generate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let generator = PortfolioGenerator(GeneratorConfig(accounts: 150, seed: 3))
        let summary = try generator.write(toDirectory: dir.path)
        let sample = try GeneratedSample(accounts: 150, seed: 3)
        XCTAssertEqual(summary, sample.summary)
        XCTAssertEqual(Array(try Data(contentsOf: dir.appendingPathComponent("accounts.csv"))), sample.accountsBytes)
        XCTAssertEqual(Array(try Data(contentsOf: dir.appendingPathComponent("payments.csv"))), sample.paymentsBytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["accounts.csv", "payments.csv"])
        XCTAssertEqual(summary.accountsBytes, sample.accountsBytes.count)
        XCTAssertEqual(summary.paymentsBytes, sample.paymentsBytes.count)
    }

    func testMissingDirectoryFailsNamingThePath() {
        let path = "/nonexistent-arrears-dir/sub"
        XCTAssertThrowsError(try PortfolioGenerator(GeneratorConfig(accounts: 3, seed: 1)).write(toDirectory: path)) { error in
            guard let e = error as? OutputError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.code, .cannotCreate)
            XCTAssertEqual(e.path, path + "/accounts.csv")
            XCTAssertTrue(e.description.contains(path), e.description)
        }
    }
}
