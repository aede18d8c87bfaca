import ProtectionMessages
import ProtectionServices
import RPCCore

/// The credentials a server writes on its first start on an empty data directory,
/// so that it can be called at once: an admin, a reviewer, an internal service,
/// three merchants and three buyers.
public enum DevelopmentCredentials {
    /// Who gets one: role and principal id.
    public static let principals: [(role: Role, id: String)] = [
        (.admin, "admin-1"), (.reviewer, "reviewer-1"), (.internalService, "order-service"),
        (.merchant, "M-1"), (.merchant, "M-2"), (.merchant, "M-3"),
        (.buyer, "B-1"), (.buyer, "B-2"), (.buyer, "B-3"),
    ]

    /// Issues them when the store has no credential yet; nil when it has some.
    public static func issueIfNone(core: ServerCore) async throws -> [IssueTokenResponse]? {
        guard core.credentials.all.isEmpty else { return nil }
        let handler = AccessHandler(core: core)
        var issued: [IssueTokenResponse] = []
        for (role, id) in principals {
            var request = IssueTokenRequest()
            request.idempotencyKey = "development-\(id)"
            request.role = role
            request.principalId = id
            request.label = "development credential"
            issued.append(try await handler.issueToken(request, context: localContext(AccessService.Method.issueToken, as: .system)))
        }
        return issued
    }

    /// The context of a call the process makes itself (not over the wire), as `caller`.
    public static func localContext(_ method: MethodDescriptor, as role: Role, id: String = "bootstrap") -> ServerContext {
        ServerContext(descriptor: method, peer: "local", principal: Caller(role: role, id: id).principal(scope: .all))
    }
}
