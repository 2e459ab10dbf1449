import Foundation

/// A calendar date: the day number `dayNumber`, days since 1970-01-01 in the proleptic
/// Gregorian calendar (1970-01-01 = 0, 1969-12-31 = −1). Day arithmetic is plain integer
/// arithmetic, so "days between" is a subtraction (`b - a`, in days).
///
/// Parsed once from `YYYY-MM-DD` (`CalendarDay("2026-01-01")`), printed and encoded
/// (Codable) in the same form. Columnar storage (a date column of a million accounts)
/// keeps bare `Int32` day numbers: the static functions below work on those.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public var dayNumber: Int32

    /// The day with day number `dayNumber`.
    public init(dayNumber: Int32) { self.dayNumber = dayNumber }

    /// Parses exactly `YYYY-MM-DD`; nil for any other form or a date that does not exist.
    public init?(_ text: String) {
        guard let n = Self.parse(Array(text.utf8)) else { return nil }
        dayNumber = n
    }

    /// The day (year, month, day) of the proleptic Gregorian calendar; nil when it does
    /// not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard let n = Self.dayNumber(year: year, month: month, day: day) else { return nil }
        dayNumber = n
    }

    /// Today's date in UTC.
    public static func today() -> CalendarDay {
        CalendarDay(dayNumber: Int32(clamping: Int((Foundation.Date().timeIntervalSince1970 / 86_400).rounded(.down))))
    }

    /// `YYYY-MM-DD`.
    public var description: String { Self.format(dayNumber) }

    /// (year, month, day).
    public var civil: (year: Int, month: Int, day: Int) { Self.civil(dayNumber) }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDay { CalendarDay(dayNumber: dayNumber + Int32(clamping: days)) }

    /// Days from `other` to `self` (positive when `self` is later).
    public static func - (lhs: CalendarDay, rhs: CalendarDay) -> Int { Int(lhs.dayNumber) - Int(rhs.dayNumber) }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.dayNumber < rhs.dayNumber }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CalendarDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(text)' is not a date written YYYY-MM-DD"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    // MARK: - Day numbers in columnar storage

    /// Marker for a missing optional date in columnar storage.
    public static let missing: Int32 = .min

    /// Day number of a valid (year, month, day); `nil` when the date does not exist
    /// (month 13, 2026-02-30, 2025-02-29). Years 1…9999.
    /// Algorithm: days-from-civil over 400-year eras (H. Hinnant, "chrono-compatible
    /// low-level date algorithms").
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= daysInMonth(year: year, month: month) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// (year, month, day) of a day number.
    public static func civil(_ dayNumber: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(dayNumber) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses exactly `YYYY-MM-DD` (10 ASCII bytes); `nil` for any other form or a date
    /// that does not exist.
    @inlinable
    public static func parse<C: Collection>(_ bytes: C) -> Int32? where C.Element == UInt8 {
        guard bytes.count == 10 else { return nil }
        var year = 0, month = 0, day = 0
        var idx = 0
        for b in bytes {
            if idx == 4 || idx == 7 {
                guard b == UInt8(ascii: "-") else { return nil }
            } else {
                guard b >= 48 && b <= 57 else { return nil }
                let digit = Int(b &- 48)
                if idx < 4 { year = year * 10 + digit } else if idx < 7 { month = month * 10 + digit } else { day = day * 10 + digit }
            }
            idx += 1
        }
        return dayNumber(year: year, month: month, day: day)
    }

    /// `parse(_:)` for bytes in memory (every cell of the CSV readers): the ten bytes are
    /// read at fixed offsets, each digit checked with one compare, no loop.
    @inlinable @inline(__always)
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard bytes.count == 10, let p = bytes.baseAddress, p[4] == 45, p[7] == 45 else { return nil }
        let y0 = p[0] &- 48, y1 = p[1] &- 48, y2 = p[2] &- 48, y3 = p[3] &- 48
        let m0 = p[5] &- 48, m1 = p[6] &- 48, d0 = p[8] &- 48, d1 = p[9] &- 48
        guard y0 < 10 && y1 < 10 && y2 < 10 && y3 < 10 && m0 < 10 && m1 < 10 && d0 < 10 && d1 < 10 else { return nil }
        let year = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
        return dayNumber(year: year, month: Int(m0) * 10 + Int(m1), day: Int(d0) * 10 + Int(d1))
    }

    /// Parses `YYYY-MM-DD` from a string to a day number.
    public static func parse(_ text: String) -> Int32? { parse(Array(text.utf8)) }

    /// Formats a day number as `YYYY-MM-DD`.
    public static func format(_ dayNumber: Int32) -> String {
        let (y, m, d) = civil(dayNumber)
        func pad(_ x: Int, _ w: Int) -> String {
            let s = String(x)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}
