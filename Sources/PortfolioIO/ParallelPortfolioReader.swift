import Dispatch

/// `readPortfolio(accountsPath:paymentsPath:options:)` with the choice of reader:
/// `parallel: true` (the default there) parses each file in pieces on all cores,
/// `false` in one sequential pass. Both give identical portfolios: the same rows, lines,
/// rejects and errors (the parallel pieces are merged in file order).
public func readPortfolio(accountsPath: String, paymentsPath: String, options: ReadOptions = ReadOptions(),
                          parallel: Bool) throws(InputError) -> Portfolio {
    if accountsPath == "-" && paymentsPath == "-" {
        throw InputError(code: .bothFromStandardInput, file: "<stdin>",
                         message: "accounts and payments cannot both be read from standard input ('-'); give one as a file")
    }
    let accounts = try CSVReader(path: accountsPath)
    let payments = try CSVReader(path: paymentsPath)
    return try readPortfolio(accounts: accounts, payments: payments, options: options, parallel: parallel)
}

/// `readPortfolio(accounts:payments:options:)` with the choice of reader (see
/// `readPortfolio(accountsPath:paymentsPath:options:parallel:)`).
public func readPortfolio(accounts: CSVReader, payments: CSVReader, options: ReadOptions = ReadOptions(),
                          parallel: Bool) throws(InputError) -> Portfolio {
    try readPortfolio(accounts: accounts, payments: payments, options: options,
                      layout: parallel ? .standard : nil)
}

/// The readers behind both: `layout` nil is the sequential pass.
func readPortfolio(accounts: CSVReader, payments: CSVReader, options: ReadOptions,
                   layout: ParallelReadLayout?) throws(InputError) -> Portfolio {
    if options.fingerprint {
        accounts.fingerprintInput()
        payments.fingerprintInput()
    }
    var rejects: [Reject] = []
    let ids = AccountIDTable()
    var accountReader = try AccountsReader(reader: accounts, options: options)
    let (table, accountRows) = if let layout {
        try accountReader.readInPieces(ids: ids, rejects: &rejects, layout: layout)
    } else {
        try accountReader.read(ids: ids, rejects: &rejects)
    }
    var paymentReader = try PaymentsReader(reader: payments)
    var (paymentTable, paymentRows) = if let layout {
        try paymentReader.readInPieces(ids: ids, rejects: &rejects, layout: layout)
    } else {
        try paymentReader.read(ids: ids, rejects: &rejects)
    }
    let duplicates = paymentTable.removeDuplicateStatements(file: payments.displayName, accountIDs: table.accountID)
    if !duplicates.isEmpty {
        // Keep the payments' rejects in line order (they follow the accounts' rejects).
        let firstPayment = rejects.firstIndex { $0.source == .payments } ?? rejects.count
        var merged = Array(rejects[firstPayment...]) + duplicates
        merged.sort { $0.line < $1.line }
        rejects.replaceSubrange(firstPayment..., with: merged)
    }
    var portfolio = Portfolio(accounts: table, payments: paymentTable, rejects: rejects,
                              accountRows: accountRows, paymentRows: paymentRows)
    portfolio.accountsFingerprint = accounts.fingerprint
    portfolio.paymentsFingerprint = payments.fingerprint
    return portfolio
}

extension PaymentsReader {
    /// The same columns over another reader (a piece of the file).
    init(piece: CSVReader, of template: PaymentsReader) {
        reader = piece
        file = template.file
        header = template.header
        idColumn = template.idColumn
        dateColumn = template.dateColumn
        dueColumn = template.dueColumn
        paidColumn = template.paidColumn
    }

    /// `read(ids:rejects:)` on all cores: the data rows after the header, cut into
    /// pieces that run the same row code concurrently (`readPieces`), merged in order.
    /// `ids` is only looked up, never changed, while the pieces run.
    mutating func readInPieces(ids: AccountIDTable, rejects: inout [Reject],
                               layout: ParallelReadLayout) throws(InputError) -> (PaymentTable, Int) {
        let template = UncheckedSendable(value: self)
        let table = UncheckedSendable(value: ids)
        var t = PaymentTable()
        var rows = 0
        var reserved = false
        let fileSize = reader.knownSize
        let startOffset = reader.bytesConsumed
        try readPieces(of: reader, layout: layout, parse: { piece throws(InputError) in
            var pieceReader = PaymentsReader(piece: piece, of: template.value)
            var pieceRejects: [Reject] = []
            // A piece's rows fit in its bytes / 17 (the shortest valid row is 17 bytes).
            var columns = StatementColumns(capacity: (piece.knownSize ?? 1 << 16) / 17 + 16)
            do throws(InputError) {
                let pieceRows = try pieceReader.readColumns(ids: table.value, rejects: &pieceRejects, into: &columns)
                return (OwnedStatementColumns(columns), pieceRows, pieceRejects, piece.bytesConsumed)
            } catch {
                columns.deallocate()
                throw error
            }
        }, merge: { (result: (OwnedStatementColumns, Int, [Reject], Int), firstLine: Int) in
            let (owned, pieceRows, pieceRejects, bytes) = result
            if !reserved, pieceRows >= 1024, let size = fileSize, bytes > 0 {
                // Room for the whole file at this piece's bytes per row (+2 %), once.
                let estimate = Int(Double(size - startOffset) / Double(bytes) * Double(pieceRows) * 1.02) + 16
                t.reserve(estimate)
                reserved = true
            }
            owned.columns.shiftLines(by: firstLine)
            owned.columns.append(to: &t)
            rows += pieceRows
            for var r in pieceRejects {
                r.line += firstLine
                rejects.append(r)
            }
        })
        return (t, rows)
    }
}

