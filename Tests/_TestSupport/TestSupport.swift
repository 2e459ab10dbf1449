import Foundation

/// Shared helpers for the test targets.

/// True when |a − b| ≤ rel·max(|a|, |b|) or |a − b| ≤ abs (for values near zero).
public func approxEqual(_ a: Double, _ b: Double, rel: Double = 1e-6, abs absTol: Double = 1e-12) -> Bool {
    if a == b { return true }
    let d = Swift.abs(a - b)
    return d <= absTol || d <= rel * max(Swift.abs(a), Swift.abs(b))
}

/// SplitMix64: a small seeded generator so randomized tests are reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh empty temporary directory, unique per call.
public func makeTemporaryDirectory(_ prefix: String = "arrears-test") -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository root (the folder holding Package.swift), found from this file's path.
public func repositoryRoot(file: String = #filePath) -> URL {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        url.deleteLastPathComponent()
    }
    fatalError("Package.swift not found above \(file)")
}

/// The executable `name` that SwiftPM built beside the running test bundle (looked for in
/// the bundle's directory and up to three levels above it), or nil.
public func builtExecutable(named name: String = "arrears") -> URL? {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    for _ in 0..<4 {
        let candidate = url.deletingLastPathComponent().appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        url.deleteLastPathComponent()
    }
    return nil
}
