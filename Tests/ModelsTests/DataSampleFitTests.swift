import Foundation
import LinearAlgebra
import Models
import XCTest
import _TestSupport

/// Both models fitted on the committed data/ sample's features (the pandas reference
/// matrix, constant columns dropped), against statsmodels Logit and R survival::coxph.
/// References: scripts/fixtures_data_sample.py and scripts/fixtures_data_sample.R.
final class DataSampleFitTests: XCTestCase {
    struct Design {
        var names: [String]
        var x: Matrix
        var time: [Double]
        var event: [Bool]
        var label90: [Double?]
    }

    static func url(_ name: String) throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/data_sample/\(name)", withExtension: nil), name)
    }

    static func json(_ name: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as? [String: Any])
    }

    static func design() throws -> Design {
        let text = try String(contentsOf: url("design.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        let p = header.count - 4                       // account_id … days_to_recovery, recovered, label_90
        var values: [Double] = []
        var time: [Double] = [], event: [Bool] = [], label: [Double?] = []
        for cells in lines {
            values += cells[1...p].map { Double($0)! }
            time.append(Double(cells[p + 1])!)
            event.append(cells[p + 2] == "1")
            label.append(cells[p + 3].isEmpty ? nil : Double(cells[p + 3])!)
        }
        return Design(names: Array(header[1...p]), x: Matrix(rows: lines.count, cols: p, storage: values),
                      time: time, event: event, label90: label)
    }

    private func assertClose(_ got: [Double], _ want: [Double], rel: Double = 1e-6, _ what: String) {
        XCTAssertEqual(got.count, want.count, what)
        for (i, (g, w)) in zip(got, want).enumerated() {
            XCTAssertTrue(approxEqual(g, w, rel: rel, abs: 1e-10), "\(what)[\(i)]: \(g) vs \(w)")
        }
    }

    func testLogisticOnDataSampleMatchesStatsmodels() throws {
        let d = try Self.design()
        let ref = try Self.json("logistic_statsmodels.json")
        XCTAssertEqual(ref["features"] as? [String], d.names)
        let rows = d.label90.indices.filter { d.label90[$0] != nil }
        XCTAssertEqual(rows.count, ref["n_obs"] as? Int)
        XCTAssertEqual(d.label90.count - rows.count, ref["n_excluded"] as? Int)
        var storage: [Double] = []
        for r in rows { storage += d.x.row(r) }
        let x = Matrix(rows: rows.count, cols: d.x.cols, storage: storage)
        let model = try LogisticRegression().fit(x, rows.map { d.label90[$0]! }, featureNames: d.names)
        assertClose(model.coefficients.map(\.estimate), ref["params"] as! [Double], "params")
        assertClose(model.coefficients.map(\.standardError), ref["bse"] as! [Double], "bse")
        XCTAssertTrue(approxEqual(model.logLikelihood, ref["llf"] as! Double, rel: 1e-9))
        XCTAssertTrue(approxEqual(model.nullLogLikelihood, ref["llnull"] as! Double, rel: 1e-9))
        XCTAssertTrue(approxEqual(model.aic, ref["aic"] as! Double, rel: 1e-9))
    }

    func testCoxOnDataSampleMatchesSurvival() throws {
        let d = try Self.design()
        for ties in [CoxTies.efron, .breslow] {
            let ref = try Self.json("cox_\(ties.rawValue).json")
            XCTAssertEqual(ref["features"] as? [String], d.names)
            let model = try CoxRegression(ties: ties, tolerance: 1e-12)
                .fit(d.x, time: d.time, event: d.event, featureNames: d.names)
            assertClose(model.coefficients.map(\.estimate), ref["coef"] as! [Double], "\(ties) coef")
            assertClose(model.coefficients.map(\.standardError), ref["se"] as! [Double], "\(ties) se")
            let loglik = ref["loglik"] as! [Double]
            XCTAssertTrue(approxEqual(model.nullLogLikelihood, loglik[0], rel: 1e-9), "\(ties) null loglik")
            XCTAssertTrue(approxEqual(model.logLikelihood, loglik[1], rel: 1e-9), "\(ties) loglik")
            let times = ref["time"] as! [Double]
            let hazard = ref["hazard"] as! [Double]
            assertClose(times.map { model.baselineCumulativeHazard(at: $0) }, hazard, "\(ties) baseline")
            let c = model.concordance(d.x, time: d.time, event: d.event)
            XCTAssertTrue(approxEqual(c.value, ref["concordance"] as! Double, rel: 1e-9), "\(ties) concordance")
        }
    }
}
