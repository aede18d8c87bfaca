import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// Disputes by industry, with the announcement's own examples.
@Suite struct DisputeAdjudicationTests {
    static let defaults = RuleSetValidationTests.defaults
    static let now = ComplaintFilingTests.now
    static let received = ProtoTimestamp(seconds: 1_767_400_000, nanos: 0)

    static func request(
        _ industry: Industry, _ reason: ClaimReason, reportedAfter hours: Int64 = 2, seconds extra: Int64 = 0,
        facts: AdjudicateDisputeRequest.Facts? = nil, evidence: [EvidenceKind] = []
    ) -> AdjudicateDisputeRequest {
        var request = AdjudicateDisputeRequest()
        request.industry = industry
        request.reason = reason
        request.facts = facts
        request.receivedAt = received
        request.reportedAt = ProtoTimestamp(seconds: received.seconds + hours * 3_600 + extra, nanos: 0)
        request.evidence = evidence.map(ComplaintFilingTests.item)
        return request
    }

    static func apparel(label: WashingMethod, washed: WashingMethod, clear: Bool = true, shrinkage: Bool = false) -> AdjudicateDisputeRequest.Facts {
        var facts = ApparelFacts()
        facts.careLabelMethod = label
        facts.careLabelClear = clear
        facts.buyerWashingMethod = washed
        facts.shrinkageClaimed = shrinkage
        return .apparel(facts)
    }

    static func adjudicate(_ request: AdjudicateDisputeRequest, rules: RuleSet = defaults) -> AdjudicateDisputeResponse {
        DisputeAdjudication.adjudicate(request, ruleSet: rules, now: now)
    }

    // "Apparel washed against the label is not a quality problem."
    @Test func apparelWashedAgainstAClearCareLabelIsNotAQualityProblem() {
        let answer = Self.adjudicate(Self.request(.apparel, .qualityProblem, facts: Self.apparel(label: .dryCleanOnly, washed: .machineWash)))
        #expect(answer.outcome == .supportMerchant)
        #expect(answer.decidingRuleIds == ["dispute.apparel.care_label_washing"])
        #expect(!answer.draftPack && answer.packVersion == 1)
        #expect(answer.explanation?.hits.first?.facts.contains { $0.name == "apparel.buyer_washing_method" } == true)
    }

    @Test(arguments: [
        (WashingMethod.handWash, WashingMethod.handWash, true, DisputeOutcome.supportBuyer),
        (.handWash, .machineWash, true, .supportMerchant), (.handWash, .machineWash, false, .supportBuyer),
        (.machineWash, .machineWash, true, .supportBuyer), (.doNotWash, .handWash, true, .supportMerchant),
        (.dryCleanOnly, .notWashed, true, .supportBuyer),
    ])
    func theCareLabelDecides(label: WashingMethod, washed: WashingMethod, clear: Bool, outcome: DisputeOutcome) {
        let request = Self.request(.apparel, .qualityProblem, facts: Self.apparel(label: label, washed: washed, clear: clear))
        #expect(Self.adjudicate(request).outcome == outcome)
    }

    @Test func shrinkageFromMachineWashingAHandWashItemIsNotAQualityProblem() {
        var request = Self.request(.apparel, .qualityProblem, facts: Self.apparel(label: .handWash, washed: .machineWash, clear: false, shrinkage: true))
        #expect(Self.adjudicate(request).decidingRuleIds == ["dispute.apparel.machine_washed_hand_wash"])
        request.reason = .sizeOrFit
        #expect(Self.adjudicate(request).outcome == .supportBuyer, "the rule is for quality claims only")
    }

    // One second before 48 hours is in time; 48 hours exactly is late (a window's end is exclusive).
    @Test(arguments: [(Int64(-1), DisputeOutcome.supportBuyer), (0, .supportMerchant)])
    func apparelQualityClaimsHave48Hours(extra: Int64, outcome: DisputeOutcome) {
        let request = Self.request(.apparel, .qualityProblem, reportedAfter: 48, seconds: extra, facts: Self.apparel(label: .handWash, washed: .notWashed))
        #expect(Self.adjudicate(request).outcome == outcome)
    }

