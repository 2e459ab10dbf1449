import Dispatch
import PortfolioIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FeatureSpec {
    /// Builds the feature matrix of a portfolio as of `asOf` (a `CalendarDay` day
    /// number) with exactly this spec's columns, in its order. Nothing is refitted:
    /// categorical levels, medians and the column list come from the spec; a level not
    /// among the training levels maps to `other`; a missing numeric cell gets the
    /// training median.
    ///
    /// Payments dated after `asOf` are ignored and counted in
    /// `FeatureMatrix.statementsAfterAsOf`. The schema columns `credit_limit` and
    /// `product` are optional: an empty array means absent for every account (no
    /// limit → utilization 0; no product → the empty level, usually `other`).
    ///
    /// A level outside the spec's named levels (unseen in training, or rarer than the
    /// minimum count then) goes to `other` — a column when the training accounts had
    /// some `other`, else all zeros — and is listed in `FeatureMatrix.unseenLevels`, so it
    /// is counted and its reason says so; it is never explained as the reference level.
    ///
    /// - Throws: `FeatureError.Code.missingColumn` naming an extra account column the
    ///   spec uses that the portfolio lacks, or the schema column `credit_limit` or
    ///   `product` when the spec uses it (`utilization`, `product=…`) and the accounts file
    ///   does not have it (a model/feature mismatch, DESIGN §7);
    ///   `.inconsistentTable` when the tables disagree with themselves.
    /// - Complexity: O(statements + accounts × columns) time, with a stable counting
    ///   sort of the payments by account (one `Int32` per payment plus one offset per
    ///   account of extra memory; the scatter and its `Int32`s are skipped when the
    ///   payments are already grouped by account) and an insertion sort by date of each
    ///   account's rows in a per-chunk scratch buffer; accounts are processed in chunks
    ///   on all cores.
    public func apply(to portfolio: Portfolio, asOf: CalendarDay) throws(FeatureError) -> FeatureMatrix {
        try applyCandidates(to: portfolio, asOf: asOf, checkingSchemaColumns: true)
    }

    /// `apply`, optionally without the schema-column check: fitting computes every
    /// candidate column, the constant ones (utilization 0 without credit_limit) included,
    /// then drops them.
    func applyCandidates(to portfolio: Portfolio, asOf: CalendarDay,
                         checkingSchemaColumns: Bool = false) throws(FeatureError) -> FeatureMatrix {
        try Self.validate(portfolio)
        if checkingSchemaColumns { try checkSchemaColumns(portfolio.accounts) }
        let accounts = portfolio.accounts
        let plan = try ApplyPlan(spec: self, accounts: accounts)
        let groups = try StatementGroups(accountIndex: portfolio.payments.accountIndex, accounts: accounts.count)
        let rows = accounts.count, cols = columns.count
        // Uninitialized: `processChunk` writes every cell of its rows.
        var values = [Double](unsafeUninitializedCapacity: rows * cols) { _, initialized in initialized = rows * cols }
        let totals = computeRows(plan: plan, groups: groups, payments: portfolio.payments,
                                 accounts: accounts, asOf: asOf.dayNumber, cols: cols, into: &values)
        var matrix = FeatureMatrix(rows: rows, cols: cols, names: names, values: values, asOf: asOf,
                                   statementsUsed: totals.used, statementsAfterAsOf: totals.after,
                                   accountsWithoutStatements: totals.empty)
        matrix.applyCaps(columns.map(\.cap))
        matrix.unseenLevels = plan.categoricals.compactMap { $0.unseenLevels(rows: rows) }
        return matrix
    }
}

