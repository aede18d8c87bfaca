/// What a client interceptor knows about a call besides its messages.
public struct ClientContext: Sendable {
    /// The method being called.
    public var descriptor: MethodDescriptor
    /// The options the call was made with.
    public var options: CallOptions

    public init(descriptor: MethodDescriptor, options: CallOptions) {
        self.descriptor = descriptor
        self.options = options
    }
}

/// Sees every call a client makes, on serialized messages: it may change the
/// request metadata and messages before calling `next`, and read or change the
/// response metadata, messages and trailing metadata it returns.
///
/// Interceptors run in the order given to the client, the first outermost. They run
/// once a stream to the server is open. To fail a call, throw an ``RPCError``.
///
/// ```swift
/// struct Traceparent: ClientInterceptor {
///     func intercept(
///         request: StreamingClientRequest<[UInt8]>, context: ClientContext,
///         next: (StreamingClientRequest<[UInt8]>, ClientContext) async throws -> StreamingClientResponse<[UInt8]>
///     ) async throws -> StreamingClientResponse<[UInt8]> {
///         var request = request
///         try request.metadata.replaceString(makeTraceparent(), forKey: "traceparent")
///         return try await next(request, context)
///     }
/// }
/// ```
public protocol ClientInterceptor: Sendable {
    func intercept(
        request: StreamingClientRequest<[UInt8]>, context: ClientContext,
        next: (StreamingClientRequest<[UInt8]>, ClientContext) async throws -> StreamingClientResponse<[UInt8]>
    ) async throws -> StreamingClientResponse<[UInt8]>
}

/// Runs a request through client interceptors.
enum ClientInterceptorChain {
    /// Runs `request` through `interceptors` (first outermost), then `last`.
    static func run(
        _ interceptors: ArraySlice<any ClientInterceptor>, request: StreamingClientRequest<[UInt8]>,
        context: ClientContext,
        last: (StreamingClientRequest<[UInt8]>, ClientContext) async throws -> StreamingClientResponse<[UInt8]>
    ) async throws -> StreamingClientResponse<[UInt8]> {
        guard let first = interceptors.first else { return try await last(request, context) }
        return try await first.intercept(request: request, context: context) { request, context in
            try await run(interceptors.dropFirst(), request: request, context: context, last: last)
        }
    }
}

/// A request as the client sends it: metadata, then messages written by a producer.
public struct StreamingClientRequest<Message: Sendable>: Sendable {
    private enum Body: Sendable {
        case single(Message)
        case producer(@Sendable (RPCWriter<Message>) async throws -> Void)
    }

    /// The request metadata.
    public var metadata: Metadata
    private var body: Body

    /// Writes the request messages; the writer is finished when it returns.
    public var producer: @Sendable (RPCWriter<Message>) async throws -> Void {
        get {
            switch body {
            case .single(let message): { try await $0.write(message) }
            case .producer(let producer): producer
            }
        }
        set { body = .producer(newValue) }
    }

    /// The one message of a request made with ``init(metadata:message:)`` (and whose
    /// producer was not replaced since), which a client can write without a producer.
    public var singleMessage: Message? {
        if case .single(let message) = body { message } else { nil }
    }

    public init(
        metadata: Metadata = Metadata(), producer: @escaping @Sendable (RPCWriter<Message>) async throws -> Void
    ) {
        self.metadata = metadata
        self.body = .producer(producer)
    }

    /// A request of exactly one message.
    public init(metadata: Metadata = Metadata(), message: Message) {
        self.metadata = metadata
        self.body = .single(message)
    }
}

/// A response as the client receives it: the initial metadata, then body parts
/// (messages, then the trailing metadata). A non-OK status is thrown by the body
/// parts sequence as an ``RPCError`` carrying the trailing metadata.
public struct StreamingClientResponse<Message: Sendable>: Sendable {
    /// A part of the response body.
    public enum BodyPart: Sendable {
        case message(Message)
        case trailingMetadata(Metadata)
    }

    /// The initial response metadata.
    public var metadata: Metadata
    /// The messages, then the trailing metadata (single consumer).
    public var bodyParts: RPCAsyncSequence<BodyPart>

    public init(metadata: Metadata, bodyParts: RPCAsyncSequence<BodyPart>) {
        self.metadata = metadata
        self.bodyParts = bodyParts
    }

    /// The messages alone (the trailing metadata is dropped).
    public var messages: RPCAsyncSequence<Message> {
        let parts = bodyParts
        return RPCAsyncSequence(unsafeMakeNext: {
            let next = parts.makeAsyncIterator().nextElement
            return {
                while let part = try await next() {
                    if case .message(let message) = part { return message }
                }
                return nil
            }
        })
    }

    /// The same response with every message converted.
    public func map<New: Sendable>(
        _ transform: @escaping @Sendable (Message) throws -> New
    ) -> StreamingClientResponse<New> {
        StreamingClientResponse<New>(
            metadata: metadata,
            bodyParts: bodyParts.mapElements { part in
                switch part {
                case .message(let message): .message(try transform(message))
                case .trailingMetadata(let trailing): .trailingMetadata(trailing)
                }
            })
    }
}

/// A complete single-message response.
public struct ClientResponse<Message: Sendable>: Sendable {
    /// The initial response metadata.
    public var metadata: Metadata
    /// The response message.
    public var message: Message
    /// The trailing metadata sent with the OK status.
    public var trailingMetadata: Metadata

    public init(metadata: Metadata, message: Message, trailingMetadata: Metadata) {
        self.metadata = metadata
        self.message = message
        self.trailingMetadata = trailingMetadata
    }
}
