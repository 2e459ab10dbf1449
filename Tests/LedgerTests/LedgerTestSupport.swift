import Foundation
import PortfolioIO
import Prioritizer
@testable import Ledger

/// A small book for ledger tests: accounts with balance 1000 and p 0.5 (net value 495),
/// ids `A1`…`An`, states as given.
struct LedgerBook {
    var accounts = AccountTable()
    var payments = PaymentTable()

    init(states: [String]) {
        let n = states.count
        accounts.accountID = (1...n).map { "A\($0)" }
        accounts.balance = Array(repeating: 1000, count: n)
        accounts.daysPastDue = Array(repeating: 30, count: n)
        accounts.state = states
        accounts.sourceLine = (0..<n).map { $0 + 2 }
        // Every hold-flag column present (all 0), so the rule-input checks pass.
        accounts.bankruptcy = Array(repeating: false, count: n)
        accounts.ceaseAndDesist = accounts.bankruptcy
        accounts.dispute = accounts.bankruptcy
        accounts.deceased = accounts.bankruptcy
        accounts.lastPaymentDate = Array(repeating: CalendarDay.missing, count: n)
        accounts.presentColumns = ["state", "bankruptcy", "cease_and_desist", "dispute", "deceased", "last_payment_date"]
    }

    var portfolio: Portfolio {
        Portfolio(accounts: accounts, payments: payments, rejects: [], accountRows: accounts.count, paymentRows: payments.count)
    }

    func scores(p: [Double]? = nil) -> ModelOutputs {
        let n = accounts.count
        return ModelOutputs(horizonDays: 90, pRecover: p ?? Array(repeating: 0.5, count: n), horizons: [90],
                            recoveredBy: Array(repeating: 0.4, count: n), medianDays: Array(repeating: 60, count: n),
                            scorePoints: Array(repeating: 600, count: n))
    }

    mutating func statement(account: Int, day: String, due: Double, paid: Double) {
        payments.accountIndex.append(Int32(account))
        payments.date.append(CalendarDay.parse(day)!)
        payments.amountDue.append(due)
        payments.amountPaid.append(paid)
    }

    func rank(_ facts: ContactFacts, policy: Policy = Policy(), asOf: String, capacity: Int = 100) throws -> WorklistResult {
        try Prioritizer(policy: policy).rank(portfolio, asOf: CalendarDay(asOf)!, scores: scores(), capacity: capacity,
                                             contacts: facts)
    }
}

/// A fresh ledger file in a temporary directory.
func temporaryLedger(_ name: String = "ledger") throws -> (Ledger, URL) {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("arrears-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return (try Ledger(path: dir.appendingPathComponent("arrears.db").path, create: true), dir)
}

func write(_ text: String, to dir: URL, _ name: String) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func day(_ s: String) -> Int32 { CalendarDay.parse(s)! }
