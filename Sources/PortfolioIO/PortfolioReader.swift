/// Reads a portfolio (DESIGN §2, §7) from two CSV files; either path may be `-` for
/// standard input (not both).
///
/// Whole-file problems throw one `InputError`: a file that cannot be read, an empty
/// file, an accounts file with a header but no rows, a missing required column,
/// duplicate column names (compared case-insensitively), an empty/undecodable header
/// cell. A payments file with only its header is valid (no statements).
///
/// Row problems become `Reject`s and reading continues. Each rejected row gets exactly
/// one reject, for the first problem found: quoting, then the field count, then the cells
/// in schema order (the accounts columns as in DESIGN §2, then extra columns in header
/// order; payments: account_id, date, amount_due, amount_paid), then cross-row checks.
/// Hence `accountRows == accounts.count + rejectedAccountRows` and likewise for payments.
///
/// Decisions:
/// - Numbers, dates and flags may carry spaces/tabs around them; text cells are kept as
///   written (account_id `" A1"` ≠ `"A1"`). `state` is upper-cased (ASCII).
/// - `30.0` is a valid whole number (days_past_due, calls_last_7d); `30.5` is not.
/// - An account_id seen on an earlier row, valid or rejected, makes a later row a
///   `duplicate_id`; the first row keeps the id. Payments of an id whose first row was
///   rejected are `rejected_account`; of an id never seen, `unknown_account`.
/// - Empty optional cells: NaN (numbers), `CalendarDay.missing` (dates), "" (text),
///   false (flags), 0 (calls_last_7d).
/// - Extra columns of the payments file are not read.
/// - Blank lines are skipped and are not rows.
///
/// - Complexity: O(bytes) time; memory is the tables plus one 4 MiB read buffer (inputs
///   are streamed, never held whole).
public func readPortfolio(accountsPath: String, paymentsPath: String,
                          options: ReadOptions = ReadOptions()) throws(InputError) -> Portfolio {
    if accountsPath == "-" && paymentsPath == "-" {
        throw InputError(code: .bothFromStandardInput, file: "<stdin>",
                         message: "accounts and payments cannot both be read from standard input ('-'); give one as a file")
    }
    let accounts = try CSVReader(path: accountsPath)
    let payments = try CSVReader(path: paymentsPath)
    return try readPortfolio(accounts: accounts, payments: payments, options: options)
}

/// Reads a portfolio from bytes in memory (tests, data already loaded); `accountsName`
/// and `paymentsName` appear in errors and rejects. Same rules as the path version.
public func readPortfolio(accounts: [UInt8], payments: [UInt8],
                          accountsName: String = "accounts.csv", paymentsName: String = "payments.csv",
                          options: ReadOptions = ReadOptions(), chunkSize: Int = 4 << 20) throws(InputError) -> Portfolio {
    try readPortfolio(accounts: CSVReader(bytes: accounts, name: accountsName, chunkSize: chunkSize),
                      payments: CSVReader(bytes: payments, name: paymentsName, chunkSize: chunkSize),
                      options: options)
}

/// Reads a portfolio from two readers positioned at the start of their input.
/// Parses on all cores (`ParallelPortfolioReader.swift`; `parallel: false` for one pass).
public func readPortfolio(accounts: CSVReader, payments: CSVReader,
                          options: ReadOptions = ReadOptions()) throws(InputError) -> Portfolio {
    try readPortfolio(accounts: accounts, payments: payments, options: options, parallel: true)
}

// MARK: - Header

/// The header row: names as written (trimmed) and their lower-case keys.
struct Header {
    var names: [String]
    var keys: [String]

    /// The names for an error message: all of them up to 20, else the first 20 and the
    /// count ("a, b, … (100000 columns)"), so a huge header gives a short message.
    var listing: String {
        let shown = 20
        let visible = names.map(Self.visible)
        guard names.count > shown else { return visible.joined(separator: ", ") }
        return visible.prefix(shown).joined(separator: ", ") + ", … (\(names.count) columns)"
    }

