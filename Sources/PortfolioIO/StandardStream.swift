/// Standard output and standard error, written with `write(2)` and typed errors.
/// Foundation's `FileHandle.write(_:)` traps when the stream is closed (`>&-`) or full
/// (`>/dev/full`) after the work is done; these never trap.
public enum StandardStream: Int32, Sendable {
    case output = 1
    case error = 2

    /// `<stdout>` or `<stderr>`, as errors name the stream.
    public var name: String { self == .output ? "<stdout>" : "<stderr>" }

    /// Writes all of `text`.
    /// - Throws: `OutputError.Code.writeFailed` naming the stream and the system's
    ///   reason (a closed descriptor, no space left on the device, a closed pipe).
    public func write(_ text: String) throws(OutputError) {
        var text = text
        let ok = text.withUTF8 { buffer in
            buffer.isEmpty || Sys.writeAll(rawValue, buffer.baseAddress!, buffer.count)
        }
        if !ok {
            throw OutputError(code: .writeFailed, path: name, message: "cannot write: \(Sys.errnoMessage())")
        }
    }

    /// Writes `text` and ignores a failure: for progress and count lines on standard
    /// error, which have nowhere else to go.
    public func writeIgnoringErrors(_ text: String) {
        try? write(text)
    }
}
