import ProtectionMessages
import ProtoWire

/// What makes a fact from the feed usable: its record's id, the parties, known enum
/// values, the times and amounts decisions read. Every problem is listed, each with
/// its field's path.
enum FactValidation {
    static func problems(_ fact: Fact, path: String) -> [(String, String)] {
        var problems: [(String, String)] = []
        func require(_ condition: Bool, _ field: String, _ problem: String) {
            if !condition { problems.append(("\(path).\(field)", problem)) }
        }
        func known<E: ProtoEnum>(_ value: E, _ field: String) {
            require(value.rawValue != 0 && value.protoName != nil, field, "must be a known value")
        }
        func amount(_ money: Money?, _ field: String) {
            require(money != nil, field, "is required")
            if let money {
                require(money.amountMinor >= 0, "\(field).amount_minor", "must not be negative")
                require(money.currency.count == 3 && money.currency == money.currency.uppercased(), "\(field).currency", "must be an ISO 4217 code")
            }
        }
        require(fact.sourceRevision >= 0, "source_revision", "must not be negative")
        switch fact.payload {
        case nil:
            require(false, "payload", "must be set (merchant, order, after_sales_request, ...)")
        case .merchant(let merchant):
            require(!merchant.merchantId.isEmpty, "merchant.merchant_id", "is required")
            known(merchant.platform, "merchant.platform")
            known(merchant.industry, "merchant.industry")
            for (score, name) in [
                (merchant.productQualityScoreMilli, "product_quality_score_milli"), (merchant.logisticsScoreMilli, "logistics_score_milli"),
                (merchant.serviceResponseScoreMilli, "service_response_score_milli"),
            ] {
                require((0...5_000).contains(score), "merchant.\(name)", "must be 0 to 5000")
            }
        case .order(let order):
            require(!order.orderId.isEmpty, "order.order_id", "is required")
            require(!order.buyerId.isEmpty, "order.buyer_id", "is required")
            require(!order.merchantId.isEmpty, "order.merchant_id", "is required")
            known(order.status, "order.status")
            require(order.paidAt != nil, "order.paid_at", "is required")
            amount(order.paidAmount, "order.paid_amount")
            for (index, item) in order.items.enumerated() {
                require(!item.itemId.isEmpty, "order.items[\(index)].item_id", "is required")
                require(item.quantity >= 1, "order.items[\(index)].quantity", "must be at least 1")
            }
        case .afterSalesRequest(let request):
            require(!request.requestId.isEmpty, "after_sales_request.request_id", "is required")
            require(!request.orderId.isEmpty, "after_sales_request.order_id", "is required")
            known(request.kind, "after_sales_request.kind")
            known(request.status, "after_sales_request.status")
            require(request.requestedAt != nil, "after_sales_request.requested_at", "is required")
        case .refund(let refund):
            require(!refund.refundId.isEmpty, "refund.refund_id", "is required")
            require(!refund.orderId.isEmpty, "refund.order_id", "is required")
            amount(refund.amount, "refund.amount")
            require(refund.refundedAt != nil, "refund.refunded_at", "is required")
        case .returnShipment(let shipment):
            require(!shipment.shipmentId.isEmpty, "return_shipment.shipment_id", "is required")
            require(!shipment.orderId.isEmpty, "return_shipment.order_id", "is required")
            amount(shipment.shippingCost, "return_shipment.shipping_cost")
            require(shipment.shippedAt != nil, "return_shipment.shipped_at", "is required")
        case .promotion(let promotion):
            require(!promotion.promotionId.isEmpty, "promotion.promotion_id", "is required")
            known(promotion.kind, "promotion.kind")
            if let start = promotion.startsAt, let end = promotion.endsAt { require(start < end, "promotion.ends_at", "must be after starts_at") }
        case .referencePrice(let price):
            require(!price.merchantId.isEmpty, "reference_price.merchant_id", "is required")
            require(!price.itemId.isEmpty, "reference_price.item_id", "is required")
            amount(price.price, "reference_price.price")
            require(price.observedAt != nil, "reference_price.observed_at", "is required")
        case .review(let review):
            require(!review.reviewId.isEmpty, "review.review_id", "is required")
            require(!review.buyerId.isEmpty, "review.buyer_id", "is required")
            require(!review.merchantId.isEmpty, "review.merchant_id", "is required")
            require((1...5).contains(review.stars), "review.stars", "must be 1 to 5 (is \(review.stars))")
            require(review.reviewedAt != nil, "review.reviewed_at", "is required")
        }
        return problems
    }
}
