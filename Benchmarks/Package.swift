// swift-tools-version:6.1
// Benchmarks, side by side with the peers in one run. A package of its own so
// the main build and CI never build it. Run: swift run -c release Codec
import Foundation
import PackageDescription

/// The root package's identity is the name of the folder it is checked out in.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // Timing, medians and tables shared by every subject.
        .target(name: "BenchSupport", path: "Sources/BenchSupport"),
        // The codec subjects in our generated types, and their checksums.
        .target(
            name: "Subjects",
            dependencies: [.product(name: "ProtectionMessages", package: root)],
            path: "Sources/Subjects"),
        // Peer: swift-protobuf, its code generated from the same schema.
        .target(
            name: "SwiftProtobufPeer",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/SwiftProtobufPeer"),
        // Peer: protobuf-c, compiled at -O2 like the release build of our code.
        .systemLibrary(
            name: "CProtobufC", path: "Sources/CProtobufC", pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]),
        .target(
            name: "ProtobufCPeer", dependencies: ["CProtobufC"], path: "Sources/ProtobufCPeer",
            cSettings: [.unsafeFlags(["-O2"])]),
        .executableTarget(
            name: "Codec",
            dependencies: [
                "BenchSupport", "Subjects", "SwiftProtobufPeer", "ProtobufCPeer",
                .product(name: "ProtectionMessages", package: root),
                .product(name: "ProtoWire", package: root),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Sources/Codec"),
    ]
)
