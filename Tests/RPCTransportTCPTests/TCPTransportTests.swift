import Dispatch
import NIOCore
import NIOPosix
import RPCCore
import Testing

@testable import RPCTransportTCP

@Suite struct TCPTransportTests {
    @Test func unary() async throws {
        let response = try await withTCPToyServer { client, _, _ in
            try await client.unary(
                request: "hello", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
        }
        #expect(response.message == "hello")
    }

    @Test func requestMetadataAndPeerReachTheHandler() async throws {
        let response = try await withTCPToyServer { client, _, _ in
            try await client.unary(
                request: "", metadata: try Metadata([("x-trace", "t-1")]), descriptor: TCPToy.whoAmI,
                serializer: TCPToy.encode, deserializer: TCPToy.decode)
        }
        #expect(response.message.hasPrefix("ipv4:127.0.0.1:"))
        #expect(response.message.hasSuffix("|t-1"))
    }

    @Test func serverStreaming() async throws {
        let words = try await withTCPToyServer { client, _, _ in
            try await client.serverStreaming(
                request: "one two three", descriptor: TCPToy.expand, serializer: TCPToy.encode,
                deserializer: TCPToy.decode
            ) { response in try await response.messages.collect() }
        }
        #expect(words == ["one", "two", "three"])
    }

    @Test func clientStreaming() async throws {
        let response = try await withTCPToyServer { client, _, _ in
            try await client.clientStreaming(
                descriptor: TCPToy.sum, serializer: TCPToy.encode, deserializer: TCPToy.decode
            ) { writer in try await writer.write(contentsOf: (1...100).map(String.init)) }
        }
        #expect(response.message == "5050")
    }

    @Test func bidirectionalStreaming() async throws {
        let replies = try await withTCPToyServer { client, _, _ in
            try await client.bidirectionalStreaming(
                descriptor: TCPToy.shout, serializer: TCPToy.encode, deserializer: TCPToy.decode,
                requestProducer: { writer in
                    for word in ["a", "bc", "def"] { try await writer.write(word) }
                },
                onResponse: { response in try await response.messages.collect() })
        }
        #expect(replies == ["A", "BC", "DEF"])
    }

    /// Larger than a frame and than the initial window: split with MORE and paced by
    /// WINDOW_UPDATE both ways.
    @Test func largeMessagesCrossFramesAndWindows() async throws {
        let big = String(repeating: "0123456789abcdef", count: 20_000)  // 320,000 bytes
        let response = try await withTCPToyServer { client, _, _ in
            try await client.unary(
                request: big, descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
        }
        #expect(response.message == big)
    }

    /// Far more than the windows in both directions, over many messages: credit is
    /// returned as the reader consumes, and every byte arrives in order.
    @Test func streamsFarLargerThanTheWindowsFlowBothWays() async throws {
        let (flood, echoed) = try await withTCPToyServer { client, _, _ in
            let flood = try await client.serverStreaming(
                request: "200 20000", descriptor: TCPToy.flood, serializer: TCPToy.encode,
                deserializer: TCPToy.decode
            ) { response in try await response.messages.collect() }
            let words = (0..<100).map { String(repeating: String($0 % 10), count: 30_000) }
            let echoed = try await client.bidirectionalStreaming(
                descriptor: TCPToy.shout, serializer: TCPToy.encode, deserializer: TCPToy.decode,
                requestProducer: { writer in try await writer.write(contentsOf: words) },
                onResponse: { response in try await response.messages.collect() })
            return (flood, echoed == words)
        }
        #expect(flood.count == 200)
        #expect(flood.enumerated().allSatisfy { $1 == String(repeating: String($0 % 10), count: 20_000) })
        #expect(echoed)
    }

    @Test func manyConcurrentCallsShareTheConnection() async throws {
        let results = try await withTCPToyServer { client, _, _ in
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await client.unary(
                            request: "m\(index)", descriptor: TCPToy.echo, serializer: TCPToy.encode,
                            deserializer: TCPToy.decode
                        ).message
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
        }
        #expect(results == Set((0..<50).map { "m\($0)" }))
    }

    @Test func callsBeyondTheServersStreamLimitWaitForAFreeStream() async throws {
        var configuration = loopbackConfiguration
        configuration.connection.settings.maxConcurrentStreams = 2
        let results = try await withTCPToyServer(server: configuration) { client, _, _ in
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.unary(
                            request: "q\(index)", descriptor: TCPToy.echo, serializer: TCPToy.encode,
                            deserializer: TCPToy.decode
                        ).message
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
        }
        #expect(results == Set((0..<20).map { "q\($0)" }))
    }

    /// A writer blocked on flow control (the handler reads nothing) still ends at the deadline.
    @Test func writerWaitingForCreditEndsAtTheDeadline() async throws {
        let signals = TCPToy.Signals()
        let error = try await withTCPToyServer(router: TCPToy.router(signals: signals)) { client, _, _ in
            try await #require(throws: RPCError.self) {
                try await client.clientStreaming(
                    descriptor: TCPToy.stall, serializer: TCPToy.encode, deserializer: TCPToy.decode,
                    options: CallOptions(timeout: .milliseconds(200))
                ) { writer in
                    for _ in 0..<10 { try await writer.write(String(repeating: "z", count: 30_000)) }
                }
            }
        }
        #expect(error.code == .deadlineExceeded)
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let error = try await withTCPToyServer { client, _, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: TCPToy.missing, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
        }
        #expect(error.code == .unimplemented)
        #expect(error.message.contains("test.v1.TcpToy/Missing"))
    }

    @Test func handlerErrorReachesTheClientIntact() async throws {
        let error = try await withTCPToyServer { client, _, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: TCPToy.reject, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message == "missing evidence")
        #expect(error.details == [0x0A, 0x07] + Array("receipt".utf8))
        #expect(error.metadata.firstString(forKey: "x-field") == "receipt")
    }

    @Test func deadlineExceededCancelsTheHandler() async throws {
        let signals = TCPToy.Signals()
        let error = try await withTCPToyServer(router: TCPToy.router(signals: signals)) { client, _, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: TCPToy.slow, serializer: TCPToy.encode, deserializer: TCPToy.decode,
                    options: CallOptions(timeout: .milliseconds(100)))
            }
        }
        #expect(error.code == .deadlineExceeded)
        // The server has shut down, so a handler that started has been cancelled and returned.
        // (Under load the deadline may pass before the handler has read its request.)
        if signals.started.isCancelled { #expect(signals.reason != nil) }
    }

