import Foundation
import XCTest
import _TestSupport
@testable import PortfolioIO

final class PortfolioReadTests: XCTestCase {
    func testEdgeFixtureFillsEveryColumn() throws {
        let p = try readPortfolio(accountsPath: try fixturePath("edge_accounts.csv"),
                                  paymentsPath: try fixturePath("edge_payments.csv"))
        XCTAssertEqual(p.rejects, [])
        let a = p.accounts
        XCTAssertEqual(a.accountID, ["A1", "A2", "A3", "A4", "A5"])
        XCTAssertEqual(a.sourceLine, [2, 3, 4, 8, 9])
        XCTAssertEqual(a.balance, [100.5, 0, 1000, 0, 12.25])
        XCTAssertEqual(a.daysPastDue, [30, 0, 60, 0, 90])
        XCTAssertEqual(a.creditLimit[0], 1000)
        XCTAssertTrue(a.creditLimit[1].isNaN)
        XCTAssertEqual(a.creditLimit[3], 1.5)
        XCTAssertEqual(a.product, ["card", "personal_loan", "auto", "medical", "utility"])
        XCTAssertEqual(a.state, ["NY", "", "CA", "TX", ""])
        XCTAssertEqual(a.lastPaymentDate, [CalendarDay.parse("2025-12-01")!, CalendarDay.missing, CalendarDay.missing,
                                          CalendarDay.parse("2024-02-29")!, CalendarDay.missing])
        XCTAssertEqual(a.bankruptcy, [false, false, true, true, true])
        XCTAssertEqual(a.ceaseAndDesist, [false, false, false, false, false])
        XCTAssertEqual(a.dispute, [false, false, false, false, false])
        XCTAssertEqual(a.deceased, [false, false, true, false, false])
        XCTAssertEqual(a.callsLast7d, [2, 0, 0, 0, 7])
        XCTAssertEqual(a.lastConversationDate[0], CalendarDay.parse("2025-12-20")!)
        XCTAssertEqual(a.lastConversationDate[3], CalendarDay.parse("2026-01-01")!)
        XCTAssertFalse(a.hasLabels)
        XCTAssertEqual(a.presentColumns, ["credit_limit", "product", "state", "last_payment_date", "bankruptcy",
                                          "cease_and_desist", "dispute", "deceased", "calls_last_7d", "last_conversation_date"])
        XCTAssertEqual(a.extraColumns.map(\.name), ["Region", "score", "note"])
        XCTAssertEqual(a.extraColumns[0].text, ["north", "south, east", "west", "", "north"])
        XCTAssertFalse(a.extraColumns[0].isNumeric)
        XCTAssertTrue(a.extraColumns[1].isNumeric)
        XCTAssertEqual(a.extraColumns[1].numeric.map { $0.isNaN ? -999 : $0 }, [1.5, -999, 300, -4, 2])
        XCTAssertEqual(a.extraColumns[2].text, ["plain", "say \"hi\"", "multi\r\nline\nnote", "", "=SUM(A1)"])

        let pay = p.payments
        XCTAssertEqual(pay.accountIndex, [0, 0, 2, 4])
        XCTAssertEqual(pay.date, ["2025-11-01", "2025-12-01", "2025-12-01", "2025-12-15"].map { CalendarDay.parse($0)! })
        XCTAssertEqual(pay.amountDue, [100, 100, 30, 0.30000000000000004])
        XCTAssertEqual(pay.amountPaid, [50, 0, 25.5, 0.1])
        XCTAssertEqual(p.accountRows, 5)
        XCTAssertEqual(p.paymentRows, 4)
    }

    func testTinyChunksGiveTheSamePortfolio() throws {
        let a = try fixture("edge_accounts.csv"), b = try fixture("edge_payments.csv")
        let whole = try readPortfolio(accounts: a, payments: b)
        for chunk in [1, 2, 3, 5, 8, 13] {
            let p = try readPortfolio(accounts: a, payments: b, chunkSize: chunk)
            XCTAssertEqual(p.accounts.accountID, whole.accounts.accountID)
            XCTAssertEqual(p.accounts.sourceLine, whole.accounts.sourceLine)
            XCTAssertEqual(p.accounts.extraColumns.map(\.text), whole.accounts.extraColumns.map(\.text))
            XCTAssertEqual(p.accounts.extraColumns.map { $0.numeric.map(\.bitPattern) },
                           whole.accounts.extraColumns.map { $0.numeric.map(\.bitPattern) })
            XCTAssertEqual(p.payments.amountDue, whole.payments.amountDue)
        }
    }

