import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Synchronization
import Testing

/// The ledger and the sanction ladder over TCP: store limits, platform limits
/// doubling up to their cap, auto-reject at 20 points, expiry after 365 days, an
/// overturn undoing every effect, and the sanction watch.
@Suite struct SanctionsEndToEndTests {
    static func sanctions(_ clients: Clients, buyer: String) async throws -> [Sanction] {
        var request = ListSanctionsRequest()
        request.buyerId = buyer
        return try await clients.integrity.listSanctions(request, metadata: Principal.service.metadata, options: callOptions).sanctions
    }

    @Test func aTierAMerchantsConfirmedCaseLimitsTheBuyerAtThatStoreFor180Days() async throws {
        try await withServer(at: Time.at()) { server, clients in
            try await clients.report([
                Feed.merchant("M-A"), Feed.merchant("M-B", logistics: 4_000, service: 4_000),
                Feed.order("O-1", buyer: "B-1", merchant: "M-A", paid: Time.at()),
                Feed.order("O-2", buyer: "B-2", merchant: "M-B", paid: Time.at()),
            ])
            let decided = try await clients.confirmed(.abnormalRefundOnly, order: "O-1", merchant: "M-A", storeLimit: true)
            #expect(decided.sanctionsChanged.map(\.kind) == [.storePurchaseLimit])
            #expect(decided.complaint?.sanctionIds == decided.sanctionsChanged.map(\.sanctionId))
            let blocked = try await clients.checkOrder("B-1", at: "M-A")
            #expect(!blocked.allowed && blocked.restrictions.first?.until == Time.at(day: 180))
            #expect(blocked.restrictions.first?.explanation?.hits.first?.ruleId == "integrity.sanction.store_limit")
            #expect(try await clients.checkOrder("B-1", at: "M-Z").allowed, "only at that store")
            // Tier B (4.5 ≤ score < 4.8) files once the rollout is general, and may not ask for
            // a store limit: the request is ignored with a rule hit.
            try await clients.publish { $0.rollout?.stage = .general }
            let tierB = try await clients.file(.of(.abnormalRefundOnly, order: "O-2", key: "b", storeLimit: true), by: "M-B")
            #expect(tierB.merchantTierAtFiling == .b && !tierB.storePurchaseLimitRequested)
            #expect(tierB.explanation?.hits.contains { $0.ruleId == "integrity.tier.store_order_restriction" && !$0.fired } == true)
            // Day 180: the limit has ended (the sweeper expires it) and the buyer may order again.
            server.setTime(Time.at(day: 180))
            try await eventually("the store limit expires") { try await clients.checkOrder("B-1", at: "M-A").allowed }
            try await eventually("and is recorded expired") { try await Self.sanctions(clients, buyer: "B-1").first?.state == .expired }
        }
    }

    @Test func platformLimitsDoubleWithEachInTheLookbackUpTo360DaysAndTwentyPointsRejectAfterSales() async throws {
        try await withServer(at: Time.at()) { server, clients in
            try await clients.report(
                ["M-1", "M-2", "M-3"].map { Feed.merchant($0) }
                    + (1...4).map { Feed.order("O-\($0)", buyer: "B-1", merchant: "M-\(($0 - 1) % 3 + 1)", paid: Time.at()) })
            // Day 0: 10 points from two merchants: the first platform limit, 90 days.
            try await clients.confirmed(.fakeReturn, order: "O-1", merchant: "M-1")
            let second = try await clients.confirmed(.fakeReturn, order: "O-2", merchant: "M-2")
            let first = try #require(second.sanctionsChanged.first { $0.kind == .platformPurchaseLimit })
            #expect(first.duration?.seconds == 90 * Time.day && first.repeatIndex == 0 && first.activePointsAtStart == 10)
            #expect(try await !clients.checkOrder("B-1", at: "M-9").allowed, "a platform limit blocks every store")
            // Day 100: the first has ended; 15 points: 180 days.
            server.setTime(Time.at(day: 100))
            try await eventually("the first limit ends at day 90") { try await clients.checkOrder("B-1", at: "M-9").allowed }
            let third = try await clients.confirmed(.fakeReturn, order: "O-3", merchant: "M-3")
            let doubled = try #require(third.sanctionsChanged.first { $0.kind == .platformPurchaseLimit })
            #expect(doubled.duration?.seconds == 180 * Time.day && doubled.repeatIndex == 1)
            // Day 300: 20 points: 90 × 4 = 360 days, the cap; and after-sales auto-reject.
            server.setTime(Time.at(day: 300))
            try await eventually("the second ends at day 280") { try await clients.checkOrder("B-1", at: "M-9").allowed }
            let fourth = try await clients.confirmed(.fakeReturn, order: "O-4", merchant: "M-1")
            let capped = try #require(fourth.sanctionsChanged.first { $0.kind == .platformPurchaseLimit })
            #expect(capped.duration?.seconds == 360 * Time.day && capped.repeatIndex == 2)
            #expect(fourth.sanctionsChanged.contains { $0.kind == .afterSalesAutoReject && $0.openEnded })
            let afterSales = try await clients.checkAfterSales("B-1", at: "M-2", order: "O-2")
            #expect(!afterSales.allowed && afterSales.blocks.map(\.kind).contains(.autoRejectSanction))
            let record = try await clients.record("B-1")
            #expect(record.activePoints == 20 && record.distinctMerchants == 3 && record.platformLimitsInLookback == 3)
            // Day 365: the two cases of day 0 expire: 10 points, auto-reject ends, the platform limit runs on.
            server.setTime(Time.at(day: 365))
            try await eventually("points expire after 365 days") { try await clients.record("B-1").activePoints == 10 }
            try await eventually("auto-reject ends below 20 points") {
                try await clients.checkAfterSales("B-1", at: "M-9", order: "O-9").allowed
            }
            let history = try await clients.record("B-1", history: true)
            #expect(history.entries.filter { $0.state == .expired }.count == 2)
            #expect(try await !clients.checkOrder("B-1", at: "M-9").allowed, "the capped limit lasts to day 660")
        }
    }

