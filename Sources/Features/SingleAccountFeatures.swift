import PortfolioIO

/// A feature specification resolved once for computing one account's feature row at a
/// time (`arrears serve`'s score requests): the same values, bit for bit, as row 0 of
/// `FeatureSpec.apply(to:asOf:)` on a one-account portfolio whose accounts file has every
/// schema column and the extra columns `extraColumns`.
///
/// What `apply` resolves per portfolio — which built-in slot feeds which column, each
/// extra column's median and indicator, each categorical's level lookup and one-hot
/// columns, the caps — is resolved here once, so a row costs the history walk and a few
/// stores.
public struct SingleAccountFeaturePlan: Sendable {
    /// Features per row (the spec's columns).
    public let columns: Int
    /// The extra account columns the plan reads, in `SingleAccount.extraText` order.
    public let extraColumns: [String]
    /// Built-in slot → output column.
    struct Builtin: Sendable {
        var slot: Int
        var col: Int
    }
    let builtins: [Builtin]
    struct Numeric: Sendable {
        var extra: Int
        var median: Double
        var valueCol = -1
        var indicatorCol = -1
    }
    let numerics: [Numeric]
    struct Categorical: Sendable {
        var column: String
        /// Index into the extra columns, or −1 for the schema column `product`.
        var extra: Int
        var lookup: [String: Int]
        /// Output column per level code (−1: none); `other` has the last code.
        var colForCode: [Int]
        /// The one-hot columns (cleared before the account's level is set).
        var outputs: [Int]
        var otherHadTrainingRows: Bool
    }
    let categoricals: [Categorical]
    struct Cap: Sendable {
        var col: Int
        var cap: FeatureCap
    }
    let caps: [Cap]
    /// Scratch size: built-in slots.
    static let slots = BuiltinFeature.allCases.count

    /// The plan of `spec` over accounts with the extra columns `extraColumns` (matched
    /// ignoring case, as `apply` matches the accounts file's columns); nil when the spec
    /// reads an extra column not among them (`apply` would throw `missingColumn`).
    public init?(spec: FeatureSpec, extraColumns: [String]) {
        self.columns = spec.count
        self.extraColumns = extraColumns
        let keys = extraColumns.map { $0.lowercased() }
        var builtins: [Builtin] = []
        var numerics: [Numeric] = [], numericIndex: [String: Int] = [:]
        var categoricals: [Categorical] = [], categoricalIndex: [String: Int] = [:]
        func extra(_ name: String) -> Int? { keys.firstIndex(of: name.lowercased()) }
        // The loop of `ApplyPlan.init`, resolving to indices instead of arrays.
        for (j, column) in spec.columns.enumerated() {
            switch column.kind {
            case .builtin(let b):
                builtins.append(Builtin(slot: b.slot, col: j))
            case .numeric(let name, _), .missingIndicator(let name):
                let k: Int
                if let existing = numericIndex[name] {
                    k = existing
                } else {
                    guard let e = extra(name) else { return nil }
                    numerics.append(Numeric(extra: e, median: .nan))
                    k = numerics.count - 1
                    numericIndex[name] = k
                }
                if case .numeric(_, let median) = column.kind {
                    if !median.isNaN { numerics[k].median = median }
                    numerics[k].valueCol = j
                } else {
                    numerics[k].indicatorCol = j
                }
            case .oneHot(let name, let level):
                let k: Int
                if let existing = categoricalIndex[name] {
                    k = existing
                } else {
                    guard let encoding = spec.categoricals.first(where: { $0.column == name }) else { return nil }
                    let source: Int
                    if name == "product" { source = -1 } else {
                        guard let e = extra(name) else { return nil }
                        source = e
                    }
                    var lookup: [String: Int] = [:]
                    for (code, l) in encoding.levels.enumerated() { lookup[l] = code }
                    categoricals.append(Categorical(column: name, extra: source, lookup: lookup,
                                                    colForCode: Array(repeating: -1, count: encoding.levels.count + 1),
                                                    outputs: [], otherHadTrainingRows: (encoding.trainingCounts.last ?? 0) > 0))
                    k = categoricals.count - 1
                    categoricalIndex[name] = k
                }
                let code: Int
                switch level {
                case .other: code = categoricals[k].colForCode.count - 1
                case .named(let l):
                    guard let c = categoricals[k].lookup[l] else { return nil }
                    code = c
                }
                categoricals[k].colForCode[code] = j
            }
        }
        for k in categoricals.indices { categoricals[k].outputs = categoricals[k].colForCode.filter { $0 >= 0 } }
        self.builtins = builtins
        self.numerics = numerics
        self.categoricals = categoricals
        caps = spec.columns.enumerated().compactMap { j, c in c.cap.map { Cap(col: j, cap: $0) } }
    }

