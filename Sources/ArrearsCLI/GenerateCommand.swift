import ArgumentParser
import Foundation
import PortfolioGenerator
import PortfolioIO

/// `arrears generate`: a deterministic synthetic portfolio with a known ground truth.
public struct Generate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic portfolio (accounts.csv, payments.csv) with a known ground truth, and its contact history.",
        discussion: """
            The portfolio follows schema v1: every optional column is filled, plus two \
            extra features (months_on_book with some empty cells, and channel) and the \
            training labels days_to_recovery and recovered. Recovery times come from a \
            documented proportional-hazards model (Weibull baseline; see data/README.md), \
            with ties on whole days and censoring at 365 days.

            It also writes the contact history for the ledger (DESIGN §12), consistent \
            with the accounts and statements: contact_points.csv (state, time zone, \
            opt-outs), contacts.csv (calls, conversations, SMS, letters) and \
            promises.csv (promises kept and broken against the statements); import them \
            with `arrears ledger import`.

            The same --accounts, --seed and --as-of give byte-identical files on any \
            machine. Output streams through fixed buffers, so a million accounts need \
            little memory. Existing files in DIR are replaced atomically.

            Example:
              arrears generate --accounts 5000 --seed 2026 --out data
              arrears generate --accounts 1000000 --seed 1 --out /tmp/p1m \\
                --as-of 2026-01-01
            """
    )

    @Option(help: "Number of accounts to generate (at least 1).")
    var accounts: Int

    @Option(help: "Seed of the random streams; the same seed gives the same files.")
    var seed: UInt64

    @Option(help: ArgumentHelp("Directory for accounts.csv and payments.csv; created if needed.",
                               valueName: "dir"))
    var out: String

    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("The as-of date, YYYY-MM-DD or 'today'.", valueName: "date"))
    var asOf: CalendarDay = CalendarDay("2026-01-01")!

    @Flag(help: "No summary line on standard error.")
    var quiet = false

    @Option(name: .customLong("contact-history"),
            help: ArgumentHelp("Older calls per account in contacts.csv are uniform on 0…n (8 ≈ 7.5 events per account; 13 ≈ 10).",
                               valueName: "n"))
    var contactHistory: Int = 8

    public init() {}

    public func validate() throws {
        guard accounts >= 1 else {
            throw ValidationError("--accounts must be at least 1, got \(accounts).")
        }
        guard accounts <= 100_000_000 else {
            throw ValidationError("--accounts must be at most 100000000, got \(accounts).")
        }
        guard (0...1000).contains(contactHistory) else {
            throw ValidationError("--contact-history must be 0 to 1000, got \(contactHistory).")
        }
        guard !out.isEmpty else {
            throw ValidationError("--out must name a directory.")
        }
    }

    public func run() throws {
        let config = GeneratorConfig(accounts: accounts, seed: seed, asOf: asOf)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw GenerateFailure(message: "--out: cannot create directory '\(out)': \(Self.reason(error))")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let summary: GenerationSummary
        do {
            summary = try PortfolioGenerator(config).write(toDirectory: out)
        } catch {
            throw GenerateFailure(message: "--out: \(error.description)")
        }
        let contacts: ContactGenerator.Summary
        do {
            contacts = try ContactGenerator(PortfolioGenerator(config), historyCalls: contactHistory).write(toDirectory: out)
        } catch {
            throw GenerateFailure(message: "--out: \(error.description)")
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let line = "generated \(summary.accounts) accounts, \(summary.statements) statements "
            + "(\(summary.futureStatements) after as-of), "
            + "\(summary.accountsBytes + summary.paymentsBytes) bytes in "
            + String(format: "%.2f", seconds) + " s → \(out)\n"
            + "contact history: \(contacts.contacts) contacts, \(contacts.promises) promises → contact_points.csv, contacts.csv, promises.csv\n"
        if !quiet { Console.write(2, line) }
    }
}

extension Generate {
    /// The POSIX cause behind a Foundation file error ("Permission denied"), else its text.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}

/// A run-time failure of `generate`, printed as its message with a non-zero exit.
struct GenerateFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
