// Shared by every fuzz target: compiled together with the PortfolioIO sources into one
// module, so the harness can reach internal types (CSVReader, NumberParser, CalendarDay).

/// Stops the fuzzer with a message when an invariant of the reader does not hold; libFuzzer
/// records the input that caused it as a crash.
func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

/// A small valid accounts file (A1…A3) for the payments target.
let fuzzFixedAccounts = Array("account_id,balance,days_past_due,credit_limit,last_payment_date\nA1,100,5,500,2025-11-02\nA2,0,0,,\nA3,2500.75,95,3000,2024-02-29\n".utf8)

/// A small valid payments file for the accounts target (A2 and A9 may be absent).
let fuzzFixedPayments = Array("account_id,date,amount_due,amount_paid\nA1,2025-10-01,50,50\nA1,2025-11-01,50,0\nA2,2025-09-15,10,1e1\nA9,2025-01-01,1,1\n".utf8)

/// Reads the portfolio three ways: the one-pass reader with the default chunk size and
/// with a tiny one that splits every record across refills, and the parallel reader with
/// a tiny layout (blocks of a few bytes cut into pieces, so that nearly every record
/// straddles a seam). All three must give the same outcome, and the counts must add up.
func fuzzReadAllWays(accounts: [UInt8], payments: [UInt8], options: ReadOptions = ReadOptions()) {
    func sequential(chunk: Int) -> String {
        fuzzOutcome { () throws(InputError) in
            try readPortfolio(accounts: CSVReader(bytes: accounts, name: "accounts.csv", chunkSize: chunk),
                              payments: CSVReader(bytes: payments, name: "payments.csv", chunkSize: chunk),
                              options: options, layout: nil)
        }
    }
    let big = sequential(chunk: 4 << 20)
    let small = sequential(chunk: 7)
    fuzzCheck(big == small, "chunk size changed the outcome:\n\(big)\nvs\n\(small)")
    let n = accounts.count + payments.count
    let layout = ParallelReadLayout(blockSize: 16 + n % 61, piecesPerBlock: 2 + n % 5, overlap: 1 + n % 9)
    let parallel = fuzzOutcome { () throws(InputError) in
        try readPortfolio(accounts: CSVReader(bytes: accounts, name: "accounts.csv"),
                          payments: CSVReader(bytes: payments, name: "payments.csv"),
                          options: options, layout: layout)
    }
    fuzzCheck(big == parallel, "the parallel reader (\(layout)) differs:\n\(big)\nvs\n\(parallel)")
}

/// A comparable summary of a read: the error, or counts, ids and every reject.
func fuzzOutcome(_ read: () throws(InputError) -> Portfolio) -> String {
    let p: Portfolio
    do {
        p = try read()
    } catch {
        fuzzCheck(!error.file.isEmpty, "an InputError without a file")
        fuzzCheck(!error.message.isEmpty, "an InputError without a message")
        return "error \(error.code) \(error)"
    }
    fuzzCheck(p.accountRows == p.accounts.count + p.rejectedAccountRows,
          "accounts: \(p.accountRows) rows ≠ \(p.accounts.count) valid + \(p.rejectedAccountRows) rejected")
    fuzzCheck(p.paymentRows == p.payments.count + p.rejectedPaymentRows,
          "payments: \(p.paymentRows) rows ≠ \(p.payments.count) valid + \(p.rejectedPaymentRows) rejected")
    fuzzCheck(p.accounts.count > 0 || p.accountRows > 0, "an accounts file read without rows")
    for b in p.accounts.balance { fuzzCheck(b.isFinite && b >= 0, "balance \(b) accepted") }
    for d in p.accounts.daysPastDue { fuzzCheck(d.isFinite && d >= 0, "days_past_due \(d) accepted") }
    for c in p.accounts.creditLimit { fuzzCheck(c.isNaN || (c.isFinite && c > 0), "credit_limit \(c) accepted") }
    for i in 0..<p.payments.count {
        fuzzCheck(p.payments.amountDue[i].isFinite && p.payments.amountDue[i] >= 0, "amount_due accepted")
        fuzzCheck(p.payments.amountPaid[i].isFinite && p.payments.amountPaid[i] >= 0, "amount_paid accepted")
        let a = Int(p.payments.accountIndex[i])
        fuzzCheck(a >= 0 && a < p.accounts.count, "payment points at account row \(a)")
    }
    fuzzCheck(Set(p.accounts.accountID).count == p.accounts.count, "duplicate account ids accepted")
    for r in p.rejects { fuzzCheck(r.line >= 2, "reject on line \(r.line)"); fuzzCheck(!r.reason.isEmpty, "reject without reason") }
    var s = "rows \(p.accountRows) \(p.paymentRows) ids \(p.accounts.accountID) "
    s += "balances \(p.accounts.balance.map(\.bitPattern)) pay \(p.payments.accountIndex) \(p.payments.date)\n"
    for r in p.rejects { s += "\(r.source) \(r.line) \(r.column ?? "-") \(r.code) \(r.reason) [\(r.accountID)]\n" }
    return s
}
