import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Reading: complaints, the buyer's integrity record, sanctions. Merchants see only
/// their own store's, buyers only their own; another party's record answers as a
/// missing one.
extension IntegrityHandler {
    public func getComplaint(_ request: GetComplaintRequest, context: ServerContext) async throws -> GetComplaintResponse {
        var response = GetComplaintResponse()
        response.complaint = try await visibleComplaint(request.complaintId, caller: try Caller(context))
        return response
    }

    public func listComplaints(_ request: ListComplaintsRequest, context: ServerContext) async throws -> ListComplaintsResponse {
        let caller = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        var query = ComplaintQuery()
        query.merchantID = request.merchantId
        query.buyerID = request.buyerId
        query.orderID = request.orderId
        query.states = request.states
        query.types = request.types
        query.filed = window(request.filedBetween)
        if caller.role == .merchant { query.merchantID = try caller.merchant(request.merchantId) }
        if caller.role == .buyer { query.buyerID = try caller.buyer(request.buyerId) }
        query.page = paging.storeRequest
        let found = try await core.storeCall { try await core.store.complaints(query) }
        var response = ListComplaintsResponse()
        (response.complaints, response.page) = paging.cut(found) {
            PageCursor(time: $0.filedAt?.seconds ?? 0, id: $0.complaintId)
        }
        return response
    }

    public func getIntegrityRecord(_ request: GetIntegrityRecordRequest, context: ServerContext) async throws
        -> GetIntegrityRecordResponse
    {
        let caller = try Caller(context)
        let buyerID = try caller.buyer(request.buyerId)
        let now = core.clock.now()
        let asOf = request.asOf ?? now
        guard asOf <= now else { throw ServiceError.invalid("as_of", "is in the future") }
        // The cases as they stood at `asOf`: confirmed by then, overturned only if by then.
        let complaints = try await core.confirmedComplaints(buyerID: buyerID)
        // A confirmed case may be appealed until its deadline, once.
        let appealDeadlines = Dictionary(
            complaints.compactMap { c in c.state == .confirmed ? c.appealDueAt.map { (c.complaintId, $0) } : nil },
            uniquingKeysWith: { a, _ in a })
        let cases = core.cases(complaints).compactMap { item -> ConfirmedCase? in
            guard item.confirmedAt <= asOf else { return nil }
            var asThen = item
            if let reversedAt = item.reversedAt, reversedAt > asOf { asThen.reversed = false }
            return asThen
        }
        let ruleSet = core.catalog.inForce(at: asOf)
        var response = GetIntegrityRecordResponse()
        response.record = IntegrityRecords.record(
            buyerID: buyerID, cases: cases, ruleSets: core.catalog.all, ruleSet: ruleSet, asOf: asOf,
            includeHistory: request.includeHistory, viewingMerchant: caller.role == .merchant ? caller.id : nil,
            appealDeadlines: appealDeadlines)
        return response
    }

    public func listSanctions(_ request: ListSanctionsRequest, context: ServerContext) async throws -> ListSanctionsResponse {
        let caller = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        var query = SanctionQuery()
        query.buyerID = request.buyerId
        query.merchantID = request.merchantId
        query.kinds = request.kinds
        query.activeOnly = request.activeOnly
        if caller.role == .buyer { query.buyerID = try caller.buyer(request.buyerId) }
        if caller.role == .merchant {
            // A merchant sees the store limits at its own store.
            query.merchantID = try caller.merchant(request.merchantId)
            query.kinds = request.kinds.isEmpty ? [.storePurchaseLimit] : request.kinds.filter { $0 == .storePurchaseLimit }
            if query.kinds.isEmpty { return ListSanctionsResponse() }
        }
        query.page = paging.storeRequest
        let found = try await core.storeCall { try await core.store.sanctions(query) }
        var response = ListSanctionsResponse()
        (response.sanctions, response.page) = paging.cut(found) {
            PageCursor(time: $0.startsAt?.seconds ?? 0, id: $0.sanctionId)
        }
        return response
    }
}
