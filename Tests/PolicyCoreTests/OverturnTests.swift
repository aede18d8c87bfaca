import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// One case causes every effect a case can have; overturning it undoes each.
@Suite struct OverturnTests {
    static let rules = RuleSetValidationTests.defaults
    static let day = SanctionTests.day
    static let t0 = SanctionTests.t0

    static func confirm(_ id: String, _ merchant: String, _ type: ComplaintType, day at: Int64, tier: Tier) -> ConfirmedCase {
        Ledger.confirm(
            complaintID: id, orderID: "O-\(id)", buyerID: "B-1", merchantID: merchant, type: type, at: ts(t0 + at * day),
            merchantTier: tier, storeLimitRequested: true, ruleSet: rules)
    }

    @Test func anOverturnedCaseUndoesEverythingItCaused() throws {
        var book = SanctionBook(ruleSet: Self.rules, now: ts(Self.t0))
        // Day 0: 10 points from 2 merchants, a first platform limit (90 days). Day 50: 15 points, the limit runs.
        book.confirm(Self.confirm("C-1", "M-1", .fakeReturn, day: 0, tier: .b))
        book.confirm(Self.confirm("C-2", "M-2", .fakeReturn, day: 0, tier: .b))
        book.confirm(Self.confirm("C-3", "M-3", .returnSwap, day: 50, tier: .b))
        // Day 100: case X, by a tier-A merchant, brings 20 points.
        let x = Self.confirm("X", "M-4", .fakeReturn, day: 100, tier: .a)
        book.confirm(x)
        let now = ProtoTimestamp(seconds: Self.t0 + 105 * Self.day, nanos: 0)
        book.advance(to: now)

        // Everything X caused.
        let caused = book.sanctions.filter { $0.causeComplaintIds.contains("X") }
        #expect(Set(caused.map(\.kind)) == [.storePurchaseLimit, .platformPurchaseLimit, .afterSalesAutoReject])
        let repeatLimit = try #require(caused.first { $0.kind == .platformPurchaseLimit })
        #expect(repeatLimit.repeatIndex == 1 && repeatLimit.duration?.seconds == 180 * Self.day, "a repeat: doubled")
        #expect(Ledger.entry(x, now: now).state == .active)
        #expect(CaseConsequences.consequences(of: x, ruleSet: Self.rules, now: now).map(\.state) == [.applied, .applied, .applied])
        #expect(CaseConsequences.claimRefusal(orderID: "O-X", cases: book.cases, ruleSet: Self.rules)?.complaintID == "X")
        let blocked = PurchaseChecks.checkAfterSales(
            merchantID: "M-4", orderID: "O-X", cases: book.cases, sanctions: book.sanctions, ruleSet: Self.rules, now: now)
        #expect(!blocked.allowed && Set(blocked.blocks.map(\.kind)) == [.confirmedCaseOnOrder, .autoRejectSanction])
        #expect(!blocked.proactiveInterventionAllowed)
        let atM4 = PurchaseChecks.checkOrder(merchantID: "M-4", sanctions: book.sanctions, now: now)
        #expect(!atM4.allowed && Set(atM4.restrictions.map(\.kind)) == [.storePurchaseLimit, .platformPurchaseLimit])

        // Overturned on appeal at day 110.
        let later = ProtoTimestamp(seconds: Self.t0 + 110 * Self.day, nanos: 0)
        let overturned = book.overturn(complaintID: "X", at: later)
        #expect(overturned)
        let reversed = try #require(book.cases.first { $0.complaintID == "X" })
        #expect(Ledger.entry(reversed, now: later).state == .reversed)
        #expect(Ledger.activePoints(book.cases, at: later).points == 15)
        #expect(!book.sanctions.contains { $0.causeComplaintIds.contains("X") })
        #expect(book.sanctions.map(\.kind) == [.platformPurchaseLimit], "only the first platform limit, long ended")
        #expect(book.sanctions.first?.state == .expired)
        #expect(CaseConsequences.consequences(of: reversed, ruleSet: Self.rules, now: later).map(\.state) == [.reversed, .reversed, .reversed])
        #expect(CaseConsequences.claimRefusal(orderID: "O-X", cases: book.cases, ruleSet: Self.rules) == nil)
        let allowed = PurchaseChecks.checkAfterSales(
            merchantID: "M-4", orderID: "O-X", cases: book.cases, sanctions: book.sanctions, ruleSet: Self.rules, now: later)
        #expect(allowed.allowed && allowed.proactiveInterventionAllowed)
        #expect(PurchaseChecks.checkOrder(merchantID: "M-4", sanctions: book.sanctions, now: later).allowed)
        // The same as if X had never been confirmed.
        #expect(book.sanctions == Sanctions.sanctions(for: book.cases.filter { $0.complaintID != "X" }, ruleSet: Self.rules, now: later))
    }

    @Test(arguments: [(Tier.a, [ConsequenceState.applied, .applied, .applied]), (.b, [.applied, .notGranted, .applied]), (.c, [.applied, .notGranted, .notGranted])])
    func theTierDecidesWhichConsequencesApply(tier: Tier, states: [ConsequenceState]) {
        let item = Self.confirm("C-1", "M-1", .fakeReturn, day: 0, tier: tier)
        let consequences = CaseConsequences.consequences(of: item, ruleSet: Self.rules, now: ProtoTimestamp(seconds: Self.t0, nanos: 0))
        #expect(consequences.map(\.kind) == [.rejectAfterSales, .noProactiveIntervention, .excludeFromRates])
        #expect(consequences.map(\.state) == states)
    }
}
