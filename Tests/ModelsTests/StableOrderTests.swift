import XCTest
@testable import Models
import _TestSupport

/// `stableOrder` (a radix sort above 4,096 rows) against the standard library's stable
/// sort, which it replaces in the metrics: the same permutation, ties included.
final class StableOrderTests: XCTestCase {
    func check(_ keys: [Double], _ label: String) {
        XCTAssertEqual(stableOrder(keys), keys.indices.sorted { keys[$0] < keys[$1] }, label)
        XCTAssertEqual(stableOrder(keys, descending: true), keys.indices.sorted { keys[$0] > keys[$1] }, label + " descending")
    }

    func testRadixPathMatchesTheStableSortWithTiesSignedZerosAndExtremes() {
        var rng = SeededGenerator(seed: 11)
        let n = 50_000
        // Whole days (heavy ties, shared top digits), probabilities, and mixed signs with
        // −0, +0, subnormals, infinities and huge magnitudes.
        check((0..<n).map { _ in Double(Int.random(in: 0...365, using: &rng)) }, "days")
        check((0..<n).map { _ in Double.random(in: 0...1, using: &rng) }, "probabilities")
        let specials: [Double] = [-0.0, 0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .infinity, -.infinity,
                                  .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, -1e-300]
        check((0..<n).map { k in k % 7 == 0 ? specials[k % specials.count] : Double.random(in: -1e6...1e6, using: &rng).rounded() / 8 },
              "mixed")
        check([Double](repeating: 2.5, count: n), "all equal")
    }

    func testShortAndNaNInputsUseTheStandardSort() {
        let keys: [Double] = [3, 1, 2, 1, -0.0, 0]
        XCTAssertEqual(stableOrder(keys), [4, 5, 1, 3, 2, 0])
        XCTAssertEqual(stableOrder(keys, descending: true), [0, 2, 1, 3, 4, 5])
        var withNaN = (0..<5_000).map { Double($0 % 13) }
        withNaN[17] = .nan
        XCTAssertEqual(stableOrder(withNaN), withNaN.indices.sorted { withNaN[$0] < withNaN[$1] })
    }
}
