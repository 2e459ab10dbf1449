// Fuzz target (d): the model artifact loader (`ModelArtifact.decode`), linked against the
// SwiftPM-built Scoring module and its dependencies (see run.sh).
// - decode never traps, whatever the bytes;
// - an artifact that decodes re-encodes to bytes that decode to the same bytes again;
// - it scores a small fixed portfolio without trapping, and every probability is a
//   number in [0, 1] (no NaN reaches an output).
import Features
import Foundation
import PortfolioIO
import Scoring

func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

/// The first rows of the bundled sample (ARREARS_ROOT/data), so a model trained on it can
/// be applied; nil when the sample is not found.
let samplePortfolio: Portfolio? = {
    let root = ProcessInfo.processInfo.environment["ARREARS_ROOT"] ?? "."
    func head(_ name: String, _ lines: Int) -> [UInt8]? {
        guard let text = try? String(contentsOfFile: "\(root)/data/\(name)", encoding: .utf8) else { return nil }
        return Array((text.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines)
            .joined(separator: "\n") + "\n").utf8)
    }
    guard let a = head("accounts.csv", 40), let p = head("payments.csv", 400) else { return nil }
    return try? readPortfolio(accounts: a, payments: p)
}()

let asOf = CalendarDay("2026-01-01")!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    guard let artifact = try? ModelArtifact.decode(bytes, path: "fuzz.json") else { return 0 }
    let once = try! artifact.encoded()
    let again = try! ModelArtifact.decode(Data(once), path: "again.json")
    fuzzCheck(try! again.encoded() == once, "encode → decode → encode changed the bytes")
    guard let portfolio = samplePortfolio, let matrix = try? artifact.features.apply(to: portfolio, asOf: asOf) else {
        return 0
    }
    let scores = artifact.score(matrix)
    for p in scores.pRecover { fuzzCheck(p >= 0 && p <= 1, "p = \(p)") }
    for r in scores.recoveredBy { fuzzCheck(r >= 0 && r <= 1, "P(recovered by t) = \(r)") }
    return 0
}

