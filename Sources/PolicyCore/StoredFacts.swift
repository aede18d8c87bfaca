import ProtectionMessages
import ProtoWire

// The figures decisions read, derived from the facts the feed reported and the
// cases the service keeps: rates, the median order, the reference price, which
// enrolment covers an order. The server loads the raw facts; every rule about
// what counts lives here, in one place.

/// What happened to one order after it was paid, from its after-sales requests.
public struct OrderOutcome: Sendable, Hashable {
    /// The goods came back: a return-and-refund or exchange request that was not
    /// rejected or withdrawn.
    public var returned: Bool
    /// The platform intervened (a dispute).
    public var disputed: Bool

    public init(order: OrderFact, afterSales: [AfterSalesRequestFact]) {
        let mine = afterSales.filter { $0.orderId == order.orderId }
        returned = mine.contains {
            ($0.kind == .returnAndRefund || $0.kind == .exchange) && $0.status != .rejected && $0.status != .withdrawn
        }
        disputed = mine.contains { $0.platformIntervenedAt != nil }
    }
}

/// Windows over orders and the rates measured on them.
public enum OrderRates {
    /// Orders paid in `[now - window, now)`.
    public static func paid(_ orders: [OrderFact], within window: ProtoDuration?, before now: ProtoTimestamp) -> [OrderFact] {
        let start = windowStart(window, before: now)
        return orders.filter { order in order.paidAt.map { start <= $0 && $0 < now } ?? false }
    }

    /// The start of a window of `length` ending at `end`.
    public static func windowStart(_ length: ProtoDuration?, before end: ProtoTimestamp) -> ProtoTimestamp {
        adding(length.map { ProtoDuration(seconds: -$0.seconds, nanos: -$0.nanos) }, to: end)
    }

    /// Orders with a return per order, in basis points (rounded down); nil without orders.
    public static func returnRateBp(orders: [OrderFact], afterSales: [AfterSalesRequestFact]) -> Int32? {
        guard !orders.isEmpty else { return nil }
        let returned = orders.count { OrderOutcome(order: $0, afterSales: afterSales).returned }
        return Int32(Int64(returned) * 10_000 / Int64(orders.count))
    }
}

extension ExperienceScoreFacts {
    /// A merchant's score inputs at `now`: the reported sub-scores, and the orders
    /// paid in the rule set's rate window with their returns and disputes; orders of
    /// confirmed cases whose merchant's tier grants rate exclusion are marked excluded.
    public static func derive(
        merchant: MerchantFact, source: String, orders: [OrderFact], afterSales: [AfterSalesRequestFact],
        cases: [ConfirmedCase], ruleSet: RuleSet, now: ProtoTimestamp
    ) -> ExperienceScoreFacts {
        func measurement(_ score: Int32) -> SubScoreMeasurement {
            var measured = SubScoreMeasurement()
            measured.reportedScoreMilli = score
            measured.measuredAt = merchant.indicatorsMeasuredAt
            measured.sourceService = source
            return measured
        }
        let excluding = exclusions(cases: cases, merchantID: merchant.merchantId, ruleSet: ruleSet)
        let window = OrderRates.paid(
            orders.filter { $0.merchantId == merchant.merchantId }, within: ruleSet.experienceScore?.rateWindow,
            before: now)
        let scored = window.map { order in
            let outcome = OrderOutcome(order: order, afterSales: afterSales)
            return ScoredOrder(
                orderID: order.orderId, returned: outcome.returned, disputed: outcome.disputed,
                excludedByComplaintID: excluding[order.orderId])
        }
        return ExperienceScoreFacts(
            merchantID: merchant.merchantId,
            subScores: [
                .productQuality: measurement(merchant.productQualityScoreMilli),
                .logistics: measurement(merchant.logisticsScoreMilli),
                .serviceResponse: measurement(merchant.serviceResponseScoreMilli),
            ],
            orders: scored)
    }

