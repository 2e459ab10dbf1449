import Features
import PortfolioIO
import Prioritizer
import Scoring

/// The engine's jobs as library calls (DESIGN §14): the CLI, the report, `arrears bench`,
/// the benchmarks and the service all call these and nothing else.
///
///     let model = try ModelArtifact.load(path: "models/arrears-model.json")
///     let portfolio = try Pipeline.read(.files(accounts: "data/accounts.csv", payments: "data/payments.csv"))
///     let scored = try Pipeline.score(portfolio, with: model, asOf: CalendarDay("2026-01-01")!)
///     let ranked = try Pipeline.rank(scored, policy: Policy(), capacity: 200)
///     try OutputSet([.init(path: "worklist.csv", role: "worklist", bytes: ranked.worklistBytes(format: .csv))]).commit()
///
/// Each job throws a `PipelineError` whose `cause` is the failing stage's own error.
public enum Pipeline {}
