// Fuzz target (b): the input is a payments file, read with a fixed small accounts file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPayments(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzReadAllWays(accounts: fuzzFixedAccounts, payments: bytes)
    return 0
}
