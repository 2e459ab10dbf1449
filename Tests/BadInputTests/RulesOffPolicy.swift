import Foundation
import _TestSupport

/// A policy with every input-dependent worklist rule switched off, for the rank probe:
/// the corpus's accounts files have none of the rule columns, and the probe tests the
/// readers (`RuleInputTests` tests the rules' inputs).
enum RulesOffPolicy {
    static let path: String = {
        let file = makeTemporaryDirectory("bad-input-policy").appendingPathComponent("rules-off.toml")
        let text = """
            [contact_rules]
            call_limit = false
            conversation_cooldown = false

            [hold_flags]
            bankruptcy = false
            cease_and_desist = false
            dispute = false
            deceased = false
            time_barred = false

            """
        FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8))
        return file.path
    }()
}
