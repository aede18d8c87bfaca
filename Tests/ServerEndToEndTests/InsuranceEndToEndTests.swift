import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// Return insurance over TCP: Taobao's per-promotion choice, Tmall's cover in every
/// promotion, the buyer opt-in pilot, the premium with its surcharge, the payout cap,
/// the payout 72 hours after the refund, and the claw-back.
@Suite struct InsuranceEndToEndTests {
    static func enroll(_ clients: Clients, _ merchant: String, _ mode: InsuranceMode) async throws {
        var enroll = EnrollReturnInsuranceRequest()
        enroll.idempotencyKey = "enroll-\(merchant)"
        enroll.mode = mode
        _ = try await clients.insurance.enrollReturnInsurance(enroll, metadata: Principal.merchant(merchant).metadata, options: callOptions)
    }

    static func quote(_ clients: Clients, _ order: String) async throws -> QuoteReturnInsuranceResponse {
        var request = QuoteReturnInsuranceRequest()
        request.orderId = order
        return try await clients.insurance.quoteReturnInsurance(request, metadata: Principal.service.metadata, options: callOptions)
    }

    static func claim(_ clients: Clients, _ id: String) async throws -> ReturnInsuranceClaim? {
        var request = GetReturnInsuranceClaimRequest()
        request.claimId = id
        return try await clients.insurance.getReturnInsuranceClaim(request, metadata: Principal.service.metadata, options: callOptions).claim
    }

    @Test func aTaobaoMerchantChoosesPerPromotionAndATmallMerchantIsAlwaysCovered() async throws {
        try await withServer(at: Time.at()) { server, clients in
            try await clients.report([
                Feed.merchant("M-T", platform: .taobao), Feed.merchant("M-M", platform: .tmall),
                Feed.promotion("P-1", items: [("M-T", "I-1"), ("M-M", "I-1")], from: Time.at(), until: Time.at(day: 10)),
            ])
            try await Self.enroll(clients, "M-T", .merchantPaid)
            server.setTime(Time.at(hours: 1))
            try await clients.report([
                Feed.order("O-T", buyer: "B-1", merchant: "M-T", paid: Time.at(hours: 1), promotion: "P-1"),
                Feed.order("O-M", buyer: "B-1", merchant: "M-M", paid: Time.at(hours: 1), promotion: "P-1"),
                Feed.order("O-T2", buyer: "B-1", merchant: "M-T", paid: Time.at(hours: 1)),
            ])
            server.setTime(Time.at(hours: 2))
            #expect(try await Self.quote(clients, "O-T").covered, "no choice made: the enrolment applies")
            var optOut = SetPromotionInsuranceParticipationRequest()
            optOut.idempotencyKey = "opt-out"
            optOut.promotionId = "P-1"
            optOut.covered = false
            _ = try await clients.insurance.setPromotionInsuranceParticipation(optOut, metadata: Principal.merchant("M-T").metadata, options: callOptions)
            let outside = try await Self.quote(clients, "O-T")
            #expect(!outside.covered && outside.notCoveredReason == .promotionOptedOut)
            #expect(try await Self.quote(clients, "O-T2").covered, "outside the promotion the enrolment still applies")
            let tmall = try await Self.quote(clients, "O-M")
            #expect(tmall.covered && tmall.mode == .merchantPaid && tmall.payer == .merchant, "covered without enrolment")
            #expect(tmall.explanation?.hits.contains { $0.ruleId == "insurance.coverage.tmall_promotion" && $0.fired } == true)
            let refused = await refusal {
                _ = try await clients.insurance.setPromotionInsuranceParticipation(optOut, metadata: Principal.merchant("M-M").metadata, options: callOptions)
            }
            #expect(refused?.0 == .failedPrecondition && refused?.1.reason == .alwaysCovered)
            var list = ListPromotionInsuranceParticipationsRequest()
            let listed = try await clients.insurance.listPromotionInsuranceParticipations(list, metadata: Principal.merchant("M-M").metadata, options: callOptions)
            #expect(listed.participations.map(\.source) == [.tmallAlwaysCovered])
            list.merchantId = "M-T"
            let chosen = try await clients.insurance.listPromotionInsuranceParticipations(list, metadata: Principal.merchant("M-T").metadata, options: callOptions)
            #expect(chosen.participations.map(\.source) == [.merchantChoice] && chosen.participations.first?.covered == false)
        }
    }

