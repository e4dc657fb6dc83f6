// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Folio",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "folio", targets: ["folio"]),
        .library(name: "FolioHTTP", targets: ["FolioHTTP"]),
        .library(name: "FolioJSON", targets: ["FolioJSON"]),
        // For Benchmarks/ (the Markdown renderer's timing); not an API promise.
        .library(name: "FolioContent", targets: ["FolioContent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // System libraries (module maps only).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CBrotli", path: "Sources/CBrotli", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCmarkGFM", path: "Sources/CCmarkGFM",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // The few syscalls Glibc's Swift module does not export (epoll, eventfd, accept4).
        .target(name: "CFolioShim", path: "Sources/CFolioShim"),
        // TLS through OpenSSL (libssl-dev): server contexts, sessions, development certificates.
        .target(name: "CFolioTLS", path: "Sources/CFolioTLS",
                linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),

        // A SQLite VFS whose reads on an event loop do not wait for the disk (preadv2, RWF_NOWAIT).
        .target(name: "CFolioSQLiteNoWait", path: "Sources/CFolioSQLiteNoWait", linkerSettings: [.linkedLibrary("sqlite3")]),

        // Outgoing HTTP(S) for webhooks through libcurl (libcurl4-openssl-dev).
        .target(name: "CFolioCurl", path: "Sources/CFolioCurl", linkerSettings: [.linkedLibrary("curl")]),

        .target(name: "FolioJSON", swiftSettings: strict),
        // Release builds skip the runtime exclusivity checks in the event loop's module (each
        // connection is touched by one thread only); debug builds, which the tests use, keep them.
        .target(name: "FolioHTTP", dependencies: ["CFolioShim", "CFolioTLS", "FolioJSON"],
                swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "FolioContent", dependencies: ["FolioJSON", "CSQLite", "CCmarkGFM", "CZlib", "CDeflate", "COpenSSL", "CFolioSQLiteNoWait"], swiftSettings: strict),
        .target(
            name: "FolioAPI",
            dependencies: ["FolioHTTP", "FolioJSON", "FolioContent", "FolioWebhooks", "CZlib", "CDeflate", "COpenSSL", "CBrotli", "CZstd"],
            swiftSettings: strict
        ),
        // The content store on PostgreSQL (libpq), beside the embedded SQLite store.
        .target(name: "FolioPostgres", dependencies: ["FolioContent", "CLibPQ"], swiftSettings: strict),
        .target(name: "FolioWebhooks", dependencies: ["FolioContent", "CFolioCurl", "COpenSSL"], swiftSettings: strict),
        .executableTarget(
            name: "folio",
            dependencies: [
                "FolioAPI", "FolioContent", "FolioHTTP", "FolioJSON", "FolioWebhooks", "FolioPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            plugins: ["VersionStampPlugin"]
        ),
        // `folio --version` names the commit: the plugin runs VersionStamp, which reads .git
        // (or FOLIO_COMMIT) and writes BuildStamp.swift into the folio target.
        .executableTarget(name: "VersionStamp", path: "Sources/VersionStamp"),
        .plugin(name: "VersionStampPlugin", capability: .buildTool(), dependencies: ["VersionStamp"]),
        // An HTTPConnection driven without sockets, for its tests and its fuzzer.
        .target(name: "ConnectionSimulation", dependencies: ["FolioHTTP"], swiftSettings: strict),
        // libFuzzer entry point for the HTTP parser; see README "Development".
        .target(name: "FuzzReplay", swiftSettings: strict),
        .executableTarget(
            name: "FolioParserFuzzer",
            dependencies: ["FolioHTTP", "FuzzReplay"],
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
        ),

        // libFuzzer entry points for FolioJSON escaping and for query strings; see scripts/fuzz.
        .executableTarget(
            name: "FolioJSONFuzzer",
            dependencies: ["FolioJSON", "FuzzReplay"],
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "FolioSanitizerFuzzer",
            dependencies: ["FolioContent", "FuzzReplay"],
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "FolioConnectionFuzzer",
            dependencies: ["ConnectionSimulation", "FolioHTTP", "FuzzReplay"],
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "FolioQueryFuzzer",
            dependencies: ["FolioAPI", "FolioHTTP", "FuzzReplay"],
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
        ),

        .testTarget(name: "FolioJSONTests", dependencies: ["FolioJSON"]),
        .testTarget(name: "FolioHTTPTests", dependencies: ["FolioHTTP", "ConnectionSimulation"]),
        // A real PostgreSQL server for the tests that need one (started once per test process).
        .target(name: "FolioTestSupport", path: "Tests/FolioTestSupport"),
        .testTarget(name: "FolioContentTests", dependencies: ["FolioContent", "FolioPostgres", "FolioTestSupport", "CZlib", "FolioJSON"]),
        .testTarget(name: "FolioAPITests", dependencies: ["FolioAPI", "FolioContent", "FolioHTTP", "CZlib", "CBrotli", "CZstd"]),
        // A blocking TLS client (OpenSSL) for the end-to-end tests over HTTPS.
        .target(name: "CTLSTestClient", path: "Tests/CTLSTestClient",
                linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .testTarget(name: "FolioEndToEndTests", dependencies: ["folio", "CZlib", "CBrotli", "CZstd", "CTLSTestClient", "FolioTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
