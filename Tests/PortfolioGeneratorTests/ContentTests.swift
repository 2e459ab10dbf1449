import XCTest
import PortfolioIO
@testable import PortfolioGenerator

/// Shape and content of a few thousand generated accounts (shared, generated once).
final class ContentTests: XCTestCase {
    static let sample: GeneratedSample = try! GeneratedSample(accounts: 4000, seed: 42)
    var sample: GeneratedSample { Self.sample }
    var asOf: Int32 { sample.config.asOf.dayNumber }

    func testHeadersAndColumnCounts() {
        XCTAssertEqual(sample.accountsHeader, PortfolioGenerator.accountsHeader.split(separator: ",").map(String.init))
        XCTAssertEqual(sample.accountsHeader.count, 17)
        XCTAssertEqual(sample.paymentsHeader, ["account_id", "date", "amount_due", "amount_paid"])
        XCTAssertEqual(sample.accountRows.count, 4000)
        for row in sample.accountRows { XCTAssertEqual(row.count, 17, row.joined(separator: ",")) }
        for row in sample.paymentRows { XCTAssertEqual(row.count, 4) }
        XCTAssertEqual(sample.paymentRows.count, sample.summary.statements)
        XCTAssertEqual(sample.accountsBytes.last, UInt8(ascii: "\n"))
        XCTAssertEqual(sample.paymentsBytes.last, UInt8(ascii: "\n"))
    }

    func testNoQuotesCarriageReturnsOrNonASCII() {
        for bytes in [sample.accountsBytes, sample.paymentsBytes] {
            XCTAssertFalse(bytes.contains(UInt8(ascii: "\"")))
            XCTAssertFalse(bytes.contains(UInt8(ascii: "\r")))
            XCTAssertTrue(bytes.allSatisfy { $0 < 128 })
        }
    }

