import ProtectionMessages
import ProtoWire

/// One order a price-error report lists, as the order facts show it.
public struct PriceErrorOrder: Sendable, Hashable {
    public var orderID: String
    public var buyerID: String
    /// Units of the mispriced item in the order.
    public var quantity: Int64
    /// Amount paid for the item line.
    public var paidAmount: Money
    public var fulfilment: FulfilmentStatus
    /// The order is the merchant's, holds the item, and was paid while the wrong price was live.
    public var matchesReport: Bool

    public init(
        orderID: String, buyerID: String, quantity: Int64, paidAmount: Money, fulfilment: FulfilmentStatus,
        matchesReport: Bool = true
    ) {
        self.orderID = orderID
        self.buyerID = buyerID
        self.quantity = quantity
        self.paidAmount = paidAmount
        self.fulfilment = fulfilment
        self.matchesReport = matchesReport
    }
}

/// What a price-error judgement reads: the report and the facts the server found.
public struct PriceErrorFacts: Sendable, Hashable {
    public var intendedPrice: Money
    public var livePrice: Money
    public var reportedAt: ProtoTimestamp
    /// When the first affected order was paid; nil when no order matched.
    public var firstOrderPaidAt: ProtoTimestamp?
    /// The lowest price in the reference window; nil when none was reported.
    public var referencePrice: Money?
    /// The item was in a registered promotion while the wrong price was live.
    public var inRegisteredPromotion: Bool
    /// The merchant's accepted reports in the recurrence period before this one.
    public var acceptedReportsInPeriod: Int32
    public var orders: [PriceErrorOrder]

    public init(
        intendedPrice: Money, livePrice: Money, reportedAt: ProtoTimestamp, firstOrderPaidAt: ProtoTimestamp?,
        referencePrice: Money?, inRegisteredPromotion: Bool, acceptedReportsInPeriod: Int32, orders: [PriceErrorOrder]
    ) {
        self.intendedPrice = intendedPrice
        self.livePrice = livePrice
        self.reportedAt = reportedAt
        self.firstOrderPaidAt = firstOrderPaidAt
        self.referencePrice = referencePrice
        self.inRegisteredPromotion = inRegisteredPromotion
        self.acceptedReportsInPeriod = acceptedReportsInPeriod
        self.orders = orders
    }
}

/// The judgement of a price-error report.
public struct PriceErrorJudgement: Sendable, Hashable {
    public var state: PriceErrorReportState
    public var eligibility: PriceErrorEligibility
    /// One per order; empty when ineligible.
    public var resolutions: [OrderResolution]
    public var totals: PriceErrorTotals
    public var explanation: Explanation
}

