import Dispatch
import Foundation
import PortfolioIO

/// The SHA-256 of several input files computed on a background thread while the caller
/// reads and fits on the others (`train`): start it, do the work, then `wait()`.
public final class PendingInputHashes: @unchecked Sendable {
    private let group = DispatchGroup()
    // Written once by the background task before `group.leave()`, read after `wait()`.
    private var results: [Result<InputFile, InputFileError>] = []

    /// Starts hashing `files` (role, path) in order on a global queue.
    public init(_ files: [(role: String, path: String)]) {
        group.enter()
        DispatchQueue.global().async { [self] in
            results = files.map { file in Result { () throws(InputFileError) in try InputFile(role: file.role, hashing: file.path) } }
            group.leave()
        }
    }

    /// Waits for the hashes; the first file that could not be hashed is thrown.
    public func wait() throws(InputFileError) -> [InputFile] {
        group.wait()
        var files: [InputFile] = []
        for r in results {
            switch r {
            case .success(let f): files.append(f)
            case .failure(let e): throw e
            }
        }
        return files
    }
}

extension InputFile {
    /// Whether the file at `path` has this record's size and SHA-256 (the size is compared
    /// first, so a different file is rarely hashed). False when it cannot be read, and for
    /// standard input, which cannot be read again.
    public func matches(path: String) -> Bool {
        guard path != "-", !sha256.isEmpty,
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size == bytes,
              let now = try? InputFile(role: role, hashing: path)
        else { return false }
        return now.sha256 == sha256
    }
}

extension InputFileError: ArrearsError {
    public var codeName: String { "unhashable_input" }
}
