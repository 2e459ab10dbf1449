import PortfolioIO
@testable import Prioritizer

/// A hand-built scored portfolio ("book" of accounts) for the prioritizer tests: the
/// account columns, the model outputs and the accounts-file rejects, no CSV involved.
struct Book {
    var accounts = AccountTable()
    var p: [Double] = []
    var median: [Double] = []
    var points: [Double] = []
    var recoveredBy: [Double] = []
    var rejects: [Reject] = []
    var horizons = [30, 60, 90, 180]
    var horizonDays = 90
    var reasonCodes: [Int32] = []
    var reasonTexts: [String] = []

    init() {
        accounts.presentColumns = ["product", "state", "last_payment_date", "bankruptcy", "cease_and_desist",
                                   "dispute", "deceased", "calls_last_7d", "last_conversation_date"]
    }

    /// Adds an account and returns its row. Defaults: balance 1000, p 0.5 (EV 500, net
    /// 495 under the default policy), 30 days past due, paid 2025-12-01, no flags, no
    /// calls, no conversation — on the worklist as of 2026-01-01.
    @discardableResult
    mutating func add(_ id: String, balance: Double = 1000, p: Double = 0.5, dpd: Double = 30,
                      product: String = "", state: String = "", lastPayment: String? = "2025-12-01",
                      bankruptcy: Bool = false, ceaseAndDesist: Bool = false, dispute: Bool = false,
                      deceased: Bool = false, calls: Int32 = 0, lastConversation: String? = nil,
                      recoveredBy f: [Double]? = nil, median: Double = 45, points: Double = 600,
                      reasons: [Int32] = [-1, -1, -1]) -> Int {
        accounts.accountID.append(id)
        accounts.balance.append(balance)
        accounts.daysPastDue.append(dpd)
        accounts.creditLimit.append(.nan)
        accounts.product.append(product)
        accounts.state.append(state)
        accounts.lastPaymentDate.append(lastPayment.map { CalendarDay.parse($0)! } ?? CalendarDay.missing)
        accounts.bankruptcy.append(bankruptcy)
        accounts.ceaseAndDesist.append(ceaseAndDesist)
        accounts.dispute.append(dispute)
        accounts.deceased.append(deceased)
        accounts.callsLast7d.append(calls)
        accounts.lastConversationDate.append(lastConversation.map { CalendarDay.parse($0)! } ?? CalendarDay.missing)
        accounts.sourceLine.append(accounts.count + 1 + rejects.count)
        self.p.append(p)
        self.median.append(median)
        self.points.append(points)
        recoveredBy.append(contentsOf: f ?? horizons.map { Double($0) / 400 * p })
        reasonCodes.append(contentsOf: reasons)
        return accounts.count - 1
    }

    /// Adds a rejected accounts-file line.
    mutating func reject(line: Int, id: String = "", column: String? = "balance",
                         code: Reject.Code = .negativeValue, reason: String = "balance is -1.00; balances must be ≥ 0") {
        rejects.append(Reject(source: .accounts, file: "accounts.csv", line: line, column: column, code: code,
                              reason: reason, accountID: id))
    }

    /// Data rows of the accounts file: valid accounts plus distinct rejected lines.
    var rows: Int { accounts.count + Set(rejects.filter { $0.source == .accounts }.map(\.line)).count }

    var scores: ModelOutputs {
        ModelOutputs(horizonDays: horizonDays, pRecover: p, horizons: horizons, recoveredBy: recoveredBy,
                     medianDays: median, scorePoints: points,
                     reasons: ReasonCodes(codes: reasonCodes, texts: reasonTexts))
    }

    func rank(_ policy: Policy = Policy(), asOf: String = "2026-01-01", capacity: Int? = nil) throws -> WorklistResult {
        try Prioritizer(policy: policy).rank(Portfolio(accounts: accounts, payments: PaymentTable(), rejects: rejects,
                                                       accountRows: rows, paymentRows: 0),
                                             asOf: CalendarDay(asOf)!, scores: scores, capacity: capacity)
    }
}

extension WorklistResult {
    /// Class and rule of the account with id `id`.
    func outcome(_ id: String) -> (AccountClass, Rule) {
        let i = accounts.accountID.firstIndex(of: id)!
        return (accountClass[i], rule[i])
    }

    /// Worklist account ids in rank order.
    var worklistIDs: [String] { worklist.map { accounts.accountID[Int($0)] } }

    func text(_ format: OutputFormat = .csv, holds: Bool = false) -> String {
        String(decoding: holds ? holdsBytes(format: format) : worklistBytes(format: format), as: UTF8.self)
    }
}
