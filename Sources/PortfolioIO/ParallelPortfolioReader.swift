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
    let (table, accountRows) = try accountReader.read(ids: ids, rejects: &rejects)
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
            let (pieceTable, pieceRows) = try pieceReader.read(ids: table.value, rejects: &pieceRejects)
            return (pieceTable, pieceRows, pieceRejects, piece.bytesConsumed)
        }, merge: { (result: (PaymentTable, Int, [Reject], Int), firstLine: Int) in
            let (pieceTable, pieceRows, pieceRejects, bytes) = result
            if !reserved, pieceRows >= 1024, let size = fileSize, bytes > 0 {
                // Room for the whole file at this piece's bytes per row (+2 %), once.
                let estimate = Int(Double(size - startOffset) / Double(bytes) * Double(pieceRows) * 1.02) + 16
                t.reserve(estimate)
                reserved = true
            }
            t.accountIndex.append(contentsOf: pieceTable.accountIndex)
            t.date.append(contentsOf: pieceTable.date)
            t.amountDue.append(contentsOf: pieceTable.amountDue)
            t.amountPaid.append(contentsOf: pieceTable.amountPaid)
            t.sourceLine.append(contentsOf: pieceTable.sourceLine.lazy.map { Int32(clamping: Int($0) + firstLine) })
            rows += pieceRows
            for var r in pieceRejects {
                r.line += firstLine
                rejects.append(r)
            }
        })
        return (t, rows)
    }
}
