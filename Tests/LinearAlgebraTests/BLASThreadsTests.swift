import LinearAlgebra
import XCTest

final class BLASThreadsTests: XCTestCase {
    func testWithBLASThreadsSetsAndRestores() {
        let before = BLASThreads.current
        XCTAssertGreaterThanOrEqual(before, 1)
        let inside = withBLASThreads(1) { BLASThreads.current }
        XCTAssertEqual(inside, 1)
        XCTAssertEqual(BLASThreads.current, before)
    }

    func testRestoresWhenTheBodyThrows() {
        struct Boom: Error {}
        let before = BLASThreads.current
        XCTAssertThrowsError(try withBLASThreads(1) { () throws(Boom) -> Int in throw Boom() })
        XCTAssertEqual(BLASThreads.current, before)
    }

    func testGramIsTheSameOnOneThreadAndOnAll() {
        var x = Matrix(rows: 3000, cols: 17)
        for i in 0..<x.rows { for j in 0..<x.cols { x[i, j] = Double((i * 31 + j * 7) % 101) / 10 - 5 } }
        let many = gram(x)
        let one = withBLASThreads(1) { gram(x) }
        for k in many.storage.indices {
            XCTAssertEqual(one.storage[k], many.storage[k], accuracy: 1e-9 * max(1, abs(many.storage[k])))
        }
    }
}
