import PortfolioIO

/// A level of a categorical column: a named training level, or the `other` bucket
/// (levels rarer than `FeatureOptions.minLevelCount` in training and levels unseen in
/// training). A cell whose text is literally `other` is a named level like any other
/// when it is common enough (its label is quoted, `'other'`, to keep it apart).
public enum CategoryLevel: Codable, Sendable, Hashable {
    case named(String)
    case other

    /// The text after `=` in the column name; an empty cell is shown as `(empty)`.
    public var label: String {
        switch self {
        case .named(let s): return s.isEmpty ? "(empty)" : s == "other" ? "'other'" : s
        case .other: return "other"
        }
    }
}

/// What an output column holds.
public enum FeatureKind: Codable, Sendable, Equatable {
    /// A feature computed from the schema columns and the statements.
    case builtin(BuiltinFeature)
    /// An extra numeric account column passed through; missing cells (NaN) become
    /// `median`, the median of the training values present.
    case numeric(column: String, median: Double)
    /// 1 when the extra numeric column's cell is missing (or not a number), else 0.
    case missingIndicator(column: String)
    /// 1 when the categorical column (`product` or an extra text column) maps to
    /// `level`, else 0.
    case oneHot(column: String, level: CategoryLevel)
}

/// One output column of the feature matrix.
public struct FeatureColumn: Codable, Sendable, Equatable {
    /// Unique output name: the built-in name, the extra column's header name,
    /// `<name>_missing`, or `<column>=<level>`.
    public var name: String
    public var kind: FeatureKind
    /// One-line definition.
    public var definition: String
    /// Unit of the raw value.
    public var unit: String
    /// Template of the reason text; see `FeatureSpec.reasonText(_:_:)`.
    public var reasonTemplate: String
    /// Mean of the column over the training accounts.
    public var mean: Double
    /// Population standard deviation (÷ n) over the training accounts; > 0, since
    /// constant columns are dropped.
    public var standardDeviation: Double
    /// Bounds the raw value is clamped to, from the training distribution; nil when the
    /// feature keeps its exact definition (and in specs written before caps existed).
    public var cap: FeatureCap? = nil
}

/// A feature capped at training quantiles: value ↦ min(max(value, low), high), with low
/// and high the q and 1 − q quantiles (R type 7) of the training accounts' values. The
/// mean and SD of the column are those of the capped values; reason texts say "capped".
public struct FeatureCap: Codable, Sendable, Equatable {
    /// q, the lower tail share cut (the upper is 1 − q).
    public var quantile: Double
    public var low: Double
    public var high: Double

    public init(quantile: Double, low: Double, high: Double) {
        self.quantile = quantile
        self.low = low
        self.high = high
    }

    /// The capped value.
    @inline(__always)
    public func apply(_ value: Double) -> Double { Swift.min(Swift.max(value, low), high) }

    /// Whether `value` (already capped) sits on a bound.
    public func isCapped(_ value: Double) -> Bool { value <= low || value >= high }
}

/// How a categorical column is encoded.
///
/// `levels` are the training levels with at least `minLevelCount` accounts (the text
/// `other` included: a real level, apart from the bucket), sorted by name in UTF-8 byte order (= Unicode code point order, as
/// Python's `sorted`); the `other` bucket always sorts after them. The first level of
/// that list (`reference`) gets no column: it is the first named level, or `other`
/// when no level qualified. An `other` column is therefore present whenever a named
/// level exists and some training account fell into `other`; when none did, its
/// column is constant 0 in training, dropped and listed in `droppedConstant`, and an
/// unseen level at scoring time gets all zeros (the reference level's contribution).
public struct CategoricalEncoding: Codable, Sendable, Equatable {
    /// The column name as written in the training header (`product` for the schema column).
    public var column: String
    /// Qualifying named levels, sorted.
    public var levels: [String]
    /// The level without a column.
    public var reference: CategoryLevel
    /// Training accounts in each of `levels`, then in `other` (last entry).
    public var trainingCounts: [Int]
}

/// The feature specification learned from a training portfolio: everything needed to
/// rebuild the identical columns at scoring time (DESIGN §3, §5).
///
/// Column order: the core built-ins, the `product=…` one-hot columns, the extended
/// built-ins, then each extra account column in header order (numeric value and its
/// `_missing` indicator, or its one-hot columns). Columns that are constant on the
/// training data are left out and named in `droppedConstant`.
public struct FeatureSpec: Codable, Sendable, Equatable {
    /// Format version of this structure.
    public var version: Int
    /// The as-of day number of the training portfolio.
    public var fittedAsOf: Int32
    /// Accounts in the training portfolio.
    public var trainingAccounts: Int
    /// The options the spec was fitted with.
    public var options: FeatureOptions
    /// Output columns in order.
    public var columns: [FeatureColumn]
    /// Encodings of the categorical columns that have at least one output column or
    /// were considered (in column order).
    public var categoricals: [CategoricalEncoding]
    /// Names of candidate columns constant on the training data, in candidate order.
    public var droppedConstant: [String]
    /// The names of `options.ignore`, as spelled in the training data.
    public var ignored: [String]

