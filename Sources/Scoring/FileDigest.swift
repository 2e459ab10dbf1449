import Foundation
import PortfolioIO

/// The SHA-256 of a file's bytes as 64 hex digits, read in 1 MiB chunks.
/// Throws when the file cannot be opened or read.
public func sha256Hex(ofFileAt path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
        let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
        if chunk.isEmpty { break }
        chunk.withUnsafeBytes { hasher.update($0) }
    }
    return hasher.finalizeHex()
}
