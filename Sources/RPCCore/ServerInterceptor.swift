/// Sees every call a server handles, on serialized messages, before the handler.
///
/// It may read or change the request metadata and the context (e.g. set the
/// ``ServerContext/principal`` after checking credentials), refuse the call by
/// throwing an ``RPCError``, and change the response metadata, messages and
/// trailing metadata returned by `next`. Interceptors run in the order given to
/// the server, the first outermost. They do not run for unknown methods.
public protocol ServerInterceptor: Sendable {
    func intercept(
        request: StreamingServerRequest<[UInt8]>, context: ServerContext,
        next: (StreamingServerRequest<[UInt8]>, ServerContext) async throws -> StreamingServerResponse<[UInt8]>
    ) async throws -> StreamingServerResponse<[UInt8]>
}

/// Runs a request through server interceptors.
enum ServerInterceptorChain {
    /// Runs `request` through `interceptors` (first outermost), then `last`.
    static func run(
        _ interceptors: ArraySlice<any ServerInterceptor>, request: StreamingServerRequest<[UInt8]>,
        context: ServerContext,
        last: (StreamingServerRequest<[UInt8]>, ServerContext) async throws -> StreamingServerResponse<[UInt8]>
    ) async throws -> StreamingServerResponse<[UInt8]> {
        guard let first = interceptors.first else { return try await last(request, context) }
        return try await first.intercept(request: request, context: context) { request, context in
            try await run(interceptors.dropFirst(), request: request, context: context, last: last)
        }
    }
}

/// A request as the server receives it: metadata, then messages.
public struct StreamingServerRequest<Message: Sendable>: Sendable {
    /// The request metadata (also in ``ServerContext/requestMetadata``).
    public var metadata: Metadata
    /// The request messages (single consumer).
    public var messages: RPCAsyncSequence<Message>

    public init(metadata: Metadata, messages: RPCAsyncSequence<Message>) {
        self.metadata = metadata
        self.messages = messages
    }
}

/// A response as the server sends it: initial metadata, then messages written by a
/// producer that returns the trailing metadata. The status is OK when the producer
/// returns, and follows from the error when it throws.
public struct StreamingServerResponse<Message: Sendable>: Sendable {
    /// The initial response metadata.
    public var metadata: Metadata
    /// Writes the response messages and returns the trailing metadata.
    public var producer: @Sendable (RPCWriter<Message>) async throws -> Metadata

    public init(
        metadata: Metadata = Metadata(),
        producer: @escaping @Sendable (RPCWriter<Message>) async throws -> Metadata
    ) {
        self.metadata = metadata
        self.producer = producer
    }

    /// A response of exactly one message.
    public init(metadata: Metadata = Metadata(), message: Message, trailingMetadata: Metadata = Metadata()) {
        self.init(metadata: metadata) { writer in
            try await writer.write(message)
            return trailingMetadata
        }
    }

    /// The same response with trailing metadata from `other` appended to what the
    /// producer returns.
    public func addingTrailingMetadata(_ other: Metadata) -> StreamingServerResponse<Message> {
        let producer = self.producer
        return StreamingServerResponse(metadata: metadata) { writer in
            var trailing = try await producer(writer)
            trailing.add(contentsOf: other)
            return trailing
        }
    }
}
