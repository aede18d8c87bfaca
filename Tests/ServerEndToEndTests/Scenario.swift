import Foundation
import GRDB
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// Times of the scenarios: day 0 is 2026-12-01T00:00:00Z.
enum Time {
    static let day: Int64 = 86_400
    static let hour: Int64 = 3_600
    static let t0: Int64 = 1_796_083_200

    static func at(day days: Int64 = 0, hours: Int64 = 0, seconds: Int64 = 0) -> ProtoTimestamp {
        ProtoTimestamp(seconds: t0 + days * day + hours * hour + seconds, nanos: 0)
    }
}

func cny(_ minor: Int64) -> Money {
    var money = Money()
    money.amountMinor = minor
    money.currency = "CNY"
    return money
}

/// Facts as the feed reports them.
enum Feed {
    static func fact(_ payload: Fact.Payload, revision: Int64 = 1) -> Fact {
        var fact = Fact()
        fact.sourceService = "test-feed"
        fact.sourceRevision = revision
        fact.observedAt = Time.at()
        fact.payload = payload
        return fact
    }

    /// A merchant whose sub-scores are all `score` (no orders: both rates score full).
    static func merchant(
        _ id: String, platform: Platform = .taobao, industry: Industry = .apparel, quality: Int32 = 5_000,
        logistics: Int32 = 5_000, service: Int32 = 5_000, revision: Int64 = 1
    ) -> Fact {
        var merchant = MerchantFact()
        merchant.merchantId = id
        merchant.displayName = "Store \(id)"
        merchant.platform = platform
        merchant.industry = industry
        merchant.productQualityScoreMilli = quality
        merchant.logisticsScoreMilli = logistics
        merchant.serviceResponseScoreMilli = service
        merchant.indicatorsMeasuredAt = Time.at()
        return fact(.merchant(merchant), revision: revision)
    }

    static func order(
        _ id: String, buyer: String, merchant: String, paid: ProtoTimestamp, amount: Int64 = 10_000, item: String = "I-1",
        quantity: Int64 = 1, status: OrderStatus = .received, promotion: String = "", revision: Int64 = 1
    ) -> Fact {
        var order = OrderFact()
        order.orderId = id
        order.buyerId = buyer
        order.merchantId = merchant
        order.paidAt = paid
        order.paidAmount = cny(amount)
        order.status = status
        order.promotionId = promotion
        if status == .shipped || status == .received { order.shippedAt = paid }
        if status == .received { order.receivedAt = paid }
        var line = OrderItem()
        line.itemId = item
        line.quantity = quantity
        line.unitPrice = cny(amount / max(quantity, 1))
        line.paidAmount = cny(amount)
        order.items = [line]
        return fact(.order(order), revision: revision)
    }

    static func afterSales(_ id: String, order: String, kind: AfterSalesKind = .returnAndRefund, at time: ProtoTimestamp,
                           reason: ClaimReason = .qualityProblem, disputed: Bool = false) -> Fact {
        var request = AfterSalesRequestFact()
        request.requestId = id
        request.orderId = order
        request.kind = kind
        request.reason = reason
        request.status = .approved
        request.requestedAt = time
        request.requestedAmount = cny(10_000)
        if disputed { request.platformIntervenedAt = time }
        return fact(.afterSalesRequest(request))
    }

    static func refund(_ id: String, order: String, request: String, at time: ProtoTimestamp, amount: Int64 = 10_000) -> Fact {
        var refund = RefundFact()
        refund.refundId = id
        refund.orderId = order
        refund.afterSalesRequestId = request
        refund.amount = cny(amount)
        refund.refundedAt = time
        refund.goodsReturned = true
        return fact(.refund(refund))
    }

    static func returnShipment(_ id: String, order: String, cost: Int64, at time: ProtoTimestamp) -> Fact {
        var shipment = ReturnShipmentFact()
        shipment.shipmentId = id
        shipment.orderId = order
        shipment.carrier = "SF"
        shipment.trackingNumber = "T-\(id)"
        shipment.shippingCost = cny(cost)
        shipment.shippedAt = time
        return fact(.returnShipment(shipment))
    }

    static func promotion(_ id: String, items: [(merchant: String, item: String)], from: ProtoTimestamp, until: ProtoTimestamp) -> Fact {
        var promotion = PromotionFact()
        promotion.promotionId = id
        promotion.name = "Promotion \(id)"
        promotion.kind = .platform
        promotion.startsAt = from
        promotion.endsAt = until
        promotion.items = items.map { merchant, item in
            var entry = PromotionItem()
            entry.merchantId = merchant
            entry.itemId = item
            return entry
        }
        return fact(.promotion(promotion))
    }

