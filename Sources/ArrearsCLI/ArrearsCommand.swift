import ArgumentParser

/// The `arrears` command line: a thin layer over the library modules.
public struct ArrearsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "arrears",
        abstract: "Delinquency scoring for debt collections: train, score, rank.",
        version: "0.1.0",
        subcommands: [Generate.self, Validate.self, Train.self, Score.self, Evaluate.self, Inspect.self, Rank.self, ReportCommand.self, Bench.self, LedgerCommand.self, Serve.self]
    )

    public init() {}
}
