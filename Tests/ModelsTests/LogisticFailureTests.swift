import XCTest
import LinearAlgebra
import Models
import _TestSupport

/// One test per `LogisticError.Code`: the code, the culprit feature names and a message
/// that names them.
final class LogisticFailureTests: XCTestCase {
    /// n rows of features (a, b, c) with noisy labels from a moderate effect.
    private func data(n: Int = 200, seed: UInt64 = 3) -> (Matrix, [Double]) {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: n, cols: 3)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<3 { x[i, j] = Double.random(in: -1...1, using: &rng) * Double(1 + 10 * j) }
            let eta = 0.5 * x[i, 0] + 0.05 * x[i, 1]
            y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        return (x, y)
    }
    private let names = ["a", "b", "c"]

    private func failure(_ x: Matrix, _ y: [Double], spec: LogisticRegression = LogisticRegression(),
                         names: [String]? = nil, file: StaticString = #filePath, line: UInt = #line) -> LogisticError? {
        do {
            let m = try spec.fit(x, y, featureNames: names ?? self.names)
            XCTFail("expected a LogisticError, got a model with coefficients \(m.coefficients.map(\.estimate))",
                    file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testNonFiniteFeatureIsNamedWithItsRow() throws {
        var (x, y) = data()
        x[17, 1] = .nan
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .nonFiniteInput)
        XCTAssertEqual(e.features, ["b"])
        XCTAssertEqual(e.row, 17)
        XCTAssertTrue(e.message.contains("'b'") && e.message.contains("row 17"), e.message)
        x[17, 1] = 0
        y[5] = .infinity
        let l = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(l.code, .nonFiniteInput)
        XCTAssertEqual(l.row, 5)
        XCTAssertTrue(l.message.contains("label at row 5"), l.message)
    }

    func testLabelOtherThanZeroOrOneIsRejected() throws {
        let (x, yy) = data()
        var y = yy
        y[9] = 2
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .invalidLabel)
        XCTAssertEqual(e.row, 9)
        XCTAssertTrue(e.message.contains("row 9") && e.message.contains("2.0"), e.message)
    }

    func testNoEventsAndNoNonEvents() throws {
        let (x, y) = data()
        let none = try XCTUnwrap(failure(x, y.map { _ in 0 }))
        XCTAssertEqual(none.code, .noEvents)
        XCTAssertTrue(none.message.contains("no row has label 1"), none.message)
        let all = try XCTUnwrap(failure(x, y.map { _ in 1 }))
        XCTAssertEqual(all.code, .noNonEvents)
        XCTAssertTrue(all.message.contains("every row has label 1"), all.message)
        let empty = try XCTUnwrap(failure(Matrix(rows: 0, cols: 3), []))
        XCTAssertEqual(empty.code, .noEvents)
    }

    func testConstantFeaturesAreNamedUpFront() throws {
        var (x, y) = data()
        for i in 0..<x.rows { x[i, 2] = 4.5 }
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .constantFeature)
        XCTAssertEqual(e.features, ["c"])
        XCTAssertTrue(e.message.contains("'c'") && e.message.contains("4.5"), e.message)
        for i in 0..<x.rows { x[i, 0] = 0 }
        let two = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(two.features, ["a", "c"])
        XCTAssertTrue(two.message.contains("'a' and 'c'"), two.message)
    }

    func testExactCollinearityNamesTheFeatureAndItsPartners() throws {
        var (x, y) = data()
        // c = 2a − 3b + 7: exactly collinear with a, b and the intercept.
        for i in 0..<x.rows { x[i, 2] = 2 * x[i, 0] - 3 * x[i, 1] + 7 }
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .collinearFeatures)
        XCTAssertEqual(e.features.first, "c")
        XCTAssertEqual(Set(e.features.dropFirst()), ["a", "b"])
        XCTAssertTrue(e.message.contains("'c'") && e.message.contains("'a' and 'b'"), e.message)
    }

    func testAnL2PenaltyFitsThroughExactCollinearity() throws {
        var (x, y) = data()
        for i in 0..<x.rows { x[i, 2] = 2 * x[i, 0] - 3 * x[i, 1] + 7 }
        let model = try LogisticRegression(l2: 1).fit(x, y, featureNames: ["a", "b", "c"])
        XCTAssertTrue(model.converged)
        XCTAssertTrue(model.coefficients.allSatisfy { $0.estimate.isFinite && $0.standardError.isFinite })
        // Penalized on standardized slopes, the collinear column shares the effect instead of
        // being dropped: its slope is not zero.
        XCTAssertNotEqual(model.coefficients[3].estimate, 0)
    }

    func testDuplicateColumnIsCollinearEvenWithRoundingNoise() throws {
        var (x, y) = data()
        for i in 0..<x.rows { x[i, 1] = x[i, 0] * (1 + 1e-14 * Double(i % 3)) }
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .collinearFeatures)
        XCTAssertEqual(e.features, ["b", "a"])
        // A strong but genuine correlation (1 − R² ≈ 1e-4) still fits.
        var rng = SeededGenerator(seed: 5)
        for i in 0..<x.rows { x[i, 1] = x[i, 0] + 0.01 * Double.random(in: -1...1, using: &rng) }
        XCTAssertNoThrow(try LogisticRegression().fit(x, y, featureNames: names))
    }

    func testCompleteSeparationNamesTheSeparatingFeature() throws {
        var (x, y) = data()
        for i in 0..<x.rows { y[i] = x[i, 1] > 0.5 ? 1 : 0 }     // b splits the labels perfectly
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .separation)
        XCTAssertEqual(e.features.first, "b")
        XCTAssertTrue(e.message.contains("complete separation") && e.message.contains("'b'")
                      && e.message.contains("L2 penalty"), e.message)
        // The suggested remedy works: a penalized fit is finite.
        let penalized = try LogisticRegression(l2: 1).fit(x, y, featureNames: names)
        XCTAssertTrue(penalized.coefficients.allSatisfy { $0.estimate.isFinite && $0.standardError.isFinite })
    }

    func testQuasiCompleteSeparationByARareFlag() throws {
        var (x, y) = data(n: 400)
        // c becomes a 0/1 flag set on 12 rows, all of them events: quasi-complete.
        for i in 0..<x.rows {
            x[i, 2] = i % 33 == 0 ? 1 : 0
            if i % 33 == 0 { y[i] = 1 }
        }
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .separation)
        XCTAssertEqual(e.features.first, "c")
        XCTAssertTrue(e.message.contains("quasi-complete separation") && e.message.contains("'c'"), e.message)
        XCTAssertTrue(e.message.contains("13 of 400"), e.message)
        XCTAssertNoThrow(try LogisticRegression(l2: 0.5).fit(x, y, featureNames: names))
    }

    /// The hard case for a deviance-based stop: one flagged row among 20 000 barely moves
    /// the deviance, so the fit "converges" with a large finite coefficient unless the
    /// separation signature is checked.
    func testSingleFlaggedEventAmongManyRowsIsSeparation() throws {
        var (x, y) = data(n: 20_000)
        for i in 0..<x.rows { x[i, 2] = i == 7 ? 1 : 0 }
        y[7] = 1
        let e = try XCTUnwrap(failure(x, y))
        XCTAssertEqual(e.code, .separation)
        XCTAssertEqual(e.features, ["c"])
        XCTAssertTrue(e.message.contains("1 of 20000 rows"), e.message)
    }

    /// No false alarm: a steep but overlapping effect puts many rows at p < 1e-4, yet the
    /// maximum is finite and Newton's steps shrink, so the fit succeeds.
    func testSteepOverlappingEffectIsNotSeparation() throws {
        var rng = SeededGenerator(seed: 8)
        let n = 5000
        var x = Matrix(rows: n, cols: 2)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i, 0] = Double.random(in: -1...1, using: &rng)
            x[i, 1] = Double.random(in: 0...100, using: &rng)
            y[i] = Double.random(in: 0..<1, using: &rng) < logistic(15 * x[i, 0]) ? 1 : 0
        }
        let model = try LogisticRegression().fit(x, y, featureNames: ["steep", "noise"])
        let steep = model.coefficients[1]
        XCTAssertEqual(steep.estimate, 15, accuracy: 4 * steep.standardError)
        XCTAssertGreaterThan(model.probability(x).filter { $0 < 1e-4 }.count, 500)
    }

    func testIterationCapReportsTheLastIterate() throws {
        let (x, y) = data()
        let e = try XCTUnwrap(failure(x, y, spec: LogisticRegression(maxIterations: 1)))
        XCTAssertEqual(e.code, .notConverged)
        let last = try XCTUnwrap(e.lastIterate)
        XCTAssertFalse(last.converged)
        XCTAssertEqual(last.iterations, 1)
        XCTAssertFalse(e.features.isEmpty)
        XCTAssertTrue(e.message.contains("did not converge in 1 iteration ") && e.message.contains("'\(e.features[0])'"),
                      e.message)
        let full = try LogisticRegression().fit(x, y, featureNames: names)
        XCTAssertTrue(full.converged)
        XCTAssertGreaterThan(full.logLikelihood, last.logLikelihood)
    }
}
