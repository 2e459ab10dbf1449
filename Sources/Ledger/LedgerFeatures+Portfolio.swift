import PortfolioIO
import Prioritizer

extension LedgerFeatures {
    /// The promise rules the features resolve promises with: always the defaults
    /// (`PromisePolicy()`: 3 days' grace, 1 % tolerance), whatever a run's policy says, so
    /// that a model's ledger features mean the same at training and at scoring time.
    public static let promiseRules = PromisePolicy()

    /// The ledger feature names among `columns` (the source columns a model's features
    /// read, matched case-insensitively), in `names` order.
    public static func used(by columns: [String]) -> [String] {
        let wanted = Set(columns.map { $0.lowercased() })
        return names.filter { wanted.contains($0) }
    }

    /// The features as extra numeric account columns (NaN where `LedgerFeatures` has no
    /// value: no promise resolved, never spoken to), named as in `names`; the text of a
    /// cell is the number as the CSV reader would print it back, "" for NaN.
    public var extraColumns: [ExtraColumn] {
        zip(Self.names, columns).map { name, values in
            ExtraColumn(name: name, text: values.map { $0.isNaN ? "" : ($0 == $0.rounded() ? String(Int($0)) : String($0)) },
                        numeric: values, isNumeric: true)
        }
    }
}

extension Ledger {
    /// Adds the ledger features of `portfolio`'s accounts as of `asOf` (events dated on
    /// or before that day only) as extra numeric account columns, so that `train` fits
    /// them like any extra column and `score`/`rank` find the columns a model trained on
    /// them needs.
    ///
    /// - Throws: `LedgerError.Code.badValue` when the accounts file already has a column
    ///   of one of the features' names (rename it or leave out the ledger); the ledger's
    ///   read errors.
    public func addFeatures(to portfolio: inout Portfolio, asOf: CalendarDay) throws(LedgerError) {
        let taken = Set(portfolio.accounts.extraColumns.map { $0.name.lowercased() })
        if let clash = LedgerFeatures.names.first(where: taken.contains) {
            throw LedgerError(code: .badValue, file: path,
                              message: "the accounts file already has a column '\(clash)', the name of a ledger feature; rename that column or run without --ledger")
        }
        let facts = try facts(for: portfolio.accounts, asOf: asOf.dayNumber)
        let features = LedgerFeatures(facts: facts, payments: portfolio.payments, asOf: asOf.dayNumber,
                                      promises: LedgerFeatures.promiseRules)
        portfolio.accounts.extraColumns += features.extraColumns
    }
}
