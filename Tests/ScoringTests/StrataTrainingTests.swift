import Features
import Foundation
import LinearAlgebra
import Models
import PortfolioIO
import XCTest
import _TestSupport
@testable import Scoring
import Training

/// `train --strata product` (issue 19): one Cox baseline per product (R
/// `coxph(… + strata(product))`), stored per level in the artifact, scoring with the
/// account's own product's baseline, and a level not seen in training refused by name.
final class StrataTrainingTests: XCTestCase {
    let asOf = CalendarDay(year: 2026, month: 1, day: 1)!
    let noPayments = Array("account_id,date,amount_due,amount_paid\n".utf8)
    /// Monthly recovery hazards per product: the baselines differ tenfold.
    let rates = ["auto": 0.002, "card": 0.008, "medical": 0.02]

    /// Accounts whose recovery time is exponential with rate λ_product·e^{−0.0002·balance}.
    func accounts(_ n: Int = 900, extra: [(String, String)] = []) -> [UInt8] {
        var g = SeededGenerator(seed: 19)
        var text = "account_id,balance,days_past_due,product,days_to_recovery,recovered\n"
        let products = rates.keys.sorted()
        for i in 0..<n {
            let product = products[i % products.count]
            let balance = Double.random(in: 100...8000, using: &g)
            let rate = rates[product]! * exp(-0.0002 * balance)
            let t = (-log(Double.random(in: 1e-12..<1, using: &g)) / rate).rounded(.up)
            let days = Int(min(t, 365))
            text += "A\(i),\(balance),\(Int.random(in: 0...200, using: &g)),\(product),\(days),\(t <= 365 ? 1 : 0)\n"
        }
        for (id, product) in extra { text += "\(id),500,30,\(product),100,1\n" }
        return Array(text.utf8)
    }

    func portfolio(_ bytes: [UInt8]) throws -> Portfolio {
        try readPortfolio(accounts: bytes, payments: noPayments, options: ReadOptions(requireLabels: true))
    }

    func trained(holdout: Double = 0) throws -> (ModelArtifact, Portfolio) {
        let p = try portfolio(accounts())
        var options = TrainingOptions(holdoutFraction: holdout, trainedAt: "x")
        options.features.minLevelCount = 1
        options.strataColumn = "product"
        return (try Trainer.train(p, asOf: asOf, options: options, inputs: []).artifact, p)
    }

    func testOneBaselinePerProductAndProductIsNoCoxCovariate() throws {
        let (a, p) = try trained()
        XCTAssertEqual(a.strata, CoxStrata(column: "product", levels: ["auto", "card", "medical"]))
        XCTAssertEqual(a.training.options.strataColumn, "product")
        let cox = try XCTUnwrap(a.cox), baselines = try XCTUnwrap(cox.stratumBaselines)
        XCTAssertEqual(baselines.map(\.stratum), [0, 1, 2])
        XCTAssertTrue(cox.baselineTimes.isEmpty)
        // The baselines follow the products' hazards: H₀ at 90 days auto < card < medical.
        let h90 = (0..<3).map { cox.baselineCumulativeHazard(at: 90, stratum: $0) }
        XCTAssertLessThan(h90[0] * 2, h90[1], "\(h90)")
        XCTAssertLessThan(h90[1] * 1.5, h90[2], "\(h90)")
        // product's one-hot columns are out of the Cox model and in the logistic one.
        let productColumns = a.features.names.filter { $0.hasPrefix("product=") }
        XCTAssertFalse(productColumns.isEmpty)
        for c in cox.coefficients where productColumns.contains(c.name) {
            XCTAssertEqual(c.estimate, 0, c.name)
            XCTAssertEqual(c.standardError, 0, c.name)
        }
        let logistic = try XCTUnwrap(a.logistic)
        XCTAssertTrue(logistic.coefficients.contains { productColumns.contains($0.name) && $0.estimate != 0 })
        XCTAssertEqual(cox.likelihoodRatioTest.df, a.features.count - productColumns.count)

        // The same fit as CoxRegression with strata on the other columns.
        let m = try a.features.apply(to: p, asOf: asOf)
        let keep = m.names.indices.filter { !m.names[$0].hasPrefix("product=") }
        var x = Matrix(rows: m.rows, cols: keep.count)
        for i in 0..<m.rows { for (k, j) in keep.enumerated() { x[i, k] = m[i, j] } }
        let strata = try a.strata!.strata(of: p.accounts)
        let direct = try CoxRegression().fit(x, time: p.accounts.daysToRecovery, event: p.accounts.recovered,
                                             featureNames: keep.map { m.names[$0] }, strata: strata)
        for c in direct.coefficients {
            let mine = try XCTUnwrap(cox.coefficients.first { $0.name == c.name })
            XCTAssertEqual(mine.estimate, c.estimate, accuracy: 1e-9 * max(1, Swift.abs(c.estimate)), c.name)
        }
        for s in 0..<3 {
            XCTAssertEqual(cox.baselineCumulativeHazard(at: 180, stratum: s), direct.baselineCumulativeHazard(at: 180, stratum: s),
                           accuracy: 1e-9)
        }
        let summary = a.summaryText()
        XCTAssertTrue(summary.contains("stratified by product (R strata()): one baseline hazard per level — auto, card, medical"), summary)
        XCTAssertFalse(summary.contains("-nan"), summary)
        XCTAssertEqual(a.fittedCoxCoefficients?.map(\.name), a.features.names.filter { !$0.hasPrefix("product=") })
    }

