import CoreMetrics
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import RPCCore
import Synchronization

/// Opens calls to one or more servers over TCP with the framed protocol of `docs/PROTOCOL.md`.
///
/// Each endpoint has at most one usable connection, which carries many calls, one
/// stream each; calls go to the endpoints with a usable connection in turn
/// (round-robin). While ``connect()`` runs, every endpoint is kept connected: a
/// connection that closes is opened again, and an endpoint that fails to connect is
/// tried again after an exponential ``Backoff``. Without it, calls open connections
/// as they need them. When no endpoint can be reached, a call fails at once with
/// UNAVAILABLE, unless its options say `waitForReady`: then it waits (within its
/// timeout) for a connection. TRAILERS become the call's status; a request message
/// over the server's limit fails the call with RESOURCE_EXHAUSTED; a caller that
/// leaves a call early (its task cancelled, its deadline passed) has the stream
/// cancelled with CANCEL.
public final class TCPClientTransport: ClientTransport {
    public struct Configuration: Sendable {
        /// The servers, tried in turn; at least one.
        public var endpoints: [Endpoint]
        /// What each connection announces in SETTINGS and enforces.
        public var connection: ConnectionStateMachine.Configuration
        /// How long connecting may take (TCP).
        public var connectTimeout: TimeAmount
        /// How long the server may take to send SETTINGS and acknowledge ours.
        public var settingsTimeout: TimeAmount
        /// A PING is sent after this long without receiving any frame; nil: never.
        public var keepaliveInterval: TimeAmount?
        /// The connection is closed (its calls fail with UNAVAILABLE) when a PONG takes longer.
        public var keepaliveTimeout: TimeAmount
        /// How long to wait before connecting again to an endpoint that failed.
        public var backoff: Backoff
        /// Whether each call runs on its connection's event loop while it lasts (one
        /// hop in and one out, none per frame) rather than where its caller runs.
        public var runsCallsOnEventLoop: Bool = true
        /// TLS around each connection's bytes; nil: plain TCP.
        public var tls: NIOSSLContext?
        /// The name the server's certificate must carry (and SNI sends); nil: the
        /// endpoint's host.
        public var tlsServerName: String?

        /// A client of the servers at `endpoints` (at least one).
        public init(
            endpoints: [Endpoint],
            connection: ConnectionStateMachine.Configuration = ConnectionStateMachine.Configuration(),
            connectTimeout: TimeAmount = .seconds(10), settingsTimeout: TimeAmount = .seconds(10),
            keepaliveInterval: TimeAmount? = .seconds(30), keepaliveTimeout: TimeAmount = .seconds(10),
            backoff: Backoff = Backoff()
        ) {
            precondition(!endpoints.isEmpty, "A client needs at least one endpoint.")
            self.endpoints = endpoints
            self.connection = connection
            self.connectTimeout = connectTimeout
            self.settingsTimeout = settingsTimeout
            self.keepaliveInterval = keepaliveInterval
            self.keepaliveTimeout = keepaliveTimeout
            self.backoff = backoff
        }

        /// A client of the one server at `host`:`port`.
        public init(
            host: String = "127.0.0.1", port: Int = 7878,
            connection: ConnectionStateMachine.Configuration = ConnectionStateMachine.Configuration(),
            connectTimeout: TimeAmount = .seconds(10), settingsTimeout: TimeAmount = .seconds(10),
            keepaliveInterval: TimeAmount? = .seconds(30), keepaliveTimeout: TimeAmount = .seconds(10),
            backoff: Backoff = Backoff()
        ) {
            self.init(
                endpoints: [Endpoint(host: host, port: port)], connection: connection, connectTimeout: connectTimeout,
                settingsTimeout: settingsTimeout, keepaliveInterval: keepaliveInterval,
                keepaliveTimeout: keepaliveTimeout, backoff: backoff)
        }
    }

    struct Connection: Sendable {
        var channel: any Channel
        var handler: HandlerRef
        var flags: ConnectionFlags
        var ready: EventLoopFuture<Void>
        var executor: EventLoopTaskExecutor
    }

    /// One attempt to connect an endpoint; completed once the balancer knows its outcome.
    final class Attempt: Sendable {
        let promise: EventLoopPromise<Connection>
        init(_ promise: EventLoopPromise<Connection>) { self.promise = promise }
    }

