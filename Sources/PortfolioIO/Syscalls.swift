#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Thin wrappers over the C calls PortfolioIO makes; every C call of the module goes
/// through this file. Each returns the C result and leaves `errno` for `errnoMessage()`.
enum Sys {
    /// `open(path, O_RDONLY | O_CLOEXEC)`; −1 on failure.
    static func openForReading(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_CLOEXEC)
    }

    /// `open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666 & ~umask)`; −1 on failure
    /// (EEXIST when the name is taken).
    static func createExclusive(_ path: String) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    }

    /// `open(path, O_RDONLY | O_DIRECTORY)`, for fsync of a directory; −1 on failure.
    static func openDirectory(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    /// `read(2)`, retried on EINTR. Returns bytes read, 0 at end of file, −1 on error.
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// Writes all `count` bytes with `write(2)`, retrying short writes and EINTR.
    /// Returns false on error (errno set).
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = Glibc.write(fd, buffer + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }

    /// `close(2)`; returns false on error.
    @discardableResult
    static func close(_ fd: Int32) -> Bool { Glibc.close(fd) == 0 }

    /// `fsync(2)`; returns false on error. EINVAL (a pipe or terminal) counts as success.
    static func fsync(_ fd: Int32) -> Bool { Glibc.fsync(fd) == 0 || errno == EINVAL || errno == EROFS }

    /// `rename(2)`; returns false on error.
    static func rename(_ from: String, _ to: String) -> Bool { Glibc.rename(from, to) == 0 }

    /// `unlink(2)`; errors are ignored (used to clean up temporary files).
    static func unlink(_ path: String) { _ = Glibc.unlink(path) }

    /// Size in bytes of a regular file, `nil` for pipes, terminals and on error (`fstat`).
    static func regularFileSize(_ fd: Int32) -> Int? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// True when `fd` refers to a directory (`fstat`).
    static func isDirectory(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// True when `fd` refers to a character device (`/dev/zero`, a terminal; `fstat`).
    static func isCharacterDevice(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR
    }

    static func getpid() -> Int32 { Glibc.getpid() }

    /// The current `errno` as text (`strerror`).
    static func errnoMessage() -> String { String(cString: strerror(errno)) }

    /// `strtod` over `count` bytes at `bytes` (copied, NUL-terminated, to a stack buffer).
    /// Returns `nil` unless strtod consumed every byte (e.g. when LC_NUMERIC is not "C").
    static func strtod(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { tmp in
            let base = tmp.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: bytes, byteCount: count)
            base[count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = Glibc.strtod(base, &end)
            guard let end, end - base == count else { return nil }
            return v
        }
    }
}

extension Sys {
    /// True when the last call failed with EEXIST.
    static func lastErrorIsExists() -> Bool { errno == EEXIST }
}
