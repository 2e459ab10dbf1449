import PortfolioIO
import XCTest

/// Cases too large to commit: the bytes are made by the test.
extension Manifest {
    /// Columns of the huge header (DESIGN §7: a million columns' worth).
    static let hugeHeaderColumns = 1_000_000

    static let generated: [BadInputCase] = [
        // A 4 MB id is valid text; a million-digit balance overflows to infinity; a quoted
        // product of 1 MB holding 200,000 line breaks is valid and moves the next line
        // number by as much; a number with a million zeros after the point underflows to 0.
        BadInputCase(role: .accounts, name: "accounts/long_fields.csv", input: .generated(longFieldAccounts),
                     expected: .rows(accounts: 4, payments: 2, rejects: [
                        a(4, "balance", .nonFinite, "A2", says: "numbers must be finite"),
                        a(200_007, "balance", .negativeValue, "A5"),
                     ] + basePayments(rejected: ["A2"]))) { p in
            XCTAssertEqual(p.accounts.count, 4)
            XCTAssertEqual(p.accounts.accountID[1].utf8.count, 4_000_001)
            XCTAssertEqual(p.accounts.sourceLine, [2, 3, 5, 200_006])
            XCTAssertEqual(p.accounts.product[2].utf8.count, 1_000_000)
            XCTAssertEqual(p.accounts.balance, [100, 1, 0, 0])
            for r in p.rejects { XCTAssertLessThan(r.reason.utf8.count, 200, "a reason quotes at most 40 characters") }
        },
        // A 3 MB unknown id, a 1 MB date and a million-zero amount paid (= 0, valid).
        BadInputCase(role: .payments, name: "payments/long_fields.csv", input: .generated(longFieldPayments),
                     expected: .rows(accounts: 3, payments: 2, rejects: [
                        p(3, "account_id", .unknownAccount, String(repeating: "Z", count: 3_000_000)),
                        p(4, "date", .badDate, "A2", says: "not a date in YYYY-MM-DD form"),
                     ])) { p in
            XCTAssertEqual(p.payments.amountPaid, [0, 10])
            for r in p.rejects { XCTAssertLessThan(r.reason.utf8.count, 200) }
        },
        // An endless line (what `/dev/zero` or a file without line breaks gives): the
        // read stops at the 32 MiB record cap, naming the line, instead of growing memory.
        BadInputCase(role: .accounts, name: "accounts/endless_line.csv", input: .generated {
            Array("account_id,balance,days_past_due\nA1,100,5\nA2,".utf8) + [UInt8](repeating: UInt8(ascii: "9"), count: 33 << 20)
        }, expected: .stops(.recordTooLong, line: 3, column: nil), heavy: true),
        // A million columns, all named: the data rows have only the required three.
        BadInputCase(role: .accounts, name: "accounts/huge_header_ragged.csv", input: .generated { hugeHeader(rows: "A1,100,5\nA2,250.5,30\n") },
                     expected: .rows(accounts: 0, payments: 0, rejects: [
                        a(2, nil, .raggedRow, "A1", says: "the row has 3 fields; the header has 1000000"),
                        a(3, nil, .raggedRow, "A2"),
                     ] + basePayments(rejected: ["A1", "A2"], unknown: ["A3"])), heavy: true),
    ]

    static func longFieldAccounts() -> [UInt8] {
        var b = Array("account_id,balance,days_past_due,product\n".utf8)
        b += Array("A1,100,5,card\n".utf8)
        b += Array("L".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 4_000_000) + Array(",1,1,card\n".utf8)
        b += Array("A2,".utf8) + [UInt8](repeating: UInt8(ascii: "9"), count: 1_000_000) + Array(",30,card\n".utf8)
        b += Array("A3,0,0,\"".utf8)
        for _ in 0..<200_000 { b += Array("long\n".utf8) }
        b += Array("\"\n".utf8)
        b += Array("A4,0.".utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: 1_000_000) + Array("1,0,auto\n".utf8)
        b += Array("A5,-1,0,x\n".utf8)
        return b
    }

    static func longFieldPayments() -> [UInt8] {
        var b = Array("account_id,date,amount_due,amount_paid\n".utf8)
        b += Array("A1,2025-10-01,50,0.".utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: 1_000_000) + Array("5\n".utf8)
        b += [UInt8](repeating: UInt8(ascii: "Z"), count: 3_000_000) + Array(",2025-10-01,20,0\n".utf8)
        b += Array("A2,".utf8) + [UInt8](repeating: UInt8(ascii: "2"), count: 1_000_000) + Array(",20,0\n".utf8)
        b += Array("A3,2025-09-01,10,10\n".utf8)
        return b
    }

    /// `required` then extra columns c4, c5, … up to `columns` names, then `rows`.
    static func hugeHeader(rows: String, required: String = "account_id,balance,days_past_due",
                           columns: Int = hugeHeaderColumns) -> [UInt8] {
        var b = Array(required.utf8)
        b.reserveCapacity(8 * columns)
        let have = required.split(separator: ",").count
        for k in (have + 1)...columns {
            b += [UInt8(ascii: ","), UInt8(ascii: "c")]
            b += Array(String(k).utf8)
        }
        b.append(UInt8(ascii: "\n"))
        return b + Array(rows.utf8)
    }
}
