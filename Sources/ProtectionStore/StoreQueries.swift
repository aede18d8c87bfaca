import ProtectionMessages
import ProtoWire

/// Where a page starts and how long it is. Lists newest first continue strictly
/// after `after` (an item's time and id); `limit` items at most.
public struct PageRequest: Sendable, Hashable {
    public var limit: Int
    public var after: PageCursor?

    public init(limit: Int, after: PageCursor? = nil) {
        self.limit = limit
        self.after = after
    }
}

/// The position of an item in a list ordered by time, then id.
public struct PageCursor: Sendable, Hashable {
    public var time: Int64
    public var id: String

    public init(time: Int64, id: String) {
        self.time = time
        self.id = id
    }
}

/// A half-open time range in seconds; nil ends are open.
public struct TimeWindow: Sendable, Hashable {
    public var from: Int64?
    public var until: Int64?

    public init(from: Int64? = nil, until: Int64? = nil) {
        self.from = from
        self.until = until
    }

    /// Everything.
    public static let all = TimeWindow()
}

public struct ComplaintQuery: Sendable, Hashable {
    public var merchantID = ""
    public var buyerID = ""
    public var orderID = ""
    public var states: [ComplaintState] = []
    public var types: [ComplaintType] = []
    public var filed = TimeWindow.all
    public var page = PageRequest(limit: 50)

    public init() {}
}

public struct SanctionQuery: Sendable, Hashable {
    public var buyerID = ""
    public var merchantID = ""
    public var kinds: [SanctionKind] = []
    public var activeOnly = false
    public var page = PageRequest(limit: 50)

    public init() {}
}

public struct ClaimQuery: Sendable, Hashable {
    public var merchantID = ""
    public var buyerID = ""
    public var orderID = ""
    public var states: [InsuranceClaimState] = []
    public var shipped = TimeWindow.all
    public var page = PageRequest(limit: 50)

    public init() {}
}

public struct PriceErrorReportQuery: Sendable, Hashable {
    public var merchantID = ""
    public var states: [PriceErrorReportState] = []
    public var reported = TimeWindow.all
    public var page = PageRequest(limit: 50)

    public init() {}
}

/// Audit events by sequence, oldest first, after `afterSequence`.
public struct EventQuery: Sendable, Hashable {
    public var subjectKind = AuditSubjectKind.unspecified
    public var subjectID = ""
    public var actorID = ""
    public var merchantID = ""
    public var buyerID = ""
    public var actions: [AuditAction] = []
    public var occurred = TimeWindow.all
    public var afterSequence: Int64 = 0
    public var limit = 50

    public init() {}
}

/// The kinds of facts the feed carries, as stored.
public enum FactKind: String, Sendable, Hashable, CaseIterable {
    case merchant, order, afterSales = "after_sales", refund, returnShipment = "return_shipment", promotion
    case referencePrice = "reference_price"
    case review
}

extension Fact {
    /// The kind and id a fact is stored under; nil for a fact without a payload.
    /// A reference-price observation is its own record (store, item, SKU, time).
    public var storeKey: (kind: FactKind, id: String)? {
        switch payload {
        case .merchant(let fact): (.merchant, fact.merchantId)
        case .order(let fact): (.order, fact.orderId)
        case .afterSalesRequest(let fact): (.afterSales, fact.requestId)
        case .refund(let fact): (.refund, fact.refundId)
        case .returnShipment(let fact): (.returnShipment, fact.shipmentId)
        case .promotion(let fact): (.promotion, fact.promotionId)
        case .referencePrice(let fact):
            (.referencePrice, "\(fact.merchantId)/\(fact.itemId)/\(fact.skuId)/\(fact.observedAt?.seconds ?? 0)")
        case .review(let fact): (.review, fact.reviewId)
        case nil: nil
        }
    }
}

/// The stored revision of a fact, by kind and id.
public struct FactRevision: Sendable, Hashable {
    public var sourceRevision: Int64
    /// The log sequence that stored it.
    public var sequence: Int64

    public init(sourceRevision: Int64, sequence: Int64) {
        self.sourceRevision = sourceRevision
        self.sequence = sequence
    }
}

/// A response kept under an idempotency key.
public struct IdempotencyRecord: Sendable, Hashable {
    public var requestHash: [UInt8]
    public var response: [UInt8]

    public init(requestHash: [UInt8], response: [UInt8]) {
        self.requestHash = requestHash
        self.response = response
    }
}

/// An order's buyer and store.
public struct OrderOwnership: Sendable, Hashable {
    public var orderID: String
    public var buyerID: String
    public var merchantID: String

    public init(orderID: String, buyerID: String, merchantID: String) {
        self.orderID = orderID
        self.buyerID = buyerID
        self.merchantID = merchantID
    }
}

/// What a merchant's experience score reads: its fact, its orders paid in a window
/// with the after-sales requests on them, and its complaints ever confirmed.
public struct MerchantFigures: Sendable, Hashable {
    public var merchant: Fact?
    public var orders: [OrderFact]
    public var afterSales: [AfterSalesRequestFact]
    public var confirmedComplaints: [Complaint]

    public init(merchant: Fact?, orders: [OrderFact], afterSales: [AfterSalesRequestFact], confirmedComplaints: [Complaint]) {
        self.merchant = merchant
        self.orders = orders
        self.afterSales = afterSales
        self.confirmedComplaints = confirmedComplaints
    }
}
