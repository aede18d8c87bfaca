import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// A merchant acts only on its own store's cases and a buyer only on its own: another
/// party's record answers NOT_FOUND word for word like a missing one, changes
/// nothing, and the audit log names the attempt.
@Suite struct OwnershipTests {
    /// M-2 files a complaint about B-2's order; returns the complaint.
    static func setUp(_ harness: AccessHarness) async throws -> Complaint {
        let paid = ProtoTimestamp(seconds: AccessHarness.now.seconds - 86_400, nanos: 0)
        var facts = ReportFactsRequest()
        facts.idempotencyKey = "facts"
        for id in ["M-1", "M-2"] {
            var merchant = MerchantFact()
            merchant.merchantId = id
            merchant.platform = .taobao
            merchant.industry = .apparel
            merchant.productQualityScoreMilli = 5_000
            merchant.logisticsScoreMilli = 5_000
            merchant.serviceResponseScoreMilli = 5_000
            merchant.indicatorsMeasuredAt = paid
            facts.facts.append(Self.fact(.merchant(merchant)))
        }
        for (order, buyer, merchant) in [("O-1", "B-1", "M-1"), ("O-2", "B-2", "M-2")] {
            var fact = OrderFact()
            fact.orderId = order
            fact.buyerId = buyer
            fact.merchantId = merchant
            fact.paidAt = paid
            fact.shippedAt = paid
            fact.receivedAt = paid
            fact.status = .received
            var money = Money()
            money.amountMinor = 10_000
            money.currency = "CNY"
            fact.paidAmount = money
            facts.facts.append(Self.fact(.order(fact)))
        }
        _ = try await FactsService.Client(harness.client).reportFacts(
            facts, metadata: try harness.metadata("internal_service", "order-service"), options: AccessHarness.options)
        var file = FileComplaintRequest()
        file.idempotencyKey = "file-O-2"
        file.orderId = "O-2"
        file.details = .fakeReturn(FakeReturnDetails())
        var weights = EvidenceItem()
        weights.payload = .weightRecord(WeightRecordEvidence())
        var logistics = EvidenceItem()
        logistics.payload = .logisticsRecord(LogisticsRecordEvidence())
        file.evidence = [weights, logistics]
        file.statement = "The returned parcel was empty."
        let filed = try await IntegrityService.Client(harness.client).fileComplaint(
            file, metadata: try harness.metadata("merchant", "M-2"), options: AccessHarness.options)
        return try #require(filed.complaint)
    }

    static func fact(_ payload: Fact.Payload) -> Fact {
        var fact = Fact()
        fact.sourceService = "order-service"
        fact.sourceRevision = 1
        fact.observedAt = AccessHarness.now
        fact.payload = payload
        return fact
    }

    /// The refusal of `body`, which must fail.
    static func refusal(_ body: () async throws -> Void) async -> RPCError? {
        do {
            try await body()
            return nil
        } catch {
            return RPCError(converting: error)
        }
    }

    @Test func anotherPartysRecordIsNotFoundLikeAMissingOneAndAudited() async throws {
        try await AccessHarness.with { harness in
            let complaint = try await Self.setUp(harness)
            let integrity = IntegrityService.Client(harness.client)
            let m1 = try harness.metadata("merchant", "M-1")
            let b1 = try harness.metadata("buyer", "B-1")
            let options = AccessHarness.options
            let before = try await harness.core.store.latestSequence()

            var get = GetComplaintRequest()
            get.complaintId = complaint.complaintId
            var missing = GetComplaintRequest()
            missing.complaintId = "C-0000000000000000"
            var evidence = AddComplaintEvidenceRequest()
            evidence.idempotencyKey = "evidence"
            evidence.complaintId = complaint.complaintId
            var photo = EvidenceItem()
            photo.payload = .photo(PhotoEvidence())
            evidence.evidence = [photo]
            var list = ListComplaintsRequest()
            list.merchantId = "M-2"
            var record = GetIntegrityRecordRequest()
            record.buyerId = "B-2"
            var appeal = FileAppealRequest()
            appeal.idempotencyKey = "appeal"
            appeal.complaintId = complaint.complaintId
            appeal.statement = "Not me."

            let attempts: [(String, String, () async throws -> Void)] = [
                ("M-1", "GetComplaint", { _ = try await integrity.getComplaint(get, metadata: m1, options: options) }),
                ("M-1", "AddComplaintEvidence", { _ = try await integrity.addComplaintEvidence(evidence, metadata: m1, options: options) }),
                ("M-1", "ListComplaints", { _ = try await integrity.listComplaints(list, metadata: m1, options: options) }),
                ("B-1", "GetComplaint", { _ = try await integrity.getComplaint(get, metadata: b1, options: options) }),
                ("B-1", "GetIntegrityRecord", { _ = try await integrity.getIntegrityRecord(record, metadata: b1, options: options) }),
                ("B-1", "FileAppeal", { _ = try await integrity.fileAppeal(appeal, metadata: b1, options: options) }),
            ]
            for (who, method, attempt) in attempts {
                let refusal = await Self.refusal(attempt)
                #expect(refusal?.code == .notFound, "\(who) \(method): \(String(describing: refusal))")
            }
            // Word for word what a missing complaint answers.
            let hidden = await Self.refusal { _ = try await integrity.getComplaint(get, metadata: m1, options: options) }
            let absent = await Self.refusal { _ = try await integrity.getComplaint(missing, metadata: m1, options: options) }
            #expect(hidden?.message.replacingOccurrences(of: complaint.complaintId, with: "X")
                == absent?.message.replacingOccurrences(of: missing.complaintId, with: "X"))
            let hiddenDetail = try ErrorDetail(serializedBytes: try #require(hidden?.details))
            let absentDetail = try ErrorDetail(serializedBytes: try #require(absent?.details))
            #expect(hiddenDetail.reason == .notFound && absentDetail.reason == .notFound)

            // Nothing changed; each attempt on another party's record is audited.
            #expect(try await harness.changes(after: before).isEmpty)
            let audited = try await harness.refusals(after: before).filter { $0.reason.hasPrefix("not_visible:") }
            #expect(audited.count == attempts.count + 1, "\(audited.map(\.reason))")
            for (who, method, _) in attempts {
                #expect(audited.contains { $0.actor?.principalId == who && $0.method == "protection.v1.IntegrityService/\(method)" },
                    "no audit of \(who) \(method)")
            }
            #expect(!audited.contains { $0.subjectId.isEmpty || $0.merchantId == "M-2" }, "the owner's own audit view stays clean")

            // Owners still see their own; a list without a filter shows only the caller's.
            let own = try await integrity.getComplaint(get, metadata: try harness.metadata("merchant", "M-2"), options: options)
            #expect(own.complaint?.complaintId == complaint.complaintId)
            let mine = try await integrity.listComplaints(ListComplaintsRequest(), metadata: m1, options: options)
            #expect(mine.complaints.isEmpty)
            let theirs = try await integrity.getComplaint(get, metadata: try harness.metadata("buyer", "B-2"), options: options)
            #expect(theirs.complaint?.buyerId == "B-2")
        }
    }
}
