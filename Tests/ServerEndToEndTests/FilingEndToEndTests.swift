import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// Filing over TCP against a real server process: the pilot gate at 4.8, missing
/// evidence refused with nothing stored, idempotent retries, duplicates, and the
/// review clocks moving on their own.
@Suite struct FilingEndToEndTests {
    @Test func thePilotLetsA48MerchantFileAndRefusesA47One() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            // 4.8 = 3,300 from the sub-scores (5000·30% + 4500·20% + 4500·20%) + 1,500 from two full rates.
            try await clients.report([
                Feed.merchant("M-48", quality: 5_000, logistics: 4_500, service: 4_500),
                Feed.merchant("M-47", quality: 5_000, logistics: 4_500, service: 4_000),
                Feed.order("O-48", buyer: "B-1", merchant: "M-48", paid: Time.at()),
                Feed.order("O-47", buyer: "B-1", merchant: "M-47", paid: Time.at()),
            ])
            var rights = GetMerchantRightsRequest()
            let at48 = try await clients.merchants.getMerchantRights(rights, metadata: Principal.merchant("M-48").metadata, options: callOptions)
            #expect(at48.experienceScoreMilli == 4_800 && at48.mayFileComplaints && at48.tier == .a && at48.stage == .pilot)
            rights.merchantId = "M-47"
            let at47 = try await clients.merchants.getMerchantRights(rights, metadata: Principal.reviewer.metadata, options: callOptions)
            #expect(at47.experienceScoreMilli == 4_700 && !at47.mayFileComplaints)

