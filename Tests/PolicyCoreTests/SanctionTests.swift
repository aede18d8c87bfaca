import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// The ledger and the sanction ladder with DOMAIN.md's numbers: points 5/5/3/3/2,
/// expiring after 365 days; a store limit of 180 days for a tier-A merchant's
/// case; a platform limit at 10 points from 2 merchants for 90 days × 2^k (k in
/// 365 days), capped at 360; after-sales auto-reject from 20 points.
@Suite struct SanctionTests {
    static let defaults = RuleSetValidationTests.defaults
    static let day: Int64 = 86_400
    static let t0: Int64 = 1_767_225_600 + 30 * day

    static func confirm(
        _ id: String, _ merchant: String, _ type: ComplaintType = .fakeReturn, at time: Int64 = t0, tier: Tier = .b,
        requested: Bool = false, rules: RuleSet = defaults
    ) -> ConfirmedCase {
        Ledger.confirm(
            complaintID: id, buyerID: "B-1", merchantID: merchant, type: type, at: ts(time), merchantTier: tier,
            storeLimitRequested: requested, ruleSet: rules)
    }

    static func sanctions(_ cases: [ConfirmedCase], now: Int64, rules: RuleSet = defaults) -> [Sanction] {
        Sanctions.sanctions(for: cases, ruleSet: rules, now: ts(now))
    }

    @Test(arguments: [
        (ComplaintType.fakeReturn, Int32(5)), (.returnSwap, 5), (.fakeVoucher, 3), (.fakeImageEvidence, 3), (.abnormalRefundOnly, 2),
    ])
    func pointsByTypeExpireAfter365Days(type: ComplaintType, points: Int32) {
        let item = Self.confirm("C-1", "M-1", type)
        #expect(item.points == points)
        #expect(Ledger.activePoints([item], at: ts(Self.t0 + 365 * Self.day - 1)).points == points)
        #expect(Ledger.activePoints([item], at: ts(Self.t0 + 365 * Self.day)).points == 0)
        #expect(Ledger.entry(item, now: ts(Self.t0 + 365 * Self.day)).state == .expired)
    }

    @Test func tenPointsFromTwoMerchantsBringA90DayPlatformLimit() throws {
        let cases = [Self.confirm("C-1", "M-1"), Self.confirm("C-2", "M-2", at: Self.t0 + Self.day)]
        let platform = try #require(Self.sanctions(cases, now: Self.t0 + 2 * Self.day).first { $0.kind == .platformPurchaseLimit })
        #expect(platform.startsAt?.seconds == Self.t0 + Self.day)
        #expect(platform.duration?.seconds == 90 * Self.day)
        #expect(platform.state == .active && platform.causeComplaintIds == ["C-1", "C-2"])
        #expect(platform.activePointsAtStart == 10 && platform.distinctMerchantsAtStart == 2)
        #expect(platform.explanation?.hits.first?.ruleId == "integrity.sanction.platform_limit")
        // Nine points (5 + 2 + 2) from three merchants, or ten from one merchant: no platform limit.
        let nine = [Self.confirm("C-1", "M-1"), Self.confirm("C-2", "M-2", .abnormalRefundOnly), Self.confirm("C-3", "M-3", .abnormalRefundOnly)]
        #expect(!Self.sanctions(nine, now: Self.t0 + Self.day).contains { $0.kind == .platformPurchaseLimit })
        let oneMerchant = [Self.confirm("C-1", "M-1"), Self.confirm("C-2", "M-1")]
        #expect(!Self.sanctions(oneMerchant, now: Self.t0 + Self.day).contains { $0.kind == .platformPurchaseLimit })
    }

    @Test func eachPlatformLimitInTheLookbackDoublesTheNextCappedAt360Days() {
        // A pair of cases every 100 days: each pair crosses the threshold again once the previous limit ended.
        var cases: [ConfirmedCase] = []
        for round in 0..<5 {
            let at = Self.t0 + Int64(round) * 400 * Self.day / 4
            cases += [Self.confirm("C-\(round)a", "M-1", at: at), Self.confirm("C-\(round)b", "M-2", at: at)]
        }
        // Day 0: 90 days. Day 100: the first has ended, one in the lookback: 180 days (to day 280).
        // Day 200: still running. Day 300: two in the lookback: 90 × 4 = 360 days, the cap. Day 400: running.
        let limits = Self.sanctions(cases, now: Self.t0 + 600 * Self.day).filter { $0.kind == .platformPurchaseLimit }
        #expect(limits.map { $0.duration!.seconds / Self.day } == [90, 180, 360])
        #expect(limits.map(\.repeatIndex) == [0, 1, 2])
        #expect(limits.map { ($0.startsAt!.seconds - Self.t0) / Self.day } == [0, 100, 300])
        var capped = Self.defaults
        capped.sanctions?.platformPurchaseLimit?.maxDuration = ProtoDuration(seconds: 300 * Self.day, nanos: 0)
        let cappedLimits = Self.sanctions(cases, now: Self.t0 + 600 * Self.day, rules: capped).filter { $0.kind == .platformPurchaseLimit }
        #expect(cappedLimits.map { $0.duration!.seconds / Self.day } == [90, 180, 300])
    }

