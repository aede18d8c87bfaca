import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Filing: one complaint (FileComplaint), many (ImportComplaints), more evidence,
/// and what a merchant may file.
extension IntegrityHandler {
    public func fileComplaint(_ request: FileComplaintRequest, context: ServerContext) async throws -> FileComplaintResponse {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            try await decideFiling(request, filedAt: mutation.now, source: .filed, externalRef: "", mutation: mutation)
        }
    }

    /// A complaint filed (or imported with its original filing time): checked, judged by
    /// the rule set in force when it was filed, refused whole or stored SUBMITTED.
    func decideFiling(
        _ request: FileComplaintRequest, filedAt: ProtoTimestamp, source: ComplaintSource, externalRef: String,
        mutation: Mutation
    ) async throws -> Decided<FileComplaintResponse> {
        var check = FieldCheck()
        check.require(!request.orderId.isEmpty, "order_id", "is required")
        check.require(request.details != nil, "details", "must be set: it decides the complaint type")
        check.length(request.statement, max: Self.maxStatement, "statement")
        check.require(filedAt <= mutation.now, "filed_at", "is in the future")
        try check.check()
        let order = try await core.visibleOrder(request.orderId, to: mutation.caller)
        for (item, quantity) in request.affectedQuantityByItemId.sorted(by: { $0.key < $1.key }) {
            let ordered = order.items.filter { $0.itemId == item }.reduce(0) { $0 + $1.quantity }
            check.require(ordered > 0, "affected_quantity_by_item_id[\(item)]", "is not an item of the order")
            check.require(quantity >= 1 && Int64(quantity) <= max(ordered, 1), "affected_quantity_by_item_id[\(item)]",
                          "must be between 1 and the \(ordered) ordered")
        }
        let complaintID = mutation.newID("C")
        var complaint = Complaint()
        complaint.evidence = Self.received(
            request.evidence, field: "evidence", numberedFrom: 1, owner: complaintID, mutation: mutation, check: &check)
        try check.check()

        let ruleSet = core.catalog.inForce(at: filedAt)
        let score = try await core.experienceScore(merchantID: order.merchantId, at: filedAt, ruleSet: ruleSet).scoreMilli
        let history = try await core.guardrailHistory(
            buyerID: order.buyerId, merchantID: order.merchantId, at: filedAt, ruleSet: ruleSet)
        let decision = ComplaintFiling.decide(
            request, merchantScoreMilli: score, history: history, ruleSet: ruleSet, now: filedAt)
        if let refusal = decision.refusal { throw ServiceError.refusal(refusal) }

        let orderKey = "order/\(order.orderId)"
        let readGuard = try await core.currentGuard(orderKey)
        if let open = try await core.storeCall({ try await core.store.openComplaint(orderID: order.orderId, type: decision.type) }) {
            throw ServiceError.refusal(
                .alreadyExists, "Complaint \(open.complaintId) about this order and type is still open.") { $0.existingId = open.complaintId }
        }
        complaint.complaintId = complaintID
        complaint.orderId = order.orderId
        complaint.buyerId = order.buyerId
        complaint.merchantId = order.merchantId
        complaint.type = decision.type
        complaint.source = source
        complaint.externalRef = externalRef
        complaint.details = request.details.map(Complaint.Details.init)
        complaint.affectedQuantityByItemId = request.affectedQuantityByItemId
        complaint.statement = request.statement
        complaint.storePurchaseLimitRequested = decision.storePurchaseLimitRequested
        complaint.merchantTierAtFiling = decision.tier
        complaint.merchantScoreMilliAtFiling = score
        complaint.manualReviewRequired = decision.manualReview
        complaint.filedBy = mutation.caller.actor
        complaint.ruleSetVersion = ruleSet.version
        complaint.explanation = decision.explanation
        complaint.seniorReviewReasons = decision.seniorReviewReasons
        complaint.retaliation = decision.retaliation
        complaint = ComplaintLifecycle.filed(complaint, at: filedAt, ruleSet: ruleSet)
        let (complaintGuard, entry, stored) = Self.change(
            from: nil, to: complaint, .created, reason: decision.explanation.summary, mutation: mutation,
            ruleSetVersion: ruleSet.version)
        var response = FileComplaintResponse()
        response.complaint = stored
        return Decided(guards: [complaintGuard, readGuard], log: [entry], response: response)
    }

    public func addComplaintEvidence(_ request: AddComplaintEvidenceRequest, context: ServerContext) async throws
        -> AddComplaintEvidenceResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let complaint = try await visibleComplaint(request.complaintId, caller: mutation.caller)
            try checkRevision(request.expectedRevision, of: complaint)
            var check = FieldCheck()
            check.require(!request.evidence.isEmpty, "evidence", "needs at least one item")
            check.length(request.note, max: Self.maxStatement, "note")
            let added = Self.received(
                request.evidence, field: "evidence", numberedFrom: complaint.evidence.count + 1, owner: complaint.complaintId,
                mutation: mutation, check: &check)
            try check.check()
            let ruleSet = ruleSet(of: complaint)
            var next = try ComplaintLifecycle.apply(.addEvidence, to: complaint, at: mutation.now, ruleSet: ruleSet)
                .mapError { ServiceError.refusal($0.detail) }.get()
            next.evidence += added
            let returned = complaint.state == .needsEvidence
            let reason = "\(added.count) evidence items added" + (returned ? "; the case returns to review." : ".")
                + (request.note.isEmpty ? "" : " Note: \(request.note)")
            let (complaintGuard, entry, stored) = Self.change(
                from: complaint, to: next, returned ? .stateChanged : .evidenceAdded, reason: reason, mutation: mutation,
                ruleSetVersion: ruleSet.version)
            var response = AddComplaintEvidenceResponse()
            response.complaint = stored
            return Decided(guards: [complaintGuard], log: [entry], response: response)
        }
    }

    public func importComplaints(_ requests: RPCAsyncSequence<ImportComplaintsRequest>, context: ServerContext) async throws
        -> ImportComplaintsResponse
    {
        let caller = try Caller(context)
        var response = ImportComplaintsResponse()
        var batch: [(Int, ImportComplaintsRequest)] = []
        var index = 0
        for try await item in requests {
            batch.append((index, item))
            index += 1
            if batch.count == 64 {
                response.results += await importBatch(batch, caller: caller, context: context)
                batch.removeAll()
            }
        }
        response.results += await importBatch(batch, caller: caller, context: context)
        response.importedCount = Int64(response.results.count { $0.status == .imported })
        response.duplicateCount = Int64(response.results.count { $0.status == .duplicate })
        response.failedCount = Int64(response.results.count { $0.status == .failed })
        return response
    }

    /// Items decided one by one and committed together (group commit), each under its
    /// own key: a result per item, in stream order. An item re-sent in the same batch
    /// waits for its first sending, so stream order decides which is the duplicate.
    private func importBatch(_ batch: [(Int, ImportComplaintsRequest)], caller: Caller, context: ServerContext) async
        -> [ImportItemResult]
    {
        var waves: [[(Int, ImportComplaintsRequest)]] = []
        var seen: [String: Int] = [:]
        for item in batch {
            let wave = seen[item.1.idempotencyKey, default: 0]
            seen[item.1.idempotencyKey] = wave + 1
            if waves.count <= wave { waves.append([]) }
            waves[wave].append(item)
        }
        var results: [ImportItemResult] = []
        for wave in waves {
            results += await withTaskGroup(of: ImportItemResult.self) { group in
                for (index, item) in wave {
                    group.addTask { await importOne(item, index: index, context: context) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        return results.sorted { $0.index < $1.index }
    }

    private func importOne(_ item: ImportComplaintsRequest, index: Int, context: ServerContext) async -> ImportItemResult {
        var result = ImportItemResult()
        result.index = Int64(index)
        result.idempotencyKey = item.idempotencyKey
        result.externalRef = item.externalRef
        var filing = FileComplaintRequest()
        filing.idempotencyKey = item.idempotencyKey
        filing.orderId = item.orderId
        filing.details = item.details.map(FileComplaintRequest.Details.init)
        filing.affectedQuantityByItemId = item.affectedQuantityByItemId
        filing.evidence = item.evidence
        filing.statement = item.statement
        let request = filing
        do {
            let (filed, replayed) = try await core.mutateReporting(item, key: item.idempotencyKey, context: context) { mutation in
                try await decideFiling(
                    request, filedAt: item.filedAt ?? mutation.now, source: .imported, externalRef: item.externalRef,
                    mutation: mutation)
            }
            result.status = replayed ? .duplicate : .imported
            result.complaintId = filed.complaint?.complaintId ?? ""
        } catch {
            result.status = .failed
            result.error = ServiceError.detail(of: error)
        }
        return result
    }

    public func describeComplaintTypes(_ request: DescribeComplaintTypesRequest, context: ServerContext) async throws
        -> DescribeComplaintTypesResponse
    {
        let caller = try Caller(context)
        let merchantID = try caller.merchant(request.merchantId)
        let now = core.clock.now()
        let ruleSet = core.catalog.inForce(at: now)
        let score = try await core.experienceScore(merchantID: merchantID, at: now, ruleSet: ruleSet).scoreMilli
        let complaints = try await core.decidedComplaints(merchantID: merchantID)
        return MerchantRights.complaintTypes(
            merchantID: merchantID, scoreMilli: score, complaints: complaints, ruleSet: ruleSet, now: now)
    }
}

extension Complaint.Details {
    init(_ details: FileComplaintRequest.Details) {
        switch details {
        case .abnormalRefundOnly(let value): self = .abnormalRefundOnly(value)
        case .returnSwap(let value): self = .returnSwap(value)
        case .fakeReturn(let value): self = .fakeReturn(value)
        case .fakeImageEvidence(let value): self = .fakeImageEvidence(value)
        case .fakeVoucher(let value): self = .fakeVoucher(value)
        }
    }
}

extension FileComplaintRequest.Details {
    init(_ details: ImportComplaintsRequest.Details) {
        switch details {
        case .abnormalRefundOnly(let value): self = .abnormalRefundOnly(value)
        case .returnSwap(let value): self = .returnSwap(value)
        case .fakeReturn(let value): self = .fakeReturn(value)
        case .fakeImageEvidence(let value): self = .fakeImageEvidence(value)
        case .fakeVoucher(let value): self = .fakeVoucher(value)
        }
    }
}
