import NIOCore
import RPCCore
import Synchronization

/// A call accepted on a server connection, for the server's stream handler.
struct AcceptedStream: Sendable {
    var stream: RPCServerStream
    var context: ServerContext
}

/// Asks a connection to drain: GOAWAY(NO_ERROR), finish the streams, close.
struct DrainConnectionEvent: Sendable {}

/// What other threads may read about a connection.
final class ConnectionFlags: Sendable {
    private let usable = Atomic<Bool>(true)

    /// Whether new calls may still start on the connection (not draining, not closed).
    var isUsable: Bool { usable.load(ordering: .acquiring) }
    func markUnusable() { usable.store(false, ordering: .releasing) }
}

/// A `Sendable` handle on a connection handler; every use runs on its event loop,
/// at once when the caller is already there (a call running on the connection's
/// ``EventLoopTaskExecutor``), else by hopping to it.
struct HandlerRef: Sendable {
    let bound: NIOLoopBound<ConnectionHandler>

    init(_ handler: ConnectionHandler, eventLoop: any EventLoop) {
        self.bound = NIOLoopBound(handler, eventLoop: eventLoop)
    }

    /// Runs `body` on the loop and returns its result: at once, without suspending,
    /// when the caller is on the loop.
    func perform<Value: Sendable>(
        _ body: @escaping @Sendable (ConnectionHandler) throws -> Value
    ) async throws -> Value {
        let bound = self.bound
        if bound.eventLoop.inEventLoop { return try body(bound.value) }
        return try await bound.eventLoop.submit { try body(bound.value) }.get()
    }

    /// Runs `body` on the loop: now if the caller is on it, else later.
    func execute(_ body: @escaping @Sendable (ConnectionHandler) -> Void) {
        let bound = self.bound
        if bound.eventLoop.inEventLoop {
            body(bound.value)
        } else {
            bound.eventLoop.execute { body(bound.value) }
        }
    }
}

