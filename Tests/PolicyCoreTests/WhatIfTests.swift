import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// What-if: the history judged under a candidate and under the baseline.
@Suite struct WhatIfTests {
    static let baseline = RuleSetValidationTests.defaults
    static let day = SanctionTests.day
    static let t0 = SanctionTests.t0
    static let now = ProtoTimestamp(seconds: t0 + 10 * day, nanos: 0)

    static func confirmed(_ id: String, _ buyer: String, _ merchant: String, _ type: ComplaintType, score: Int32) -> WhatIfHistory.Case {
        let tier = TierPolicy.tier(scoreMilli: score, in: baseline)!.tier
        return WhatIfHistory.Case(
            Ledger.confirm(complaintID: id, orderID: "O-\(id)", buyerID: buyer, merchantID: merchant, type: type, at: ts(t0),
                           merchantTier: tier, storeLimitRequested: false, ruleSet: baseline),
            merchantScoreMilli: score)
    }

    /// A buyer with 7 points from two merchants (under the platform threshold of 10),
    /// a case with a tier-B merchant at 4550, a paid claim, and a price error.
    static var history: WhatIfHistory {
        var claim = ReturnInsuranceClaim()
        claim.claimId = "IC-1"
        claim.orderId = "O-elsewhere"
        claim.shippingCost = ReturnRiskTests.cny(3_000)
        claim.refundedAt = ProtoTimestamp(seconds: t0, nanos: 0)
        let priceError = PriceErrorTests.facts(live: 2, orders: [PriceErrorTests.order("P-1", paid: 1_000_000, quantity: 100)])
        return WhatIfHistory(
            cases: [
                confirmed("C-1", "B-1", "M-1", .fakeReturn, score: 4_900), confirmed("C-2", "B-1", "M-2", .abnormalRefundOnly, score: 4_900),
                confirmed("C-3", "B-2", "M-3", .fakeVoucher, score: 4_550),
            ],
            claims: [claim], priceErrors: [("R-1", priceError)],
            merchants: [ExperienceScoreTests.facts(quality: 4_300)])
    }

    static func simulate(_ candidate: RuleSet) -> SimulateRuleSetResponse {
        WhatIf.simulate(candidate: candidate, baseline: baseline, history: history, now: now)
    }

    @Test func theSameRulesChangeNothing() {
        let answer = Self.simulate(Self.baseline)
        #expect(answer.changes.isEmpty)
        #expect(answer.summary == { var s = SimulationSummary(); s.payoutDelta = ReturnRiskTests.cny(0); return s }())
        #expect(answer.casesReplayed == 3 && answer.baselineVersion == 1)
    }

    @Test func aLowerPlatformThresholdAddsAPlatformLimit() throws {
        var candidate = Self.baseline
        candidate.sanctions?.platformPurchaseLimit?.minActivePoints = 6
        let answer = Self.simulate(candidate)
        #expect(answer.summary?.sanctionsAdded == 1 && answer.summary?.sanctionsRemoved == 0)
        guard case .sanction(let change)? = answer.changes.first?.change else { throw ExperienceScoreTests.Failure("no sanction change") }
        #expect(change.buyerId == "B-1" && change.kind == .platformPurchaseLimit && !change.activeBefore && change.activeAfter)
    }

    @Test func takingTheRateExclusionFromTierBShowsEachOrder() {
        var candidate = Self.baseline
        candidate.tiers[1].rights.removeAll { $0 == .excludeFromRates }
        let answer = Self.simulate(candidate)
        #expect(answer.summary?.exclusionsRemoved == 1)
        #expect(answer.changes.compactMap { if case .exclusion(let e)? = $0.change { e.orderId } else { nil } } == ["O-C-3"])
    }

    @Test func aHigherPayoutCapChangesThePaidAmount() {
        var candidate = Self.baseline
        candidate.insurance?.payoutCap?.amountMinor = 3_000
        let answer = Self.simulate(candidate)
        #expect(answer.summary?.payoutsChanged == 1)
        #expect(answer.summary?.payoutDelta?.amountMinor == 500)
    }

    @Test func reviewerWorkloadFollowsTheThresholds() {
        var candidate = Self.baseline
        candidate.priceErrors?.manualReviewLossThreshold?.amountMinor = 100_000  // ¥1,000
        candidate.tiers[1].minScoreMilli = 4_600  // the 4550 merchant's case moves to tier C: reviewed by hand
        let answer = Self.simulate(candidate)
        #expect(answer.summary?.priceErrorResolutionsChanged == 1)
        #expect(answer.summary?.manualReviewsDelta == 2)
        #expect(answer.summary?.tiersChanged == 0, "the scored merchant (4460) is in tier C either way")
    }

    @Test func aHigherTierBThresholdMovesAMerchant() {
        var candidate = Self.baseline
        candidate.tiers[1].minScoreMilli = 4_400
        let answer = Self.simulate(candidate)
        #expect(answer.summary?.tiersChanged == 1)
        #expect(answer.changes.contains { if case .tier(let t)? = $0.change { t.tierBefore == .c && t.tierAfter == .b } else { false } })
    }

    @Test func changesAreCappedAndMarkedTruncated() {
        var candidate = Self.baseline
        candidate.sanctions?.platformPurchaseLimit?.minActivePoints = 6
        candidate.insurance?.payoutCap?.amountMinor = 3_000
        let answer = WhatIf.simulate(candidate: candidate, baseline: Self.baseline, history: Self.history, maxChanges: 1, now: Self.now)
        #expect(answer.changes.count == 1 && answer.truncated)
        #expect(answer.summary?.sanctionsAdded == 1 && answer.summary?.payoutsChanged == 1, "the summary counts everything")
    }
}
