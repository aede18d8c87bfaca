import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// Filing rules with DOMAIN.md's numbers stated literally, then under other rules.
@Suite struct ComplaintFilingTests {
    static let defaults = RuleSetValidationTests.defaults
    static let now = ProtoTimestamp(seconds: 1_767_225_600 + 86_400, nanos: 0)

    static func item(_ kind: EvidenceKind) -> EvidenceItem {
        var item = EvidenceItem()
        switch kind {
        case .photo: item.payload = .photo(PhotoEvidence())
        case .videoUnboxing, .videoPacking, .videoOther:
            var video = VideoEvidence()
            video.videoKind = kind == .videoUnboxing ? .unboxing : kind == .videoPacking ? .packing : .other
            item.payload = .video(video)
        case .logisticsRecord: item.payload = .logisticsRecord(LogisticsRecordEvidence())
        case .weightRecord: item.payload = .weightRecord(WeightRecordEvidence())
        case .serialNumberRecord: item.payload = .serialNumberRecord(SerialNumberRecordEvidence())
        case .chatLog: item.payload = .chatLog(ChatLogEvidence())
        default: break
        }
        return item
    }

    static func request(_ type: ComplaintType, evidence: [EvidenceKind]) -> FileComplaintRequest {
        var request = FileComplaintRequest()
        request.orderId = "O-1"
        switch type {
        case .abnormalRefundOnly: request.details = .abnormalRefundOnly(AbnormalRefundOnlyDetails())
        case .returnSwap: request.details = .returnSwap(ReturnSwapDetails())
        case .fakeReturn: request.details = .fakeReturn(FakeReturnDetails())
        case .fakeImageEvidence: request.details = .fakeImageEvidence(FakeImageEvidenceDetails())
        case .fakeVoucher: request.details = .fakeVoucher(FakeVoucherDetails())
        default: break
        }
        request.evidence = evidence.map(item)
        return request
    }

    /// A FAKE_RETURN with all it needs: a weight record and the logistics record.
    static let fakeReturn = request(.fakeReturn, evidence: [.weightRecord, .logisticsRecord])

    static func general(_ rules: RuleSet = defaults) -> RuleSet {
        var rules = rules
        rules.rollout?.stage = .general
        return rules
    }

    static func decide(_ request: FileComplaintRequest = fakeReturn, score: Int32, rules: RuleSet = defaults) -> FilingDecision {
        ComplaintFiling.decide(request, merchantScoreMilli: score, ruleSet: rules, now: now)
    }

    // In the pilot a 4.8 merchant may file and a 4.7 one may not (the announcement's example).
    @Test(arguments: [(Int32(5_000), true), (4_800, true), (4_799, false), (4_700, false), (0, false)])
    func pilotAdmitsOnlyMerchantsAtOrAbove4_8(score: Int32, accepted: Bool) throws {
        let decision = Self.decide(score: score)
        #expect(decision.isAccepted == accepted)
        let pilot = try #require(decision.explanation.hits.first { $0.ruleId == "integrity.rollout.pilot" })
        #expect(pilot.fired == !accepted)
        #expect(decision.explanation.ruleSetVersion == 1)
        if !accepted {
            #expect(decision.refusal?.reason == .notEligible)
            #expect(decision.refusal?.message.contains("4.8") == true)
        }
    }

    @Test func aLowerPilotThresholdAdmitsA4_7Merchant() {
        var rules = Self.defaults
        rules.rollout?.pilotMinScoreMilli = 4_500
        rules.version = 2
        #expect(!Self.decide(score: 4_700).isAccepted)
        let decision = Self.decide(score: 4_700, rules: rules)
        #expect(decision.isAccepted)
        #expect(decision.explanation.ruleSetVersion == 2)
    }

    // Tiers: A >= 4.8, B 4.5..4.8, C < 4.5.
    @Test(arguments: [(Int32(4_800), Tier.a), (4_799, .b), (4_500, .b), (4_499, .c), (0, .c)])
    func tiersFollowTheScore(score: Int32, tier: Tier) {
        #expect(Self.decide(score: score, rules: Self.general()).tier == tier)
        #expect(TierPolicy.tier(scoreMilli: score, in: Self.defaults)?.tier == tier)
    }

