import XCTest
@testable import PortfolioIO

final class RejectTests: XCTestCase {
    private struct Expected: Equatable, CustomStringConvertible {
        var line: Int, column: String?, code: Reject.Code, id: String
        var description: String { "\(line) \(column ?? "-") \(code.rawValue) \(id)" }
    }

    private func summary(_ rejects: [Reject], _ source: PortfolioFile) -> [Expected] {
        rejects.filter { $0.source == source }.map { Expected(line: $0.line, column: $0.column, code: $0.code, id: $0.accountID) }
    }

    private let accountRejects: [Expected] = [
        .init(line: 3, column: "account_id", code: .missingValue, id: ""),
        .init(line: 4, column: "balance", code: .missingValue, id: "B2"),
        .init(line: 5, column: "balance", code: .badNumber, id: "B3"),
        .init(line: 6, column: "balance", code: .nonFinite, id: "B4"),
        .init(line: 7, column: "balance", code: .negativeValue, id: "B5"),
        .init(line: 8, column: "days_past_due", code: .badNumber, id: "B6"),
        .init(line: 9, column: "days_past_due", code: .negativeValue, id: "B7"),
        .init(line: 10, column: "credit_limit", code: .outOfRange, id: "B8"),
        .init(line: 11, column: "last_payment_date", code: .badDate, id: "B9"),
        .init(line: 12, column: "last_payment_date", code: .badDate, id: "B10"),
        .init(line: 13, column: "bankruptcy", code: .badFlag, id: "B11"),
        .init(line: 14, column: "calls_last_7d", code: .badNumber, id: "B12"),
        .init(line: 15, column: nil, code: .raggedRow, id: "B13"),
        .init(line: 16, column: "account_id", code: .duplicateID, id: "G1"),
        .init(line: 17, column: "balance", code: .badNumber, id: "B14"),
        .init(line: 18, column: "balance", code: .badNumber, id: "B15"),
        .init(line: 19, column: "balance", code: .nonFinite, id: "B16"),
        .init(line: 20, column: "balance", code: .badNumber, id: "B17"),
    ]

    func testEveryAccountRejectHasLineColumnAndCode() throws {
        let p = try readPortfolio(accounts: try fixture("reject_accounts.csv"), payments: try fixture("reject_payments.csv"))
        XCTAssertEqual(summary(p.rejects, .accounts),
                       accountRejects + [.init(line: 23, column: "calls_last_7d", code: .negativeValue, id: "G2")])
        XCTAssertEqual(p.accounts.accountID, ["G1", "B18", "B19", "G3"])
        XCTAssertFalse(p.accounts.hasLabels)
        XCTAssertEqual(p.accountRows, p.accounts.count + p.rejectedAccountRows)
        XCTAssertEqual(p.accountRows, 23)
        let reasons = Dictionary(uniqueKeysWithValues: p.rejects.filter { $0.source == .accounts }.map { ($0.line, $0.reason) })
        XCTAssertEqual(reasons[7], "balance is '-12.50'; a balance must be ≥ 0")
        XCTAssertEqual(reasons[11], "last_payment_date is '2026-02-30', a day that does not exist")
        XCTAssertEqual(reasons[15], "the row has 9 fields; the header has 11")
        XCTAssertEqual(reasons[16], "account_id 'G1' already appeared on line 2; the first row keeps it")
        XCTAssertTrue(reasons[17]!.contains("thousands separators"))
        XCTAssertTrue(reasons[18]!.contains("currency sign"))
        XCTAssertEqual(p.rejects.first { $0.line == 7 }?.description, "accounts.csv:7: balance: balance is '-12.50'; a balance must be ≥ 0")
    }

    func testTrainingRejectsBadLabels() throws {
        let p = try readPortfolio(accounts: try fixture("reject_accounts.csv"), payments: try fixture("reject_payments.csv"),
                                  options: ReadOptions(requireLabels: true))
        XCTAssertEqual(summary(p.rejects, .accounts), accountRejects + [
            .init(line: 21, column: "days_to_recovery", code: .badLabel, id: "B18"),
            .init(line: 22, column: "recovered", code: .badLabel, id: "B19"),
            .init(line: 23, column: "calls_last_7d", code: .negativeValue, id: "G2"),
            .init(line: 24, column: "days_to_recovery", code: .badLabel, id: "G3"),
        ])
        XCTAssertEqual(p.accounts.accountID, ["G1"])
        XCTAssertTrue(p.accounts.hasLabels)
    }

