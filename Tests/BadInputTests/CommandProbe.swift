import ArgumentParser
import ArrearsCLI
import Foundation

/// A command that reads a portfolio, as the corpus runs it: every case must end the way
/// the manifest says, through the command as through `readPortfolio`.
///
/// score and rank use a model trained once per run on the required columns only
/// (`TrainedModel.requiredColumnsPath`), rank with every rule-input switch off
/// (`RulesOffPolicy`); a new command that
/// reads a portfolio belongs here too, and the corpus loop picks it up.
struct CommandProbe: Sendable {
    var name: String
    /// Arguments for one run over (accounts, payments). `rejects` is where the command
    /// must write its rejects CSV; `work` is a scratch directory for any other output.
    var arguments: @Sendable (_ accounts: String, _ payments: String, _ rejects: String, _ work: URL) -> [String]
    /// True when the run must fail as soon as any row is rejected (`--strict`).
    var failsOnRejects: Bool
    /// Whether the heavy cases (`BadInputCase.heavy`) run through this probe too: they
    /// take seconds in a debug build, and the reader they test is shared by every command.
    var runsHeavyCases = false
    /// An output file (in `work`) with a header and one row per valid account.
    var outputPerAccount: String? = nil

    static let all: [CommandProbe] = [
        CommandProbe(name: "validate", arguments: { a, p, r, _ in
            ["validate", "--accounts", a, "--payments", p, "--rejects", r]
        }, failsOnRejects: false, runsHeavyCases: true),
        CommandProbe(name: "validate --strict", arguments: { a, p, r, _ in
            ["validate", "--accounts", a, "--payments", p, "--rejects", r, "--strict"]
        }, failsOnRejects: true),
        CommandProbe(name: "score", arguments: { a, p, r, work in
            ["score", "--model", TrainedModel.requiredColumnsPath, "--accounts", a, "--payments", p, "--as-of", "2026-01-01",
             "--out", work.appendingPathComponent("scores.csv").path, "--rejects", r, "--quiet"]
        }, failsOnRejects: false, outputPerAccount: "scores.csv"),
        CommandProbe(name: "rank", arguments: { a, p, r, work in
            ["rank", "--model", TrainedModel.requiredColumnsPath, "--accounts", a, "--payments", p, "--as-of", "2026-01-01",
             "--policy", RulesOffPolicy.path, "--out", work.appendingPathComponent("worklist.csv").path, "--rejects", r, "--quiet"]
        }, failsOnRejects: false),
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
