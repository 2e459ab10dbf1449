// swift-tools-version: 6.0
// Arrears — delinquency scoring for debt collections.
// Layout (arrows point to users):
//   ArrearsCore (the error protocol) → LinearAlgebra, PortfolioIO
//   CLinearAlgebra → LinearAlgebra → Models;  CScan (C: AVX2 scanning, SHA-NI) → PortfolioIO
//   PortfolioIO → Features → Scoring → Training;  Models → Scoring
//   PortfolioIO → Prioritizer;  Models → Report;  Prioritizer → Ledger (GRDB/SQLite)
//   Scoring, Training, Prioritizer, Report → Pipeline (the library entry points, DESIGN §14)
//   Pipeline, PortfolioGenerator → Benchmarking;  Pipeline, Benchmarking, PortfolioGenerator, Ledger → ArrearsCLI → arrears
//   Pipeline, Ledger → Service (Hummingbird) → ArrearsCLI
import PackageDescription

let package = Package(
    name: "Arrears",
    products: [
        .executable(name: "arrears", targets: ["arrears"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "PortfolioIO", targets: ["PortfolioIO"]),
        .library(name: "PortfolioGenerator", targets: ["PortfolioGenerator"]),
        .library(name: "Features", targets: ["Features"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Prioritizer", targets: ["Prioritizer"]),
        .library(name: "Scoring", targets: ["Scoring"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Service", targets: ["Service"]),
        .library(name: "ArrearsCLI", targets: ["ArrearsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The error shape every module shares (DESIGN §14).
        .target(name: "ArrearsCore"),
        // C interface: CBLAS + LAPACKE from Debian's libopenblas-dev and liblapacke-dev.
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // Row-major matrices and thin wrappers over BLAS/LAPACK.
        .target(name: "LinearAlgebra", dependencies: ["ArrearsCore", "CLinearAlgebra"]),
        // C kernels of the CSV reader: AVX2 structural-byte bitmaps and SHA-NI SHA-256,
        // each chosen at run time with a portable path (DESIGN §9).
        .target(name: "CScan"),
        // RFC 4180 CSV reading/writing and the portfolio schema (DESIGN §2, §7).
        .target(name: "PortfolioIO", dependencies: ["ArrearsCore", "CScan"]),
        // Synthetic portfolios with a known ground truth (`arrears generate`).
        .target(name: "PortfolioGenerator", dependencies: ["PortfolioIO"]),
        // Payment histories → feature vectors (DESIGN §3).
        .target(name: "Features", dependencies: ["PortfolioIO"]),
        // Logistic regression, Cox proportional hazards, metrics (DESIGN §4).
        .target(name: "Models", dependencies: ["ArrearsCore", "LinearAlgebra"]),
        // The daily worklist: classes, compliance holds, policy file (DESIGN §6).
        .target(
            name: "Prioritizer",
            dependencies: ["PortfolioIO", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The model artifact, batch scoring and its outputs (DESIGN §4–§5).
        .target(name: "Scoring", dependencies: ["PortfolioIO", "Features", "Models", "LinearAlgebra", "CScoringKernel"]),
        // The scoring kernel's AVX2 block loop, chosen at run time (C: per-function target attributes).
        .target(name: "CScoringKernel"),
        // Fitting the feature spec and both models into an artifact (`arrears train`).
        .target(name: "Training", dependencies: ["PortfolioIO", "Features", "Models", "LinearAlgebra", "Scoring"]),
        // The self-contained HTML model report with inline SVG charts (`arrears report`).
        .target(name: "Report", dependencies: ["Models"]),
        // One entry per job — read, score, rank, train, evaluate, report — for the CLI,
        // the benchmarks and the service (DESIGN §14).
        .target(name: "Pipeline",
                dependencies: ["PortfolioIO", "Features", "Models", "LinearAlgebra", "Scoring", "Training", "Prioritizer", "Report"]),
        // The `arrears bench` harness: stage timings and the memory-bandwidth bound.
        .target(name: "Benchmarking", dependencies: ["Pipeline", "PortfolioGenerator"]),
        // The contact ledger: one SQLite file (GRDB, WAL) of contacts, promises and rank runs (DESIGN §12).
        .target(
            name: "Ledger",
            dependencies: ["PortfolioIO", "Prioritizer", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // `arrears serve`: the scoring API and the collectors' web page (Hummingbird, DESIGN §13).
        .target(
            name: "Service",
            dependencies: ["PortfolioIO", "Features", "Prioritizer", "Scoring", "Pipeline", "Ledger",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Mustache", package: "swift-mustache"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The commands, as a library so they can be tested in-process.
        .target(
            name: "ArrearsCLI",
            dependencies: [
                "PortfolioIO", "PortfolioGenerator", "Features", "Models", "Prioritizer", "Scoring", "Training",
                "Report", "Pipeline", "Benchmarking", "Ledger", "Service",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "arrears", dependencies: ["ArrearsCLI"]),

        .target(name: "_TestSupport", path: "Tests/_TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "_TestSupport"]),
        .testTarget(name: "PortfolioIOTests", dependencies: ["PortfolioIO", "_TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "PortfolioGeneratorTests", dependencies: ["PortfolioGenerator", "PortfolioIO", "_TestSupport"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "PortfolioIO", "_TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "LinearAlgebra", "_TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "PrioritizerTests", dependencies: ["Prioritizer", "PortfolioIO", "_TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Prioritizer", "PortfolioIO", "PortfolioGenerator", "_TestSupport",
                                                   .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Training", "PortfolioIO", "PortfolioGenerator", "Features", "Models",
                                                         "LinearAlgebra", "_TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "Pipeline", "Ledger", "PortfolioIO", "_TestSupport",
                                                         .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Models", "LinearAlgebra", "_TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "PortfolioIO", "Scoring", "Training", "Prioritizer",
                                                          "LinearAlgebra", "PortfolioGenerator", "_TestSupport"]),
        .testTarget(name: "ArrearsCLITests", dependencies: ["ArrearsCLI", "Scoring", "Training", "Benchmarking", "PortfolioIO", "_TestSupport"]),
        // The bad-input corpus (DESIGN §7): one small file per case, through every reader.
        .testTarget(name: "BadInputTests", dependencies: ["ArrearsCLI", "PortfolioIO", "Features", "Scoring", "Training", "_TestSupport"],
                    resources: [.copy("Corpus")]),
    ]
)
