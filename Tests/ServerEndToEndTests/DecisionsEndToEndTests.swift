import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// Disputes by industry, the white-box experience score, the refund analysis, the
/// return-risk warning and what each tier may file, over TCP.
@Suite struct DecisionsEndToEndTests {
    static func dispute(
        _ clients: Clients, _ industry: Industry, _ reason: ClaimReason, after hours: Int64, facts: AdjudicateDisputeRequest.Facts? = nil,
        evidence: [EvidenceItem] = []
    ) async throws -> AdjudicateDisputeResponse {
        var request = AdjudicateDisputeRequest()
        request.industry = industry
        request.reason = reason
        request.facts = facts
        request.receivedAt = Time.at()
        request.reportedAt = Time.at(hours: hours)
        request.evidence = evidence
        return try await clients.disputes.adjudicateDispute(request, metadata: Principal.service.metadata, options: callOptions)
    }

    @Test func apparelJewelleryPetsAnd3CDisputesFollowTheirPacks() async throws {
        try await withServer(at: Time.at(day: 30)) { _, clients in
            var washed = ApparelFacts()
            washed.careLabelMethod = .handWash
            washed.careLabelClear = true
            washed.buyerWashingMethod = .machineWash
            let apparel = try await Self.dispute(clients, .apparel, .qualityProblem, after: 10, facts: .apparel(washed))
            #expect(apparel.outcome == .supportMerchant && apparel.decidingRuleIds == ["dispute.apparel.care_label_washing"])
            #expect(try await Self.dispute(clients, .apparel, .qualityProblem, after: 48).outcome == .supportMerchant, "48 hours: too late")
            #expect(try await Self.dispute(clients, .apparel, .qualityProblem, after: 47).outcome == .supportBuyer)
            // Jewellery: no 48-hour window; the ordinary 15 days.
            #expect(try await Self.dispute(clients, .jewelry, .qualityProblem, after: 72).outcome == .supportBuyer)
            #expect(try await Self.dispute(clients, .jewelry, .qualityProblem, after: 15 * 24).outcome == .supportMerchant)
            // Pets: health problems within 48 hours.
            #expect(try await Self.dispute(clients, .pets, .healthProblem, after: 47).outcome == .supportBuyer)
            #expect(try await Self.dispute(clients, .pets, .healthProblem, after: 48).outcome == .supportMerchant)
            // 3C (a draft pack, marked so): the returned serial numbers must be the shipped ones.
            var swapped = Electronics3cFacts()
            swapped.shippedSerialNumbers = ["SN-1"]
            swapped.returnedSerialNumbers = ["SN-9"]
            let device = try await Self.dispute(
                clients, .electronics3c, .notAsDescribed, after: 5, facts: .electronics3c(swapped), evidence: [Evidence.serials()])
            #expect(device.outcome == .supportMerchant && device.draftPack && device.explanation?.usesDraftRules == true)
            let mismatch = await refusal { _ = try await Self.dispute(clients, .apparel, .qualityProblem, after: 1, facts: .pets(PetFacts())) }
            #expect(mismatch?.0 == .invalidArgument && mismatch?.1.fieldViolations.map(\.fieldPath) == ["facts"])
            var packs = ListDisputeRulePacksRequest()
            let published = try await clients.disputes.listDisputeRulePacks(packs, metadata: Principal.service.metadata, options: callOptions)
            #expect(published.packs.map(\.industry) == [.apparel, .jewelry, .pets])
            packs.includeDrafts = true
            #expect(try await clients.disputes.listDisputeRulePacks(packs, metadata: Principal.service.metadata, options: callOptions).packs.count == 6)
            var one = GetDisputeRulePackRequest()
            one.industry = .jewelry
            #expect(try await clients.disputes.getDisputeRulePack(one, metadata: Principal.service.metadata, options: callOptions).ruleSetVersion == 1)
        }
    }

    @Test func theExperienceScoreIsExplainedWithItsRatesExclusionsAndNextTier() async throws {
        try await withServer(at: Time.at(day: 30)) { _, clients in
            // 100 orders: 5 returned (one of them the confirmed case's), 1 disputed.
            var facts = [Feed.merchant("M-1", logistics: 4_600, service: 4_600)]
            facts += (1...100).map { Feed.order("O-\($0)", buyer: "B-\($0)", merchant: "M-1", paid: Time.at(day: 20)) }
            facts += (1...5).map { Feed.afterSales("AS-\($0)", order: "O-\($0)", at: Time.at(day: 21)) }
            facts.append(Feed.afterSales("AS-D", order: "O-50", kind: .refundOnly, at: Time.at(day: 21), disputed: true))
            try await clients.report(facts)
            var request = ExplainExperienceScoreRequest()
            let before = try await clients.merchants.explainExperienceScore(request, metadata: Principal.merchant("M-1").metadata, options: callOptions)
            let returns = try #require(before.indicators.first { $0.kind == .returnRate })
            guard case .rate(let rate) = returns.measurement else { Issue.record("a rate"); return }
            #expect(rate.eventCount == 5 && rate.orderCount == 100 && rate.rateBp == 500)
            #expect(before.indicators.reduce(0) { $0 + $1.contributionMilli } == before.scoreMilli)
            #expect(before.rateWindow?.start == Time.at(day: -60))
            #expect(before.tier == .b && before.nextTier?.nextTier == .a && before.nextTier?.missingMilli == 4_800 - before.scoreMilli)
            // A confirmed case takes its order out of the rates (tier B's right; the rollout is general).
            try await clients.publish { $0.rollout?.stage = .general }
            try await clients.confirmed(.fakeReturn, order: "O-1", merchant: "M-1")
            request.asOf = Time.at(day: 30)
            let after = try await clients.merchants.explainExperienceScore(request, metadata: Principal.merchant("M-1").metadata, options: callOptions)
            guard case .rate(let excluded) = after.indicators.first(where: { $0.kind == .returnRate })?.measurement else { return }
            #expect(excluded.eventCount == 4 && excluded.excludedEventCount == 1 && excluded.rateBpWithoutExclusions == 500)
            #expect(after.excludedCases.map(\.orderId) == ["O-1"] && after.excludedCases.first?.explanation != nil)
            #expect(after.scoreMilli > before.scoreMilli)
            // The refund analysis of the same store.
            var analysis = GetRefundAnalysisRequest()
            analysis.merchantId = "M-1"
            _ = try await clients.merchants.getRefundAnalysis(analysis, metadata: Principal.reviewer.metadata, options: callOptions)
        }
    }

