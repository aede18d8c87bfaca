import Synchronization

/// Makes calls over a client transport, through client interceptors.
///
/// The general form is ``call(descriptor:request:options:onResponse:)`` over
/// serialized messages; the typed forms (`unary`, `serverStreaming`,
/// `clientStreaming`, `bidirectionalStreaming`) take a serializer and a
/// deserializer so generated stubs can wrap them. Every call fails with an
/// ``RPCError``: the server's status, `DEADLINE_EXCEEDED` when the timeout passes
/// (enforced here too, whatever the server does), `CANCELLED` when the calling
/// task is cancelled (the server's handler is then cancelled too).
public struct RPCClient: Sendable {
    /// The transport calls go over.
    public let transport: any ClientTransport
    /// The interceptors, first outermost.
    public let interceptors: [any ClientInterceptor]

    public init(transport: any ClientTransport, interceptors: [any ClientInterceptor] = []) {
        self.transport = transport
        self.interceptors = interceptors
    }

    /// Maintains the transport's connections until ``beginGracefulShutdown()``.
    public func runConnections() async throws {
        try await transport.connect()
    }

    /// Stops making new calls; calls in flight may finish.
    public func beginGracefulShutdown() {
        transport.beginGracefulShutdown()
    }

    /// Makes one call of any kind over serialized messages.
    ///
    /// `request.producer` runs concurrently with `onResponse`; the stream stays open
    /// until `onResponse` returns, so it must consume the body parts it needs.
    /// Messages larger than the options' limits fail the call with `RESOURCE_EXHAUSTED`.
    ///
    /// A call of one request message (unary, server-streaming) that the server
    /// refused before processing any of it (``RPCError/wasNotProcessed``: it was
    /// draining, say) is sent again, up to ``maxTransparentAttempts`` times in all,
    /// within the same deadline; `onResponse` has not run for a refused attempt.
    public func call<Result: Sendable>(
        descriptor: MethodDescriptor, request: StreamingClientRequest<[UInt8]>, options: CallOptions = .defaults,
        onResponse: @escaping @Sendable (StreamingClientResponse<[UInt8]>) async throws -> Result
    ) async throws -> Result {
        let deadline = Deadline.forCall(options)
        let mayResend = descriptor.kind == .unary || descriptor.kind == .serverStreaming
        var attempt = 1
        while true {
            var attemptOptions = options
            if let deadline {
                guard !deadline.hasPassed else {
                    throw RPCError(code: .deadlineExceeded, message: "The call's deadline passed.")
                }
                attemptOptions.timeout = deadline.remaining
            }
            do {
                return try await callOnce(
                    descriptor: descriptor, request: request, options: attemptOptions, onResponse: onResponse)
            } catch let error as RPCError where mayResend && error.wasNotProcessed && attempt < Self.maxTransparentAttempts {
                attempt += 1
            }
        }
    }

    /// How many times in all a call refused unprocessed is sent.
    public static let maxTransparentAttempts = 3

