import PortfolioIO

/// A promise's status as of a day (see `PromisePolicy`).
public enum PromiseStatus: String, Sendable, CaseIterable {
    case open, kept, broken
}

/// A promise resolved against the payments file as of a day.
public struct PromiseOutcome: Sendable, Equatable {
    public var record: PromiseRecord
    public var status: PromiseStatus
    /// Σ amount_paid on the statements dated promisedOn … min(due + grace, as-of), currency.
    public var paid: Double
    /// Last day a payment counts: due + grace_days.
    public var deadline: Int32

    public init(record: PromiseRecord, status: PromiseStatus, paid: Double, deadline: Int32) {
        self.record = record
        self.status = status
        self.paid = paid
        self.deadline = deadline
    }

    /// First broken day (deadline + 1).
    public var brokenFrom: Int32 { deadline + 1 }
}

extension PromisePolicy {
    /// Resolves every promise against `payments` as of `asOf` (statements dated after
    /// as-of never count), in the order given.
    ///
    /// - Complexity: O(P + S) for P promises and S statements (one pass over the
    ///   statements of accounts that have a promise).
    public func resolve(_ promises: [PromiseRecord], payments: PaymentTable, asOf: Int32) -> [PromiseOutcome] {
        guard !promises.isEmpty else { return [] }
        // Slot of each account that has a promise, so the pass over the statements does
        // one array read per statement.
        let accounts = Int(promises.map(\.account).max()!) + 1
        var slot = [Int32](repeating: -1, count: max(accounts, 1))
        var lists: [[(day: Int32, paid: Double)]] = []
        for p in promises where slot[Int(p.account)] < 0 {
            slot[Int(p.account)] = Int32(lists.count)
            lists.append([])
        }
        for s in 0..<payments.count {
            let a = Int(payments.accountIndex[s])
            guard a < accounts, slot[a] >= 0, payments.date[s] <= asOf else { continue }
            lists[Int(slot[a])].append((payments.date[s], payments.amountPaid[s]))
        }
        return promises.map { p in
            let deadline = p.due + Int32(graceDays)
            let last = min(deadline, asOf)
            var paid = 0.0
            for s in lists[Int(slot[Int(p.account)])] where s.day >= p.promisedOn && s.day <= last { paid += s.paid }
            let status: PromiseStatus = paid >= p.amount * (1 - tolerance) ? .kept : asOf > deadline ? .broken : .open
            return PromiseOutcome(record: p, status: status, paid: paid, deadline: deadline)
        }
    }

    /// The follow-up rule of one account from its resolved promises: `promiseDue` when
    /// an open promise is due on as-of, else `promiseBroken` when one broke within the
    /// last `followUpBrokenDays` days, else nil. Returns the promise that decided it.
    public func followUp(_ outcomes: some Sequence<PromiseOutcome>, asOf: Int32) -> (rule: Rule, promise: PromiseOutcome)? {
        var broken: PromiseOutcome?
        for o in outcomes {
            if o.status == .open && o.record.due == asOf { return (.promiseDue, o) }
            if o.status == .broken && Int(asOf) - Int(o.brokenFrom) < followUpBrokenDays,
               broken.map({ o.brokenFrom > $0.brokenFrom }) ?? true {
                broken = o
            }
        }
        return broken.map { (.promiseBroken, $0) }
    }
}