    // MARK: Whole-file errors

    func testEmptyFileIsAnError() {
        let e = inputError { () throws(InputError) in try read("", minimalPaymentsHeader) }
        XCTAssertEqual(e?.code, .emptyFile)
        XCTAssertEqual(e?.file, "accounts.csv")
        let e2 = inputError { () throws(InputError) in try read(minimalAccountsHeader + "A,1,1\n", "") }
        XCTAssertEqual(e2?.code, .emptyFile)
        XCTAssertEqual(e2?.file, "payments.csv")
    }

    func testAccountsHeaderOnlyIsAnErrorButPaymentsHeaderOnlyIsValid() throws {
        let e = inputError { () throws(InputError) in try read(minimalAccountsHeader, minimalPaymentsHeader) }
        XCTAssertEqual(e?.code, .noRows)
        let p = try read(minimalAccountsHeader + "A,1,1\n", minimalPaymentsHeader)
        XCTAssertEqual(p.payments.count, 0)
        XCTAssertEqual(p.paymentRows, 0)
        XCTAssertEqual(p.accounts.count, 1)
    }

    func testMissingRequiredColumn() {
        let e = inputError { () throws(InputError) in try read("account_id,days_past_due\nA,1\n", minimalPaymentsHeader) }
        XCTAssertEqual(e?.code, .missingColumn)
        XCTAssertEqual(e?.column, "balance")
        XCTAssertEqual(e?.line, 1)
        XCTAssertTrue(e?.description.hasPrefix("accounts.csv:1: missing required column 'balance'") ?? false, "\(e!)")
        let e2 = inputError { () throws(InputError) in try read(minimalAccountsHeader + "A,1,1\n", "account_id,date,amount_due\n") }
        XCTAssertEqual(e2?.code, .missingColumn)
        XCTAssertEqual(e2?.column, "amount_paid")
        XCTAssertEqual(e2?.file, "payments.csv")
    }

    func testDuplicateColumnNamesIncludingCaseVariants() {
        let e = inputError { () throws(InputError) in
            try read("account_id,balance,days_past_due,Balance\nA,1,1,2\n", minimalPaymentsHeader) }
        XCTAssertEqual(e?.code, .duplicateColumn)
        XCTAssertEqual(e?.column, "Balance")
        XCTAssertEqual(e?.description, "accounts.csv:1: duplicate column 'Balance' (columns 2 and 4; names are compared ignoring case)")
    }

    func testEmptyHeaderNameIsAnError() {
        let e = inputError { () throws(InputError) in try read("account_id,,balance,days_past_due\nA,x,1,1\n", minimalPaymentsHeader) }
        XCTAssertEqual(e?.code, .badHeader)
    }

    func testUnreadableFiles() {
        let e = inputError { () throws(InputError) in
            try readPortfolio(accountsPath: "/nonexistent/a.csv", paymentsPath: "/nonexistent/p.csv") }
        XCTAssertEqual(e?.code, .unreadableFile)
        XCTAssertEqual(e?.file, "/nonexistent/a.csv")
        let dir = makeTemporaryDirectory()
        let e2 = inputError { () throws(InputError) in
            try readPortfolio(accountsPath: try! fixturePath("edge_accounts.csv"), paymentsPath: dir.path) }
        XCTAssertEqual(e2?.code, .unreadableFile)
        XCTAssertEqual(e2?.file, dir.path)
        let e3 = inputError { () throws(InputError) in try readPortfolio(accountsPath: "-", paymentsPath: "-") }
        XCTAssertEqual(e3?.code, .bothFromStandardInput)
    }

    // MARK: Labels and ignored columns

    func testTrainingRequiresLabelColumns() {
        let e = inputError { () throws(InputError) in
            try read(minimalAccountsHeader + "A,1,1\n", minimalPaymentsHeader, options: ReadOptions(requireLabels: true)) }
        XCTAssertEqual(e?.code, .missingColumn)
        XCTAssertEqual(e?.column, "days_to_recovery")
    }

    func testValidLabelsAreReadWithoutRequiringThem() throws {
        let text = "account_id,balance,days_past_due,days_to_recovery,recovered\nA,1,1,30,1\nB,2,2,90.5,0\n"
        for require in [false, true] {
            let p = try read(text, minimalPaymentsHeader, options: ReadOptions(requireLabels: require))
            XCTAssertTrue(p.accounts.hasLabels)
            XCTAssertEqual(p.accounts.daysToRecovery, [30, 90.5])
            XCTAssertEqual(p.accounts.recovered, [true, false])
        }
    }

