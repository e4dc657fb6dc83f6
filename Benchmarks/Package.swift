// swift-tools-version:6.2
// Benchmark peers and harnesses for issue 7. A separate package: nothing here is linked into the
// product. Build with `swift build -c release` in this folder (Benchmarks/run-peers.sh does).
import PackageDescription

// A path dependency's identity is its folder's name (the worktree's name varies: main, wt-bench…).
let rootIdentity = Context.packageDirectory.split(separator: "/").dropLast().last.map { String($0).lowercased() } ?? "folio"

let package = Package(
    name: "FolioBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor", exact: "4.122.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio", exact: "1.5.0"),
        .package(path: ".."),
    ],
    targets: [
        // Codable models, the in-memory store and the queries shared by both framework peers.
        .target(name: "PeerModel"),
        // SQLite for the Hummingbird peer's write route (issue 13), called directly as a Swift user
        // without an ORM would.
        .systemLibrary(name: "CSQLitePeer", path: "Sources/CSQLitePeer"),
        .executableTarget(
            name: "PeerHummingbird",
            dependencies: ["PeerModel", "CSQLitePeer", .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "CompressNIO", package: "compress-nio")]
        ),
        .executableTarget(
            name: "PeerVapor",
            dependencies: ["PeerModel", .product(name: "Vapor", package: "vapor")]
        ),
        // Markdown render time per article over a generated corpus (issue 16).
        .executableTarget(
            name: "MarkdownBench",
            dependencies: [.product(name: "FolioContent", package: rootIdentity)]
        ),
        .executableTarget(
            name: "JSONBench",
            dependencies: [.product(name: "FolioJSON", package: rootIdentity), "PeerModel"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
