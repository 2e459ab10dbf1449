import ArrearsCLI
import Foundation
import Scoring
import XCTest
import _TestSupport

/// Damaged model files (issue 9: "a truncated model file"), made from a freshly trained
/// artifact so they follow its format: `ModelArtifact.load` stops with the right code and
/// a message naming the file, and so does every command that reads a model.
final class ModelFileTests: XCTestCase {
    private struct ModelCase {
        var name: String
        var code: ArtifactError.Code
        var says: String
        var bytes: (_ trained: [UInt8]) throws -> [UInt8]
    }

    private static func edited(_ edit: @escaping (inout [String: Any]) -> Void) -> ([UInt8]) throws -> [UInt8] {
        { trained in
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(trained)) as? [String: Any])
            edit(&object)
            return Array(try JSONSerialization.data(withJSONObject: object))
        }
    }

    private let cases: [ModelCase] = [
        ModelCase(name: "truncated_half.json", code: .malformed, says: "not a JSON document") { Array($0.prefix($0.count / 2)) },
        ModelCase(name: "truncated_last_brace.json", code: .malformed, says: "not a JSON document") {
            var b = $0
            while let last = b.last, last != UInt8(ascii: "}") { b.removeLast() }
            return Array(b.dropLast())
        },
        ModelCase(name: "empty.json", code: .malformed, says: "empty") { _ in [] },
        ModelCase(name: "csv_not_json.json", code: .malformed, says: "not a JSON document") { _ in
            Array("account_id,balance,days_past_due\nA1,1,1\n".utf8)
        },
        ModelCase(name: "json_array.json", code: .malformed, says: "not an object") { _ in Array("[1,2]".utf8) },
        ModelCase(name: "nul_bytes.json", code: .malformed, says: "not a JSON document") { Array($0.prefix(100)) + [0, 0, 0] },
        ModelCase(name: "wrong_format.json", code: .wrongFormat, says: "not an Arrears model",
                  bytes: edited { $0["format"] = "sklearn-pickle" }),
        ModelCase(name: "no_format.json", code: .wrongFormat, says: "format is missing",
                  bytes: edited { $0["format"] = nil }),
        ModelCase(name: "version_3.json", code: .unsupportedVersion, says: "version 3 is not supported",
                  bytes: edited { $0["version"] = 3 }),
        ModelCase(name: "version_1_no_cox.json", code: .inconsistent, says: "version-1 model must hold both",
                  bytes: edited { $0["version"] = 1; $0["cox"] = nil }),
        ModelCase(name: "no_models.json", code: .inconsistent, says: "neither a logistic nor a Cox model",
                  bytes: edited { $0["cox"] = nil; $0["logistic"] = nil }),
        ModelCase(name: "horizon_zero.json", code: .inconsistent, says: "horizonDays",
                  bytes: edited { $0["horizonDays"] = 0 }),
        ModelCase(name: "nan_cox_mean.json", code: .inconsistent, says: "non-finite",
                  bytes: edited { m in
                      var cox = m["cox"] as! [String: Any]
                      var means = cox["means"] as! [Any]
                      means[0] = "NaN"
                      cox["means"] = means
                      m["cox"] = cox
                  }),
        ModelCase(name: "cox_short_covariance.json", code: .inconsistent, says: "covariance",
                  bytes: edited { m in
                      var cox = m["cox"] as! [String: Any]
                      cox["covariance"] = (cox["covariance"] as! [Any]).dropLast().map { $0 }
                      m["cox"] = cox
                  }),
        // Finite nonsense (issue 14 item 12): each loaded on main.
        ModelCase(name: "duplicate_key.json", code: .malformed, says: "the key 'horizonDays' appears twice") { trained in
            // A second horizonDays at the top level: JSONSerialization keeps one silently.
            var b = trained
            let brace = try XCTUnwrap(b.firstIndex(of: UInt8(ascii: "{")))
            b.insert(contentsOf: Array("\"horizonDays\":7,".utf8), at: brace + 1)
            return b
        },
        ModelCase(name: "duplicate_nested_key.json", code: .malformed, says: "the key 'cox.l2' appears twice") { trained in
            let text = String(decoding: trained, as: UTF8.self)
            let cox = try XCTUnwrap(text.range(of: "\"cox\""))
            let brace = try XCTUnwrap(text[cox.upperBound...].firstIndex(of: "{"))
            let after = text.index(after: brace)
            return Array((text[..<after] + "\"l2\":5," + text[after...]).utf8)
        },
        ModelCase(name: "negative_baseline_time.json", code: .inconsistent, says: "cox.baselineTimes starts at -5",
                  bytes: edited { m in
                      var cox = m["cox"] as! [String: Any]
                      var times = cox["baselineTimes"] as! [Double]
                      times[0] = -5
                      cox["baselineTimes"] = times
                      m["cox"] = cox
                  }),
        ModelCase(name: "huge_logistic_coefficient.json", code: .inconsistent, says: "overflows the linear predictor",
                  bytes: edited { m in
                      var logistic = m["logistic"] as! [String: Any]
                      var coefficients = logistic["coefficients"] as! [[String: Any]]
                      coefficients[1]["estimate"] = 1e308
                      logistic["coefficients"] = coefficients
                      m["logistic"] = logistic
                  }),
        ModelCase(name: "huge_cox_coefficient.json", code: .inconsistent, says: "cox.coefficients",
                  bytes: edited { m in
                      var cox = m["cox"] as! [String: Any]
                      var coefficients = cox["coefficients"] as! [[String: Any]]
                      coefficients[0]["estimate"] = -1e308
                      cox["coefficients"] = coefficients
                      m["cox"] = cox
                  }),
        ModelCase(name: "decreasing_baseline.json", code: .inconsistent, says: "baseline",
                  bytes: edited { m in
                      var cox = m["cox"] as! [String: Any]
                      cox["baselineHazardAtMeans"] = (cox["baselineHazardAtMeans"] as! [Double]).reversed().map { $0 }
                      m["cox"] = cox
                  }),
    ]

    func testDamagedModelsStopWithANamedError() throws {
        let trained = Array(try Data(contentsOf: URL(fileURLWithPath: TrainedModel.path)))
        XCTAssertNoThrow(try ModelArtifact.load(path: TrainedModel.path), "the undamaged model loads")
        let dir = makeTemporaryDirectory("bad-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        let accounts = try XCTUnwrap(Bundle.module.url(forResource: "Corpus/base_accounts.csv", withExtension: nil)).path
        let payments = try XCTUnwrap(Bundle.module.url(forResource: "Corpus/base_payments.csv", withExtension: nil)).path
        for c in cases {
            let path = dir.appendingPathComponent(c.name).path
            try Data(c.bytes(trained)).write(to: URL(fileURLWithPath: path))
            do throws(ArtifactError) {
                _ = try ModelArtifact.load(path: path)
                XCTFail("\(c.name): loaded")
            } catch {
                XCTAssertEqual(error.code, c.code, "\(c.name): \(error)")
                XCTAssertEqual(error.path, path, c.name)
                XCTAssertTrue(error.description.hasPrefix(path), c.name)
                XCTAssertTrue(error.message.contains(c.says), "\(c.name): '\(error.message)' lacks '\(c.says)'")
            }
            for command in ["score", "rank"] {
                let out = dir.appendingPathComponent("\(command)-out.csv").path
                let run = CommandProbe(name: command, arguments: { _, _, _, _ in [] }, failsOnRejects: false)
                let error = run.run([command, "--model", path, "--accounts", accounts, "--payments", payments,
                                     "--as-of", "2026-01-01", "--out", out, "--quiet"])
                guard let error else { XCTFail("\(command) with \(c.name): ran"); continue }
                XCTAssertTrue(ArrearsCommand.message(for: error).contains(path), "\(command) with \(c.name): \(error)")
                XCTAssertNotEqual(ArrearsCommand.exitCode(for: error).rawValue, 0)
                XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(command) with \(c.name): wrote output")
            }
        }
    }

    /// Was a bug, found by fuzz target `model` (fixed in b56c868): an artifact whose
    /// one-hot column names a level missing from its categorical encoding — or whose
    /// encoding is missing altogether — decoded, then trapped when applied
    /// (`FeatureSpec+Apply.swift`: `lookup[l]!`, `preconditionFailure`). `decode` must
    /// reject it as `inconsistent`.
    func testOneHotLevelsMissingFromTheirEncodingAreRejectedAtLoad() throws {
        let trained = Array(try Data(contentsOf: URL(fileURLWithPath: TrainedModel.path)))
        let renameLevel = Self.edited { m in
            var features = m["features"] as! [String: Any]
            var categoricals = features["categoricals"] as! [[String: Any]]
            var levels = categoricals[0]["levels"] as! [String]
            levels[levels.count - 1] += "%"
            categoricals[0]["levels"] = levels
            features["categoricals"] = categoricals
            m["features"] = features
        }
        let dropEncoding = Self.edited { m in
            var features = m["features"] as! [String: Any]
            features["categoricals"] = [Any]()
            m["features"] = features
        }
        let artifact = try ModelArtifact.decode(Data(trained))
        XCTAssertTrue(artifact.features.columns.contains { if case .oneHot = $0.kind { true } else { false } },
                      "the probe model needs one-hot columns for this test")
        for (name, damage) in [("renamed level", renameLevel), ("no encoding", dropEncoding)] {
            let damaged = Data(try damage(trained))
            do throws(ArtifactError) {
                _ = try ModelArtifact.decode(damaged, path: "m.json")
                XCTFail("\(name): the damaged model loaded (it would trap when scoring)")
            } catch {
                XCTAssertEqual(error.code, .inconsistent, "\(name): \(error)")
            }
        }
    }
}
