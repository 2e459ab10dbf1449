import Foundation
import XCTest
import PortfolioIO
import Features

/// Fitting: categorical levels, imputation, ignore, constant columns, standardization,
/// errors; and the spec's JSON round trip.
final class FeatureSpecTests: XCTestCase {
    /// 25 card, 20 auto, 19 medical, 1 utility, 2 empty, 3 literally "other" (70 accounts),
    /// each with a different history so history columns vary.
    private func trainingBuilder() -> PortfolioBuilder {
        var b = PortfolioBuilder()
        let products = Array(repeating: "card", count: 25) + Array(repeating: "auto", count: 20)
            + Array(repeating: "medical", count: 19) + ["utility", "", "", "other", "other", "other"]
        for (i, p) in products.enumerated() {
            let row = b.account("A\(i)", balance: Double(100 * i), dpd: Double(i % 7 * 15),
                                limit: i % 3 == 0 ? .nan : 5000, product: p)
            let pairs = (0 ..< 1 + i % 5).map { (k: Int) -> (Double, Double) in (100, Double((i + 7 * k) % 5) * 30) }
            b.monthly(row, endingAt: 2025, 12, pairs)
        }
        return b
    }

    func testProductLevelsMinCountSortedFirstDroppedOtherLast() throws {
        let (spec, m) = try FeatureSpec.fitTransform(trainingBuilder().portfolio, asOf: asOf2026Day)
        let product = try XCTUnwrap(spec.categoricals.first { $0.column == "product" })
        XCTAssertEqual(product.levels, ["auto", "card"])   // medical (19) and the rest → other
        XCTAssertEqual(product.reference, .named("auto"))
        XCTAssertEqual(product.trainingCounts, [20, 25, 25])
        XCTAssertEqual(spec.names.filter { $0.hasPrefix("product=") }, ["product=card", "product=other"])
        let card = try XCTUnwrap(m.columnIndex("product=card")), other = try XCTUnwrap(m.columnIndex("product=other"))
        XCTAssertEqual(m[0, card], 1); XCTAssertEqual(m[0, other], 0)           // card
        XCTAssertEqual(m[30, card], 0); XCTAssertEqual(m[30, other], 0)         // auto: reference
        XCTAssertEqual(m[50, card], 0); XCTAssertEqual(m[50, other], 1)         // medical: rare
        XCTAssertEqual(m[69, other], 1)                                         // literal "other"
        // Order: core built-ins, product one-hots, extended built-ins.
        XCTAssertEqual(Array(spec.names.prefix(13)), BuiltinFeature.core.map(\.name))
        XCTAssertEqual(Array(spec.names[13..<15]), ["product=card", "product=other"])
        XCTAssertEqual(Array(spec.names[15...]), BuiltinFeature.extended.map(\.name))
    }

    func testMinLevelCountIsConfigurable() throws {
        let spec = try FeatureSpec.fit(trainingBuilder().portfolio, asOf: asOf2026Day,
                                       options: FeatureOptions(minLevelCount: 2))
        let product = try XCTUnwrap(spec.categoricals.first)
        // "" sorts first; the literal text "other" is a real level (issue 14), apart from the bucket.
        XCTAssertEqual(product.levels, ["", "auto", "card", "medical", "other"])
        XCTAssertEqual(product.reference, .named(""))
        XCTAssertEqual(spec.names.filter { $0.hasPrefix("product=") },
                       ["product=auto", "product=card", "product=medical", "product='other'", "product=other"])
        XCTAssertThrowsError(try FeatureSpec.fit(trainingBuilder().portfolio, asOf: asOf2026Day,
                                                 options: FeatureOptions(minLevelCount: 0))) {
            XCTAssertEqual(($0 as? FeatureError)?.code, .invalidOption)
        }
    }

