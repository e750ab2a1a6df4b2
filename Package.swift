// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "vmaggregator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aggregator", targets: ["aggregator"]),
        .executable(name: "ovirt-sim", targets: ["ovirt-sim"]),
        .executable(name: "pve-sim", targets: ["pve-sim"]),
        .library(name: "AggregatorCore", targets: ["AggregatorCore"]),
        .library(name: "AggregatorTesting", targets: ["AggregatorTesting"]),
        .library(name: "OvirtSimulator", targets: ["OvirtSimulator"]),
        .library(name: "ProxmoxSimulator", targets: ["ProxmoxSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            path: "Sources/CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),

        // Domain model, backend protocol, registry, fan-out, configuration.
        .target(
            name: "AggregatorCore",
            dependencies: [
                "CYAML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // HTTP client for engines, over libcurl.
        .target(
            name: "EngineHTTP",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "CCurl",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // What every backend kind shares: login single-flight, endpoints, error mapping, options, CA fetch.
        .target(
            name: "BackendSupport",
            dependencies: [
                "AggregatorCore",
                "EngineHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Backends/Support",
            swiftSettings: swiftSettings
        ),

        // oVirt / RED Virtualization backend.
        .target(
            name: "OvirtBackend",
            dependencies: [
                "AggregatorCore",
                "BackendSupport",
                "EngineHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Backends/Ovirt",
            swiftSettings: swiftSettings
        ),

        // Proxmox VE backend.
        .target(
            name: "ProxmoxBackend",
            dependencies: [
                "AggregatorCore",
                "BackendSupport",
                "EngineHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Backends/Proxmox",
            swiftSettings: swiftSettings
        ),

        // VMware vSphere backend (vim25 SOAP; checked against VMware's own simulator, vcsim).
        .target(
            name: "VSphereBackend",
            dependencies: [
                "AggregatorCore",
                "BackendSupport",
                "EngineHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Backends/VSphere",
            swiftSettings: swiftSettings
        ),

        // Runs VMware's vCenter simulator (vcsim, built by scripts/vcsim.sh) as a child process, for the
        // demo and the vsphere kind's tests. Shares nothing with the backend it checks.
        .target(
            name: "VCSimLauncher",
            path: "Sources/Simulators/VCSimLauncher",
            swiftSettings: swiftSettings
        ),

        // Test support shared by the test targets and by anyone writing a backend kind: the
        // backend contract every kind runs against its simulator, a log recorder, a loopback server.
        .target(
            name: "AggregatorTesting",
            dependencies: [
                "AggregatorCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // What the two engine simulators share: lifecycle, command line, TLS, clock, faults, admin errors.
        .target(
            name: "SimulatorSupport",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Simulators/Support",
            swiftSettings: swiftSettings
        ),

        // oVirt engine simulator (shares no code with the backend it checks).
        .target(
            name: "OvirtSimulator",
            dependencies: [
                "SimulatorSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Simulators/Ovirt",
            swiftSettings: swiftSettings
        ),

        // Proxmox VE API simulator (shares no code with any client it checks).
        .target(
            name: "ProxmoxSimulator",
            dependencies: [
                "SimulatorSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Simulators/Proxmox",
            swiftSettings: swiftSettings
        ),

        // Durable job store on the system SQLite.
        .target(
            name: "SQLiteJobStore",
            dependencies: [
                "AggregatorCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Sources/JobStores/SQLite",
            swiftSettings: swiftSettings
        ),

        // Job store on PostgreSQL, shared by replicas: leases, LISTEN/NOTIFY, migrations under an advisory lock.
        .target(
            name: "PostgresJobStore",
            dependencies: [
                "AggregatorCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/JobStores/Postgres",
            swiftSettings: swiftSettings
        ),

        // The web face: page shells (Mustache templates) and the script and style sheet they load,
        // all compiled into the binary (embedInCode: nothing to install beside it).
        .target(
            name: "WebUI",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [
                .embedInCode("Templates/layout.mustache"), .embedInCode("Templates/jobs_head.mustache"),
                .embedInCode("Templates/overview.mustache"), .embedInCode("Templates/inventory.mustache"),
                .embedInCode("Templates/create.mustache"), .embedInCode("Templates/jobs.mustache"),
                .embedInCode("Templates/job.mustache"), .embedInCode("Templates/vm.mustache"),
                .embedInCode("Assets/core.js"), .embedInCode("Assets/overview.js"), .embedInCode("Assets/inventory.js"),
                .embedInCode("Assets/create.js"), .embedInCode("Assets/jobs.js"), .embedInCode("Assets/operations.js"),
                .embedInCode("Assets/vm.js"), .embedInCode("Assets/main.js"),
                .embedInCode("Assets/app.css"),
            ],
            swiftSettings: swiftSettings
        ),

        // HTTP API.
        .target(
            name: "Server",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "AggregatorCore",
                "WebUI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            resources: [.embedInCode("OpenAPI/openapi.json")],
            swiftSettings: swiftSettings
        ),

        // The composition root: the whole application built from a configuration, shared by the
        // commands and the tests.
        .target(
            name: "AggregatorApp",
            dependencies: [
                "AggregatorCore",
                "PostgresJobStore",
                "Server",
                "SQLiteJobStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Executables.
        .executableTarget(
            name: "aggregator",
            dependencies: [
                "AggregatorApp",
                "AggregatorCore",
                "EngineHTTP",
                "OvirtBackend",
                "OvirtSimulator",
                "ProxmoxBackend",
                "ProxmoxSimulator",
                "Server",
                "SQLiteJobStore",
                "VCSimLauncher",
                "VSphereBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ovirt-sim",
            dependencies: [
                "OvirtSimulator",
                "SimulatorSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "pve-sim",
            dependencies: [
                "ProxmoxSimulator",
                "SimulatorSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Fuzzing: what each target checks (shared with the test suite's bounded run), and one
        // libFuzzer executable per target (scripts/fuzz.sh builds them with -sanitize=fuzzer).
        .target(
            name: "FuzzTargets",
            dependencies: ["AggregatorCore", "Server"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzTargets"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzUploadDecoder", dependencies: ["FuzzTargets"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzMultipart", dependencies: ["FuzzTargets"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzTargets"], swiftSettings: swiftSettings),

        // Benchmarks that print a table (benchmarks/results.md has the commands and results).
        .executableTarget(
            name: "JSONParserBench",
            dependencies: ["AggregatorCore"],
            path: "benchmarks/JSONParserBench",
            swiftSettings: swiftSettings
        ),

        // Tests.
        .testTarget(
            name: "AggregatorCoreTests",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),"AggregatorCore", "AggregatorTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EngineHTTPTests",
            dependencies: [
                "CCurl",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                "EngineHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OvirtBackendTests",
            dependencies: [
                "AggregatorTesting",
                "BackendSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                "OvirtBackend",
                "AggregatorCore",
                "EngineHTTP",
                "OvirtSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/BackendsTests/OvirtTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackendSupportTests",
            dependencies: [
                "AggregatorCore",
                "BackendSupport",
                "EngineHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/BackendsTests/SupportTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProxmoxBackendTests",
            dependencies: [
                "AggregatorTesting",
                "BackendSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "ProxmoxBackend",
                "AggregatorCore",
                "EngineHTTP",
                "ProxmoxSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/BackendsTests/ProxmoxTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VSphereBackendTests",
            dependencies: [
                "AggregatorCore",
                "AggregatorTesting",
                "BackendSupport",
                "EngineHTTP",
                "VCSimLauncher",
                "VSphereBackend",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/BackendsTests/VSphereTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OvirtSimulatorTests",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "OvirtSimulator",
                "SimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/SimulatorsTests/OvirtTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProxmoxSimulatorTests",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "ProxmoxSimulator",
                "SimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/SimulatorsTests/ProxmoxTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorSupportTests",
            dependencies: [
                "SimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/SimulatorsTests/SupportTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "AggregatorTesting",
                .product(name: "Logging", package: "swift-log"),
                "Server",
                "WebUI",
                "FuzzTargets",
                "AggregatorCore",
                "SQLiteJobStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebUITests",
            dependencies: [
                "WebUI",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AggregatorAppTests",
            dependencies: [
                "AggregatorApp",
                "AggregatorTesting",
                "AggregatorCore",
                "EngineHTTP",
                "PostgresJobStore",
                "SQLiteJobStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresJobStoreTests",
            dependencies: [
                "AggregatorApp", "PostgresJobStore", "SQLiteJobStore", "AggregatorCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/JobStoresTests/PostgresTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SQLiteJobStoreTests",
            dependencies: [
                "SQLiteJobStore", "AggregatorCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/JobStoresTests/SQLiteTests",
            swiftSettings: swiftSettings
        ),
    ]
)
