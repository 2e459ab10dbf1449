// Fuzz target (a): the input is an accounts file, read with a fixed small payments file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccounts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    readBothWays(accounts: bytes, payments: fixedPayments)
    // Training mode takes other paths (label checks).
    readBothWays(accounts: bytes, payments: fixedPayments, options: ReadOptions(requireLabels: true))
    return 0
}
