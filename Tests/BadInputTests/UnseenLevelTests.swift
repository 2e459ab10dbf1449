import ArrearsCLI
import Features
import Foundation
import Pipeline
import PortfolioIO
import Scoring
import XCTest
import _TestSupport

/// Unseen levels and missing schema columns (issue 14 item 2, DESIGN §6): a value the
/// model never saw is never explained as something else.
final class UnseenLevelTests: XCTestCase {
    /// Accounts for the probe model (trained on product card/auto/loan, 100 each, so
    /// `other` had no training rows and has no column).
    static let header = "account_id,balance,days_past_due,credit_limit,last_payment_date,product\n"
    static let payments = "account_id,date,amount_due,amount_paid\nU1,2025-12-15,50,0\nU2,2025-12-15,50,50\n"

    private func scored(_ accounts: String) throws -> (ScoreTable, FeatureMatrix) {
        let artifact = try ModelArtifact.load(path: TrainedModel.path)
        let portfolio = try readPortfolio(accounts: Array(accounts.utf8), payments: Array(Self.payments.utf8))
        let matrix = try artifact.features.apply(to: portfolio, asOf: CalendarDay("2026-01-01")!)
        let scores = artifact.score(matrix)
        return (ScoreTable(accountIDs: portfolio.accounts.accountID, scores: scores, matrix: matrix, artifact: artifact), matrix)
    }

    /// On main an unseen product was scored as the reference level with the reason
    /// "product is auto" and not counted anywhere.
    func testAnUnseenLevelIsCountedAndItsReasonNamesIt() throws {
        let (table, matrix) = try scored(Self.header + "U1,5000,90,,,mortgage\nU2,5000,90,,,card\nU3,10,0,,,\n")
        XCTAssertEqual(matrix.unseenLevels.count, 1)
        let unseen = try XCTUnwrap(matrix.unseenLevels.first)
        XCTAssertEqual(unseen.column, "product")
        XCTAssertEqual(unseen.rows, [0, 2])
        XCTAssertEqual(unseen.texts, ["mortgage", ""])
        XCTAssertFalse(unseen.otherHadTrainingRows)
        XCTAssertEqual(unseen.summary, "product: 2 accounts with a level not among the training levels, scored as other: (empty) 1, mortgage 1")
        let g = try XCTUnwrap(table.groups.codes.firstIndex(of: "product"))
        XCTAssertTrue(table.reasonText(g, account: 0) { matrix[0, $0] }.hasPrefix("product 'mortgage' was not in the training data: "))
        XCTAssertTrue(table.reasonText(g, account: 2) { matrix[2, $0] }.hasPrefix("product (empty) was not in the training data: "))
        XCTAssertTrue(table.reasonText(g, account: 1) { matrix[1, $0] }.hasPrefix("product is card: "))
        // The rendered scores use the same texts wherever the product reason shows up.
        let csv = String(decoding: table.rendered(format: .csv), as: UTF8.self)
        XCTAssertFalse(csv.split(separator: "\n")[1].contains("product is"), "U1's row must not explain mortgage as a training level")
    }

    /// The report says so too: the PSI of the score points cannot show a level the model
    /// never saw.
    func testTheReportNotesTheUnseenLevels() throws {
        let artifact = try ModelArtifact.load(path: TrainedModel.path)
        let accounts = Self.header + "U1,5000,90,,,mortgage\nU2,5000,90,,,card\n"
        let source = PortfolioSource.bytes(accounts: Array(accounts.utf8), payments: Array(Self.payments.utf8))
        let document = try Pipeline.report(artifact, on: .portfolio(source, asOf: CalendarDay("2026-01-01")!), worklist: nil)
        XCTAssertTrue(document.html().contains("product: 1 account with a level not among the training levels, scored as other: mortgage 1"))
    }

    /// A schema column the model uses that the file lacks stops the run, naming it and
    /// the feature to retrain without (the library names no flags; the CLI turns it into
    /// `--ignore <feature>`). On main it read as utilization 0 / one product.
    func testAMissingSchemaColumnTheModelUsesStopsTheRun() throws {
        let artifact = try ModelArtifact.load(path: TrainedModel.path)
        for (header, column, flag) in [("account_id,balance,days_past_due,last_payment_date,product\n", "credit_limit", "'utilization' ignored"),
                                       ("account_id,balance,days_past_due,credit_limit,last_payment_date\n", "product", "'product' ignored")] {
            let rows = header.hasSuffix("product\n") ? "U1,10,0,,card\n" : "U1,10,0,100,\n"
            let portfolio = try readPortfolio(accounts: Array((header + rows).utf8), payments: Array(Self.payments.utf8))
            XCTAssertThrowsError(try artifact.features.apply(to: portfolio, asOf: CalendarDay(dayNumber: 20_000))) { error in
                let e = error as? FeatureError
                XCTAssertEqual(e?.code, .missingColumn, "\(column)")
                XCTAssertEqual(e?.featureName, column)
                XCTAssertTrue(e?.message.contains(flag) == true, e?.message ?? "")
            }
        }
    }

    /// A real level named `other` gets its own column, apart from the catch-all bucket,
    /// and survives the artifact's JSON.
    func testARealLevelNamedOtherIsKeptApartFromTheBucket() throws {
        var accounts = "account_id,balance,days_past_due,product\n"
        for i in 0..<60 { accounts += "R\(i),\(100 + i * 7),\(i % 40),\(["card", "other", "auto"][i % 3])\n" }
        accounts += "R60,50,3,rare\n"
        let portfolio = try readPortfolio(accounts: Array(accounts.utf8), payments: Array("account_id,date,amount_due,amount_paid\n".utf8))
        let spec = try FeatureSpec.fit(portfolio, asOf: CalendarDay(dayNumber: 20_000))
        let product = try XCTUnwrap(spec.categoricals.first { $0.column == "product" })
        XCTAssertEqual(product.levels, ["auto", "card", "other"])
        XCTAssertEqual(product.trainingCounts, [20, 20, 20, 1], "'rare' is the bucket's only account")
        XCTAssertTrue(spec.names.contains("product='other'"), "\(spec.names)")
        XCTAssertTrue(spec.names.contains("product=other"), "\(spec.names)")
        let decoded = try JSONDecoder().decode(FeatureSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(decoded, spec)
        let matrix = try spec.apply(to: portfolio, asOf: CalendarDay(dayNumber: 20_000))
        let real = try XCTUnwrap(spec.names.firstIndex(of: "product='other'"))
        let bucket = try XCTUnwrap(spec.names.firstIndex(of: "product=other"))
        XCTAssertEqual(matrix[1, real], 1)
        XCTAssertEqual(matrix[1, bucket], 0)
        XCTAssertEqual(matrix[60, bucket], 1)
    }
}