/// The thin channel handler of one connection, either side: frames in, the pure
/// ``ConnectionStateMachine`` decides, and its actions become frame writes and the
/// parts of per-call streams. Frames written while reading are flushed once per read
/// burst (`channelReadComplete`).
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias InboundOut = AcceptedStream
    typealias OutboundOut = ByteBuffer

    struct Options: Sendable {
        var drainGracePeriod: TimeAmount
        var settingsTimeout: TimeAmount
        /// Server: start draining as soon as the connection starts (accepted during shutdown).
        var drainOnStart = false
        /// Client: PING after this long without receiving a frame (nil: never).
        var keepaliveInterval: TimeAmount? = nil
        /// Client: close when the PONG takes longer than this.
        var keepaliveTimeout: TimeAmount = .seconds(10)
        /// Server: close with GOAWAY(IDLE_TIMEOUT) after this long with no stream open (nil: never).
        var idleTimeout: TimeAmount? = nil
        /// Where connection events are logged and counted.
        var observer = ConnectionObserver()
    }

    enum Call {
        case server(StreamInbox<RPCRequestPart>, ServerContext.Cancellation)
        case client(ClientCall)
    }

    /// A client call waiting for one of the server's concurrent streams.
    struct PendingOpen {
        var call: ClientCall
        var metadata: Metadata
    }

    struct StreamRecord {
        var call: Call
        /// Holds the writer while what it queued waits for flow-control credit.
        var gate: WriteGate
    }

    var machine: ConnectionStateMachine
    let options: Options
    let flags: ConnectionFlags
    var records: [UInt32: StreamRecord] = [:]
    var pendingOpens: [PendingOpen] = []
    var context: ChannelHandlerContext?
    var peer = "unknown"
    var inReadBurst = false
    var pendingFlush = false
    var lastWrite: EventLoopFuture<Void>?
    /// Frames encoded but not yet written (see ``write(_:)``).
    var outbound = ByteBuffer()
    var closeInitiated = false
    var isInactive = false
    let ready: EventLoopPromise<Void>
    var readyCompleted = false
    var settingsTimer: Scheduled<Void>?
    var drainTimer: Scheduled<Void>?
    var keepaliveTask: RepeatedTask?
    var pongTimer: Scheduled<Void>?
    var outstandingPing: UInt64?
    var receivedSinceKeepaliveTick = false
    var idleTimer: Scheduled<Void>?

    init(
        role: ConnectionStateMachine.Role, configuration: ConnectionStateMachine.Configuration, options: Options,
        flags: ConnectionFlags = ConnectionFlags(), eventLoop: any EventLoop
    ) {
        self.machine = ConnectionStateMachine(role: role, configuration: configuration)
        self.options = options
        self.flags = flags
        self.ready = eventLoop.makePromise(of: Void.self)
    }

    var ref: HandlerRef { HandlerRef(self, eventLoop: self.ready.futureResult.eventLoop) }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { self.start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.connectionGone()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.connectionGone()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.inReadBurst = true
        self.receivedSinceKeepaliveTick = true
        let frame = self.unwrapInboundIn(data)
        let isWindowUpdate = if case .windowUpdate = frame { true } else { false }
        self.apply(self.machine.receive(frame, now: .now()))
        if isWindowUpdate { self.reconcile() }
        self.checkDrained()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.inReadBurst = false
        self.flushPending()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError {
            self.apply(self.machine.frameError(frameError))
        } else if let stalled = error as? StalledFrame {
            self.apply(self.machine.connectionError(.protocolError, "a frame stalled: \(stalled)"))
        } else if !self.closeInitiated {
            // Bytes after a malformed frame are refused too; the GOAWAY is already on its way.
            // Any other error (a failed TLS handshake, a reset) closes the connection.
            self.options.observer.connectionFailed(error, peer: self.peer)
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainConnectionEvent {
            self.drain()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func start(context: ChannelHandlerContext) {
        let frames = self.machine.start()
        guard !frames.isEmpty else { return }
        self.peer = context.channel.remoteAddress?.peerDescription ?? "unknown"
        self.write(frames)
        let ref = self.ref
        self.settingsTimer = context.eventLoop.scheduleTask(in: self.options.settingsTimeout) {
            ref.bound.value.settingsTimedOut()
        }
        self.startKeepalive(context: context)
        self.checkIdle()
        if self.options.drainOnStart { self.drain() }
    }

    private func settingsTimedOut() {
        guard !self.machine.receivedSettings || !self.machine.settingsAcknowledged else { return }
        self.apply(self.machine.connectionError(.settingsTimeout, "SETTINGS or its ACK did not arrive in time"))
    }

    /// Sends GOAWAY(NO_ERROR), lets open streams finish, closes when none is left or
    /// when the grace period ends.
    func drain() {
        guard self.context != nil, !self.isInactive else { return }
        self.flags.markUnusable()
        self.write(self.machine.beginGracefulShutdown(reason: "shutting down"))
        if self.drainTimer == nil, let context {
            let ref = self.ref
            self.drainTimer = context.eventLoop.scheduleTask(in: self.options.drainGracePeriod) {
                ref.bound.value.drainExpired()
            }
        }
        self.checkDrained()
    }

    /// The drain's grace period ended with calls still open: each gets a status
    /// (UNAVAILABLE, so its client may go elsewhere) rather than a bare close, the
    /// count is logged, and the connection closes.
    private func drainExpired() {
        guard self.context != nil, !self.isInactive else { return }
        if self.machine.role == .server {
            let open = self.machine.openStreamIDs
            if !open.isEmpty { self.options.observer.callsCutOff(open.count, peer: self.peer) }
            for id in open {
                let trailers = TrailersPayload(code: .unavailable, message: "The server shut down before the call ended.")
                if self.machine.queuedBytes(streamID: id) == 0, let frames = try? self.machine.sendTrailers(streamID: id, trailers) {
                    self.write(frames)
                } else {
                    self.write(self.machine.cancel(streamID: id, code: .unavailable))
                }
            }
        }
        self.closeConnection()
    }

    // MARK: - Actions

    func apply(_ actions: [ConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let frames):
                self.write(frames)
            case .peerSettings:
                self.completeReady(nil)
            case .schemaHashMismatch(let local, let remote):
                // Never refused (rolling deploys); logged and counted, the connection carries on.
                self.options.observer.schemaHashMismatch(local: local, remote: remote, peer: self.peer)
            case .streamOpened(let id, let headers, let endStream):
                self.openServerStream(id, headers, endStream: endStream)
            case .responseHeaders(let id, let headers):
                if case .client(let call)? = self.records[id]?.call {
                    call.inbox.push(.metadata(Metadata(headers.metadata)))
                }
            case .deliverMessage(let id, let bytes, let credit):
                let part = Array(bytes.readableBytesView)
                switch self.records[id]?.call {
                case .server(let inbox, _)?: inbox.push(.message(part), credit: credit)
                case .client(let call)?: call.inbox.push(.message(part), credit: credit)
                case nil: self.returnCredit(credit, streamID: id)
                }
            case .remoteHalfClosed(let id):
                if case .server(let inbox, _)? = self.records[id]?.call { inbox.finish() }
            case .trailersReceived(let id, let trailers):
                self.endStream(id, status: Status(trailers), trailing: Metadata(trailers.metadata))
            case .streamCancelled(let id, let code):
                self.endStream(id, status: Status(wire: code, message: "The peer cancelled the call."))
            case .streamFailed(let id, let code, let message):
                self.endStream(id, status: Status(wire: code, message: message))
            case .streamRefused(let id, let message):
                self.endStream(
                    id, status: Status(code: .unavailable, message: message), trailing: Metadata(WireMetadata.notProcessed))
            case .pong(let data):
                self.receivedPong(data)
            case .goAwayReceived:
                self.flags.markUnusable()
            case .closeConnection:
                self.closeConnection()
            }
        }
    }

    /// A stream ended by the peer or the connection (not by this side's trailers).
    func endStream(
        _ id: UInt32, status: Status, trailing: Metadata = Metadata(),
        reason: ServerContext.Cancellation.Reason = .clientCancelled
    ) {
        guard let record = self.records.removeValue(forKey: id) else { return }
        switch record.call {
        case .server(let inbox, let cancellation):
            cancellation.cancel(reason: reason)
            inbox.finish(throwing: RPCError(code: .cancelled, message: "The call was cancelled: \(status.message)"))
            self.returnCredit(inbox.closeReading(), streamID: id)
            record.gate.open()
        case .client(let call):
            call.end()
            call.inbox.push(.status(status, trailing: trailing))
            call.inbox.finish()
            record.gate.open()
        }
    }

    /// After flow control let frames out: wake writers whose queue drained, finish
    /// server streams whose trailers left.
    func reconcile() {
        for id in Array(self.records.keys) {
            guard let record = self.records[id] else { continue }
            if self.machine.sendWindow(streamID: id) == nil {
                self.streamClosedLocally(id)
            } else if self.machine.queuedBytes(streamID: id) == 0 {
                record.gate.open()
            }
        }
    }

    /// The state machine closed the stream on this side (trailers sent, or cancelled).
    func streamClosedLocally(_ id: UInt32) {
        guard let record = self.records.removeValue(forKey: id) else { return }
        switch record.call {
        case .server(let inbox, _):
            inbox.finish()
            self.returnCredit(inbox.closeReading(), streamID: id)
        case .client(let call):
            call.end()
        }
        record.gate.open()
    }

    func returnCredit(_ credit: Int, streamID: UInt32) {
        guard credit > 0, !self.isInactive else { return }
        self.write(self.machine.returnCredit(credit, streamID: streamID))
    }

    func completeReady(_ error: (any Error)?) {
        guard !self.readyCompleted else { return }
        self.readyCompleted = true
        // The timer also waits for the peer's ACK of our SETTINGS (PROTOCOL.md, section 4):
        // a peer that never acknowledges is closed with GOAWAY(SETTINGS_TIMEOUT).
        if error != nil || self.machine.settingsAcknowledged { self.settingsTimer?.cancel() }
        if let error { self.ready.fail(error) } else { self.ready.succeed() }
    }

    // MARK: - Writing and closing

    /// Queues frames: they are encoded into the connection's outbound buffer, which
    /// goes out, in one write, once per read burst, or once per turn of the loop for
    /// frames written outside a read (calls running on the loop). So a call's frames,
    /// and those of every call that wrote in the same turn, leave in one system call.
    func write(_ frames: [Frame]) {
        guard let context, !frames.isEmpty, !self.isInactive else { return }
        for frame in frames {
            do {
                try FrameCodec.encode(frame, into: &self.outbound)
            } catch {
                // The state machine checked every limit already; a frame that still
                // cannot be encoded is a bug, and the connection cannot go on.
                assertionFailure("unencodable frame: \(error)")
                context.close(promise: nil)
                return
            }
        }
        if self.inReadBurst {
            self.pendingFlush = true
        } else if !self.pendingFlush {
            self.pendingFlush = true
            context.eventLoop.assumeIsolated().execute { self.flushPending() }
        }
    }

    /// Writes and flushes the frames queued since the last flush, if any.
    func flushPending() {
        guard self.pendingFlush, let context else { return }
        self.pendingFlush = false
        guard self.outbound.readableBytes > 0, !self.isInactive else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(self.wrapOutboundOut(self.outbound), promise: promise)
        self.lastWrite = promise.futureResult
        // A fresh buffer: the one written is owned by the channel until it has left.
        self.outbound = context.channel.allocator.buffer(capacity: Self.outboundCapacity)
    }

    static let outboundCapacity = 1_024

    func checkDrained() {
        if !self.pendingOpens.isEmpty { self.openQueuedCalls() }
        if self.machine.isDrained || self.machine.isClosed {
            self.closeConnection()
        } else {
            self.checkIdle()
        }
    }

    /// Closes once everything written so far has left.
    func closeConnection() {
        guard !self.closeInitiated, let context else { return }
        self.closeInitiated = true
        self.flags.markUnusable()
        self.pendingFlush = true
        self.flushPending()
        let channel = context.channel
        if let last = self.lastWrite {
            last.whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    /// The TCP connection is gone: every call still open fails with UNAVAILABLE.
    private func connectionGone() {
        guard !self.isInactive else { return }
        self.isInactive = true
        self.flags.markUnusable()
        self.settingsTimer?.cancel()
        self.drainTimer?.cancel()
        self.stopTimers()
        let status = Status(code: .unavailable, message: "The connection closed before the call ended.")
        // Calls outliving this side's drain were ended by the server, not the client.
        let reason: ServerContext.Cancellation.Reason =
            self.machine.goAwaySent?.code == .noError ? .serverShutdown : .clientCancelled
        for id in self.records.keys.sorted() {
            self.endStream(id, status: status, reason: reason)
        }
        self.failQueuedCalls(RPCError.notProcessed("The connection closed before the call started."))
        self.completeReady(RPCError(code: .unavailable, message: "The connection closed before it was ready."))
    }
}
