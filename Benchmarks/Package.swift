// swift-tools-version:6.1
// Benchmarks, side by side with the peers in one run. A package of its own so
// the main build and CI never build it. Run: swift run -c release Codec
// (the codec), swift run -c release RPC (the RPC transport) and swift run -c
// release Policy (the policy core's decisions).
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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
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
        // Peer: grpc-swift-2 stubs generated from the same schema, on the swift-protobuf messages.
        .target(
            name: "GRPCPeer",
            dependencies: [
                "SwiftProtobufPeer",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Sources/GRPCPeer"),
        // The policy core's decisions.
        .executableTarget(
            name: "Policy",
            dependencies: [
                "BenchSupport", .product(name: "PolicyCore", package: root), .product(name: "DefaultRules", package: root),
                .product(name: "ProtectionMessages", package: root), .product(name: "ProtoWire", package: root),
            ],
            path: "Sources/Policy"),
        // The whole service: durable filings against single commits, the order check with a
        // million buyers indexed against an empty call.
        .executableTarget(
            name: "Server",
            dependencies: [
                "BenchSupport", .product(name: "ProtectionServer", package: root),
                .product(name: "ProtectionStore", package: root), .product(name: "PolicyCore", package: root),
                .product(name: "DefaultRules", package: root), .product(name: "ProtectionMessages", package: root),
                .product(name: "ProtectionServices", package: root), .product(name: "RPCCore", package: root),
                .product(name: "RPCTransportTCP", package: root), .product(name: "ProtoWire", package: root),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Server"),
        // Our TCP transport against grpc-swift-2 (HTTP/2) and a bare SwiftNIO echo server.
        .executableTarget(
            name: "RPC",
            dependencies: [
                "BenchSupport", "Subjects", "SwiftProtobufPeer", "GRPCPeer",
                .product(name: "ProtectionMessages", package: root),
                .product(name: "ProtectionServices", package: root),
                .product(name: "RPCCore", package: root),
                .product(name: "RPCTransportTCP", package: root),
                .product(name: "ProtoWire", package: root),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Sources/RPC"),
    ]
)
