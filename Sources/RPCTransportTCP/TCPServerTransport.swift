import CoreMetrics
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import RPCCore
import Synchronization

/// Accepts calls over TCP with the framed protocol of `docs/PROTOCOL.md`.
///
/// Each connection is an `NIOAsyncChannel` served in a discarding task group; a thin
/// channel handler drives a ``ConnectionStateMachine`` and hands every call to the
/// stream handler with a ``ServerContext`` (peer, deadline, request metadata).
/// ``beginGracefulShutdown()`` stops accepting connections, sends GOAWAY(NO_ERROR) on
/// every connection, lets calls in flight finish (refusing new ones with UNAVAILABLE)
/// and closes each connection when it has none left, or when the grace period ends.
public final class TCPServerTransport: ServerTransport {
    public struct Configuration: Sendable {
        /// The address to listen on.
        public var host: String
        /// The port to listen on; 0 picks a free one (see ``TCPServerTransport/listeningPort``).
        public var port: Int
        /// What each connection announces in SETTINGS and enforces.
        public var connection: ConnectionStateMachine.Configuration
        /// How long a draining connection may keep serving calls before it is closed anyway.
        public var drainGracePeriod: TimeAmount
        /// How long a new connection may take to send SETTINGS and acknowledge ours.
        public var settingsTimeout: TimeAmount
        /// A connection with no stream open this long is closed with GOAWAY(IDLE_TIMEOUT); nil: never.
        public var idleTimeout: TimeAmount?
        /// Whether each call runs on its connection's event loop (no thread hop between
        /// the socket and the handler) rather than on the shared concurrency pool.
        /// Handlers must then never block: blocking work runs on its own threads and
        /// is awaited.
        public var runsCallsOnEventLoop: Bool
        /// The most connections open at once; past it a new connection gets SETTINGS
        /// and GOAWAY(ENHANCE_YOUR_CALM, "too many connections") and is closed.
        public var maxConnections: Int = 10_000
        /// A connection that stops sending in the middle of a frame for this long is
        /// closed with GOAWAY(PROTOCOL_ERROR).
        public var frameReadTimeout: TimeAmount = .seconds(30)
        /// TLS around every connection's bytes (the frames inside are unchanged); nil:
        /// plain TCP. A context requiring client certificates refuses connections
        /// without one during the handshake.
        public var tls: NIOSSLContext?

        public init(
            host: String = "127.0.0.1", port: Int = 7878,
            connection: ConnectionStateMachine.Configuration = ConnectionStateMachine.Configuration(),
            drainGracePeriod: TimeAmount = .seconds(30), settingsTimeout: TimeAmount = .seconds(10),
            idleTimeout: TimeAmount? = .minutes(5), runsCallsOnEventLoop: Bool = true, tls: NIOSSLContext? = nil
        ) {
            self.tls = tls
            self.host = host
            self.port = port
            self.connection = connection
            self.drainGracePeriod = drainGracePeriod
            self.settingsTimeout = settingsTimeout
            self.idleTimeout = idleTimeout
            self.runsCallsOnEventLoop = runsCallsOnEventLoop
        }
    }

    private struct State {
        var listening = false
        var shuttingDown = false
        var serverChannel: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let port = OneShot<Result<Int, any Error>>()

    private let observer: ConnectionObserver

    /// A transport listening on `configuration`'s address, on `group` (by default the
    /// shared singleton loop group), logging to `logger` (by default nowhere) and
    /// counting with `metricsFactory` (by default the process's; see ``ConnectionObserver``).
    public init(
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "rpc.tcp.server", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.observer = ConnectionObserver(logger: logger, metricsFactory: metricsFactory, role: .server)
    }

    /// The port the transport listens on, once it does (waits for ``listen(streamHandler:)``
    /// to bind); throws if binding failed.
    public var listeningPort: Int {
        get async throws { try await port.value.get() }
    }