    func testScoresUseTheAccountsOwnStratumBaseline() throws {
        let (a, p) = try trained()
        let cox = try XCTUnwrap(a.cox)
        let m = try a.features.apply(to: p, asOf: asOf)
        let strata = try a.strata!.strata(of: p.accounts)
        let s = a.score(m, strata: strata), r = a.referenceScore(m, strata: strata)
        XCTAssertEqual(s.coxStratum, strata)
        let k = a.predictionHorizons.count
        var differ = 0
        for i in 0..<m.rows {
            let row = Array(m.row(i))
            var lp = 0.0
            for j in row.indices { lp += row[j] * cox.beta[j] }   // xᵀβ, uncentred
            for (h, t) in a.predictionHorizons.enumerated() {
                let expected = 1 - exp(-cox.baselineCumulativeHazard(at: Double(t), stratum: strata[i]) * exp(lp))
                XCTAssertEqual(s.recoveredBy[i * k + h], expected, accuracy: 1e-10, "row \(i) day \(t)")
                XCTAssertEqual(s.recoveredBy[i * k + h], r.recoveredBy[i * k + h], accuracy: 1e-13, "kernel vs reference row \(i)")
                let pooled = 1 - exp(-cox.baselineCumulativeHazard(at: Double(t), stratum: (strata[i] + 1) % 3) * exp(lp))
                if Swift.abs(pooled - expected) > 1e-3 { differ += 1 }
            }
            // Median: the first time of the account's stratum where S(t | x) ≤ ½.
            let own = try XCTUnwrap(cox.stratumBaselines?[strata[i]])
            let zeta = cox.relativeLinearPredictor(row)
            let median = zip(own.times, own.hazardAtMeans).first { $0.1 * exp(zeta) >= log(2.0) }?.0
            XCTAssertEqual(s.medianDays[i].isNaN ? nil : s.medianDays[i], median, "median row \(i)")
            XCTAssertEqual(s.medianDays[i].bitPattern, r.medianDays[i].bitPattern, "kernel vs reference median row \(i)")
            XCTAssertEqual(s.pRecover[i], r.pRecover[i], accuracy: 1e-13)
        }
        XCTAssertGreaterThan(differ, m.rows, "another stratum's baseline gives other probabilities")
    }