/// Price-error protection: eligibility (report window, deviation from the intended
/// and the reference price, no promotion, recurrence limit, matching orders), then
/// per order: cancel with clamped compensation if not shipped, fulfil if shipped,
/// everything to a reviewer when the total loss is above the threshold.
public enum PriceErrors {
    public static func judge(_ facts: PriceErrorFacts, ruleSet: RuleSet, now: ProtoTimestamp) -> PriceErrorJudgement {
        let rules = ruleSet.priceErrors ?? PriceErrorRules()
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        var eligibility = PriceErrorEligibility()
        eligibility.acceptedReportsInPeriod = facts.acceptedReportsInPeriod

        func check(_ kind: PriceErrorCheckKind, _ passed: Bool, _ facts: [FactUsed], _ sentence: String) {
            var check = PriceErrorCheck()
            check.kind = kind
            check.passed = passed
            check.facts = facts
            check.sentence = sentence
            eligibility.checks.append(check)
            why.hit("price_error.\(shortName(kind, prefix: "PRICE_ERROR_CHECK_KIND_").lowercased())", fired: !passed, facts: facts, sentence: sentence)
        }

        // Reported in time: at most the window after the first affected order.
        let window = rules.reportWindow ?? ProtoDuration()
        if let first = facts.firstOrderPaidAt {
            let inTime = !isClosed(at: facts.reportedAt, opened: first, lasting: window)
            check(
                .reportedInTime, inTime,
                [UsedFact.time("order.first_paid_at", first), UsedFact.time("report.reported_at", facts.reportedAt), UsedFact.duration("rules.report_window", window)],
                inTime
                    ? "Reported within \(durationText(window)) of the first affected order."
                    : "Reported \(durationText(window)) or more after the first affected order.")
        } else {
            check(.reportedInTime, false, [], "No affected order was found, so the report window cannot start.")
        }

        // Deviation: live price at most a share of the intended and of the reference price.
        let live = facts.livePrice
        let intendedOK = !exceeds(live.amountMinor, times: 10_000, facts.intendedPrice.amountMinor, times: Int64(rules.maxLiveToIntendedBp))
        check(
            .deviationFromIntended, intendedOK,
            [UsedFact.money("report.live_price", live), UsedFact.money("report.intended_price", facts.intendedPrice), UsedFact.int("rules.max_live_to_intended_bp", rules.maxLiveToIntendedBp, unit: .basisPoints)],
            "The live price \(moneyText(live)) is \(intendedOK ? "at most" : "more than") \(rules.maxLiveToIntendedBp / 100)% of the intended \(moneyText(facts.intendedPrice)).")
        if let reference = facts.referencePrice {
            let referenceOK = !exceeds(live.amountMinor, times: 10_000, reference.amountMinor, times: Int64(rules.maxLiveToReferenceBp))
            check(
                .deviationFromReference, referenceOK,
                [UsedFact.money("report.live_price", live), UsedFact.money("item.reference_price", reference), UsedFact.int("rules.max_live_to_reference_bp", rules.maxLiveToReferenceBp, unit: .basisPoints)],
                "The live price \(moneyText(live)) is \(referenceOK ? "at most" : "more than") \(rules.maxLiveToReferenceBp / 100)% of the reference price \(moneyText(reference)).")
        } else {
            check(.deviationFromReference, false, [], "No reference price is known for the item, so the deviation cannot be checked.")
        }

        check(
            .notInPromotion, !facts.inRegisteredPromotion, [UsedFact.bool("item.in_registered_promotion", facts.inRegisteredPromotion)],
            facts.inRegisteredPromotion
                ? "The item was in a registered promotion: its price was intended."
                : "The item was in no registered promotion.")

        let underLimit = facts.acceptedReportsInPeriod < rules.recurrenceLimit
        check(
            .withinRecurrenceLimit, underLimit,
            [UsedFact.int("merchant.accepted_price_error_reports", facts.acceptedReportsInPeriod, unit: .count), UsedFact.int("rules.recurrence_limit", rules.recurrenceLimit, unit: .count)],
            "\(facts.acceptedReportsInPeriod) accepted reports in the last \(durationText(rules.recurrencePeriod ?? ProtoDuration())); the limit is \(rules.recurrenceLimit).")

        let matching = facts.orders.filter(\.matchesReport).count
        let ordersOK = !facts.orders.isEmpty && matching == facts.orders.count
        check(
            .ordersMatch, ordersOK, [UsedFact.int("report.orders", facts.orders.count, unit: .count), UsedFact.int("report.matching_orders", matching, unit: .count)],
            ordersOK
                ? "Every listed order is the merchant's, holds the item and was paid while the price was live."
                : "\(facts.orders.count - matching) of \(facts.orders.count) listed orders do not match the report.")

        eligibility.eligible = eligibility.checks.allSatisfy(\.passed)
        var judgement = PriceErrorJudgement(
            state: .ineligible, eligibility: eligibility, resolutions: [], totals: PriceErrorTotals(), explanation: Explanation())
        judgement.totals.orderCount = Int32(facts.orders.count)
        guard eligibility.eligible else {
            let failed = eligibility.checks.filter { !$0.passed }.map(\.sentence).joined(separator: " ")
            judgement.explanation = why.finish(summary: "Not eligible; every order stands. \(failed)")
            return judgement
        }
        return resolve(facts, ruleSet: ruleSet, now: now, judgement: judgement, why: why)
    }