    public func listen(
        streamHandler: @escaping @Sendable (RPCServerStream, ServerContext) async -> Void
    ) async throws {
        let alreadyListening = state.withLock { state in
            defer { state.listening = true }
            return state.listening
        }
        guard !alreadyListening else {
            throw RPCError(code: .failedPrecondition, message: "The TCP server is already listening.")
        }

        let serverChannel: NIOAsyncChannel<NIOAsyncChannel<AcceptedStream, Never>, Never>
        do {
            serverChannel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try self.initializeConnection(channel)
                    }
                }
        } catch {
            port.set(.failure(error))
            throw error
        }
        port.set(.success(serverChannel.channel.localAddress?.port ?? 0))
        let closeNow = state.withLock { state in
            state.serverChannel = serverChannel.channel
            return state.shuttingDown
        }
        if closeNow { serverChannel.channel.close(promise: nil) }

        let onEventLoop = configuration.runsCallsOnEventLoop
        try await serverChannel.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    // The connection's calls and the loop that reads their frames share a thread.
                    let executor = onEventLoop ? EventLoopTaskExecutor(connection.channel.eventLoop) : nil
                    group.addTask(executorPreference: executor) {
                        try? await connection.executeThenClose { calls, _ in
                            await withDiscardingTaskGroup { callGroup in
                                do {
                                    for try await call in calls {
                                        callGroup.addTask { await streamHandler(call.stream, call.context) }
                                    }
                                } catch {
                                    // The connection failed; its calls were failed with it.
                                }
                            }
                        }
                    }
                }
            }
        }
        // A connection accepted while the listener closed may never have been handed over.
        let leftovers = state.withLock { Array($0.connections.values) }
        for connection in leftovers { connection.close(promise: nil) }
    }

    public func beginGracefulShutdown() {
        let (serverChannel, connections) = state.withLock { state -> ((any Channel)?, [any Channel]) in
            state.shuttingDown = true
            return (state.serverChannel, Array(state.connections.values))
        }
        serverChannel?.close(promise: nil)
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(DrainConnectionEvent())
        }
    }

    /// Sets up one accepted connection (on its event loop).
    private func initializeConnection(_ channel: any Channel) throws -> NIOAsyncChannel<AcceptedStream, Never> {
        let id = ObjectIdentifier(channel)
        let (drainOnStart, open) = state.withLock { state in
            let open = state.connections.count
            if !state.shuttingDown, open < configuration.maxConnections { state.connections[id] = channel }
            return (state.shuttingDown, open)
        }
        if !drainOnStart, open >= configuration.maxConnections {
            observer.connectionRefused(open: open, peer: channel.remoteAddress?.peerDescription ?? "unknown")
            try channel.pipeline.syncOperations.addHandler(
                RefusedConnectionHandler(reason: "too many connections (\(configuration.maxConnections) open)"))
            return try NIOAsyncChannel<AcceptedStream, Never>(wrappingChannelSynchronously: channel)
        }
        channel.closeFuture.whenComplete { _ in
            _ = self.state.withLock { $0.connections.removeValue(forKey: id) }
        }
        let options = ConnectionHandler.Options(
            drainGracePeriod: configuration.drainGracePeriod, settingsTimeout: configuration.settingsTimeout,
            drainOnStart: drainOnStart, idleTimeout: configuration.idleTimeout, observer: observer)
        if let tls = configuration.tls {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
        }
        try channel.pipeline.syncOperations.addHandler(StalledFrameHandler(timeout: configuration.frameReadTimeout))
        try channel.pipeline.syncOperations.addFrameDecoder(
            maxFrameSize: configuration.connection.settings.maxFrameSize)
        try channel.pipeline.syncOperations.addHandler(
            ConnectionHandler(
                role: .server, configuration: configuration.connection, options: options,
                eventLoop: channel.eventLoop))
        return try NIOAsyncChannel<AcceptedStream, Never>(wrappingChannelSynchronously: channel)
    }
}

/// A value set once and awaited by any number of tasks.
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [CheckedContinuation<Value, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Sets the value (the first call wins) and wakes every waiter.
    func set(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Value? in
                    if let value = state.value { return value }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