    /// A header name as a message can show it: quoted when it has anything but plain
    /// printable ASCII, with invisible characters (a no-break space, a second byte-order
    /// mark, a control character) written as `<U+00A0>`, so the name that does not match
    /// can be seen.
    static func visible(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: { !($0.value >= 0x21 && $0.value < 0x7F) }) else { return name }
        var out = ""
        for u in name.unicodeScalars {
            if u.value >= 0x21 && u.value < 0x7F || (u.properties.isAlphabetic && u.value > 0x7F) {
                out.unicodeScalars.append(u)
            } else {
                let hex = String(u.value, radix: 16, uppercase: true)
                out += "<U+" + String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex + ">"
            }
        }
        return "'" + out + "'"
    }

    init(reader: CSVReader) throws(InputError) {
        let file = reader.displayName
        let status = try reader.next()
        switch status {
        case .end:
            throw InputError(code: .emptyFile, file: file, message: "the file is empty; expected a header row and data rows")
        case .unterminatedQuote, .textAfterClosingQuote:
            throw InputError(code: .badHeader, file: file, line: reader.line,
                             message: "the header row has a malformed quoted name")
        case .record:
            break
        }
        names = []
        keys = []
        var seen: [String: Int] = [:]
        for i in 0..<reader.fieldCount {
            let cell = Cell.trimmed(reader.field(i))
            if Cell.encodingProblem(cell, column: "header") != nil {
                throw InputError(code: .badHeader, file: file, line: reader.line,
                                 message: "header column \(i + 1) is not valid UTF-8 text; save the file as UTF-8")
            }
            let name = String(decoding: cell, as: UTF8.self)
            if name.isEmpty {
                throw InputError(code: .badHeader, file: file, line: reader.line,
                                 message: "header column \(i + 1) has no name; name it or remove the column")
            }
            let key = name.lowercased()
            if let first = seen[key] {
                throw InputError(code: .duplicateColumn, file: file, line: reader.line, column: name,
                                 message: "duplicate column '\(name)' (columns \(first + 1) and \(i + 1); names are compared ignoring case)")
            }
            seen[key] = i
            names.append(name)
            keys.append(key)
        }
    }

    func index(of key: String) -> Int? { keys.firstIndex(of: key) }
}

/// Estimated data rows of a file from the bytes the first `rows` rows took.
func estimatedRows(_ reader: CSVReader, rowsSoFar rows: Int) -> Int? {
    guard let size = reader.knownSize, rows > 0, reader.bytesConsumed > 0 else { return nil }
    let perRow = Double(reader.bytesConsumed) / Double(rows)
    return Int(Double(size) / perRow * 1.02) + 16
}

// MARK: - Accounts

struct AccountsReader {
    let reader: CSVReader
    let file: String
    let options: ReadOptions
    let header: Header
    /// Header index of each schema column, −1 when absent (or not read).
    var column = [Int](repeating: -1, count: AccountColumn.allCases.count)
    /// Header indices and names of the extra columns kept.
    var extras: [(index: Int, name: String)] = []
    /// The case-weight column (`ReadOptions.weightsColumn`): its index and header name.
    var weights: (index: Int, name: String)?

