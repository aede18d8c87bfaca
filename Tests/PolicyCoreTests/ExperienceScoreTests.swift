import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// The white-box score, every figure checked by hand with DOMAIN.md's weights:
/// quality 30%, logistics 20%, service 20%, dispute rate 15%, return rate 15%.
@Suite struct ExperienceScoreTests {
    static let defaults = RuleSetValidationTests.defaults
    static let now = ComplaintFilingTests.now

    static func sub(_ milli: Int32) -> SubScoreMeasurement {
        var measurement = SubScoreMeasurement()
        measurement.reportedScoreMilli = milli
        return measurement
    }

    /// 100 orders: 5 returned (2 of them confirmed integrity cases), 1 disputed.
    static func facts(quality: Int32 = 4_900, logistics: Int32 = 4_800, service: Int32 = 4_700, exclude: Bool = true) -> ExperienceScoreFacts {
        var orders = (0..<100).map { ScoredOrder(orderID: "O-\($0)") }
        for index in 0..<5 { orders[index].returned = true }
        if exclude {
            orders[0].excludedByComplaintID = "C-1"
            orders[1].excludedByComplaintID = "C-2"
        }
        orders[50].disputed = true
        return ExperienceScoreFacts(
            merchantID: "M-1",
            subScores: [.productQuality: sub(quality), .logistics: sub(logistics), .serviceResponse: sub(service)],
            orders: orders)
    }

    static func explain(_ facts: ExperienceScoreFacts = facts(), rules: RuleSet = defaults) -> ExplainExperienceScoreResponse {
        ExperienceScore.explain(facts, ruleSet: rules, now: now)
    }

    @Test func everyFigureIsAnIntegerAndAddsUp() throws {
        let answer = Self.explain()
        // Return rate: 3 of 98 counted orders = 306 bp → 5000 × (3000 − 306) / 3000 = 4490 → × 15% = 673.
        // Dispute rate: 1 of 98 = 102 bp → 5000 × (500 − 102) / 500 = 3980 → × 15% = 597.
        #expect(answer.indicators.map(\.indicatorScoreMilli) == [4_900, 4_800, 4_700, 3_980, 4_490])
        #expect(answer.indicators.map(\.contributionMilli) == [1_470, 960, 940, 597, 673])
        #expect(answer.scoreMilli == 4_640)
        #expect(answer.tier == .b)
        let returns = try #require(answer.indicators.last)
        guard case .rate(let rate) = returns.measurement else { throw Failure("not a rate") }
        #expect((rate.eventCount, rate.orderCount, rate.excludedEventCount) == (3, 98, 2))
        #expect((rate.rateBp, rate.rateBpWithoutExclusions) == (306, 500))
        #expect(returns.sentence == "Return rate 306 bp after excluding 2 confirmed cases scores 4490 × 15% = 673.")
        #expect(answer.excludedCases.map(\.complaintId) == ["C-1", "C-2"])
        #expect(answer.excludedCases.allSatisfy { $0.indicators == [.disputeRate, .returnRate] })
    }

    @Test func confirmedCasesDropOutOfTheRatesAndRaiseTheScore() {
        let without = Self.explain(Self.facts(exclude: false))
        // 5 of 100 = 500 bp → 4166 → 624; 1 of 100 = 100 bp → 4000 → 600.
        #expect(without.indicators.map(\.contributionMilli) == [1_470, 960, 940, 600, 624])
        #expect(without.scoreMilli == 4_594)
        #expect(Self.explain().scoreMilli > without.scoreMilli)
    }

    @Test func theNextTierSaysWhatEachIndicatorWouldNeed() throws {
        let next = try #require(Self.explain().nextTier)
        #expect(next.nextTier == .a && next.requiredScoreMilli == 4_800 && next.missingMilli == 160)
        // Quality alone: (1470 + 160) × 10000 / 3000 = 5433.3 → 5434 > 5000: out of reach.
        #expect(next.targets.first { $0.kind == .productQuality }?.reachableAlone == false)
        #expect(next.targets.allSatisfy { !$0.reachableAlone })
        #expect(next.sentence.contains("no single indicator"))
    }

    @Test(arguments: [Int32(4_000), 4_100, 4_300])
    func aReachableTargetIsExactlyEnough(quality: Int32) throws {
        let answer = Self.explain(Self.facts(quality: quality))
        let goal = try #require(answer.nextTier?.targets.first { $0.kind == .productQuality })
        try #require(goal.reachableAlone, "\(answer.scoreMilli)")
        let required = answer.nextTier!.requiredScoreMilli
        #expect(Self.explain(Self.facts(quality: goal.neededScoreMilli)).scoreMilli >= required)
        #expect(Self.explain(Self.facts(quality: goal.neededScoreMilli - 1)).scoreMilli < required)
    }

    @Test func aRateTargetIsTheHighestRateThatStillScoresEnough() throws {
        let rules = Self.defaults
        // Quality 4300: score 4460, tier C; tier B needs 40 more. The return rate alone:
        // (673 + 40) × 10000 / 1500 → 4754, reached at 147 bp (4755) but not at 148 bp (4753).
        let answer = Self.explain(Self.facts(quality: 4_300))
        let goal = try #require(answer.nextTier?.targets.first { $0.kind == .returnRate })
        #expect(goal.reachableAlone && goal.neededScoreMilli == 4_754 && goal.neededRateBp == 147)
        let scale = rules.experienceScore!.rateScales.first { $0.kind == .returnRate }!
        let at = Int64(5_000) * Int64(scale.worstRateBp - goal.neededRateBp) / Int64(scale.worstRateBp - scale.bestRateBp)
        let above = Int64(5_000) * Int64(scale.worstRateBp - goal.neededRateBp - 1) / Int64(scale.worstRateBp - scale.bestRateBp)
        #expect(at >= Int64(goal.neededScoreMilli))
        #expect(above < Int64(goal.neededScoreMilli))
    }

    @Test func otherWeightsGiveAnotherScore() {
        var rules = Self.defaults
        rules.experienceScore?.weights[0].weightBp = 4_000  // quality 40%
        rules.experienceScore?.weights[2].weightBp = 1_000  // service 10%
        let answer = Self.explain(rules: rules)
        #expect(answer.indicators.map(\.contributionMilli) == [1_960, 960, 470, 597, 673])
        #expect(answer.scoreMilli == 4_660)
    }

    @Test func aMissingSubScoreCountsAsZeroAndSaysSo() {
        var facts = Self.facts()
        facts.subScores[.logistics] = nil
        let answer = Self.explain(facts)
        #expect(answer.indicators[1].contributionMilli == 0)
        #expect(answer.indicators[1].sentence.contains("not reported"))
        #expect(answer.tier == .c)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