    /// Per order, the confirmed complaint that takes it out of the merchant's rates.
    static func exclusions(cases: [ConfirmedCase], merchantID: String, ruleSet: RuleSet) -> [String: String] {
        var excluded: [String: String] = [:]
        for item in cases where !item.reversed && item.merchantID == merchantID {
            let rights = ruleSet.tiers.first { $0.tier == item.merchantTier }?.rights ?? []
            if rights.contains(.excludeFromRates) { excluded[item.orderID] = excluded[item.orderID] ?? item.complaintID }
        }
        return excluded
    }
}

extension ReturnRiskFacts {
    /// A buyer's risk inputs at `now`: active points, a confirmed case with the store,
    /// the return rate over the rule set's window, and the median paid amount of the
    /// buyer's orders over the median window (in the rule set's currency).
    public static func derive(
        buyerCases: [ConfirmedCase], merchantID: String, buyerOrders: [OrderFact],
        afterSales: [AfterSalesRequestFact], ruleSet: RuleSet, now: ProtoTimestamp
    ) -> ReturnRiskFacts {
        let rules = ruleSet.returnRisk ?? ReturnRiskRules()
        let rateOrders = OrderRates.paid(buyerOrders, within: rules.returnRateWindow, before: now)
        let amounts = OrderRates.paid(buyerOrders, within: rules.medianOrderWindow, before: now)
            .compactMap(\.paidAmount).filter { $0.currency == ruleSet.currency }.map(\.amountMinor).sorted()
        var median: Money?
        if !amounts.isEmpty {
            let middle = amounts.count / 2
            let value = amounts.count % 2 == 1 ? amounts[middle] : (amounts[middle - 1] + amounts[middle]) / 2
            median = money(value, ruleSet.currency)
        }
        return ReturnRiskFacts(
            activePoints: Ledger.activePoints(buyerCases, at: now).points,
            confirmedCaseWithMerchant: buyerCases.contains { !$0.reversed && $0.merchantID == merchantID },
            returnRateBp: OrderRates.returnRateBp(orders: rateOrders, afterSales: afterSales), medianOrder: median)
    }
}

extension InsuranceQuoteFacts {
    /// An order's quote inputs: the enrolment in force when the order was paid, a
    /// Taobao merchant's choice for the order's promotion, the buyer's opt-in, the
    /// merchant's return rate over the rule set's window and the buyer's active points.
    public static func derive(
        order: OrderFact, merchant: MerchantFact, enrollment: ReturnInsuranceEnrollment?,
        participation: PromotionParticipation?, buyerOptedIn: Bool, merchantOrders: [OrderFact],
        merchantAfterSales: [AfterSalesRequestFact], buyerCases: [ConfirmedCase], ruleSet: RuleSet,
        now: ProtoTimestamp
    ) -> InsuranceQuoteFacts {
        let paidAt = order.paidAt ?? now
        let covering = enrollment.flatMap { enrollment -> InsuranceMode? in
            guard let from = enrollment.effectiveFrom, from <= paidAt else { return nil }
            if enrollment.state == .withdrawn, let withdrawn = enrollment.withdrawnAt, withdrawn <= paidAt { return nil }
            return enrollment.mode
        }
        let window = OrderRates.paid(merchantOrders, within: ruleSet.insurance?.returnRateWindow, before: now)
        let choice = participation?.source == .merchantChoice ? participation?.covered : nil
        return InsuranceQuoteFacts(
            platform: merchant.platform, enrollmentMode: covering, promotionID: order.promotionId,
            promotionParticipation: choice, buyerOptedIn: buyerOptedIn,
            orderCancelled: order.status == .cancelled,
            merchantReturnRateBp: OrderRates.returnRateBp(orders: window, afterSales: merchantAfterSales) ?? 0,
            buyerActivePoints: Ledger.activePoints(buyerCases, at: now).points)
    }
}

