import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Logging
import Pipeline
import PortfolioIO
import Synchronization

/// `arrears serve` (DESIGN §13): real-time scoring, the collectors' queues and account
/// pages, health and metrics, over one Hummingbird server.
///
/// Life cycle: `init` loads the model, the policy, today's portfolio and the ledger;
/// `run()` serves until SIGTERM or SIGINT, letting in-flight requests finish; SIGHUP
/// reloads the model and policy into a new `ModelSnapshot`, swapped whole.
public final class ArrearsService: Sendable {
    public let config: ServiceConfiguration
    let snapshotBox: Mutex<ModelSnapshot>
    public let store: ServiceStore
    public let ledger: Ledger
    let queue: WorkQueue
    let metrics = Metrics()
    let limiter: RateLimiter
    let sessions = Sessions()
    let logger: Logger

    /// The as-of day of the queues and of score requests without `as_of`.
    public var asOf: CalendarDay { queue.asOf }

    public init(_ config: ServiceConfiguration, logger: Logger = Logger(label: "arrears.serve")) throws(ServiceError) {
        self.config = config
        self.logger = logger
        snapshotBox = Mutex(try ModelSnapshot.load(modelPath: config.modelPath, policyPath: config.policyPath))
        do { ledger = try Ledger(path: config.ledgerPath) } catch { throw ServiceError("--ledger: \(error.description)") }
        store = try ServiceStore(ledgerPath: config.ledgerPath)
        let portfolio: Portfolio
        do { portfolio = try Pipeline.read(.files(accounts: config.accountsPath, payments: config.paymentsPath)) } catch {
            throw ServiceError("--accounts/--payments: \(error.message)")
        }
        queue = WorkQueue(portfolio: portfolio, asOf: config.asOf ?? CalendarDay.today(), ledger: ledger, store: store)
        limiter = RateLimiter(ratePerSecond: config.ratePerSecond, burst: 2 * config.ratePerSecond)
    }

    /// The model and policy in use.
    public var snapshot: ModelSnapshot { snapshotBox.withLock { $0 } }

    /// Loads the model and policy again and swaps them in whole; on failure the old pair
    /// stays and the error is returned for the log.
    public func reload() throws(ServiceError) {
        let fresh = try ModelSnapshot.load(modelPath: config.modelPath, policyPath: config.policyPath)
        snapshotBox.withLock { $0 = fresh }
        metrics.recordReload()
        logger.info("model reloaded", metadata: ["model_version": "\(fresh.version)"])
    }

    /// The time a contact logged now is stamped with (UTC seconds): now, or with a fixed
    /// `--as-of` that day at the current UTC time of day.
    func contactTime() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970)
        guard config.asOf != nil else { return now }
        return Int64(asOf.dayNumber) * 86_400 + (now - Int64(Timestamp.day(now)) * 86_400)
    }

    /// The router with every route and the middleware (metrics, errors as JSON, logs).
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ServiceMiddleware(service: self))
        addAPIRoutes(router)
        addWebRoutes(router)
        return router
    }

    /// The Hummingbird application on `config.host:config.port`.
    public func application() -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(config.host, port: config.port),
                                                            serverName: "arrears"),
                    logger: logger)
    }

    /// Serves until SIGTERM/SIGINT (graceful: in-flight requests finish); SIGHUP reloads.
    public func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [self] in
            do { try reload() } catch { logger.error("reload failed; the old model stays", metadata: ["error": "\(error)"]) }
        }
        source.resume()
        defer { source.cancel() }
        try await application().runService()
    }

    // MARK: Access

    /// The API caller from `Authorization: Bearer <token>`, rate-limited per token.
    func bearer(_ request: Request) throws(APIError) -> Principal {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw .unauthorized }
        let now = Date().timeIntervalSince1970
        guard let principal = store.verify(header.dropFirst("Bearer ".count), now: now) else {
            throw APIError(.unauthorized, code: "bad_token", message: "the token is not valid (revoked, mistyped or from another server)",
                           field: "Authorization")
        }
        try limit(principal, now: now)
        return principal
    }

    func limit(_ principal: Principal, now: Double = Date().timeIntervalSince1970) throws(APIError) {
        guard limiter.allow(principal.tokenID, now: now) else {
            throw APIError(.tooManyRequests, code: "rate_limited",
                           message: "more than \(Int(config.ratePerSecond)) requests per second for this token; slow down and retry")
        }
    }

    /// Refuses a collector asking for an account that is not theirs with 404 (its
    /// existence is not revealed), and unknown accounts with 404.
    func checkAccess(_ principal: Principal, account: String) throws(APIError) {
        guard queue.accountRow[account] != nil else { throw .notFound("account '\(account)'") }
        switch principal.role {
        case .supervisor: return
        case .collector:
            guard try queue.collector(of: account) == principal.name else { throw .notFound("account '\(account)'") }
        case .apiClient: throw .forbidden
        }
    }

    /// Reads the whole body, refusing one over `limit` bytes with 413.
    func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.from(HTTPError(.contentTooLarge), bodyLimit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.from(error, bodyLimit: limit)
        }
    }
}

/// Times every request, turns any error into the JSON error body (HTML pages render
/// their own), and logs method, route, status and duration — the route pattern, never
/// a body, so no personal data beyond account ids reaches the log.
struct ServiceMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let service: ArrearsService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = APIError.from(error, bodyLimit: service.config.maxBody)
            if apiError.status == .internalServerError {
                service.logger.error("request failed", metadata: ["route": "\(context.endpointPath ?? request.uri.path)", "error": "\(error)"])
            }
            response = apiError.response()
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let route = context.endpointPath ?? "unmatched"
        service.metrics.record(route: route, method: request.method.rawValue, status: response.status.code, seconds: seconds)
        if service.config.logRequests {
            var ms: [UInt8] = []
            appendDecimal(seconds * 1000, 3, to: &ms)
            var metadata: Logger.Metadata = ["method": "\(request.method.rawValue)", "route": "\(route)",
                                             "status": "\(response.status.code)", "ms": "\(String(decoding: ms, as: UTF8.self))"]
            if let id = context.parameters.get("id") { metadata["account_id"] = "\(id)" }
            service.logger.info("request", metadata: metadata)
        }
        return response
    }
}
