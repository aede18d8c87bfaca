import ProtectionMessages
import RPCCore

/// Who is calling: a principal in one role, set by the authenticating interceptor
/// before any handler runs.
public struct Caller: Sendable, Hashable {
    public var role: Role
    public var id: String

    public init(role: Role, id: String) {
        self.role = role
        self.id = id
    }

    /// The caller of a call; UNAUTHENTICATED when no interceptor set one.
    init(_ context: ServerContext) throws {
        guard let principal = context.principal, let role = Self.role(named: principal.role), !principal.id.isEmpty else {
            throw RPCError(code: .unauthenticated, message: "The call has no authenticated principal.")
        }
        self.init(role: role, id: principal.id)
    }

    /// The caller as an audit record names it.
    var actor: ActorRef {
        var actor = ActorRef()
        actor.role = role
        actor.principalId = id
        return actor
    }

    /// The service itself (the sweeper).
    static let system = Caller(role: .system, id: "clock")

    /// Whether the caller may see a record of `merchantID` about `buyerID`: a merchant
    /// only its own store's, a buyer only its own; staff and services everything.
    func maySee(merchantID: String, buyerID: String) -> Bool {
        switch role {
        case .merchant: merchantID == id
        case .buyer: buyerID == id
        default: true
        }
    }

    /// The store a request names, or the calling merchant's when it names none.
    /// Other roles must name one; a merchant naming another store is refused like
    /// a missing record, so existence does not leak.
    func merchant(_ requested: String, field: String = "merchant_id") throws -> String {
        switch (role, requested.isEmpty) {
        case (.merchant, true): return id
        case (.merchant, false) where requested != id:
            throw ServiceError.notFound("No merchant '\(requested)' is visible to this caller.")
        case (_, true): throw ServiceError.invalid(field, "is required for a caller who is not a merchant")
        default: return requested
        }
    }

    /// The buyer a request names; a buyer may only name itself.
    func buyer(_ requested: String, field: String = "buyer_id") throws -> String {
        switch (role, requested.isEmpty) {
        case (.buyer, true): return id
        case (.buyer, false) where requested != id:
            throw ServiceError.notFound("No buyer '\(requested)' is visible to this caller.")
        case (_, true): throw ServiceError.invalid(field, "is required")
        default: return requested
        }
    }

    /// The role a principal's role name stands for: `merchant`, `buyer`, `reviewer`,
    /// `internal_service` or `admin` (any case, `-` for `_`, or the enum value's full name).
    static func role(named name: String) -> Role? {
        if let role = knownNames[name] { return role }
        let short = String(name.lowercased().map { $0 == "-" ? "_" : $0 })
        return knownNames[short.hasPrefix("role_") ? String(short.dropFirst(5)) : short]
    }

    /// Every role a caller may act in, by its short name (the common spellings first,
    /// found without any string work).
    static let knownNames: [String: Role] = [
        "merchant": .merchant, "buyer": .buyer, "reviewer": .reviewer, "internal_service": .internalService,
        "admin": .admin, "ROLE_MERCHANT": .merchant, "ROLE_BUYER": .buyer, "ROLE_REVIEWER": .reviewer,
        "ROLE_INTERNAL_SERVICE": .internalService, "ROLE_ADMIN": .admin,
    ]
}

/// Names the caller from call metadata (`x-principal-role`, `x-principal-id`):
/// the one place authentication happens, so that tokens can replace it. A call
/// without a principal is refused with UNAUTHENTICATED before any handler runs;
/// health and reflection need none.
public struct MetadataPrincipalInterceptor: ServerInterceptor {
    public static let roleKey = "x-principal-role"
    public static let idKey = "x-principal-id"
    /// Services callable without a principal.
    public var openServices: Set<String>

    public init(openServices: Set<String>) {
        self.openServices = openServices
    }

    public func intercept(
        request: StreamingServerRequest<[UInt8]>, context: ServerContext,
        next: (StreamingServerRequest<[UInt8]>, ServerContext) async throws -> StreamingServerResponse<[UInt8]>
    ) async throws -> StreamingServerResponse<[UInt8]> {
        if openServices.contains(context.descriptor.service) { return try await next(request, context) }
        guard let roleName = request.metadata.firstString(forKey: Self.roleKey),
            let id = request.metadata.firstString(forKey: Self.idKey), !id.isEmpty
        else {
            throw RPCError(
                code: .unauthenticated,
                message: "No principal: send '\(Self.roleKey)' and '\(Self.idKey)' metadata with the call.")
        }
        guard Caller.role(named: roleName) != nil else {
            throw RPCError(
                code: .unauthenticated,
                message: "'\(roleName)' is not a role (merchant, buyer, reviewer, internal_service or admin).")
        }
        var context = context
        context.principal = Principal(id: id, role: roleName)
        return try await next(request, context)
    }
}