    private struct State {
        var balancer: EndpointBalancer<Connection, Attempt>
        var isShutDown = false
        /// Connections still in their SETTINGS exchange, closed if shutdown begins meanwhile.
        var handshaking: [ObjectIdentifier: any Channel] = [:]
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup
    private let state: Mutex<State>
    private let shutdown = ServerContext.Cancellation()
    /// The connections open when shutdown began, to wait for.
    private let lastConnections = Mutex<[Connection]>([])

    private let observer: ConnectionObserver

    /// A transport for the servers at `configuration`'s endpoints, on `group` (by
    /// default the shared singleton loop group), logging to `logger` (by default
    /// nowhere) and counting with `metricsFactory` (by default the process's; see
    /// ``ConnectionObserver``).
    public init(
        configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "rpc.tcp.client", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.observer = ConnectionObserver(logger: logger, metricsFactory: metricsFactory, role: .client)
        self.state = Mutex(State(balancer: EndpointBalancer(endpoints: configuration.endpoints, backoff: configuration.backoff)))
    }

    /// Keeps every endpoint connected (reconnecting with backoff) until
    /// ``beginGracefulShutdown()`` has been called, then returns once the connections
    /// have drained. Failures to connect are left for calls to report.
    public func connect() async throws {
        await withDiscardingTaskGroup { group in
            for index in configuration.endpoints.indices {
                group.addTask { await self.maintain(index) }
            }
            await shutdown.cancelled()
            group.cancelAll()
        }
        for connection in lastConnections.withLock({ $0 }) {
            try? await connection.channel.closeFuture.get()
        }
    }

    public func beginGracefulShutdown() {
        let (current, handshaking) = state.withLock { state -> ([Connection], [any Channel]) in
            state.isShutDown = true
            defer { state.handshaking = [:] }
            return (state.balancer.connections, Array(state.handshaking.values))
        }
        lastConnections.withLock { $0 = current }
        for channel in handshaking { channel.close(promise: nil) }
        for connection in current { connection.handler.execute { $0.drain() } }
        shutdown.cancel(reason: .serverShutdown)
    }

    public func withStream<Result: Sendable>(
        descriptor: MethodDescriptor, options: CallOptions, _ body: (RPCClientStream) async throws -> Result
    ) async throws -> Result {
        let deadline = Deadline.forCall(options)
        let connection = try await self.connection(waitForReady: options.waitForReady)
        let handler = connection.handler
        let call = ClientCall(method: descriptor.fullyQualifiedMethod, deadline: deadline, handler: handler)
        let stream = RPCClientStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(next: { try await call.inbox.next() }),
            outbound: RPCWriter(
                write: { part in
                    if try await handler.perform({ try $0.clientWrite(part, call: call) }) { try await call.gate.wait() }
                },
                finish: { error in
                    let failed = error != nil
                    handler.execute { $0.clientFinish(call: call, failed: failed) }
                }))
        defer {
            let deadlinePassed = deadline?.hasPassed ?? false
            handler.execute { $0.endClientCall(call, deadlinePassed: deadlinePassed) }
        }
        guard configuration.runsCallsOnEventLoop else { return try await body(stream) }
        return try await withTaskExecutorPreference(connection.executor) { try await body(stream) }
    }

    private static let shutDownError = RPCError(code: .unavailable, message: "The TCP client has shut down.")

    /// A usable connection for the next call: the next endpoint's in turn, opening
    /// one if none is usable. With `waitForReady`, waits while every endpoint is
    /// backing off; otherwise fails with UNAVAILABLE.
    func connection(waitForReady: Bool = false) async throws -> Connection {
        while true {
            let choice = try state.withLock { state throws(RPCError) in
                guard !state.isShutDown else { throw Self.shutDownError }
                return state.balancer.choose(
                    now: .now, isUsable: { $0.flags.isUsable }, connect: { _ in self.makeAttempt() })
            }
            switch choice {
            case .use(let connection):
                return connection
            case .await(let attempt, let index, let isNew):
                if isNew { start(attempt, index: index) }
                if let connection = try? await attempt.promise.futureResult.get() { return connection }
                if state.withLock({ $0.isShutDown }) { throw Self.shutDownError }
            case .unavailable(let retryAt, let reasons):
                guard waitForReady else {
                    throw RPCError(code: .unavailable, message: "No server could be reached: \(reasons).")
                }
                try await Task.sleep(until: retryAt, clock: .continuous)
            }
        }
    }