    @Test func theReturnRiskWarningAddsUpItsFactorsFromStoredFacts() async throws {
        try await withServer(at: Time.at(day: 30)) { _, clients in
            var facts = [Feed.merchant("M-1"), Feed.merchant("M-2")]
            // B-1: ten orders of ¥100, four returned (4,000 bp).
            facts += (1...10).map { Feed.order("O-\($0)", buyer: "B-1", merchant: "M-1", paid: Time.at(day: 10)) }
            // Other buyers' orders keep the store's return rate, and its score, up.
            facts += (1...90).map { Feed.order("O-other-\($0)", buyer: "B-other", merchant: "M-1", paid: Time.at(day: 10)) }
            facts += (1...4).map { Feed.afterSales("AS-\($0)", order: "O-\($0)", at: Time.at(day: 11)) }
            facts.append(Feed.order("O-2x", buyer: "B-1", merchant: "M-2", paid: Time.at(day: 10)))
            try await clients.report(facts)
            try await clients.confirmed(.fakeReturn, order: "O-1", merchant: "M-1")
            var request = AssessReturnRiskRequest()
            request.buyerId = "B-1"
            request.merchantId = "M-1"
            request.orderId = "O-5"
            request.amount = cny(60_000)
            request.reason = .noReasonReturn
            let risk = try await clients.integrity.assessReturnRisk(request, metadata: Principal.service.metadata, options: callOptions)
            // 5 points → 50, a confirmed case with this store → 20, 4,000 bp → 10, ¥600 > 5 × ¥100 → 10: capped at 100.
            #expect(risk.factors.map(\.pointsAdded) == [50, 20, 10, 10] && risk.score == 90 && risk.level == .high)
            request.merchantId = "M-2"
            request.orderId = "O-2x"
            let elsewhere = try await clients.integrity.assessReturnRisk(request, metadata: Principal.service.metadata, options: callOptions)
            #expect(elsewhere.score == 70 && elsewhere.factors[1].applied == false)
            request.amount = cny(100)
            request.amount?.currency = "USD"
            let wrongCurrency = await refusal {
                _ = try await clients.integrity.assessReturnRisk(request, metadata: Principal.service.metadata, options: callOptions)
            }
            #expect(wrongCurrency?.0 == .invalidArgument && wrongCurrency?.1.fieldViolations.first?.fieldPath == "amount.currency")
            request.amount = cny(100)
            request.merchantId = "M-1"
            let mismatch = await refusal {
                _ = try await clients.integrity.assessReturnRisk(request, metadata: Principal.service.metadata, options: callOptions)
            }
            #expect(mismatch?.0 == .invalidArgument, "order O-2x is not M-1's")
        }
    }

    @Test func inGeneralRolloutTierCFilesTwoTypesAndEveryCaseGoesToAReviewer() async throws {
        try await withServer(at: Time.at(day: 1)) { _, clients in
            try await clients.report([
                Feed.merchant("M-C", quality: 3_000, logistics: 3_000, service: 3_000),
                Feed.order("O-1", buyer: "B-1", merchant: "M-C", paid: Time.at()),
            ])
            try await clients.publish { $0.rollout?.stage = .general }
            let types = try await clients.integrity.describeComplaintTypes(
                DescribeComplaintTypesRequest(), metadata: Principal.merchant("M-C").metadata, options: callOptions)
            #expect(types.tier == .c && types.mayFile && types.manualReviewAlways)
            #expect(types.types.filter(\.allowed).map(\.type) == [.abnormalRefundOnly, .fakeReturn])
            let refused = await refusal { _ = try await clients.file(.of(.returnSwap, order: "O-1", key: "swap"), by: "M-C") }
            #expect(refused?.1.reason == .notEligible)
            let filed = try await clients.file(.of(.fakeReturn, order: "O-1", key: "fake"), by: "M-C")
            #expect(filed.manualReviewRequired && filed.ruleSetVersion == 2)
        }
    }
}
