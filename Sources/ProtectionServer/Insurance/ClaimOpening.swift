import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire

/// What return-shipment and refund facts do to return insurance: a return shipped
/// on a covered order opens a claim (one per shipment); a refund starts its payout
/// clock. Each claim is judged at once against the buyer's confirmed cases.
/// What one call to the facts feed has reported so far, for the facts after it in
/// the same call: a return shipment and its refund may come in one batch.
struct FactBatch {
    var orders: [String: OrderFact] = [:]
    var refunds: [String: [RefundFact]] = [:]
    /// Claims opened or changed by this batch, by order.
    var claims: [String: [ReturnInsuranceClaim]] = [:]

    mutating func add(_ fact: Fact) {
        switch fact.payload {
        case .order(let order): orders[order.orderId] = order
        case .refund(let refund): refunds[refund.orderId, default: []].append(refund)
        default: break
        }
    }
}

extension ServerCore {
    func claimEffects(of fact: Fact, batch: inout FactBatch, mutation: Mutation) async throws -> (guards: [Guard], log: [LogEntry]) {
        let result: (guards: [Guard], log: [LogEntry], claims: [ReturnInsuranceClaim])
        switch fact.payload {
        case .returnShipment(let shipment):
            let known = batch.orders[shipment.orderId]
            guard let order = known == nil ? try await order(shipment.orderId) : known else { return ([], []) }
            let claimID = "R-\(shipment.shipmentId)"
            var existing = batch.claims[order.orderId]?.first { $0.claimId == claimID }
            if existing == nil { existing = try await storeCall { try await store.claim(id: claimID) } }
            if let existing {
                var claim = existing
                claim.shippingCost = shipment.shippingCost
                result = try await judged([(existing, claim)], mutation: mutation)
            } else {
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
                let refunds = try await storeCall { try await store.refunds(orderID: order.orderId) } + (batch.refunds[order.orderId] ?? [])
                if let refund = refunds.first {
                    claim.refundId = refund.refundId
                    claim.refundedAt = refund.refundedAt
                }
                result = try await judged([(nil, claim)], mutation: mutation)
            }
        case .refund(let refund):
            var query = ClaimQuery()
            query.orderID = refund.orderId
            query.page = PageRequest(limit: 1_000)
            var claims = try await storeCall { try await store.claims(query) }
            for claim in batch.claims[refund.orderId] ?? [] {
                claims.removeAll { $0.claimId == claim.claimId }
                claims.append(claim)
            }
            result = try await judged(claims.map { before in
                var claim = before
                claim.refundId = refund.refundId
                claim.refundedAt = refund.refundedAt
                return (before, claim)
            }, mutation: mutation)
        default:
            return ([], [])
        }
        for claim in result.claims {
            batch.claims[claim.orderId, default: []].removeAll { $0.claimId == claim.claimId }
            batch.claims[claim.orderId, default: []].append(claim)
        }
        return (result.guards, result.log)
    }

    /// Claims judged against their buyers' cases: the log entries of those that changed.
    private func judged(_ claims: [(before: ReturnInsuranceClaim?, after: ReturnInsuranceClaim)], mutation: Mutation) async throws
        -> (guards: [Guard], log: [LogEntry], claims: [ReturnInsuranceClaim])
    {
        var guards: [Guard] = []
        var log: [LogEntry] = []
        var changed: [ReturnInsuranceClaim] = []
        let keys = claims.map { "claim/\($0.after.claimId)" }
        let revisions = try await storeCall { try await store.revisions(keys) }
        for (before, claim) in claims {
            let cases = cases(try await confirmedComplaints(buyerID: claim.buyerId))
            let ruleSet = catalog.inForce(at: claim.returnShippedAt ?? mutation.now)
            let after = InsuranceClaims.evaluate(claim, cases: cases, ruleSet: ruleSet, now: mutation.now)
            guard after != before else { continue }
            changed.append(after)
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
        return (guards, log, changed)
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
        let (orders, afterSales) = try await orders(of: .merchant(order.merchantId), within: ruleSet.insurance?.returnRateWindow, before: now)
        let cases = cases(try await confirmedComplaints(buyerID: order.buyerId))
        let optedIn = try await optIn != nil
        let facts = InsuranceQuoteFacts.derive(
            order: order, merchant: merchant.fact, enrollment: try await enrollment, participation: try await participation,
            buyerOptedIn: buyerOptedIn ?? optedIn, merchantOrders: orders, merchantAfterSales: afterSales,
            buyerCases: cases, ruleSet: ruleSet, now: now)
        return InsuranceQuote.quote(facts, ruleSet: ruleSet, now: now)
    }
}
