import ArrearsCLI
import Foundation
import _TestSupport

/// A model for the score and rank probes, trained once per test run (in-process, with
/// `arrears train`) on a seeded synthetic portfolio with the corpus's base columns
/// (account_id, balance, days_past_due, credit_limit, last_payment_date) plus `product`, so
/// that the model has one-hot columns too.
enum TrainedModel {
    /// The artifact's path; training failures stop the test run with the command's message.
    static let path: String = train(ignoring: [])

    /// A model of the same portfolio without `product` and `utilization`: it reads only
    /// the required account columns and the payments, so the corpus's accounts files
    /// (most without product or credit_limit, which a model using them requires) test the
    /// readers through score and rank.
    static let requiredColumnsPath: String = train(ignoring: ["product", "utilization"])

    private static func train(ignoring ignored: [String]) -> String {
        let dir = makeTemporaryDirectory("bad-input-model")
        let accounts = dir.appendingPathComponent("accounts.csv")
        let payments = dir.appendingPathComponent("payments.csv")
        let model = dir.appendingPathComponent("model.json").path
        let (a, p) = trainingPortfolio(accounts: 300, seed: 9)
        try! Data(a.utf8).write(to: accounts)
        try! Data(p.utf8).write(to: payments)
        do {
            var train = try ArrearsCommand.parseAsRoot([
                "train", "--accounts", accounts.path, "--payments", payments.path, "--as-of", "2026-01-01",
                "--out", model, "--holdout", "0", "--quiet",
            ] + (ignored.isEmpty ? [] : ["--ignore", ignored.joined(separator: ",")]))
            try train.run()
        } catch {
            fatalError("training the probe model failed: \(ArrearsCommand.message(for: error))")
        }
        return model
    }

    /// Accounts whose recovery odds fall with days past due and rise with the share paid;
    /// 1 to 15 monthly statements each (so the 3/6/12-month windows differ).
    static func trainingPortfolio(accounts n: Int, seed: UInt64) -> (String, String) {
        var rng = SeededGenerator(seed: seed)
        var a = "account_id,balance,days_past_due,credit_limit,last_payment_date,product,days_to_recovery,recovered\n"
        var p = "account_id,date,amount_due,amount_paid\n"
        for i in 0..<n {
            let dpd = Int.random(in: 0...180, using: &rng)
            let paidShare = Double.random(in: 0...1, using: &rng)
            let balance = Double(Int.random(in: 100...20_000, using: &rng))
            let limit = Int.random(in: 0...3, using: &rng) == 0 ? "" : String(Int(balance * Double.random(in: 1...3, using: &rng)))
            let odds = exp(1.0 - Double(dpd) / 60 + 2 * paidShare)
            let recovered = Double.random(in: 0...1, using: &rng) < odds / (1 + odds)
            let days = Int.random(in: 1...(recovered ? 120 : 365), using: &rng)
            let lastPayment = paidShare > 0.2 ? "2025-12-0\(1 + i % 9)" : ""
            let product = ["card", "auto", "loan"][i % 3]
            a += "T\(i),\(balance),\(dpd),\(limit),\(lastPayment),\(product),\(days),\(recovered ? 1 : 0)\n"
            let statements = Int.random(in: 1...15, using: &rng)
            for k in (0..<statements).reversed() {
                let month = 12 - k % 12, year = 2025 - k / 12
                let due = 50 + Double(i % 7) * 10
                let paid = Double.random(in: 0...1, using: &rng) < paidShare ? due * Double.random(in: 0.3...1, using: &rng) : 0
                p += "T\(i),\(year)-\(month < 10 ? "0" : "")\(month)-15,\(due),\(paid)\n"
            }
        }
        return (a, p)
    }
}
