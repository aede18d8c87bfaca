import NIOCore
import NIOPosix
import RPCCore
import Testing

@testable import RPCTransportTCP

/// Timers and connection-level frames of the TCP transport: PING/PONG, keepalive,
/// idle connections, the drain grace period.
@Suite struct TCPConnectionLifecycleTests {
    @Test func serverAnswersPingAndClosesAfterTheClientsGoAway() async throws {
        let frames = try await withTCPToyServer { _, _, port in
            let bytes = try encodeFrames([
                .settings(ConnectionSettings()), .settingsAck, .ping(42),
                .goAway(GoAwayPayload(lastStreamID: 0, code: .noError, reason: "bye")),
            ])
            return try await rawExchange(port: port, sending: bytes)
        }
        #expect(frames.count == 3)
        guard frames.count == 3, case .settings = frames[0] else {
            Issue.record("unexpected frames \(frames)")
            return
        }
        #expect(frames[1] == .settingsAck)
        #expect(frames[2] == .pong(42))
    }

    @Test func idleConnectionIsClosedWithGoAway() async throws {
        var configuration = loopbackConfiguration
        configuration.idleTimeout = .milliseconds(100)
        let frames = try await withTCPToyServer(server: configuration) { _, _, port in
            try await rawExchange(
                port: port, sending: try encodeFrames([.settings(ConnectionSettings()), .settingsAck]))
        }
        guard case .goAway(let goAway)? = frames.last else {
            Issue.record("no GOAWAY in \(frames)")
            return
        }
        #expect(goAway.code == .idleTimeout)
    }

    @Test func keepaliveClosesAConnectionWhosePeerStoppedAnswering() async throws {
        try await withTimeLimit {
            let mute = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(MuteServerHandler())
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let port = try #require(mute.localAddress?.port)
            let transport = TCPClientTransport(
                configuration: .init(
                    host: "127.0.0.1", port: port, keepaliveInterval: .milliseconds(50),
                    keepaliveTimeout: .milliseconds(50)))
            let client = RPCClient(transport: transport)
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            #expect(error.code == .unavailable)
            transport.beginGracefulShutdown()
            try await mute.close()
        }
    }

