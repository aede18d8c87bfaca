import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// The guardrails over TCP against a real server process: a merchant whose
/// complaints keep being rejected loses its store-limit requests and its new
/// complaints land in senior review; a complaint right after the buyer's low
/// review is flagged for the reviewer.
@Suite struct GuardrailsEndToEndTests {
    @Test func aMerchantWhoseComplaintsKeepFailingLosesStoreLimitsAndGoesToSeniorReview() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            var facts = [Feed.merchant("M-1")]
            for i in 0..<12 { facts.append(Feed.order("O-\(i)", buyer: "B-\(i)", merchant: "M-1", paid: Time.at())) }
            try await clients.report(facts)
            // Ten complaints, each rejected: accuracy 0 of 10.
            for i in 0..<10 {
                let filed = try await clients.file(.of(.fakeReturn, order: "O-\(i)", key: "k-\(i)"), by: "M-1")
                #expect(filed.state == .submitted && filed.seniorReviewReasons.isEmpty)
                try await clients.decide(filed.complaintId, .reject, reason: .evidenceInsufficient)
            }
            let rights = try await clients.merchants.getMerchantRights(
                GetMerchantRightsRequest(), metadata: Principal.merchant("M-1").metadata, options: callOptions)
            let privileges = try #require(rights.complaintPrivileges)
            #expect(privileges.reduced && privileges.reducedSince == Time.at(day: 1))
            #expect(
                privileges.accuracy?.decided == 10 && privileges.accuracy?.rejected == 10
                    && privileges.accuracy?.accuracyBp == 0)
            #expect(privileges.restoreAtBp == 6_000 && privileges.cleanUntil == Time.at(day: 91))
            #expect(!rights.rights.contains(.storeOrderRestriction) && rights.tier == .a)
            #expect(
                rights.explanation?.hits.contains { $0.ruleId == "integrity.guardrail.accuracy" && $0.fired } == true)
            let types = try await clients.integrity.describeComplaintTypes(
                DescribeComplaintTypesRequest(), metadata: Principal.merchant("M-1").metadata, options: callOptions)
            #expect(types.complaintPrivileges?.reduced == true && types.mayFile)

            // The eleventh complaint asks for a store limit: ignored, and it waits in senior review.
            let eleventh = try await clients.file(
                .of(.fakeReturn, order: "O-10", key: "k-10", storeLimit: true), by: "M-1")
            #expect(eleventh.state == .seniorReview)
            #expect(eleventh.seniorReviewReasons == [.reducedPrivileges])
            #expect(!eleventh.storePurchaseLimitRequested)
            let ignored = eleventh.explanation?.hits.first { $0.ruleId == "integrity.guardrail.store_limit_ignored" }
            #expect(ignored?.fired == true)
            // A reviewer still decides it from the senior-review queue; confirmed, no store limit follows.
            let decided = try await clients.decide(eleventh.complaintId)
            #expect(decided.complaint?.state == .confirmed)
            #expect(try await clients.checkOrder("B-10", at: "M-1").allowed)

            // The buyer reads its own record and sees why, line by line.
            var own = GetIntegrityRecordRequest()
            own.buyerId = "B-10"
            let record = try await clients.integrity.getIntegrityRecord(
                own, metadata: Principal.buyer("B-10").metadata, options: callOptions
            ).record!
            let line = try #require(record.lines.first)
            #expect(record.lines.count == 1, "one entry, no sanction (the store limit was ignored)")
            #expect(line.complaintId == eleventh.complaintId && line.complaintType == .fakeReturn && line.points == 5)
            #expect(line.ruleId == "integrity.ledger.points" && line.expiresAt == Time.at(day: 366))
            #expect(line.appealDueAt == Time.at(day: 31) && line.sentence.contains("You may appeal until"))
            #expect(!line.sentence.contains("bp") && !line.sentence.contains("tier"))
            // Another buyer's record is not found for B-10, like a missing one.
            own.buyerId = "B-9"
            let foreign = await refusal {
                _ = try await clients.integrity.getIntegrityRecord(
                    own, metadata: Principal.buyer("B-10").metadata, options: callOptions)
            }
            #expect(foreign?.0 == .notFound)

            // 90 days after the last rejection the privileges come back on their own,
            // and the clock announces it in the audit log.
            server.setTime(Time.at(day: 91, seconds: -1))
            let still = try await clients.merchants.getMerchantRights(
                GetMerchantRightsRequest(), metadata: Principal.merchant("M-1").metadata, options: callOptions)
            #expect(still.complaintPrivileges?.reduced == true)
            server.setTime(Time.at(day: 91))
            var query = ListAuditEventsRequest()
            query.subjectId = "M-1"
            try await eventually("the sweeper announces the restoration") {
                try await clients.audit.listAuditEvents(query, metadata: Principal.admin.metadata, options: callOptions)
                    .events
                    .contains {
                        $0.toState == "COMPLAINT_PRIVILEGES_FULL" && $0.actor?.role == .system
                            && $0.subjectKind == .merchant
                    }
            }
            let back = try await clients.merchants.getMerchantRights(
                GetMerchantRightsRequest(), metadata: Principal.merchant("M-1").metadata, options: callOptions)
            #expect(back.complaintPrivileges?.reduced == false && back.rights.contains(.storeOrderRestriction))
        }
    }

    @Test func aComplaintRightAfterTheBuyersLowReviewIsFlaggedForTheReviewer() async throws {
        try await withServer(at: Time.at(day: 8)) { server, clients in
            try await clients.report([
                Feed.merchant("M-1"),
                Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at()),
                Feed.order("O-2", buyer: "B-2", merchant: "M-1", paid: Time.at()),
                Feed.review("R-1", buyer: "B-1", merchant: "M-1", order: "O-1", stars: 1, at: Time.at(day: 1)),
                Feed.review(
                    "R-2", buyer: "B-2", merchant: "M-1", order: "O-2", stars: 1, at: Time.at(day: 0, seconds: 86_399)),
            ])
            // B-1's review is exactly 7 days old: flagged. B-2's is 7 days and a second old: not.
            let flagged = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-1"), by: "M-1")
            #expect(flagged.state == .seniorReview && flagged.seniorReviewReasons == [.possibleRetaliation])
            #expect(flagged.retaliation?.reviewId == "R-1" && flagged.retaliation?.reviewedAt == Time.at(day: 1))
            let hit = flagged.explanation?.hits.first { $0.ruleId == "integrity.guardrail.retaliation" }
            #expect(hit?.fired == true && hit?.facts.contains { $0.name == "review.reviewed_at" } == true)
            // The reviewer sees the flag on the case.
            #expect(try await clients.complaint(flagged.complaintId).retaliation?.stars == 1)
            let plain = try await clients.file(.of(.fakeReturn, order: "O-2", key: "k-2"), by: "M-1")
            #expect(plain.state == .submitted && plain.retaliation == nil && plain.seniorReviewReasons.isEmpty)
            // A review fact with stars out of range is refused, naming the field.
            var report = ReportFactsRequest()
            report.idempotencyKey = "bad-review"
            report.facts = [
                Feed.review("R-3", buyer: "B-1", merchant: "M-1", order: "O-1", stars: 6, at: Time.at(day: 2))
            ]
            let bad = try await clients.facts.reportFacts(
                report, metadata: Principal.service.metadata, options: callOptions)
            #expect(bad.acks.first?.status == .rejected)
            #expect(bad.acks.first?.error?.fieldViolations.first?.fieldPath == "facts[0].review.stars")
        }
    }
}
