import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// Bugs found by an outside check of the policy core's public API, each pinned by
/// a test that failed before its fix.
@Suite struct SeamTests {
    static let rules = RuleSetValidationTests.defaults
    static let day = SanctionTests.day
    static let t0 = SanctionTests.t0

    static func underReview() -> Complaint {
        var complaint = ComplaintLifecycle.filed(Complaint(), at: ts(t0), ruleSet: rules)
        complaint.state = .underReview
        return complaint
    }

    static func reason(_ result: Result<Complaint, Refusal>) -> ErrorReason? {
        if case .failure(let refusal) = result { return refusal.detail.reason }
        return nil
    }

    @Test(arguments: [ReviewVerdict.unspecified, ReviewVerdict(rawValue: 99)])
    func anUnrecognisedReviewVerdictIsRefusedNotTakenAsARequestForEvidence(verdict: ReviewVerdict) {
        let result = ComplaintLifecycle.apply(.decide(verdict, .evidenceConclusive), to: Self.underReview(), at: ts(Self.t0 + 1), ruleSet: Self.rules)
        #expect(Self.reason(result) == .invalidField)
        if case .failure(let refusal) = result { #expect(refusal.detail.fieldViolations.map(\.fieldPath) == ["verdict"]) }
    }

    @Test func anUnrecognisedReasonCodeIsRefused() {
        let result = ComplaintLifecycle.apply(
            .decide(.confirm, DecisionReasonCode(rawValue: 77)), to: Self.underReview(), at: ts(Self.t0 + 1), ruleSet: Self.rules)
        #expect(Self.reason(result) == .invalidField)
    }

    @Test func anAppealNeedsAKnownVerdictAndAReasonCodeAndKeepsIt() throws {
        var confirmed = try ComplaintLifecycle.apply(
            .decide(.confirm, .evidenceConclusive), to: Self.underReview(), at: ts(Self.t0 + 1), ruleSet: Self.rules
        ).get()
        confirmed = try ComplaintLifecycle.apply(.appeal(Appeal()), to: confirmed, at: ts(Self.t0 + 2), ruleSet: Self.rules).get()
        for (verdict, reason) in [(AppealVerdict(rawValue: 5), DecisionReasonCode.reviewError), (.unspecified, .reviewError), (.uphold, .unspecified)] {
            let result = ComplaintLifecycle.apply(.decideAppeal(verdict, reason), to: confirmed, at: ts(Self.t0 + 3), ruleSet: Self.rules)
            #expect(Self.reason(result) == .invalidField, "\(verdict) / \(reason) must be refused, not taken as UPHOLD")
        }
        let upheld = try ComplaintLifecycle.apply(
            .decideAppeal(.uphold, .originalDecisionCorrect), to: confirmed, at: ts(Self.t0 + 3), ruleSet: Self.rules
        ).get()
        #expect(upheld.appeal?.reasonCode == .originalDecisionCorrect && upheld.appeal?.verdict == .uphold)
    }

    @Test func anAutoRejectThatHasEndedNoLongerBlocksAfterSalesWhateverItsStoredState() {
        var stale = Sanction()
        stale.sanctionId = "S-1"
        stale.buyerId = "B-1"
        stale.kind = .afterSalesAutoReject
        stale.state = .active
        stale.startsAt = ts(Self.t0)
        stale.endsAt = ts(Self.t0 + 10 * Self.day)
        let during = PurchaseChecks.checkAfterSales(
            merchantID: "M-1", orderID: "O-1", cases: [], sanctions: [stale], ruleSet: Self.rules, now: ts(Self.t0 + Self.day))
        #expect(!during.allowed)
        let after = PurchaseChecks.checkAfterSales(
            merchantID: "M-1", orderID: "O-1", cases: [], sanctions: [stale], ruleSet: Self.rules, now: ts(Self.t0 + 10 * Self.day))
        #expect(after.allowed, "ended at its end time, though stored as ACTIVE")
        var future = stale
        future.startsAt = ts(Self.t0 + 20 * Self.day)
        future.endsAt = nil
        let before = PurchaseChecks.checkAfterSales(
            merchantID: "M-1", orderID: "O-1", cases: [], sanctions: [future], ruleSet: Self.rules, now: ts(Self.t0 + Self.day))
        #expect(before.allowed, "not started yet")
    }

    @Test func pointsOfDifferentBuyersNeverAddUp() throws {
        func confirm(_ id: String, buyer: String, merchant: String) -> ConfirmedCase {
            Ledger.confirm(
                complaintID: id, buyerID: buyer, merchantID: merchant, type: .fakeReturn, at: ts(Self.t0), merchantTier: .b,
                storeLimitRequested: false, ruleSet: Self.rules)
        }
        let apart = [confirm("C-1", buyer: "B-1", merchant: "M-1"), confirm("C-2", buyer: "B-2", merchant: "M-2")]
        #expect(Sanctions.sanctions(for: apart, ruleSet: Self.rules, now: ts(Self.t0 + 1)).isEmpty, "5 points each")
        let mixed = [
            confirm("C-1", buyer: "B-1", merchant: "M-1"), confirm("C-2", buyer: "B-2", merchant: "M-2"),
            confirm("C-3", buyer: "B-1", merchant: "M-3"),
        ]
        let sanctions = Sanctions.sanctions(for: mixed, ruleSet: Self.rules, now: ts(Self.t0 + 1))
        #expect(sanctions.map(\.buyerId) == ["B-1"])
        #expect(sanctions.first?.causeComplaintIds == ["C-1", "C-3"])
    }

    @Test func aClaimPaidBeforeItsRefusingCaseWasConfirmedIsClawedBackNotErased() {
        let hour = InsuranceClaimTests.hour
        // Stored while pending; the payout fell due at 72 h; the case was confirmed at 90 h.
        let pending = InsuranceClaimTests.claim()
        let late = InsuranceClaimTests.fakeReturn(at: 90 * hour)
        let claim = InsuranceClaimTests.evaluate(pending, cases: [late], at: 100 * hour)
        #expect(claim.state == .clawedBack)
        #expect(claim.paidAt?.seconds == InsuranceClaimTests.refunded + 72 * hour)
        #expect(claim.clawedBackAmount?.amountMinor == 1_200 && claim.payout?.amountMinor == 1_200)
        // Confirmed before the payout fell due: refused, nothing was ever paid.
        let early = InsuranceClaimTests.evaluate(pending, cases: [InsuranceClaimTests.fakeReturn(at: 71 * hour)], at: 100 * hour)
        #expect(early.state == .refused && early.paidAt == nil)
    }

    @Test func amountsInDifferentCurrenciesAreNotCompared() {
        var request = AssessReturnRiskRequest()
        var usd = Money()
        usd.amountMinor = 1_000_000
        usd.currency = "USD"
        request.amount = usd
        let facts = ReturnRiskFacts(
            activePoints: 0, confirmedCaseWithMerchant: false, returnRateBp: 0, medianOrder: ReturnRiskTests.cny(100))
        let answer = ReturnRisk.assess(request, facts: facts, ruleSet: Self.rules, now: ts(Self.t0))
        let factor = answer.factors.first { $0.kind == .amountAboveMedian }
        #expect(factor?.applied == false && answer.score == 0)
        #expect(factor?.sentence.contains("USD") == true && factor?.sentence.contains("not compared") == true)
    }

    @Test func aStoredComplaintBecomesTheCaseItStandsFor() throws {
        var complaint = Self.underReview()
        complaint.complaintId = "C-7"
        complaint.orderId = "O-7"
        complaint.buyerId = "B-7"
        complaint.merchantId = "M-7"
        complaint.type = .returnSwap
        complaint.merchantTierAtFiling = .a
        complaint.storePurchaseLimitRequested = true
        #expect(ConfirmedCase(complaint: complaint, ruleSet: Self.rules) == nil, "not confirmed")
        let confirmed = try ComplaintLifecycle.apply(
            .decide(.confirm, .evidenceConclusive), to: complaint, at: ts(Self.t0 + Self.day), ruleSet: Self.rules
        ).get()
        let item = try #require(ConfirmedCase(complaint: confirmed, ruleSet: Self.rules))
        #expect(item.points == 5 && item.confirmedAt == ts(Self.t0 + Self.day))
        #expect(item.expiresAt == ts(Self.t0 + 366 * Self.day) && item.merchantTier == .a && item.storeLimitRequested)
        let appealed = try ComplaintLifecycle.apply(.appeal(Appeal()), to: confirmed, at: ts(Self.t0 + 2 * Self.day), ruleSet: Self.rules).get()
        let overturned = try ComplaintLifecycle.apply(
            .decideAppeal(.overturn, .reviewError), to: appealed, at: ts(Self.t0 + 3 * Self.day), ruleSet: Self.rules
        ).get()
        let reversed = try #require(ConfirmedCase(complaint: overturned, ruleSet: Self.rules))
        #expect(reversed.reversed && reversed.reversedAt == ts(Self.t0 + 3 * Self.day))
    }

    @Test func eachMomentOfTheLadderIsJudgedByTheRuleSetInForceThen() throws {
        var v2 = Self.rules
        v2.version = 2
        v2.effectiveAt = ts(Self.t0 + 50 * Self.day)
        v2.sanctions?.platformPurchaseLimit?.baseDuration = ProtoDuration(seconds: 30 * Self.day, nanos: 0)
        func pair(_ day: Int64, _ tag: String) -> [ConfirmedCase] {
            ["M-1", "M-2"].map { merchant in
                Ledger.confirm(
                    complaintID: "C-\(tag)-\(merchant)", buyerID: "B-1", merchantID: merchant, type: .fakeReturn,
                    at: ts(Self.t0 + day * Self.day), merchantTier: .b, storeLimitRequested: false, ruleSet: Self.rules)
            }
        }
        // A limit before v2 (90 days), another for a new buyer's cases after v2 (30 days base).
        let before = Sanctions.sanctions(for: pair(0, "a"), ruleSets: [Self.rules, v2], now: ts(Self.t0 + 400 * Self.day))
        #expect(before.first?.duration?.seconds == 90 * Self.day && before.first?.explanation?.ruleSetVersion == 1)
        let after = Sanctions.sanctions(for: pair(60, "b"), ruleSets: [Self.rules, v2], now: ts(Self.t0 + 400 * Self.day))
        #expect(after.first?.duration?.seconds == 30 * Self.day && after.first?.explanation?.ruleSetVersion == 2)
    }
}