    /// The server cancelling a call (CANCEL on its stream) ends it at the client at
    /// once, the response with the CANCEL's code and the request writer too.
    @Test(arguments: [(WireStatusCode.cancelled, RPCError.Code.cancelled), (.deadlineExceeded, .deadlineExceeded)])
    func aCancelFromTheServerEndsTheCallAtTheClient(wire: WireStatusCode, expected: RPCError.Code) async throws {
        try await withTimeLimit(seconds: 120) {
            let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(CancellingServerHandler(code: wire))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let port = try #require(server.localAddress?.port)
            let transport = TCPClientTransport(configuration: .init(host: "127.0.0.1", port: port))
            let client = RPCClient(transport: transport)
            let error = try await #require(throws: RPCError.self) {
                // Writes until the stream refuses more: must not hang once cancelled.
                try await client.clientStreaming(
                    descriptor: TCPToy.sum, serializer: TCPToy.encode, deserializer: TCPToy.decode
                ) { writer in
                    let chunk = String(repeating: "1", count: 1_000)
                    while true { try await writer.write(chunk) }
                }
            }
            #expect(error.code == expected)
            transport.beginGracefulShutdown()
            try await server.close()
        }
    }

    /// During a drain the server finishes the calls it accepted and refuses later
    /// HEADERS with trailers-only UNAVAILABLE, then closes.
    @Test func drainingServerRefusesNewStreamsAndFinishesOldOnes() async throws {
        let signals = TCPToy.Signals()
        try await withTimeLimit {
            let serverTransport = loopbackServer()
            let server = RPCServer(transport: serverTransport, router: TCPToy.router(signals: signals))
            let serving = Task { try await server.serve() }
            let port = try await serverTransport.listeningPort
            let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            let frames = try await raw.executeThenClose { inbound, outbound in
                var reader = FrameReader(inbound.makeAsyncIterator())
                let hold = HeadersPayload(method: TCPToy.hold.fullyQualifiedMethod)
                let echo = HeadersPayload(method: TCPToy.echo.fullyQualifiedMethod)
                try await outbound.write(
                    ByteBuffer(
                        bytes: try encodeFrames([
                            .settings(ConnectionSettings()), .settingsAck,
                            .headers(streamID: 1, hold, endStream: false),
                            .message(streamID: 1, ByteBuffer(string: "x"), endStream: true),
                        ])))
                await signals.started.cancelled()
                server.beginGracefulShutdown()
                var seen = try await reader.read { if case .goAway = $0 { true } else { false } }
                try await outbound.write(
                    ByteBuffer(
                        bytes: try encodeFrames([
                            .headers(streamID: 3, echo, endStream: false),
                            .message(streamID: 3, ByteBuffer(string: "y"), endStream: true),
                        ])))
                seen += try await reader.read { $0.type == .trailers && $0.streamID == 3 }
                signals.release.cancel(reason: .serverShutdown)
                seen += try await reader.read { $0.type == .trailers && $0.streamID == 1 }
                seen += try await reader.read { _ in false }  // until the server closes
                return seen
            }
            try await serving.value

            let goAways = frames.compactMap { if case .goAway(let goAway) = $0 { goAway } else { nil } }
            #expect(goAways == [GoAwayPayload(lastStreamID: 1, code: .noError, reason: goAways.first?.reason ?? "")])
            let trailers = frames.compactMap { if case .trailers(let id, let t) = $0 { (id, t.code) } else { nil } }
            #expect(trailers.map(\.0) == [3, 1])
            #expect(trailers.map(\.1) == [.unavailable, .ok])
            let messages = frames.compactMap { if case .message(1, let bytes, _, _) = $0 { bytes } else { nil } }
            #expect(messages == [ByteBuffer(string: "released x")])
        }
    }

    @Test func drainGracePeriodEndsCallsThatOutstayIt() async throws {
        let signals = TCPToy.Signals()
        var configuration = loopbackConfiguration
        configuration.drainGracePeriod = .milliseconds(100)
        try await withTimeLimit { [configuration] in
            let serverTransport = loopbackServer(configuration)
            let server = RPCServer(transport: serverTransport, router: TCPToy.router(signals: signals))
            let serving = Task { try await server.serve() }
            let port = try await serverTransport.listeningPort
            let transport = loopbackClient(port: port)
            let client = RPCClient(transport: transport)
            let call = Task {
                try await client.unary(
                    request: "x", descriptor: TCPToy.hold, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            await signals.started.cancelled()
            server.beginGracefulShutdown()
            // Never released: only the end of the grace period ends the call.
            let error = try await #require(throws: RPCError.self) { try await call.value }
            #expect(error.code == .unavailable)
            #expect(error.message == "The server shut down before the call ended.", "a status, not a bare close")
            try await serving.value
            transport.beginGracefulShutdown()
        }
    }
}

func encodeFrames(_ frames: [Frame]) throws -> [UInt8] {
    var buffer = ByteBuffer()
    for frame in frames { try FrameCodec.encode(frame, into: &buffer) }
    return Array(buffer.readableBytesView)
}

/// A server that completes the SETTINGS exchange and then never answers anything.
final class MuteServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        let bytes = (try? encodeFrames([.settings(ConnectionSettings()), .settingsAck])) ?? []
        context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Reads frames from a raw connection, as far as asked.
struct FrameReader {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var buffer = ByteBuffer()
    var decoder = FrameDecoder()

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.inbound = inbound
    }

    /// The frames up to and including the first one `stop` accepts, or up to the end
    /// of the connection.
    mutating func read(until stop: (Frame) -> Bool) async throws -> [Frame] {
        var frames: [Frame] = []
        while true {
            while let frame = try decoder.decodeFrame(buffer: &buffer) {
                frames.append(frame)
                if stop(frame) { return frames }
            }
            guard var chunk = try await inbound.next() else { return frames }
            buffer.writeBuffer(&chunk)
        }
    }
}

/// A server that completes the SETTINGS exchange and answers every call's HEADERS
/// with CANCEL(`code`): the server side cancelling a call.
final class CancellingServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let code: WireStatusCode
    var buffer = ByteBuffer()
    var decoder = FrameDecoder()

    init(code: WireStatusCode) { self.code = code }

    func channelActive(context: ChannelHandlerContext) {
        let bytes = (try? encodeFrames([.settings(ConnectionSettings()), .settingsAck])) ?? []
        context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = self.unwrapInboundIn(data)
        buffer.writeBuffer(&chunk)
        while let frame = try? decoder.decodeFrame(buffer: &buffer) {
            if case .headers(let id, _, _) = frame, let bytes = try? encodeFrames([.cancel(streamID: id, code: code)]) {
                context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
            }
        }
    }
}
