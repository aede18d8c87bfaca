import NIOCore
import NIOPosix
import RPCCore
import Synchronization

/// Opens calls to one server over TCP with the framed protocol of `docs/PROTOCOL.md`.
///
/// One connection carries every call, one stream each. It is opened by ``connect()``
/// or by the first call, after the SETTINGS exchange; when it closes or the server
/// sends GOAWAY, the next call opens a new one. TRAILERS become the call's status;
/// a request message over the server's limit fails the call with RESOURCE_EXHAUSTED;
/// a caller that leaves a call early (its task cancelled, its deadline passed) has
/// the stream cancelled with CANCEL.
public final class TCPClientTransport: ClientTransport {
    public struct Configuration: Sendable {
        /// The server's host.
        public var host: String
        /// The server's port.
        public var port: Int
        /// What the connection announces in SETTINGS and enforces.
        public var connection: ConnectionStateMachine.Configuration
        /// How long connecting may take (TCP).
        public var connectTimeout: TimeAmount
        /// How long the server may take to send SETTINGS and acknowledge ours.
        public var settingsTimeout: TimeAmount
        /// A PING is sent after this long without receiving any frame; nil: never.
        public var keepaliveInterval: TimeAmount?
        /// The connection is closed (its calls fail with UNAVAILABLE) when a PONG takes longer.
        public var keepaliveTimeout: TimeAmount

        public init(
            host: String = "127.0.0.1", port: Int = 7878,
            connection: ConnectionStateMachine.Configuration = ConnectionStateMachine.Configuration(),
            connectTimeout: TimeAmount = .seconds(10), settingsTimeout: TimeAmount = .seconds(10),
            keepaliveInterval: TimeAmount? = .seconds(30), keepaliveTimeout: TimeAmount = .seconds(10)
        ) {
            self.host = host
            self.port = port
            self.connection = connection
            self.connectTimeout = connectTimeout
            self.settingsTimeout = settingsTimeout
            self.keepaliveInterval = keepaliveInterval
            self.keepaliveTimeout = keepaliveTimeout
        }
    }

    struct Connection: Sendable {
        var channel: any Channel
        var handler: HandlerRef
        var flags: ConnectionFlags
        var ready: EventLoopFuture<Void>
    }

    private enum Phase {
        case idle
        case connecting(EventLoopFuture<Connection>)
        case ready(Connection)
        case shutDown
    }

    private struct State {
        var phase = Phase.idle
        /// A connection still in its SETTINGS exchange, closed if shutdown begins meanwhile.
        var handshaking: (any Channel)?
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let shutdown = ServerContext.Cancellation()
    /// The connection open when shutdown began, to wait for.
    private let lastConnection = Mutex<Connection?>(nil)

    /// A transport for the server at `configuration`'s address, on `group` (by default
    /// the shared singleton loop group).
    public init(
        configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
    }

    /// Connects (failures are left for calls to report), then returns once
    /// ``beginGracefulShutdown()`` has been called and the connection has drained.
    public func connect() async throws {
        _ = try? await self.connection()
        await shutdown.cancelled()
        if let connection = lastConnection.withLock({ $0 }) {
            try? await connection.channel.closeFuture.get()
        }
    }

    public func beginGracefulShutdown() {
        let (current, handshaking) = state.withLock { state -> (Connection?, (any Channel)?) in
            defer {
                state.phase = .shutDown
                state.handshaking = nil
            }
            if case .ready(let connection) = state.phase { return (connection, state.handshaking) }
            return (nil, state.handshaking)
        }
        lastConnection.withLock { $0 = current }
        handshaking?.close(promise: nil)
        current?.handler.execute { $0.drain() }
        shutdown.cancel(reason: .serverShutdown)
    }

    public func withStream<Result: Sendable>(
        descriptor: MethodDescriptor, options: CallOptions, _ body: (RPCClientStream) async throws -> Result
    ) async throws -> Result {
        let deadline = Deadline.forCall(options)
        let connection = try await self.connection()
        let handler = connection.handler
        let call = ClientCall(method: descriptor.fullyQualifiedMethod, deadline: deadline, handler: handler)
        let stream = RPCClientStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(next: { try await call.inbox.next() }),
            outbound: RPCWriter(
                write: { part in
                    if try await handler.submit({ $0.clientWrite(part, call: call) }) { try await call.gate.wait() }
                },
                finish: { error in
                    let failed = error != nil
                    handler.execute { $0.clientFinish(call: call, failed: failed) }
                }))
        defer {
            let deadlinePassed = deadline?.hasPassed ?? false
            handler.execute { $0.endClientCall(call, deadlinePassed: deadlinePassed) }
        }
        return try await body(stream)
    }

    /// The ready connection, opening one if there is none (or it is closing).
    func connection() async throws -> Connection {
        let future = try state.withLock { state throws(RPCError) -> EventLoopFuture<Connection> in
            switch state.phase {
            case .shutDown:
                throw RPCError(code: .unavailable, message: "The TCP client has shut down.")
            case .connecting(let future):
                return future
            case .ready(let connection) where connection.flags.isUsable:
                return connection.channel.eventLoop.makeSucceededFuture(connection)
            case .ready, .idle:
                let future = self.makeConnection()
                state.phase = .connecting(future)
                return future
            }
        }
        do {
            let connection = try await future.get()
            let isShutDown = state.withLock { state -> Bool in
                if case .connecting(let current) = state.phase, current === future { state.phase = .ready(connection) }
                if case .shutDown = state.phase { return true }
                return false
            }
            if isShutDown {
                connection.handler.execute { $0.drain() }
                throw RPCError(code: .unavailable, message: "The TCP client has shut down.")
            }
            return connection
        } catch let error as RPCError {
            throw error
        } catch {
            state.withLock { state in
                if case .connecting(let current) = state.phase, current === future { state.phase = .idle }
            }
            throw RPCError(
                code: .unavailable,
                message: "Could not connect to \(configuration.host):\(configuration.port).", cause: error)
        }
    }

    private func makeConnection() -> EventLoopFuture<Connection> {
        let configuration = self.configuration
        let options = ConnectionHandler.Options(
            drainGracePeriod: .seconds(30), settingsTimeout: configuration.settingsTimeout,
            keepaliveInterval: configuration.keepaliveInterval, keepaliveTimeout: configuration.keepaliveTimeout)
        return ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addFrameCodecHandlers(
                        maxFrameSize: configuration.connection.settings.maxFrameSize)
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(
                            role: .client, configuration: configuration.connection, options: options,
                            eventLoop: channel.eventLoop))
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .flatMap { channel in
                channel.eventLoop.makeCompletedFuture { () throws -> Connection in
                    try self.handshakeStarted(channel)
                    let handler = try channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
                    return Connection(
                        channel: channel, handler: handler.ref, flags: handler.flags, ready: handler.ready.futureResult)
                }
            }
            .flatMap { connection in
                connection.ready.map {
                    self.state.withLock { state in
                        if state.handshaking === connection.channel { state.handshaking = nil }
                    }
                    return connection
                }
            }
    }

    /// Records a connection in its handshake, or refuses it once shutdown has begun.
    private func handshakeStarted(_ channel: any Channel) throws {
        let isShutDown = state.withLock { state -> Bool in
            if case .shutDown = state.phase { return true }
            state.handshaking = channel
            return false
        }
        if isShutDown {
            channel.close(promise: nil)
            throw RPCError(code: .unavailable, message: "The TCP client has shut down.")
        }
    }
}
