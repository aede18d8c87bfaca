import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// The return-risk score with DOMAIN.md's numbers: 10 per active point (at most 60),
/// +20 for a confirmed case with this store, +10 over a 3,000 bp return rate, +10
/// over 5x the median order; LOW < 30 <= MEDIUM < 60 <= HIGH.
@Suite struct ReturnRiskTests {
    static let defaults = RuleSetValidationTests.defaults
    static let now = ComplaintFilingTests.now

    static func cny(_ minor: Int64) -> Money {
        var money = Money()
        money.amountMinor = minor
        money.currency = "CNY"
        return money
    }

    static func assess(
        points: Int32 = 0, confirmed: Bool = false, rate: Int32? = 1_000, amount: Int64 = 10_000, median: Int64? = 10_000,
        rules: RuleSet = defaults
    ) -> AssessReturnRiskResponse {
        var request = AssessReturnRiskRequest()
        request.buyerId = "B-1"
        request.merchantId = "M-1"
        request.amount = cny(amount)
        let facts = ReturnRiskFacts(
            activePoints: points, confirmedCaseWithMerchant: confirmed, returnRateBp: rate,
            medianOrder: median.map(cny))
        return ReturnRisk.assess(request, facts: facts, ruleSet: rules, now: now)
    }

    @Test(arguments: [
        (Int32(0), Int32(0), RiskLevel.low), (2, 20, .low), (3, 30, .medium), (5, 50, .medium), (6, 60, .high),
        (7, 60, .high), (40, 60, .high),
    ])
    func activePointsCountTenEachUpToSixty(points: Int32, score: Int32, level: RiskLevel) {
        let answer = Self.assess(points: points)
        #expect(answer.score == score)
        #expect(answer.level == level)
        #expect(answer.factors.first { $0.kind == .activePoints }?.pointsAdded == score)
    }

    @Test(arguments: [(Int32(3_000), false), (3_001, true)])
    func aReturnRateCountsOnlyOverThreshold(rate: Int32, applied: Bool) {
        let answer = Self.assess(rate: rate)
        #expect(answer.factors.first { $0.kind == .highReturnRate }?.applied == applied)
        #expect(answer.score == (applied ? 10 : 0))
    }

    @Test(arguments: [(Int64(50_000), false), (50_001, true)])
    func anAmountCountsOnlyOverFiveTimesTheMedian(amount: Int64, applied: Bool) {
        #expect(Self.assess(amount: amount, median: 10_000).factors.first { $0.kind == .amountAboveMedian }?.applied == applied)
    }

    @Test func everyFactorTogetherReachesTheMaximum() {
        let answer = Self.assess(points: 6, confirmed: true, rate: 3_500, amount: 60_000)
        #expect(answer.score == 100)
        #expect(answer.level == .high)
        #expect(answer.factors.map(\.pointsAdded) == [60, 20, 10, 10])
        #expect(answer.explanation?.ruleSetVersion == 1)
        #expect(answer.explanation?.hits.filter(\.fired).count == 5)
    }

    @Test func unknownFactsAddNothingAndSaySo() {
        let answer = Self.assess(confirmed: true, rate: nil, median: nil)
        #expect(answer.score == 20)
        #expect(answer.level == .low)
        #expect(answer.factors.first { $0.kind == .highReturnRate }?.sentence.contains("not known") == true)
        #expect(answer.factors.first { $0.kind == .amountAboveMedian }?.applied == false)
    }

    @Test func hugeAmountsCompareExactly() {
        #expect(Self.assess(amount: .max, median: .max / 5).factors.first { $0.kind == .amountAboveMedian }?.applied == true)
        #expect(Self.assess(amount: .max / 5, median: .max).factors.first { $0.kind == .amountAboveMedian }?.applied == false)
    }

    @Test func otherRulesGiveOtherScores() {
        var rules = Self.defaults
        rules.returnRisk?.pointsPerActivePoint = 5
        rules.returnRisk?.mediumMinScore = 10
        #expect(Self.assess(points: 2).level == .low)
        let answer = Self.assess(points: 2, rules: rules)
        #expect(answer.score == 10)
        #expect(answer.level == .medium)
    }
}