    /// Output column names in order.
    public var names: [String] { columns.map(\.name) }
    /// Number of output columns.
    public var count: Int { columns.count }

    public static let currentVersion = 1
}

extension FeatureSpec {
    /// Fits the specification on a training portfolio as of `asOf` (a `CalendarDay`
    /// day number). See `fitTransform` for the training matrix in the same pass.
    public static func fit(_ portfolio: Portfolio, asOf: CalendarDay,
                           options: FeatureOptions = FeatureOptions()) throws(FeatureError) -> FeatureSpec {
        try fitTransform(portfolio, asOf: asOf, options: options).spec
    }

    /// Fits the specification and returns the training feature matrix, identical to
    /// `spec.apply(to: portfolio, asOf: asOf)`, computed once.
    ///
    /// Steps: validate the tables; resolve `ignore`; count categorical levels; take
    /// medians of the extra numeric columns; build every candidate column; compute
    /// the candidate matrix with the same kernel `apply` uses; drop constant columns
    /// (all training values equal, or a standard deviation that is 0 or subnormal:
    /// constant to machine precision); record means and population SDs.
    /// - Complexity: O(statements + accounts × columns) plus O(n log n) per extra
    ///   numeric column for its median.
    public static func fitTransform(_ portfolio: Portfolio, asOf: CalendarDay,
                                    options: FeatureOptions = FeatureOptions())
        throws(FeatureError) -> (spec: FeatureSpec, matrix: FeatureMatrix)
    {
        guard options.minLevelCount >= 1 else {
            throw FeatureError(code: .invalidOption,
                               message: "minLevelCount must be at least 1, got \(options.minLevelCount).")
        }
        let accounts = portfolio.accounts
        try validate(portfolio)
        guard accounts.count > 0 else {
            throw FeatureError(code: .emptyTrainingData,
                               message: "the training portfolio has no valid accounts; nothing to fit features on.")
        }

        // Extra columns are matched case-insensitively at scoring time: their names must
        // differ in more than case.
        var extraKeys = Set<String>()
        for extra in accounts.extraColumns where !extraKeys.insert(extra.name.lowercased()).inserted {
            throw FeatureError(
                code: .duplicateFeatureName,
                message: "two extra account columns are named '\(extra.name)' (names are matched case-insensitively); rename one of them.",
                featureName: extra.name)
        }

        // Resolve ignore names.
        var builtinNames: [String: BuiltinFeature] = [:]
        for b in BuiltinFeature.allCases { builtinNames[b.name] = b }
        var ignoredBuiltins = Set<BuiltinFeature>()
        var ignoreProduct = false
        var ignoredExtras = Set<String>()  // lower-cased
        var ignored: [String] = []
        var unknown: [String] = []
        for raw in options.ignore {
            let key = raw.lowercased()
            if let b = builtinNames[key] {
                ignoredBuiltins.insert(b); ignored.append(b.name)
            } else if key == "product" {
                ignoreProduct = true; ignored.append("product")
            } else if let extra = accounts.extraColumns.first(where: { $0.name.lowercased() == key }) {
                ignoredExtras.insert(key); ignored.append(extra.name)
            } else {
                unknown.append(raw)
            }
        }
        if !unknown.isEmpty {
            let valid = BuiltinFeature.allCases.map(\.name) + ["product"] + accounts.extraColumns.map(\.name)
            throw FeatureError(
                code: .unknownIgnoredColumn,
                message: "cannot ignore \(unknown.map { "'\($0)'" }.joined(separator: ", ")): no such feature or column; valid names are \(valid.joined(separator: ", ")).",
                featureName: unknown[0])
        }

        var candidates: [FeatureColumn] = []
        var categoricals: [CategoricalEncoding] = []
        func add(_ name: String, _ kind: FeatureKind, _ definition: String, _ unit: String, _ reason: String) {
            candidates.append(FeatureColumn(name: name, kind: kind, definition: definition, unit: unit,
                                            reasonTemplate: reason, mean: 0, standardDeviation: 0))
        }
        func addBuiltins(_ list: [BuiltinFeature]) {
            for b in list where !ignoredBuiltins.contains(b) {
                add(b.name, .builtin(b), b.definition, b.unit, b.reasonTemplate)
            }
        }
        func addCategorical(column: String, values: [String], rows: Int) {
            let encoding = encodeCategorical(column: column, values: values, rows: rows,
                                             minCount: options.minLevelCount)
            categoricals.append(encoding)
            var all = encoding.levels.map(CategoryLevel.named)
            all.append(.other)
            for level in all where level != encoding.reference {
                add("\(column)=\(level.label)", .oneHot(column: column, level: level),
                    "1 when \(column) is \(level == .other ? "a level outside the training levels (rare, unseen or 'other')" : "'\(level.label)'"), else 0; reference level \(encoding.reference.label)",
                    "indicator", level == .other ? "\(column) is an uncommon value" : "\(column) is \(level.label)")
            }
        }

        addBuiltins(BuiltinFeature.core)
        if !ignoreProduct {
            addCategorical(column: "product", values: accounts.product, rows: accounts.count)
        }
        if options.includeExtendedHistory { addBuiltins(BuiltinFeature.extended) }
        for extra in accounts.extraColumns where !ignoredExtras.contains(extra.name.lowercased()) {
            if extra.isNumeric {
                var present = extra.numeric.filter { !$0.isNaN }
                let median = medianInPlace(&present)
                add(extra.name, .numeric(column: extra.name, median: median),
                    "extra column \(extra.name) as given; missing → training median \(median)",
                    "as in the input", "\(extra.name) is {level} ({value})")
                if present.count < extra.numeric.count {
                    add("\(extra.name)_missing", .missingIndicator(column: extra.name),
                        "1 when \(extra.name) is missing or not a number, else 0",
                        "indicator", "\(extra.name) is missing")
                }
            } else {
                addCategorical(column: extra.name, values: extra.text, rows: accounts.count)
            }
        }

        // Unique output names.
        var seen = Set<String>()
        for c in candidates where !seen.insert(c.name).inserted {
            throw FeatureError(
                code: .duplicateFeatureName,
                message: "two feature columns would be named '\(c.name)'; rename the extra account column or leave it out with ignore.",
                featureName: c.name)
        }

        var spec = FeatureSpec(version: currentVersion, fittedAsOf: asOf.dayNumber, trainingAccounts: accounts.count,
                               options: options, columns: candidates, categoricals: categoricals,
                               droppedConstant: [], ignored: ignored)
        var matrix = try spec.applyCandidates(to: portfolio, asOf: asOf)

        // Caps at training quantiles: the currency-scaled extended features always, every
        // numeric feature with `capQuantile`; then the matrix is clamped like `apply` does.
        for j in spec.columns.indices {
            let q: Double?
            switch spec.columns[j].kind {
            case .builtin(let b): q = options.capQuantile ?? (b.isCurrencyScaled ? extendedCapQuantile : nil)
            case .numeric: q = options.capQuantile
            case .missingIndicator, .oneHot: q = nil
            }
            guard let q else { continue }
            var column = (0..<matrix.rows).map { matrix.values[$0 * matrix.cols + j] }
            column.sort()
            let cap = FeatureCap(quantile: q, low: quantile(sorted: column, q), high: quantile(sorted: column, 1 - q))
            spec.columns[j].cap = cap
        }
        matrix.applyCaps(spec.columns.map(\.cap))

        // Column statistics, walking the row-major matrix in order.
        let stats = columnStatistics(matrix)
        var keep: [Int] = []
        for j in 0..<candidates.count {
            if stats.constant[j] {
                spec.droppedConstant.append(candidates[j].name)
            } else {
                keep.append(j)
                spec.columns[j].mean = stats.mean[j]
                spec.columns[j].standardDeviation = stats.sd[j]
            }
        }
        spec.columns = keep.map { spec.columns[$0] }
        matrix.keepColumns(keep)
        return (spec, matrix)
    }

