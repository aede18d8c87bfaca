import ProtectionMessages
import ProtoWire

/// What a return-insurance quote reads about an order; the server derives it from
/// the facts feed and its own records.
public struct InsuranceQuoteFacts: Sendable, Hashable {
    /// The merchant's platform.
    public var platform: Platform
    /// The merchant's enrolment mode; nil when not enrolled.
    public var enrollmentMode: InsuranceMode?
    /// The order's promotion; empty when none.
    public var promotionID: String
    /// A Taobao merchant's choice for that promotion; nil when it made none (the
    /// enrolment applies).
    public var promotionParticipation: Bool?
    /// In BUYER_OPT_IN mode, whether the buyer turned the cover on for the order.
    public var buyerOptedIn: Bool
    /// Whether the order was cancelled.
    public var orderCancelled: Bool
    /// The merchant's return rate over the rule set's window, in bp.
    public var merchantReturnRateBp: Int32
    /// The buyer's active integrity points.
    public var buyerActivePoints: Int32

    public init(
        platform: Platform, enrollmentMode: InsuranceMode?, promotionID: String = "", promotionParticipation: Bool? = nil,
        buyerOptedIn: Bool = false, orderCancelled: Bool = false, merchantReturnRateBp: Int32, buyerActivePoints: Int32
    ) {
        self.platform = platform
        self.enrollmentMode = enrollmentMode
        self.promotionID = promotionID
        self.promotionParticipation = promotionParticipation
        self.buyerOptedIn = buyerOptedIn
        self.orderCancelled = orderCancelled
        self.merchantReturnRateBp = merchantReturnRateBp
        self.buyerActivePoints = buyerActivePoints
    }
}

/// Return-insurance quotes: whether an order is covered, who pays, the premium
/// (a step by the merchant's return rate, plus a surcharge when the buyer has
/// active points) and the payout cap.
public enum InsuranceQuote {
    public static func quote(_ facts: InsuranceQuoteFacts, ruleSet: RuleSet, now: ProtoTimestamp) -> QuoteReturnInsuranceResponse {
        let rules = ruleSet.insurance ?? InsuranceRules()
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        var quote = QuoteReturnInsuranceResponse()
        quote.promotionId = facts.promotionID
        quote.merchantReturnRateBp = facts.merchantReturnRateBp

        // Coverage.
        let inPromotion = !facts.promotionID.isEmpty
        let tmallPromotion = inPromotion && facts.platform == .tmall
        quote.mode = facts.enrollmentMode ?? (tmallPromotion ? .merchantPaid : .unspecified)
        quote.payer = quote.mode == .buyerOptIn && !tmallPromotion ? .buyer : .merchant
        why.hit(
            "insurance.coverage.tmall_promotion", fired: tmallPromotion,
            facts: [UsedFact.string("merchant.platform", shortName(facts.platform, prefix: "PLATFORM_")), UsedFact.string("order.promotion_id", facts.promotionID)],
            sentence: tmallPromotion
                ? "A Tmall merchant's order in a promotion is always covered, paid by the merchant."
                : "Not a Tmall order in a promotion: the merchant's enrolment and choices apply.")
        var notCovered: NotCoveredReason?
        if facts.orderCancelled {
            notCovered = .orderCancelled
        } else if !tmallPromotion {
            if facts.enrollmentMode == nil {
                notCovered = .notEnrolled
            } else if inPromotion, facts.platform == .taobao, facts.promotionParticipation == false {
                notCovered = .promotionOptedOut
            } else if facts.enrollmentMode == .buyerOptIn, !facts.buyerOptedIn {
                notCovered = .buyerNotOptedIn
            }
        }
        if let notCovered {
            let name = shortName(notCovered, prefix: "NOT_COVERED_REASON_")
            why.hit(
                "insurance.coverage.\(name.lowercased())", fired: true,
                facts: [UsedFact.bool("order.cancelled", facts.orderCancelled), UsedFact.bool("buyer.opted_in", facts.buyerOptedIn)],
                sentence: Self.sentence(notCovered))
        }
        quote.covered = notCovered == nil
        quote.notCoveredReason = notCovered ?? .unspecified

        // Premium: the first step the merchant's return rate is under, else the top one.
        let rate = facts.merchantReturnRateBp
        let step = rules.premiumSteps.first { rate < $0.returnRateBelowBp }
        let base = step?.premium ?? rules.premiumAboveSteps ?? Money()
        why.hit(
            "insurance.premium.step", fired: true,
            facts: [UsedFact.int("merchant.return_rate_bp", rate, unit: .basisPoints), UsedFact.money("premium.base", base)],
            sentence: step.map { "The merchant's return rate, \(rate) bp, is under \($0.returnRateBelowBp) bp: base premium \(moneyText(base))." }
                ?? "The merchant's return rate, \(rate) bp, is above every step: base premium \(moneyText(base)).")
        quote.basePremium = base
        var total = base
        let surcharged = facts.buyerActivePoints > 0
        if surcharged, let surcharge = rules.buyerPointsSurcharge {
            quote.buyerPointsSurcharge = surcharge
            total.amountMinor += surcharge.amountMinor
        }
        why.hit(
            "insurance.premium.buyer_points_surcharge", fired: surcharged,
            facts: [UsedFact.int("buyer.active_points", facts.buyerActivePoints, unit: .points)],
            sentence: surcharged
                ? "The buyer has active integrity points: +\(moneyText(rules.buyerPointsSurcharge ?? Money()))."
                : "The buyer has no active integrity points: no surcharge.")
        quote.premium = total
        quote.payoutCap = rules.payoutCap ?? Money()
        quote.explanation = why.finish(
            summary: (quote.covered ? "Covered" : "Not covered (\(Self.sentence(quote.notCoveredReason)))")
                + "; premium \(moneyText(total)), payout up to \(moneyText(quote.payoutCap ?? Money())) of the return shipping.")
        return quote
    }

    static func sentence(_ reason: NotCoveredReason) -> String {
        switch reason {
        case .notEnrolled: "the merchant is not enrolled in return insurance"
        case .promotionOptedOut: "the merchant chose no return insurance for this promotion"
        case .buyerNotOptedIn: "the buyer has not turned return insurance on for this order"
        case .orderCancelled: "the order was cancelled"
        default: "covered"
        }
    }
}
