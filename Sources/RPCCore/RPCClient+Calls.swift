extension RPCClient {
    /// Calls a unary method: one request, one response.
    public func unary<Request: Sendable, Response: Sendable>(
        request: Request, metadata: Metadata = Metadata(), descriptor: MethodDescriptor,
        serializer: @escaping @Sendable (Request) throws -> [UInt8],
        deserializer: @escaping @Sendable ([UInt8]) throws -> Response,
        options: CallOptions = .defaults
    ) async throws -> ClientResponse<Response> {
        try await call(
            descriptor: descriptor,
            request: Self.encoding(StreamingClientRequest(metadata: metadata, message: request), serializer),
            options: options
        ) { response in
            try await Self.single(response, deserializer)
        }
    }

    /// Calls a server-streaming method: one request, then `onResponse` reads the
    /// responses (its result is returned).
    public func serverStreaming<Request: Sendable, Response: Sendable, Result: Sendable>(
        request: Request, metadata: Metadata = Metadata(), descriptor: MethodDescriptor,
        serializer: @escaping @Sendable (Request) throws -> [UInt8],
        deserializer: @escaping @Sendable ([UInt8]) throws -> Response,
        options: CallOptions = .defaults,
        onResponse: @escaping @Sendable (StreamingClientResponse<Response>) async throws -> Result
    ) async throws -> Result {
        try await call(
            descriptor: descriptor,
            request: Self.encoding(StreamingClientRequest(metadata: metadata, message: request), serializer),
            options: options
        ) { response in
            try await onResponse(response.map { try Self.decode($0, deserializer) })
        }
    }

    /// Calls a client-streaming method: `requestProducer` writes the requests, the
    /// server answers with one response.
    public func clientStreaming<Request: Sendable, Response: Sendable>(
        metadata: Metadata = Metadata(), descriptor: MethodDescriptor,
        serializer: @escaping @Sendable (Request) throws -> [UInt8],
        deserializer: @escaping @Sendable ([UInt8]) throws -> Response,
        options: CallOptions = .defaults,
        requestProducer: @escaping @Sendable (RPCWriter<Request>) async throws -> Void
    ) async throws -> ClientResponse<Response> {
        try await call(
            descriptor: descriptor,
            request: Self.encoding(StreamingClientRequest(metadata: metadata, producer: requestProducer), serializer),
            options: options
        ) { response in
            try await Self.single(response, deserializer)
        }
    }

    /// Calls a bidirectional-streaming method: `requestProducer` writes the requests
    /// while `onResponse` reads the responses (its result is returned).
    public func bidirectionalStreaming<Request: Sendable, Response: Sendable, Result: Sendable>(
        metadata: Metadata = Metadata(), descriptor: MethodDescriptor,
        serializer: @escaping @Sendable (Request) throws -> [UInt8],
        deserializer: @escaping @Sendable ([UInt8]) throws -> Response,
        options: CallOptions = .defaults,
        requestProducer: @escaping @Sendable (RPCWriter<Request>) async throws -> Void,
        onResponse: @escaping @Sendable (StreamingClientResponse<Response>) async throws -> Result
    ) async throws -> Result {
        try await call(
            descriptor: descriptor,
            request: Self.encoding(StreamingClientRequest(metadata: metadata, producer: requestProducer), serializer),
            options: options
        ) { response in
            try await onResponse(response.map { try Self.decode($0, deserializer) })
        }
    }

    private static func encoding<Request: Sendable>(
        _ request: StreamingClientRequest<Request>, _ serializer: @escaping @Sendable (Request) throws -> [UInt8]
    ) -> StreamingClientRequest<[UInt8]> {
        if let message = request.singleMessage, let bytes = try? serializer(message) {
            return StreamingClientRequest(metadata: request.metadata, message: bytes)
        }
        let producer = request.producer
        return StreamingClientRequest(metadata: request.metadata) { writer in
            try await producer(writer.map(serializer).withoutFinish())
        }
    }

    /// Exactly one response message and the trailing metadata.
    private static func single<Response: Sendable>(
        _ response: StreamingClientResponse<[UInt8]>, _ deserializer: @escaping @Sendable ([UInt8]) throws -> Response
    ) async throws -> ClientResponse<Response> {
        var message: [UInt8]?
        var trailing = Metadata()
        for try await part in response.bodyParts {
            switch part {
            case .message(let bytes):
                guard message == nil else {
                    throw RPCError(code: .internalError, message: "Expected one response message, received several.")
                }
                message = bytes
            case .trailingMetadata(let metadata):
                trailing = metadata
            }
        }
        guard let message else {
            throw RPCError(code: .internalError, message: "Expected one response message, received none.")
        }
        return ClientResponse(
            metadata: response.metadata, message: try decode(message, deserializer), trailingMetadata: trailing)
    }

    /// A response message decoded; failures become `INTERNAL` (an ``RPCError`` is kept).
    private static func decode<Response>(
        _ bytes: [UInt8], _ deserializer: ([UInt8]) throws -> Response
    ) throws -> Response {
        do {
            return try deserializer(bytes)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .internalError, message: "The response message could not be decoded.", cause: error)
        }
    }
}