    /// Checks that the columns of each table have one entry per row and that every
    /// payment points at an account row. Optional account columns may also be empty
    /// (treated as absent for every row).
    static func validate(_ portfolio: Portfolio) throws(FeatureError) {
        let a = portfolio.accounts, n = a.count
        func check(_ name: String, _ count: Int, optional: Bool) throws(FeatureError) {
            if count != n && !(optional && count == 0) {
                throw FeatureError(code: .inconsistentTable,
                                   message: "accounts column \(name) has \(count) values for \(n) accounts.",
                                   featureName: name)
            }
        }
        try check("balance", a.balance.count, optional: false)
        try check("days_past_due", a.daysPastDue.count, optional: false)
        try check("credit_limit", a.creditLimit.count, optional: true)
        try check("product", a.product.count, optional: true)
        for extra in a.extraColumns {
            try check(extra.name, extra.text.count, optional: false)
            try check(extra.name, extra.numeric.count, optional: false)
        }
        let p = portfolio.payments, m = p.count
        if p.date.count != m || p.amountDue.count != m || p.amountPaid.count != m {
            throw FeatureError(code: .inconsistentTable,
                               message: "payments columns have different lengths (account \(m), date \(p.date.count), amount_due \(p.amountDue.count), amount_paid \(p.amountPaid.count)).")
        }
    }

