import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.AccessService`: bearer tokens issued, listed, rotated and
/// revoked while the server runs. A token is in the answer that makes it and
/// nowhere else: the store keeps its SHA-256, a retry's answer leaves it out.
/// `protection-server tokens` and the development credentials call these same
/// functions with a context of their own.
public struct AccessHandler: AccessService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    /// The roles a token may carry.
    public static let roles: [Role] = [.merchant, .buyer, .reviewer, .internalService, .admin]

    public func issueToken(_ request: IssueTokenRequest, context: ServerContext) async throws -> IssueTokenResponse {
        var check = FieldCheck()
        check.require(Self.roles.contains(request.role), "role", "must be MERCHANT, BUYER, REVIEWER, INTERNAL_SERVICE or ADMIN")
        check.require(!request.principalId.isEmpty, "principal_id", "is required")
        check.length(request.principalId, max: 128, "principal_id")
        check.length(request.label, max: 200, "label")
        try check.check()
        let token = try newToken(key: request.idempotencyKey, context: context)
        let (response, replayed) = try await core.mutateReporting(request, key: request.idempotencyKey, context: context) {
            mutation in
            guard try await core.storeCall({ try await core.store.credential(id: token.credentialID) }) == nil else {
                throw ServiceError.refusal(.alreadyExists, "Credential '\(token.credentialID)' exists.")
            }
            var credential = Credential()
            credential.credentialId = token.credentialID
            credential.role = request.role
            credential.principalId = request.principalId
            credential.label = request.label
            credential.state = .active
            credential.issuedAt = mutation.now
            credential.issuedBy = mutation.caller.actor
            var response = IssueTokenResponse()
            response.credential = credential
            return Decided(
                log: [Self.entry(mutation, credential, hash: token.hash, .created, reason: "Issued a token for \(Self.who(credential)).")],
                response: response)
        }
        var answer = response
        if !replayed { answer.token = token.text }
        return answer
    }

    public func listTokens(_ request: ListTokensRequest, context: ServerContext) async throws -> ListTokensResponse {
        let paging = try ListPage(request, page: \.page)
        let after = paging.cursor?.id ?? ""
        let found = try await core.storeCall { try await core.store.credentials() }.compactMap(\.credential).filter {
            $0.credentialId > after && (request.role == .unspecified || $0.role == request.role)
                && (request.principalId.isEmpty || $0.principalId == request.principalId)
                && (request.state == .unspecified || $0.state == request.state)
        }
        var response = ListTokensResponse()
        (response.credentials, response.page) = paging.cut(Array(found.prefix(paging.size + 1))) {
            PageCursor(time: 0, id: $0.credentialId)
        }
        return response
    }

    public func rotateToken(_ request: RotateTokenRequest, context: ServerContext) async throws -> RotateTokenResponse {
        let token = try newToken(key: request.idempotencyKey, context: context)
        let (response, replayed) = try await core.mutateReporting(request, key: request.idempotencyKey, context: context) {
            mutation in
            let (old, hash, guardian) = try await activeCredential(request.credentialId)
            var rotated = old
            rotated.state = .rotated
            rotated.endedAt = mutation.now
            rotated.replacedBy = token.credentialID
            var credential = old
            credential.credentialId = token.credentialID
            credential.issuedAt = mutation.now
            credential.issuedBy = mutation.caller.actor
            var response = RotateTokenResponse()
            response.rotated = rotated
            response.credential = credential
            return Decided(
                guards: [guardian],
                log: [
                    Self.entry(mutation, rotated, hash: hash, .stateChanged, reason: "Rotated; replaced by \(token.credentialID)."),
                    Self.entry(
                        mutation, credential, hash: token.hash, .created,
                        reason: "Issued by rotation of \(old.credentialId) for \(Self.who(credential))."),
                ],
                response: response)
        }
        var answer = response
        if !replayed { answer.token = token.text }
        return answer
    }

    public func revokeToken(_ request: RevokeTokenRequest, context: ServerContext) async throws -> RevokeTokenResponse {
        var check = FieldCheck()
        check.length(request.reason, max: 500, "reason")
        try check.check()
        return try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let (old, hash, guardian) = try await activeCredential(request.credentialId)
            var revoked = old
            revoked.state = .revoked
            revoked.endedAt = mutation.now
            revoked.revokeReason = request.reason
            var response = RevokeTokenResponse()
            response.credential = revoked
            let why = request.reason.isEmpty ? "Revoked." : "Revoked: \(request.reason)"
            return Decided(guards: [guardian], log: [Self.entry(mutation, revoked, hash: hash, .stateChanged, reason: why)], response: response)
        }
    }

    /// An active credential as stored, its token's hash and the guard of its revision.
    private func activeCredential(_ id: String) async throws -> (Credential, [UInt8], Guard) {
        guard !id.isEmpty else { throw ServiceError.invalid("credential_id", "is required") }
        let guardian = try await core.currentGuard("credential/\(id)")
        guard let record = try await core.storeCall({ try await core.store.credential(id: id) }),
            let credential = record.credential
        else { throw ServiceError.notFound("No credential '\(id)'.") }
        guard credential.state == .active else {
            throw ServiceError.wrongState("Credential '\(id)' is \(credential.state.protoName ?? "") already.")
        }
        return (credential, record.tokenSha256, guardian)
    }

    /// The token a call with idempotency key `key` issues: its credential id follows
    /// from the caller, method and key, so a retry names the same credential.
    private func newToken(key: String, context: ServerContext) throws -> BearerToken {
        let caller = try Caller(context)
        let mutation = Mutation(caller: caller, now: ProtoTimestamp(), method: context.descriptor.fullyQualifiedMethod, key: key)
        return BearerToken.issue(credentialID: mutation.newID("c"))
    }

    private static func entry(
        _ mutation: Mutation, _ credential: Credential, hash: [UInt8], _ action: AuditAction, reason: String
    ) -> LogEntry {
        var record = CredentialRecord()
        record.credential = credential
        record.tokenSha256 = hash
        let event = mutation.event(
            .credential, credential.credentialId, action,
            from: action == .created ? "" : "CREDENTIAL_STATE_ACTIVE", to: credential.state.protoName ?? "", reason: reason)
        return LogEntry(event: event, record: .credential(record))
    }

    private static func who(_ credential: Credential) -> String {
        "\(Caller(role: credential.role, id: credential.principalId).roleName) \(credential.principalId)"
    }
}