    static func referencePrice(merchant: String, item: String, price: Int64, at time: ProtoTimestamp) -> Fact {
        var observation = ReferencePriceFact()
        observation.merchantId = merchant
        observation.itemId = item
        observation.price = cny(price)
        observation.observedAt = time
        return fact(.referencePrice(observation))
    }

    /// A buyer's review of a store.
    static func review(_ id: String, buyer: String, merchant: String, order: String, stars: Int32, at time: ProtoTimestamp) -> Fact {
        var review = ReviewFact()
        review.reviewId = id
        review.buyerId = buyer
        review.merchantId = merchant
        review.orderId = order
        review.stars = stars
        review.reviewedAt = time
        return fact(.review(review))
    }
}

/// Evidence items of each kind.
enum Evidence {
    static func photo() -> EvidenceItem { item(.photo(PhotoEvidence())) }
    static func video(_ kind: VideoKind) -> EvidenceItem {
        var video = VideoEvidence()
        video.videoKind = kind
        return item(.video(video))
    }
    static func logistics() -> EvidenceItem { item(.logisticsRecord(LogisticsRecordEvidence())) }
    static func weights() -> EvidenceItem { item(.weightRecord(WeightRecordEvidence())) }
    static func serials() -> EvidenceItem { item(.serialNumberRecord(SerialNumberRecordEvidence())) }
    static func chat() -> EvidenceItem { item(.chatLog(ChatLogEvidence())) }

    static func item(_ payload: EvidenceItem.Payload) -> EvidenceItem {
        var item = EvidenceItem()
        item.caption = "evidence"
        item.payload = payload
        return item
    }

    /// What the default rule set asks of each type.
    static func enough(for type: ComplaintType) -> [EvidenceItem] {
        switch type {
        case .abnormalRefundOnly: [logistics(), chat()]
        case .returnSwap: [video(.unboxing), serials()]
        case .fakeReturn: [weights(), logistics()]
        case .fakeImageEvidence: [photo(), photo()]
        default: [photo(), chat()]
        }
    }
}

extension FileComplaintRequest {
    static func of(_ type: ComplaintType, order: String, key: String, storeLimit: Bool = false,
                   evidence: [EvidenceItem]? = nil) -> FileComplaintRequest {
        var request = FileComplaintRequest()
        request.idempotencyKey = key
        request.orderId = order
        switch type {
        case .abnormalRefundOnly: request.details = .abnormalRefundOnly(AbnormalRefundOnlyDetails())
        case .returnSwap: request.details = .returnSwap(ReturnSwapDetails())
        case .fakeReturn: request.details = .fakeReturn(FakeReturnDetails())
        case .fakeImageEvidence: request.details = .fakeImageEvidence(FakeImageEvidenceDetails())
        default: request.details = .fakeVoucher(FakeVoucherDetails())
        }
        request.evidence = evidence ?? Evidence.enough(for: type)
        request.requestStorePurchaseLimit = storeLimit
        return request
    }
}

extension Clients {
    /// Reports facts; every one must be accepted.
    @discardableResult
    func report(_ facts: [Fact], key: String = UUID().uuidString) async throws -> ReportFactsResponse {
        var request = ReportFactsRequest()
        request.idempotencyKey = key
        request.facts = facts
        let response = try await self.facts.reportFacts(request, metadata: Principal.service.metadata, options: callOptions)
        #expect(response.acks.allSatisfy { $0.status == .accepted }, "\(response.acks.filter { $0.status != .accepted })")
        return response
    }

    func file(_ request: FileComplaintRequest, by merchant: String) async throws -> Complaint {
        try await integrity.fileComplaint(request, metadata: Principal.merchant(merchant).metadata, options: callOptions).complaint!
    }

    /// A complaint taken and decided by a reviewer.
    @discardableResult
    func decide(_ id: String, _ verdict: ReviewVerdict = .confirm, reason: DecisionReasonCode = .evidenceConclusive,
                requested: [EvidenceKind] = []) async throws -> DecideComplaintResponse {
        var start = StartComplaintReviewRequest()
        start.idempotencyKey = "start-\(id)-\(UUID().uuidString)"
        start.complaintId = id
        _ = try await integrity.startComplaintReview(start, metadata: Principal.reviewer.metadata, options: callOptions)
        var decide = DecideComplaintRequest()
        decide.idempotencyKey = "decide-\(id)-\(UUID().uuidString)"
        decide.complaintId = id
        decide.verdict = verdict
        decide.reasonCode = reason
        decide.requestedEvidence = requested
        return try await integrity.decideComplaint(decide, metadata: Principal.reviewer.metadata, options: callOptions)
    }

    /// A complaint filed and confirmed.
    @discardableResult
    func confirmed(_ type: ComplaintType, order: String, merchant: String, storeLimit: Bool = false) async throws -> DecideComplaintResponse {
        let complaint = try await file(.of(type, order: order, key: "file-\(order)-\(type.rawValue)", storeLimit: storeLimit), by: merchant)
        return try await decide(complaint.complaintId)
    }

