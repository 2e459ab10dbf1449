// Fuzz target (e): the worklist policy reader (`Policy(toml:file:)`), linked against the
// SwiftPM-built Prioritizer module, TOMLKit and its C++ toml++ core (see run.sh).
// - parsing never traps, whatever the bytes (TOML syntax, types, ranges, NUL bytes);
// - every value of a policy that parses is in its documented range;
// - a parsed policy ranks a small fixed book without trapping, and the classes add up;
// - a policy that fails names its file, and its key when it has one.
import Foundation
import PortfolioIO
import Prioritizer

func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

/// Four accounts with every rule column, one per class.
let book: AccountTable = {
    var a = AccountTable()
    a.accountID = ["w", "b", "c", "t"]
    a.balance = [1000, 500, 50, 2000]
    a.daysPastDue = [30, 200, 400, 10]
    a.creditLimit = [.nan, .nan, .nan, .nan]
    a.product = ["card", "", "auto", "card"]
    a.state = ["CA", "NY", "", "TX"]
    a.lastPaymentDate = ["2025-12-01", "2020-01-01", "", "2025-06-30"].map { CalendarDay.parse($0) ?? CalendarDay.missing }
    a.bankruptcy = [false, true, false, false]
    a.ceaseAndDesist = [false, false, false, false]
    a.dispute = [false, false, false, false]
    a.deceased = [false, false, false, false]
    a.callsLast7d = [0, 0, 9, 2]
    a.lastConversationDate = ["", "", "2025-12-30", ""].map { CalendarDay.parse($0) ?? CalendarDay.missing }
    a.presentColumns = ["product", "state", "last_payment_date", "bankruptcy", "cease_and_desist", "dispute",
                        "deceased", "calls_last_7d", "last_conversation_date"]
    return a
}()

let outputs = ModelOutputs(horizonDays: 90, pRecover: [0.4, 0.9, 0.01, 0.6], horizons: [30, 90],
                           recoveredBy: [0.1, 0.3, 0.5, 0.8, 0.0, 0.01, 0.2, 0.5],
                           medianDays: [.nan, 20, .nan, 60], scorePoints: [590, 700, 400, 620])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let policy: Policy
    do throws(PolicyError) {
        policy = try Policy(toml: text, file: "fuzz.toml")
    } catch {
        fuzzCheck(error.file == "fuzz.toml", "error without its file: \(error)")
        fuzzCheck(error.description.hasPrefix("fuzz.toml"), "description does not start with the file: \(error)")
        return 0
    }
    fuzzCheck(policy.costPerAttempt.isFinite && policy.costPerAttempt >= 0, "cost_per_attempt \(policy.costPerAttempt)")
    fuzzCheck(policy.minNetValue.isFinite, "min_net_value \(policy.minNetValue)")
    fuzzCheck((0...1).contains(policy.pFloor), "p_floor \(policy.pFloor)")
    fuzzCheck(policy.capacity >= 1, "capacity \(policy.capacity)")
    fuzzCheck((0...1).contains(policy.discountAnnualRate), "discount_annual_rate \(policy.discountAnnualRate)")
    fuzzCheck((0...1).contains(policy.recoveryRate.defaultRate), "recovery_rate.default")
    fuzzCheck(policy.recoveryRate.byProduct.values.allSatisfy { (0...1).contains($0) }, "recovery_rate")
    fuzzCheck((1...100).contains(policy.limitationPeriod.defaultYears), "limitation default")
    fuzzCheck(policy.limitationPeriod.byState.values.allSatisfy { (1...100).contains($0) }, "limitation by state")
    fuzzCheck(policy.contactRules.maxCalls7d >= 1 && policy.contactRules.conversationCooldownDays >= 1, "contact rules")
    _ = policy.ruleSupportLines(presentColumns: book.presentColumns)
    do throws(PrioritizerError) {
        let portfolio = Portfolio(accounts: book, payments: PaymentTable(), rejects: [], accountRows: book.count,
                                  paymentRows: 0)
        let r = try Prioritizer(policy: policy).rank(portfolio, asOf: CalendarDay("2026-01-01")!, scores: outputs)
        fuzzCheck(r.counts.total == book.count, "classes add to \(r.counts.total), not \(book.count)")
        _ = r.worklistBytes()
        _ = r.holdsBytes()
    } catch {
        // A policy can be unusable for this book (e.g. discounting without a horizon ≤ H).
    }
    return 0
}
