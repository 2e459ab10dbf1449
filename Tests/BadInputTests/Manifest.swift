import PortfolioIO
import XCTest

/// The bad-input corpus (issue 9, DESIGN §7): every case and its exact outcome.
/// `CorpusTests` runs each through `readPortfolio` and through every command that reads
/// a portfolio (`CommandProbe.all`).
enum Manifest {
    static let all: [BadInputCase] = accounts + payments + generated

    // MARK: - Accounts file cases (payments = Corpus/base_payments.csv)

    static let accounts: [BadInputCase] = [
        rows("accounts/ragged_rows.csv", accounts: 1, payments: 1, [
            a(3, nil, .raggedRow, "A2", says: "the row has 3 fields; the header has 5"),
            a(4, nil, .raggedRow, "A3", says: "the row has 6 fields; the header has 5"),
        ] + basePayments(rejected: ["A2", "A3"])),
        // The quoted field swallows the rest of the file, A3's row included.
        rows("accounts/unterminated_quote.csv", accounts: 1, payments: 1, [
            a(3, nil, .badQuote, "A2", says: "not closed before the end of the file"),
        ] + basePayments(rejected: ["A2"], unknown: ["A3"])),
        rows("accounts/text_after_quote.csv", accounts: 2, payments: 2, [
            a(3, nil, .badQuote, "A2", says: "text follows a closing quote"),
        ] + basePayments(rejected: ["A2"])),
        rows("accounts/nul_byte.csv", accounts: 1, payments: 1, [
            a(3, "balance", .badEncoding, "A2", says: "NUL byte"),
            a(4, "account_id", .badEncoding, "", says: "NUL byte"),
        ] + basePayments(rejected: ["A2"], unknown: ["A3"])),
        // "Å4" is valid UTF-8 and a fine id.
        rows("accounts/invalid_utf8.csv", accounts: 2, payments: 1, [
            a(3, "account_id", .badEncoding, "", says: "not valid UTF-8"),
            a(4, "last_payment_date", .badEncoding, "A3", says: "not valid UTF-8"),
        ] + basePayments(rejected: ["A3"], unknown: ["A2"])) { p in
            XCTAssertEqual(p.accounts.accountID, ["A1", "Å4"])
        },
        rows("accounts/bom.csv", accounts: 3, payments: 3, []) { p in
            XCTAssertEqual(p.accounts.accountID, ["A1", "A2", "A3"])
        },
        stops("accounts/bom_only.csv", .emptyFile),
        rows("accounts/crlf.csv", accounts: 2, payments: 2, [
            a(3, "last_payment_date", .badDate, "A2", says: "'2025-13-01', a day that does not exist"),
        ] + basePayments(rejected: ["A2"])),
        // CRLF, CR, LF and a blank CRLF line: the bad row is on line 5.
        rows("accounts/mixed_line_endings.csv", accounts: 2, payments: 2, [
            a(5, "balance", .negativeValue, "A3"),
        ] + basePayments(rejected: ["A3"])) { p in
            XCTAssertEqual(p.accounts.sourceLine, [2, 3])
            XCTAssertEqual(p.accounts.lastPaymentDate[1], CalendarDay.parse("2025-10-01"))
        },
        stops("accounts/header_only.csv", .noRows, line: 2),
        stops("accounts/empty.csv", .emptyFile),
        stops("accounts/blank_lines.csv", .emptyFile),
        stops("accounts/duplicate_columns.csv", .duplicateColumn, line: 1, column: "balance"),
        stops("accounts/case_variant_duplicate_columns.csv", .duplicateColumn, line: 1, column: "BALANCE"),
        // Names match ignoring case and surrounding spaces.
        rows("accounts/case_variant_columns.csv", accounts: 3, payments: 3, []) { p in
            XCTAssertEqual(p.accounts.lastPaymentDate[0], CalendarDay.parse("2025-11-02"))
            XCTAssertEqual(p.accounts.creditLimit[1], 1000)
        },
        stops("accounts/missing_required_column.csv", .missingColumn, line: 1, column: "days_past_due"),
        stops("accounts/empty_header_name.csv", .badHeader, line: 1),
        stops("accounts/header_nul.csv", .badHeader, line: 1),
        stops("accounts/header_invalid_utf8.csv", .badHeader, line: 1),
        // Common export accidents: a trailing comma, Excel's "sep=," line, UTF-16.
        stops("accounts/trailing_comma_header.csv", .badHeader, line: 1),
        stops("accounts/excel_sep_line.csv", .badHeader, line: 1),
        stops("accounts/utf16.csv", .badHeader, line: 1),
        // A line of spaces or a tab is a record with one field, not a blank line.
        rows("accounts/whitespace_line.csv", accounts: 3, payments: 3, [
            a(3, nil, .raggedRow, "   ", says: "the row has 1 field; the header has 5"),
            a(5, nil, .raggedRow, "\t", says: "the row has 1 field; the header has 5"),
        ]),
        // An unquoted thousands separator splits the cell: a ragged row.
        rows("accounts/thousands_separators.csv", accounts: 0, payments: 0, [
            a(2, "balance", .badNumber, "A1", says: "without thousands separators"),
            a(3, "balance", .badNumber, "A2", says: "'1 234', which is not a number"),
            a(4, nil, .raggedRow, "A3"),
            a(5, "balance", .badNumber, "A4"),
            a(6, "credit_limit", .badNumber, "A5", says: "without thousands separators"),
        ] + basePayments(rejected: ["A1", "A2", "A3"])),
        rows("accounts/currency_signs.csv", accounts: 0, payments: 0, [
            a(2, "balance", .badNumber, "A1", says: "without a currency sign"),
            a(3, "balance", .badNumber, "A2", says: "without a currency sign"),
            a(4, "balance", .badNumber, "A3", says: "'100 USD', which is not a number"),
            a(5, "balance", .badNumber, "A4"),
            a(6, "credit_limit", .badNumber, "A5", says: "without %"),
            a(7, "balance", .badNumber, "A6", says: "without a currency sign"),
        ] + basePayments(rejected: ["A1", "A2", "A3"])),
        rows("accounts/exponents.csv", accounts: 4, payments: 2, [
            a(4, "balance", .nonFinite, "A3", says: "'1e400'; numbers must be finite"),
            a(6, "days_past_due", .badNumber, "A5", says: "must be a whole number"),
            a(7, "balance", .badNumber, "A6"),
            a(8, "days_past_due", .outOfRange, "A7", says: "larger than 2147483647"),
        ] + basePayments(rejected: ["A3"])) { p in
            XCTAssertEqual(p.accounts.accountID, ["A1", "A2", "A4", "A8"])
            XCTAssertEqual(p.accounts.balance, [1000, 250.5, 0, 5])
            XCTAssertEqual(p.accounts.daysPastDue, [5, 30, 0, 0])
        },
        rows("accounts/nan_inf.csv", accounts: 1, payments: 0, [
            a(2, "balance", .nonFinite, "A1", says: "'NaN'; numbers must be finite (not NaN or infinity)"),
            a(3, "balance", .nonFinite, "A2"),
            a(4, "balance", .nonFinite, "A3"),
            a(5, "balance", .nonFinite, "A4"),
            a(6, "credit_limit", .nonFinite, "A5"),
            a(7, "balance", .badNumber, "A6"),
            a(8, "days_past_due", .nonFinite, "A7"),
        ] + basePayments(rejected: ["A1", "A2", "A3"])),
        // -0 is zero; "- 5" is not a number.
        rows("accounts/negative_values.csv", accounts: 1, payments: 1, [
            a(2, "balance", .negativeValue, "A1", says: "balance is '-5'; a balance must be ≥ 0"),
            a(3, "balance", .negativeValue, "A2"),
            a(5, "balance", .badNumber, "A4"),
            a(6, "days_past_due", .negativeValue, "A5"),
            a(7, "credit_limit", .negativeValue, "A6"),
            a(8, "credit_limit", .outOfRange, "A7", says: "must be between 0.01 and 10^15"),
        ] + basePayments(rejected: ["A1", "A2"])) { p in
            XCTAssertEqual(p.accounts.accountID, ["A3"])
            XCTAssertEqual(p.accounts.balance[0].sign, .plus, "-0 is stored as +0")
        },
        rows("accounts/impossible_dates.csv", accounts: 2, payments: 1, [
            a(2, "last_payment_date", .badDate, "A1", says: "'2026-02-30', a day that does not exist"),
            a(3, "last_payment_date", .badDate, "A2", says: "'2025-02-29', a day that does not exist"),
            a(5, "last_payment_date", .badDate, "A4", says: "does not exist"),
            a(6, "last_payment_date", .badDate, "A5", says: "does not exist"),
            a(7, "last_payment_date", .badDate, "A6", says: "not a date in YYYY-MM-DD form"),
            a(8, "last_payment_date", .badDate, "A7", says: "not a date in YYYY-MM-DD form"),
            a(9, "last_payment_date", .badDate, "A8", says: "does not exist"),
        ] + basePayments(rejected: ["A1", "A2"])) { p in
            XCTAssertEqual(p.accounts.accountID, ["A3", "A9"])
            XCTAssertEqual(p.accounts.lastPaymentDate, [CalendarDay.parse("2024-02-29")!, CalendarDay.parse("2026-01-05")!])
        },
        // Years 1…9999 are dates; year 0 and five-digit years are not.
        rows("accounts/far_dates.csv", accounts: 3, payments: 2, [
            a(4, "last_payment_date", .badDate, "A3", says: "does not exist"),
            a(5, "last_payment_date", .badDate, "A4", says: "not a date in YYYY-MM-DD form"),
        ] + basePayments(rejected: ["A3"])) { p in
            XCTAssertEqual(p.accounts.lastPaymentDate.map(CalendarDay.format), ["0001-01-01", "9999-12-31", "1899-12-31"])
        },
        // An extra column whose numbers outnumber its text cells is numeric: a cell that
        // is present but not a finite number within ±10^15 rejects its row (counted),
        // it is not "missing". The text column beside it stays text.
        rows("accounts/extra_numeric_cells.csv", accounts: 4, payments: 1, [
            a(3, "score", .badNumber, "A2", says: "'0x1e', which is not a number (hexadecimal is not accepted)"),
            a(4, "score", .nonFinite, "A3", says: "numbers must be finite"),
            a(5, "score", .badNumber, "A4", says: "'twelve', which is not a number"),
            a(6, "score", .outOfRange, "A5", says: "between -10^15 and 10^15"),
        ] + basePayments(rejected: ["A2", "A3"])) { p in
            XCTAssertEqual(p.accounts.accountID, ["A1", "A6", "A7", "A8"])
            let score = try XCTUnwrap(p.accounts.extraColumns.first { $0.name == "score" })
            XCTAssertTrue(score.isNumeric)
            XCTAssertEqual(score.numeric.map { $0.isNaN ? -999 : $0 }, [12, -999, -3.5, 7])
            XCTAssertEqual(score.text, ["12", "", "-3.5", "7"])
            XCTAssertFalse(p.accounts.extraColumns[1].isNumeric, "channel is text")
            XCTAssertEqual(p.payments.accountIndex, [0])
        },
        // Ids are case- and space-sensitive text; a repeat of a rejected id is a duplicate too.
        rows("accounts/duplicate_ids.csv", accounts: 4, payments: 2, [
            a(3, "balance", .badNumber, "A2"),
            a(4, "account_id", .duplicateID, "A1", says: "account_id 'A1' already appeared on line 2; the first row keeps it"),
            a(7, "account_id", .duplicateID, "A2", says: "already appeared on line 3"),
        ] + basePayments(rejected: ["A2"])) { p in
            XCTAssertEqual(p.accounts.accountID, ["A1", "a1", "A1 ", "A3"])
            XCTAssertEqual(p.accounts.balance, [100, 8, 9, 0], "the first A1 keeps the id")
            XCTAssertEqual(p.payments.accountIndex, [0, 3])
        },
    ]

