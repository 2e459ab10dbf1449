import Foundation
import PortfolioIO

/// The interval of one calendar day in which an account may be called: the
/// intersection, over its candidate zones, of [start_hour, end_hour) local time on the
/// as-of date in that zone (12 CFR 1006.6(b)(1)(i); `CallWindowPolicy`).
///
/// Local hours are converted to UTC with the IANA rules of each zone for that date
/// (Foundation's `TimeZone`), so a window on a day of a DST change uses the offset in
/// force at each end: 2026-03-08 in America/New_York is 08:00–21:00 EDT = 12:00Z–01:00Z,
/// while 2026-03-07 is 13:00Z–02:00Z.
public struct CallWindow: Sendable, Equatable {
    /// Start and end in seconds since 1970-01-01T00:00:00Z; `end <= start` means the
    /// candidate zones have no hour in common (nobody may be called).
    public var start: Int64
    public var end: Int64
    /// The zones whose windows were intersected.
    public var zones: [String]
    /// Each zone's UTC offset at `start`, in seconds (for the local-time text).
    public var offsets: [Int]

    public var isEmpty: Bool { end <= start }

    /// The window of `day` (a `CalendarDay` number, read as the local date) for `zones`.
    /// Returns nil when a zone is not in the IANA database.
    public static func of(day: Int32, zones: [String], policy: CallWindowPolicy) -> CallWindow? {
        let (y, m, d) = CalendarDay.civil(day)
        var start = Int64.min, end = Int64.max
        var tzs: [TimeZone] = []
        for name in zones {
            guard let tz = TimeZone(identifier: name) else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = tz
            func instant(_ hour: Int) -> Int64? {
                let extra = hour == 24 ? 1 : 0
                guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d + extra,
                                                                    hour: hour % 24)) else { return nil }
                return Int64(date.timeIntervalSince1970.rounded())
            }
            guard let s = instant(policy.startHour), let e = instant(policy.endHour) else { return nil }
            start = max(start, s)
            end = min(end, e)
            tzs.append(tz)
        }
        let at = Date(timeIntervalSince1970: TimeInterval(start))
        return CallWindow(start: start, end: end, zones: zones, offsets: tzs.map { $0.secondsFromGMT(for: at) })
    }

    /// ISO 8601 interval in UTC, `2026-01-02T13:00:00Z/2026-01-03T02:00:00Z`; "" when empty.
    public var utcText: String {
        isEmpty ? "" : "\(Self.iso(start))/\(Self.iso(end))"
    }

    /// The window in each zone's local time, `08:00-21:00 America/New_York`, joined
    /// with "; " for several zones; "none" when empty.
    public var localText: String {
        if isEmpty { return "none" }
        return zip(zones, offsets).map { zone, offset in
            "\(Self.clock(start + Int64(offset)))-\(Self.clock(end + Int64(offset))) \(zone)"
        }.joined(separator: "; ")
    }

    static func iso(_ t: Int64) -> String {
        let day = Int32((t >= 0 ? t : t - 86_399) / 86_400)
        return CalendarDay.format(day) + "T" + clock(t) + ":" + two(Int(((t % 60) + 60) % 60)) + "Z"
    }

    static func clock(_ t: Int64) -> String {
        let s = Int(((t % 86_400) + 86_400) % 86_400)
        return two(s / 3600) + ":" + two(s / 60 % 60)
    }

    static func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
}
