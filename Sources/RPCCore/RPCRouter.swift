/// Maps fully-qualified method names to handlers over serialized messages.
///
/// Generated service code registers one handler per method, usually through the
/// typed helpers (``registerUnary(_:deserializer:serializer:handler:)`` and friends);
/// the server answers calls to methods not registered here with `UNIMPLEMENTED`.
public struct RPCRouter: Sendable {
    /// A handler over serialized messages: receives the request, returns the
    /// response (metadata and a producer of messages and trailing metadata).
    /// Throwing before returning answers with the error's status and no messages.
    public typealias Handler = @Sendable (
        _ request: StreamingServerRequest<[UInt8]>, _ context: ServerContext
    ) async throws -> StreamingServerResponse<[UInt8]>

    private var handlers: [String: (descriptor: MethodDescriptor, handler: Handler)] = [:]
    /// Who may call each method, by fully-qualified name, as declared by
    /// ``declareRoles(_:)``; a method absent here declares no one.
    public internal(set) var declaredRoles: [String: MethodRoles] = [:]

    public init() {}

    /// Registers `handler` for `descriptor`, replacing any earlier one.
    public mutating func register(_ descriptor: MethodDescriptor, handler: @escaping Handler) {
        handlers[descriptor.fullyQualifiedMethod] = (descriptor, handler)
    }

    /// Removes the handler for a method; returns whether there was one.
    @discardableResult
    public mutating func removeHandler(for descriptor: MethodDescriptor) -> Bool {
        handlers.removeValue(forKey: descriptor.fullyQualifiedMethod) != nil
    }

    /// The handler for a fully-qualified method name, if registered.
    public func handler(for fullyQualifiedMethod: String) -> Handler? {
        handlers[fullyQualifiedMethod]?.handler
    }

    /// The descriptor registered for a fully-qualified method name, if any.
    public func descriptor(for fullyQualifiedMethod: String) -> MethodDescriptor? {
        handlers[fullyQualifiedMethod]?.descriptor
    }

    /// Whether a handler is registered for `descriptor`.
    public func hasHandler(for descriptor: MethodDescriptor) -> Bool {
        handlers[descriptor.fullyQualifiedMethod] != nil
    }

    /// Every registered method, sorted by fully-qualified name.
    public var methods: [MethodDescriptor] {
        handlers.values.map(\.descriptor).sorted { $0.fullyQualifiedMethod < $1.fullyQualifiedMethod }
    }
}
