import XCTest
import PortfolioIO
import Scoring
import _TestSupport

final class SHA256Tests: XCTestCase {
    private func hex(_ s: String) -> String {
        var h = SHA256()
        h.update(Array(s.utf8))
        return h.finalizeHex()
    }

    /// FIPS 180-4 / NIST example vectors.
    func testKnownVectors() {
        XCTAssertEqual(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(hex(String(repeating: "a", count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testChunkedUpdatesEqualOneUpdate() {
        var rng = SeededGenerator(seed: 3)
        let bytes = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var whole = SHA256()
        whole.update(bytes)
        let expected = whole.finalizeHex()
        for _ in 0..<20 {
            var h = SHA256()
            var i = 0
            while i < bytes.count {
                let n = Int.random(in: 0...130, using: &rng)
                h.update(bytes[i..<min(bytes.count, i + n)])
                i += n
            }
            XCTAssertEqual(h.finalizeHex(), expected)
        }
    }

    func testFileDigestMatchesInMemoryDigest() throws {
        let dir = makeTemporaryDirectory()
        let path = dir.appendingPathComponent("f.bin").path
        let bytes = Array(String(repeating: "arrears,", count: 300_000).utf8)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        var h = SHA256()
        h.update(bytes)
        XCTAssertEqual(try sha256Hex(ofFileAt: path), h.finalizeHex())
        XCTAssertThrowsError(try sha256Hex(ofFileAt: dir.appendingPathComponent("missing").path))
    }
}