extension FeatureSpec {
    /// Stops when the spec uses an optional schema column the accounts file lacks: an
    /// absent `credit_limit` would read as utilization 0 and an absent `product` as one
    /// level for everybody. A column counts as absent when it is not in
    /// `AccountTable.presentColumns` and holds no value (a hand-built table may fill the
    /// array without listing the column).
    func checkSchemaColumns(_ accounts: AccountTable) throws(FeatureError) {
        func absent(_ name: String, hasValue: Bool) -> Bool {
            accounts.count > 0 && !accounts.presentColumns.contains(name) && !hasValue
        }
        if columns.contains(where: { $0.kind == .builtin(.utilization) }),
           absent("credit_limit", hasValue: accounts.creditLimit.contains { !$0.isNaN }) {
            throw FeatureError(
                code: .missingColumn,
                message: "the accounts file has no column 'credit_limit', which the model's feature 'utilization' uses; add the column, or retrain with 'utilization' ignored.",
                featureName: "credit_limit")
        }
        if columns.contains(where: { if case .oneHot("product", _) = $0.kind { true } else { false } }),
           absent("product", hasValue: accounts.product.contains { !$0.isEmpty }) {
            throw FeatureError(
                code: .missingColumn,
                message: "the accounts file has no column 'product', which the model's product=… features use; add the column, or retrain with 'product' ignored.",
                featureName: "product")
        }
    }
}

/// Statements grouped by account: the payment rows of account `a` are
/// `order[offsets[a] ..< offsets[a + 1]]`, in file order (a stable counting sort).
/// When the payments are already grouped by account (`accountIndex` non-decreasing, as
/// a generated or exported file usually is) the scatter is skipped: `order` stays
/// empty and the rows of account `a` are `offsets[a] ..< offsets[a + 1]` themselves.
struct StatementGroups {
    var offsets: [Int]
    var order: [Int32]
    /// The most payment rows of any one account (the per-chunk scratch size).
    var maxPerAccount: Int

    init(accountIndex: [Int32], accounts n: Int) throws(FeatureError) {
        let m = accountIndex.count
        var offsets = [Int](repeating: 0, count: n + 1)
        var bad = -1, grouped = true, maxPerAccount = 0
        accountIndex.withUnsafeBufferPointer { idx in
            offsets.withUnsafeMutableBufferPointer { off in
                var previous = Int.min
                for r in 0..<m {
                    let a = Int(idx[r])
                    if a < 0 || a >= n { bad = r; return }
                    if a < previous { grouped = false }
                    previous = a
                    off[a + 1] += 1
                }
                for a in 0..<n {
                    maxPerAccount = max(maxPerAccount, off[a + 1])
                    off[a + 1] += off[a]
                }
            }
        }
        if bad >= 0 {
            throw FeatureError(code: .inconsistentTable,
                               message: "payment row \(bad) has accountIndex \(accountIndex[bad]), outside the \(n) account rows.")
        }
        self.offsets = offsets
        self.maxPerAccount = maxPerAccount
        if grouped {
            self.order = []
            return
        }
        var cursor = offsets
        self.order = [Int32](unsafeUninitializedCapacity: m) { buf, initialized in
            accountIndex.withUnsafeBufferPointer { idx in
                cursor.withUnsafeMutableBufferPointer { cur in
                    for r in 0..<m {
                        let a = Int(idx[r])
                        buf[cur[a]] = Int32(truncatingIfNeeded: r)
                        cur[a] += 1
                    }
                }
            }
            initialized = m
        }
    }
}

/// Where each spec column's value comes from, resolved against one portfolio.
struct ApplyPlan: Sendable {
    /// (built-in feature slot, output column).
    var builtins: [(slot: Int, col: Int)] = []
    struct Numeric: Sendable {
        var values: [Double]
        var median: Double
        var valueCol = -1
        var indicatorCol = -1
    }
    var numerics: [Numeric] = []
    struct Categorical: Sendable {
        /// The column's name as in the spec.
        var column: String
        /// Text per account, or empty for "every account has the empty text".
        var values: [String]
        /// Training accounts in the `other` bucket (0: it has no column).
        var otherTrainingCount: Int
        /// Named level → code; `other` has code `levels.count`.
        var lookup: [String: Int]
        /// Output column per code (−1: the reference level or a dropped column).
        var colForCode: [Int]
    }
    var categoricals: [Categorical] = []

