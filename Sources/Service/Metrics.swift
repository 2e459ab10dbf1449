import Foundation
import Synchronization

/// Request counts and latency histograms per route and status class, rendered as the
/// Prometheus text format (version 0.0.4) by `GET /metrics`.
///
/// `arrears_http_requests_total{route,method,status}` counts responses;
/// `arrears_http_request_duration_seconds{route}` is a histogram with buckets from
/// 0.25 ms to 2.5 s (le is cumulative, as Prometheus requires);
/// `arrears_model_info{version}` is 1 for the model in use, and
/// `arrears_model_reloads_total` counts SIGHUP reloads.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, seconds.
    static let bounds: [Double] = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    struct Key: Hashable { var route: String; var method: String; var status: Int }
    struct Histogram {
        var counts = [UInt64](repeating: 0, count: Metrics.bounds.count + 1)
        var sum = 0.0
        var count: UInt64 = 0

        mutating func record(bucket: Int, seconds: Double) {
            counts[bucket] += 1
            sum += seconds
            count += 1
        }
    }
    struct State {
        var requests: [Key: UInt64] = [:]
        var latency: [String: Histogram] = [:]
        var reloads: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Records one response of `route` (the route pattern, not the path, so account ids
    /// never become labels) that took `seconds`.
    func record(route: String, method: String, status: Int, seconds: Double) {
        let bucket = Self.bounds.firstIndex { seconds <= $0 } ?? Self.bounds.count
        // In place (the `default:` subscripts modify the stored values): no copy of a
        // histogram's counts per request, so the lock is held for two hash lookups.
        state.withLock { s in
            s.requests[Key(route: route, method: method, status: status), default: 0] += 1
            s.latency[route, default: Histogram()].record(bucket: bucket, seconds: seconds)
        }
    }

    func recordReload() { state.withLock { $0.reloads += 1 } }

    /// The Prometheus text exposition.
    func text(modelVersion: String) -> String {
        let s = state.withLock { $0 }
        var out = "# HELP arrears_http_requests_total HTTP responses by route, method and status.\n"
        out += "# TYPE arrears_http_requests_total counter\n"
        for (k, v) in s.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "arrears_http_requests_total{route=\"\(k.route)\",method=\"\(k.method)\",status=\"\(k.status)\"} \(v)\n"
        }
        out += "# HELP arrears_http_request_duration_seconds Time from request head to response, by route.\n"
        out += "# TYPE arrears_http_request_duration_seconds histogram\n"
        for (route, h) in s.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            for (i, bound) in Self.bounds.enumerated() {
                cumulative += h.counts[i]
                out += "arrears_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "arrears_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(h.count)\n"
            out += "arrears_http_request_duration_seconds_sum{route=\"\(route)\"} \(h.sum)\n"
            out += "arrears_http_request_duration_seconds_count{route=\"\(route)\"} \(h.count)\n"
        }
        out += "# HELP arrears_model_info The model in use (first 12 hex digits of its file's SHA-256).\n"
        out += "# TYPE arrears_model_info gauge\narrears_model_info{version=\"\(modelVersion)\"} 1\n"
        out += "# HELP arrears_model_reloads_total Model and policy reloads on SIGHUP.\n"
        out += "# TYPE arrears_model_reloads_total counter\narrears_model_reloads_total \(s.reloads)\n"
        return out
    }
}

/// A token bucket per key: `ratePerSecond` requests per second sustained, bursts up to
/// `burst`. A request that finds its bucket empty is refused (429).
final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var last: Double }
    let ratePerSecond: Double
    let burst: Double
    private let buckets = Mutex([String: Bucket]())

    init(ratePerSecond: Double, burst: Double) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    /// Takes one token from `key`'s bucket at time `now` (seconds); false when empty.
    func allow(_ key: String, now: Double) -> Bool {
        buckets.withLock { b in
            var bucket = b[key] ?? Bucket(tokens: burst, last: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.last) * ratePerSecond)
            bucket.last = now
            let ok = bucket.tokens >= 1
            if ok { bucket.tokens -= 1 }
            b[key] = bucket
            return ok
        }
    }
}

/// Signed-in browser sessions, in memory (a restart signs everyone out). The session id
/// (the `arrears_session` cookie) and its CSRF token are 256-bit random hex strings;
/// sessions expire after `lifetime` seconds.
final class Sessions: Sendable {
    struct Session: Sendable { var principal: Principal; var csrf: String; var expires: Double }
    private let table = Mutex([String: Session]())
    let lifetime: Double = 12 * 3600

    func create(for principal: Principal, now: Double) -> (id: String, session: Session) {
        let id = Self.randomHex(), session = Session(principal: principal, csrf: Self.randomHex(), expires: now + lifetime)
        table.withLock { t in
            t = t.filter { $0.value.expires > now }
            t[id] = session
        }
        return (id, session)
    }

    func find(_ id: String, now: Double) -> Session? {
        table.withLock { t in
            guard let s = t[id], s.expires > now else { return nil }
            return s
        }
    }

    func remove(_ id: String) { table.withLock { _ = $0.removeValue(forKey: id) } }

    static func randomHex() -> String {
        var rng = SystemRandomNumberGenerator()
        return ServiceStore.hex((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }
}
