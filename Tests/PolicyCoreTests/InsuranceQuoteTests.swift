import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// Return-insurance quotes with DOMAIN.md's numbers: ¥0.30 under 500 bp, ¥0.60
/// under 1,500, ¥1.20 under 3,000, else ¥2.00; +¥0.50 with active buyer points;
/// payout capped at ¥25; Taobao merchants choose per promotion, Tmall ones are
/// always covered in a promotion.
@Suite struct InsuranceQuoteTests {
    static let defaults = RuleSetValidationTests.defaults
    static let now = ComplaintFilingTests.now

    static func quote(_ facts: InsuranceQuoteFacts, rules: RuleSet = defaults) -> QuoteReturnInsuranceResponse {
        InsuranceQuote.quote(facts, ruleSet: rules, now: now)
    }

    static func enrolled(
        _ platform: Platform = .taobao, mode: InsuranceMode = .merchantPaid, rate: Int32 = 100, points: Int32 = 0
    ) -> InsuranceQuoteFacts {
        InsuranceQuoteFacts(platform: platform, enrollmentMode: mode, merchantReturnRateBp: rate, buyerActivePoints: points)
    }

    @Test(arguments: [
        (Int32(0), Int64(30)), (499, 30), (500, 60), (1_499, 60), (1_500, 120), (2_999, 120), (3_000, 200), (10_000, 200),
    ])
    func thePremiumStepsFollowTheMerchantsReturnRate(rate: Int32, premium: Int64) {
        let quote = Self.quote(Self.enrolled(rate: rate))
        #expect(quote.covered)
        #expect(quote.basePremium?.amountMinor == premium)
        #expect(quote.premium?.amountMinor == premium)
        #expect(quote.payoutCap?.amountMinor == 2_500)
        #expect(quote.payer == .merchant)
    }

    @Test(arguments: [(Int32(0), Int64(30)), (1, 80), (40, 80)])
    func activeBuyerPointsAddFiftyFen(points: Int32, premium: Int64) {
        let quote = Self.quote(Self.enrolled(points: points))
        #expect(quote.premium?.amountMinor == premium)
        #expect(quote.buyerPointsSurcharge?.amountMinor == (points > 0 ? 50 : nil))
    }

    @Test func aTaobaoMerchantChoosesPerPromotion() {
        var facts = Self.enrolled(.taobao)
        facts.promotionID = "P-618"
        #expect(Self.quote(facts).covered)
        facts.promotionParticipation = false
        let out = Self.quote(facts)
        #expect(!out.covered && out.notCoveredReason == .promotionOptedOut)
        facts.promotionParticipation = true
        #expect(Self.quote(facts).covered)
    }

    @Test func aTmallMerchantInAPromotionIsAlwaysCoveredAndPays() {
        var facts = InsuranceQuoteFacts(
            platform: .tmall, enrollmentMode: nil, promotionID: "P-1111", promotionParticipation: false,
            merchantReturnRateBp: 700, buyerActivePoints: 0)
        let quote = Self.quote(facts)
        #expect(quote.covered && quote.payer == .merchant && quote.mode == .merchantPaid)
        #expect(quote.basePremium?.amountMinor == 60)
        #expect(quote.explanation?.hits.first { $0.ruleId == "insurance.coverage.tmall_promotion" }?.fired == true)
        // Outside a promotion the enrolment decides again.
        facts.promotionID = ""
        #expect(Self.quote(facts).notCoveredReason == .notEnrolled)
    }

    @Test func inTheBuyerOptInPilotTheBuyerTurnsItOnAndPays() {
        var facts = Self.enrolled(mode: .buyerOptIn)
        let off = Self.quote(facts)
        #expect(!off.covered && off.notCoveredReason == .buyerNotOptedIn)
        #expect(off.premium?.amountMinor == 30, "quoted before opting in")
        facts.buyerOptedIn = true
        let on = Self.quote(facts)
        #expect(on.covered && on.payer == .buyer)
    }

    @Test func aCancelledOrderOrAMerchantNotEnrolledIsNotCovered() {
        var facts = Self.enrolled()
        facts.orderCancelled = true
        #expect(Self.quote(facts).notCoveredReason == .orderCancelled)
        #expect(Self.quote(InsuranceQuoteFacts(platform: .taobao, enrollmentMode: nil, merchantReturnRateBp: 0, buyerActivePoints: 0)).notCoveredReason == .notEnrolled)
    }

    @Test func otherStepsGiveOtherPremiums() {
        var rules = Self.defaults
        rules.insurance?.premiumSteps[0].returnRateBelowBp = 800
        rules.insurance?.payoutCap?.amountMinor = 3_000
        #expect(Self.quote(Self.enrolled(rate: 700)).premium?.amountMinor == 60)
        let quote = Self.quote(Self.enrolled(rate: 700), rules: rules)
        #expect(quote.premium?.amountMinor == 30)
        #expect(quote.payoutCap?.amountMinor == 3_000)
    }
}