    /// Straight on the transport, with no client-side timer: the deadline travels in
    /// HEADERS and the server answers DEADLINE_EXCEEDED on its own.
    @Test func serverEnforcesTheDeadlineFromHeaders() async throws {
        let signals = TCPToy.Signals()
        let parts = try await withTCPToyServer(router: TCPToy.router(signals: signals)) { _, transport, _ in
            try await transport.withStream(
                descriptor: TCPToy.slow, options: CallOptions(timeout: .milliseconds(100))
            ) { stream in
                try await stream.outbound.write(.metadata(Metadata()))
                try await stream.outbound.write(.message(TCPToy.encode("x")))
                await stream.outbound.finish()
                return try await stream.inbound.collect()
            }
        }
        guard case .status(let status, _)? = parts.last else {
            Issue.record("no status in \(parts)")
            return
        }
        #expect(status.code == .deadlineExceeded)
        if signals.started.isCancelled { #expect(signals.reason == .deadlineExceeded) }
    }

    @Test func cancellingTheCallerCancelsTheHandler() async throws {
        let signals = TCPToy.Signals()
        try await withTCPToyServer(router: TCPToy.router(signals: signals)) { client, _, _ in
            let call = Task {
                try await client.unary(
                    request: "x", descriptor: TCPToy.slow, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            await signals.started.cancelled()
            call.cancel()
            let error = try await #require(throws: RPCError.self) { try await call.value }
            #expect(error.code == .cancelled)
            await signals.slowDone.cancelled()
        }
        #expect(signals.reason == .clientCancelled)
    }

    @Test func requestOverTheServersMessageLimitFailsLocally() async throws {
        var configuration = loopbackConfiguration
        configuration.connection.settings.maxMessageSize = 1_000
        let (error, after) = try await withTCPToyServer(server: configuration) { client, _, _ in
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: String(repeating: "x", count: 2_000), descriptor: TCPToy.echo,
                    serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            // The connection carries on.
            let after = try await client.unary(
                request: "small", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            return (error, after.message)
        }
        #expect(error.code == .resourceExhausted)
        #expect(after == "small")
    }

    @Test func responseOverTheClientsMessageLimitFailsTheCall() async throws {
        try await withTCPToyServer(clientTransport: { port in
            var connection = ConnectionStateMachine.Configuration()
            connection.settings.maxMessageSize = 1_000
            return TCPClientTransport(configuration: .init(host: "127.0.0.1", port: port, connection: connection))
        }) { client, _, _ in
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: String(repeating: "y", count: 2_000), descriptor: TCPToy.echo,
                    serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            #expect(error.code == .resourceExhausted, "\(error)")
            // A stream of messages fails at the first one too large; the connection carries on.
            let streamed = try await #require(throws: RPCError.self) {
                try await client.serverStreaming(
                    request: "3 2000", descriptor: TCPToy.flood, serializer: TCPToy.encode,
                    deserializer: TCPToy.decode
                ) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(streamed.code == .resourceExhausted)
            let after = try await client.unary(
                request: "small", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            #expect(after.message == "small")
        }
    }

    /// A handler whose blocking work runs on a thread pool and is awaited does not
    /// hold up the connection's event loop, where calls run: while it blocks,
    /// another call on the same connection is answered (were the loop blocked,
    /// that call could never finish and the gate would never open).
    @Test func blockingWorkAwaitedOffTheLoopLeavesItFree() async throws {
        let blocking = MethodDescriptor(service: TCPToy.service, method: "Blocking", kind: .unary)
        let gate = DispatchSemaphore(value: 0)
        let signals = TCPToy.Signals()
        var router = TCPToy.router()
        router.registerUnary(blocking, deserializer: TCPToy.decode, serializer: TCPToy.encode) { (text: String, _) -> String in
            try await NIOThreadPool.singleton.runIfActive {
                signals.started.cancel(reason: .serverShutdown)
                gate.wait()  // a database call, blocking its own thread
                return "slow \(text)"
            }
        }
        let answers = try await withTCPToyServer(router: router) { client, _, _ in
            async let slow = client.unary(request: "a", descriptor: blocking, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            await signals.started.cancelled()
            let quick = try await client.unary(request: "b", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            gate.signal()
            return [quick.message, try await slow.message]
        }
        #expect(answers == ["b", "slow a"])
    }

    @Test func malformedFrameClosesOnlyThatConnection() async throws {
        let (frames, response) = try await withTCPToyServer { client, _, port in
            let frames = try await rawExchange(port: port, sending: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))

            let response = try await client.unary(
                request: "still here", descriptor: TCPToy.echo, serializer: TCPToy.encode,
                deserializer: TCPToy.decode)
            return (frames, response.message)
        }
        guard case .settings? = frames.first else {
            Issue.record("the server's first frame is not SETTINGS: \(frames)")
            return
        }
        guard case .goAway(let goAway)? = frames.last else {
            Issue.record("no GOAWAY before the close: \(frames)")
            return
        }
        #expect(goAway.code == .protocolError)
        #expect(goAway.lastStreamID == 0)
        #expect(response == "still here")
    }

    @Test func silentPeerGetsSettingsTimeout() async throws {
        var configuration = loopbackConfiguration
        configuration.settingsTimeout = .milliseconds(100)
        let frames = try await withTCPToyServer(server: configuration) { _, _, port in
            try await rawExchange(port: port, sending: [])
        }
        guard case .settings? = frames.first, case .goAway(let goAway)? = frames.last else {
            Issue.record("expected SETTINGS ... GOAWAY, got \(frames)")
            return
        }
        #expect(goAway.code == .settingsTimeout)
    }

    @Test func gracefulShutdownFinishesTheCallInFlight() async throws {
        let signals = TCPToy.Signals()
        try await withTimeLimit {
            let serverTransport = loopbackServer()
            let server = RPCServer(transport: serverTransport, router: TCPToy.router(signals: signals))
            let serving = Task { try await server.serve() }
            let port = try await serverTransport.listeningPort
            let client = RPCClient(transport: loopbackClient(port: port))
            let connections = Task { try await client.runConnections() }

            let call = Task {
                try await client.unary(
                    request: "x", descriptor: TCPToy.hold, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            await signals.started.cancelled()
            server.beginGracefulShutdown()
            signals.release.cancel(reason: .serverShutdown)
            #expect(try await call.value.message == "released x")
            // Every call has finished, so serving ends; new calls find no server.
            try await serving.value
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "y", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            }
            #expect(error.code == .unavailable)
            client.beginGracefulShutdown()
            try await connections.value
        }
    }
}

/// Connects a plain socket, writes `bytes`, reads until the server closes, and
/// returns the frames it sent.
func rawExchange(port: Int, sending bytes: [UInt8]) async throws -> [Frame] {
    try await rawExchange(port: port, chunks: bytes.isEmpty ? [] : [bytes], pause: .zero)
}

/// Connects a plain socket, writes `chunks` one at a time, `pause` apart, reads until
/// the server closes, and returns the frames it sent.
func rawExchange(port: Int, chunks: [[UInt8]], pause: Duration = .milliseconds(100)) async throws -> [Frame] {
    let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    var received = try await raw.executeThenClose { inbound, outbound in
        do {
            for chunk in chunks {
                try await outbound.write(ByteBuffer(bytes: chunk))
                if pause > .zero { try await Task.sleep(for: pause) }
            }
        } catch let error as ChannelError where error == .ioOnClosedChannel {
            // The server closed first (an idle timeout on a busy machine, say): what it
            // sent before closing is still read below.
        } catch let error as IOError where [EPIPE, ECONNRESET].contains(error.errnoCode) {
            // The same, seen by the socket.
        }
        var all = ByteBuffer()
        do {
            for try await var chunk in inbound { all.writeBuffer(&chunk) }
        } catch {
            // A reset after the GOAWAY still ends the connection.
        }
        return all
    }
    var decoder = FrameDecoder()
    var frames: [Frame] = []
    while let frame = try decoder.decodeFrame(buffer: &received) { frames.append(frame) }
    return frames
}
