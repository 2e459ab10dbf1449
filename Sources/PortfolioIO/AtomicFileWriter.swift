/// An output file that appears whole or not at all (DESIGN §7).
///
/// Bytes go to a temporary file in the target's directory (`.<name>.tmp-<pid>-<random>`);
/// `commit()` fsyncs it, renames it over the target (atomic on POSIX file systems) and
/// fsyncs the directory. If the writer is discarded, deinitialized without a commit, or
/// any step fails, the temporary file is removed and an existing target is untouched.
///
/// The path `-` writes to standard output instead (not atomic; `commit()` just returns).
public final class AtomicFileWriter: ByteSink {
    /// The target as given.
    public let path: String
    private let temporaryPath: String?
    private var fd: Int32
    private var open = true

    /// Creates the temporary file beside `path` (or uses stdout for `-`).
    /// - Throws: `OutputError.cannotCreate` when the directory is missing or not writable.
    public init(path: String) throws(OutputError) {
        self.path = path
        if path == "-" {
            fd = 1
            temporaryPath = nil
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var created: Int32 = -1
        var tmp = ""
        for _ in 0..<100 {
            tmp = (directory.isEmpty ? "" : directory + "/") + ".\(name).tmp-\(Sys.getpid())-\(UInt32.random(in: 0 ... .max))"
            created = Sys.createExclusive(tmp)
            if created >= 0 { break }
            if !Sys.lastErrorIsExists() { break }
        }
        guard created >= 0 else {
            throw OutputError(code: .cannotCreate, path: path,
                              message: "cannot create a temporary file in '\(directory.isEmpty ? "/" : directory)': \(Sys.errnoMessage())")
        }
        fd = created
        temporaryPath = tmp
    }

    deinit { discard() }

    /// Writes all bytes to the temporary file (or stdout).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard open else { throw OutputError(code: .alreadyClosed, path: path, message: "the file was already committed or discarded") }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if !Sys.writeAll(fd, base, bytes.count) {
            let message = "write failed: \(Sys.errnoMessage())"
            discard()
            throw OutputError(code: .writeFailed, path: path, message: message)
        }
    }

    /// Makes the written bytes the target's content: fsync, close, rename, fsync of the
    /// directory. On failure the temporary file is removed and the target is untouched.
    public func commit() throws(OutputError) {
        guard open else { throw OutputError(code: .alreadyClosed, path: path, message: "the file was already committed or discarded") }
        guard let tmp = temporaryPath else { open = false; return }
        let synced = Sys.fsync(fd)
        let message = synced ? "" : "fsync failed: \(Sys.errnoMessage())"
        let closed = Sys.close(fd)
        open = false
        guard synced, closed else {
            Sys.unlink(tmp)
            throw OutputError(code: .commitFailed, path: path, message: synced ? "close failed" : message)
        }
        guard Sys.rename(tmp, path) else {
            let message = "cannot replace the file: \(Sys.errnoMessage())"
            Sys.unlink(tmp)
            throw OutputError(code: .commitFailed, path: path, message: message)
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let dfd = Sys.openDirectory(directory.isEmpty ? "/" : directory)
        if dfd >= 0 { _ = Sys.fsync(dfd); Sys.close(dfd) }
    }

    /// Abandons the output: closes and removes the temporary file. Idempotent.
    public func discard() {
        guard open else { return }
        open = false
        if let tmp = temporaryPath {
            Sys.close(fd)
            Sys.unlink(tmp)
        }
    }
}
