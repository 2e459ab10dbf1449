import PortfolioIO
import XCTest

/// Bugs the corpus found in files outside this target's remit, now fixed (b56c868); each
/// test guards its fix.
final class KnownBugTests: XCTestCase {
    /// Was a bug (PortfolioReader.swift `AccountsReader.init`, PaymentsReader.swift
    /// `PaymentsReader.init`): the missing_column message listed every header name, so a
    /// million-column header gave an 8.9 MB message, 100,000 columns 790 kB.
    func testMissingColumnMessageOfAHugeHeaderStaysShort() throws {
        let accounts = Manifest.hugeHeader(rows: "A1,100\n", required: "account_id,balance", columns: 100_000)
        do {
            _ = try readPortfolio(accounts: accounts, payments: Array("account_id,date,amount_due,amount_paid\n".utf8))
            XCTFail("expected missing_column")
        } catch {
            XCTAssertEqual(error.code, .missingColumn)
            XCTAssertEqual(error.column, "days_past_due")
            XCTAssertLessThan(error.description.utf8.count, 2_000, "the message is one readable line")
        }
    }
}