    @Test(arguments: ComplaintType.allCases.filter { $0 != .unspecified })
    func tierCFilesOnlyRefundOnlyAndFakeReturnAndAlwaysGoesToAReviewer(type: ComplaintType) {
        let full: [ComplaintType: [EvidenceKind]] = [
            .abnormalRefundOnly: [.logisticsRecord, .chatLog], .returnSwap: [.videoUnboxing, .photo],
            .fakeReturn: [.weightRecord, .logisticsRecord], .fakeImageEvidence: [.photo, .photo],
            .fakeVoucher: [.photo, .chatLog],
        ]
        let request = Self.request(type, evidence: full[type]!)
        let tierC = Self.decide(request, score: 4_400, rules: Self.general())
        let allowed = type == .abnormalRefundOnly || type == .fakeReturn
        #expect(tierC.isAccepted == allowed)
        if allowed { #expect(tierC.manualReview) } else { #expect(tierC.refusal?.reason == .notEligible) }
        let tierB = Self.decide(request, score: 4_500, rules: Self.general())
        #expect(tierB.isAccepted && !tierB.manualReview)
    }

    @Test func missingEvidenceIsNamedAndNothingIsAccepted() throws {
        let decision = Self.decide(Self.request(.fakeReturn, evidence: [.logisticsRecord]), score: 4_900)
        let refusal = try #require(decision.refusal)
        #expect(refusal.reason == .missingEvidence)
        #expect(refusal.unmetEvidence.map(\.requirementId) == ["evidence.fake_return.weight_or_video"])
        #expect(refusal.message.contains("a weight record at dispatch and at return, or an unboxing video"))
        #expect(refusal.explanation?.hits.first { $0.ruleId == "evidence.fake_return.weight_or_video" }?.fired == true)
        #expect(refusal.explanation?.hits.first { $0.ruleId == "evidence.fake_return.logistics" }?.fired == false)
    }

    @Test(arguments: [(1, false), (2, true), (3, true)])
    func fakeImagesNeedTwoPhotos(photos: Int, accepted: Bool) {
        let request = Self.request(.fakeImageEvidence, evidence: Array(repeating: .photo, count: photos))
        #expect(Self.decide(request, score: 4_900).isAccepted == accepted)
    }

    @Test func aVideoCountsOnlyAsTheKindItShows() {
        let other = Self.decide(Self.request(.returnSwap, evidence: [.videoOther, .photo]), score: 4_900)
        #expect(other.refusal?.unmetEvidence.map(\.requirementId) == ["evidence.return_swap.video"])
        #expect(Self.decide(Self.request(.returnSwap, evidence: [.videoPacking, .photo]), score: 4_900).isAccepted)
    }

    @Test func aStoreLimitRequestCountsOnlyInTierA() throws {
        var request = Self.fakeReturn
        request.requestStorePurchaseLimit = true
        #expect(Self.decide(request, score: 4_800, rules: Self.general()).storePurchaseLimitRequested)
        let tierB = Self.decide(request, score: 4_600, rules: Self.general())
        #expect(tierB.isAccepted && !tierB.storePurchaseLimitRequested)
        let hit = try #require(tierB.explanation.hits.first { $0.ruleId == "integrity.tier.store_order_restriction" })
        #expect(!hit.fired && hit.sentence.contains("ignored"))
    }

    @Test func aRequestWithoutDetailsIsAnInvalidField() {
        var request = Self.fakeReturn
        request.details = nil
        #expect(Self.decide(request, score: 4_900).refusal?.reason == .invalidField)
    }

    @Test func fewerRequirementsUnderAnotherRuleSetAcceptLessEvidence() {
        var rules = Self.defaults
        rules.complaintTypes[2].requiredEvidence.removeFirst()  // FAKE_RETURN: the logistics record alone
        let request = Self.request(.fakeReturn, evidence: [.logisticsRecord])
        #expect(!Self.decide(request, score: 4_900).isAccepted)
        #expect(Self.decide(request, score: 4_900, rules: rules).isAccepted)
    }
}
