import Prioritizer
import XCTest

/// Policy nonsense (issue 14 item 12): the C++ TOML parser stops at a NUL byte, so on
/// main `capacity = 5<NUL>…` read as `capacity = 5` and dropped the rest of the file.
final class PolicyFileTests: XCTestCase {
    func testANulOrControlCharacterIsRefusedNamingTheKeyAndLine() {
        for (text, key, line) in [("capacity = 5\u{0}\n", "capacity", 1),
                                  ("p_floor = 0.1\n[contact_rules]\nmax_calls_7d = 3\u{0}9\n", "contact_rules.max_calls_7d", 3),
                                  ("cost_per_attempt = 2\u{1B}\n", "cost_per_attempt", 1)] {
            XCTAssertThrowsError(try Policy(toml: text, file: "p.toml")) { error in
                let e = error as? PolicyError
                XCTAssertEqual(e?.code, .syntax, text)
                XCTAssertEqual(e?.key, key, text)
                XCTAssertEqual(e?.line, line, text)
                XCTAssertTrue(e?.description.hasPrefix("p.toml:\(line):") == true, e?.description ?? "")
            }
        }
        XCTAssertNoThrow(try Policy(toml: "capacity = 5\r\n\tp_floor = 0.1\n", file: "p.toml"), "tab and CRLF are fine")
    }

    /// Found by the fuzz target `policy`: a table header starting with a character no key
    /// starts with made toml++ abort the process (an assert live in release builds), on
    /// main with any `--policy` file holding `[+x]`. It is a syntax error naming the line.
    func testAHeaderThatCannotStartAKeyIsASyntaxErrorNotAnAbort() {
        for (text, line) in [("[+old_flags]\nbankruptcy = false\n", 1), ("capacity = 3\n[[ .a]]\n", 2), ("[é]\n", 1),
                             ("[#a]\n", 1), ("[=a]\n", 1),
                             ("[\nbankruptcy = false\n", 1), ("cost_per_attempt = 1\n  [ \r\n", 2)] {
            XCTAssertThrowsError(try Policy(toml: text, file: "p.toml")) { error in
                let e = error as? PolicyError
                XCTAssertEqual(e?.code, .syntax, text)
                XCTAssertEqual(e?.line, line, text)
                XCTAssertTrue(e?.message.contains("table header") == true, e?.message ?? "")
            }
        }
        XCTAssertNoThrow(try Policy(toml: "[ contact_rules ]\ncall_limit = false\n[\"hold_flags\"]\ndispute = true\n", file: "p.toml"))
    }
}