    @Test func anOverturnUndoesEveryEffectOfTheCase() async throws {
        try await withServer(at: Time.at()) { server, clients in
            try await clients.report([
                Feed.merchant("M-A"), Feed.merchant("M-B"),
                Feed.order("O-0", buyer: "B-1", merchant: "M-B", paid: Time.at()),
            ])
            var enroll = EnrollReturnInsuranceRequest()
            enroll.idempotencyKey = "enroll"
            enroll.mode = .merchantPaid
            _ = try await clients.insurance.enrollReturnInsurance(enroll, metadata: Principal.merchant("M-A").metadata, options: callOptions)
            // Forty orders without a return keep the store's return rate, and its score, up.
            try await clients.report([
                Feed.order("O-X", buyer: "B-1", merchant: "M-A", paid: Time.at(hours: 1)),
                Feed.afterSales("AS-X", order: "O-X", at: Time.at(hours: 2)),
            ] + (1...40).map { Feed.order("O-A\($0)", buyer: "B-9", merchant: "M-A", paid: Time.at(hours: 1)) })
            // The return ships and the refund is made, reported in one batch.
            try await clients.report([
                Feed.returnShipment("RS-X", order: "O-X", cost: 1_200, at: Time.at(hours: 3)),
                Feed.refund("RF-X", order: "O-X", request: "AS-X", at: Time.at(hours: 4)),
            ])
            server.setTime(Time.at(hours: 5))
            var claim = GetReturnInsuranceClaimRequest()
            claim.claimId = "R-RS-X"
            let pending = try await clients.insurance.getReturnInsuranceClaim(claim, metadata: Principal.service.metadata, options: callOptions).claim
            #expect(pending?.state == .pending && pending?.payoutDueAt == Time.at(hours: 76))

            try await clients.confirmed(.fakeReturn, order: "O-0", merchant: "M-B")
            let decided = try await clients.confirmed(.fakeReturn, order: "O-X", merchant: "M-A", storeLimit: true)
            let x = try #require(decided.complaint)
            #expect(Set(decided.sanctionsChanged.map(\.kind)) == [.storePurchaseLimit, .platformPurchaseLimit])
            #expect(x.consequences.map(\.state) == [.applied, .applied, .applied])
            let refused = try await clients.insurance.getReturnInsuranceClaim(claim, metadata: Principal.service.metadata, options: callOptions).claim
            #expect(refused?.state == .refused && refused?.refusingComplaintId == x.complaintId)
            var score = ExplainExperienceScoreRequest()
            score.merchantId = "M-A"
            let explained = try await clients.merchants.explainExperienceScore(score, metadata: Principal.reviewer.metadata, options: callOptions)
            #expect(explained.excludedCases.map(\.orderId) == ["O-X"])
            #expect(try await !clients.checkAfterSales("B-1", at: "M-A", order: "O-X").allowed)

            // The buyer appeals; a reviewer overturns.
            var appeal = FileAppealRequest()
            appeal.idempotencyKey = "appeal"
            appeal.complaintId = x.complaintId
            appeal.statement = "The parcel held the item; the carrier weighed it wrong."
            #expect(try await clients.integrity.fileAppeal(appeal, metadata: Principal.buyer("B-1").metadata, options: callOptions).complaint?.state == .appealed)
            var overturn = DecideAppealRequest()
            overturn.idempotencyKey = "overturn"
            overturn.complaintId = x.complaintId
            overturn.verdict = .overturn
            overturn.reasonCode = .newEvidenceFromBuyer
            let overturned = try await clients.integrity.decideAppeal(overturn, metadata: Principal.reviewer.metadata, options: callOptions)
            #expect(overturned.complaint?.state == .overturned && overturned.complaint?.appeal?.reasonCode == .newEvidenceFromBuyer)
            #expect(overturned.complaint?.consequences.map(\.state) == [.reversed, .reversed, .reversed])
            #expect(Set(overturned.sanctionsChanged.map(\.state)) == [.lifted])
            #expect(try await clients.checkOrder("B-1", at: "M-A").allowed)
            #expect(try await clients.checkAfterSales("B-1", at: "M-A", order: "O-X").allowed)
            let record = try await clients.record("B-1", history: true)
            #expect(record.activePoints == 5 && record.entries.first { $0.complaintId == x.complaintId }?.state == .reversed)
            #expect(try await clients.merchants.explainExperienceScore(score, metadata: Principal.reviewer.metadata, options: callOptions)
                .excludedCases.isEmpty)
            let restored = try await clients.insurance.getReturnInsuranceClaim(claim, metadata: Principal.service.metadata, options: callOptions).claim
            #expect(restored?.state == .pending && restored?.refusingComplaintId == "")
            // The claim is paid when due, 72 hours after the refund.
            server.setTime(Time.at(hours: 76))
            try await eventually("the payout is made") {
                try await clients.insurance.getReturnInsuranceClaim(claim, metadata: Principal.service.metadata, options: callOptions).claim?.state == .paid
            }
        }
    }

    @Test func theWatchReplaysTheLogThenFollowsItAndResumesWithoutLossOrRepeat() async throws {
        try await withServer(at: Time.at()) { server, clients in
            try await clients.report([Feed.merchant("M-A")] + (1...3).map { Feed.order("O-\($0)", buyer: "B-\($0)", merchant: "M-A", paid: Time.at()) })
            try await clients.confirmed(.fakeReturn, order: "O-1", merchant: "M-A", storeLimit: true)
            let seen = Collected<SanctionEvent>()
            // From the start: the backlog (one event), a heartbeat, then a live one.
            var watch = WatchSanctionsRequest()
            watch.afterSequence = 0
            let fromStart = watch
            let live = Task {
                try await clients.integrity.watchSanctions(fromStart, metadata: Principal.service.metadata, options: CallOptions(timeout: .seconds(60))) { response in
                    for try await message in response.messages {
                        if case .event(let event) = message.item { seen.append(event) }
                        if seen.count == 2 { return }
                    }
                }
            }
            try await eventually("the backlog arrives") { seen.count == 1 }
            try await clients.confirmed(.fakeReturn, order: "O-2", merchant: "M-A", storeLimit: true)
            try await live.value
            let events = seen.items
            #expect(events.map(\.kind) == [.imposed, .imposed])
            #expect(events.map { $0.sanction?.buyerId ?? "" } == ["B-1", "B-2"])
            #expect(events[0].sequence < events[1].sequence)
            // Resuming after the last sequence seen: only what came after.
            try await clients.confirmed(.fakeReturn, order: "O-3", merchant: "M-A", storeLimit: true)
            watch.afterSequence = events[1].sequence
            let resumed = try await clients.integrity.watchSanctions(watch, metadata: Principal.service.metadata, options: CallOptions(timeout: .seconds(60))) { response in
                var got: [SanctionEvent] = []
                for try await message in response.messages {
                    switch message.item {
                    case .event(let event): got.append(event)
                    case .heartbeat(let beat):
                        #expect(beat.latestSequence >= got.last?.sequence ?? 0)
                        return got
                    case nil: break
                    }
                }
                return got
            }
            #expect(resumed.map { $0.sanction?.buyerId ?? "" } == ["B-3"])
            var future = WatchSanctionsRequest()
            future.afterSequence = 1_000_000
            let beyond = await refusal {
                try await clients.integrity.watchSanctions(future, metadata: Principal.service.metadata, options: callOptions) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(beyond?.0 == .outOfRange)
        }
    }
}

/// Items collected by one task and read by another.
final class Collected<Item: Sendable>: Sendable {
    private let items_ = Mutex<[Item]>([])
    func append(_ item: Item) { items_.withLock { $0.append(item) } }
    var items: [Item] { items_.withLock { $0 } }
    var count: Int { items_.withLock { $0.count } }
}