    // MARK: - Payments file cases (accounts = Corpus/base_accounts.csv)

    static let payments: [BadInputCase] = [
        rows("payments/ragged_rows.csv", accounts: 3, payments: 1, [
            p(2, nil, .raggedRow, "A1", says: "the row has 3 fields; the header has 4"),
            p(3, nil, .raggedRow, "A2", says: "the row has 5 fields; the header has 4"),
        ]),
        rows("payments/unterminated_quote.csv", accounts: 3, payments: 1, [
            p(3, nil, .badQuote, "A2", says: "not closed before the end of the file"),
        ]),
        rows("payments/nul_byte.csv", accounts: 3, payments: 1, [
            p(2, "amount_paid", .badEncoding, "A1", says: "NUL byte"),
            p(3, "account_id", .badEncoding, "", says: "NUL byte"),
        ]),
        rows("payments/invalid_utf8.csv", accounts: 3, payments: 1, [
            p(2, "account_id", .badEncoding, "", says: "not valid UTF-8"),
            p(3, "amount_paid", .badEncoding, "A2", says: "not valid UTF-8"),
        ]),
        rows("payments/bom_crlf.csv", accounts: 3, payments: 3, []),
        rows("payments/header_only.csv", accounts: 3, payments: 0, []),
        stops("payments/empty.csv", .emptyFile),
        rows("payments/case_variant_columns.csv", accounts: 3, payments: 3, []),
        stops("payments/duplicate_columns.csv", .duplicateColumn, line: 1, column: "Date"),
        stops("payments/missing_required_column.csv", .missingColumn, line: 1, column: "amount_paid"),
        rows("payments/bad_numbers.csv", accounts: 3, payments: 1, [
            p(2, "amount_due", .badNumber, "A1", says: "without thousands separators"),
            p(3, "amount_due", .badNumber, "A1", says: "without a currency sign"),
            p(5, "amount_due", .nonFinite, "A2"),
            p(6, "amount_paid", .nonFinite, "A3"),
            p(7, "amount_due", .negativeValue, "A3"),
            p(8, "amount_paid", .negativeValue, "A3"),
            p(9, "amount_due", .missingValue, "A3"),
        ]) { p in
            XCTAssertEqual(p.payments.amountDue, [20])
            XCTAssertEqual(p.payments.amountPaid, [1])
        },
        rows("payments/impossible_dates.csv", accounts: 3, payments: 1, [
            p(2, "date", .badDate, "A1", says: "'2026-02-30', a day that does not exist"),
            p(3, "date", .badDate, "A1", says: "does not exist"),
            p(4, "date", .missingValue, "A2"),
            p(5, "date", .badDate, "A3", says: "not a date in YYYY-MM-DD form"),
        ]),
        rows("payments/far_dates.csv", accounts: 3, payments: 2, [
            p(4, "date", .badDate, "A3"),
        ]) { p in
            XCTAssertEqual(p.payments.date.map(CalendarDay.format), ["0001-01-01", "9999-12-31"])
        },
        // An export concatenated twice: exact repeats are rejected (the first is kept);
        // A1's second statement of 2025-10-01 (paid 25, not 50) and A2's of the next day
        // are distinct and kept. "50.0" and a padded date are the same statement.
        rows("payments/duplicate_statements.csv", accounts: 3, payments: 5, [
            p(6, nil, .duplicateStatement, "A1", says: "already appeared on line 2; the first is kept"),
            p(7, nil, .duplicateStatement, "A2", says: "already appeared on line 3"),
            p(8, nil, .duplicateStatement, "A1", says: "already appeared on line 2"),
        ]) { p in
            XCTAssertEqual(p.payments.amountPaid, [50, 0, 25, 10, 0])
            XCTAssertEqual(p.payments.sourceLine, [2, 3, 4, 5, 9])
        },
        rows("payments/unknown_accounts.csv", accounts: 3, payments: 2, [
            p(3, "account_id", .unknownAccount, "ZZ9", says: "account_id 'ZZ9' is not in the accounts file"),
            p(4, "account_id", .unknownAccount, "a1"),
            p(5, "account_id", .unknownAccount, " A1"),
            p(6, "account_id", .missingValue, ""),
        ]),
    ]

    // MARK: - Builders

    static func rows(_ name: String, accounts: Int, payments: Int, _ rejects: [ExpectedReject],
                     verify: (@Sendable (Portfolio) throws -> Void)? = nil) -> BadInputCase {
        BadInputCase(role: role(of: name), name: name, input: .corpus,
                     expected: .rows(accounts: accounts, payments: payments, rejects: rejects), verify: verify)
    }

    static func stops(_ name: String, _ code: InputError.Code, line: Int? = nil, column: String? = nil) -> BadInputCase {
        BadInputCase(role: role(of: name), name: name, input: .corpus,
                     expected: .stops(code, line: line, column: column), verify: nil)
    }

    static func role(of name: String) -> PortfolioFile {
        name.hasPrefix("payments/") ? .payments : .accounts
    }
}
