/// One account and its statements, read from cells with exactly the accounts and
/// payments readers' cell rules (`readPortfolio`): the fast path of a score request
/// (`arrears serve`), which must read an account as the readers would read a one-row
/// accounts file and its payments file, without building or parsing CSV text.
///
/// The account row is taken as that of an accounts file whose header is
/// `SingleAccount.schemaColumns` (every schema column but the labels) followed by the
/// extra columns `extraNames`, and whose one data row holds the given cells; the
/// statements as the rows `account_id,date,amount_due,amount_paid` of a payments file,
/// with the account's own id. Only what the features read is kept (the other schema
/// cells are checked, then dropped).
public struct SingleAccount: Sendable {
    /// The account id, as written (never empty).
    public var accountID: String
    /// Currency units, in [0, 10¹⁵].
    public var balance: Double
    /// Whole days ≥ 0.
    public var daysPastDue: Double
    /// In [0.01, 10¹⁵], or NaN when empty.
    public var creditLimit: Double
    /// As written, "" when empty.
    public var product: String
    /// Each extra column's cell as written, in `extraNames` order.
    public var extraText: [String]
    /// Each extra column's cell as a number: NaN when empty or not a number (a
    /// one-row column whose only cell is text is a text column, `ExtraColumn.isNumeric`).
    public var extraNumeric: [Double]
    /// The statements in request order: day numbers and amounts (currency units, ≥ 0).
    public var statementDate: [Int32]
    public var statementDue: [Double]
    public var statementPaid: [Double]

    /// The schema columns of the accounts header, in order (DESIGN §2 without the labels).
    public static let schemaColumns = ["account_id", "balance", "days_past_due", "credit_limit", "product", "state",
                                       "last_payment_date", "bankruptcy", "cease_and_desist", "dispute", "deceased",
                                       "calls_last_7d", "last_conversation_date"]

    /// A cell: `count` bytes from `start` of the buffer given to `init`.
    public struct CellRange: Sendable, Equatable {
        public var start: Int
        public var count: Int
        public init(start: Int, count: Int) {
            self.start = start
            self.count = count
        }
    }

    /// Reads the account from `bytes`: `schemaCells` has one cell per
    /// `schemaColumns` entry (an empty cell for a column left out), `extraCells` one
    /// per extra column, `statementCells` three per statement (date, amount_due,
    /// amount_paid). No cell may hold a comma, a quote, CR or LF (a caller's CSV row
    /// could not carry them unquoted); such a cell makes the result nil.
    ///
    /// - Returns: nil when the readers would reject the account row or any statement
    ///   (every reject the readers make: a bad number, date or flag, a negative or
    ///   out-of-range value, an empty required cell, bad encoding, an extra numeric cell
    ///   out of range, a statement equal to an earlier one) — the caller then reads the
    ///   row through `readPortfolio` for the reject and its message.
    /// - Complexity: O(cells + s²) for s statements (the duplicate check; s ≤ 256, more
    ///   return nil).
    public init?(bytes: UnsafeBufferPointer<UInt8>, schemaCells: UnsafeBufferPointer<CellRange>,
                 extraNames: [String], extraCells: UnsafeBufferPointer<CellRange>,
                 statementCells: UnsafeBufferPointer<CellRange>) {
        guard schemaCells.count == Self.schemaColumns.count, extraCells.count == extraNames.count,
              statementCells.count % 3 == 0, statementCells.count <= 3 * 256 else { return nil }
        func cell(_ r: CellRange) -> UnsafeBufferPointer<UInt8>? {
            guard r.start >= 0, r.count >= 0, r.start + r.count <= bytes.count else { return nil }
            let b = UnsafeBufferPointer(rebasing: bytes[r.start ..< r.start + r.count])
            for x in b where x == UInt8(ascii: ",") || x == UInt8(ascii: "\"") || x == 0x0A || x == 0x0D { return nil }
            return b
        }
        var c: [UnsafeBufferPointer<UInt8>] = []
        c.reserveCapacity(schemaCells.count)
        for r in schemaCells {
            guard let b = cell(r) else { return nil }
            c.append(b)
        }
        do throws(CellProblem) {
            // AccountsReader.parseRow, cell by cell.
            guard !c[0].isEmpty else { return nil }
            accountID = try Cell.text(c[0], column: "account_id")
            balance = try Cell.amount(c[1], column: "balance", what: "a balance")
            guard let dpd = try Cell.count(c[2], column: "days_past_due", what: "days past due") else { return nil }
            daysPastDue = Double(dpd)
            creditLimit = .nan
            if let v = try Cell.number(c[3], column: "credit_limit") {
                guard v >= 0.01 && v <= Cell.maximumAmount else { return nil }
                creditLimit = v
            }
            product = try Cell.text(c[4], column: "product")
            _ = try Cell.text(Cell.trimmed(c[5]), column: "state")
            _ = try Cell.date(c[6], column: "last_payment_date")
            for k in 7...10 { _ = try Cell.flag(c[k], column: Self.schemaColumns[k]) }
            _ = try Cell.count(c[11], column: "calls_last_7d", what: "calls_last_7d")
            _ = try Cell.date(c[12], column: "last_conversation_date")
        } catch {
            return nil
        }
        // Extra columns: the encoding check, then the one-row numeric rule (a number
        // makes the column numeric, so one out of range rejects the row; text leaves it
        // a text column).
        extraText = []
        extraNumeric = []
        extraText.reserveCapacity(extraCells.count)
        extraNumeric.reserveCapacity(extraCells.count)
        for (k, r) in extraCells.enumerated() {
            guard let b = cell(r), Cell.encodingProblem(b, column: extraNames[k]) == nil else { return nil }
            extraText.append(String(decoding: b, as: UTF8.self))
            switch NumberParser.parse(b) {
            case .value(let v) where Swift.abs(v) <= Cell.maximumAmount: extraNumeric.append(v + 0)
            case .empty, .invalid: extraNumeric.append(.nan)
            case .value, .nonFinite: return nil
            }
        }
        // PaymentsReader: date, amount_due, amount_paid of each statement.
        let n = statementCells.count / 3
        statementDate = []
        statementDue = []
        statementPaid = []
        statementDate.reserveCapacity(n)
        statementDue.reserveCapacity(n)
        statementPaid.reserveCapacity(n)
        do throws(CellProblem) {
            for s in 0..<n {
                guard let db = cell(statementCells[3 * s]), let dueBytes = cell(statementCells[3 * s + 1]),
                      let paidBytes = cell(statementCells[3 * s + 2]),
                      let date = try Cell.date(db, column: "date") else { return nil }
                let due = try Cell.amount(dueBytes, column: "amount_due", what: "an amount due")
                let paid = try Cell.amount(paidBytes, column: "amount_paid", what: "an amount paid")
                // PaymentTable.removeDuplicateStatements: the same date and amounts again.
                for t in 0..<s where statementDate[t] == date && statementDue[t] == due && statementPaid[t] == paid { return nil }
                statementDate.append(date)
                statementDue.append(due)
                statementPaid.append(paid)
            }
        } catch {
            return nil
        }
    }
}