    /// Writes the feature row of `account` as of `asOf` into `row` (`columns` values) and
    /// returns the categorical levels of the account that are not among the training
    /// levels (scored as `other`; `FeatureMatrix.unseenLevels` of the one-row matrix).
    ///
    /// The statements dated on or before `asOf` are taken in date order (ties in
    /// request order: the stable insertion sort of `apply`), the built-ins computed by
    /// the same history walk as `apply`, extra numbers replaced by the training median
    /// when missing (with their indicator), levels one-hot encoded, caps applied.
    /// - Precondition: `row.count == columns`, `account` has one cell per `extraColumns`.
    public func features(of account: SingleAccount, asOf: CalendarDay,
                         into row: UnsafeMutableBufferPointer<Double>) -> [UnseenLevels] {
        precondition(row.count == columns && account.extraText.count == extraColumns.count,
                     "SingleAccountFeaturePlan: a row or account of the wrong size")
        let day = asOf.dayNumber
        let n = account.statementDate.count
        account.statementDate.withUnsafeBufferPointer { date in
        account.statementDue.withUnsafeBufferPointer { due in
        account.statementPaid.withUnsafeBufferPointer { paid in
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: Swift.max(1, n)) { scratch in
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Self.slots) { feature in
            let slice = scratch.baseAddress!
            var used = 0
            for k in 0 ..< n where date[k] <= day { slice[used] = Int32(k); used += 1 }
            if used > 1 {
                for k in 1 ..< used {
                    let r = slice[k], d = date[Int(r)]
                    var j = k
                    while j > 0 && date[Int(slice[j - 1])] > d { slice[j] = slice[j - 1]; j -= 1 }
                    slice[j] = r
                }
            }
            // Empty columns have no base address; the walk reads none of them then.
            let dummyDate = Int32(0), dummyAmount = 0.0
            withUnsafePointer(to: dummyDate) { dd in
            withUnsafePointer(to: dummyAmount) { da in
                historyFeatures(UnsafePointer(slice), count: used, date: date.baseAddress ?? dd, due: due.baseAddress ?? da,
                                paid: paid.baseAddress ?? da, asOf: day, balance: account.balance,
                                daysPastDue: account.daysPastDue, creditLimit: account.creditLimit, into: feature)
            }
            }
            for pair in builtins { row[pair.col] = feature[pair.slot] }
        }
        }
        }
        }
        }
        for numeric in numerics {
            let x = account.extraNumeric[numeric.extra]
            if numeric.valueCol >= 0 { row[numeric.valueCol] = x.isNaN ? numeric.median : x }
            if numeric.indicatorCol >= 0 { row[numeric.indicatorCol] = x.isNaN ? 1 : 0 }
        }
        var unseen: [UnseenLevels] = []
        for categorical in categoricals {
            for col in categorical.outputs { row[col] = 0 }
            let text = categorical.extra < 0 ? account.product : account.extraText[categorical.extra]
            let code = categorical.lookup[text] ?? categorical.colForCode.count - 1
            let col = categorical.colForCode[code]
            if col >= 0 { row[col] = 1 }
            if categorical.lookup[text] == nil {
                unseen.append(UnseenLevels(column: categorical.column, rows: [0], texts: [text],
                                           otherHadTrainingRows: categorical.otherHadTrainingRows))
            }
        }
        for c in caps { row[c.col] = c.cap.apply(row[c.col]) }
        return unseen
    }
}
