import ProtectionMessages
import RPCCore

/// Who is calling: a principal in one role, named by the credential the access
/// interceptor checked before any handler ran, and whether the rpc reaches only
/// the principal's own records (its `Roles:` line says `(own)`).
public struct Caller: Sendable, Hashable {
    public var role: Role
    public var id: String
    /// Only the principal's own records: a merchant's store's, a buyer's own.
    public var ownRecordsOnly: Bool

    public init(role: Role, id: String, ownRecordsOnly: Bool? = nil) {
        self.role = role
        self.id = id
        self.ownRecordsOnly = ownRecordsOnly ?? (role == .merchant || role == .buyer)
    }

    /// The principal attribute that limits a call to the principal's own records.
    static let scopeAttribute = "scope"

    /// The caller of a call; UNAUTHENTICATED when no interceptor set one.
    init(_ context: ServerContext) throws {
        guard let principal = context.principal, let role = Self.knownNames[principal.role], !principal.id.isEmpty else {
            throw RPCError(code: .unauthenticated, message: "The call has no authenticated principal.")
        }
        self.init(role: role, id: principal.id, ownRecordsOnly: principal.attributes[Self.scopeAttribute] == "own")
    }

    /// The principal a handler sees, for a call reaching `scope`.
    func principal(scope: MethodRoles.Scope) -> Principal {
        Principal(id: id, role: roleName, attributes: scope == .ownRecords ? [Self.scopeAttribute: "own"] : [:])
    }

    /// The caller as an audit record names it.
    var actor: ActorRef {
        var actor = ActorRef()
        actor.role = role
        actor.principalId = id
        return actor
    }

    /// The role's name in `Roles:` declarations (`internal_service`).
    var roleName: String { role.callerName }

    /// The service itself (the sweeper).
    static let system = Caller(role: .system, id: "clock")

    /// Whether the caller may see a record of `merchantID` about `buyerID`: limited to
    /// its own records, a merchant only its own store's and a buyer only its own.
    func maySee(merchantID: String, buyerID: String) -> Bool {
        guard ownRecordsOnly else { return true }
        switch role {
        case .merchant: return merchantID == id
        case .buyer: return buyerID == id
        default: return true
        }
    }

    /// The store a request names, or the calling merchant's when it names none.
    /// Other roles must name one; a merchant limited to its own records naming
    /// another store is refused like a missing record, so existence does not leak.
    func merchant(_ requested: String, field: String = "merchant_id") throws -> String {
        let own = role == .merchant && ownRecordsOnly
        switch (own, requested.isEmpty) {
        case (true, true): return id
        case (true, false) where requested != id:
            throw ServiceError.hidden("No merchant '\(requested)' is visible to this caller.", what: "merchant \(requested)")
        case (false, true): throw ServiceError.invalid(field, "is required for a caller who is not a merchant")
        default: return requested
        }
    }

    /// The buyer a request names; a buyer limited to its own records may only name itself.
    func buyer(_ requested: String, field: String = "buyer_id") throws -> String {
        let own = role == .buyer && ownRecordsOnly
        switch (own, requested.isEmpty) {
        case (true, true): return id
        case (true, false) where requested != id:
            throw ServiceError.hidden("No buyer '\(requested)' is visible to this caller.", what: "buyer \(requested)")
        case (false, true): throw ServiceError.invalid(field, "is required")
        default: return requested
        }
    }

    /// `record` when there is one and the caller may see it; else NOT_FOUND saying
    /// `message` either way, another party's record audited as hidden.
    func visible<Record>(
        _ record: Record?, merchantID: (Record) -> String, buyerID: (Record) -> String = { _ in "" }, notFound message: String
    ) throws -> Record {
        guard let record else { throw ServiceError.notFound(message) }
        guard maySee(merchantID: merchantID(record), buyerID: buyerID(record)) else {
            throw ServiceError.hidden(message, what: message)
        }
        return record
    }

    /// The roles callers act in, by the names `Roles:` lines use.
    static let knownNames: [String: Role] = [
        "merchant": .merchant, "buyer": .buyer, "reviewer": .reviewer, "internal_service": .internalService,
        "admin": .admin, "system": .system,
    ]
    fileprivate static let names = Dictionary(uniqueKeysWithValues: knownNames.map { ($1, $0) })
}

extension Role {
    /// The role's name in `Roles:` declarations, tokens and the CLI (`internal_service`).
    public var callerName: String { Caller.names[self] ?? "unspecified" }

    /// The role named `name` as `Roles:` lines spell it (`merchant`, `internal_service`).
    public init?(callerName name: String) {
        guard let role = Caller.knownNames[name] else { return nil }
        self = role
    }
}