    func testArtifactRoundTripKeepsTheStrata() throws {
        let (a, p) = try trained(holdout: 0.2)
        let path = makeTemporaryDirectory().appendingPathComponent("m.json").path
        try a.write(to: path)
        let loaded = try ModelArtifact.load(path: path)
        XCTAssertEqual(loaded, a)
        XCTAssertEqual(loaded.strata?.levels, ["auto", "card", "medical"])
        XCTAssertEqual(loaded.cox?.stratumBaselines, a.cox?.stratumBaselines)
        let m = try loaded.features.apply(to: p, asOf: asOf)
        let strata = try loaded.strata!.strata(of: p.accounts)
        let x = loaded.score(m, strata: strata), y = a.score(m, strata: strata)
        XCTAssertTrue(x.recoveredBy.map(\.bitPattern) == y.recoveredBy.map(\.bitPattern)
                      && x.medianDays.map(\.bitPattern) == y.medianDays.map(\.bitPattern), "the loaded model scores the same bits")

        // Damaged: baselines without the strata column, or strata without baselines.
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json.removeValue(forKey: "strata")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ModelArtifact.load(path: path)) {
            XCTAssertTrue("\($0)".contains("per-stratum baselines but the model names no strata column"), "\($0)")
        }
        var unstratified = a
        unstratified.cox?.stratumBaselines?.removeLast()
        try unstratified.write(to: path)
        XCTAssertThrowsError(try ModelArtifact.load(path: path)) {
            XCTAssertTrue("\($0)".contains("one baseline per level"), "\($0)")
        }
    }

    func testAnUnstratifiedVersion2ModelHasNoStrataKeyAndLoads() throws {
        let p = try portfolio(accounts())
        let a = try Trainer.train(p, asOf: asOf, options: TrainingOptions(holdoutFraction: 0, trainedAt: "x"), inputs: []).artifact
        XCTAssertNil(a.strata)
        let text = String(decoding: try a.encoded(), as: UTF8.self)
        XCTAssertFalse(text.contains("\"strata\""))
        XCTAssertFalse(text.contains("stratumBaselines"))
        let path = makeTemporaryDirectory().appendingPathComponent("m.json").path
        try a.write(to: path)
        XCTAssertEqual(try ModelArtifact.load(path: path), a)
    }

    func testALevelNotSeenInTrainingIsRefusedByName() throws {
        let (a, _) = try trained()
        let p = try portfolio(accounts(30, extra: [("B1", "boat")]))
        XCTAssertThrowsError(try a.strata!.strata(of: p.accounts)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("the product level 'boat' (account B1) was not seen in training"), text)
            XCTAssertTrue(text.contains("auto, card, medical"), text)
        }
    }

    func testBadStrataOptionsNameTheOption() throws {
        let p = try portfolio(accounts())
        var options = TrainingOptions(holdoutFraction: 0, trainedAt: "x")
        options.strataColumn = "segment"
        XCTAssertThrowsError(try Trainer.train(p, asOf: asOf, options: options, inputs: [])) {
            let e = $0 as! TrainingError
            XCTAssertEqual(e.option, "strataColumn")
            XCTAssertTrue(e.message.contains("'segment' is not a text column"), e.message)
        }
        options.strataColumn = "product"
        options.models = .logistic
        XCTAssertThrowsError(try options.validate()) { XCTAssertEqual(($0 as! TrainingError).option, "strataColumn") }
        // A level only in the holdout has no baseline: refused at training, by name.
        let rare = try portfolio(accounts(600, extra: (0..<1).map { ("R\($0)", "boat") }))
        options.models = .cox          // the one-account level would separate the logistic fit
        options.holdoutFraction = 0.5
        var seed: UInt64 = 1
        var refused = false
        while seed < 40 && !refused {
            options.seed = seed
            do { _ = try Trainer.train(rare, asOf: asOf, options: options, inputs: []) } catch {
                refused = true
                XCTAssertTrue(error.message.contains("the product level 'boat' (account R0) is only in the holdout"), error.message)
                XCTAssertEqual(error.option, "strataColumn")
            }
            seed += 1
        }
        XCTAssertTrue(refused, "some seed holds the single boat account out")
    }
}
