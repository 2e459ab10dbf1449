/// Outputs written piece by piece and committed together: the streaming counterpart of
/// `OutputSet` (DESIGN §7). Each file's bytes go to its temporary file as they are
/// produced (`append`), so a run never holds a whole output in memory; `commit` renames
/// them all into place under an exclusive lock on each output directory, as
/// `OutputSet.commit` does. Discarding (or deinitializing without a commit) removes every
/// temporary file and leaves the previous outputs as they were. Paths must be files:
/// standard output (`-`) cannot be taken back, so streaming runs do not write to it.
public final class StreamingOutputSet {
    private var writers: [AtomicFileWriter] = []
    private var roles: [String] = []
    private var committed = false

    public init() {}

    /// Opens the temporary file of `path` and returns its handle for `append`.
    public func open(_ path: String, role: String) throws(OutputError) -> Int {
        precondition(path != "-", "StreamingOutputSet writes files only")
        do throws(OutputError) {
            writers.append(try AtomicFileWriter(path: path))
        } catch {
            discard()
            throw OutputError(code: error.code, path: error.path, message: "\(role): \(error.message)")
        }
        roles.append(role)
        return writers.count - 1
    }

    /// Appends bytes to output `handle`.
    public func append(_ bytes: [UInt8], to handle: Int) throws(OutputError) {
        var failure: OutputError?
        bytes.withUnsafeBytes { buffer in
            do throws(OutputError) { try writers[handle].write(buffer) } catch { failure = error }
        }
        if let failure {
            discard()
            throw OutputError(code: failure.code, path: failure.path, message: "\(roles[handle]): \(failure.message)")
        }
    }

    /// Renames every file into place (fsynced), under the output directories' locks.
    public func commit() throws(OutputError) {
        let locks = Set(writers.map { OutputSet.directory(of: $0.path) }).sorted().map(DirectoryLock.init)
        defer { for l in locks { l.release() } }
        for (k, writer) in writers.enumerated() {
            do throws(OutputError) { try writer.commit() } catch {
                discard()
                throw OutputError(code: error.code, path: error.path, message: "\(roles[k]): \(error.message)")
            }
        }
        committed = true
    }

    /// Removes every temporary file not yet renamed.
    public func discard() {
        for w in writers { w.discard() }
    }

    deinit { if !committed { discard() } }
}
