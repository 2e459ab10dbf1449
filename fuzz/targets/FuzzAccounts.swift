// Fuzz target (a): the input is an accounts file, read with a fixed small payments file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccounts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzReadAllWays(accounts: bytes, payments: fuzzFixedPayments)
    // Training mode takes other paths (label checks).
    fuzzReadAllWays(accounts: bytes, payments: fuzzFixedPayments, options: ReadOptions(requireLabels: true))
    return 0
}
