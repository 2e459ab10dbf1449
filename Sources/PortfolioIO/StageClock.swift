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

/// A progress report of one stage on standard error (DESIGN §8): bytes (or rows) done,
/// percent, elapsed time and rate.
///
/// - `.terminal`: one line rewritten in place (`\r`, then erase to the end of the line),
///   at most four times a second; `finish` ends it with a line break.
/// - `.lines` (standard error is a file or a pipe): plain lines, none for a stage that
///   ends within `quietSeconds`, then at most one per 10 % of the total and one per 10 s
///   without a total; `finish` adds none (the command's own summary follows).
/// - `.off` (`--quiet`): nothing.
///
/// `update` costs a clock read and a comparison when nothing is printed, so callers can
/// call it per chunk or per block.
public final class ProgressMeter: @unchecked Sendable {
    public enum Mode: Sendable { case off, terminal, lines }

    public let stage: String
    public let mode: Mode
    /// What counts: "bytes" is shown in MB, anything else as a plain count ("rows").
    public let unit: String
    private let write: (String) -> Void
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastPrint: ContinuousClock.Instant
    private var lastDecile = 0
    private var printedInPlace = false
    /// `.lines`: a stage shorter than this prints nothing.
    public var quietSeconds = 1.0

    public init(stage: String, mode: Mode, unit: String = "bytes", write: @escaping (String) -> Void) {
        self.stage = stage
        self.mode = mode
        self.unit = unit
        self.write = write
        start = clock.now
        lastPrint = start
    }

    /// Seconds since the stage began.
    public var elapsed: Double { Self.seconds(clock.now - start) }

    /// Reports `done` units of `total` (nil when unknown).
    public func update(_ done: Int, _ total: Int?) {
        guard mode != .off else { return }
        let now = clock.now
        switch mode {
        case .off:
            return
        case .terminal:
            guard Self.seconds(now - lastPrint) >= 0.25 else { return }
            lastPrint = now
            write("\r" + line(done, total, now: now) + "\u{1B}[K")
            printedInPlace = true
        case .lines:
            let t = Self.seconds(now - start)
            guard t >= quietSeconds else { return }
            if let total, total > 0 {
                let decile = min(10, done * 10 / total)
                guard decile > lastDecile else { return }
                lastDecile = decile
            } else {
                guard Self.seconds(now - lastPrint) >= 10 || lastPrint == start else { return }
            }
            lastPrint = now
            write(line(done, total, now: now) + "\n")
        }
    }

    /// Ends the stage: on a terminal the line shows the final figures and ends.
    public func finish(_ done: Int? = nil, _ total: Int? = nil) {
        guard mode == .terminal else { return }
        if let done { write("\r" + line(done, total, now: clock.now) + "\u{1B}[K\n") } else if printedInPlace { write("\n") }
        printedInPlace = false
    }

    /// Ends the stage early with a note (a terminal shows it; plain lines do not).
    public func abandon(_ note: String) {
        guard mode == .terminal else { return }
        write((printedInPlace ? "\r\u{1B}[K" : "") + "… " + note + "\n")
        printedInPlace = false
    }

    /// "score: 123.4 MB of 500.0 MB (24 %), 3.1 s, 39.8 MB/s".
    func line(_ done: Int, _ total: Int?, now: ContinuousClock.Instant) -> String {
        let t = Self.seconds(now - start)
        func amount(_ n: Int) -> String {
            unit == "bytes" ? String(format: "%.1f MB", Double(n) / 1e6) : "\(n) \(unit)"
        }
        var s = "\(stage): \(amount(done))"
        if let total, total > 0 {
            s += " of \(amount(total)) (\(min(100, done * 100 / total)) %)"
        }
        s += String(format: ", %.1f s", t)
        if t > 0 {
            s += unit == "bytes" ? String(format: ", %.1f MB/s", Double(done) / 1e6 / t)
                                 : String(format: ", %.0f \(unit)/s", Double(done) / t)
        }
        return s
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
