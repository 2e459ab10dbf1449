import Foundation
import XCTest
@testable import PortfolioIO

/// Bytes of a fixture in `Fixtures/`.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil),
                            "missing fixture \(name)")
    return Array(try Data(contentsOf: url))
}

/// Path of a fixture in `Fixtures/`.
func fixturePath(_ name: String) throws -> String {
    try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
}

/// Every record of `bytes` as (line, status, fields).
func records(_ bytes: [UInt8], chunkSize: Int = 4 << 20) throws -> [(line: Int, status: CSVReader.Status, fields: [String])] {
    let r = CSVReader(bytes: bytes, name: "t.csv", chunkSize: chunkSize)
    var out: [(Int, CSVReader.Status, [String])] = []
    while true {
        let s = try r.next()
        if s == .end { return out }
        out.append((r.line, s, r.strings()))
    }
}

/// Reads a portfolio from strings.
func read(_ accounts: String, _ payments: String, options: ReadOptions = ReadOptions(),
          chunkSize: Int = 4 << 20) throws(InputError) -> Portfolio {
    try readPortfolio(accounts: Array(accounts.utf8), payments: Array(payments.utf8), options: options,
                      chunkSize: chunkSize)
}

/// The InputError thrown by `body`, failing the test when none is.
func inputError(_ body: () throws(InputError) -> Portfolio, file: StaticString = #filePath,
                line: UInt = #line) -> InputError? {
    do {
        _ = try body()
        XCTFail("expected an InputError", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

let minimalAccountsHeader = "account_id,balance,days_past_due\n"
let minimalPaymentsHeader = "account_id,date,amount_due,amount_paid\n"