    /// Levels, reference and counts of one categorical column on the training data.
    static func encodeCategorical(column: String, values: [String], rows: Int, minCount: Int) -> CategoricalEncoding {
        var counts: [String: Int] = [:]
        if values.isEmpty {
            counts[""] = rows
        } else {
            for v in values { counts[v, default: 0] += 1 }
        }
        var levels: [String] = []
        var otherCount = 0
        for (level, count) in counts {
            if count >= minCount { levels.append(level) } else { otherCount += count }
        }
        levels.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return CategoricalEncoding(column: column, levels: levels,
                                   reference: levels.first.map(CategoryLevel.named) ?? .other,
                                   trainingCounts: levels.map { counts[$0]! } + [otherCount])
    }

    /// Median of the values (mean of the two middle ones for an even count); reorders
    /// `values`. NaN for an empty array (not reachable: a numeric column has a value).
    /// The share cut from each tail of a currency-scaled extended feature (`FeatureCap`).
    public static let extendedCapQuantile = 0.05

    static func medianInPlace(_ values: inout [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        values.sort()
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }

    /// Per column: mean, population SD (two passes) and whether all values are equal.
    static func columnStatistics(_ m: FeatureMatrix) -> (mean: [Double], sd: [Double], constant: [Bool]) {
        let rows = m.rows, cols = m.cols
        var sum = [Double](repeating: 0, count: cols)
        var constant = [Bool](repeating: true, count: cols)
        var sq = [Double](repeating: 0, count: cols)
        var mean = [Double](repeating: 0, count: cols)
        m.values.withUnsafeBufferPointer { v in
            guard rows > 0 else { return }
            for i in 0..<rows {
                let base = i * cols
                for j in 0..<cols {
                    let x = v[base + j]
                    sum[j] += x
                    if x != v[j] { constant[j] = false }
                }
            }
            for j in 0..<cols { mean[j] = sum[j] / Double(rows) }
            for i in 0..<rows {
                let base = i * cols
                for j in 0..<cols {
                    let d = v[base + j] - mean[j]
                    sq[j] += d * d
                }
            }
        }
        let sd = sq.map { rows > 0 ? ($0 / Double(rows)).squareRoot() : 0 }
        // A column whose values differ but whose SD underflows (values near 1e-300: the
        // squared deviations are below the smallest double) cannot be standardized: it
        // is constant to machine precision and dropped like a constant one.
        for j in 0..<cols where !sd[j].isNormal { constant[j] = true }
        return (mean, sd, constant)
    }
}

extension FeatureSpec {
    /// An unfitted spec of built-in columns only (default: all of them, core then
    /// extended), with mean 0 and SD 1 so standardization is the identity. For
    /// inspecting the raw built-in features and for checks against an independent
    /// pipeline; models use `fit`, which also drops constant columns.
    public static func builtins(_ features: [BuiltinFeature] = BuiltinFeature.core + BuiltinFeature.extended,
                                asOf: Int32 = 0) -> FeatureSpec {
        FeatureSpec(
            version: currentVersion, fittedAsOf: asOf, trainingAccounts: 0, options: FeatureOptions(),
            columns: features.map {
                FeatureColumn(name: $0.name, kind: .builtin($0), definition: $0.definition, unit: $0.unit,
                              reasonTemplate: $0.reasonTemplate, mean: 0, standardDeviation: 1)
            },
            categoricals: [], droppedConstant: [], ignored: [])
    }
}

/// The q-quantile (0 ≤ q ≤ 1) of ascending, non-empty `sorted` by linear interpolation
/// between order statistics (R's default, type 7): position q·(n − 1).
public func quantile(sorted: [Double], _ q: Double) -> Double {
    precondition(!sorted.isEmpty, "quantile: no values")
    let position = q * Double(sorted.count - 1)
    let lo = Int(position.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
    return sorted[lo] + (position - Double(lo)) * (sorted[hi] - sorted[lo])
}