    /// Keeps endpoint `index` connected until shutdown.
    private func maintain(_ index: Int) async {
        while !Task.isCancelled {
            let upkeep = state.withLock { state -> EndpointBalancer<Connection, Attempt>.Upkeep? in
                guard !state.isShutDown else { return nil }
                return state.balancer.upkeep(
                    index, now: .now, isUsable: { $0.flags.isUsable }, connect: { _ in self.makeAttempt() })
            }
            switch upkeep {
            case nil:
                return
            case .await(let attempt, let isNew):
                if isNew { start(attempt, index: index) }
                _ = try? await attempt.promise.futureResult.get()
            case .watch(let connection):
                try? await connection.channel.closeFuture.get()
            case .sleep(let until):
                try? await Task.sleep(until: until, clock: .continuous)
            }
        }
    }

    private func makeAttempt() -> Attempt {
        Attempt(group.next().makePromise(of: Connection.self))
    }

    /// Connects endpoint `index` for `attempt`; the balancer learns the outcome before
    /// the attempt's waiters do.
    private func start(_ attempt: Attempt, index: Int) {
        makeConnection(to: configuration.endpoints[index]).whenComplete { result in
            switch result {
            case .success(let connection):
                let isShutDown = self.state.withLock { state in
                    state.balancer.connected(index, attempt: attempt, connection: connection, same: ===)
                    return state.isShutDown
                }
                connection.channel.closeFuture.whenComplete { _ in
                    self.state.withLock { state in
                        state.balancer.closed(index) { $0.channel === connection.channel }
                    }
                }
                if isShutDown {
                    connection.handler.execute { $0.drain() }
                    attempt.promise.fail(Self.shutDownError)
                } else {
                    attempt.promise.succeed(connection)
                }
            case .failure(let error):
                self.state.withLock { state in
                    _ = state.balancer.failed(
                        index, attempt: attempt, error: Self.describe(error), now: .now,
                        random: Double.random(in: 0...1), same: ===)
                }
                attempt.promise.fail(error)
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? RPCError { return error.message }
        return String(describing: error)
    }

    private func makeConnection(to endpoint: Endpoint) -> EventLoopFuture<Connection> {
        let configuration = self.configuration
        let options = ConnectionHandler.Options(
            drainGracePeriod: .seconds(30), settingsTimeout: configuration.settingsTimeout,
            keepaliveInterval: configuration.keepaliveInterval, keepaliveTimeout: configuration.keepaliveTimeout,
            observer: observer)
        return ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = configuration.tls {
                        let name = configuration.tlsServerName ?? endpoint.host
                        // SNI takes a host name only; an address is checked against the certificate's IPs.
                        let sni = name.isIPAddress ? nil : name
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: sni))
                    }
                    try channel.pipeline.syncOperations.addFrameDecoder(
                        maxFrameSize: configuration.connection.settings.maxFrameSize)
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(
                            role: .client, configuration: configuration.connection, options: options,
                            eventLoop: channel.eventLoop))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMap { channel in
                channel.eventLoop.makeCompletedFuture { () throws -> Connection in
                    try self.handshakeStarted(channel)
                    let handler = try channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
                    return Connection(
                        channel: channel, handler: handler.ref, flags: handler.flags, ready: handler.ready.futureResult,
                        executor: EventLoopTaskExecutor(channel.eventLoop))
                }
            }
            .flatMap { connection in
                connection.ready.always { _ in
                    _ = self.state.withLock { $0.handshaking.removeValue(forKey: ObjectIdentifier(connection.channel)) }
                }.map { connection }
            }
    }

    /// Records a connection in its handshake, or refuses it once shutdown has begun.
    private func handshakeStarted(_ channel: any Channel) throws {
        let isShutDown = state.withLock { state -> Bool in
            if state.isShutDown { return true }
            state.handshaking[ObjectIdentifier(channel)] = channel
            return false
        }
        if isShutDown {
            channel.close(promise: nil)
            throw Self.shutDownError
        }
    }
}

extension String {
    /// Whether the string is an IPv4 or IPv6 address rather than a host name.
    var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
