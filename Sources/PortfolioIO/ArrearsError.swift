@_exported import ArrearsCore

extension InputError: ArrearsError {
    public var codeName: String { code.description }
}

extension OutputError: ArrearsError {
    public var codeName: String { code.description }
}