    init(reader: CSVReader, options: ReadOptions) throws(InputError) {
        self.reader = reader
        self.file = reader.displayName
        self.options = options
        header = try Header(reader: reader)
        for c in AccountColumn.allCases { column[c.rawValue] = header.index(of: c.name) ?? -1 }
        let hasOutcome = column[AccountColumn.outcome.rawValue] >= 0
        let required = AccountColumn.allCases.filter {
            $0.isRequired || (options.requireLabels && $0.isLabel && !($0 == .recovered && hasOutcome))
        }
        let ignored = Set(options.ignoreColumns.map { $0.trimmingSpaces().lowercased() })
        for c in required where ignored.contains(c.name) {
            throw InputError(code: .ignoredRequiredColumn, file: file, column: c.name,
                             message: "cannot ignore '\(c.name)': it is a required column")
        }
        for c in required where column[c.rawValue] < 0 {
            let hint = c.isLabel ? " (training needs the labels days_to_recovery and recovered)" : ""
            throw InputError(code: .missingColumn, file: file, line: reader.line, column: c.name,
                             message: "missing required column '\(c.name)'\(hint); the header has \(header.listing)")
        }
        if let name = options.weightsColumn {
            guard let i = header.index(of: name.trimmingSpaces().lowercased()) else {
                throw InputError(code: .missingColumn, file: file, line: reader.line, column: name,
                                 message: "no column '\(name)' for the case weights; the header has \(header.listing)")
            }
            weights = (i, header.names[i])
        }
        let schemaKeys = Set(AccountColumn.allCases.map(\.name))
        for (i, key) in header.keys.enumerated() where !schemaKeys.contains(key) && !ignored.contains(key) && i != weights?.index {
            extras.append((i, header.names[i]))
        }
    }

    /// Reads every data row; returns the table of valid accounts and the row count.
    mutating func read(ids: AccountIDTable, rejects: inout [Reject]) throws(InputError) -> (AccountTable, Int) {
        var t = AccountTable()
        for c in AccountColumn.allCases where !c.isRequired && column[c.rawValue] >= 0 {
            t.presentColumns.insert(c.name)
        }
        let labelsPresent = column[AccountColumn.daysToRecovery.rawValue] >= 0
            && (column[AccountColumn.recovered.rawValue] >= 0 || column[AccountColumn.outcome.rawValue] >= 0)
        var labelsValid = labelsPresent
        var extraState = ExtraState(count: extras.count)
        var extraCells: [ExtraCell] = []
        var rows = 0
        var reserved = false

        while true {
            let status = try reader.next()
            if status == .end { break }
            rows += 1
            if !reserved && rows == 1024, let n = estimatedRows(reader, rowsSoFar: rows) {
                t.reserve(n)
                reserved = true
            }
            var parsed = ParsedAccount()
            let outcome = parseCells(status: status, into: &parsed, extras: &extraCells)
            accept(outcome, parsed, line: reader.line, extraCells: extraCells[...], into: &t, ids: ids, rejects: &rejects,
                   labelsValid: &labelsValid, extras: &extraState)
        }
        try finish(rows: rows, into: &t, ids: ids, rejects: &rejects, labelsValid: labelsValid, labelsPresent: labelsPresent,
                   extras: extraState)
        return (t, rows)
    }

    /// The extra columns' cells of the accepted rows so far (see `finish`).
    struct ExtraState {
        var text: [[String]]
        var number: [[Double]]
        /// Per extra column: cells that are numbers (in range or not), cells that are
        /// text, and the valid rows whose cell is present but not a number in range
        /// (each rejects its row if the column turns out numeric).
        var numbers: [Int]
        var texts: [Int]
        var problemRows: [[Int]]
        init(count: Int) {
            text = [[String]](repeating: [], count: count)
            number = [[Double]](repeating: [], count: count)
            numbers = [Int](repeating: 0, count: count)
            texts = [Int](repeating: 0, count: count)
            problemRows = [[Int]](repeating: [], count: count)
        }
    }

    /// How the cells of a row came out (`parseCells`).
    enum RowOutcome {
        /// Every cell is valid; the row is kept unless its id is taken.
        case valid
        /// A problem found before the id's uniqueness is checked (quoting, the field
        /// count, an empty or undecodable id): it rejects the row whatever the id table.
        case early(CellProblem)
        /// A problem in a later cell: it rejects the row unless the id is taken, which
        /// is the row's first problem then.
        case late(CellProblem)
    }

    /// Everything `parseCells` reads from one row, before the id table is consulted.
    struct ParsedAccount {
        var id = ""
        var balance = 0.0, daysPastDue: Int32 = 0, creditLimit = Double.nan
        var product = "", state = ""
        var lastPayment = CalendarDay.missing, lastConversation = CalendarDay.missing
        var bankruptcy = false, cease = false, dispute = false, deceased = false
        var calls: Int32 = 0
        var daysToRecovery = Double.nan, recovered = false
        var outcome: String? = nil
        var weight = 1.0
        /// The row's labels were present but invalid (without `requireLabels`).
        var labelsInvalid = false
        /// The id column's text for a reject ("" when unreadable).
        var readableID = ""
    }

