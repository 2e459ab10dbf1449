// swift-tools-version: 6.1
// Arrears benchmarks: a package of its own so the main package's `swift test` stays fast.
//   swift package --scratch-path ../.build-bench benchmark          (package-benchmark suite)
//   swift run -c release --scratch-path ../.build-bench arrears-stages --accounts A --payments P
// See README.md.
import Foundation
import PackageDescription

// The main package is the parent folder; its identity is that folder's name (a clone may
// be named anything), so it is computed rather than written down.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

let arrears: [Target.Dependency] = ["PortfolioIO", "Features", "Models", "LinearAlgebra", "Scoring", "Training", "Pipeline", "Prioritizer"].map {
    .product(name: $0, package: mainPackage)
}

let package = Package(
    name: "ArrearsBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shared set-up: a portfolio on disk (generated once per size), features, labels.
        .target(name: "BenchmarkSupport", dependencies: arrears + [.product(name: "PortfolioGenerator", package: mainPackage)]),
        // The package-benchmark suite.
        .executableTarget(
            name: "ArrearsBenchmarks",
            dependencies: arrears + ["BenchmarkSupport", .product(name: "Benchmark", package: "package-benchmark")],
            path: "Benchmarks/ArrearsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Stage timings as JSON, for the peer comparison (peers/compare.sh).
        .executableTarget(name: "arrears-stages", dependencies: arrears + ["BenchmarkSupport"]),
    ]
)
