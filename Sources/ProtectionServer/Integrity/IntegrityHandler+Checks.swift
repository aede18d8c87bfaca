import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// The hot-path checks the order and after-sales systems call. The order, cart and
/// after-sales checks answer from the in-memory index on the connection's event
/// loop: no database round trip, no hop. The return-risk warning reads the store.
extension IntegrityHandler {
    public func checkOrderAllowed(_ request: CheckOrderAllowedRequest, context: ServerContext) async throws
        -> CheckOrderAllowedResponse
    {
        let (buyerID, merchantID) = try checkParties(request.buyerId, request.merchantId, context: context)
        let now = core.clock.now()
        var response = CheckOrderAllowedResponse()
        response.check = PurchaseChecks.checkOrder(
            merchantID: merchantID, sanctions: core.index.orderSanctions(buyerID: buyerID, merchantID: merchantID), now: now)
        return response
    }

    public func checkCartAllowed(_ request: CheckCartAllowedRequest, context: ServerContext) async throws
        -> CheckCartAllowedResponse
    {
        let caller = try Caller(context)
        var check = FieldCheck()
        check.require(!request.buyerId.isEmpty, "buyer_id", "is required")
        check.require((1...100).contains(request.merchantIds.count), "merchant_ids", "must list 1 to 100 stores")
        for (index, id) in request.merchantIds.enumerated() { check.require(!id.isEmpty, "merchant_ids[\(index)]", "is empty") }
        try check.check()
        let buyerID = try caller.buyer(request.buyerId)
        let now = core.clock.now()
        let sanctions = core.index.orderSanctions(buyerID: buyerID, merchantIDs: Set(request.merchantIds))
        return PurchaseChecks.checkCart(merchantIDs: request.merchantIds, sanctions: sanctions, now: now)
    }

    public func checkAfterSalesAllowed(_ request: CheckAfterSalesAllowedRequest, context: ServerContext) async throws
        -> CheckAfterSalesAllowedResponse
    {
        let (buyerID, merchantID) = try checkParties(request.buyerId, request.merchantId, context: context)
        guard !request.orderId.isEmpty else { throw ServiceError.invalid("order_id", "is required") }
        try checkOrderMatches(request.orderId, buyerID: buyerID, merchantID: merchantID)
        let now = core.clock.now()
        return PurchaseChecks.checkAfterSales(
            merchantID: merchantID, orderID: request.orderId, cases: core.index.cases(buyerID: buyerID).map(\.asCase),
            sanctions: core.index.afterSalesSanctions(buyerID: buyerID), ruleSet: core.catalog.inForce(at: now), now: now)
    }

    public func assessReturnRisk(_ request: AssessReturnRiskRequest, context: ServerContext) async throws
        -> AssessReturnRiskResponse
    {
        let (buyerID, merchantID) = try checkParties(request.buyerId, request.merchantId, context: context)
        let now = core.clock.now()
        let ruleSet = core.catalog.inForce(at: now)
        var check = FieldCheck()
        check.require(!request.orderId.isEmpty, "order_id", "is required")
        check.require(request.amount != nil, "amount", "is required")
        if let amount = request.amount {
            check.require(amount.amountMinor >= 0, "amount.amount_minor", "must not be negative")
            check.require(
                amount.currency == ruleSet.currency, "amount.currency",
                "must be \(ruleSet.currency), the currency of the rule set in force")
        }
        check.require(request.reason.protoName != nil, "reason", "must be a known claim reason")
        try check.check()
        try checkOrderMatches(request.orderId, buyerID: buyerID, merchantID: merchantID)
        let (orders, afterSales) = try await core.orders(
            of: .buyer(buyerID), within: max(ruleSet.returnRisk?.returnRateWindow, ruleSet.returnRisk?.medianOrderWindow), before: now)
        let cases = core.cases(try await core.confirmedComplaints(buyerID: buyerID))
        let facts = ReturnRiskFacts.derive(
            buyerCases: cases, merchantID: merchantID, buyerOrders: orders, afterSales: afterSales, ruleSet: ruleSet, now: now)
        return ReturnRisk.assess(request, facts: facts, ruleSet: ruleSet, now: now)
    }

    /// The buyer and store of a check; a buyer may check only itself, a merchant only
    /// at its own store.
    private func checkParties(_ buyerID: String, _ merchantID: String, context: ServerContext) throws -> (String, String) {
        let caller = try Caller(context)
        var check = FieldCheck()
        check.require(!buyerID.isEmpty, "buyer_id", "is required")
        check.require(!merchantID.isEmpty, "merchant_id", "is required")
        try check.check()
        return (try caller.buyer(buyerID), try caller.merchant(merchantID))
    }

    /// When the order's fact is known, the buyer and store given must be its own.
    private func checkOrderMatches(_ orderID: String, buyerID: String, merchantID: String) throws {
        guard let owners = core.index.owners(orderID: orderID) else { return }
        var check = FieldCheck()
        check.require(owners.buyer == buyerID, "buyer_id", "is not the buyer of order \(orderID)")
        check.require(owners.merchant == merchantID, "merchant_id", "is not the store of order \(orderID)")
        try check.check()
    }
}

/// The longer of two optional durations.
func max(_ a: ProtoDuration?, _ b: ProtoDuration?) -> ProtoDuration? {
    guard let a, let b else { return a ?? b }
    return a >= b ? a : b
}