    /// Amounts: digits, a point, exactly two decimals; no sign, no exponent.
    private func isAmount(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].count == 2
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
            && (parts[0] == "0" || parts[0].first != "0")
    }

    private func isCount(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } && (s == "0" || s.first != "0")
    }

    func testEveryAccountRowIsWellFormed() {
        let c = sample.column
        var ids = Set<String>()
        for (i, row) in sample.accountRows.enumerated() {
            XCTAssertEqual(row[c("account_id")], sample.generator.accountID(i))
            XCTAssertTrue(ids.insert(row[0]).inserted)
            XCTAssertTrue(isAmount(row[c("balance")]), row[c("balance")])
            XCTAssertTrue(isCount(row[c("days_past_due")]))
            let limit = row[c("credit_limit")]
            XCTAssertTrue(limit.isEmpty || (isAmount(limit) && Double(limit)! > 0), limit)
            XCTAssertTrue(Product.allCases.map(\.name).contains(row[c("product")]))
            XCTAssertTrue(GeneratedStates.codes.contains(row[c("state")]))
            for dateColumn in ["last_payment_date", "last_conversation_date"] {
                let d = row[c(dateColumn)]
                if !d.isEmpty {
                    XCTAssertNotNil(CalendarDay.parse(d), d)
                    XCTAssertLessThanOrEqual(CalendarDay.parse(d)!, asOf, "\(dateColumn) after as-of")
                }
            }
            for flag in ["bankruptcy", "cease_and_desist", "dispute", "deceased", "recovered"] {
                XCTAssertTrue(row[c(flag)] == "0" || row[c(flag)] == "1")
            }
            XCTAssertTrue(isCount(row[c("calls_last_7d")]))
            XCTAssertTrue(row[c("months_on_book")].isEmpty || isCount(row[c("months_on_book")]))
            XCTAssertTrue(Channel.allCases.map(\.name).contains(row[c("channel")]))
            XCTAssertTrue(isCount(row[c("days_to_recovery")]))
        }
    }

    func testEveryPaymentRowIsWellFormedAndGroupedByAccount() {
        var seen = Set<String>(), previous = ""
        let ids = Set(sample.accountRows.map { $0[0] })
        for row in sample.paymentRows {
            XCTAssertTrue(ids.contains(row[0]))
            if row[0] != previous {
                XCTAssertTrue(seen.insert(row[0]).inserted, "rows of \(row[0]) are not contiguous")
                previous = row[0]
            }
            XCTAssertNotNil(CalendarDay.parse(row[1]), row[1])
            XCTAssertTrue(isAmount(row[2]) && isAmount(row[3]), row.joined(separator: ","))
        }
    }

    func testStatementsPerAccount() {
        let byAccount = sample.statementsByAccount()
        let counts = byAccount.map(\.count)
        let mean = Double(counts.reduce(0, +)) / Double(counts.count)
        // 0.96 × 15.5 = 14.88 expected; sd of the mean ≈ 9.2 / √4000 ≈ 0.15.
        XCTAssertEqual(mean, 14.88, accuracy: 0.6)
        XCTAssertEqual(counts.max(), Mix.maxStatements + 1, "30 on file plus a future one somewhere")
        let none = counts.filter { $0 == 0 }.count
        XCTAssertGreaterThan(none, 80)      // ≈ 4 % of 4000
        XCTAssertLessThan(none, 250)
        // Zero-due statements and both kinds of missed statements occur.
        let all = byAccount.joined()
        XCTAssertGreaterThan(all.filter { $0.due == 0 }.count, 500)
        XCTAssertGreaterThan(all.filter { $0.due > 0 && $0.paid > 0 && $0.paid < 0.1 * $0.due }.count, 100)
        XCTAssertGreaterThan(all.filter { $0.paid > $0.due }.count, 100)
    }

    func testSomeAccountsHaveUnsortedRowsAndFutureStatements() {
        let byAccount = sample.statementsByAccount()
        let unsorted = byAccount.filter { s in zip(s, s.dropFirst()).contains { $0.date > $1.date } }.count
        XCTAssertGreaterThan(unsorted, 400)      // ≈ 20 % of accounts with ≥ 2 statements
        var future = 0
        for s in byAccount {
            let after = s.filter { $0.date > asOf }
            XCTAssertLessThanOrEqual(after.count, 1)
            future += after.count
            XCTAssertEqual(Set(s.map(\.date)).count, s.count, "two statements on one day")
        }
        XCTAssertEqual(future, sample.summary.futureStatements)
        XCTAssertGreaterThan(future, 5)         // ≈ 0.5 % × 0.96 × 4000 ≈ 19
        XCTAssertLessThan(future, 45)
        // Some statements fall on the as-of date itself (they count).
        XCTAssertTrue(byAccount.joined().contains { $0.date == asOf })
    }

    func testLastPaymentDateIsConsistentWithTheHistory() {
        let c = sample.column
        let byAccount = sample.statementsByAccount()
        for (i, row) in sample.accountRows.enumerated() {
            let a = sample.generator.account(i)
            let history = byAccount[i].filter { $0.date <= asOf }.sorted { $0.date < $1.date }
            let lpd = CalendarDay.parse(row[c("last_payment_date")])
            if a.isOldDebt {
                XCTAssertTrue(history.allSatisfy { $0.paid == 0 })
                XCTAssertTrue((1_461 ... 3_652).contains(Int(asOf - lpd!)))
            } else if let lastPaid = history.last(where: { $0.paid > 0 }) {
                XCTAssertTrue((0 ... 10).contains(Int(lpd! - lastPaid.date)) || lpd == asOf,
                              "\(row[0]): last payment \(row[c("last_payment_date")])")
            } else if !history.isEmpty {
                XCTAssertNil(lpd, "\(row[0]) never paid but has a last payment date")
            }
        }
    }

    /// Every worklist rule of DESIGN §6 has accounts to act on.
    func testEveryWorklistRuleIsExercised() {
        let c = sample.column
        let rows = sample.accountRows
        func count(_ predicate: ([String]) -> Bool) -> Int { rows.filter(predicate).count }
        XCTAssertGreaterThan(count { Int($0[c("calls_last_7d")])! >= 7 }, 40)
        XCTAssertGreaterThan(count { Int($0[c("calls_last_7d")])! <= 3 }, 3400)
        let sinceConversation: ([String]) -> Int? = { r in
            CalendarDay.parse(r[c("last_conversation_date")]).map { Int(self.asOf - $0) }
        }
        XCTAssertGreaterThan(count { (sinceConversation($0) ?? 99) < 7 }, 200)
        XCTAssertGreaterThan(count { sinceConversation($0) == nil }, 1600)
        for flag in ["bankruptcy", "cease_and_desist", "dispute", "deceased"] {
            XCTAssertGreaterThan(count { $0[c(flag)] == "1" }, 5, flag)
            XCTAssertLessThan(count { $0[c(flag)] == "1" }, 160, flag)
        }
        let yearsSincePayment: ([String]) -> Double? = { r in
            CalendarDay.parse(r[c("last_payment_date")]).map { Double(self.asOf - $0) / 365.25 }
        }
        XCTAssertGreaterThan(count { (yearsSincePayment($0) ?? 0) > 6 }, 30, "barred even at 6 years")
        XCTAssertGreaterThan(count { (3 ..< 6).contains(yearsSincePayment($0) ?? 0) }, 30, "barred only in short-period states")
        XCTAssertGreaterThan(count { $0[c("last_payment_date")].isEmpty }, 40, "never paid")
        XCTAssertGreaterThan(count { $0[c("credit_limit")].isEmpty }, 1000)
        XCTAssertGreaterThan(count { $0[c("months_on_book")].isEmpty }, 60)
        XCTAssertLessThan(count { $0[c("months_on_book")].isEmpty }, 200)
        for product in Product.allCases { XCTAssertGreaterThan(count { $0[c("product")] == product.name }, 200) }
        for channel in Channel.allCases { XCTAssertGreaterThan(count { $0[c("channel")] == channel.name }, 200) }
    }
}

/// The project's own reader accepts every generated row.
final class ReadBackTests: XCTestCase {
    func testPortfolioReaderAcceptsEveryRow() throws {
        let sample = ContentTests.sample
        let portfolio = try readPortfolio(accounts: sample.accountsBytes, payments: sample.paymentsBytes)
        XCTAssertEqual(portfolio.rejects, [], portfolio.rejects.prefix(3).map(\.description).joined(separator: "; "))
        XCTAssertEqual(portfolio.accounts.count, 4000)
        XCTAssertEqual(portfolio.payments.count, sample.summary.statements)
        XCTAssertTrue(portfolio.accounts.hasLabels)
        XCTAssertEqual(portfolio.accounts.extraColumns.map(\.name), ["months_on_book", "channel"])
        XCTAssertEqual(portfolio.accounts.extraColumns.map(\.isNumeric), [true, false])
        XCTAssertEqual(portfolio.accounts.recovered.filter { $0 }.count, sample.summary.recovered)
        for i in stride(from: 0, to: 4000, by: 97) {
            let a = sample.generator.account(i)
            XCTAssertEqual(portfolio.accounts.balance[i], Double(a.balanceCents) / 100)
            XCTAssertEqual(portfolio.accounts.lastPaymentDate[i], a.lastPaymentDate ?? CalendarDay.missing)
            XCTAssertEqual(portfolio.accounts.daysToRecovery[i], Double(a.daysToRecovery))
        }
    }
}
