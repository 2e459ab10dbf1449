import ArgumentParser
import ArrearsCLI
import Foundation

/// A command that reads a portfolio, as the corpus runs it: every case must end the way
/// the manifest says, through the command as through `readPortfolio`.
///
/// When `score` and `rank` land, add them here (with `--model` pointing at a committed
/// model and `--out` inside `work`); the corpus loop picks them up.
struct CommandProbe: Sendable {
    var name: String
    /// Arguments for one run over (accounts, payments). `rejects` is where the command
    /// must write its rejects CSV; `work` is a scratch directory for any other output.
    var arguments: @Sendable (_ accounts: String, _ payments: String, _ rejects: String, _ work: URL) -> [String]
    /// True when the run must fail as soon as any row is rejected (`--strict`).
    var failsOnRejects: Bool
    /// Whether the multi-megabyte generated cases run through this probe too (they take
    /// seconds each in a debug build; a variant of another probe need not repeat them).
    var runsLargeCases = true

    static let all: [CommandProbe] = [
        CommandProbe(name: "validate", arguments: { a, p, r, _ in
            ["validate", "--accounts", a, "--payments", p, "--rejects", r]
        }, failsOnRejects: false),
        CommandProbe(name: "validate --strict", arguments: { a, p, r, _ in
            ["validate", "--accounts", a, "--payments", p, "--rejects", r, "--strict"]
        }, failsOnRejects: true, runsLargeCases: false),
        // TODO(issue 9, lead): score and rank, e.g.
        // CommandProbe(name: "score", arguments: { a, p, r, work in
        //     ["score", "--model", modelPath, "--accounts", a, "--payments", p, "--as-of", "2026-01-01",
        //      "--out", work.appendingPathComponent("scores.csv").path, "--rejects", r] }, failsOnRejects: false),
    ]

    /// Parses and runs the command in-process; returns the error it threw, if any.
    func run(_ arguments: [String]) -> Error? {
        do {
            var command = try ArrearsCommand.parseAsRoot(arguments)
            try command.run()
            return nil
        } catch {
            return error
        }
    }
}
