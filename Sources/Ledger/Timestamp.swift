import PortfolioIO

/// ISO 8601 timestamps of dialer and CRM exports, to seconds since 1970-01-01T00:00:00Z.
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS` (or a space for `T`), optional fraction `.f…` (dropped:
/// the ledger keeps whole seconds), then `Z`, `±HH:MM` or `±HHMM`. A timestamp without an
/// offset is refused: the ledger stores UTC and will not guess the dialer's zone.
public enum Timestamp {
    /// Seconds since the epoch (UTC), or nil when `bytes` is not such a timestamp.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = bytes.count
        guard n >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            var v = 0
            for k in at..<(at + count) {
                let d = Int(bytes[k]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32 || bytes[10] == 116,
              bytes[13] == 58, bytes[16] == 58,
              let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2),
              let h = digits(11, 2), let mi = digits(14, 2), let s = digits(17, 2),
              h <= 23, mi <= 59, s <= 59,
              let day = CalendarDay.dayNumber(year: y, month: mo, day: d) else { return nil }
        var i = 19
        if i < n && bytes[i] == 46 {
            i += 1
            let start = i
            while i < n && bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < n else { return nil }
        var offset = 0
        switch bytes[i] {
        case 90, 122: // Z z
            guard i + 1 == n else { return nil }
        case 43, 45: // + -
            let sign = bytes[i] == 45 ? -1 : 1
            let rest = n - i - 1
            guard rest == 4 || rest == 5, let oh = digits(i + 1, 2), oh <= 23 else { return nil }
            let om: Int?
            if rest == 5 && bytes[i + 3] == 58 { om = digits(i + 4, 2) } else if rest == 4 { om = digits(i + 3, 2) } else { return nil }
            guard let om, om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        default:
            return nil
        }
        return Int64(day) * 86_400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)
    }

    public static func parse(_ text: String) -> Int64? {
        var t = text
        return t.withUTF8 { parse($0) }
    }

    /// The UTC calendar day (`CalendarDay` number) of a timestamp.
    @inlinable
    public static func day(_ t: Int64) -> Int32 {
        Int32(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
    }

    /// `2026-03-04T14:05:00Z`.
    public static func format(_ t: Int64) -> String {
        let s = Int(t - Int64(day(t)) * 86_400)
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return "\(CalendarDay.format(day(t)))T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))Z"
    }
}
