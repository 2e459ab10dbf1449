#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The outputs of one run, checked before any work and committed together (DESIGN §7).
///
/// `check` refuses, before anything is read: an output whose directory is missing or not
/// writable; a directory, device, pipe or symbolic link at an output path (outputs are
/// renamed into place, which would replace such a thing rather than write to it; `-`
/// is standard output); two outputs that are one file; and an output that is one of the
/// run's inputs, however spelled (`./data/a.csv`, `data//a.csv`, a link to it: files are
/// compared by device and inode, paths that do not exist yet by their real directory and
/// name). `commit` writes every output to its temporary file first and renames them into
/// place only when all were written, holding an exclusive lock on each output directory
/// (`flock`) meanwhile, so two runs writing the same outputs at once leave one run's
/// complete set, never a mix.
///
/// Each output and input carries a `role`: how the caller names it in messages (the
/// CLI passes its flag, `--out`).
public struct OutputSet: Sendable {
    /// One output: where, what to call it in messages, and (for `commit`) its bytes.
    public struct File: Sendable {
        public var path: String
        public var role: String
        public var bytes: [UInt8]

        public init(path: String, role: String, bytes: [UInt8] = []) {
            self.path = path
            self.role = role
            self.bytes = bytes
        }
    }

    public var files: [File]

    public init(_ files: [File]) { self.files = files }

    /// Checks every output path against the rules above and against `inputs`
    /// ((path, role) of each file the run reads).
    public static func check(outputs: [(path: String, role: String)],
                             inputs: [(path: String, role: String)] = []) throws(OutputError) {
        var seen: [(identity: String, role: String, path: String)] = []
        for input in inputs where input.path != "-" {
            if let id = identity(of: input.path) { seen.append((id, input.role, input.path)) }
        }
        let inputCount = seen.count
        for output in outputs {
            guard output.path != "-" else { continue }
            guard let id = identity(of: output.path) else {
                try checkWritable(output.path, role: output.role)
                continue
            }
            if let clash = seen.firstIndex(where: { $0.identity == id }) {
                let other = seen[clash]
                let what = clash < inputCount ? "the input \(other.role) '\(other.path)'" : "\(other.role) '\(other.path)'"
                throw OutputError(code: .collision, path: output.path,
                                  message: "\(output.role) names the same file as \(what): the run would replace it; give \(output.role) a path of its own")
            }
            try checkWritable(output.path, role: output.role)
            seen.append((id, output.role, output.path))
        }
    }

    /// Writes every file to a temporary file beside it, then — under an exclusive lock on
    /// each output directory — renames them all into place. A failure leaves every
    /// previous file as it was; `-` is written to standard output.
    public func commit() throws(OutputError) {
        var writers: [AtomicFileWriter] = []
        func abandon() { for w in writers { w.discard() } }
        for file in files {
            let writer: AtomicFileWriter
            do throws(OutputError) { writer = try AtomicFileWriter(path: file.path) } catch {
                abandon()
                throw OutputError(code: error.code, path: error.path, message: "\(file.role): \(error.message)")
            }
            writers.append(writer)
            var failure: OutputError?
            file.bytes.withUnsafeBytes { buffer in
                do throws(OutputError) { try writer.write(buffer) } catch { failure = error }
            }
            if let failure {
                abandon()
                throw OutputError(code: failure.code, path: failure.path, message: "\(file.role): \(failure.message)")
            }
        }
        let locks = Set(files.filter { $0.path != "-" }.map { Self.directory(of: $0.path) }).sorted().map(DirectoryLock.init)
        defer { for l in locks { l.release() } }
        for (writer, file) in zip(writers, files) {
            do throws(OutputError) { try writer.commit() } catch {
                abandon()
                throw OutputError(code: error.code, path: error.path, message: "\(file.role): \(error.message)")
            }
        }
    }

    // MARK: - Paths

    /// Refuses an output path that cannot be written as a whole file.
    static func checkWritable(_ path: String, role: String) throws(OutputError) {
        guard path != "-" else { return }
        func fail(_ why: String) -> OutputError {
            OutputError(code: .cannotCreate, path: path, message: "\(role): cannot write '\(path)': \(why)")
        }
        guard !path.isEmpty else { throw OutputError(code: .cannotCreate, path: path, message: "\(role): the path is empty") }
        guard !path.hasSuffix("/") else { throw fail("it names a directory") }
        let dir = directory(of: path)
        var info = stat()
        guard stat(dir, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { throw fail("directory '\(dir)' does not exist") }
        guard access(dir, W_OK) == 0 else { throw fail("directory '\(dir)' is not writable") }
        if lstat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw fail("it is a directory") }
            if (info.st_mode & S_IFMT) != S_IFREG { throw fail("it is not a regular file (use '-' for standard output)") }
        }
    }

    /// The directory part of `path` ("." when there is none, "/" for the root).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// What makes two spellings one file: device and inode of an existing file (links
    /// followed), else the real path of its directory and its name.
    static func identity(of path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 { return "inode \(info.st_dev):\(info.st_ino)" }
        let dir = directory(of: path)
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        guard let real = realpath(dir, nil) else { return nil }
        defer { free(real) }
        return "path " + String(cString: real) + "/" + name
    }
}

/// An exclusive `flock` on a directory, held from `init` to `release`.
final class DirectoryLock: @unchecked Sendable {
    private var fd: Int32

    init(_ directory: String) {
        fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
    }

    func release() {
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
