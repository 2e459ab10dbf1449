import PortfolioIO

/// A write buffer in front of a `ByteSink` (PortfolioIO): rows are formatted straight into one fixed
/// allocation (1 MiB by default) and handed to the sink when the next row might not
/// fit, so a portfolio of any size streams through constant memory.
///
/// A class because it owns its allocation and has identity (one per output file).
/// Callers reserve room for a row with `reserve(_:)` (a bound on the row's length),
/// then append without further checks.
@usableFromInline
final class BufferedWriter<Sink: ByteSink> {
    @usableFromInline let sink: Sink
    @usableFromInline let buffer: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    @usableFromInline var count = 0
    /// Bytes handed to the sink so far plus bytes still buffered.
    @usableFromInline var totalBytes: Int { flushed + count }
    @usableFromInline var flushed = 0

    @usableFromInline init(sink: Sink, capacity: Int = 1 << 20) {
        precondition(capacity >= 4096, "buffer capacity below one maximal row")
        self.sink = sink
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Makes room for `n` more bytes (n ≤ capacity), flushing if needed.
    @inlinable @inline(__always)
    func reserve(_ n: Int) throws(OutputError) {
        if count + n > capacity { try flush() }
    }

    /// Hands the buffered bytes to the sink.
    @inlinable
    func flush() throws(OutputError) {
        guard count > 0 else { return }
        try sink.write(UnsafeRawBufferPointer(start: buffer, count: count))
        flushed += count
        count = 0
    }

    @inlinable @inline(__always)
    func byte(_ b: UInt8) {
        buffer[count] = b
        count += 1
    }

    @inlinable @inline(__always)
    func bytes(_ source: UnsafeBufferPointer<UInt8>) {
        (buffer + count).update(from: source.baseAddress!, count: source.count)
        count += source.count
    }

    /// ASCII text (headers, category names); not for hot numeric fields.
    @inlinable
    func text(_ s: StaticString) {
        s.withUTF8Buffer { bytes($0) }
    }

    @inlinable
    func text(_ s: String) {
        var copy = s
        copy.withUTF8 { bytes($0) }
    }

    /// `1` or `0`.
    @inlinable @inline(__always)
    func flag(_ value: Bool) { byte(value ? UInt8(ascii: "1") : UInt8(ascii: "0")) }

    /// A non-negative integer in decimal, no leading zeros ("0" for 0).
    @inlinable @inline(__always)
    func unsigned(_ value: UInt64) {
        var v = value
        var digits = 1
        var probe = v
        while probe >= 10 { probe /= 10; digits += 1 }
        var i = count + digits - 1
        repeat {
            buffer[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
            i -= 1
        } while v > 0
        count += digits
    }

    /// `value` with exactly `width` digits, zero-padded (value < 10^width).
    @inlinable @inline(__always)
    func padded(_ value: Int, width: Int) {
        var v = value
        var i = count + width - 1
        while i >= count {
            buffer[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
            i -= 1
        }
        count += width
    }

    /// An amount in cents as currency units with two decimals: 12345 → "123.45",
    /// 7 → "0.07". Exact: integer arithmetic only. Amounts are ≥ 0.
    @inlinable @inline(__always)
    func cents(_ amount: Int64) {
        unsigned(UInt64(amount / 100))
        byte(UInt8(ascii: "."))
        padded(Int(amount % 100), width: 2)
    }

    /// A day number as `YYYY-MM-DD` (years 1000…9999).
    @inlinable @inline(__always)
    func date(_ day: Int32) {
        let (y, m, d) = CalendarDay.civil(day)
        padded(y, width: 4)
        byte(UInt8(ascii: "-"))
        padded(m, width: 2)
        byte(UInt8(ascii: "-"))
        padded(d, width: 2)
    }
}
