extension RPCRouter {
    /// Registers a handler taking one request and returning one response.
    public mutating func registerUnary<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: @escaping @Sendable ([UInt8]) throws -> Request,
        serializer: @escaping @Sendable (Response) throws -> [UInt8],
        handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        register(descriptor) { request, context in
            let message = try await Self.single(request.messages, deserializer)
            let response = try await handler(message, context)
            return StreamingServerResponse(message: try serializer(response))
        }
    }

    /// Registers a handler taking one request and writing any number of responses.
    public mutating func registerServerStreaming<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: @escaping @Sendable ([UInt8]) throws -> Request,
        serializer: @escaping @Sendable (Response) throws -> [UInt8],
        handler: @escaping @Sendable (Request, RPCWriter<Response>, ServerContext) async throws -> Void
    ) {
        register(descriptor) { request, context in
            let message = try await Self.single(request.messages, deserializer)
            return StreamingServerResponse { writer in
                try await handler(message, writer.map(serializer).withoutFinish(), context)
                return Metadata()
            }
        }
    }

    /// Registers a handler reading any number of requests and returning one response.
    public mutating func registerClientStreaming<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: @escaping @Sendable ([UInt8]) throws -> Request,
        serializer: @escaping @Sendable (Response) throws -> [UInt8],
        handler: @escaping @Sendable (RPCAsyncSequence<Request>, ServerContext) async throws -> Response
    ) {
        register(descriptor) { request, context in
            let response = try await handler(Self.decoding(request.messages, deserializer), context)
            return StreamingServerResponse(message: try serializer(response))
        }
    }

    /// Registers a handler reading any number of requests and writing any number of
    /// responses, concurrently if it likes.
    public mutating func registerBidirectionalStreaming<Request: Sendable, Response: Sendable>(
        _ descriptor: MethodDescriptor,
        deserializer: @escaping @Sendable ([UInt8]) throws -> Request,
        serializer: @escaping @Sendable (Response) throws -> [UInt8],
        handler: @escaping @Sendable (RPCAsyncSequence<Request>, RPCWriter<Response>, ServerContext) async throws
            -> Void
    ) {
        register(descriptor) { request, context in
            let messages = Self.decoding(request.messages, deserializer)
            return StreamingServerResponse { writer in
                try await handler(messages, writer.map(serializer).withoutFinish(), context)
                return Metadata()
            }
        }
    }

    /// Request messages decoded one by one; a message that fails to decode ends the
    /// call with `INVALID_ARGUMENT` (an ``RPCError`` thrown by the deserializer is kept).
    static func decoding<Request: Sendable>(
        _ messages: RPCAsyncSequence<[UInt8]>, _ deserializer: @escaping @Sendable ([UInt8]) throws -> Request
    ) -> RPCAsyncSequence<Request> {
        messages.mapElements { bytes in try decode(bytes, deserializer) }
    }

    /// Exactly one request message, decoded; `INVALID_ARGUMENT` when there are none or several.
    static func single<Request: Sendable>(
        _ messages: RPCAsyncSequence<[UInt8]>, _ deserializer: @escaping @Sendable ([UInt8]) throws -> Request
    ) async throws -> Request {
        var iterator = messages.makeAsyncIterator()
        guard let first = try await iterator.next() else {
            throw RPCError(code: .invalidArgument, message: "Expected one request message, received none.")
        }
        guard try await iterator.next() == nil else {
            throw RPCError(code: .invalidArgument, message: "Expected one request message, received several.")
        }
        return try decode(first, deserializer)
    }

    private static func decode<Request>(
        _ bytes: [UInt8], _ deserializer: ([UInt8]) throws -> Request
    ) throws -> Request {
        do {
            return try deserializer(bytes)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .invalidArgument, message: "The request message could not be decoded.", cause: error)
        }
    }
}