extension PriceErrorFacts {
    /// A report's inputs: the listed orders as the facts show them (the item's line,
    /// whether each is the merchant's, holds the item and was paid while the price
    /// was live), the lowest observed price in the reference window before the wrong
    /// price went live, whether a registered promotion held the item meanwhile.
    public static func derive(
        _ request: ReportPriceErrorRequest, merchantID: String, reportedAt: ProtoTimestamp, orders: [OrderFact],
        observations: [ReferencePriceFact], promotions: [PromotionFact], acceptedReportsInPeriod: Int32,
        ruleSet: RuleSet
    ) -> PriceErrorFacts {
        let liveFrom = request.liveFrom ?? reportedAt
        let liveUntil = request.liveUntil ?? reportedAt
        let currency = request.intendedPrice?.currency ?? ruleSet.currency
        func sameItem(_ item: String, _ sku: String) -> Bool {
            item == request.itemId && (request.skuId.isEmpty || sku.isEmpty || sku == request.skuId)
        }
        var listed: [PriceErrorOrder] = []
        var firstPaid: ProtoTimestamp?
        for orderID in request.affectedOrderIds {
            guard let order = orders.first(where: { $0.orderId == orderID }) else {
                listed.append(
                    PriceErrorOrder(
                        orderID: orderID, buyerID: "", quantity: 0, paidAmount: money(0, currency),
                        fulfilment: .unspecified, matchesReport: false))
                continue
            }
            let lines = order.items.filter { sameItem($0.itemId, $0.skuId) }
            let paidAt = order.paidAt
            let inWindow = paidAt.map { liveFrom <= $0 && $0 < liveUntil } ?? false
            let matches = order.merchantId == merchantID && !lines.isEmpty && inWindow
            if matches, let paidAt { firstPaid = min(firstPaid ?? paidAt, paidAt) }
            listed.append(
                PriceErrorOrder(
                    orderID: orderID, buyerID: order.buyerId, quantity: lines.reduce(0) { $0 + $1.quantity },
                    paidAmount: money(lines.reduce(0) { $0 + ($1.paidAmount?.amountMinor ?? 0) }, currency),
                    fulfilment: fulfilment(of: order), matchesReport: matches))
        }
        let window = ruleSet.priceErrors?.referencePriceWindow
        let windowStart = OrderRates.windowStart(window, before: liveFrom)
        let reference = observations.filter { observation in
            observation.merchantId == merchantID && sameItem(observation.itemId, observation.skuId)
                && (observation.observedAt.map { windowStart <= $0 && $0 < liveFrom } ?? false)
                && observation.price?.currency == currency
        }.compactMap(\.price).min { $0.amountMinor < $1.amountMinor }
        let inPromotion = promotions.contains { promotion in
            let overlaps = (promotion.startsAt.map { $0 < liveUntil } ?? true) && (promotion.endsAt.map { liveFrom < $0 } ?? true)
            return overlaps && promotion.items.contains { $0.merchantId == merchantID && sameItem($0.itemId, $0.skuId) }
        }
        return PriceErrorFacts(
            intendedPrice: request.intendedPrice ?? money(0, currency), livePrice: request.livePrice ?? money(0, currency),
            reportedAt: reportedAt, firstOrderPaidAt: firstPaid, referencePrice: reference,
            inRegisteredPromotion: inPromotion, acceptedReportsInPeriod: acceptedReportsInPeriod, orders: listed)
    }

    /// How far an order has gone: delivered, shipped, or paid and not shipped.
    public static func fulfilment(of order: OrderFact) -> FulfilmentStatus {
        if order.receivedAt != nil || order.status == .received || order.status == .completed { return .delivered }
        if order.shippedAt != nil || order.status == .shipped { return .shipped }
        return .notShipped
    }
}

extension AnalysedRefund {
    /// A refund as the analysis reads it: the buyer's reason from its after-sales request.
    public init(refund: RefundFact, afterSales: AfterSalesRequestFact?) {
        self.init(
            orderID: refund.orderId, reason: afterSales?.reason ?? .unspecified, amount: refund.amount ?? Money(),
            refundOnly: !refund.goodsReturned)
    }
}