    private func callOnce<Result: Sendable>(
        descriptor: MethodDescriptor, request: StreamingClientRequest<[UInt8]>, options: CallOptions,
        onResponse: @escaping @Sendable (StreamingClientResponse<[UInt8]>) async throws -> Result
    ) async throws -> Result {
        let transport = self.transport
        let interceptors = self.interceptors
        do {
            return try await Self.withDeadline(Deadline.forCall(options)) {
                try await transport.withStream(descriptor: descriptor, options: options) { stream in
                    try await Self.execute(
                        stream: stream, request: request, context: ClientContext(descriptor: descriptor, options: options),
                        interceptors: interceptors, onResponse: onResponse)
                }
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(converting: error)
        }
    }

    /// Runs `body`, failing with `DEADLINE_EXCEEDED` (and cancelling it) once `deadline` passes.
    static func withDeadline<Result: Sendable>(
        _ deadline: Deadline?, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        guard let deadline else { return try await body() }
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await deadline.sleep()
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw RPCError(code: .deadlineExceeded, message: "The call's deadline passed.")
            }
            return result
        }
    }

    private static func execute<Result: Sendable>(
        stream: RPCClientStream, request: StreamingClientRequest<[UInt8]>, context: ClientContext,
        interceptors: [any ClientInterceptor],
        onResponse: @escaping @Sendable (StreamingClientResponse<[UInt8]>) async throws -> Result
    ) async throws -> Result {
        if interceptors.isEmpty, let message = request.singleMessage {
            return try await executeSingle(
                message, metadata: request.metadata, stream: stream, options: context.options, onResponse: onResponse)
        }
        let handoff = RequestHandoff()
        let producerError = ErrorBox()
        let writeError = ErrorBox()
        let maxRequestBytes = context.options.maxRequestMessageBytes
        let maxResponseBytes = context.options.maxResponseMessageBytes
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                guard let request = await handoff.take() else { return }
                do {
                    try await stream.outbound.write(.metadata(request.metadata))
                    let writer = RPCWriter<[UInt8]>(write: { bytes in
                        if let maxRequestBytes, bytes.count > maxRequestBytes {
                            throw RPCError(
                                code: .resourceExhausted,
                                message: "The request message (\(bytes.count) bytes) exceeds the limit of \(maxRequestBytes).")
                        }
                        do {
                            try await stream.outbound.write(.message(bytes))
                        } catch {
                            writeError.store(error)
                            throw error
                        }
                    })
                    try await request.producer(writer)
                    await stream.outbound.finish()
                } catch {
                    // A failed write means the stream ended: the response says why.
                    // Any other error is the producer's own and fails the call.
                    if writeError.load() == nil { producerError.store(error) }
                    await stream.outbound.finish(throwing: error)
                }
            }
            defer { group.cancelAll() }
            do {
                let response = try await ClientInterceptorChain.run(
                    interceptors[...], request: request, context: context
                ) { request, _ in
                    handoff.put(request)
                    return try await Self.readResponse(stream.inbound, maxMessageBytes: maxResponseBytes)
                }
                handoff.put(nil)
                return try await onResponse(response)
            } catch {
                handoff.put(nil)
                if let cause = producerError.load() { throw cause }
                throw error
            }
        }
    }

    /// A request of one message and no interceptors: written in the calling task
    /// (no producer task), then the response is read.
    private static func executeSingle<Result: Sendable>(
        _ message: [UInt8], metadata: Metadata, stream: RPCClientStream, options: CallOptions,
        onResponse: @escaping @Sendable (StreamingClientResponse<[UInt8]>) async throws -> Result
    ) async throws -> Result {
        if let max = options.maxRequestMessageBytes, message.count > max {
            let error = RPCError(
                code: .resourceExhausted,
                message: "The request message (\(message.count) bytes) exceeds the limit of \(max).")
            await stream.outbound.finish(throwing: error)
            throw error
        }
        do {
            try await stream.outbound.write(.metadata(metadata))
            try await stream.outbound.write(.message(message))
            await stream.outbound.finish()
        } catch {
            // A failed write means the stream ended: the response says why.
            await stream.outbound.finish(throwing: error)
        }
        let response = try await Self.readResponse(stream.inbound, maxMessageBytes: options.maxResponseMessageBytes)
        return try await onResponse(response)
    }

    /// Reads the response metadata, and returns the rest as body parts; a response
    /// that is only a status is returned (OK) or thrown (otherwise).
    private static func readResponse(
        _ inbound: RPCAsyncSequence<RPCResponsePart>, maxMessageBytes: Int?
    ) async throws -> StreamingClientResponse<[UInt8]> {
        let nextPart = inbound.makeAsyncIterator().nextElement
        let ended = Atomic<Bool>(false)
        let first = try await nextPart()
        switch first {
        case .metadata(let metadata):
            let body = RPCAsyncSequence<StreamingClientResponse<[UInt8]>.BodyPart>(next: { [ended] in
                guard !ended.load(ordering: .acquiring) else { return nil }
                switch try await nextPart() {
                case .message(let bytes):
                    if let maxMessageBytes, bytes.count > maxMessageBytes {
                        throw RPCError(
                            code: .resourceExhausted,
                            message: "The response message (\(bytes.count) bytes) exceeds the limit of \(maxMessageBytes).")
                    }
                    return .message(bytes)
                case .status(let status, let trailing):
                    ended.store(true, ordering: .releasing)
                    if let error = RPCError(status: status, metadata: trailing) { throw error }
                    return .trailingMetadata(trailing)
                case .metadata:
                    throw RPCError(code: .internalError, message: "Response metadata arrived twice.")
                case nil:
                    throw Self.closedWithoutStatus
                }
            })
            return StreamingClientResponse(metadata: metadata, bodyParts: body)
        case .status(let status, let trailing):
            if let error = RPCError(status: status, metadata: trailing) { throw error }
            return StreamingClientResponse(metadata: Metadata(), bodyParts: .elements([.trailingMetadata(trailing)]))
        case .message:
            throw RPCError(code: .internalError, message: "A response message arrived before the response metadata.")
        case nil:
            throw Self.closedWithoutStatus
        }
    }

    private static var closedWithoutStatus: RPCError {
        RPCError(code: .unavailable, message: "The stream closed before the server sent a status.")
    }
}

/// Passes the request, as changed by the interceptors, to the task that writes it;
/// `nil` when the interceptors ended the call without sending it.
private final class RequestHandoff: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<StreamingClientRequest<[UInt8]>?, Never>)
        case done(StreamingClientRequest<[UInt8]>?)
        case taken
    }

    private let state = Mutex(State.empty)

    /// Passes `request` on; only the first call counts.
    func put(_ request: StreamingClientRequest<[UInt8]>?) {
        let waiter = state.withLock { state -> CheckedContinuation<StreamingClientRequest<[UInt8]>?, Never>? in
            switch state {
            case .empty:
                state = .done(request)
                return nil
            case .waiting(let continuation):
                state = .taken
                return continuation
            case .done, .taken:
                return nil
            }
        }
        waiter?.resume(returning: request)
    }

    /// Waits for the request (one caller only).
    func take() async -> StreamingClientRequest<[UInt8]>? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> StreamingClientRequest<[UInt8]>?? in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return .none
                case .done(let request):
                    state = .taken
                    return .some(request)
                case .waiting, .taken:
                    return .some(nil)
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Keeps the first error stored in it.
private final class ErrorBox: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    func store(_ newError: any Error) {
        error.withLock { if $0 == nil { $0 = newError } }
    }

    func load() -> (any Error)? {
        error.withLock { $0 }
    }
}
