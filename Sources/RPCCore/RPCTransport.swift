/// Accepts calls from clients and hands each one to the server as a stream.
public protocol ServerTransport: Sendable {
    /// Starts accepting calls and runs `streamHandler` for each (concurrently), each
    /// in a task of its own: the server cancels that task when the call is cancelled.
    ///
    /// The context passed with each stream carries the method, the peer, the
    /// deadline (if the client set a timeout) and a cancellation handle that the
    /// transport triggers when the client cancels or disconnects; its request
    /// metadata is empty (the server reads it from the first part).
    ///
    /// Returns once ``beginGracefulShutdown()`` has been called and every accepted
    /// stream has finished; throws if listening fails.
    func listen(
        streamHandler: @escaping @Sendable (_ stream: RPCServerStream, _ context: ServerContext) async -> Void
    ) async throws

    /// Stops accepting new calls; calls in flight may finish.
    func beginGracefulShutdown()
}

/// Opens calls to a server as streams.
public protocol ClientTransport: Sendable {
    /// Establishes and maintains the connection(s); returns after
    /// ``beginGracefulShutdown()`` has been called (a transport may first let open
    /// streams finish).
    func connect() async throws

    /// Opens a stream for one call and runs `body` with it; the stream is closed
    /// when `body` returns or throws. If `body` exits before the server has sent
    /// its status, the call is cancelled on the server.
    ///
    /// The transport conveys `options.timeout` to the server as the call's deadline.
    /// Throws ``RPCError/Code/unavailable`` when no stream can be opened.
    func withStream<Result: Sendable>(
        descriptor: MethodDescriptor, options: CallOptions,
        _ body: (_ stream: RPCClientStream) async throws -> Result
    ) async throws -> Result

    /// Stops opening new streams; open streams may finish.
    func beginGracefulShutdown()
}