            let filed = try await clients.file(.of(.fakeReturn, order: "O-48", key: "k-48"), by: "M-48")
            #expect(filed.state == .submitted && filed.merchantScoreMilliAtFiling == 4_800 && filed.merchantTierAtFiling == .a)
            let before = try dump(server)
            let refused = await refusal { _ = try await clients.file(.of(.fakeReturn, order: "O-47", key: "k-47"), by: "M-47") }
            #expect(refused?.0 == .failedPrecondition && refused?.1.reason == .notEligible)
            #expect(refused?.1.explanation?.hits.first?.ruleId == "integrity.rollout.pilot")
            #expect(try dump(server) == before, "a refused call changes nothing")
        }
    }

    @Test func missingEvidenceIsRefusedWithTheUnmetRequirementsAndNothingIsStored() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            try await clients.report([Feed.merchant("M-1"), Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())])
            let before = try dump(server)
            let refused = await refusal {
                _ = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-1", evidence: [Evidence.logistics()]), by: "M-1")
            }
            #expect(refused?.0 == .failedPrecondition && refused?.1.reason == .missingEvidence)
            #expect(refused?.1.unmetEvidence.map(\.requirementId) == ["evidence.fake_return.weight_or_video"])
            #expect(try dump(server) == before)
            // The same key may be used again once the evidence is there: nothing was kept under it.
            let filed = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-1"), by: "M-1")
            #expect(filed.evidence.count == 2 && filed.evidence.allSatisfy { !$0.evidenceId.isEmpty && $0.submittedAt == Time.at(day: 1) })
        }
    }

    @Test func aRetryAnswersTheFirstResultAndASecondComplaintIsAlreadyExists() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            try await clients.report([Feed.merchant("M-1"), Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())])
            let first = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-1"), by: "M-1")
            let after = try dump(server)
            let retry = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-1"), by: "M-1")
            #expect(retry == first, "the first answer, byte for byte")
            #expect(try dump(server) == after, "nothing written by the retry")
            let duplicate = await refusal { _ = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-2"), by: "M-1") }
            #expect(duplicate?.0 == .alreadyExists && duplicate?.1.existingId == first.complaintId)
            let reused = await refusal { _ = try await clients.file(.of(.returnSwap, order: "O-1", key: "k-1"), by: "M-1") }
            #expect(reused?.0 == .failedPrecondition && reused?.1.reason == .idempotencyKeyReused && reused?.1.idempotencyKey == "k-1")
            // A decision on a revision the reviewer did not see is aborted, naming the current one.
            var take = StartComplaintReviewRequest()
            take.idempotencyKey = "take"
            take.complaintId = first.complaintId
            take.expectedRevision = 7
            let stale = await refusal {
                _ = try await clients.integrity.startComplaintReview(take, metadata: Principal.reviewer.metadata, options: callOptions)
            }
            #expect(stale?.0 == .aborted && stale?.1.reason == .staleRevision && stale?.1.currentRevision == 1)
            #expect(try dump(server) == after)
            // Another merchant's order is not found, exactly like a missing one.
            try await clients.report([Feed.merchant("M-2")])
            let withM2 = try dump(server)
            let foreign = await refusal { _ = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-9"), by: "M-2") }
            let missing = await refusal { _ = try await clients.file(.of(.fakeReturn, order: "O-404", key: "k-9"), by: "M-2") }
            #expect(foreign?.0 == .notFound && missing?.0 == .notFound)
            #expect(try dump(server) == withM2)
        }
    }

    @Test func needsEvidenceTurnsRejectedAt72HoursAndNotOneSecondBefore() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            try await clients.report([Feed.merchant("M-1"), Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())])
            let filed = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-1"), by: "M-1")
            let asked = try await clients.decide(filed.complaintId, .requestEvidence, reason: .evidenceIncomplete, requested: [.videoUnboxing])
            #expect(asked.complaint?.state == .needsEvidence)
            #expect(asked.complaint?.evidenceDueAt == Time.at(day: 4))
            server.setTime(Time.at(day: 4, seconds: -1))
            try await Task.sleep(for: .milliseconds(600))  // several sweeps
            #expect(try await clients.complaint(filed.complaintId).state == .needsEvidence, "not one second before")
            server.setTime(Time.at(day: 4))
            try await eventually("the sweeper rejects the complaint at 72 h") {
                try await clients.complaint(filed.complaintId).state == .rejected
            }
            let rejected = try await clients.complaint(filed.complaintId)
            #expect(rejected.decisions.last?.reasonCode == .evidenceDeadlinePassed && rejected.decisions.last?.decidedBy?.role == .system)
            // Evidence after the deadline is refused with the time the window closed.
            var late = AddComplaintEvidenceRequest()
            late.idempotencyKey = "late"
            late.complaintId = filed.complaintId
            late.evidence = [Evidence.video(.unboxing)]
            let refused = await refusal {
                _ = try await clients.integrity.addComplaintEvidence(late, metadata: Principal.merchant("M-1").metadata, options: callOptions)
            }
            #expect(refused?.0 == .failedPrecondition && refused?.1.reason == .wrongState)
            // The transition is in the audit log, by the clock.
            var query = ListAuditEventsRequest()
            query.subjectId = filed.complaintId
            let events = try await clients.audit.listAuditEvents(query, metadata: Principal.admin.metadata, options: callOptions).events
            #expect(events.last?.toState == "COMPLAINT_STATE_REJECTED" && events.last?.actor?.role == .system && events.last?.method == "clock")
        }
    }

    @Test func theReviewClockSendsAnUndecidedCaseToSeniorReviewNeverDecidingIt() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            try await clients.report([Feed.merchant("M-1"), Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())])
            let filed = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k-1"), by: "M-1")
            #expect(filed.reviewDueAt == Time.at(day: 3))
            var due = ListDueTransitionsRequest()
            due.asOf = Time.at(day: 3)
            let listed = try await clients.clock.listDueTransitions(due, metadata: Principal.admin.metadata, options: callOptions)
            #expect(listed.transitions.map(\.kind) == [.reviewClockExpired])
            server.setTime(Time.at(day: 3))
            try await eventually("the case goes to senior review") {
                try await clients.complaint(filed.complaintId).state == .seniorReview
            }
            var queue = ListComplaintsRequest()
            queue.states = [.seniorReview]
            let waiting = try await clients.integrity.listComplaints(queue, metadata: Principal.reviewer.metadata, options: callOptions)
            #expect(waiting.complaints.map(\.complaintId) == [filed.complaintId])
            // A senior reviewer takes and decides it.
            let decided = try await clients.decide(filed.complaintId)
            #expect(decided.complaint?.state == .confirmed)
            #expect(try await clients.runDue().applied.isEmpty, "applied exactly once")
        }
    }
}