    // "Jewellery reported after 48 hours is in time": its ordinary window is 15 days.
    @Test(arguments: [(Int64(49), DisputeOutcome.supportBuyer), (15 * 24 - 1, .supportBuyer), (15 * 24, .supportMerchant)])
    func jewelleryHasNo48HourWindow(hours: Int64, outcome: DisputeOutcome) {
        let answer = Self.adjudicate(Self.request(.jewelry, .qualityProblem, reportedAfter: hours))
        #expect(answer.outcome == outcome)
        #expect(!answer.decidingRuleIds.contains(DisputeAdjudication.defaultQualityWindowRuleID))
    }

    @Test(arguments: [(Int64(47), DisputeOutcome.supportBuyer), (48, .supportMerchant)])
    func petHealthProblemsHave48Hours(hours: Int64, outcome: DisputeOutcome) {
        #expect(Self.adjudicate(Self.request(.pets, .healthProblem, reportedAfter: hours)).outcome == outcome)
        // A quality claim about a pet product falls back to the default quality window.
        let quality = Self.adjudicate(Self.request(.pets, .qualityProblem, reportedAfter: hours))
        #expect(quality.outcome == outcome)
        if outcome == .supportMerchant { #expect(quality.decidingRuleIds == [DisputeAdjudication.defaultQualityWindowRuleID]) }
    }

    @Test func draftPacksSayDraftInEveryAnswer() {
        var facts = Electronics3cFacts()
        facts.shippedSerialNumbers = ["SN-1", "SN-2"]
        facts.returnedSerialNumbers = ["SN-9"]
        let swapped = Self.adjudicate(Self.request(.electronics3c, .notAsDescribed, facts: .electronics3c(facts), evidence: [.serialNumberRecord]))
        #expect(swapped.outcome == .supportMerchant)
        #expect(swapped.draftPack && swapped.explanation?.usesDraftRules == true)
        facts.returnedSerialNumbers = ["SN-2"]
        #expect(Self.adjudicate(Self.request(.electronics3c, .notAsDescribed, facts: .electronics3c(facts), evidence: [.serialNumberRecord])).outcome == .supportBuyer)
        let noEvidence = Self.adjudicate(Self.request(.electronics3c, .notAsDescribed, facts: .electronics3c(facts)))
        #expect(noEvidence.outcome == .needsEvidence)
        #expect(noEvidence.missingEvidence == [.serialNumberRecord])
        #expect(Self.adjudicate(Self.request(.fmcg, .notAsDescribed)).draftPack)
        #expect(Self.adjudicate(Self.request(.prelovedLuxury, .notAsDescribed)).outcome == .escalate)
    }

    @Test func anIndustryWithoutAPackUsesTheDefaults() {
        let answer = Self.adjudicate(Self.request(.other, .qualityProblem, reportedAfter: 49))
        #expect(answer.outcome == .supportMerchant)
        #expect(answer.decidingRuleIds == [DisputeAdjudication.defaultQualityWindowRuleID])
        #expect(Self.adjudicate(Self.request(.other, .notAsDescribed, reportedAfter: 400)).outcome == .supportBuyer)
    }

    @Test func aLongerApparelWindowChangesTheOutcome() {
        var rules = Self.defaults
        rules.disputes?.packs[0].rules[2].kind = .feedbackWindow({
            var window = FeedbackWindowRule()
            window.windowAfterReceipt = ProtoDuration(seconds: 72 * 3_600, nanos: 0)
            return window
        }())
        let request = Self.request(.apparel, .qualityProblem, reportedAfter: 60, facts: Self.apparel(label: .handWash, washed: .notWashed))
        #expect(Self.adjudicate(request).outcome == .supportMerchant)
        #expect(Self.adjudicate(request, rules: rules).outcome == .supportBuyer)
    }
}
