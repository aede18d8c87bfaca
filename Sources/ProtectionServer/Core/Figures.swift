import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire

/// The facts and figures decisions read, loaded from the store; what counts (rates,
/// medians, windows) is decided by PolicyCore. A caller never states them.
extension ServerCore {
    /// A stored fact's payload of one kind.
    func fact<T>(_ kind: FactKind, _ id: String, _ payload: (Fact) -> T?) async throws -> T? {
        guard !id.isEmpty else { return nil }
        return try await storeCall { try await store.facts(kind, ids: [id]) }[id].flatMap(payload)
    }

    func order(_ id: String) async throws -> OrderFact? {
        try await fact(.order, id) { if case .order(let order) = $0.payload { order } else { nil } }
    }

    /// A merchant's fact and the service that reported it.
    func merchant(_ id: String) async throws -> (fact: MerchantFact, source: String)? {
        try await fact(.merchant, id) { fact in
            if case .merchant(let merchant) = fact.payload { (merchant, fact.sourceService) } else { nil }
        }
    }

    /// A merchant's fact, or FAILED_PRECONDITION (FACT_MISSING) when the feed never reported it.
    func requireMerchant(_ id: String) async throws -> (fact: MerchantFact, source: String) {
        guard let merchant = try await merchant(id) else {
            throw ServiceError.factMissing("The facts feed has not reported merchant '\(id)' yet.")
        }
        return merchant
    }

    /// An order the caller may see, or NOT_FOUND (another party's order answers the same).
    func visibleOrder(_ id: String, to caller: Caller, field: String = "order_id") async throws -> OrderFact {
        guard !id.isEmpty else { throw ServiceError.invalid(field, "is required") }
        return try caller.visible(
            try await order(id), merchantID: \.merchantId, buyerID: \.buyerId,
            notFound: "No order '\(id)' is known to this caller.")
    }

    /// Every complaint about a buyer that was ever confirmed.
    func confirmedComplaints(buyerID: String) async throws -> [Complaint] {
        var query = ComplaintQuery()
        query.buyerID = buyerID
        query.states = [.confirmed, .appealed, .upheld, .overturned]
        query.page = PageRequest(limit: 100_000)
        return try await storeCall { try await store.complaints(query) }
    }

    /// Every complaint by a merchant that was ever confirmed.
    func confirmedComplaints(merchantID: String) async throws -> [Complaint] {
        var query = ComplaintQuery()
        query.merchantID = merchantID
        query.states = [.confirmed, .appealed, .upheld, .overturned]
        query.page = PageRequest(limit: 100_000)
        return try await storeCall { try await store.complaints(query) }
    }

    /// Every complaint of a merchant that was decided (confirmed or rejected, then
    /// perhaps appealed): what the guardrails count.
    func decidedComplaints(merchantID: String) async throws -> [Complaint] {
        var query = ComplaintQuery()
        query.merchantID = merchantID
        query.states = [.confirmed, .rejected, .appealed, .upheld, .overturned]
        query.page = PageRequest(limit: 100_000)
        return try await storeCall { try await store.complaints(query) }
    }

    /// What the guardrails read when `buyerID` is complained about by `merchantID`
    /// at `time`: the merchant's decided complaints and the buyer's reviews of it
    /// in the retaliation window.
    func guardrailHistory(buyerID: String, merchantID: String, at time: ProtoTimestamp, ruleSet: RuleSet) async throws
        -> GuardrailHistory
    {
        let complaints = try await decidedComplaints(merchantID: merchantID)
        let start = OrderRates.windowStart(ruleSet.guardrails?.retaliationWindow, before: time)
        let reviews = try await storeCall {
            try await store.reviews(buyerID: buyerID, merchantID: merchantID, reviewed: TimeWindow(from: start.seconds, until: time.seconds + 1))
        }
        return GuardrailHistory(buyerID: buyerID, merchantID: merchantID, merchantComplaints: complaints, buyerReviews: reviews)
    }

    /// The cases complaints stand for, each judged by the rule set it was filed under.
    func cases(_ complaints: [Complaint]) -> [ConfirmedCase] {
        complaints.compactMap { ConfirmedCase(complaint: $0, ruleSet: catalog.judging(version: $0.ruleSetVersion, at: $0.filedAt)) }
    }

    /// The white-box experience score of a merchant as of `time`, judged by `ruleSet`.
    func experienceScore(merchantID: String, at time: ProtoTimestamp, ruleSet: RuleSet) async throws
        -> ExplainExperienceScoreResponse
    {
        let window = TimeWindow(
            from: OrderRates.windowStart(ruleSet.experienceScore?.rateWindow, before: time).seconds, until: time.seconds)
        let figures = try await self.figures.figures(merchantID, window: window) { wide in
            try await storeCall { try await store.merchantFigures(merchantID, paid: wide) }
        }
        guard let fact = figures.merchant, case .merchant(let merchant) = fact.payload else {
            throw ServiceError.factMissing("The facts feed has not reported merchant '\(merchantID)' yet.")
        }
        let facts = ExperienceScoreFacts.derive(
            merchant: merchant, source: fact.sourceService, orders: figures.orders, afterSales: figures.afterSales,
            cases: cases(figures.confirmedComplaints), ruleSet: ruleSet, now: time)
        var explained = ExperienceScore.explain(facts, ruleSet: ruleSet, now: time)
        var range = TimeRange()
        range.start = ProtoTimestamp(seconds: window.from ?? 0, nanos: 0)
        range.end = time
        explained.rateWindow = range
        return explained
    }

    /// A buyer's or a merchant's orders, and the after-sales requests on them, paid
    /// in the window of `length` before `time`.
    func orders(of owner: OrderOwner, within length: ProtoDuration?, before time: ProtoTimestamp) async throws
        -> ([OrderFact], [AfterSalesRequestFact])
    {
        let window = TimeWindow(from: OrderRates.windowStart(length, before: time).seconds, until: time.seconds)
        async let orders = storeCall { try await store.orders(of: owner, paid: window) }
        async let afterSales = storeCall { try await store.afterSales(onOrdersOf: owner, paid: window) }
        return (try await orders, try await afterSales)
    }
}

/// A time range from a request, in seconds; unset ends default.
func window(_ range: TimeRange?, defaultStart: Int64? = nil, defaultEnd: Int64? = nil) -> TimeWindow {
    TimeWindow(from: range?.start?.seconds ?? defaultStart, until: range?.end?.seconds ?? defaultEnd)
}
