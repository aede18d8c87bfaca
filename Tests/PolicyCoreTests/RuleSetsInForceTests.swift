import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

@Suite struct RuleSetsInForceTests {
    static let v1 = RuleSetValidationTests.defaults

    static var v2: RuleSet {
        var rules = v1
        rules.version = 2
        rules.effectiveAt = ProtoTimestamp(seconds: v1.effectiveAt!.seconds + 100 * 86_400, nanos: 0)
        rules.rollout?.pilotMinScoreMilli = 4_500
        return rules
    }

    @Test func aCaseIsJudgedByTheRulesInForceWhenItHappened() throws {
        let effective = Self.v2.effectiveAt!.seconds
        #expect(RuleSetsInForce.inForce(at: ProtoTimestamp(seconds: effective - 1, nanos: 0), among: [Self.v2, Self.v1])?.version == 1)
        #expect(RuleSetsInForce.inForce(at: ProtoTimestamp(seconds: effective, nanos: 0), among: [Self.v1, Self.v2])?.version == 2)
        #expect(RuleSetsInForce.inForce(at: ProtoTimestamp(seconds: Self.v1.effectiveAt!.seconds - 1, nanos: 0), among: [Self.v1, Self.v2]) == nil)
        // A 4.7 merchant filing the day before v2 takes effect is refused; the day after, accepted.
        for (offset, accepted) in [(Int64(-86_400), false), (86_400, true)] {
            let when = ProtoTimestamp(seconds: effective + offset, nanos: 0)
            let rules = try #require(RuleSetsInForce.inForce(at: when, among: [Self.v1, Self.v2]))
            let decision = ComplaintFiling.decide(ComplaintFilingTests.fakeReturn, merchantScoreMilli: 4_700, ruleSet: rules, now: when)
            #expect(decision.isAccepted == accepted)
            #expect(decision.explanation.ruleSetVersion == (accepted ? 2 : 1))
        }
    }

    @Test func aCartIsAllowedOnlyIfEveryStoreIs() {
        let t0 = SanctionTests.t0
        let cases = [SanctionTests.confirm("C-1", "M-1", .abnormalRefundOnly, tier: .a, requested: true)]
        let sanctions = Sanctions.sanctions(for: cases, ruleSet: Self.v1, now: ts(t0))
        let cart = PurchaseChecks.checkCart(merchantIDs: ["M-2", "M-1", "M-3"], sanctions: sanctions, now: ProtoTimestamp(seconds: t0 + 1, nanos: 0))
        #expect(!cart.allAllowed)
        #expect(cart.checks.map(\.allowed) == [true, false, true])
        #expect(cart.checks[1].restrictions.first?.kind == .storePurchaseLimit)
        let later = PurchaseChecks.checkCart(merchantIDs: ["M-1"], sanctions: sanctions, now: ProtoTimestamp(seconds: t0 + 180 * 86_400, nanos: 0))
        #expect(later.allAllowed, "the store limit has ended")
    }
}
