import XCTest
import PortfolioIO
import Features
import _TestSupport

/// The optimized kernel (counting sort, in-place insertion sort, parallel chunks) against
/// a plain per-account transcription of the definitions, on shuffled random portfolios.
final class RandomizedHistoryTests: XCTestCase {
    /// Straightforward computation of the built-in features of one account.
    private func naive(balance: Double, dpd: Double, limit: Double,
                       statements: [(date: Int32, due: Double, paid: Double, fileOrder: Int)], asOf: Int32) -> [Double] {
        let s = statements.filter { $0.date <= asOf }
            .sorted { ($0.date, $0.fileOrder) < ($1.date, $1.fileOrder) }
        let n = s.count
        func last(_ k: Int) -> ArraySlice<(date: Int32, due: Double, paid: Double, fileOrder: Int)> { s.suffix(k) }
        func missed(_ x: (date: Int32, due: Double, paid: Double, fileOrder: Int)) -> Bool { x.paid < 0.1 * x.due }
        func ratio(_ k: Int) -> Double {
            let due = last(k).map(\.due).reduce(0, +)
            return due == 0 ? 0 : last(k).map(\.paid).reduce(0, +) / due
        }
        var msp = 24.0
        if let j = s.lastIndex(where: { $0.paid > 0 }) { msp = Double(min(n - 1 - j, 24)) }
        var current = 0
        for x in s.reversed() { if missed(x) { current += 1 } else { break } }
        var longest = 0, run = 0
        for x in s { run = missed(x) ? run + 1 : 0; longest = max(longest, run) }
        // extended
        let w = last(6).map(\.paid)
        var slope = 0.0
        if w.count >= 2 {
            let xs = (0..<w.count).map(Double.init), xm = xs.reduce(0, +) / Double(w.count), ym = w.reduce(0, +) / Double(w.count)
            slope = zip(xs, w).map { ($0 - xm) * ($1 - ym) }.reduce(0, +) / xs.map { ($0 - xm) * ($0 - xm) }.reduce(0, +)
        }
        let withDue = last(12).filter { $0.due > 0 }
        let cov = withDue.map { min($0.paid / $0.due, 1) }
        var sd = 0.0
        if cov.count >= 2 {
            let m = cov.reduce(0, +) / Double(cov.count)
            sd = (cov.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(cov.count)).squareRoot()
        }
        var daysFull = 730.0
        if let x = s.last(where: { $0.paid > 0 && $0.paid >= $0.due }) { daysFull = Double(min(Int(asOf - x.date), 730)) }
        let fullRate = withDue.isEmpty ? 0 : Double(withDue.filter { $0.paid >= $0.due }.count) / Double(withDue.count)
        return [log1p(balance), dpd / 30, limit > 0 ? balance / limit : 0, msp, ratio(3), ratio(6), ratio(12),
                Double(last(3).filter(missed).count), Double(last(6).filter(missed).count), Double(last(12).filter(missed).count),
                Double(current), Double(longest), Double(n), slope, sd, daysFull, fullRate]
    }

    func testKernelMatchesNaiveDefinitionsOnShuffledPortfolios() throws {
        for seed: UInt64 in [1, 2, 3] {
            var rng = SeededGenerator(seed: seed)
            var b = PortfolioBuilder()
            var histories: [[(date: Int32, due: Double, paid: Double, fileOrder: Int)]] = []
            var rows: [(Int, Int32, Double, Double)] = []
            let accounts = 3000 + Int(seed) * 7
            for i in 0..<accounts {
                b.account("A\(i)", balance: Double.random(in: 0...5000, using: &rng).rounded(),
                          dpd: Double(Int.random(in: 0...400, using: &rng)),
                          limit: Bool.random(using: &rng) ? .nan : Double.random(in: 500...9000, using: &rng))
                histories.append([])
                for _ in 0 ..< Int.random(in: 0...30, using: &rng) {
                    // dates around as-of (some after), with ties
                    let date = asOf2026 - Int32.random(in: -60...900, using: &rng) / 15 * 15
                    let due = Bool.random(using: &rng) && Int.random(in: 0..<5, using: &rng) == 0 ? 0 : Double(Int.random(in: 0...500, using: &rng))
                    let kind = Int.random(in: 0..<4, using: &rng)
                    let paid = kind == 0 ? 0 : kind == 1 ? due : Double(Int.random(in: 0...600, using: &rng))
                    rows.append((i, date, due, paid))
                }
            }
            rows.shuffle(using: &rng)
            for (k, r) in rows.enumerated() {
                b.payments.accountIndex.append(Int32(r.0)); b.payments.date.append(r.1)
                b.payments.amountDue.append(r.2); b.payments.amountPaid.append(r.3)
                histories[r.0].append((r.1, r.2, r.3, k))
            }
            let m = try FeatureSpec.builtins().apply(to: b.portfolio, asOf: asOf2026Day)
            XCTAssertEqual(m.statementsAfterAsOf, rows.filter { $0.1 > asOf2026 }.count)
            XCTAssertEqual(m.statementsUsed + m.statementsAfterAsOf, rows.count)
            var mismatches = 0
            for i in 0..<accounts {
                let expected = naive(balance: b.accounts.balance[i], dpd: b.accounts.daysPastDue[i],
                                     limit: b.accounts.creditLimit[i], statements: histories[i], asOf: asOf2026)
                for j in 0..<m.cols where !approxEqual(m[i, j], expected[j], rel: 1e-12, abs: 1e-9) {
                    mismatches += 1
                    if mismatches < 5 { XCTFail("seed \(seed) account \(i) \(m.names[j]): \(m[i, j]) vs \(expected[j])") }
                }
            }
            XCTAssertEqual(mismatches, 0)

            // The same rows grouped by account (file order kept within an account) take
            // the no-scatter path and must give the identical matrix.
            var grouped = b
            let perm = (0..<rows.count).sorted { (b.payments.accountIndex[$0], $0) < (b.payments.accountIndex[$1], $1) }
            grouped.payments.accountIndex = perm.map { b.payments.accountIndex[$0] }
            grouped.payments.date = perm.map { b.payments.date[$0] }
            grouped.payments.amountDue = perm.map { b.payments.amountDue[$0] }
            grouped.payments.amountPaid = perm.map { b.payments.amountPaid[$0] }
            XCTAssertEqual(try FeatureSpec.builtins().apply(to: grouped.portfolio, asOf: asOf2026Day), m)
        }
    }
}