    @Test func twentyPointsRejectAfterSalesUntilTheyFallBelow() throws {
        let cases = (0..<4).map { Self.confirm("C-\($0)", "M-\($0 % 2)", at: Self.t0 + Int64($0) * Self.day) }
        let during = Self.sanctions(cases, now: Self.t0 + 10 * Self.day)
        let reject = try #require(during.first { $0.kind == .afterSalesAutoReject })
        #expect(reject.openEnded && reject.state == .active && reject.startsAt?.seconds == Self.t0 + 3 * Self.day)
        // The first case expires 365 days after it was confirmed: 15 points are left.
        let after = Self.sanctions(cases, now: Self.t0 + 366 * Self.day).first { $0.kind == .afterSalesAutoReject }
        #expect(after?.state == .expired && after?.endedAt?.seconds == Self.t0 + 365 * Self.day)
    }

    @Test(arguments: [(Tier.a, true), (.b, false), (.c, false)])
    func aStoreLimitFollowsACaseByATierAMerchantFor180Days(tier: Tier, limited: Bool) throws {
        let cases = [Self.confirm("C-1", "M-1", .abnormalRefundOnly, tier: tier, requested: true)]
        let store = Self.sanctions(cases, now: Self.t0).first { $0.kind == .storePurchaseLimit }
        #expect((store != nil) == limited)
        if let store {
            #expect(store.merchantId == "M-1" && store.duration?.seconds == 180 * Self.day)
            #expect(Self.sanctions(cases, now: Self.t0 + 180 * Self.day).first?.state == .expired)
        }
    }

    // Tier A's right is a store-level restriction "on request"; a rule set may impose it without one.
    @Test func theStoreLimitWaitsForTheMerchantsRequestUnlessTheRulesSayOtherwise() {
        let unasked = [Self.confirm("C-1", "M-1", tier: .a)]
        #expect(Self.sanctions(unasked, now: Self.t0).filter { $0.kind == .storePurchaseLimit }.isEmpty)
        let asked = [Self.confirm("C-1", "M-1", tier: .a, requested: true)]
        #expect(Self.sanctions(asked, now: Self.t0).filter { $0.kind == .storePurchaseLimit }.count == 1)
        var rules = Self.defaults
        rules.sanctions?.storePurchaseLimit?.requiresMerchantRequest = false
        #expect(Self.sanctions(unasked, now: Self.t0, rules: rules).filter { $0.kind == .storePurchaseLimit }.count == 1)
    }

    @Test func anOverturnedCaseCausesNothing() {
        var book = SanctionBook(ruleSet: Self.defaults, now: ts(Self.t0))
        book.confirm(Self.confirm("C-1", "M-1", tier: .a, requested: true))
        book.confirm(Self.confirm("C-2", "M-2", at: Self.t0 + Self.day))
        #expect(Set(book.sanctions.map(\.kind)) == [.storePurchaseLimit, .platformPurchaseLimit])
        let overturned = book.overturn(complaintID: "C-1", at: ts(Self.t0 + 2 * Self.day))
        #expect(overturned)
        #expect(book.sanctions.isEmpty)
        #expect(Ledger.activePoints(book.cases, at: book.now).points == 5)
        let again = book.overturn(complaintID: "C-1", at: ts(Self.t0 + 3 * Self.day))
        #expect(!again, "only once")
    }

    /// A deterministic generator for the property below.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// After any sequence of confirmations, overturns and the passing of time, the
    /// sanctions kept step by step equal a recomputation from the ledger.
    @Test(arguments: 0..<60)
    func keptStepByStepEqualsRecomputedFromTheLedger(seed: Int) {
        var random = SplitMix64(state: UInt64(seed) &* 7_919 &+ 1)
        var rules = Self.defaults
        if seed % 3 == 1 { rules.sanctions?.platformPurchaseLimit?.minActivePoints = 6 }
        if seed % 3 == 2 { rules.clocks?.pointExpiry = ProtoDuration(seconds: 120 * Self.day, nanos: 0) }
        var book = SanctionBook(ruleSet: rules, now: ts(Self.t0))
        var count = 0
        for _ in 0..<40 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                count += 1
                let type = ComplaintType.allCases.filter { $0 != .unspecified }.randomElement(using: &random)!
                // Mostly now, sometimes back-dated into the past month.
                let at = book.now.seconds - (Bool.random(using: &random) ? 0 : Int64.random(in: 0...30, using: &random) * Self.day)
                book.confirm(
                    Self.confirm(
                        "C-\(count)", "M-\(Int.random(in: 1...3, using: &random))", type, at: at,
                        tier: [Tier.a, .b, .c].randomElement(using: &random)!, requested: Bool.random(using: &random),
                        rules: rules))
            case 5..<7:
                if let victim = book.cases.filter({ !$0.reversed }).randomElement(using: &random) {
                    book.overturn(complaintID: victim.complaintID, at: book.now)
                }
            default:
                book.advance(to: ts(book.now.seconds + Int64.random(in: 1...200, using: &random) * Self.day))
            }
            let recomputed = Sanctions.sanctions(for: book.cases, ruleSet: rules, now: book.now)
            #expect(book.sanctions == recomputed, "seed \(seed) after \(book.cases.count) cases")
            if book.sanctions != recomputed { return }
        }
    }
}
