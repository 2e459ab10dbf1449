import ArgumentParser
import Foundation
import Ledger
import PortfolioIO

/// `arrears ledger …`: the contact ledger (DESIGN §12).
public struct LedgerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The contact ledger: contacts, promises to pay and the audit trail of rank runs, in one SQLite file.",
        discussion: """
            The ledger (default arrears.db) records what the collectors did; `arrears rank \
            --ledger FILE` computes the contact rules from it (Regulation F's 7 calls in 7 \
            days and 7-day block after a conversation, state call limits, call windows in \
            local time, cease requests, disputes, opt-outs, promise follow-ups) and writes \
            every decision back to it.

            Example:
              arrears ledger init --ledger arrears.db
              arrears ledger import accounts data/contact_points.csv --ledger arrears.db
              arrears ledger import contacts data/contacts.csv --ledger arrears.db
              arrears ledger import promises data/promises.csv --ledger arrears.db
              arrears ledger show A0000042 --ledger arrears.db
            """,
        subcommands: [LedgerInit.self, LedgerImport.self, LedgerLog.self, LedgerShow.self, LedgerCheck.self, LedgerBackup.self]
    )

    public init() {}
}

/// The `--ledger FILE` option shared by the ledger commands.
struct LedgerOption: ParsableArguments {
    @Option(help: ArgumentHelp("The ledger file (SQLite).", valueName: "file"))
    var ledger: String = "arrears.db"

    func open(create: Bool = false) throws -> Ledger {
        do { return try Ledger(path: ledger, create: create) } catch { throw CommandFailure(message: "--ledger: \(error.description)") }
    }
}

/// Runs a ledger call, naming the flag in the message of a failure.
func ledgerCall<T>(_ flag: String, _ body: () throws(LedgerError) -> T) throws -> T {
    do { return try body() } catch { throw CommandFailure(message: "\(flag): \(error.description)") }
}

struct LedgerInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the ledger file (or migrate an older one to this schema).",
        discussion: "Example:\n  arrears ledger init --ledger arrears.db")
    @OptionGroup var options: LedgerOption

    func run() throws {
        let ledger = try options.open(create: true)
        let versions = try ledgerCall("--ledger") { () throws(LedgerError) in try ledger.schemaVersions() }
        print("ledger \(options.ledger): schema \(versions.joined(separator: ", ")), WAL mode")
    }
}

struct LedgerImport: ParsableCommand {
    enum Kind: String, ExpressibleByArgument, CaseIterable { case accounts, contacts, promises }

    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import accounts (contact points), contacts or promises from a CSV export.",
        discussion: """
            accounts: account_id, optional state, time_zone (IANA), call_opt_out, \
            sms_opt_out, email_opt_out (the portfolio's accounts.csv works as is).
            contacts: account_id, timestamp (ISO 8601 with Z or an offset), channel \
            (call, sms, email, letter, visit), outcome (no_answer, voicemail, right_party, \
            wrong_number, refused, promise, dispute, cease_request), optional collector.
            promises: account_id, promised_on, due_date (YYYY-MM-DD), amount, optional collector.

            Bad rows are rejected with file, line, column and reason (to --rejects, else \
            standard error) and the rest imported; rows read = added + already in the \
            ledger + rejected. Importing the same file twice changes nothing. Each file \
            is one transaction: a killed import leaves the ledger as it was.

            Example:
              arrears ledger import contacts data/contacts.csv --ledger arrears.db \\
                --rejects /tmp/contacts-rejects.csv
            """)

    @Argument(help: "What the file holds: accounts, contacts or promises.")
    var kind: Kind
    @Argument(help: ArgumentHelp("The CSV file.", valueName: "file.csv"))
    var file: String
    @OptionGroup var options: LedgerOption
    @Option(help: ArgumentHelp("Write the rejected rows here (CSV: file,line,column,code,reason,account_id).", valueName: "file"))
    var rejects: String?

    func run() throws {
        if let rejects { try Outputs.check([(rejects, "--rejects")], inputs: [(file, "FILE"), (options.ledger, "--ledger")]) }
        let ledger = try options.open()
        let summary = try ledgerCall(file) { () throws(LedgerError) in
            switch kind {
            case .accounts: try ledger.importAccounts(path: file)
            case .contacts: try ledger.importContacts(path: file)
            case .promises: try ledger.importPromises(path: file)
            }
        }
        if let rejects {
            var outputs = Outputs()
            outputs.add(try ledgerRejectsBytes(summary.rejected), to: rejects, role: "--rejects")
            try outputs.commit()
        } else {
            for r in summary.rejected { FileHandle.standardError.write(Data("\(r.description)\n".utf8)) }
        }
        FileHandle.standardError.write(Data("\(summary.description)\n".utf8))
    }
}

/// The rejects file of an import: file, line, column, code, reason, account_id.
func ledgerRejectsBytes(_ rejects: [LedgerReject]) throws -> [UInt8] {
    let sink = MemorySink()
    let w = CSVWriter(to: sink)
    do {
        try w.row(["file", "line", "column", "code", "reason", "account_id"])
        for r in rejects { try w.row([r.file, String(r.line), r.column ?? "", r.code.rawValue, r.reason, r.accountID]) }
        try w.flush()
    } catch { throw CommandFailure(message: "--rejects: \(error)") }
    return sink.bytes
}