    init(spec: FeatureSpec, accounts: AccountTable) throws(FeatureError) {
        var numericIndex: [String: Int] = [:]
        var categoricalIndex: [String: Int] = [:]
        func extra(_ column: String) throws(FeatureError) -> ExtraColumn {
            let key = column.lowercased()
            guard let found = accounts.extraColumns.first(where: { $0.name.lowercased() == key }) else {
                throw FeatureError(
                    code: .missingColumn,
                    message: "the accounts file has no column '\(column)', which the model's features use; add the column or refit the model without it.",
                    featureName: column)
            }
            return found
        }
        for (j, column) in spec.columns.enumerated() {
            switch column.kind {
            case .builtin(let b):
                builtins.append((BuiltinFeature.allCases.firstIndex(of: b)!, j))
            case .numeric(let name, let median):
                let k = try numericSlot(name, median: median)
                numerics[k].valueCol = j
            case .missingIndicator(let name):
                let k = try numericSlot(name, median: .nan)
                numerics[k].indicatorCol = j
            case .oneHot(let name, let level):
                let k: Int
                if let existing = categoricalIndex[name] {
                    k = existing
                } else {
                    guard let encoding = spec.categoricals.first(where: { $0.column == name }) else {
                        preconditionFailure("spec has a one-hot column of \(name) without its encoding")
                    }
                    let values = name == "product" ? accounts.product : try extra(name).text
                    var lookup: [String: Int] = [:]
                    for (code, l) in encoding.levels.enumerated() { lookup[l] = code }
                    categoricals.append(Categorical(column: name, values: values,
                                                    otherTrainingCount: encoding.trainingCounts.last ?? 0, lookup: lookup,
                                                    colForCode: Array(repeating: -1, count: encoding.levels.count + 1)))
                    k = categoricals.count - 1
                    categoricalIndex[name] = k
                }
                let code: Int
                switch level {
                case .other: code = categoricals[k].colForCode.count - 1
                case .named(let l): code = categoricals[k].lookup[l]!
                }
                categoricals[k].colForCode[code] = j
            }
        }

        func numericSlot(_ name: String, median: Double) throws(FeatureError) -> Int {
            if let k = numericIndex[name] {
                if !median.isNaN { numerics[k].median = median }
                return k
            }
            numerics.append(Numeric(values: try extra(name).numeric, median: median))
            numericIndex[name] = numerics.count - 1
            return numerics.count - 1
        }
    }
}

extension ApplyPlan.Categorical {
    /// The accounts whose text is not a named level, or nil when there are none.
    func unseenLevels(rows: Int) -> UnseenLevels? {
        var found: [Int32] = [], texts: [String] = []
        if values.isEmpty {
            guard lookup[""] == nil, rows > 0 else { return nil }
            found = (0..<Int32(rows)).map { $0 }
            texts = Array(repeating: "", count: rows)
        } else {
            for (i, v) in values.enumerated() where lookup[v] == nil {
                found.append(Int32(i)); texts.append(v)
            }
        }
        guard !found.isEmpty else { return nil }
        return UnseenLevels(column: column, rows: found, texts: texts, otherHadTrainingRows: otherTrainingCount > 0)
    }
}

/// Pointers shared by the chunks of one `concurrentPerform`; each chunk writes only
/// its own rows of `out` and its own `totals` entry.
private struct KernelContext: @unchecked Sendable {
    var offsets: UnsafePointer<Int>
    /// nil when the payments are grouped by account (row = position).
    var order: UnsafePointer<Int32>?
    var maxPerAccount: Int
    var date: UnsafePointer<Int32>
    var due: UnsafePointer<Double>
    var paid: UnsafePointer<Double>
    var balance: UnsafePointer<Double>
    var dpd: UnsafePointer<Double>
    var limit: UnsafePointer<Double>?
    var out: UnsafeMutablePointer<Double>
    var totals: UnsafeMutablePointer<(used: Int, after: Int, empty: Int)>
}