    func testEveryPaymentRejectHasLineColumnAndCode() throws {
        let p = try readPortfolio(accounts: try fixture("reject_accounts.csv"), payments: try fixture("reject_payments.csv"))
        XCTAssertEqual(summary(p.rejects, .payments), [
            .init(line: 3, column: "account_id", code: .unknownAccount, id: "ZZ"),
            .init(line: 4, column: "account_id", code: .rejectedAccount, id: "B3"),
            .init(line: 5, column: "date", code: .badDate, id: "G1"),
            .init(line: 6, column: "date", code: .missingValue, id: "G1"),
            .init(line: 7, column: "amount_due", code: .negativeValue, id: "G1"),
            .init(line: 8, column: "amount_paid", code: .nonFinite, id: "G1"),
            .init(line: 9, column: nil, code: .raggedRow, id: "G1"),
            .init(line: 10, column: "account_id", code: .missingValue, id: ""),
            .init(line: 12, column: "amount_due", code: .missingValue, id: "G1"),
            .init(line: 13, column: "amount_paid", code: .badNumber, id: "G1"),
        ])
        XCTAssertEqual(p.payments.date, [CalendarDay.parse("2025-01-01")!, CalendarDay.parse("2025-01-02")!])
        XCTAssertEqual(p.paymentRows, p.payments.count + p.rejectedPaymentRows)
        XCTAssertEqual(p.rejects.first { $0.source == .payments && $0.line == 4 }?.reason,
                       "account 'B3' was rejected in the accounts file (line 5), so its statements are too")
    }

    func testInvalidUTF8AndNULBytesAreBadEncoding() throws {
        var accounts = Array("account_id,balance,days_past_due,product,note\n".utf8)
        accounts += Array("A1,1,1,card,ok\n".utf8)
        accounts += Array("A2,1,1,ca".utf8) + [0xFF, 0xFE] + Array("rd,ok\n".utf8)        // line 3
        accounts += Array("A3,1,1,card,n".utf8) + [0x00] + Array("te\n".utf8)             // line 4
        accounts += Array("A4,1".utf8) + [0x00] + Array(",1,card,ok\n".utf8)              // line 5
        accounts += Array("A5,1,1,caf\u{e9},ok\n".utf8)                                     // valid UTF-8
        let p = try readPortfolio(accounts: accounts, payments: Array(minimalPaymentsHeader.utf8))
        XCTAssertEqual(p.rejects.map(\.line), [3, 4, 5])
        XCTAssertEqual(p.rejects.map(\.code), [.badEncoding, .badEncoding, .badEncoding])
        XCTAssertEqual(p.rejects.map(\.column), ["product", "note", "balance"])
        XCTAssertEqual(p.accounts.product, ["card", "caf\u{e9}"])
    }

    func testQuotingProblemsRejectTheRecord() throws {
        let p = try read(minimalAccountsHeader + "A,1,1\n\"B\"x,1,1\nC,\"2,1\n", minimalPaymentsHeader)
        XCTAssertEqual(p.rejects.map(\.line), [3, 4])
        XCTAssertEqual(p.rejects.map(\.code), [.badQuote, .badQuote])
        XCTAssertTrue(p.rejects[1].reason.contains("not closed before the end of the file"))
        XCTAssertEqual(p.accounts.accountID, ["A"])
        XCTAssertEqual(p.accountRows, 3)
    }

    func testDuplicateOfARejectedRowIsStillADuplicate() throws {
        let p = try read(minimalAccountsHeader + "A,x,1\nA,1,1\n", minimalPaymentsHeader + "A,2025-01-01,1,1\n")
        XCTAssertEqual(p.rejects.map(\.code), [.badNumber, .duplicateID, .rejectedAccount])
        XCTAssertEqual(p.accounts.count, 0)
    }
}
