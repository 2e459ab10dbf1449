import Foundation
import PortfolioIO

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