extension FeatureSpec {
    /// Fills every cell of `values` (rows × cols) and returns the statement counts.
    fileprivate func computeRows(plan: ApplyPlan, groups: StatementGroups, payments: PaymentTable,
                                 accounts: AccountTable, asOf: Int32, cols: Int,
                                 into values: inout [Double]) -> (used: Int, after: Int, empty: Int) {
        let rows = accounts.count
        guard rows > 0 else { return (0, payments.count, 0) }
        let workers = ProcessInfoShim.activeProcessorCount
        let chunkCount = max(1, min(rows / 2048, workers * 16))
        var totals = [(used: Int, after: Int, empty: Int)](repeating: (0, 0, 0), count: chunkCount)
        let limits = accounts.creditLimit
        groups.offsets.withUnsafeBufferPointer { offsets in
        groups.order.withUnsafeBufferPointer { order in
        payments.date.withUnsafeBufferPointer { date in
        payments.amountDue.withUnsafeBufferPointer { due in
        payments.amountPaid.withUnsafeBufferPointer { paid in
        accounts.balance.withUnsafeBufferPointer { balance in
        accounts.daysPastDue.withUnsafeBufferPointer { dpd in
        limits.withUnsafeBufferPointer { limit in
        values.withUnsafeMutableBufferPointer { out in
        totals.withUnsafeMutableBufferPointer { tot in
            // Empty buffers may have a nil base address; give them a valid dummy.
            let dummyI32 = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
            let dummyD = UnsafeMutablePointer<Double>.allocate(capacity: 1)
            defer { dummyI32.deallocate(); dummyD.deallocate() }
            let context = KernelContext(
                offsets: offsets.baseAddress!,
                order: order.isEmpty ? nil : order.baseAddress, maxPerAccount: groups.maxPerAccount,
                date: date.baseAddress.map { UnsafePointer($0) } ?? UnsafePointer(dummyI32),
                due: due.baseAddress ?? UnsafePointer(dummyD),
                paid: paid.baseAddress ?? UnsafePointer(dummyD),
                balance: balance.baseAddress!, dpd: dpd.baseAddress!,
                limit: limit.isEmpty ? nil : limit.baseAddress,
                out: out.baseAddress!, totals: tot.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let lo = rows * chunk / chunkCount, hi = rows * (chunk + 1) / chunkCount
                processChunk(lo ..< hi, context: context, plan: plan, asOf: asOf, cols: cols,
                             totals: &context.totals[chunk])
            }
        }}}}}}}}}}
        return totals.reduce((0, 0, 0)) { ($0.used + $1.used, $0.after + $1.after, $0.empty + $1.empty) }
    }
}

