import ProtectionMessages
import RPCCore

/// The one place calls are let in, before any handler runs:
/// 1. authentication: the bearer token in `authorization` metadata names one
///    credential, so one role and one principal (else UNAUTHENTICATED);
/// 2. authorization: the role must be one the rpc's schema declares
///    (`Roles:`, carried by the generated method tables; else PERMISSION_DENIED),
///    and a role declared `(own)` reaches only the principal's own records;
/// 3. the caller's rate limit for the rpc's class (else RESOURCE_EXHAUSTED with
///    `retry-after-ms` in the trailing metadata).
/// Every refusal, and every NOT_FOUND a handler answers for another party's
/// record, is audited and counted by the ``RefusalLog``.
public struct AccessInterceptor: ServerInterceptor {
    let book: CredentialBook
    let roles: [String: MethodRoles]
    let limiter: RateLimiter
    let refusals: RefusalLog

    init(book: CredentialBook, roles: [String: MethodRoles], limiter: RateLimiter, refusals: RefusalLog) {
        self.book = book
        self.roles = roles
        self.limiter = limiter
        self.refusals = refusals
    }

    public func intercept(
        request: StreamingServerRequest<[UInt8]>, context: ServerContext,
        next: (StreamingServerRequest<[UInt8]>, ServerContext) async throws -> StreamingServerResponse<[UInt8]>
    ) async throws -> StreamingServerResponse<[UInt8]> {
        let method = context.descriptor.fullyQualifiedMethod
        let credential: Credential
        switch book.authenticate(request.metadata.firstString(forKey: BearerToken.metadataKey)) {
        case .success(let found): credential = found
        case .failure(let failure):
            await refusals.record(.unauthenticated, method: method, actor: ActorRef(), reason: failure.reason, peer: context.peer)
            throw RPCError(code: .unauthenticated, message: failure.message)
        }
        let caller = Caller(role: credential.role, id: credential.principalId)
        let principal = "\(caller.roleName):\(caller.id)"
        CallObserver.current?.setPrincipal(principal)
        guard let scope = roles[method]?.scope(of: caller.roleName) else {
            let declared = roles[method]?.description ?? "none"
            await refusals.record(
                .permissionDenied, method: method, actor: caller.actor,
                reason: "role \(caller.roleName) is not declared (declared: \(declared))", peer: context.peer)
            throw RPCError(
                code: .permissionDenied,
                message: "The role \(caller.roleName) may not call \(context.descriptor.method) (declared: \(declared)).")
        }
        if let wait = limiter.take(principal: principal, RateClass.of(method: context.descriptor.method)) {
            await refusals.record(
                .rateLimited, method: method, actor: caller.actor, reason: "over the rate limit, retry after \(wait) ms",
                peer: context.peer)
            var metadata = Metadata()
            try? metadata.addString(String(wait), forKey: RPCError.retryAfterMillisecondsKey)
            throw RPCError(
                code: .resourceExhausted, message: "Too many calls of this kind; retry after \(wait) ms.", metadata: metadata)
        }
        var authorized = context
        authorized.principal = caller.principal(scope: scope)
        let peer = context.peer
        let audit: @Sendable (any Error) async -> Void = { [refusals] error in
            guard let rpc = error as? RPCError, let hidden = rpc.cause as? NotVisible else { return }
            await refusals.record(.notVisible, method: method, actor: caller.actor, reason: hidden.what, peer: peer)
        }
        do {
            var response = try await next(request, authorized)
            let producer = response.producer
            response.producer = { writer in
                do {
                    return try await producer(writer)
                } catch {
                    await audit(error)
                    throw error
                }
            }
            return response
        } catch {
            await audit(error)
            throw error
        }
    }
}

/// The cause of a NOT_FOUND answered for another party's record: the answer is the
/// same as for a missing one; the audit log says what was hidden.
struct NotVisible: Error {
    var what: String
}