    func testNoQualifyingLevelMakesOtherTheReference() throws {
        var b = trainingBuilder()
        for i in 0..<b.accounts.count { b.accounts.product[i] = "p\(i)" }
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)
        XCTAssertEqual(spec.categoricals.first?.reference, .other)
        XCTAssertEqual(spec.categoricals.first?.levels, [])
        XCTAssertFalse(spec.names.contains { $0.hasPrefix("product=") })
    }

    func testUnseenAndCaseDifferentLevelsMapToOther() throws {
        let spec = try FeatureSpec.fit(trainingBuilder().portfolio, asOf: asOf2026Day)
        var s = PortfolioBuilder()
        s.account("X", product: "boat")
        s.account("Y", product: "Card")
        s.account("Z", product: "card")
        s.account("W", product: "auto")
        let m = try spec.apply(to: s.portfolio, asOf: asOf2026Day)
        let card = m.columnIndex("product=card")!, other = m.columnIndex("product=other")!
        XCTAssertEqual([m[0, card], m[0, other]], [0, 1])
        XCTAssertEqual([m[1, card], m[1, other]], [0, 1])
        XCTAssertEqual([m[2, card], m[2, other]], [1, 0])
        XCTAssertEqual([m[3, card], m[3, other]], [0, 0])
    }

    func testOtherColumnWithoutTrainingRowsIsDroppedAndUnseenGetsReference() throws {
        var b = PortfolioBuilder()
        for i in 0..<40 {
            let row = b.account("A\(i)", balance: Double(i), product: i < 20 ? "auto" : "card")
            b.monthly(row, endingAt: 2025, 12, [(100, Double(i))])
        }
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)
        XCTAssertTrue(spec.droppedConstant.contains("product=other"))
        XCTAssertEqual(spec.names.filter { $0.hasPrefix("product=") }, ["product=card"])
        var s = PortfolioBuilder()
        s.account("X", product: "boat")
        let m = try spec.apply(to: s.portfolio, asOf: asOf2026Day)
        XCTAssertEqual(m[0, m.columnIndex("product=card")!], 0)
    }

    func testNumericExtraMedianImputationAndIndicator() throws {
        var b = trainingBuilder()
        let n = b.accounts.count
        // income: 1…n with gaps at rows 0 and 5 → median of the other values; score: no gaps.
        b.extra("Income", (0..<n).map { (i: Int) -> String in i == 0 || i == 5 ? "" : String(i + 1) })
        b.extra("score", (0..<n).map { String(Double($0) / 2) })
        let (spec, m) = try FeatureSpec.fitTransform(b.portfolio, asOf: asOf2026Day)
        // present values 2…5, 7…70 (68 values): middle pair 36 and 37 → 36.5.
        let median = 36.5
        let income = try XCTUnwrap(spec.columns.first { $0.name == "Income" })
        XCTAssertEqual(income.kind, .numeric(column: "Income", median: median))
        XCTAssertEqual(Array(spec.names.suffix(3)), ["Income", "Income_missing", "score"])
        let j = m.columnIndex("Income")!, k = m.columnIndex("Income_missing")!
        XCTAssertEqual(m[0, j], median); XCTAssertEqual(m[0, k], 1)
        XCTAssertEqual(m[1, j], 2); XCTAssertEqual(m[1, k], 0)
        XCTAssertNil(m.columnIndex("score_missing"), "no gaps in training → no indicator")

        // Scoring: a missing income → the training median, even when nothing else is missing.
        var s = PortfolioBuilder()
        s.account("X"); s.account("Y")
        s.extra("INCOME", ["", "7"])          // header spelled differently: matched case-insensitively
        s.extra("score", ["", "abc"])          // not numeric at all here: treated as missing
        let t = try spec.apply(to: s.portfolio, asOf: asOf2026Day)
        XCTAssertEqual(t[0, t.columnIndex("Income")!], median)
        XCTAssertEqual(t[0, t.columnIndex("Income_missing")!], 1)
        XCTAssertEqual(t[1, t.columnIndex("Income")!], 7)
        XCTAssertEqual(t[1, t.columnIndex("Income_missing")!], 0)
        XCTAssertEqual(t[0, t.columnIndex("score")!], 17.25, "median of 0, 0.5, …, 34.5")
    }

    func testTextExtraIsCategorical() throws {
        var b = trainingBuilder()
        let n = b.accounts.count
        b.extra("region", (0..<n).map { $0 < 30 ? "north" : $0 < 60 ? "south" : "east" })   // east: 10 < 20
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)
        XCTAssertEqual(spec.categoricals.last?.levels, ["north", "south"])
        XCTAssertEqual(Array(spec.names.suffix(2)), ["region=south", "region=other"])
    }

    func testIgnoreIsCaseInsensitiveAndUnknownNamesAreErrors() throws {
        var b = trainingBuilder()
        b.extra("income", (0..<b.accounts.count).map { String($0) })
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day,
                                       options: FeatureOptions(ignore: ["INCOME", "Product", "Utilization"]))
        XCTAssertEqual(spec.ignored, ["income", "product", "utilization"])
        XCTAssertFalse(spec.names.contains("income"))
        XCTAssertFalse(spec.names.contains("utilization"))
        XCTAssertFalse(spec.names.contains { $0.hasPrefix("product=") })
        // The ignored extra column need not be present when scoring.
        var s = PortfolioBuilder(); s.account("X")
        XCTAssertNoThrow(try spec.apply(to: s.portfolio, asOf: asOf2026Day))

        XCTAssertThrowsError(try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day,
                                                 options: FeatureOptions(ignore: ["income", "nope", "zip"]))) { error in
            let e = error as? FeatureError
            XCTAssertEqual(e?.code, .unknownIgnoredColumn)
            XCTAssertEqual(e?.featureName, "nope")
            XCTAssertTrue(e?.message.contains("'nope', 'zip'") ?? false, e?.message ?? "")
        }
    }

    func testConstantColumnsAreDroppedAndListed() throws {
        var b = trainingBuilder()
        let n = b.accounts.count
        b.extra("flag", Array(repeating: "1", count: n))
        b.extra("segment", Array(repeating: "retail", count: n))
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)
        XCTAssertTrue(spec.droppedConstant.contains("flag"))
        XCTAssertFalse(spec.names.contains("flag"))
        XCTAssertTrue(spec.droppedConstant.contains("segment=other"))  // retail is the reference
        XCTAssertFalse(spec.names.contains { $0.hasPrefix("segment") })
        // Dropped extra columns are not required at scoring time.
        var s = PortfolioBuilder(); s.account("X")
        XCTAssertNoThrow(try spec.apply(to: s.portfolio, asOf: asOf2026Day))
        XCTAssertEqual(spec.columns.map(\.standardDeviation).filter { $0 <= 0 }, [])
    }

    func testPortfolioWithoutPaymentHistoriesStillFits() throws {
        var b = PortfolioBuilder()
        for i in 0..<30 { b.account("A\(i)", balance: Double(i * 10), dpd: Double(i), limit: 1000, product: "card") }
        let (spec, m) = try FeatureSpec.fitTransform(b.portfolio, asOf: asOf2026Day)
        XCTAssertEqual(spec.names, ["log_balance", "dpd_months", "utilization"])
        XCTAssertEqual(spec.droppedConstant, [
            "months_since_payment", "pay_ratio_3m", "pay_ratio_6m", "pay_ratio_12m", "missed_3m", "missed_6m",
            "missed_12m", "current_missed_streak", "longest_missed_streak", "n_statements", "product=other",
            "paid_trend_6", "pay_coverage_sd_12", "days_since_full_payment", "full_pay_rate_12",
        ])
        XCTAssertEqual(m.cols, 3)
        XCTAssertEqual(m.values.count, 90)
        XCTAssertEqual(m[29, 1], 29.0 / 30)
    }

    func testStandardizationStatisticsAreTrainingMeanAndPopulationSD() throws {
        let b = trainingBuilder()
        var (spec, m) = try FeatureSpec.fitTransform(b.portfolio, asOf: asOf2026Day)
        let j = m.columnIndex("dpd_months")!
        let x = b.accounts.daysPastDue.map { $0 / 30 }
        let mean = x.reduce(0, +) / Double(x.count)
        let sd = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)).squareRoot()
        XCTAssertEqual(spec.columns[j].mean, mean, accuracy: 1e-12)
        XCTAssertEqual(spec.columns[j].standardDeviation, sd, accuracy: 1e-12)
        spec.standardize(&m)
        for c in 0..<m.cols {
            let col = m.column(c)
            XCTAssertEqual(col.reduce(0, +) / Double(m.rows), 0, accuracy: 1e-9, m.names[c])
            XCTAssertEqual(col.map { $0 * $0 }.reduce(0, +) / Double(m.rows), 1, accuracy: 1e-9, m.names[c])
        }
    }

    func testFitTransformMatchesApply() throws {
        var b = trainingBuilder()
        b.extra("income", (0..<b.accounts.count).map { $0 % 9 == 0 ? "" : String($0 * 3) })
        let (spec, m) = try FeatureSpec.fitTransform(b.portfolio, asOf: asOf2026Day)
        XCTAssertEqual(try spec.apply(to: b.portfolio, asOf: asOf2026Day), m)
    }

    func testMissingExtraColumnAtScoringIsNamedError() throws {
        var b = trainingBuilder()
        b.extra("income", (0..<b.accounts.count).map { String($0) })
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)
        var s = PortfolioBuilder(); s.account("X")
        XCTAssertThrowsError(try spec.apply(to: s.portfolio, asOf: asOf2026Day)) { error in
            let e = error as? FeatureError
            XCTAssertEqual(e?.code, .missingColumn)
            XCTAssertEqual(e?.featureName, "income")
            XCTAssertTrue("\(error)".contains("'income'"))
        }
    }

    func testDuplicateOutputNameIsAnError() throws {
        var b = trainingBuilder()
        b.extra("utilization", (0..<b.accounts.count).map { String($0) })
        XCTAssertThrowsError(try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)) {
            XCTAssertEqual(($0 as? FeatureError)?.code, .duplicateFeatureName)
            XCTAssertEqual(($0 as? FeatureError)?.featureName, "utilization")
        }
        XCTAssertNoThrow(try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day, options: FeatureOptions(ignore: ["utilization"])))
        var c = trainingBuilder()
        c.extra("Income", (0..<c.accounts.count).map { String($0) })
        c.extra("income", (0..<c.accounts.count).map { String($0 * 2) })
        XCTAssertThrowsError(try FeatureSpec.fit(c.portfolio, asOf: asOf2026Day)) {
            XCTAssertEqual(($0 as? FeatureError)?.code, .duplicateFeatureName)
            XCTAssertEqual(($0 as? FeatureError)?.featureName, "income")
        }
    }

    func testEmptyTrainingPortfolioIsAnError() {
        XCTAssertThrowsError(try FeatureSpec.fit(PortfolioBuilder().portfolio, asOf: asOf2026Day)) {
            XCTAssertEqual(($0 as? FeatureError)?.code, .emptyTrainingData)
        }
    }

    func testSpecJSONRoundTripAppliesIdentically() throws {
        var b = trainingBuilder()
        let n = b.accounts.count
        b.extra("income", (0..<n).map { $0 % 6 == 0 ? "" : String(Double($0) * 1.37) })
        b.extra("region", (0..<n).map { $0 < 35 ? "north" : $0 < 65 ? "south" : "east" })
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)
        let data = try JSONEncoder().encode(spec)
        let decoded = try JSONDecoder().decode(FeatureSpec.self, from: data)
        XCTAssertEqual(decoded, spec)

        // Another portfolio: unseen product and region, missing income, future rows.
        var s = PortfolioBuilder()
        let x = s.account("X", balance: 50, product: "boat")
        s.monthly(x, endingAt: 2026, 3, [(10, 0), (10, 10), (10, 0), (10, 1)])
        s.account("Y", balance: 70, dpd: 30, limit: 100, product: "card")
        s.account("Z", product: "medical")
        s.extra("income", ["", "12.5", "x"])
        s.extra("REGION", ["west", "north", ""])
        let direct = try spec.apply(to: s.portfolio, asOf: asOf2026Day)
        let viaJSON = try decoded.apply(to: s.portfolio, asOf: asOf2026Day)
        XCTAssertEqual(viaJSON.names, spec.names)
        XCTAssertEqual(viaJSON, direct)
        XCTAssertEqual(direct.statementsAfterAsOf, 2)   // 2026-02 and 2026-03; 2026-01-01 is on as-of
        XCTAssertEqual(direct[0, direct.columnIndex("region=other")!], 1)
        XCTAssertEqual(direct[0, direct.columnIndex("product=other")!], 1)
    }
}

extension FeatureSpecTests {
    func testSpecJSONIsReadable() throws {
        var b = trainingBuilder()
        b.extra("income", (0..<b.accounts.count).map { $0 % 6 == 0 ? "" : String($0) })
        let spec = try FeatureSpec.fit(b.portfolio, asOf: asOf2026Day)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(spec), as: UTF8.self)
        XCTAssertTrue(json.contains(#"{"feature":"missed_3m","type":"builtin"}"#), json)
        XCTAssertTrue(json.contains(#"{"column":"product","level":"other","type":"one_hot"}"#), json)
        XCTAssertTrue(json.contains(#"{"column":"income","type":"missing_indicator"}"#), json)
        XCTAssertTrue(json.contains(#""median":34.5"#), json)   // median of 1…69 without multiples of 6
        let bad = Data(json.replacingOccurrences(of: #""type":"builtin""#, with: #""type":"spline""#).utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(FeatureSpec.self, from: bad))
    }
}
