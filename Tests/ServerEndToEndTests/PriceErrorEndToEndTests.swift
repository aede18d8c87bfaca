import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// Price-error protection over TCP: the report window, the deviation from the
/// intended and the reference price, the compensation floor and cap, a reviewer
/// above ¥10,000, and the recurrence limit.
@Suite struct PriceErrorEndToEndTests {
    /// A report of `item` live at `live` instead of `intended`, from day 0 to hour 2.
    static func report(
        _ clients: Clients, item: String, orders: [String], intended: Int64 = 10_000, live: Int64 = 1_000, key: String
    ) async throws -> PriceErrorReport {
        var request = ReportPriceErrorRequest()
        request.idempotencyKey = key
        request.itemId = item
        request.intendedPrice = cny(intended)
        request.livePrice = cny(live)
        request.liveFrom = Time.at()
        request.liveUntil = Time.at(hours: 2)
        request.affectedOrderIds = orders
        request.note = "The discount was typed as 90% instead of 9%."
        return try await clients.priceErrors.reportPriceError(request, metadata: Principal.merchant("M-P").metadata, options: callOptions).report!
    }

    /// Facts for `item`: its 30-day reference price and orders of `units` at ¥10, paid at hour 1.
    static func facts(item: String, reference: Int64 = 10_000, orders: [(id: String, units: Int64, shipped: Bool)]) -> [Fact] {
        [Feed.referencePrice(merchant: "M-P", item: item, price: reference, at: Time.at(day: -10))]
            + orders.map { order in
                Feed.order(
                    order.id, buyer: "B-\(order.id)", merchant: "M-P", paid: Time.at(hours: 1), amount: order.units * 1_000,
                    item: item, quantity: order.units, status: order.shipped ? .shipped : .paid)
            }
    }

    @Test func unshippedOrdersAreCancelledWithClampedCompensationAndShippedOnesStand() async throws {
        try await withServer(at: Time.at(hours: 3)) { server, clients in
            try await clients.report([Feed.merchant("M-P")] + Self.facts(item: "I-1", orders: [
                ("O-floor", 1, false), ("O-cap", 60, false), ("O-mid", 20, false), ("O-shipped", 1, true),
            ]))
            let report = try await Self.report(clients, item: "I-1", orders: ["O-floor", "O-cap", "O-mid", "O-shipped"], key: "r-1")
            #expect(report.state == .resolved && report.eligibility?.eligible == true)
            let byOrder = Dictionary(uniqueKeysWithValues: report.resolutions.map { ($0.orderId, $0) })
            #expect(byOrder["O-floor"]?.action == .cancelWithCompensation && byOrder["O-floor"]?.compensation == cny(300), "10% of ¥10 is under the ¥3 floor")
            #expect(byOrder["O-cap"]?.compensation == cny(5_000), "10% of ¥600 is over the ¥50 cap")
            #expect(byOrder["O-mid"]?.compensation == cny(2_000), "10% of ¥200")
            #expect(byOrder["O-shipped"]?.action == .fulfil && byOrder["O-shipped"]?.compensation == cny(0))
            #expect(byOrder["O-floor"]?.excludedFromCancellationMetrics == true)
            #expect(report.totals?.cancelledCount == 3 && report.totals?.totalCompensation == cny(7_300))
            #expect(report.referencePrice == cny(10_000) && report.firstOrderPaidAt == Time.at(hours: 1))
            var score = ExplainExperienceScoreRequest()
            score.merchantId = "M-P"
            let explained = try await clients.merchants.explainExperienceScore(score, metadata: Principal.reviewer.metadata, options: callOptions)
            #expect(explained.excludedCases.filter { $0.reason == .priceErrorCancellation }.map(\.orderId).sorted() == ["O-cap", "O-floor", "O-mid"])
        }
    }

    @Test func aLateReportAndASmallDeviationAreNotEligible() async throws {
        try await withServer(at: Time.at(hours: 3)) { server, clients in
            try await clients.report([Feed.merchant("M-P")] + Self.facts(item: "I-1", orders: [("O-1", 1, false)])
                + Self.facts(item: "I-2", orders: [("O-2", 1, false)]))
            let deviation = try await Self.report(clients, item: "I-2", orders: ["O-2"], live: 6_000, key: "r-dev")
            #expect(deviation.state == .ineligible && deviation.resolutions.isEmpty)
            #expect(deviation.eligibility?.checks.filter { !$0.passed }.map(\.kind) == [.deviationFromIntended, .deviationFromReference])
            // 24 hours after the first order (hour 1) the window is closed.
            server.setTime(Time.at(hours: 25, seconds: -1))
            #expect(try await Self.report(clients, item: "I-1", orders: ["O-1"], key: "r-in-time").state == .resolved)
            server.setTime(Time.at(hours: 25))
            let late = try await Self.report(clients, item: "I-1", orders: ["O-1"], key: "r-late")
            #expect(late.state == .ineligible && late.eligibility?.checks.first { $0.kind == .reportedInTime }?.passed == false)
        }
    }

    @Test func aLossAbove10000YuanWaitsForAReviewerAndAFourthReportIn90DaysIsRefused() async throws {
        try await withServer(at: Time.at(hours: 3)) { server, clients in
            var facts = [Feed.merchant("M-P")] + Self.facts(item: "I-big", reference: 2_000_000, orders: [("O-big", 1, false)])
            for index in 1...4 { facts += Self.facts(item: "I-\(index)", orders: [("O-\(index)", 1, false)]) }
            try await clients.report(facts)
            let big = try await Self.report(clients, item: "I-big", orders: ["O-big"], intended: 2_000_000, key: "r-big")
            #expect(big.state == .pendingManualReview && big.resolutions.map(\.action) == [.manualReview])
            var decide = DecidePriceErrorReportRequest()
            decide.idempotencyKey = "approve"
            decide.reportId = big.reportId
            decide.verdict = .approve
            decide.expectedRevision = big.revision
            let approved = try await clients.priceErrors.decidePriceErrorReport(decide, metadata: Principal.reviewer.metadata, options: callOptions).report
            #expect(approved?.state == .resolved && approved?.resolutions.map(\.action) == [.cancelWithCompensation])
            #expect(approved?.reviewedBy?.principalId == "reviewer-1" && approved?.revision == 2)
            // The big one and two more are accepted; the fourth in 90 days is not.
            #expect(try await Self.report(clients, item: "I-1", orders: ["O-1"], key: "r-1").state == .resolved)
            #expect(try await Self.report(clients, item: "I-2", orders: ["O-2"], key: "r-2").state == .resolved)
            let fourth = try await Self.report(clients, item: "I-3", orders: ["O-3"], key: "r-3")
            #expect(fourth.state == .ineligible && fourth.eligibility?.acceptedReportsInPeriod == 3)
            #expect(fourth.eligibility?.checks.first { $0.kind == .withinRecurrenceLimit }?.passed == false)
            var list = ListPriceErrorReportsRequest()
            list.states = [.resolved]
            let resolved = try await clients.priceErrors.listPriceErrorReports(list, metadata: Principal.merchant("M-P").metadata, options: callOptions)
            #expect(resolved.reports.count == 3)
        }
    }
}
