import XCTest
import LinearAlgebra
import Models
import _TestSupport

/// One test per `CoxError.Code`: the code, the culprit feature names or row, and a
/// message that names them.
final class CoxFailureTests: XCTestCase {
    private let names = ["a", "b", "c"]

    /// n accounts with features (a, b, c), whole-day durations 1…365 with a moderate effect
    /// of a, and about 30 % censoring.
    private func data(n: Int = 300, seed: UInt64 = 5) -> (x: Matrix, time: [Double], event: [Bool]) {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: n, cols: 3)
        var time = [Double](repeating: 0, count: n), event = [Bool](repeating: false, count: n)
        for i in 0..<n {
            for j in 0..<3 { x[i, j] = Double.random(in: -1...1, using: &rng) * Double(1 + 10 * j) }
            let rate = exp(0.8 * x[i, 0] + 0.02 * x[i, 1]) / 60
            let t = -log(Double.random(in: Double.ulpOfOne..<1, using: &rng)) / rate
            let c = Double.random(in: 0..<500, using: &rng)
            time[i] = min(365, max(1, min(t, c).rounded(.up)))
            event[i] = t <= c && t <= 365
        }
        return (x, time, event)
    }

    private func failure(_ x: Matrix, _ time: [Double], _ event: [Bool], spec: CoxRegression = CoxRegression(),
                         names: [String]? = nil, file: StaticString = #filePath, line: UInt = #line) -> CoxError? {
        do {
            let m = try spec.fit(x, time: time, event: event, featureNames: names ?? self.names)
            XCTFail("expected a CoxError, got coefficients \(m.beta)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testTheSyntheticDataFits() throws {
        let d = data()
        let m = try CoxRegression().fit(d.x, time: d.time, event: d.event, featureNames: names)
        XCTAssertEqual(m.beta[0], 0.8, accuracy: 0.25)
    }

    func testNonFiniteFeatureIsNamedWithItsRow() throws {
        var d = data()
        d.x[17, 1] = .nan
        let e = try XCTUnwrap(failure(d.x, d.time, d.event))
        XCTAssertEqual(e.code, .nonFiniteInput)
        XCTAssertEqual(e.features, ["b"])
        XCTAssertEqual(e.row, 17)
        XCTAssertTrue(e.message.contains("'b'") && e.message.contains("row 17"), e.message)
        d.x[17, 1] = 0
        d.time[4] = .infinity
        let t = try XCTUnwrap(failure(d.x, d.time, d.event))
        XCTAssertEqual(t.code, .nonFiniteInput)
        XCTAssertEqual(t.row, 4)
        XCTAssertTrue(t.message.contains("duration at row 4"), t.message)
    }

    func testRejectsNegativeTimes() throws {
        var d = data()
        d.time[9] = -3
        let e = try XCTUnwrap(failure(d.x, d.time, d.event))
        XCTAssertEqual(e.code, .negativeTime)
        XCTAssertEqual(e.row, 9)
        XCTAssertTrue(e.message.contains("row 9") && e.message.contains("-3"), e.message)
    }

    func testNoEvents() throws {
        let d = data()
        let e = try XCTUnwrap(failure(d.x, d.time, d.event.map { _ in false }))
        XCTAssertEqual(e.code, .noEvents)
        XCTAssertTrue(e.message.contains("none of the 300 accounts"), e.message)
        let empty = try XCTUnwrap(failure(Matrix(rows: 0, cols: 3), [], []))
        XCTAssertEqual(empty.code, .noEvents)
    }

    func testConstantFeatureIsNamed() throws {
        var d = data()
        for i in 0..<d.x.rows { d.x[i, 2] = 7 }
        let e = try XCTUnwrap(failure(d.x, d.time, d.event))
        XCTAssertEqual(e.code, .constantFeature)
        XCTAssertEqual(e.features, ["c"])
        XCTAssertTrue(e.message.contains("'c'"), e.message)
    }

    func testCollinearFeaturesAreNamed() throws {
        var d = data()
        var x = Matrix(rows: d.x.rows, cols: 4)
        for i in 0..<x.rows {
            for j in 0..<3 { x[i, j] = d.x[i, j] }
            x[i, 3] = 2 * d.x[i, 0] - d.x[i, 2] + 5
        }
        d.x = x
        let e = try XCTUnwrap(failure(d.x, d.time, d.event, names: ["a", "b", "c", "score"]))
        XCTAssertEqual(e.code, .collinearFeatures)
        XCTAssertEqual(e.features, ["score", "a", "c"])
        XCTAssertTrue(e.message.contains("'score' is a linear combination of 'a' and 'c'"), e.message)
    }

    /// A feature that varies only among accounts censored before the first recovery.
    func testFeatureWithoutVariationInTheRiskSetsIsNamed() throws {
        var d = data()
        let first = zip(d.time, d.event).filter(\.1).map(\.0).min()!
        d.time[0] = first - 0.5; d.event[0] = false
        d.time[1] = first - 0.5; d.event[1] = false
        for i in 0..<d.x.rows { d.x[i, 1] = i == 0 ? 1 : (i == 1 ? -1 : 0) }
        let e = try XCTUnwrap(failure(d.x, d.time, d.event))
        XCTAssertEqual(e.code, .singularInformation)
        XCTAssertEqual(e.features, ["b"])
        XCTAssertTrue(e.message.contains("'b'") && e.message.contains("censored"), e.message)
    }

    /// Every account with flag = 1 recovers before any with flag = 0: the hazard ratio of
    /// `flag` is infinite and the likelihood has no maximum.
    func testMonotoneLikelihoodNamesTheDivergingFeature() throws {
        let n = 120
        var rng = SeededGenerator(seed: 9)
        var x = Matrix(rows: n, cols: 2)
        var time = [Double](repeating: 0, count: n), event = [Bool](repeating: true, count: n)
        for i in 0..<n {
            x[i, 0] = Double.random(in: -1...1, using: &rng)
            x[i, 1] = i < 40 ? 1 : 0
            time[i] = i < 40 ? Double(1 + i % 20) : Double(30 + i % 50)
            event[i] = i % 7 != 0
        }
        let e = try XCTUnwrap(failure(x, time, event, names: ["noise", "flag"]))
        XCTAssertEqual(e.code, .monotoneLikelihood)
        XCTAssertEqual(e.features, ["flag"])
        XCTAssertTrue(e.message.contains("'flag' diverges") && e.message.contains("l2"), e.message)
        // The suggested remedy works: a ridge gives a finite, large positive effect.
        let m = try CoxRegression(l2: 1).fit(x, time: time, event: event, featureNames: ["noise", "flag"])
        XCTAssertGreaterThan(m.beta[1], 2)
        XCTAssertTrue(m.coefficients.allSatisfy { $0.standardError.isFinite })
    }

    func testNotConvergedReturnsTheLastIterate() throws {
        let d = data()
        let e = try XCTUnwrap(failure(d.x, d.time, d.event, spec: CoxRegression(maxIterations: 1)))
        XCTAssertEqual(e.code, .notConverged)
        XCTAssertTrue(e.message.contains("1 iterations") && e.message.contains("maxIterations"), e.message)
        let last = try XCTUnwrap(e.lastIterate)
        XCTAssertFalse(last.converged)
        XCTAssertEqual(last.iterations, 1)
        XCTAssertGreaterThan(last.logLikelihood, last.nullLogLikelihood)
    }
}
