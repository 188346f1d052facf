// swift-tools-version:6.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 mode plus the upcoming features Hummingbird 2 turns on.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "StreetWatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "streetwatch", targets: ["streetwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // NIOHTTPTypes only: the request and response parts a ReviewWeb channel handler sees.
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev", "pkg-config"])]
        ),
        .target(name: "Detector", swiftSettings: swiftSettings),
        .target(name: "FrameIngest", dependencies: ["CFFmpeg", "Detector"], swiftSettings: swiftSettings),
        .target(
            name: "Pipeline",
            dependencies: [
                "Detector", "FrameIngest",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // Only the bcrypt C code and its Swift wrapper; no web framework comes with it.
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                // NIOThreadPool: bcrypt runs there, off the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
                // The shared store for many groups on many hosts; SQLite (GRDB) stays the one-box default.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ReviewWeb",
            dependencies: [
                "Pipeline", "Detector",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "streetwatch",
            dependencies: [
                "FrameIngest", "Detector", "Pipeline", "ReviewWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Server processes, command runner and paths shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        // Seeded drafts and accounts shared by the review tests.
        .target(name: "ReviewFixtures", dependencies: ["Pipeline", "Detector"], path: "Tests/ReviewFixtures",
                swiftSettings: swiftSettings),
        .testTarget(name: "DetectorTests", dependencies: ["Detector", "FrameIngest"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Detector", "FrameIngest", "TestSupport", "ReviewFixtures",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReviewWebTests",
            dependencies: ["ReviewWeb", "Pipeline", "ReviewFixtures", "TestSupport",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FrameIngestTests",
            dependencies: ["FrameIngest", "Detector", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)
