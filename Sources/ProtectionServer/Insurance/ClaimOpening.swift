import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire

/// What return-shipment and refund facts do to return insurance: a return shipped
/// on a covered order opens a claim (one per shipment); a refund starts its payout
/// clock. Each claim is judged at once against the buyer's confirmed cases.
extension ServerCore {
    func claimEffects(of fact: Fact, mutation: Mutation) async throws -> (guards: [Guard], log: [LogEntry]) {
        switch fact.payload {
        case .returnShipment(let shipment):
            guard let order = try await order(shipment.orderId) else { return ([], []) }
            let claimID = "R-\(shipment.shipmentId)"
            let existing = try await storeCall { try await store.claim(id: claimID) }
            if existing == nil {
                guard let quote = try await quote(order: order, now: shipment.shippedAt ?? mutation.now), quote.covered else {
                    return ([], [])
                }
                var claim = ReturnInsuranceClaim()
                claim.claimId = claimID
                claim.orderId = order.orderId
                claim.merchantId = order.merchantId
                claim.buyerId = order.buyerId
                claim.returnShipmentId = shipment.shipmentId
                claim.mode = quote.mode
                claim.shippingCost = shipment.shippingCost
                claim.returnShippedAt = shipment.shippedAt ?? mutation.now
                if let refund = try await storeCall({ try await store.refunds(orderID: order.orderId) }).first {
                    claim.refundId = refund.refundId
                    claim.refundedAt = refund.refundedAt
                }
                return try await judged([(nil, claim)], mutation: mutation)
            }
            var claim = existing!
            claim.shippingCost = shipment.shippingCost
            return try await judged([(existing, claim)], mutation: mutation)
        case .refund(let refund):
            var query = ClaimQuery()
            query.orderID = refund.orderId
            query.page = PageRequest(limit: 1_000)
            let claims = try await storeCall { try await store.claims(query) }
            return try await judged(claims.map { before in
                var claim = before
                claim.refundId = refund.refundId
                claim.refundedAt = refund.refundedAt
                return (before, claim)
            }, mutation: mutation)
        default:
            return ([], [])
        }
    }

    /// Claims judged against their buyers' cases: the log entries of those that changed.
    private func judged(_ claims: [(before: ReturnInsuranceClaim?, after: ReturnInsuranceClaim)], mutation: Mutation) async throws
        -> (guards: [Guard], log: [LogEntry])
    {
        var guards: [Guard] = []
        var log: [LogEntry] = []
        let keys = claims.map { "claim/\($0.after.claimId)" }
        let revisions = try await storeCall { try await store.revisions(keys) }
        for (before, claim) in claims {
            let cases = cases(try await confirmedComplaints(buyerID: claim.buyerId))
            let ruleSet = catalog.inForce(at: claim.returnShippedAt ?? mutation.now)
            let after = InsuranceClaims.evaluate(claim, cases: cases, ruleSet: ruleSet, now: mutation.now)
            guard after != before else { continue }
            let key = "claim/\(claim.claimId)"
            guards.append(Guard(key, revision: revisions[key] ?? 0))
            log.append(LogEntry(
                event: mutation.event(
                    .insuranceClaim, claim.claimId, before == nil ? .created : after.state == .paid ? .moneyMoved : .stateChanged,
                    from: before?.state.protoName ?? "", to: after.state.protoName ?? "",
                    reason: after.explanation?.summary ?? "", merchant: claim.merchantId, buyer: claim.buyerId,
                    explanation: after.explanation),
                record: .claim(after), ruleSetVersion: ruleSet.version))
        }
        return (guards, log)
    }

    /// The return-insurance quote of an order as of `now`; nil when the merchant's fact
    /// is missing.
    func quote(order: OrderFact, now: ProtoTimestamp, buyerOptedIn: Bool? = nil) async throws -> QuoteReturnInsuranceResponse? {
        guard let merchant = try await merchant(order.merchantId) else { return nil }
        let ruleSet = catalog.inForce(at: now)
        async let enrollment = storeCall { try await store.enrollment(merchantID: order.merchantId) }
        async let participation = storeCall {
            order.promotionId.isEmpty ? nil : try await store.participation(merchantID: order.merchantId, promotionID: order.promotionId)
        }
        async let optIn = storeCall { try await store.optIn(orderID: order.orderId) }
        let (orders, afterSales) = try await merchantOrders(order.merchantId, within: ruleSet.insurance?.returnRateWindow, before: now)
        let cases = cases(try await confirmedComplaints(buyerID: order.buyerId))
        let optedIn = try await optIn != nil
        let facts = InsuranceQuoteFacts.derive(
            order: order, merchant: merchant.fact, enrollment: try await enrollment, participation: try await participation,
            buyerOptedIn: buyerOptedIn ?? optedIn, merchantOrders: orders, merchantAfterSales: afterSales,
            buyerCases: cases, ruleSet: ruleSet, now: now)
        return InsuranceQuote.quote(facts, ruleSet: ruleSet, now: now)
    }
}
