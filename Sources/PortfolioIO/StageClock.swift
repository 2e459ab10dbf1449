import Foundation

/// Wall-clock laps for the timing lines on stderr.
public struct StageClock {
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant
    public private(set) var laps: [(stage: String, seconds: Double)] = []

    public init() { last = clock.now }

    /// "read 4.51 s, features 1.02 s, …"
    public var summary: String { Self.summary(of: laps) }

    /// "read 4.51 s, features 1.02 s, …" for any list of laps.
    public static func summary(of laps: [(stage: String, seconds: Double)]) -> String {
        laps.map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
    }

    /// Records the time since the previous lap (or since `init`) under `stage`.
    public mutating func lap(_ stage: String) {
        let now = clock.now
        let d = now - last
        laps.append((stage, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
        last = now
    }
}