struct LedgerLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log one contact attempt.",
        discussion: """
            Example:
              arrears ledger log --account A0000042 --at 2026-03-04T14:05:00-05:00 \\
                --channel call --outcome right_party --collector C07
            """)
    @Option(help: "The account id (already in the ledger).") var account: String
    @Option(help: ArgumentHelp("When: ISO 8601 with Z or an offset.", valueName: "timestamp")) var at: String
    @Option(help: "call, sms, email, letter or visit.") var channel: String
    @Option(help: "no_answer, voicemail, right_party, wrong_number, refused, promise, dispute or cease_request.") var outcome: String
    @Option(help: "Collector id (optional).") var collector: String = ""
    @OptionGroup var options: LedgerOption

    func validate() throws {
        guard Timestamp.parse(at) != nil else {
            throw ValidationError("--at must be an ISO 8601 timestamp with Z or an offset (2026-03-04T14:05:00Z), got '\(at)'.")
        }
        guard ContactChannel(code: Array(channel.utf8)) != nil else {
            throw ValidationError("--channel must be one of \(ContactChannel.allCases.map(\.code).joined(separator: ", ")), got '\(channel)'.")
        }
        guard ContactOutcome(code: Array(outcome.utf8)) != nil else {
            throw ValidationError("--outcome must be one of \(ContactOutcome.allCases.map(\.code).joined(separator: ", ")), got '\(outcome)'.")
        }
    }

    func run() throws {
        let ledger = try options.open()
        let summary = try ledgerCall("--account") { () throws(LedgerError) in
            try ledger.log(account: account, at: Timestamp.parse(at)!, channel: ContactChannel(code: Array(channel.utf8))!,
                           outcome: ContactOutcome(code: Array(outcome.utf8))!, collector: collector)
        }
        print(summary.added == 1 ? "logged" : "already in the ledger")
    }
}

struct LedgerShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "An account's timeline: statements, contacts, promises and past worklist decisions.",
        discussion: """
            Each rank --ledger run appears as a decision with its class, rule, rank, calls \
            left, next contact date and reason, which answers "why was this account not \
            called on that day?".

            Example:
              arrears ledger show A0000042 --ledger arrears.db \\
                --payments data/payments.csv
            """)
    @Argument(help: "The account id.") var account: String
    @Option(help: ArgumentHelp("Payments CSV, to list the account's statements too.", valueName: "file")) var payments: String?
    @OptionGroup var options: LedgerOption

    func run() throws {
        let ledger = try options.open()
        var statements: [(day: Int32, due: Double, paid: Double)] = []
        if let payments {
            let reader: CSVReader
            do { reader = try CSVReader(path: payments) } catch { throw CommandFailure(message: "--payments: \(error.description)") }
            do {
                guard try reader.next() != .end else { throw CommandFailure(message: "--payments: \(payments): the file is empty") }
                let header = reader.strings().map { $0.lowercased() }
                guard let id = header.firstIndex(of: "account_id"), let date = header.firstIndex(of: "date"),
                      let due = header.firstIndex(of: "amount_due"), let paid = header.firstIndex(of: "amount_paid") else {
                    throw CommandFailure(message: "--payments: \(payments): needs account_id, date, amount_due and amount_paid columns")
                }
                let width = max(id, date, due, paid)
                while try reader.next() != .end {
                    guard reader.fieldCount > width, reader.string(id) == account, let d = CalendarDay.parse(reader.field(date)),
                          case .value(let a) = NumberParser.parse(reader.field(due)),
                          case .value(let p) = NumberParser.parse(reader.field(paid)) else { continue }
                    statements.append((d, a, p))
                }
            } catch let e as CommandFailure { throw e } catch { throw CommandFailure(message: "--payments: \(error)") }
        }
        let timeline = try ledgerCall("show") { () throws(LedgerError) in try ledger.timeline(account: account, statements: statements) }
        print(timeline.text)
    }
}

struct LedgerCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "SQLite integrity check plus the counts that must add up; exits 1 on a problem.",
        discussion: "Example:\n  arrears ledger check --ledger arrears.db")
    @OptionGroup var options: LedgerOption

    func run() throws {
        let ledger = try options.open()
        let report = try ledgerCall("--ledger") { () throws(LedgerError) in try ledger.check() }
        print(report.text)
        if !report.isHealthy { throw ExitCode(1) }
    }
}

struct LedgerBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the ledger with SQLite's online backup (safe while others use it).",
        discussion: "Example:\n  arrears ledger backup --ledger arrears.db --to /backups/arrears.db")
    @OptionGroup var options: LedgerOption
    @Option(help: ArgumentHelp("The backup file (replaced atomically).", valueName: "file")) var to: String

    func run() throws {
        try Outputs.check([(to, "--to")], inputs: [(options.ledger, "--ledger")])
        let ledger = try options.open()
        try ledgerCall("--to") { () throws(LedgerError) in try ledger.backup(to: to) }
        let counts = try ledgerCall("--ledger") { () throws(LedgerError) in try ledger.tableCounts() }
        print("backup → \(to): \(counts.accounts) accounts, \(counts.contacts) contacts, \(counts.promises) promises, \(counts.runs) runs")
    }
}