    /// One extra column's cell of a valid row: its text and what it parses to.
    struct ExtraCell {
        var text: String
        var number: ParsedNumber
    }

    /// The second stage of a row, in file order: the id check against every earlier
    /// row, then the row appended to `t` or its reject recorded (its readable id
    /// registered as rejected).
    func accept(_ outcome: RowOutcome, _ a: ParsedAccount, line: Int, extraCells: ArraySlice<ExtraCell>,
                into t: inout AccountTable, ids: AccountIDTable, rejects: inout [Reject], labelsValid: inout Bool,
                extras state: inout ExtraState) {
        var problem: CellProblem
        switch outcome {
        case .early(let p):
            problem = p
        case .valid, .late:
            let row = Int32(t.count)
            var id = a.id
            let previous: Int32? = id.withUTF8 { b in
                if case .valid = outcome { return ids.insert(b, value: row) }
                return ids.find(b)
            }
            if let previous {
                let first = previous >= 0 ? t.sourceLine[Int(previous)] : Int(-previous)
                problem = id.withUTF8 { b in
                    CellProblem(column: "account_id", code: .duplicateID,
                                reason: "account_id \(Cell.quoted(b)) already appeared on line \(first); the first row keeps it")
                }
                break
            }
            if a.labelsInvalid { labelsValid = false }
            if case .late(let p) = outcome {
                problem = p
                break
            }
            append(a, line: line, to: &t)
            for (k, cell) in extraCells.enumerated() {
                state.text[k].append(cell.text)
                switch cell.number {
                case .value(let v) where Swift.abs(v) <= Cell.maximumAmount:
                    state.number[k].append(v + 0); state.numbers[k] += 1
                case .empty: state.number[k].append(.nan)
                case .value, .nonFinite:
                    state.number[k].append(.nan); state.numbers[k] += 1; state.problemRows[k].append(Int(row))
                case .invalid:
                    state.number[k].append(.nan); state.texts[k] += 1; state.problemRows[k].append(Int(row))
                }
            }
            return
        }
        if !a.readableID.isEmpty {
            var id = a.readableID
            id.withUTF8 { b in _ = ids.insert(b, value: -Int32(clamping: line)) }
        }
        rejects.append(Reject(source: .accounts, file: file, line: line, column: problem.column, code: problem.code,
                              reason: problem.reason, accountID: a.readableID))
    }

    /// Appends a valid row's values to every column of `t`.
    @inline(__always)
    func append(_ a: ParsedAccount, line: Int, to t: inout AccountTable) {
        t.accountID.append(a.id)
        t.balance.append(a.balance)
        t.daysPastDue.append(Double(a.daysPastDue))
        t.creditLimit.append(a.creditLimit)
        t.product.append(a.product)
        t.state.append(a.state)
        t.lastPaymentDate.append(a.lastPayment)
        t.bankruptcy.append(a.bankruptcy)
        t.ceaseAndDesist.append(a.cease)
        t.dispute.append(a.dispute)
        t.deceased.append(a.deceased)
        t.callsLast7d.append(a.calls)
        t.lastConversationDate.append(a.lastConversation)
        t.daysToRecovery.append(a.daysToRecovery)
        t.recovered.append(a.recovered)
        if column[AccountColumn.outcome.rawValue] >= 0 { t.outcome.append(a.recovered ? (a.outcome ?? "") : "") }
        t.sourceLine.append(line)
        if weights != nil { t.caseWeights.append(a.weight) }
    }

