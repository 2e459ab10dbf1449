/// A destination for bytes: a file descriptor, an atomic file, memory.
public protocol ByteSink: AnyObject {
    /// Writes all of `bytes` or throws.
    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError)
}

/// Writes straight to a file descriptor it does not own (e.g. 1 for stdout).
public final class FileDescriptorSink: ByteSink {
    public let fileDescriptor: Int32
    /// Name used in errors.
    public let name: String

    public init(fileDescriptor: Int32, name: String) {
        self.fileDescriptor = fileDescriptor
        self.name = name
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if !Sys.writeAll(fileDescriptor, base, bytes.count) {
            throw OutputError(code: .writeFailed, path: name, message: "write failed: \(Sys.errnoMessage())")
        }
    }
}

/// Collects bytes in memory (tests, small outputs).
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) { self.bytes.append(contentsOf: bytes) }
    /// The bytes as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Writes RFC 4180 CSV, one cell at a time, through a 64 KiB buffer.
///
/// - Text cells are quoted when they hold `,` `"` CR or LF (inner quotes doubled), and a
///   text cell starting with `=` `+` `-` `@` tab or CR gets a leading `'` so that a
///   spreadsheet shows it instead of running it as a formula (OWASP "CSV injection").
/// - Number cells are written as numbers, never escaped: `-1.5` stays `-1.5`. Doubles
///   use Swift's shortest round-trip form (`0.1`, `1e-07`, `100.0`); NaN is an empty cell.
///
/// Call `endRow()` after each row and `flush()` at the end (or let the owning
/// `AtomicFileWriter` commit after `flush()`).
public final class CSVWriter {
    private let sink: any ByteSink
    private var buffer: [UInt8] = []
    private var atRowStart = true
    private let lineEnding: [UInt8]
    private static let flushThreshold = 64 << 10

    /// - Parameter crlf: end rows with CRLF (RFC 4180) instead of LF.
    public init(to sink: any ByteSink, crlf: Bool = false) {
        self.sink = sink
        lineEnding = crlf ? [13, 10] : [10]
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    @inline(__always)
    private func separator() {
        if atRowStart { atRowStart = false } else { buffer.append(UInt8(ascii: ",")) }
    }

    /// A text cell, escaped as described above.
    public func text(_ s: String) {
        separator()
        CSVEscaping.appendTextCell(s, to: &buffer)
    }

    /// A number cell: shortest round-trip decimal; NaN → empty; ±infinity → `inf`/`-inf`.
    public func number(_ x: Double) {
        separator()
        if x.isNaN { return }
        if x.isInfinite { buffer.append(contentsOf: (x < 0 ? "-inf" : "inf").utf8); return }
        buffer.append(contentsOf: x.description.utf8)
    }

    /// An integer cell.
    public func integer(_ x: Int) {
        separator()
        buffer.appendInteger(x)
    }

    /// A date cell, `YYYY-MM-DD` (empty for `CalendarDay.missing`).
    public func date(_ day: Int32) {
        separator()
        if day != CalendarDay.missing { buffer.append(contentsOf: CalendarDay.format(day).utf8) }
    }

    /// An empty cell.
    public func empty() { separator() }

    /// Ends the row; flushes to the sink when the buffer is past 64 KiB.
    public func endRow() throws(OutputError) {
        buffer.append(contentsOf: lineEnding)
        atRowStart = true
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// A whole row of text cells (a header, say).
    public func row(_ cells: [String]) throws(OutputError) {
        for c in cells { text(c) }
        try endRow()
    }

    /// Writes the buffered bytes to the sink.
    public func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        let sink = self.sink
        var failure: OutputError? = nil
        buffer.withUnsafeBytes { raw in
            do throws(OutputError) { try sink.write(raw) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }
}

extension Reject {
    /// The rejects file header.
    public static let csvHeader = ["file", "line", "column", "code", "reason", "account_id"]

    /// Writes rejects as CSV with the header `file,line,column,code,reason,account_id`
    /// (one row per reject, in the given order), then flushes.
    public static func writeCSV(_ rejects: [Reject], to writer: CSVWriter) throws(OutputError) {
        try writer.row(csvHeader)
        for r in rejects {
            writer.text(r.file)
            writer.integer(r.line)
            writer.text(r.column ?? "")
            writer.text(r.code.rawValue)
            writer.text(r.reason)
            writer.text(r.accountID)
            try writer.endRow()
        }
        try writer.flush()
    }
}

/// The escaping rule for CSV text cells, shared by every CSV the project writes.
public enum CSVEscaping {
    /// Appends `s` as one CSV text cell: RFC 4180 quotes when it holds `,` `"` CR or LF
    /// (inner quotes doubled), and a leading `'` when it starts with `=` `+` `-` `@` tab
    /// or CR, so a spreadsheet shows it as text instead of running it as a formula
    /// (OWASP "CSV injection").
    public static func appendTextCell(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendTextCell($0, to: &out) }
    }

    /// `appendTextCell(_:to:)` for UTF-8 bytes. Text without special characters (the
    /// common case) is copied once.
    public static func appendTextCell(_ u: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let needsQuotes = TextScan.hasCSVSpecial(u)
        if needsQuotes { out.append(UInt8(ascii: "\"")) }
        if let first = u.first, startsFormula(first) { out.append(UInt8(ascii: "'")) }
        if needsQuotes {
            for b in u {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: u)
        }
    }

    /// Whether `appendTextCell` would write `u` other than as it is (quotes or a `'`).
    @inline(__always)
    public static func needsEscape(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = u.first, startsFormula(first) { return true }
        return TextScan.hasCSVSpecial(u)
    }

    /// `=` `+` `-` `@` tab or CR: a first byte a spreadsheet would run as a formula.
    @inline(__always)
    static func startsFormula(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13: true
        default: false
        }
    }
}