    func testBadLabelsWithoutTrainingAreKeptAsMissing() throws {
        let p = try read("account_id,balance,days_past_due,days_to_recovery,recovered\nA,1,1,30,1\nB,2,2,,7\n",
                         minimalPaymentsHeader)
        XCTAssertEqual(p.rejects, [])
        XCTAssertFalse(p.accounts.hasLabels)
        XCTAssertEqual(p.accounts.daysToRecovery[0], 30)
        XCTAssertTrue(p.accounts.daysToRecovery[1].isNaN)
        XCTAssertEqual(p.accounts.recovered, [true, false])
    }

    func testIgnoreColumnsDropsExtrasAndRefusesRequiredOnes() throws {
        let text = "account_id,balance,days_past_due,Segment,score\nA,1,1,x,2\n"
        let p = try read(text, minimalPaymentsHeader, options: ReadOptions(ignoreColumns: ["segment", "nosuch", "state"]))
        XCTAssertEqual(p.accounts.extraColumns.map(\.name), ["score"])
        let e = inputError { () throws(InputError) in
            try read(text, minimalPaymentsHeader, options: ReadOptions(ignoreColumns: ["BALANCE"])) }
        XCTAssertEqual(e?.code, .ignoredRequiredColumn)
        XCTAssertEqual(e?.column, "balance")
    }

    func testColumnOrderAndCaseAreFree() throws {
        let p = try read("Days_Past_Due,BALANCE,Account_Id\n3,4.5,Z\n", "AMOUNT_PAID,Date,amount_due,ACCOUNT_ID\n1,2025-01-01,2,Z\n")
        XCTAssertEqual(p.accounts.accountID, ["Z"])
        XCTAssertEqual(p.accounts.balance, [4.5])
        XCTAssertEqual(p.accounts.daysPastDue, [3])
        XCTAssertEqual(p.payments.amountPaid, [1])
        XCTAssertEqual(p.payments.amountDue, [2])
    }

    // MARK: Row accounting

    /// Seeded messy portfolios: every input row is either a valid row or exactly one reject.
    func testEveryRowIsAccountedFor() throws {
        var rng = SeededGenerator(seed: 99)
        let balances = ["10", "0", "-1", "abc", "", "NaN", "1e3", "\"2,5\"", "7.25"]
        let dpds = ["0", "30", "2.5", "-3", "", "x"]
        let dates = ["2025-01-01", "2025-02-30", "", "bad", " 2025-03-01 "]
        for _ in 0..<30 {
            var accounts = "account_id,balance,days_past_due,last_payment_date,extra\n"
            var ids: [String] = []
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                let id = "A\(Int.random(in: 0..<30, using: &rng))"
                ids.append(id)
                var cells = [Int.random(in: 0..<15, using: &rng) == 0 ? "" : id,
                             balances.randomElement(using: &rng)!, dpds.randomElement(using: &rng)!,
                             dates.randomElement(using: &rng)!, "e"]
                if Int.random(in: 0..<10, using: &rng) == 0 { cells.removeLast() }
                accounts += cells.joined(separator: ",") + (Bool.random(using: &rng) ? "\n" : "\r\n")
            }
            var payments = minimalPaymentsHeader
            for _ in 0..<Int.random(in: 0...60, using: &rng) {
                let id = Int.random(in: 0..<8, using: &rng) == 0 ? "Q9" : ids.randomElement(using: &rng)!
                payments += [id, dates.randomElement(using: &rng)!, balances.randomElement(using: &rng)!, "1"]
                    .joined(separator: ",") + "\n"
            }
            let p = try read(accounts, payments, chunkSize: Int.random(in: 1...64, using: &rng))
            XCTAssertEqual(p.accountRows, p.accounts.count + p.rejectedAccountRows)
            XCTAssertEqual(p.paymentRows, p.payments.count + p.rejectedPaymentRows)
            XCTAssertEqual(p.accountRows, accounts.utf8.split(separator: 10).count - 1)
            XCTAssertEqual(Set(p.accounts.accountID).count, p.accounts.count, "ids are unique")
            XCTAssertEqual(Set(p.rejects.map { "\($0.source)\($0.line)" }).count, p.rejects.count, "one reject per row")
            for e in p.accounts.extraColumns { XCTAssertEqual(e.text.count, p.accounts.count) }
        }
    }
}