    private static func resolve(
        _ facts: PriceErrorFacts, ruleSet: RuleSet, now: ProtoTimestamp, judgement: PriceErrorJudgement,
        why: ExplanationBuilder
    ) -> PriceErrorJudgement {
        let rules = ruleSet.priceErrors ?? PriceErrorRules()
        var judgement = judgement
        var why = why
        let currency = facts.intendedPrice.currency
        let losses = facts.orders.map { facts.intendedPrice.amountMinor * $0.quantity - $0.paidAmount.amountMinor }
        let totalLoss = losses.reduce(0, +)
        let threshold = rules.manualReviewLossThreshold?.amountMinor ?? .max
        let manual = totalLoss > threshold
        why.hit(
            "price_error.manual_review_threshold", fired: manual,
            facts: [UsedFact.money("report.total_loss", money(totalLoss, currency)), UsedFact.money("rules.manual_review_loss_threshold", money(threshold, currency))],
            sentence: manual
                ? "The total loss, \(moneyText(money(totalLoss, currency))), is above \(moneyText(money(threshold, currency))): a reviewer decides."
                : "The total loss, \(moneyText(money(totalLoss, currency))), is not above \(moneyText(money(threshold, currency))): resolved automatically.")
        var totalCompensation: Int64 = 0
        for (order, loss) in zip(facts.orders, losses) {
            var resolution = OrderResolution()
            resolution.orderId = order.orderID
            resolution.buyerId = order.buyerID
            resolution.quantity = order.quantity
            resolution.paidAmount = order.paidAmount
            resolution.fulfilmentStatus = order.fulfilment
            resolution.loss = money(loss, currency)
            resolution.compensation = money(0, currency)
            var orderWhy = ExplanationBuilder(ruleSet: ruleSet, now: now)
            if manual {
                resolution.action = .manualReview
                judgement.totals.manualReviewCount += 1
                orderWhy.hit("price_error.manual_review_threshold", fired: true, sentence: "Waiting for a reviewer: the report's total loss is above the threshold.")
            } else if order.fulfilment == .notShipped {
                let tenth = order.paidAmount.amountMinor * Int64(rules.compensationBp) / 10_000
                let low = rules.compensationMin?.amountMinor ?? 0
                let high = rules.compensationMax?.amountMinor ?? .max
                let compensation = min(max(tenth, low), high)
                resolution.action = .cancelWithCompensation
                resolution.compensation = money(compensation, currency)
                resolution.excludedFromCancellationMetrics = true
                totalCompensation += compensation
                judgement.totals.cancelledCount += 1
                orderWhy.hit(
                    "price_error.cancel_with_compensation", fired: true,
                    facts: [UsedFact.money("order.paid_amount", order.paidAmount), UsedFact.money("order.compensation", money(compensation, currency))],
                    sentence: "Not shipped: cancelled; the merchant pays the buyer \(moneyText(money(compensation, currency))) (\(rules.compensationBp / 100)% of \(moneyText(order.paidAmount)), between \(moneyText(money(low, currency))) and \(moneyText(money(high, currency)))); left out of the cancellation metrics.")
            } else {
                resolution.action = .fulfil
                judgement.totals.fulfilledCount += 1
                orderWhy.hit(
                    "price_error.fulfil", fired: true,
                    facts: [UsedFact.string("order.fulfilment", shortName(order.fulfilment, prefix: "FULFILMENT_STATUS_"))],
                    sentence: "Already on its way or delivered: the order stands at the price paid.")
            }
            resolution.explanation = orderWhy.finish(summary: orderWhy.firstSentence)
            judgement.resolutions.append(resolution)
        }
        judgement.state = manual ? .pendingManualReview : .resolved
        judgement.totals.totalLoss = money(totalLoss, currency)
        judgement.totals.totalCompensation = money(totalCompensation, currency)
        judgement.explanation = why.finish(
            summary: manual
                ? "Eligible; the total loss is above the threshold, so a reviewer decides every order."
                : "Eligible: \(judgement.totals.cancelledCount) orders cancelled with \(moneyText(money(totalCompensation, currency))) compensation, \(judgement.totals.fulfilledCount) fulfilled.")
        return judgement
    }
}