    /// The whole-file checks and the extra columns' classification, after every row.
    func finish(rows: Int, into t: inout AccountTable, ids: AccountIDTable, rejects: inout [Reject],
                labelsValid: Bool, labelsPresent: Bool, extras state: ExtraState) throws(InputError) {
        let extraText = state.text, extraNumber = state.number
        let extraNumbers = state.numbers, extraTexts = state.texts, extraProblemRows = state.problemRows
        if rows == 0 {
            throw InputError(code: .noRows, file: file, line: reader.line + 1,
                             message: "the accounts file has a header but no data rows")
        }
        t.hasLabels = labelsValid && labelsPresent
        // A column is numeric when its numbers outnumber its text cells (DESIGN §2, §7);
        // then a cell that is present but not a number in range rejects its row.
        var isNumeric = [Bool](repeating: false, count: extras.count)
        var firstProblem: [Int: CellProblem] = [:]
        for k in extras.indices where extraNumbers[k] > 0 && extraNumbers[k] > extraTexts[k] {
            isNumeric[k] = true
            // The reasons are made only now, for the numeric columns' few bad cells.
            for row in extraProblemRows[k] where firstProblem[row] == nil {
                firstProblem[row] = Array(extraText[k][row].utf8).withUnsafeBufferPointer {
                    Cell.extraNumberProblem($0, column: extras[k].name)
                }
            }
        }
        for (k, extra) in extras.enumerated() {
            t.extraColumns.append(ExtraColumn(name: extra.name, text: extraText[k],
                                              numeric: isNumeric[k] ? extraNumber[k] : Array(repeating: .nan, count: t.count),
                                              isNumeric: isNumeric[k]))
        }
        if !firstProblem.isEmpty {
            let dropped = firstProblem.sorted { $0.key < $1.key }
            var late: [Reject] = []
            for (row, p) in dropped {
                late.append(Reject(source: .accounts, file: file, line: t.sourceLine[row], column: p.column,
                                   code: p.code, reason: p.reason, accountID: t.accountID[row]))
            }
            t.removeRows(Set(dropped.map(\.key)), ids: ids)
            rejects = (rejects + late).sorted { $0.line < $1.line }
        }
    }

    /// The current row's account id when it can be read (for rejects), else "".
    private func readableID() -> String {
        let c = column[AccountColumn.accountID.rawValue]
        guard c < reader.fieldCount else { return "" }
        let b = reader.field(c)
        guard Cell.encodingProblem(b, column: "") == nil else { return "" }
        return String(decoding: b, as: UTF8.self)
    }

    /// The first stage of a row, which needs no other row: every cell check in schema
    /// order except the id's uniqueness (`accept` does that, in file order). Fills `a`
    /// (and `extraCells` for a valid row) and says how the row came out; the parallel
    /// reader runs it on all cores.
    func parseCells(status: CSVReader.Status, into a: inout ParsedAccount, extras extraCells: inout [ExtraCell]) -> RowOutcome {
        do throws(CellProblem) {
            try CellProblem.checkRecordShape(status, fieldCount: reader.fieldCount, headerCount: header.names.count)
            let idBytes = reader.field(column[AccountColumn.accountID.rawValue])
            if idBytes.isEmpty {
                throw CellProblem(column: "account_id", code: .missingValue, reason: "account_id is empty; every account needs an id")
            }
            a.id = try Cell.text(idBytes, column: "account_id")
        } catch {
            a.readableID = readableID()
            return .early(error)
        }
        a.readableID = a.id
        do throws(CellProblem) {
            try parseLaterCells(into: &a)
        } catch {
            return .late(error)
        }
        extraCells.removeAll(keepingCapacity: true)
        for extra in extras {
            let b = reader.field(extra.index)
            extraCells.append(ExtraCell(text: String(decoding: b, as: UTF8.self), number: NumberParser.parse(b)))
        }
        return .valid
    }

