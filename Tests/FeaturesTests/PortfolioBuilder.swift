import PortfolioIO

/// Builds columnar portfolios by hand for the feature tests (no CSV reader involved).
struct PortfolioBuilder {
    var accounts = AccountTable()
    var payments = PaymentTable()

    /// The built accounts "file" has the credit_limit and product columns (a model
    /// using them requires them: `FeatureSpec.apply` stops without).
    init() {
        accounts.presentColumns = ["credit_limit", "product"]
    }

    /// Adds an account and returns its row.
    @discardableResult
    mutating func account(_ id: String, balance: Double = 1000, dpd: Double = 0,
                          limit: Double = .nan, product: String = "") -> Int {
        accounts.accountID.append(id)
        accounts.balance.append(balance)
        accounts.daysPastDue.append(dpd)
        accounts.creditLimit.append(limit)
        accounts.product.append(product)
        return accounts.count - 1
    }

    /// Adds a statement of account row `row` dated `date` (YYYY-MM-DD).
    mutating func statement(_ row: Int, _ date: String, due: Double, paid: Double) {
        payments.accountIndex.append(Int32(row))
        payments.date.append(CalendarDay.parse(date)!)
        payments.amountDue.append(due)
        payments.amountPaid.append(paid)
    }

    /// Adds `count` monthly statements (on the 1st) ending at `last` (YYYY-MM) with the
    /// given (due, paid) pairs, oldest first.
    mutating func monthly(_ row: Int, endingAt year: Int, _ month: Int, _ pairs: [(Double, Double)]) {
        for (k, pair) in pairs.enumerated() {
            let back = pairs.count - 1 - k
            var y = year, m = month - back
            while m < 1 { m += 12; y -= 1 }
            payments.accountIndex.append(Int32(row))
            payments.date.append(CalendarDay.dayNumber(year: y, month: m, day: 1)!)
            payments.amountDue.append(pair.0)
            payments.amountPaid.append(pair.1)
        }
    }

    /// Adds an extra column; numeric when every non-empty cell parses as a number.
    mutating func extra(_ name: String, _ cells: [String]) {
        precondition(cells.count == accounts.count)
        let numeric = cells.map { Double($0).flatMap { $0.isFinite ? $0 : nil } ?? .nan }
        let nonEmpty = cells.indices.filter { !cells[$0].isEmpty }
        let isNumeric = !nonEmpty.isEmpty && nonEmpty.allSatisfy { !numeric[$0].isNaN }
        accounts.extraColumns.append(ExtraColumn(name: name, text: cells, numeric: numeric, isNumeric: isNumeric))
    }

    var portfolio: Portfolio {
        Portfolio(accounts: accounts, payments: payments, rejects: [],
                  accountRows: accounts.count, paymentRows: payments.count)
    }
}

let asOf2026Day = CalendarDay("2026-01-01")!
let asOf2026: Int32 = asOf2026Day.dayNumber
