import ArrearsCore
import Foundation
import Features
import Models
import PortfolioIO

/// Why a model artifact cannot be used. `description` names the file and what is wrong.
public struct ArtifactError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The file cannot be opened or read.
        case unreadable
        /// Not JSON, or JSON that does not decode (truncated, damaged, hand-edited).
        case malformed
        /// `format` is not "arrears-model".
        case wrongFormat
        /// `version` is not one this build reads.
        case unsupportedVersion
        /// Decodes, but the parts disagree (dimensions, names, non-finite numbers).
        case inconsistent
        /// Cannot be written.
        case unwritable
    }

    public var code: Code
    /// The artifact's path ("<memory>" when decoded from bytes).
    public var path: String
    public var message: String

    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

extension ModelArtifact {
    /// The artifact as JSON: keys sorted, two-space indentation, numbers in Swift's
    /// shortest round-trip form, a final newline. The same model gives the same bytes.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var bytes = [UInt8](try encoder.encode(self))
        bytes.append(0x0A)
        return bytes
    }

    /// Writes the artifact atomically (temporary file in the same directory, fsync,
    /// rename): a failed or interrupted write leaves any previous file at `path` intact.
    /// `-` writes to standard output.
    public func write(to path: String) throws(ArtifactError) {
        let bytes: [UInt8]
        do { bytes = try encoded() } catch {
            throw ArtifactError(code: .inconsistent, path: path, message: "cannot encode the model: \(error)")
        }
        do throws(OutputError) {
            let file = try AtomicFileWriter(path: path)
            do throws(OutputError) {
                try Self.writeAll(bytes, to: file)
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
        } catch {
            throw ArtifactError(code: .unwritable, path: path, message: "cannot write the model: \(error.description)")
        }
    }

    /// Writes `bytes` to `sink` with typed errors.
    static func writeAll(_ bytes: [UInt8], to sink: AtomicFileWriter) throws(OutputError) {
        var failure: OutputError?
        bytes.withUnsafeBytes { buffer in
            do throws(OutputError) { try sink.write(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Reads and checks an artifact (see `decode(_:path:)`).
    public static func load(path: String) throws(ArtifactError) -> ModelArtifact {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ArtifactError(code: .unreadable, path: path, message: "is a directory, not a model file; give the JSON file 'arrears train' wrote")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ArtifactError(code: .unreadable, path: path, message: "cannot read the model file: \(Self.reason(error))")
        }
        var artifact = try decode(data, path: path)
        artifact.source = path
        return artifact
    }

    /// Decodes an artifact and checks it before anything is scored: the format name, the
    /// version, then every dimension (`validate()`). A damaged file fails here with one
    /// message naming the problem, never later with a trap or NaN scores.
    public static func decode(_ data: Data, path: String = "<memory>") throws(ArtifactError) -> ModelArtifact {
        guard !data.isEmpty else {
            throw ArtifactError(code: .malformed, path: path, message: "the model file is empty")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ArtifactError(code: .malformed, path: path,
                                message: "not a JSON document (truncated or damaged?): \(Self.reason(error))")
        }
        guard let top = object as? [String: Any] else {
            throw ArtifactError(code: .malformed, path: path, message: "the model file is JSON but not an object")
        }
        if let key = duplicateKey(in: data) {
            throw ArtifactError(code: .malformed, path: path,
                                message: "the key '\(key)' appears twice in one object; a model file must not say two things (damaged or hand-edited?)")
        }
        guard let format = top["format"] as? String, format == formatName else {
            let found = top["format"].map { "'\($0)'" } ?? "missing"
            throw ArtifactError(code: .wrongFormat, path: path,
                                message: "not an Arrears model: format is \(found), expected '\(formatName)'")
        }
        guard let version = top["version"] as? Int else {
            throw ArtifactError(code: .unsupportedVersion, path: path, message: "the model has no integer 'version'")
        }
        guard readableVersions.contains(version) else {
            throw ArtifactError(code: .unsupportedVersion, path: path,
                                message: "model version \(version) is not supported; this arrears reads versions \(readableVersions.lowerBound) to \(readableVersions.upperBound) (retrain the model with this version)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let artifact: ModelArtifact
        do {
            artifact = try decoder.decode(ModelArtifact.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
               let culprit = Self.nonIntegralWholeNumber(in: object) {
                // Foundation reports a number that does not fit its field as "not valid JSON"
                // with no path; the document parsed, so name the field ourselves.
                throw ArtifactError(code: .malformed, path: path,
                                    message: "the model has \(culprit.value) at \(culprit.path), which must be a whole number; the file was edited or damaged (retrain it with 'arrears train')")
            }
            throw ArtifactError(code: .malformed, path: path, message: Self.describe(error))
        } catch {
            throw ArtifactError(code: .malformed, path: path, message: "\(error)")
        }
        do {
            try artifact.validate()
            try artifact.validateMagnitudes()
        } catch {
            throw ArtifactError(code: .inconsistent, path: path, message: error.message)
        }
        return artifact
    }

    /// A readable DecodingError: the JSON path and what was expected there.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
                .joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "the model is missing '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "the model has a wrong or missing value at \(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "the model is damaged at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The fields of the artifact that hold whole numbers (counts, days, seeds, versions).
    static let wholeNumberKeys: Set<String> = [
        "accountRows", "accounts", "bytes", "comparablePairs", "count", "coxEvents", "coxRows", "days", "degreesOfFreedom",
        "events", "fittedAsOf", "group", "holdoutAccounts", "horizonDays", "iterations", "logisticEvents",
        "logisticExcludedCensored", "logisticRows", "minLevelCount", "nEvents", "nObs", "pRecoverHistogram", "paymentRows",
        "predictionHorizons", "rejectedAccountRows", "rejectedPaymentRows", "row", "seed", "trainAccounts",
        "trainingAccounts", "trainingCounts", "validAccounts", "validPayments", "version",
    ]

    /// The first value under a whole-number field that is not a whole number in range, with
    /// its JSON path; nil when there is none.
    static func nonIntegralWholeNumber(in object: Any, path: String = "", key: String? = nil) -> (path: String, value: String)? {
        if let dictionary = object as? [String: Any] {
            for k in dictionary.keys.sorted() {
                if let hit = nonIntegralWholeNumber(in: dictionary[k]!, path: path.isEmpty ? k : path + "." + k, key: k) { return hit }
            }
        } else if let array = object as? [Any] {
            for (i, v) in array.enumerated() {
                if let hit = nonIntegralWholeNumber(in: v, path: path + "[\(i)]", key: key) { return hit }
            }
        } else if let number = object as? NSNumber, let key, wholeNumberKeys.contains(key) {
            let d = number.doubleValue
            if !(d.rounded() == d && Swift.abs(d) < 9.0e15) { return (path, "\(number)") }
        }
        return nil
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSCocoaErrorDomain && ns.code == NSFileReadNoSuchFileError {
            return "No such file or directory"
        }
        return ns.localizedDescription
    }
}

/// A check of `ModelArtifact.validate()` that failed.
public struct ArtifactInconsistency: Error, Sendable {
    public var message: String
}

extension ModelArtifact {
    /// Checks that the parts fit together: the horizons, the score scaling, the logistic
    /// and Cox models have one coefficient per feature with the feature's name, square
    /// covariances, standardizations of the right length, a baseline hazard on strictly
    /// increasing times that never decreases, and finite numbers throughout.
    public func validate() throws(ArtifactInconsistency) {
        func fail(_ message: String) -> ArtifactInconsistency { ArtifactInconsistency(message: message) }
        guard horizonDays >= 1 else { throw fail("horizonDays is \(horizonDays); it must be ≥ 1") }
        guard !predictionHorizons.isEmpty, predictionHorizons.allSatisfy({ $0 >= 1 }),
              zip(predictionHorizons, predictionHorizons.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw fail("predictionHorizons \(predictionHorizons) must be strictly increasing whole days ≥ 1")
        }
        let s = scoreScaling
        guard s.baseScore.isFinite, s.baseOdds.isFinite, s.baseOdds > 0, s.pointsToDoubleOdds.isFinite,
              s.pointsToDoubleOdds > 0 else {
            throw fail("scoreScaling needs a finite baseScore, baseOdds > 0 and pointsToDoubleOdds > 0")
        }
        let names = features.names
        let p = names.count
        guard p >= 1 else { throw fail("the feature specification has no columns") }
        guard Set(names).count == p else { throw fail("the feature specification repeats a column name") }
        for c in features.columns where !(c.mean.isFinite && c.standardDeviation.isFinite) {
            throw fail("feature '\(c.name)' has a non-finite mean or standard deviation")
        }
        for c in features.columns {
            guard case .oneHot(let column, let level) = c.kind else { continue }
            guard let encoding = features.categoricals.first(where: { $0.column == column }) else {
                throw fail("feature '\(c.name)' is a level of '\(column)', which has no categorical encoding")
            }
            if case .named(let name) = level, !encoding.levels.contains(name) {
                throw fail("feature '\(c.name)': level '\(name)' is not among the training levels of '\(column)' \(encoding.levels)")
            }
        }

        guard logistic != nil || cox != nil else {
            throw fail("the model holds neither a logistic nor a Cox model; retrain it with a logistic model, a Cox model or both")
        }
        if version == 1, logistic == nil || cox == nil {
            throw fail("a version-1 model must hold both the logistic and the Cox model; the \(logistic == nil ? "logistic" : "Cox") model is missing")
        }
        // Logistic (its decoder already checks its own shape and finiteness).
        if let logistic, logistic.featureNames != names {
            throw fail("the logistic model's features \(logistic.featureNames) differ from the feature specification's \(names)")
        }
        if let cox { try Self.validateCox(cox, names: names) }
        let d = training.scoreDistribution
        guard d.shares.count == d.cuts.count + 1, (d.cuts + d.shares).allSatisfy(\.isFinite),
              zip(d.cuts, d.cuts.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw fail("the training score distribution needs increasing finite cuts and one more share than cuts")
        }
    }

    /// The Cox model's checks (see `validate()`).
    static func validateCox(_ cox: CoxModel, names: [String]) throws(ArtifactInconsistency) {
        func fail(_ message: String) -> ArtifactInconsistency { ArtifactInconsistency(message: message) }
        let p = names.count
        guard cox.featureNames == names else {
            throw fail("the Cox model's features \(cox.featureNames) differ from the feature specification's \(names)")
        }
        guard cox.means.count == p, cox.standardDeviations.count == p else {
            throw fail("the Cox model has \(cox.means.count) means and \(cox.standardDeviations.count) standard deviations for \(p) features")
        }
        guard cox.covariance.count == p, cox.covariance.allSatisfy({ $0.count == p }) else {
            throw fail("the Cox covariance is not \(p) × \(p)")
        }
        for c in cox.coefficients where !(c.estimate.isFinite && c.standardError.isFinite) {
            throw fail("the Cox coefficient of '\(c.name)' is not finite")
        }
        guard (cox.means + cox.standardDeviations + cox.covariance.flatMap { $0 }).allSatisfy(\.isFinite) else {
            throw fail("the Cox means, standard deviations or covariance hold a non-finite number")
        }
        let times = cox.baselineTimes, hazard = cox.baselineHazardAtMeans
        guard !times.isEmpty, times.count == hazard.count else {
            throw fail("the Cox baseline has \(times.count) times and \(hazard.count) hazards; they must match and not be empty")
        }
        guard times.allSatisfy(\.isFinite), zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw fail("the Cox baseline times must be finite and strictly increasing")
        }
        guard hazard.allSatisfy({ $0.isFinite && $0 >= 0 }), zip(hazard, hazard.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw fail("the Cox baseline cumulative hazard must be finite, ≥ 0 and non-decreasing")
        }
    }
}

extension ArtifactError: ArrearsError {
    public var codeName: String { code.rawValue }
}
