import Synchronization

/// Serves the calls a transport accepts with the handlers of a router, through
/// server interceptors.
///
/// For each call it reads the request metadata, runs the interceptors and the
/// handler, and writes the response metadata, messages and status. A thrown
/// ``RPCError`` becomes its status (with its metadata as trailing metadata and its
/// details); any other error becomes `UNKNOWN` with a generic message. Unknown
/// methods are answered with `UNIMPLEMENTED`. When the call's deadline passes, the
/// handler's task is cancelled, ``ServerContext/cancellation`` is triggered and the
/// client is answered `DEADLINE_EXCEEDED` at once; when the client cancels, the
/// handler's task is cancelled likewise.
public struct RPCServer: Sendable {
    /// The transport calls arrive on.
    public let transport: any ServerTransport
    /// The handlers.
    public let router: RPCRouter
    /// The interceptors, first outermost.
    public let interceptors: [any ServerInterceptor]

    public init(transport: any ServerTransport, router: RPCRouter, interceptors: [any ServerInterceptor] = []) {
        self.transport = transport
        self.router = router
        self.interceptors = interceptors
    }

    /// Serves calls until the transport stops (after ``beginGracefulShutdown()``,
    /// once calls in flight have finished); throws if the transport fails.
    public func serve() async throws {
        try await transport.listen { stream, context in
            await self.handle(stream: stream, context: context)
        }
    }

    /// Stops accepting calls; calls in flight may finish.
    public func beginGracefulShutdown() {
        transport.beginGracefulShutdown()
    }

    private enum Outcome: Sendable {
        case finished(trailing: Metadata)
        case failed(any Error)
        case deadlineExceeded
        case cancelledByClient
    }

    /// Serves one call from start to end; never throws.
    func handle(stream: RPCServerStream, context: ServerContext) async {
        let outbound = stream.outbound
        let gate = ResponseGate(outbound)
        let fullyQualifiedMethod = stream.descriptor.fullyQualifiedMethod
        guard let handler = router.handler(for: fullyQualifiedMethod) else {
            await gate.finish(
                status: Status(code: .unimplemented, message: "Method '\(fullyQualifiedMethod)' is not implemented."),
                trailing: Metadata())
            return
        }

        let nextPart = stream.inbound.makeAsyncIterator().nextElement
        let requestMetadata: Metadata
        do {
            guard case .metadata(let metadata) = try await nextPart() else {
                throw RPCError(code: .internalError, message: "The request did not start with metadata.")
            }
            requestMetadata = metadata
        } catch {
            let error = RPCError(converting: error)
            await gate.finish(status: error.status, trailing: error.metadata)
            return
        }

        var context = context
        context.requestMetadata = requestMetadata
        let request = StreamingServerRequest<[UInt8]>(
            metadata: requestMetadata,
            messages: RPCAsyncSequence(next: {
                switch try await nextPart() {
                case .message(let bytes): return bytes
                case .metadata: throw RPCError(code: .internalError, message: "Request metadata arrived twice.")
                case nil: return nil
                }
            }))
        let callContext = context
        let interceptors = self.interceptors[...]
        let run: @Sendable () async -> Outcome = {
            do {
                let response = try await ServerInterceptorChain.run(
                    interceptors, request: request, context: callContext
                ) { request, context in try await handler(request, context) }
                try await gate.write(.metadata(response.metadata))
                let trailing = try await response.producer(RPCWriter(write: { try await gate.write(.message($0)) }))
                return .finished(trailing: trailing)
            } catch {
                return .failed(error)
            }
        }

        // The client cancelling (or going away) cancels the handler's task.
        let task = UnsafeTaskHandle()
        let outcome = await callContext.cancellation.whileWatching({ _ in task.cancel() }) { () async -> Outcome in
            guard let deadline = callContext.deadline else {
                // No deadline: the handler runs in this task, no other task is needed.
                return await task.running(run)
            }
            // With a deadline, a second task answers DEADLINE_EXCEEDED at once when it
            // passes, whether or not the handler stops.
            return await task.running {
                await withTaskGroup(of: Outcome?.self) { group in
                    group.addTask { await run() }
                    group.addTask {
                        do {
                            try await deadline.sleep()
                            return .deadlineExceeded
                        } catch {
                            return nil
                        }
                    }
                    var outcome: Outcome = .cancelledByClient
                    while let next = await group.next() {
                        if let next {
                            outcome = next
                            break
                        }
                    }
                    // The handler learns why before it is cancelled.
                    if case .deadlineExceeded = outcome { callContext.cancellation.cancel(reason: .deadlineExceeded) }
                    group.cancelAll()
                    return outcome
                }
            }
        }
        switch outcome {
        case .finished(let trailing) where !callContext.cancellation.isCancelled:
            await gate.finish(status: .ok, trailing: trailing)
        case .finished, .failed:
            switch callContext.cancellation.reason {
            case .deadlineExceeded:
                await gate.finish(status: Self.deadlineStatus, trailing: Metadata())
            case .clientCancelled, .serverShutdown:
                await gate.finish(status: Self.cancelledStatus, trailing: Metadata())
            case nil:
                guard case .failed(let failure) = outcome else { return }
                let error = RPCError(converting: failure)
                await gate.finish(status: error.status, trailing: error.metadata)
            }
        case .deadlineExceeded:
            await gate.finish(status: Self.deadlineStatus, trailing: Metadata())
        case .cancelledByClient:
            await gate.finish(status: Self.cancelledStatus, trailing: Metadata())
        }
    }

    private static let cancelledStatus = Status(code: .cancelled, message: "The call was cancelled.")
    private static let deadlineStatus = Status(code: .deadlineExceeded, message: "The call's deadline passed.")
}

/// The task running a call, so that the call's cancellation can cancel it.
private final class UnsafeTaskHandle: Sendable {
    /// Cancelling a task from another thread is what `UnsafeCurrentTask.cancel()` is
    /// for; the handle is dropped before the task goes on to other work.
    private struct TaskRef: @unchecked Sendable {
        let task: UnsafeCurrentTask
    }

    private struct State {
        var task: TaskRef?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Runs `body` in the current task, which ``cancel()`` cancels meanwhile.
    func running<T: Sendable>(_ body: () async -> T) async -> T {
        let cancelNow = withUnsafeCurrentTask { task in
            let ref = task.map(TaskRef.init)
            return state.withLock { state -> Bool in
                state.task = ref
                return state.cancelled
            }
        }
        if cancelNow { withUnsafeCurrentTask { $0?.cancel() } }
        defer { state.withLock { $0.task = nil } }
        return await body()
    }

    /// Cancels the task while it runs `body`, or at once when it starts.
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            state.task?.task.cancel()
        }
    }
}

/// Serializes the end of a response: once the status is written, later writes from
/// a handler that outlived its call (deadline, cancellation) fail instead of
/// following the status.
private final class ResponseGate: Sendable {
    private let outbound: RPCWriter<RPCResponsePart>
    private let closed = Atomic<Bool>(false)

    init(_ outbound: RPCWriter<RPCResponsePart>) {
        self.outbound = outbound
    }

    func write(_ part: RPCResponsePart) async throws {
        guard !closed.load(ordering: .acquiring) else {
            throw RPCError(code: .cancelled, message: "The call has already ended.")
        }
        try await outbound.write(part)
    }

    /// Writes the status (once, its message cut to `Status.maxMessageBytes`) and
    /// finishes the stream; failures to write mean the client has gone and are ignored.
    func finish(status: Status, trailing: Metadata) async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? await outbound.write(.status(status.withMessageCut, trailing: trailing))
        await outbound.finish()
    }
}
