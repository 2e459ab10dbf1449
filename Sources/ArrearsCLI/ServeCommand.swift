import ArgumentParser
import Dispatch
import Foundation
import Logging
import PortfolioIO
import Service

/// `arrears serve`: configures and starts the service (DESIGN §13).
public struct Serve: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the scoring API and the collectors' web pages (Hummingbird).",
        discussion: """
            POST /v1/score (one account and its statements as JSON → the row `arrears \
            score --format jsonl` prints), POST /v1/score/batch (JSON Lines), GET \
            /v1/worklist, GET /v1/accounts/{id}, POST /v1/accounts/{id}/contacts, GET \
            /healthz and GET /metrics; the web pages are at /. docs/openapi.yaml \
            documents the API. Tokens: --init-admin prints the first supervisor token \
            once; --add-token ROLE:NAME prints a new token (roles api_client, \
            collector, supervisor). Both exit without serving. SIGTERM or SIGINT stops \
            the server after in-flight requests finish; SIGHUP reloads --model and \
            --policy together.

            Example:
              arrears serve --init-admin --model models/arrears-model.json \\
                --ledger arrears.db --accounts data/accounts.csv \\
                --payments data/payments.csv
              arrears serve --model models/arrears-model.json \\
                --policy policies/example-policy.toml --ledger arrears.db \\
                --accounts data/accounts.csv --payments data/payments.csv \\
                --as-of 2026-01-01 --port 8080
            """
    )

    @Option(help: ArgumentHelp("The model artifact written by 'arrears train'.", valueName: "file"))
    var model: String

    @Option(help: ArgumentHelp("The policy file (TOML); the documented defaults without it.", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("The contact ledger (arrears ledger init); also holds the service's tokens and audit trail.",
                               valueName: "file"))
    var ledger: String = "arrears.db"

    @Option(help: ArgumentHelp("Today's accounts CSV: the accounts the queues are made of.", valueName: "file"))
    var accounts: String

    @Option(help: ArgumentHelp("Today's payments CSV.", valueName: "file"))
    var payments: String

    @Option(name: .customLong("as-of"),
            help: ArgumentHelp("The queues' as-of day and the default of score requests (default today, UTC); a past day replays it.",
                               valueName: "date"))
    var asOf: CalendarDay?

    @Option(help: "Address to listen on (loopback by default).")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Option(name: .customLong("max-body"), help: ArgumentHelp("Largest request body in bytes (batches: 128 times this).", valueName: "bytes"))
    var maxBody: Int = 65_536

    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Requests per second per token (bursts of twice that).", valueName: "n"))
    var rateLimit: Double = 100

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info (one line per request), notice, warning or error.",
                                                               valueName: "level"))
    var logLevel: String = "info"

    @Flag(name: .customLong("init-admin"), help: "Create the first supervisor token, print it once and exit.")
    var initAdmin = false

    @Option(name: .customLong("add-token"), help: ArgumentHelp("Create a token for ROLE:NAME (e.g. collector:C07), print it once and exit.",
                                                               valueName: "role:name"))
    var addToken: String?

    public init() {}

    public func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535, got \(port).") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024 bytes, got \(maxBody).") }
        guard rateLimit >= 1, rateLimit.isFinite else { throw ValidationError("--rate-limit must be at least 1, got \(rateLimit).") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(logLevel)'.")
        }
        if let addToken {
            let parts = addToken.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, Role(rawValue: parts[0]) != nil, !parts[1].isEmpty,
                  parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                throw ValidationError("--add-token must be ROLE:NAME with ROLE api_client, collector or supervisor and NAME of letters, digits, _ - ., got '\(addToken)'.")
            }
        }
    }

    public func run() throws {
        var config = ServiceConfiguration(modelPath: model, policyPath: policy, ledgerPath: ledger,
                                          accountsPath: accounts, paymentsPath: payments)
        config.host = host
        config.port = port
        config.asOf = asOf
        config.maxBody = maxBody
        config.maxBatchBody = maxBody * 128
        config.ratePerSecond = rateLimit
        var logger = Logger(label: "arrears.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        config.logRequests = logger.logLevel <= .info
        if initAdmin || addToken != nil {
            let store: ServiceStore
            do { store = try ServiceStore(ledgerPath: ledger) } catch { throw CommandFailure(message: error.description) }
            guard FileManager.default.fileExists(atPath: ledger) else {
                throw CommandFailure(message: "--ledger: no ledger at \(ledger); create it with `arrears ledger init --ledger \(ledger)`")
            }
            if initAdmin {
                if try serviceCall({ () throws(ServiceError) in try store.hasSupervisor() }) {
                    throw CommandFailure(message: "--init-admin: \(ledger) already has a supervisor token; a supervisor makes more with --add-token supervisor:NAME")
                }
                print(try serviceCall { () throws(ServiceError) in try store.createToken(name: "admin", role: .supervisor) })
                Console.write(2, "supervisor token for 'admin' printed once above; it is stored only as a salted hash\n")
            }
            if let addToken {
                let parts = addToken.split(separator: ":", maxSplits: 1).map(String.init)
                print(try serviceCall { () throws(ServiceError) in try store.createToken(name: parts[1], role: Role(rawValue: parts[0])!) })
                Console.write(2, "\(parts[0]) token for '\(parts[1])' printed once above; it is stored only as a salted hash\n")
            }
            return
        }
        let service = try serviceCall { () throws(ServiceError) in try ArrearsService(config, logger: logger) }
        logger.notice("serving", metadata: ["address": "http://\(host):\(port)", "model_version": "\(service.snapshot.version)",
                                            "as_of": "\(service.asOf)"])
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do { try await service.run() } catch { failure.set("serve: \(error)") }
            done.signal()
        }
        done.wait()
        if let message = failure.get() { throw CommandFailure(message: message) }
    }

    private func serviceCall<T>(_ body: () throws(ServiceError) -> T) throws -> T {
        do { return try body() } catch { throw CommandFailure(message: error.description) }
    }
}

/// The server task's failure, handed to the waiting thread.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func set(_ m: String) { lock.lock(); message = m; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return message }
}
