import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.AuditService` from the event log: every state change with
/// who, when, what and why. Merchants and buyers see the events on their own records.
public struct AuditHandler: AuditService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func listAuditEvents(_ request: ListAuditEventsRequest, context: ServerContext) async throws -> ListAuditEventsResponse {
        let caller = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        var check = FieldCheck()
        check.require(request.afterSequence >= 0, "after_sequence", "must not be negative")
        for (index, action) in request.actions.enumerated() { check.known(action, "actions[\(index)]") }
        try check.check()
        var query = EventQuery()
        query.subjectKind = request.subjectKind
        query.subjectID = request.subjectId
        query.actorID = request.actorPrincipalId
        query.merchantID = caller.role == .merchant ? try caller.merchant(request.merchantId) : request.merchantId
        query.buyerID = caller.role == .buyer ? try caller.buyer(request.buyerId) : request.buyerId
        query.actions = request.actions
        query.occurred = window(request.occurredBetween)
        query.afterSequence = max(request.afterSequence, paging.cursor?.time ?? 0)
        query.limit = paging.size + 1
        let found = try await core.storeCall { try await core.store.events(query) }
        var response = ListAuditEventsResponse()
        (response.events, response.page) = paging.cut(found) { PageCursor(time: $0.sequence, id: "") }
        return response
    }

    public func getAuditEvent(_ request: GetAuditEventRequest, context: ServerContext) async throws -> GetAuditEventResponse {
        let caller = try Caller(context)
        guard request.sequence > 0 else { throw ServiceError.invalid("sequence", "must be positive") }
        let event = try caller.visible(
            try await core.storeCall({ try await core.store.event(sequence: request.sequence) }), merchantID: \.merchantId,
            buyerID: \.buyerId, notFound: "No audit event \(request.sequence) is visible to this caller.")
        var response = GetAuditEventResponse()
        response.event = event
        return response
    }
}