    /// The cells after the id, in schema order; throws the first problem.
    private func parseLaterCells(into a: inout ParsedAccount) throws(CellProblem) {
        func cell(_ c: AccountColumn) -> UnsafeBufferPointer<UInt8>? {
            let i = column[c.rawValue]
            return i >= 0 ? reader.field(i) : nil
        }
        let balance = try Cell.amount(cell(.balance)!, column: "balance", what: "a balance")
        let dpdBytes = cell(.daysPastDue)!
        guard let dpd = try Cell.count(dpdBytes, column: "days_past_due", what: "days past due") else {
            throw CellProblem(column: "days_past_due", code: .missingValue, reason: "days_past_due is empty; it is required")
        }
        var creditLimit = Double.nan
        if let b = cell(.creditLimit), let v = try Cell.number(b, column: "credit_limit") {
            if v < 0.01 || v > Cell.maximumAmount {
                throw CellProblem(column: "credit_limit", code: v < 0 ? .negativeValue : .outOfRange,
                                  reason: "credit_limit is \(Cell.quoted(Cell.trimmed(b))); a credit limit must be between 0.01 and 10^15 (leave the cell empty when there is none)")
            }
            creditLimit = v
        }
        let product = try cell(.product).map { b throws(CellProblem) in try Cell.text(b, column: "product") } ?? ""
        var state = ""
        if let b = cell(.state) {
            state = try Cell.text(Cell.trimmed(b), column: "state")
            if state.utf8.contains(where: { $0 >= 97 && $0 <= 122 }) { state = state.uppercased() }
        }
        let lastPayment = try cell(.lastPaymentDate).flatMap { b throws(CellProblem) in
            try Cell.date(b, column: "last_payment_date") } ?? CalendarDay.missing
        let bankruptcy = try cell(.bankruptcy).map { b throws(CellProblem) in try Cell.flag(b, column: "bankruptcy") } ?? false
        let cease = try cell(.ceaseAndDesist).map { b throws(CellProblem) in try Cell.flag(b, column: "cease_and_desist") } ?? false
        let dispute = try cell(.dispute).map { b throws(CellProblem) in try Cell.flag(b, column: "dispute") } ?? false
        let deceased = try cell(.deceased).map { b throws(CellProblem) in try Cell.flag(b, column: "deceased") } ?? false
        let calls = try cell(.callsLast7d).flatMap { b throws(CellProblem) in
            try Cell.count(b, column: "calls_last_7d", what: "calls_last_7d") } ?? 0
        let lastConversation = try cell(.lastConversationDate).flatMap { b throws(CellProblem) in
            try Cell.date(b, column: "last_conversation_date") } ?? CalendarDay.missing

        var daysToRecovery = Double.nan
        var recovered = false
        // `outcome` (competing outcomes) may stand in for `recovered`: empty = censored,
        // any other text = recovered with that outcome.
        let outcomeBytes = cell(.outcome)
        if let ob = outcomeBytes, let p = Cell.encodingProblem(ob, column: "outcome") { throw p }
        let outcome = outcomeBytes.map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
        if let db = cell(.daysToRecovery), cell(.recovered) != nil || outcome != nil {
            let rb = cell(.recovered)
            do throws(CellProblem) {
                guard let d = try Cell.number(db, column: "days_to_recovery"), d >= 0 else {
                    throw CellProblem(column: "days_to_recovery", code: .badLabel,
                                      reason: "days_to_recovery is \(Cell.quoted(db)); it must be a number of days ≥ 0")
                }
                if let rb {
                    let r = try Cell.number(rb, column: "recovered")
                    guard r == 0 || r == 1 else {
                        throw CellProblem(column: "recovered", code: .badLabel,
                                          reason: "recovered is \(Cell.quoted(rb)); it must be 1 (recovered) or 0 (censored)")
                    }
                    recovered = r == 1
                    if let outcome, recovered == outcome.isEmpty {
                        throw CellProblem(column: "outcome", code: .badLabel,
                                          reason: recovered ? "recovered is 1 but outcome is empty; name the outcome (e.g. paid_in_full) or set recovered to 0"
                                              : "outcome is '\(outcome)' but recovered is 0; an outcome means the account recovered")
                    }
                } else {
                    recovered = !(outcome ?? "").isEmpty
                }
                daysToRecovery = d
            } catch {
                if options.requireLabels {
                    var p = error
                    if p.code != .badLabel {
                        let bytes = p.column == "recovered" ? rb ?? db : db
                        p.reason = "\(p.column ?? "label") is \(Cell.quoted(bytes)); " +
                            (p.column == "recovered" ? "it must be 1 (recovered) or 0 (censored)" : "it must be a number of days ≥ 0")
                        p.code = .badLabel
                    }
                    throw p
                }
                a.labelsInvalid = true
                daysToRecovery = .nan
                recovered = false
            }
        }

        for extra in extras {
            if let p = Cell.encodingProblem(reader.field(extra.index), column: extra.name) { throw p }
        }
        var weight = 1.0
        if let w = weights {
            let b = reader.field(w.index)
            guard let v = try Cell.number(b, column: w.name) else {
                throw CellProblem(column: w.name, code: .missingValue,
                                  reason: "\(w.name) is empty; every account needs a case weight > 0")
            }
            guard v > 0 else {
                throw CellProblem(column: w.name, code: v < 0 ? .negativeValue : .outOfRange,
                                  reason: "\(w.name) is \(Cell.quoted(b)); a case weight must be a number > 0 (how many accounts this row stands for)")
            }
            weight = v
        }

        a.balance = balance
        a.daysPastDue = dpd
        a.creditLimit = creditLimit
        a.product = product
        a.state = state
        a.lastPayment = lastPayment
        a.bankruptcy = bankruptcy
        a.cease = cease
        a.dispute = dispute
        a.deceased = deceased
        a.calls = calls
        a.lastConversation = lastConversation
        a.daysToRecovery = daysToRecovery
        a.recovered = recovered
        a.outcome = outcome
        a.weight = weight
    }
}

