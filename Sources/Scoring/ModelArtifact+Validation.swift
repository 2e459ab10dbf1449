import Features
import Foundation
import Models

/// Checks of a loaded artifact beyond its shape (`validate()`): numbers that are finite
/// but nonsense, and a JSON text whose keys repeat. Each failure names the key.
extension ModelArtifact {
    /// The bound on a model's linear predictor over plausible rows: Σⱼ |βⱼ|·(|x̄ⱼ| + 100·sⱼ)
    /// (+ |β₀| for the logistic model), with x̄ⱼ and sⱼ the training mean and SD of
    /// feature j. A fitted model stays far below it (its standardized slopes βⱼ·sⱼ are
    /// single or double digits); ±1e308 coefficients exceed it and would make the
    /// predictor ±infinity (p exactly 0 or 1, NaN in the concordance).
    public static let maximumLinearPredictor = 1e5

    /// Refuses finite nonsense: a Cox baseline time below 0 days; a logistic or Cox
    /// coefficient that overflows the linear predictor (see `maximumLinearPredictor`).
    public func validateMagnitudes() throws(ArtifactInconsistency) {
        func fail(_ message: String) -> ArtifactInconsistency { ArtifactInconsistency(message: message) }
        if let first = cox?.baselineTimes.first, first < 0 {
            throw fail("cox.baselineTimes starts at \(first) days; times are days from as-of, ≥ 0")
        }
        let columns = features.columns
        func reach(_ j: Int) -> Double { Swift.abs(columns[j].mean) + 100 * columns[j].standardDeviation }
        var logisticBound = Swift.abs(logistic?.intercept ?? 0)
        for (j, beta) in (logistic?.slopes ?? []).enumerated() {
            logisticBound += Swift.abs(beta) * reach(j)
            guard logisticBound.isFinite, logisticBound <= Self.maximumLinearPredictor else {
                throw fail("logistic.coefficients: the coefficient of '\(columns[j].name)' (\(beta)) overflows the linear predictor "
                           + "(Σ |β|·(|mean| + 100·SD) exceeds \(Self.maximumLinearPredictor)); the model is damaged: retrain it")
            }
        }
        var coxBound = 0.0
        for (j, beta) in (cox?.beta ?? []).enumerated() {
            coxBound += Swift.abs(beta) * reach(j)
            guard coxBound.isFinite, coxBound <= Self.maximumLinearPredictor else {
                throw fail("cox.coefficients: the coefficient of '\(columns[j].name)' (\(beta)) overflows the linear predictor "
                           + "(Σ |β|·(|mean| + 100·SD) exceeds \(Self.maximumLinearPredictor)); the model is damaged: retrain it")
            }
        }
    }

    /// The first key that appears twice in one JSON object of `data`, as a dotted path
    /// (`cox.means`, `features.columns[3].name`), or nil. JSONSerialization and
    /// JSONDecoder keep one of the two silently; a model file must not say two things.
    /// The scan assumes `data` is valid JSON (it runs after parsing succeeded).
    static func duplicateKey(in data: Data) -> String? {
        let b = [UInt8](data)
        var i = 0
        // Per open container: whether it is an object, its keys so far, the path to it,
        // and the array index / pending key of the value being read.
        struct Level { var object: Bool; var keys: Set<[UInt8]>; var path: String; var index: Int; var key: String? }
        var stack: [Level] = []
        func childPath() -> String {
            guard let top = stack.last else { return "" }
            if top.object { return top.path.isEmpty ? (top.key ?? "") : top.path + "." + (top.key ?? "") }
            return top.path + "[\(top.index)]"
        }
        func readString() -> [UInt8] {
            var out: [UInt8] = []
            i += 1
            while i < b.count && b[i] != UInt8(ascii: "\"") {
                if b[i] == UInt8(ascii: "\\") { out.append(b[i]); i += 1 }
                if i < b.count { out.append(b[i]); i += 1 }
            }
            i += 1
            return out
        }
        var expectKey = false
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "{"):
                stack.append(Level(object: true, keys: [], path: childPath(), index: 0, key: nil))
                expectKey = true
                i += 1
            case UInt8(ascii: "["):
                stack.append(Level(object: false, keys: [], path: childPath(), index: 0, key: nil))
                expectKey = false
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                stack.removeLast()
                expectKey = false
                i += 1
            case UInt8(ascii: ","):
                if stack.last?.object == true { expectKey = true } else if !stack.isEmpty { stack[stack.count - 1].index += 1 }
                i += 1
            case UInt8(ascii: "\""):
                let s = readString()
                if expectKey, !stack.isEmpty {
                    let name = String(decoding: s, as: UTF8.self)
                    if !stack[stack.count - 1].keys.insert(s).inserted {
                        let path = stack[stack.count - 1].path
                        return path.isEmpty ? name : path + "." + name
                    }
                    stack[stack.count - 1].key = name
                    expectKey = false
                }
            default:
                i += 1
            }
        }
        return nil
    }
}