    @Test func thePremiumStepsWithTheReturnRateAndABuyerWithPointsPaysTheSurcharge() async throws {
        try await withServer(at: Time.at()) { server, clients in
            try await clients.report([Feed.merchant("M-1"), Feed.merchant("M-2")])
            try await Self.enroll(clients, "M-1", .buyerOptIn)
            server.setTime(Time.at(hours: 1))
            try await clients.report([
                Feed.order("O-1", buyer: "B-clean", merchant: "M-1", paid: Time.at(hours: 1)),
                Feed.order("O-2", buyer: "B-points", merchant: "M-1", paid: Time.at(hours: 1)),
                Feed.order("O-3", buyer: "B-points", merchant: "M-2", paid: Time.at(hours: 1)),
            ])
            server.setTime(Time.at(hours: 2))
            try await clients.confirmed(.abnormalRefundOnly, order: "O-3", merchant: "M-2")
            let clean = try await Self.quote(clients, "O-1")
            #expect(!clean.covered && clean.notCoveredReason == .buyerNotOptedIn && clean.payer == .buyer)
            #expect(clean.basePremium == cny(30) && clean.premium == cny(30) && clean.payoutCap == cny(2_500))
            let surcharged = try await Self.quote(clients, "O-2")
            #expect(surcharged.buyerPointsSurcharge == cny(50) && surcharged.premium == cny(80))
            // The buyer turns it on: covered, at the quoted premium.
            var optIn = OptInReturnInsuranceRequest()
            optIn.idempotencyKey = "opt-in"
            optIn.orderId = "O-2"
            let answer = try await clients.insurance.optInReturnInsurance(optIn, metadata: Principal.buyer("B-points").metadata, options: callOptions)
            #expect(answer.covered && answer.premium == cny(80))
            #expect(try await Self.quote(clients, "O-2").covered)
            let foreign = await refusal {
                _ = try await clients.insurance.optInReturnInsurance(optIn, metadata: Principal.buyer("B-clean").metadata, options: callOptions)
            }
            #expect(foreign?.0 == .notFound)
        }
    }

    @Test func aClaimPaysTheShippingUpToTheCap72HoursAfterTheRefundAndIsClawedBackByALaterCase() async throws {
        try await withServer(at: Time.at()) { server, clients in
            try await clients.report(
                [Feed.merchant("M-1")] + (1...40).map { Feed.order("O-F\($0)", buyer: "B-9", merchant: "M-1", paid: Time.at(hours: -1)) })
            try await Self.enroll(clients, "M-1", .merchantPaid)
            server.setTime(Time.at(hours: 1))
            try await clients.report([
                Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at(hours: 1)),
                Feed.afterSales("AS-1", order: "O-1", at: Time.at(hours: 1)),
            ])
            try await clients.report([Feed.returnShipment("RS-1", order: "O-1", cost: 3_000, at: Time.at(hours: 1))])
            server.setTime(Time.at(hours: 2))
            let pending = try #require(try await Self.claim(clients, "R-RS-1"))
            #expect(pending.state == .pending && pending.payoutDueAt == nil, "waiting for the refund")
            try await clients.report([Feed.refund("RF-1", order: "O-1", request: "AS-1", at: Time.at(hours: 2))])
            let due = try #require(try await Self.claim(clients, "R-RS-1"))
            #expect(due.payoutDueAt == Time.at(hours: 74) && due.payout == cny(2_500), "¥30 of shipping, paid up to ¥25")
            server.setTime(Time.at(hours: 74, seconds: -1))
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await Self.claim(clients, "R-RS-1")?.state == .pending)
            server.setTime(Time.at(hours: 74))
            try await eventually("the payout is made at 72 hours") { try await Self.claim(clients, "R-RS-1")?.state == .paid }
            // A FAKE_RETURN on the order is confirmed afterwards: the payout is clawed back.
            server.setTime(Time.at(hours: 80))
            try await clients.confirmed(.fakeReturn, order: "O-1", merchant: "M-1")
            let clawed = try #require(try await Self.claim(clients, "R-RS-1"))
            #expect(clawed.state == .clawedBack && clawed.clawedBackAmount == cny(2_500) && clawed.paidAt == Time.at(hours: 74))
            var report = GetReturnInsuranceCostReportRequest()
            report.merchantId = "M-1"
            let costs = try await clients.insurance.getReturnInsuranceCostReport(report, metadata: Principal.merchant("M-1").metadata, options: callOptions)
            #expect(costs.returnCount == 1 && costs.claimsClawedBackCount == 1 && costs.clawedBackAmount == cny(2_500))
            #expect(costs.premiumOrderCount == 1, "O-1 is the one order paid while enrolled")
        }
    }
}
