import ArgumentParser
import ArrearsCLI
import XCTest

/// Every example in `--help`, rendered at 80 columns as a terminal shows it, can be pasted
/// back: no line is wrapped mid-command, and each command parses with its flags.
final class HelpExampleTests: XCTestCase {
    /// The commands of an example block: lines joined at a trailing `\`.
    func examples(in help: String) -> [String] {
        var commands: [String] = [], current = "", inBlock = false
        for raw in help.components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Example") && line.hasSuffix(":") { inBlock = true; continue }
            guard inBlock else { continue }
            if line.isEmpty { inBlock = false; continue }
            if current.isEmpty && !line.hasPrefix("arrears ") {
                XCTFail("an example line neither starts a command nor continues one (wrapped?): '\(raw)'")
                continue
            }
            if line.hasSuffix("\\") { current += line.dropLast() } else { commands.append(current + line); current = "" }
        }
        if !current.isEmpty { commands.append(current) }
        return commands
    }

    func testEveryExampleFitsEightyColumnsAndParses() throws {
        let commands: [any ParsableCommand.Type] = ArrearsCommand.configuration.subcommands
        var seen = 0
        for command in commands {
            let help = ArrearsCommand.helpMessage(for: command, columns: 80)
            for line in help.components(separatedBy: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("arrears ") {
                XCTAssertLessThanOrEqual(line.count, 80, "\(command): '\(line)'")
            }
            for example in examples(in: help) where !example.contains("|") && !example.contains("<") {
                let words = example.split(separator: " ").map(String.init).filter { !$0.isEmpty }
                XCTAssertEqual(words.first, "arrears")
                XCTAssertNoThrow(try ArrearsCommand.parseAsRoot(Array(words.dropFirst())), "\(command): \(example)")
                seen += 1
            }
        }
        XCTAssertGreaterThanOrEqual(seen, commands.count, "every command has an example")
    }
}