    func complaint(_ id: String) async throws -> Complaint {
        var request = GetComplaintRequest()
        request.complaintId = id
        return try await integrity.getComplaint(request, metadata: Principal.reviewer.metadata, options: callOptions).complaint!
    }

    func record(_ buyer: String, history: Bool = false) async throws -> IntegrityRecord {
        var request = GetIntegrityRecordRequest()
        request.buyerId = buyer
        request.includeHistory = history
        return try await integrity.getIntegrityRecord(request, metadata: Principal.buyer(buyer).metadata, options: callOptions).record!
    }

    func checkOrder(_ buyer: String, at merchant: String) async throws -> OrderCheck {
        var request = CheckOrderAllowedRequest()
        request.buyerId = buyer
        request.merchantId = merchant
        return try await integrity.checkOrderAllowed(request, metadata: Principal.service.metadata, options: callOptions).check!
    }

    func checkAfterSales(_ buyer: String, at merchant: String, order: String) async throws -> CheckAfterSalesAllowedResponse {
        var request = CheckAfterSalesAllowedRequest()
        request.buyerId = buyer
        request.merchantId = merchant
        request.orderId = order
        return try await integrity.checkAfterSalesAllowed(request, metadata: Principal.service.metadata, options: callOptions)
    }

    /// Publishes the next rule set version: the one in force, changed by `change`,
    /// effective at `effective` (default: the server's time now).
    @discardableResult
    func publish(effective: ProtoTimestamp? = nil, _ change: (inout RuleSet) -> Void) async throws -> RuleSetSummary {
        let current = try await rules.getRuleSet(GetRuleSetRequest(), metadata: Principal.admin.metadata, options: callOptions)
        var next = current.ruleSet!
        next.version += 1
        next.summary = "test version \(next.version)"
        var effectiveAt = effective
        if effectiveAt == nil { effectiveAt = try await serverTime() }
        next.effectiveAt = effectiveAt
        change(&next)
        var publish = PublishRuleSetRequest()
        publish.idempotencyKey = "publish-\(next.version)"
        publish.ruleSet = next
        return try await rules.publishRuleSet(publish, metadata: Principal.admin.metadata, options: callOptions).summary!
    }

    /// The server's time now: the `as_of` of a record computed for now.
    func serverTime() async throws -> ProtoTimestamp {
        var request = GetIntegrityRecordRequest()
        request.buyerId = "time-probe"
        return try await integrity.getIntegrityRecord(request, metadata: Principal.reviewer.metadata, options: callOptions).record!.asOf!
    }

    /// Applies every transition due now, as the sweeper does.
    @discardableResult
    func runDue() async throws -> RunDueTransitionsResponse {
        var request = RunDueTransitionsRequest()
        request.idempotencyKey = "run-\(UUID().uuidString)"
        return try await clock.runDueTransitions(request, metadata: Principal.admin.metadata, options: callOptions)
    }
}

/// Waits until `condition` holds (the sweeper works on its own), up to `seconds`.
func eventually(_ what: String, within seconds: Double = 15, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("not within \(seconds) s: \(what)")
    throw ServerProcessError(message: "timed out: \(what)")
}

/// The refusal detail a failed call carries.
func refusal(_ body: () async throws -> Void) async -> (RPCError.Code, ErrorDetail)? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return (error.code, (try? ErrorDetail(serializedBytes: error.details)) ?? ErrorDetail())
    } catch {
        return nil
    }
}

/// Every row of every table of a server's database, as text: compared before and
/// after a refused call, which must change nothing.
/// The development credentials a server issues on its first start (the rule set is
/// the log's first entry, these the next).
let DevelopmentCredentialCount = 9

/// Every row of the store but what access writes: credentials (tests issue tokens
/// as they go, with their idempotency records) and the audit of refused calls. What a refused call must leave as it was.
func dump(_ server: ServerProcess) throws -> [String] {
    var configuration = Configuration()
    configuration.readonly = true
    let database = try DatabaseQueue(path: server.dataDirectory.appendingPathComponent("protection.sqlite").path, configuration: configuration)
    return try database.read { db in
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return try tables.flatMap { table in
            let access = switch table {
            case "event_log": " WHERE subject_kind NOT IN (10, 11)"
            case "idempotency": " WHERE scope NOT LIKE '%/protection.v1.AccessService/%'"
            default: ""
            }
            guard table != "credentials", table != "sqlite_sequence" else { return [String]() }
            return try Row.fetchAll(db, sql: "SELECT * FROM \(table)\(access)").map { "\(table): \($0.description)" }
        }
    }
}
