import Synchronization

/// A connected client and server transport in one process, for tests and for
/// calling a service from within its own process.
///
/// Each call gets two bounded buffers of `bufferSize` parts (one each way): a
/// writer suspends while its peer's buffer is full. Calls opened before the server
/// listens wait for it. Peers are named `in-process:<n>`.
public struct InProcessTransport: Sendable {
    /// The server side; give it to an ``RPCServer``.
    public let server: Server
    /// The client side; give it to an ``RPCClient``.
    public let client: Client

    /// A connected pair; `bufferSize` (at least 1) parts may wait in each direction
    /// of each call.
    public init(bufferSize: Int = 16) {
        server = Server()
        client = Client(server: server, bufferSize: bufferSize)
    }

    /// The server side of an in-process pair.
    public final class Server: ServerTransport {
        struct Accepted: Sendable {
            var stream: RPCServerStream
            var context: ServerContext
        }

        private let accepted: AsyncStream<Accepted>
        private let continuation: AsyncStream<Accepted>.Continuation
        private let listening = Atomic<Bool>(false)

        init() {
            (accepted, continuation) = AsyncStream.makeStream(of: Accepted.self)
        }

        public func listen(
            streamHandler: @escaping @Sendable (RPCServerStream, ServerContext) async -> Void
        ) async throws {
            guard !listening.exchange(true, ordering: .acquiringAndReleasing) else {
                throw RPCError(code: .failedPrecondition, message: "The in-process server is already listening.")
            }
            await withDiscardingTaskGroup { group in
                for await call in accepted {
                    group.addTask { await streamHandler(call.stream, call.context) }
                }
            }
        }

        public func beginGracefulShutdown() {
            continuation.finish()
        }

        /// Queues a call for the listener; false once the server has shut down.
        func accept(_ call: Accepted) -> Bool {
            if case .enqueued = continuation.yield(call) { return true }
            return false
        }
    }

    /// The client side of an in-process pair.
    public final class Client: ClientTransport {
        private struct OpenStream: Sendable {
            var requests: BoundedBuffer<RPCRequestPart>
            var responses: BoundedBuffer<RPCResponsePart>
        }

        private struct State {
            var isShutDown = false
            var nextID = 0
            var open: [Int: OpenStream] = [:]
        }

        private let server: Server
        private let bufferSize: Int
        private let state = Mutex(State())
        private let shutdown = ServerContext.Cancellation()

        init(server: Server, bufferSize: Int) {
            self.server = server
            self.bufferSize = max(1, bufferSize)
        }

        /// Returns once ``beginGracefulShutdown()`` has been called.
        public func connect() async throws {
            await shutdown.cancelled()
        }

        public func beginGracefulShutdown() {
            state.withLock { $0.isShutDown = true }
            shutdown.cancel(reason: .serverShutdown)
        }

        public func withStream<Result: Sendable>(
            descriptor: MethodDescriptor, options: CallOptions, _ body: (RPCClientStream) async throws -> Result
        ) async throws -> Result {
            let requests = BoundedBuffer<RPCRequestPart>(capacity: bufferSize)
            let responses = BoundedBuffer<RPCResponsePart>(capacity: bufferSize)
            let id = try state.withLock { state throws(RPCError) -> Int in
                guard !state.isShutDown else {
                    throw RPCError(code: .unavailable, message: "The in-process client has shut down.")
                }
                state.nextID += 1
                state.open[state.nextID] = OpenStream(requests: requests, responses: responses)
                return state.nextID
            }
            defer { _ = state.withLock { $0.open.removeValue(forKey: id) } }

            let cancellation = ServerContext.Cancellation()
            let context = ServerContext(
                descriptor: descriptor, peer: "in-process:\(id)", deadline: Deadline.forCall(options),
                cancellation: cancellation)
            let serverStream = RPCServerStream(
                descriptor: descriptor, inbound: requests.sequence, outbound: responses.writer)
            guard server.accept(Server.Accepted(stream: serverStream, context: context)) else {
                throw RPCError(code: .unavailable, message: "The in-process server is not accepting calls.")
            }

            let sawStatus = StatusFlag()
            let clientStream = RPCClientStream(
                descriptor: descriptor,
                inbound: RPCAsyncSequence(next: {
                    let part = try await responses.receive()
                    if case .status = part { sawStatus.set() }
                    return part
                }),
                outbound: RPCWriter(
                    write: { try await requests.send($0) },
                    finish: { error in
                        // Like a transport on the wire, pass on that the request stream
                        // failed, not the client's error itself.
                        requests.finish(
                            throwing: error.map { _ in
                                RPCError(code: .cancelled, message: "The client ended the request stream with an error.")
                            })
                    }))

            func close() {
                if !sawStatus.isSet && !responses.isWriterFinished {
                    cancellation.cancel(reason: .clientCancelled)
                    requests.finish(throwing: RPCError(code: .cancelled, message: "The client cancelled the call."))
                } else {
                    requests.finish()
                }
                responses.closeReading()
            }

            do {
                let result = try await body(clientStream)
                close()
                return result
            } catch {
                close()
                throw error
            }
        }

        /// The number of writes, in either direction of any open call, suspended
        /// because the peer's buffer is full.
        var suspendedWriteCount: Int {
            let open = state.withLock { Array($0.open.values) }
            return open.reduce(0) { $0 + $1.requests.suspendedSendCount + $1.responses.suspendedSendCount }
        }
    }
}

/// Set once a call's status has been read.
private final class StatusFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
