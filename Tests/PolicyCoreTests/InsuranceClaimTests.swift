import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// Claims with DOMAIN.md's numbers: paid 72 h after the refund, at most ¥25,
/// refused for a confirmed FAKE_RETURN or RETURN_SWAP on the order, clawed back
/// when one is confirmed after the payout.
@Suite struct InsuranceClaimTests {
    static let rules = RuleSetValidationTests.defaults
    static let refunded: Int64 = 1_767_225_600 + 20 * 86_400
    static let hour: Int64 = 3_600

    static func claim(cost: Int64 = 1_200) -> ReturnInsuranceClaim {
        var claim = ReturnInsuranceClaim()
        claim.claimId = "IC-1"
        claim.orderId = "O-1"
        claim.shippingCost = ReturnRiskTests.cny(cost)
        claim.refundedAt = ProtoTimestamp(seconds: refunded, nanos: 0)
        return claim
    }

    static func evaluate(_ claim: ReturnInsuranceClaim, cases: [ConfirmedCase] = [], at seconds: Int64) -> ReturnInsuranceClaim {
        InsuranceClaims.evaluate(claim, cases: cases, ruleSet: rules, now: ProtoTimestamp(seconds: refunded + seconds, nanos: 0))
    }

    static func fakeReturn(_ type: ComplaintType = .fakeReturn, at seconds: Int64) -> ConfirmedCase {
        Ledger.confirm(
            complaintID: "C-1", orderID: "O-1", buyerID: "B-1", merchantID: "M-1", type: type, at: ts(refunded + seconds),
            merchantTier: .b, storeLimitRequested: false, ruleSet: rules)
    }

    @Test(arguments: [(Int64(72 * 3_600 - 1), InsuranceClaimState.pending), (72 * 3_600, .paid)])
    func aClaimIsPaid72HoursAfterTheRefund(after: Int64, state: InsuranceClaimState) {
        let claim = Self.evaluate(Self.claim(), at: after)
        #expect(claim.state == state)
        #expect(claim.payoutDueAt?.seconds == Self.refunded + 72 * Self.hour)
        #expect(claim.payout?.amountMinor == 1_200)
    }

    @Test func aPendingPayoutFallsDueAt72Hours() {
        let pending = Self.evaluate(Self.claim(), at: 1)
        let due = { (seconds: Int64) in
            DueTransitions.due(
                complaints: [], ledger: [], sanctions: [], ruleSets: [], claims: [pending], ruleSet: Self.rules,
                now: ProtoTimestamp(seconds: Self.refunded + seconds, nanos: 0)
            ).map(\.kind)
        }
        #expect(due(72 * Self.hour - 1).isEmpty)
        #expect(due(72 * Self.hour) == [.insurancePayoutDue])
    }

    @Test(arguments: [(Int64(2_500), Int64(2_500)), (2_501, 2_500), (800, 800)])
    func thePayoutIsTheShippingCostUpTo25Yuan(cost: Int64, payout: Int64) {
        #expect(Self.evaluate(Self.claim(cost: cost), at: 100 * Self.hour).payout?.amountMinor == payout)
    }

    @Test(arguments: [(ComplaintType.fakeReturn, true), (.returnSwap, true), (.fakeVoucher, false), (.abnormalRefundOnly, false)])
    func aConfirmedFakeReturnOrSwapRefusesTheClaim(type: ComplaintType, refused: Bool) {
        let claim = Self.evaluate(Self.claim(), cases: [Self.fakeReturn(type, at: Self.hour)], at: 2 * Self.hour)
        #expect((claim.state == .refused) == refused)
        if refused { #expect(claim.refusingComplaintId == "C-1" && claim.payout?.amountMinor == 0) }
    }

    @Test func aCaseConfirmedAfterThePayoutClawsItBackAndAnOverturnUndoesThat() {
        let paid = Self.evaluate(Self.claim(), at: 80 * Self.hour)
        #expect(paid.state == .paid)
        var late = Self.fakeReturn(at: 90 * Self.hour)
        let clawed = Self.evaluate(paid, cases: [late], at: 91 * Self.hour)
        #expect(clawed.state == .clawedBack && clawed.clawedBackAmount?.amountMinor == 1_200)
        #expect(clawed.clawedBackAt?.seconds == Self.refunded + 90 * Self.hour)
        late.reversed = true
        let restored = Self.evaluate(clawed, cases: [late], at: 100 * Self.hour)
        #expect(restored.state == .paid && restored.clawedBackAmount == nil && restored.refusingComplaintId.isEmpty)
    }

    @Test func theCostReportShowsTheMerchantsOwnSaving() {
        let claims = (0..<10).map { index -> ReturnInsuranceClaim in
            var claim = Self.claim(cost: 1_000)
            claim.orderId = "O-\(index)"
            return Self.evaluate(claim, at: 100 * Self.hour)
        }
        let report = InsuranceClaims.costReport(
            merchantID: "M-1", period: TimeRange(), returnCount: 12, claims: claims, premiumOrderCount: 100,
            premiumsPaid: ReturnRiskTests.cny(3_000 + 4_000), ruleSet: Self.rules, now: ProtoTimestamp(seconds: Self.refunded + 200 * Self.hour, nanos: 0))
        #expect(report.claimsPaidCount == 10 && report.claimsPaidAmount?.amountMinor == 10_000)
        #expect(report.directShippingCost?.amountMinor == 10_000)
        #expect(report.saving?.amountMinor == 3_000 && report.savingBp == 3_000)
        #expect(report.explanation?.summary.contains("30%") == true)
    }
}
