import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// Price-error protection with DOMAIN.md's numbers: reported within 24 h of the
/// first order, live price at most 50% of the intended and of the reference
/// price, not in a promotion, fewer than 3 accepted reports in 90 days;
/// compensation clamp(10% of paid, ¥3, ¥50); a reviewer above a ¥10,000 loss.
@Suite struct PriceErrorTests {
    static let defaults = RuleSetValidationTests.defaults
    static let now = ComplaintFilingTests.now
    static let cny = ReturnRiskTests.cny
    static let firstPaid = ProtoTimestamp(seconds: 1_767_300_000, nanos: 0)

    static func order(_ id: String, paid: Int64, quantity: Int64 = 1, _ fulfilment: FulfilmentStatus = .notShipped) -> PriceErrorOrder {
        PriceErrorOrder(orderID: id, buyerID: "B-\(id)", quantity: quantity, paidAmount: cny(paid), fulfilment: fulfilment)
    }

    /// An item meant to sell at ¥200.00, live at ¥20.00; reference ¥199.00.
    static func facts(
        reportedAfter seconds: Int64 = 3_600, live: Int64 = 2_000, intended: Int64 = 20_000, reference: Int64? = 19_900,
        promotion: Bool = false, accepted: Int32 = 0, orders: [PriceErrorOrder] = [order("1", paid: 2_000)]
    ) -> PriceErrorFacts {
        PriceErrorFacts(
            intendedPrice: cny(intended), livePrice: cny(live),
            reportedAt: ProtoTimestamp(seconds: firstPaid.seconds + seconds, nanos: 0), firstOrderPaidAt: firstPaid,
            referencePrice: reference.map(cny), inRegisteredPromotion: promotion, acceptedReportsInPeriod: accepted,
            orders: orders)
    }

    static func judge(_ facts: PriceErrorFacts, rules: RuleSet = defaults) -> PriceErrorJudgement {
        PriceErrors.judge(facts, ruleSet: rules, now: now)
    }

    static func passed(_ judgement: PriceErrorJudgement, _ kind: PriceErrorCheckKind) -> Bool? {
        judgement.eligibility.checks.first { $0.kind == kind }?.passed
    }

    // The window's end is exclusive: one second before 24 hours is in time, 24 hours is late.
    @Test(arguments: [(Int64(86_399), true), (86_400, false)])
    func aReportIsInTimeWithin24HoursOfTheFirstOrder(after: Int64, inTime: Bool) {
        let judgement = Self.judge(Self.facts(reportedAfter: after))
        #expect(Self.passed(judgement, .reportedInTime) == inTime)
        #expect(judgement.state == (inTime ? .resolved : .ineligible))
        #expect(judgement.resolutions.isEmpty == !inTime, "an ineligible report resolves nothing")
    }

    @Test(arguments: [(Int64(10_000), true), (10_001, false)])
    func theLivePriceMayBeAtMostHalfTheIntendedOne(live: Int64, eligible: Bool) {
        // Intended ¥200, reference high enough not to decide.
        let judgement = Self.judge(Self.facts(live: live, reference: 1_000_000))
        #expect(Self.passed(judgement, .deviationFromIntended) == eligible)
    }

    @Test(arguments: [(Int64(4_000), true), (4_001, false)])
    func theLivePriceMayBeAtMostHalfTheReferencePrice(live: Int64, eligible: Bool) {
        let judgement = Self.judge(Self.facts(live: live, reference: 8_000))
        #expect(Self.passed(judgement, .deviationFromReference) == eligible)
    }

    @Test func aPromotionPriceOrAFourthReportIsNotAnError() {
        #expect(Self.passed(Self.judge(Self.facts(promotion: true)), .notInPromotion) == false)
        #expect(Self.passed(Self.judge(Self.facts(accepted: 2)), .withinRecurrenceLimit) == true)
        let fourth = Self.judge(Self.facts(accepted: 3))
        #expect(Self.passed(fourth, .withinRecurrenceLimit) == false)
        #expect(fourth.state == .ineligible)
        #expect(fourth.explanation.hits.first { $0.ruleId == "price_error.within_recurrence_limit" }?.fired == true)
    }

    @Test func aListedOrderThatDoesNotMatchMakesTheReportIneligible() {
        var stranger = Self.order("2", paid: 2_000)
        stranger.matchesReport = false
        #expect(Self.passed(Self.judge(Self.facts(orders: [Self.order("1", paid: 2_000), stranger])), .ordersMatch) == false)
    }

    // clamp(10% of paid, ¥3, ¥50).
    @Test(arguments: [(Int64(2_000), Int64(300)), (3_000, 300), (3_010, 301), (40_000, 4_000), (50_000, 5_000), (100_000, 5_000)])
    func compensationIsTenPercentClampedBetween3And50Yuan(paid: Int64, compensation: Int64) {
        let judgement = Self.judge(Self.facts(orders: [Self.order("1", paid: paid)]))
        let resolution = judgement.resolutions.first
        #expect(resolution?.action == .cancelWithCompensation)
        #expect(resolution?.compensation?.amountMinor == compensation)
        #expect(resolution?.excludedFromCancellationMetrics == true)
    }

    @Test func shippedOrdersStandAndUnshippedOnesAreCancelled() {
        let orders = [
            Self.order("1", paid: 2_000), Self.order("2", paid: 4_000, quantity: 2, .shipped),
            Self.order("3", paid: 2_000, .delivered),
        ]
        let judgement = Self.judge(Self.facts(orders: orders))
        #expect(judgement.resolutions.map(\.action) == [.cancelWithCompensation, .fulfil, .fulfil])
        #expect(judgement.resolutions.map { $0.loss?.amountMinor } == [18_000, 36_000, 18_000])
        #expect(judgement.totals.totalLoss?.amountMinor == 72_000)
        #expect(judgement.totals.totalCompensation?.amountMinor == 300)
        #expect(judgement.totals.cancelledCount == 1 && judgement.totals.fulfilledCount == 2)
        #expect(judgement.resolutions.allSatisfy { $0.explanation?.ruleSetVersion == 1 })
        #expect(judgement.resolutions[1].excludedFromCancellationMetrics == false)
    }

    // A total loss of exactly ¥10,000 is resolved; one fen more goes to a reviewer.
    @Test(arguments: [(Int64(1_000_000), PriceErrorReportState.resolved), (1_000_001, .pendingManualReview)])
    func aLossAbove10000YuanGoesToAReviewer(loss: Int64, state: PriceErrorReportState) {
        // Intended ¥200 × quantity; paid so that the loss is `loss`.
        let quantity: Int64 = 100
        let paid = 20_000 * quantity - loss
        let judgement = Self.judge(Self.facts(live: 2, orders: [Self.order("1", paid: paid, quantity: quantity)]))
        #expect(judgement.state == state)
        #expect(judgement.totals.totalLoss?.amountMinor == loss)
        #expect(judgement.resolutions.first?.action == (state == .resolved ? .cancelWithCompensation : .manualReview))
    }

    @Test func aTwoHourWindowLikeJDsRefusesWhatTheDefaultAccepts() {
        var rules = Self.defaults
        rules.priceErrors?.reportWindow = ProtoDuration(seconds: 7_200, nanos: 0)
        let facts = Self.facts(reportedAfter: 3 * 3_600)
        #expect(Self.judge(facts).state == .resolved)
        #expect(Self.judge(facts, rules: rules).state == .ineligible)
    }
}
