/// Who made an authenticated call: set by an authenticating server interceptor.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// A stable identifier, e.g. a service account or user id.
    public var id: String
    /// The role the principal acts in, e.g. `"after-sales"` or `"reviewer"`.
    public var role: String
    /// Further claims, e.g. a merchant id or a tenant.
    public var attributes: [String: String]

    public init(id: String, role: String, attributes: [String: String] = [:]) {
        self.id = id
        self.role = role
        self.attributes = attributes
    }

    public var description: String { "\(id) (\(role))" }
}

/// What a handler knows about the call it serves, besides its messages.
public struct ServerContext: Sendable {
    /// The method being called.
    public var descriptor: MethodDescriptor
    /// The remote peer, e.g. `ipv4:127.0.0.1:54321` or `in-process:3`.
    public var peer: String
    /// When the call must complete, if the client set a timeout.
    public var deadline: Deadline?
    /// The authenticated caller; `nil` until an interceptor authenticates the call.
    public var principal: Principal?
    /// The metadata sent with the request.
    public var requestMetadata: Metadata
    /// Triggered when the call is cancelled: deadline expiry, client cancellation or
    /// server shutdown. Handlers may check or await it; their task is also cancelled.
    public let cancellation: Cancellation

    public init(
        descriptor: MethodDescriptor, peer: String, deadline: Deadline? = nil, principal: Principal? = nil,
        requestMetadata: Metadata = Metadata(), cancellation: Cancellation = Cancellation()
    ) {
        self.descriptor = descriptor
        self.peer = peer
        self.deadline = deadline
        self.principal = principal
        self.requestMetadata = requestMetadata
        self.cancellation = cancellation
    }
}
