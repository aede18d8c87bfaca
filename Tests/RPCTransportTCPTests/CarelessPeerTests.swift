import MetricsTestKit
import NIOCore
import NIOPosix
import RPCCore
import RPCFrames
import Testing

@testable import RPCTransportTCP

/// What careless and hostile peers get: a SETTINGS never acknowledged, statuses
/// too long for one TRAILERS frame.
@Suite struct CarelessPeerTests {
    @Test func aClientThatNeverAcknowledgesOurSettingsGetsSettingsTimeout() async throws {
        var configuration = loopbackConfiguration
        // Long enough for the client's SETTINGS to arrive on a busy machine: the timeout
        // that fires must be the one waiting for the ACK.
        configuration.settingsTimeout = .milliseconds(1_500)
        let frames = try await withTCPToyServer(server: configuration) { _, _, port in
            // Its own SETTINGS, then nothing: the server's SETTINGS is never acknowledged.
            try await rawExchange(port: port, sending: try encodeFrames([.settings(ConnectionSettings())]))
        }
        guard case .goAway(let goAway)? = frames.last else {
            Issue.record("no GOAWAY in \(frames)")
            return
        }
        #expect(goAway.code == .settingsTimeout)
        #expect(frames.contains(.settingsAck), "the server acknowledged the client's SETTINGS")
    }

    @Test func trailersThatFitAreUnchangedAndOthersAreCutKeepingTheCode() {
        let small = TrailersPayload(code: .notFound, message: "No such thing.", details: [1, 2, 3])
        #expect(small.fitting(maxPayloadLength: 16_384) == small)
        let long = TrailersPayload(
            code: .invalidArgument, message: String(repeating: "é", count: 20_000), details: [9, 9],
            metadata: [("k", .string("v"))])
        let cut = long.fitting(maxPayloadLength: 16_384)
        #expect(cut.code == .invalidArgument && cut.details == [9, 9] && cut.metadata == long.metadata)
        #expect(cut.message.hasSuffix("…") && cut.message.hasPrefix("éé"))
        #expect(FrameCodec.payloadLength(of: .trailers(streamID: 1, cut)) <= 16_384)
        // Details too large to keep: dropped with the metadata; the code and a cut message stay.
        let huge = TrailersPayload(code: .internalError, message: "boom", details: Array(repeating: 7, count: 20_000))
        let dropped = huge.fitting(maxPayloadLength: 16_384)
        #expect(dropped.code == .internalError && dropped.details.isEmpty && dropped.message == "boom")
    }

    @Test func aStatusQuotingAHugeValueArrivesCutNotAsCancel() async throws {
        var router = TCPToy.router()
        let quoting = MethodDescriptor(service: TCPToy.service, method: "Quote", kind: .unary)
        router.registerUnary(quoting, deserializer: TCPToy.decode, serializer: TCPToy.encode) { (text: String, _) -> String in
            throw RPCError(code: .invalidArgument, message: "The value '\(text)' is not valid.")
        }
        try await withTCPToyServer(router: router) { client, _, _ in
            let huge = String(repeating: "x", count: 16_000)
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(request: huge, descriptor: quoting, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix("The value 'xxx") && error.message.hasSuffix("…"))
            #expect(error.message.utf8.count <= Status.maxMessageBytes)
            // An unknown method with a 15 KB name: UNIMPLEMENTED, its name cut.
            let long = MethodDescriptor(service: TCPToy.service, method: String(repeating: "M", count: 15_000), kind: .unary)
            let unknown = try await #require(throws: RPCError.self) {
                try await client.unary(request: "x", descriptor: long, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            #expect(unknown.code == .unimplemented && unknown.message.utf8.count <= Status.maxMessageBytes)
            // The connection is fine afterwards.
            let echoed = try await client.unary(
                request: "still here", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            #expect(echoed.message == "still here")
        }
    }

    @Test func aFrameThatStallsHalfwayClosesTheConnectionAfterTheReadTimeout() async throws {
        var configuration = loopbackConfiguration
        configuration.frameReadTimeout = .milliseconds(200)
        let frames = try await withTCPToyServer(server: configuration) { _, _, port in
            // SETTINGS and its ACK, then half of a PING's header, then nothing.
            let handshake = try encodeFrames([.settings(ConnectionSettings()), .settingsAck])
            let ping = try encodeFrames([.ping(7)])
            return try await rawExchange(port: port, sending: handshake + ping.prefix(6))
        }
        guard case .goAway(let goAway)? = frames.last else {
            Issue.record("no GOAWAY in \(frames)")
            return
        }
        #expect(goAway.code == .protocolError && goAway.reason.contains("a frame stalled"), "\(goAway)")
    }

    @Test func frameBoundariesFollowTheHeadersLengths() throws {
        var boundaries = FrameBoundaries()
        let bytes = try encodeFrames([.ping(1), .settings(ConnectionSettings()), .ping(2)])
        #expect(boundaries.atBoundary)
        var fed = 0
        var stops: [Int] = []
        for byte in bytes {
            boundaries.consume(ByteBuffer(bytes: [byte]).readableBytesView)
            fed += 1
            if boundaries.atBoundary { stops.append(fed) }
        }
        let ping = FrameHeader.size + 8
        let settings = FrameHeader.size + FrameCodec.payloadLength(of: .settings(ConnectionSettings()))
        #expect(stops == [ping, ping + settings, 2 * ping + settings])
        var whole = FrameBoundaries()
        whole.consume(ByteBuffer(bytes: bytes).readableBytesView)
        #expect(whole.atBoundary)
        whole.consume(ByteBuffer(bytes: bytes.prefix(13)).readableBytesView)
        #expect(!whole.atBoundary)
    }

    @Test func connectionsOverTheCapAreRefusedWithGoAwayAndCounted() async throws {
        let metrics = TestMetrics()
        var configuration = loopbackConfiguration
        configuration.maxConnections = 2
        let transport = TCPServerTransport(configuration: configuration, metricsFactory: metrics)
        let server = RPCServer(transport: transport, router: TCPToy.router())
        try await withTimeLimit {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                defer { server.beginGracefulShutdown() }
                let port = try await transport.listeningPort
                let handshake = try encodeFrames([.settings(ConnectionSettings()), .settingsAck])
                // Two connections that stay open (each answered with SETTINGS) while a third tries.
                let refused = try await openConnection(port: port).executeThenClose { in1, out1 in
                    try await out1.write(ByteBuffer(bytes: handshake))
                    var first = in1.makeAsyncIterator()
                    _ = try await first.next()
                    return try await openConnection(port: port).executeThenClose { in2, out2 in
                        try await out2.write(ByteBuffer(bytes: handshake))
                        var second = in2.makeAsyncIterator()
                        _ = try await second.next()
                        return try await rawExchange(port: port, sending: handshake)
                    }
                }
                #expect(refused.count == 2, "\(refused)")
                guard case .settings? = refused.first, case .goAway(let goAway)? = refused.last else {
                    Issue.record("not SETTINGS, GOAWAY: \(refused)")
                    return
                }
                #expect(goAway.code == .enhanceYourCalm && goAway.lastStreamID == 0 && goAway.reason.contains("too many connections"))
                #expect(try metrics.expectCounter("rpc_tcp_connections_refused_total").totalValue == 1)
            }
        }
    }
}

/// A raw TCP connection to `port`.
func openConnection(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
}
