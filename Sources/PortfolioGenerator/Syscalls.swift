#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every C call of the module, as thin wrappers (one place to audit).
enum Syscalls {
    /// `errno` of the calling thread.
    static var errno: Int32 {
        #if canImport(Glibc)
        return Glibc.errno
        #elseif canImport(Musl)
        return Musl.errno
        #else
        return Darwin.errno
        #endif
    }

    /// C: `write(2)`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, bytes, count)
        #elseif canImport(Musl)
        return Musl.write(fd, bytes, count)
        #else
        return Darwin.write(fd, bytes, count)
        #endif
    }

    /// C: `open(2)` with `O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC`, mode 0644.
    /// Returns the descriptor or −1 (see `errno`).
    static func createFile(_ path: String) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }

    /// C: `close(2)`; 0 on success.
    static func closeFile(_ fd: Int32) -> Int32 { close(fd) }

    /// C: `fsync(2)`; 0 on success.
    static func sync(_ fd: Int32) -> Int32 { fsync(fd) }

    /// C: `rename(2)`, atomic within one file system; 0 on success.
    static func move(_ from: String, _ to: String) -> Int32 { rename(from, to) }

    /// C: `unlink(2)`; errors ignored (cleanup of temporary files).
    static func remove(_ path: String) { _ = unlink(path) }

    /// C: `strerror(3)`.
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