/// Computes the rows `range` of the matrix, writing every cell of those rows (the
/// matrix is allocated uninitialized, so the pages are first touched by the core that
/// fills them). Built-ins row by row; then each extra column over the chunk's rows, so
/// its arrays are retained once per chunk, not once per row.
private func processChunk(_ range: Range<Int>, context c: KernelContext, plan: ApplyPlan, asOf: Int32,
                          cols: Int, totals: inout (used: Int, after: Int, empty: Int)) {
    let slotCount = BuiltinFeature.allCases.count
    plan.builtins.withUnsafeBufferPointer { builtins in
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, c.maxPerAccount)) { scratch in
    withUnsafeTemporaryAllocation(of: Double.self, capacity: slotCount) { feature in
        let slice = scratch.baseAddress!
        var used = 0, after = 0, empty = 0
        for i in range {
            let start = c.offsets[i], end = c.offsets[i + 1]
            // The statements dated on or before as-of, in file order.
            var n = 0
            for k in start ..< end {
                let r = c.order?[k] ?? Int32(truncatingIfNeeded: k)
                if c.date[Int(r)] <= asOf { slice[n] = r; n += 1 } else { after += 1 }
            }
            // Stable insertion sort by date (ties keep file order); O(n) when sorted.
            if n > 1 {
                for k in 1 ..< n {
                    let r = slice[k], d = c.date[Int(r)]
                    var j = k
                    while j > 0 && c.date[Int(slice[j - 1])] > d { slice[j] = slice[j - 1]; j -= 1 }
                    slice[j] = r
                }
            }
            used += n
            if n == 0 { empty += 1 }
            let limit = c.limit?[i] ?? .nan
            historyFeatures(UnsafePointer(slice), count: n, date: c.date, due: c.due, paid: c.paid, asOf: asOf,
                            balance: c.balance[i], daysPastDue: c.dpd[i], creditLimit: limit, into: feature)
            let row = c.out + i * cols
            for pair in builtins { row[pair.col] = feature[pair.slot] }
        }
        totals = (used, after, empty)
    }
    }
    }
    for numeric in plan.numerics {
        numeric.values.withUnsafeBufferPointer { values in
            for i in range {
                let row = c.out + i * cols, x = values[i]
                if numeric.valueCol >= 0 { row[numeric.valueCol] = x.isNaN ? numeric.median : x }
                if numeric.indicatorCol >= 0 { row[numeric.indicatorCol] = x.isNaN ? 1 : 0 }
            }
        }
    }
    for categorical in plan.categoricals {
        let outputs = categorical.colForCode.filter { $0 >= 0 }
        let otherCode = categorical.colForCode.count - 1
        categorical.colForCode.withUnsafeBufferPointer { colForCode in
            for i in range {
                let row = c.out + i * cols
                for col in outputs { row[col] = 0 }
                let code = categorical.values.isEmpty ? categorical.lookup[""] ?? otherCode
                    : categorical.lookup[categorical.values[i]] ?? otherCode
                let col = colForCode[code]
                if col >= 0 { row[col] = 1 }
            }
        }
    }
}