extension AccountTable {
    /// Removes the rows `drop` from every column (extra columns included) and marks
    /// their ids in `ids` as rejected (−line), renumbering the rows kept.
    mutating func removeRows(_ drop: Set<Int>, ids: AccountIDTable) {
        let n = count
        var newIndex = [Int32](repeating: -1, count: n)
        var keep: [Int] = []
        keep.reserveCapacity(n - drop.count)
        for i in 0..<n where !drop.contains(i) { newIndex[i] = Int32(keep.count); keep.append(i) }
        let lines = sourceLine
        ids.remapValues { v in v < 0 ? v : newIndex[Int(v)] >= 0 ? newIndex[Int(v)] : -Int32(clamping: lines[Int(v)]) }
        func pick<T>(_ a: [T]) -> [T] { keep.map { a[$0] } }
        accountID = pick(accountID); balance = pick(balance); daysPastDue = pick(daysPastDue)
        creditLimit = pick(creditLimit); product = pick(product); state = pick(state)
        lastPaymentDate = pick(lastPaymentDate); bankruptcy = pick(bankruptcy)
        ceaseAndDesist = pick(ceaseAndDesist); dispute = pick(dispute); deceased = pick(deceased)
        callsLast7d = pick(callsLast7d); lastConversationDate = pick(lastConversationDate)
        daysToRecovery = pick(daysToRecovery); recovered = pick(recovered); sourceLine = pick(sourceLine)
        for k in extraColumns.indices {
            extraColumns[k].text = pick(extraColumns[k].text)
            extraColumns[k].numeric = pick(extraColumns[k].numeric)
        }
    }

    /// Reserves room for `n` accounts in every schema column.
    mutating func reserve(_ n: Int) {
        accountID.reserveCapacity(n); balance.reserveCapacity(n); daysPastDue.reserveCapacity(n)
        creditLimit.reserveCapacity(n); product.reserveCapacity(n); state.reserveCapacity(n)
        lastPaymentDate.reserveCapacity(n); bankruptcy.reserveCapacity(n); ceaseAndDesist.reserveCapacity(n)
        dispute.reserveCapacity(n); deceased.reserveCapacity(n); callsLast7d.reserveCapacity(n)
        lastConversationDate.reserveCapacity(n); daysToRecovery.reserveCapacity(n)
        recovered.reserveCapacity(n); sourceLine.reserveCapacity(n)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
