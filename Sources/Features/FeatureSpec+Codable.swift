/// Readable JSON for the model artifact (DESIGN §5):
/// a level is a plain string — `other` is the catch-all bucket; a named level whose text
/// is `other` or starts with `=` is written with one more `=` in front (`=other`), so a
/// real level named `other` stays apart from the bucket — and a kind is an object with a
/// `type` key:
/// `{"type": "builtin", "feature": "missed_3m"}`,
/// `{"type": "numeric", "column": "income", "median": 36.5}`,
/// `{"type": "missing_indicator", "column": "income"}`,
/// `{"type": "one_hot", "column": "product", "level": "card"}`.
extension CategoryLevel {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text == "other" { self = .other } else if text.hasPrefix("=") { self = .named(String(text.dropFirst())) } else {
            self = .named(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .named(let s): try container.encode(s == "other" || s.hasPrefix("=") ? "=" + s : s)
        case .other: try container.encode("other")
        }
    }
}

extension FeatureKind {
    private enum Keys: String, CodingKey { case type, feature, column, median, level }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "builtin": self = .builtin(try c.decode(BuiltinFeature.self, forKey: .feature))
        case "numeric":
            self = .numeric(column: try c.decode(String.self, forKey: .column),
                            median: try c.decode(Double.self, forKey: .median))
        case "missing_indicator": self = .missingIndicator(column: try c.decode(String.self, forKey: .column))
        case "one_hot":
            self = .oneHot(column: try c.decode(String.self, forKey: .column),
                           level: try c.decode(CategoryLevel.self, forKey: .level))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown feature type '\(type)'; expected builtin, numeric, missing_indicator or one_hot")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .builtin(let b):
            try c.encode("builtin", forKey: .type)
            try c.encode(b, forKey: .feature)
        case .numeric(let column, let median):
            try c.encode("numeric", forKey: .type)
            try c.encode(column, forKey: .column)
            try c.encode(median, forKey: .median)
        case .missingIndicator(let column):
            try c.encode("missing_indicator", forKey: .type)
            try c.encode(column, forKey: .column)
        case .oneHot(let column, let level):
            try c.encode("one_hot", forKey: .type)
            try c.encode(column, forKey: .column)
            try c.encode(level, forKey: .level)
        }
    }
}
