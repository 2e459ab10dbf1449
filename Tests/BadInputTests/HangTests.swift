import ArrearsCLI
import Foundation
import PortfolioIO
import Scoring
import XCTest
import _TestSupport

/// Endless and one-shot inputs (issue 14 items 6 and 9).
final class HangTests: XCTestCase {
    /// `--accounts /dev/zero` grew memory without bound on main: a character device is
    /// refused before reading (the endless line of a regular file stops at the record
    /// cap: the corpus case `accounts/endless_line.csv`).
    func testACharacterDeviceIsRefusedBeforeReading() {
        XCTAssertThrowsError(try readPortfolio(accountsPath: "/dev/zero", paymentsPath: "/dev/null")) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.code, .unreadableFile)
            XCTAssertEqual(e?.file, "/dev/zero")
            XCTAssertTrue(e?.message.contains("is a device") == true, e?.message ?? "")
        }
    }

    /// A file appended to while it is read: the fingerprint is that of exactly the bytes
    /// parsed — here the grown file, every row of it — never a size of one version and a
    /// hash of another (on main the hash was taken by a second reader on another thread).
    func testAFileAppendedToWhileReadIsFingerprintedAsParsed() throws {
        let dir = makeTemporaryDirectory("append")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.csv").path
        let first = "account_id,balance,days_past_due\n" + (1...50).map { "A\($0),10,1\n" }.joined()
        FileManager.default.createFile(atPath: path, contents: Data(first.utf8))
        let reader = try CSVReader(path: path, chunkSize: 64)
        reader.fingerprintInput()
        var records = 0
        while try reader.next() != .end {
            records += 1
            if records == 3, let h = FileHandle(forWritingAtPath: path) {
                h.seekToEndOfFile()
                h.write(Data((51...80).map { "A\($0),10,1\n" }.joined().utf8))
                try h.close()
            }
        }
        XCTAssertEqual(records, 81, "header + 80 rows: the appended rows were parsed")
        let f = try XCTUnwrap(reader.fingerprint)
        XCTAssertEqual(f.bytes, try Data(contentsOf: URL(fileURLWithPath: path)).count)
        XCTAssertEqual(f.sha256, try sha256Hex(ofFileAt: path))
    }

    /// Training from a FIFO read the pipe twice (hasher and parser) on main and recorded
    /// a size and hash of nothing. The inputs are hashed as they are parsed: the model
    /// records exactly the file's bytes, and the same as training from the file.
    func testTrainingFromAFIFORecordsTheBytesItParsed() throws {
        let dir = makeTemporaryDirectory("fifo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (a, p) = TrainedModel.trainingPortfolio(accounts: 150, seed: 12)
        let accountsFile = dir.appendingPathComponent("a.csv").path, fifo = dir.appendingPathComponent("a.fifo").path
        let payments = dir.appendingPathComponent("p.csv").path
        FileManager.default.createFile(atPath: accountsFile, contents: Data(a.utf8))
        FileManager.default.createFile(atPath: payments, contents: Data(p.utf8))
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = Thread {
            if let h = FileHandle(forWritingAtPath: fifo) {
                h.write(Data(a.utf8))
                try? h.close()
            }
        }
        writer.start()
        for (input, out) in [(fifo, "fifo.json"), (accountsFile, "file.json")] {
            var train = try ArrearsCommand.parseAsRoot([
                "train", "--accounts", input, "--payments", payments, "--as-of", "2026-01-01", "--holdout", "0",
                "--out", dir.appendingPathComponent(out).path, "--quiet"])
            try train.run()
        }
        let viaFIFO = try ModelArtifact.load(path: dir.appendingPathComponent("fifo.json").path)
        let viaFile = try ModelArtifact.load(path: dir.appendingPathComponent("file.json").path)
        let recorded = try XCTUnwrap(viaFIFO.training.inputs.first { $0.role == "accounts" })
        XCTAssertEqual(recorded.bytes, a.utf8.count)
        XCTAssertEqual(recorded.sha256, try sha256Hex(ofFileAt: accountsFile))
        XCTAssertEqual(viaFIFO.training.inputs.map(\.sha256), viaFile.training.inputs.map(\.sha256))
        XCTAssertEqual(viaFIFO.logistic?.coefficients, viaFile.logistic?.coefficients, "the whole file was trained on")
    }
}
