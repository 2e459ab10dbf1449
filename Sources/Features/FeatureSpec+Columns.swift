extension FeatureSpec {
    /// The extra numeric account columns the features read (`numeric` and
    /// `missingIndicator` kinds), once each, in column order.
    public var numericExtraColumns: [String] {
        var seen = Set<String>()
        return columns.compactMap { column -> String? in
            switch column.kind {
            case .numeric(let name, _), .missingIndicator(let name):
                return seen.insert(name.lowercased()).inserted ? name : nil
            default:
                return nil
            }
        }
    }
}
