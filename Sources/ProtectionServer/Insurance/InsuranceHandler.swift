import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.ReturnInsuranceService`: enrolment, per-promotion choices,
/// quotes, the buyer's opt-in, claims and the merchant's cost report.
public struct InsuranceHandler: ReturnInsuranceService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func enrollReturnInsurance(_ request: EnrollReturnInsuranceRequest, context: ServerContext) async throws
        -> EnrollReturnInsuranceResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let merchantID = try mutation.caller.merchant(request.merchantId)
            var check = FieldCheck()
            check.require([.merchantPaid, .buyerOptIn].contains(request.mode), "mode", "must be MERCHANT_PAID or BUYER_OPT_IN")
            if let from = request.effectiveFrom { check.require(from >= mutation.now, "effective_from", "is in the past") }
            try check.check()
            let merchant = try await core.requireMerchant(merchantID)
            let key = "enrollment/\(merchantID)"
            let readGuard = try await core.currentGuard(key)
            let before = try await core.storeCall { try await core.store.enrollment(merchantID: merchantID) }
            var enrollment = ReturnInsuranceEnrollment()
            enrollment.enrollmentId = mutation.newID("EN")
            enrollment.merchantId = merchantID
            enrollment.platform = merchant.fact.platform
            enrollment.mode = request.mode
            enrollment.state = .active
            enrollment.effectiveFrom = request.effectiveFrom ?? mutation.now
            enrollment.enrolledBy = mutation.caller.actor
            let switched = before?.state == .active
            let event = mutation.event(
                .insuranceEnrollment, enrollment.enrollmentId, switched ? .settingsChanged : .created,
                from: before.flatMap { $0.state == .active ? $0.mode.protoName : nil } ?? "", to: request.mode.protoName ?? "",
                reason: switched ? "The merchant switched its return-insurance mode." : "The merchant enrolled in return insurance.",
                merchant: merchantID)
            var response = EnrollReturnInsuranceResponse()
            response.enrollment = enrollment
            return Decided(
                guards: [readGuard], log: [LogEntry(event: event, record: .enrollment(enrollment))],
                response: response)
        }
    }

    public func withdrawReturnInsurance(_ request: WithdrawReturnInsuranceRequest, context: ServerContext) async throws
        -> WithdrawReturnInsuranceResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let merchantID = try mutation.caller.merchant(request.merchantId)
            let key = "enrollment/\(merchantID)"
            let readGuard = try await core.currentGuard(key)
            guard var enrollment = try await core.storeCall({ try await core.store.enrollment(merchantID: merchantID) }),
                enrollment.state == .active
            else { throw ServiceError.wrongState("Merchant \(merchantID) has no active return-insurance enrolment.") }
            enrollment.state = .withdrawn
            enrollment.withdrawnAt = mutation.now
            let event = mutation.event(
                .insuranceEnrollment, enrollment.enrollmentId, .stateChanged, from: "ENROLLMENT_STATE_ACTIVE",
                to: "ENROLLMENT_STATE_WITHDRAWN", reason: "Withdrawn; claims on orders already covered stand.", merchant: merchantID)
            var response = WithdrawReturnInsuranceResponse()
            response.enrollment = enrollment
            return Decided(
                guards: [readGuard], log: [LogEntry(event: event, record: .enrollment(enrollment))],
                response: response)
        }
    }

    public func getReturnInsuranceEnrollment(_ request: GetReturnInsuranceEnrollmentRequest, context: ServerContext) async throws
        -> GetReturnInsuranceEnrollmentResponse
    {
        let merchantID = try Caller(context).merchant(request.merchantId)
        var response = GetReturnInsuranceEnrollmentResponse()
        response.enrollment = try await core.storeCall { try await core.store.enrollment(merchantID: merchantID) }
        return response
    }

    public func setPromotionInsuranceParticipation(
        _ request: SetPromotionInsuranceParticipationRequest, context: ServerContext
    ) async throws -> SetPromotionInsuranceParticipationResponse {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let merchantID = try mutation.caller.merchant(request.merchantId)
            guard !request.promotionId.isEmpty else { throw ServiceError.invalid("promotion_id", "is required") }
            guard try await core.promotion(request.promotionId) != nil else {
                throw ServiceError.notFound("The facts feed has not reported promotion '\(request.promotionId)'.")
            }
            let merchant = try await core.requireMerchant(merchantID)
            let ruleSet = core.catalog.inForce(at: mutation.now)
            guard merchant.fact.platform != .tmall else {
                throw ServiceError.refusal(
                    .alwaysCovered, "A Tmall merchant's orders in a promotion are always covered; there is no choice to make.")
            }
            let key = "participation/\(merchantID)/\(request.promotionId)"
            let readGuard = try await core.currentGuard(key)
            var participation = PromotionParticipation()
            participation.merchantId = merchantID
            participation.promotionId = request.promotionId
            participation.platform = merchant.fact.platform
            participation.covered = request.covered
            participation.source = .merchantChoice
            participation.decidedAt = mutation.now
            participation.decidedBy = mutation.caller.actor
            var why = ExplanationBuilder(ruleSet: ruleSet, now: mutation.now)
            why.hit(
                "insurance.coverage.taobao_promotion_choice", fired: true,
                facts: [UsedFact.bool("participation.covered", request.covered)],
                sentence: "A Taobao merchant chooses per promotion: orders in \(request.promotionId) are "
                    + (request.covered ? "covered." : "not covered."))
            participation.explanation = why.finish(summary: why.firstSentence)
            let event = mutation.event(
                .promotionParticipation, "\(merchantID)/\(request.promotionId)", .settingsChanged,
                to: request.covered ? "COVERED" : "NOT_COVERED", reason: why.firstSentence, merchant: merchantID)
            var response = SetPromotionInsuranceParticipationResponse()
            response.participation = participation
            return Decided(
                guards: [readGuard], log: [LogEntry(event: event, record: .participation(participation))],
                response: response)
        }
    }

    public func listPromotionInsuranceParticipations(
        _ request: ListPromotionInsuranceParticipationsRequest, context: ServerContext
    ) async throws -> ListPromotionInsuranceParticipationsResponse {
        let merchantID = try Caller(context).merchant(request.merchantId)
        let paging = try ListPage(request, page: \.page)
        let now = core.clock.now()
        let merchant = try await core.requireMerchant(merchantID)
        let chosen = Dictionary(
            try await core.storeCall { try await core.store.participations(merchantID: merchantID) }.map { ($0.promotionId, $0) },
            uniquingKeysWith: { a, _ in a })
        let promotions = try await core.storeCall { try await core.store.promotions(overlapping: window(request.activeBetween)) }
            .filter { $0.items.contains { $0.merchantId == merchantID } || chosen[$0.promotionId] != nil }
        let ruleSet = core.catalog.inForce(at: now)
        var all = promotions.map { promotion in
            chosen[promotion.promotionId].map { choice in merchant.fact.platform == .tmall ? fixed(promotion, merchant.fact, ruleSet, now) : choice }
                ?? fixed(promotion, merchant.fact, ruleSet, now)
        }
        let starts = Dictionary(promotions.map { ($0.promotionId, $0.startsAt?.seconds ?? 0) }, uniquingKeysWith: { a, _ in a })
        let position = { (p: PromotionParticipation) in PageCursor(time: starts[p.promotionId] ?? 0, id: p.promotionId) }
        all.sort { (position($0).time, position($0).id) > (position($1).time, position($1).id) }
        if let after = paging.cursor {
            all.removeAll { (position($0).time, position($0).id) >= (after.time, after.id) }
        }
        var response = ListPromotionInsuranceParticipationsResponse()
        (response.participations, response.page) = paging.cut(all, position: position)
        return response
    }

    /// A promotion's cover when the merchant made no choice: Tmall always covered,
    /// Taobao following the enrolment.
    private func fixed(_ promotion: PromotionFact, _ merchant: MerchantFact, _ ruleSet: RuleSet, _ now: ProtoTimestamp)
        -> PromotionParticipation
    {
        var participation = PromotionParticipation()
        participation.merchantId = merchant.merchantId
        participation.promotionId = promotion.promotionId
        participation.platform = merchant.platform
        let tmall = merchant.platform == .tmall
        participation.covered = tmall
        participation.source = tmall ? .tmallAlwaysCovered : .enrolmentDefault
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        why.hit(
            tmall ? "insurance.coverage.tmall_promotion" : "insurance.coverage.enrolment_default", fired: tmall,
            sentence: tmall
                ? "A Tmall merchant's orders in a promotion are always covered, paid by the merchant."
                : "No choice made for this promotion: coverage follows the merchant's enrolment.")
        participation.explanation = why.finish(summary: why.firstSentence)
        return participation
    }

    public func quoteReturnInsurance(_ request: QuoteReturnInsuranceRequest, context: ServerContext) async throws
        -> QuoteReturnInsuranceResponse
    {
        let order = try await core.visibleOrder(request.orderId, to: try Caller(context))
        guard let quote = try await core.quote(order: order, now: core.clock.now()) else {
            throw ServiceError.factMissing("The facts feed has not reported merchant '\(order.merchantId)' yet.")
        }
        return quote
    }

    public func optInReturnInsurance(_ request: OptInReturnInsuranceRequest, context: ServerContext) async throws
        -> OptInReturnInsuranceResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let order = try await core.visibleOrder(request.orderId, to: mutation.caller)
            if let existing = try await core.storeCall({ try await core.store.optIn(orderID: order.orderId) }) {
                return Decided(response: existing.answer)
            }
            let enrollment = try await core.storeCall { try await core.store.enrollment(merchantID: order.merchantId) }
            guard let enrollment, enrollment.state == .active, enrollment.mode == .buyerOptIn else {
                throw ServiceError.refusal(
                    .notEligible, "The store of order \(order.orderId) does not offer return insurance to turn on (BUYER_OPT_IN).")
            }
            guard let quote = try await core.quote(order: order, now: mutation.now, buyerOptedIn: true), quote.covered else {
                throw ServiceError.refusal(.notEligible, "Order \(order.orderId) cannot be covered.")
            }
            var answer = OptInReturnInsuranceResponse()
            answer.covered = true
            answer.premium = quote.premium
            answer.payoutCap = quote.payoutCap
            answer.optedInAt = mutation.now
            answer.explanation = quote.explanation
            let optIn = InsuranceOptIn(orderID: order.orderId, buyerID: order.buyerId, merchantID: order.merchantId, answer: answer)
            let event = mutation.event(
                .insuranceEnrollment, order.orderId, .settingsChanged, to: "OPTED_IN",
                reason: "The buyer turned return insurance on for the order: premium \(moneyText(quote.premium ?? Money())).",
                merchant: order.merchantId, buyer: order.buyerId, explanation: quote.explanation)
            return Decided(
                guards: [Guard("opt-in/\(order.orderId)", revision: 0)], log: [LogEntry(event: event, record: .optIn(optIn))],
                response: answer)
        }
    }

    public func getReturnInsuranceClaim(_ request: GetReturnInsuranceClaimRequest, context: ServerContext) async throws
        -> GetReturnInsuranceClaimResponse
    {
        let caller = try Caller(context)
        guard !request.claimId.isEmpty else { throw ServiceError.invalid("claim_id", "is required") }
        let claim = try caller.visible(
            try await core.storeCall({ try await core.store.claim(id: request.claimId) }), merchantID: \.merchantId,
            buyerID: \.buyerId, notFound: "No claim '\(request.claimId)' is visible to this caller.")
        var response = GetReturnInsuranceClaimResponse()
        response.claim = claim
        return response
    }

    public func listReturnInsuranceClaims(_ request: ListReturnInsuranceClaimsRequest, context: ServerContext) async throws
        -> ListReturnInsuranceClaimsResponse
    {
        let caller = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        var query = ClaimQuery()
        query.merchantID = caller.role == .merchant ? try caller.merchant(request.merchantId) : request.merchantId
        query.buyerID = caller.role == .buyer ? try caller.buyer(request.buyerId) : request.buyerId
        query.orderID = request.orderId
        query.states = request.states
        query.shipped = window(request.shippedBetween)
        query.page = paging.storeRequest
        let found = try await core.storeCall { try await core.store.claims(query) }
        var response = ListReturnInsuranceClaimsResponse()
        (response.claims, response.page) = paging.cut(found) {
            PageCursor(time: $0.returnShippedAt?.seconds ?? 0, id: $0.claimId)
        }
        return response
    }

    public func getReturnInsuranceCostReport(_ request: GetReturnInsuranceCostReportRequest, context: ServerContext) async throws
        -> GetReturnInsuranceCostReportResponse
    {
        let merchantID = try Caller(context).merchant(request.merchantId)
        let now = core.clock.now()
        let end = request.period?.end ?? now
        let start = request.period?.start ?? ProtoTimestamp(seconds: end.seconds - 30 * 86_400, nanos: 0)
        guard start < end else { throw ServiceError.invalid("period", "must start before it ends") }
        var period = TimeRange()
        period.start = start
        period.end = end
        let shipped = TimeWindow(from: start.seconds, until: end.seconds)
        let returns = try await core.storeCall { try await core.store.returnShipments(onOrdersOf: .merchant(merchantID), shipped: shipped) }
        var query = ClaimQuery()
        query.merchantID = merchantID
        query.shipped = shipped
        query.page = PageRequest(limit: 100_000)
        let claims = try await core.storeCall { try await core.store.claims(query) }
        // The premiums the merchant paid: its covered orders of the period, paid by the merchant.
        let orders = try await core.storeCall { try await core.store.orders(of: .merchant(merchantID), paid: shipped) }
        var premiumOrders: Int64 = 0
        var premiums: Int64 = 0
        for order in orders {
            guard let quote = try await core.quote(order: order, now: order.paidAt ?? now), quote.covered, quote.payer == .merchant
            else { continue }
            premiumOrders += 1
            premiums += quote.premium?.amountMinor ?? 0
        }
        let ruleSet = core.catalog.inForce(at: end)
        var paid = Money()
        paid.amountMinor = premiums
        paid.currency = ruleSet.currency
        return InsuranceClaims.costReport(
            merchantID: merchantID, period: period, returnCount: Int64(returns.count), claims: claims,
            premiumOrderCount: premiumOrders, premiumsPaid: paid, ruleSet: ruleSet, now: now)
    }
}

extension ServerCore {
    func promotion(_ id: String) async throws -> PromotionFact? {
        try await fact(.promotion, id) { if case .promotion(let promotion) = $0.payload { promotion } else { nil } }
    }
}