/// The built-in features of one account, in `BuiltinFeature.allCases` order, from its
/// `n` statements `rows[0..<n]` (payment row numbers sorted by date, oldest first).
/// Walks the statements once from the latest backwards (position 0 = latest). `date`,
/// `due` and `paid` are the payment columns the row numbers index.
@inline(__always)
func historyFeatures(_ rows: UnsafePointer<Int32>, count n: Int, date: UnsafePointer<Int32>, due dueColumn: UnsafePointer<Double>,
                     paid paidColumn: UnsafePointer<Double>, asOf: Int32,
                             balance: Double, daysPastDue: Double, creditLimit: Double,
                             into f: UnsafeMutableBufferPointer<Double>) {
    var due3 = 0.0, paid3 = 0.0, due6 = 0.0, paid6 = 0.0, due12 = 0.0, paid12 = 0.0
    var missed3 = 0, missed6 = 0, missed12 = 0
    var currentStreak = 0, streakOpen = true, run = 0, longest = 0
    var sincePayment = -1
    var fullDate: Int32 = CalendarDay.missing
    // paid_trend_6: slope = Σ (x − x̄)·y / Σ (x − x̄)², x = 0 (oldest) … w − 1 (latest).
    let w = min(6, n)
    let xBar = Double(w - 1) / 2
    var sxy = 0.0
    // pay_coverage_sd_12 (Welford) and full_pay_rate_12.
    var covCount = 0, covMean = 0.0, covM2 = 0.0, fullCount = 0
    for pos in 0 ..< n {
        let r = Int(rows[n - 1 - pos])
        let due = dueColumn[r], paid = paidColumn[r]
        let missed = paid < 0.1 * due
        if pos < 12 {
            due12 += due; paid12 += paid
            if missed { missed12 += 1 }
            if pos < 6 {
                due6 += due; paid6 += paid
                if missed { missed6 += 1 }
                sxy += (Double(w - 1 - pos) - xBar) * paid
                if pos < 3 {
                    due3 += due; paid3 += paid
                    if missed { missed3 += 1 }
                }
            }
            if due > 0 {
                let coverage = min(paid / due, 1)
                covCount += 1
                let delta = coverage - covMean
                covMean += delta / Double(covCount)
                covM2 += delta * (coverage - covMean)
                if paid >= due { fullCount += 1 }
            }
        }
        if missed {
            run += 1
            if run > longest { longest = run }
            if streakOpen { currentStreak += 1 }
        } else {
            run = 0
            streakOpen = false
        }
        if sincePayment < 0 && paid > 0 { sincePayment = pos }
        if fullDate == CalendarDay.missing && paid > 0 && paid >= due { fullDate = date[r] }
    }
    let paymentCap = BuiltinFeature.monthsSincePaymentCap
    let fullCap = BuiltinFeature.daysSinceFullPaymentCap
    f[BuiltinFeature.logBalance.slot] = log1p(balance)
    f[BuiltinFeature.dpdMonths.slot] = daysPastDue / 30
    f[BuiltinFeature.utilization.slot] = creditLimit > 0 ? balance / creditLimit : 0
    f[BuiltinFeature.monthsSincePayment.slot] = Double(sincePayment < 0 ? paymentCap : min(sincePayment, paymentCap))
    f[BuiltinFeature.payRatio3m.slot] = due3 > 0 ? paid3 / due3 : 0
    f[BuiltinFeature.payRatio6m.slot] = due6 > 0 ? paid6 / due6 : 0
    f[BuiltinFeature.payRatio12m.slot] = due12 > 0 ? paid12 / due12 : 0
    f[BuiltinFeature.missed3m.slot] = Double(missed3)
    f[BuiltinFeature.missed6m.slot] = Double(missed6)
    f[BuiltinFeature.missed12m.slot] = Double(missed12)
    f[BuiltinFeature.currentMissedStreak.slot] = Double(currentStreak)
    f[BuiltinFeature.longestMissedStreak.slot] = Double(longest)
    f[BuiltinFeature.nStatements.slot] = Double(n)
    let sxx = Double(w * (w * w - 1)) / 12
    f[BuiltinFeature.paidTrend6.slot] = w >= 2 ? sxy / sxx : 0
    f[BuiltinFeature.payCoverageSD12.slot] = covCount >= 2 ? (covM2 / Double(covCount)).squareRoot() : 0
    f[BuiltinFeature.daysSinceFullPayment.slot] = Double(fullDate == CalendarDay.missing ? fullCap : min(Int(asOf) - Int(fullDate), fullCap))
    f[BuiltinFeature.fullPayRate12.slot] = covCount > 0 ? Double(fullCount) / Double(covCount) : 0
}

/// The number of cores, without importing Foundation into the kernel.
enum ProcessInfoShim {
    static var activeProcessorCount: Int {
        #if canImport(Glibc) || canImport(Musl)
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? Int(n) : 1
        #else
        return 1
        #endif
    }
}

extension FeatureMatrix {
    /// Clamps column j to `caps[j]` where it has one (one pass over the capped columns).
    mutating func applyCaps(_ caps: [FeatureCap?]) {
        precondition(caps.count == cols, "applyCaps: \(caps.count) caps for \(cols) columns")
        let capped = caps.indices.filter { caps[$0] != nil }
        guard !capped.isEmpty else { return }
        let (n, p) = (rows, cols)
        values.withUnsafeMutableBufferPointer { v in
            for j in capped {
                let cap = caps[j]!
                for i in 0..<n { v[i * p + j] = cap.apply(v[i * p + j]) }
            }
        }
    }
}