extension AccountsReader {
    /// The same columns and options over another reader (a piece of the file).
    init(piece: CSVReader, of template: AccountsReader) {
        reader = piece
        file = template.file
        options = template.options
        header = template.header
        column = template.column
        extras = template.extras
        weights = template.weights
    }

    /// What one piece of the accounts file produced: per data row its outcome, values,
    /// line (relative to the piece) and, for valid rows, its extra cells.
    struct PieceRows {
        var outcomes: [RowOutcome] = []
        var values: [ParsedAccount] = []
        var lines: [Int] = []
        var extraCells: [ExtraCell] = []
        var bytes = 0
    }

    /// `read(ids:rejects:)` on all cores: the cell checks of every row (`parseCells`)
    /// run concurrently on pieces of the file (`readPieces`); the id checks and appends
    /// (`accept`) then run in file order, so rows, lines, rejects and the id table are
    /// exactly those of the one-pass reader. `ids` is untouched while pieces run.
    mutating func readInPieces(ids: AccountIDTable, rejects: inout [Reject],
                               layout: ParallelReadLayout) throws(InputError) -> (AccountTable, Int) {
        var t = AccountTable()
        for c in AccountColumn.allCases where !c.isRequired && column[c.rawValue] >= 0 {
            t.presentColumns.insert(c.name)
        }
        let labelsPresent = column[AccountColumn.daysToRecovery.rawValue] >= 0
            && (column[AccountColumn.recovered.rawValue] >= 0 || column[AccountColumn.outcome.rawValue] >= 0)
        var labelsValid = labelsPresent
        var extraState = ExtraState(count: extras.count)
        var rows = 0
        var reserved = false
        let fileSize = reader.knownSize
        let startOffset = reader.bytesConsumed
        let template = UncheckedSendable(value: self)
        let width = extras.count
        try readPieces(of: reader, layout: layout, parse: { piece throws(InputError) in
            let r = AccountsReader(piece: piece, of: template.value)
            var out = PieceRows()
            var cells: [ExtraCell] = []
            while true {
                let status = try piece.next()
                if status == .end { break }
                var a = ParsedAccount()
                let outcome = r.parseCells(status: status, into: &a, extras: &cells)
                out.outcomes.append(outcome)
                out.values.append(a)
                out.lines.append(piece.line)
                if case .valid = outcome { out.extraCells.append(contentsOf: cells) }
            }
            out.bytes = piece.bytesConsumed
            return out
        }, merge: { (piece: PieceRows, firstLine: Int) in
            let n = piece.outcomes.count
            if !reserved, n >= 256, let size = fileSize, piece.bytes > 0 {
                let estimate = Int(Double(size - startOffset) / Double(piece.bytes) * Double(n) * 1.02) + 16
                t.reserve(estimate)
                ids.reserve(estimate)
                reserved = true
            }
            var cell = 0
            for i in 0..<n {
                let outcome = piece.outcomes[i]
                var taken = 0
                if case .valid = outcome { taken = width }
                accept(outcome, piece.values[i], line: firstLine + piece.lines[i],
                       extraCells: piece.extraCells[cell..<(cell + taken)], into: &t, ids: ids, rejects: &rejects,
                       labelsValid: &labelsValid, extras: &extraState)
                cell += taken
            }
            rows += n
        })
        try finish(rows: rows, into: &t, ids: ids, rejects: &rejects, labelsValid: labelsValid,
                   labelsPresent: labelsPresent, extras: extraState)
        return (t, rows)
    }
}

/// A piece's statement columns handed to the merge; freed with the last reference, so a
/// piece result the merge discards (parsed again from its true start) is freed too.
final class OwnedStatementColumns {
    var columns: StatementColumns
    init(_ columns: StatementColumns) { self.columns = columns }
    deinit { columns.deallocate() }
}
