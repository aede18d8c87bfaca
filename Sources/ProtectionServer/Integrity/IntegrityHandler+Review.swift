import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Review and appeal: a reviewer takes and decides a case; the buyer appeals a
/// confirmed one; a reviewer upholds or overturns it. A confirmation applies the
/// consequences, the ledger entry, the sanctions and the insurance refusals; an
/// overturn reverses every one.
extension IntegrityHandler {
    public func startComplaintReview(_ request: StartComplaintReviewRequest, context: ServerContext) async throws
        -> StartComplaintReviewResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let complaint = try await visibleComplaint(request.complaintId, caller: mutation.caller)
            try checkRevision(request.expectedRevision, of: complaint)
            let ruleSet = ruleSet(of: complaint)
            var next = try ComplaintLifecycle.apply(.startReview, to: complaint, at: mutation.now, ruleSet: ruleSet)
                .mapError { ServiceError.refusal($0.detail) }.get()
            next.assignedReviewer = mutation.caller.actor
            let (complaintGuard, entry, stored) = Self.change(
                from: complaint, to: next, .assigned, reason: "Reviewer \(mutation.caller.id) took the case.",
                mutation: mutation, ruleSetVersion: ruleSet.version)
            var response = StartComplaintReviewResponse()
            response.complaint = stored
            return Decided(guards: [complaintGuard], log: [entry], response: response)
        }
    }

    public func decideComplaint(_ request: DecideComplaintRequest, context: ServerContext) async throws -> DecideComplaintResponse {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            var check = FieldCheck()
            check.length(request.note, max: Self.maxStatement, "note")
            if request.verdict == .requestEvidence {
                check.require(!request.requestedEvidence.isEmpty, "requested_evidence", "needs at least one kind with REQUEST_EVIDENCE")
                for (index, kind) in request.requestedEvidence.enumerated() { check.known(kind, "requested_evidence[\(index)]") }
            }
            try check.check()
            let complaint = try await visibleComplaint(request.complaintId, caller: mutation.caller)
            try checkRevision(request.expectedRevision, of: complaint)
            let ruleSet = ruleSet(of: complaint)
            var next = try ComplaintLifecycle.apply(
                .decide(request.verdict, request.reasonCode), to: complaint, at: mutation.now, ruleSet: ruleSet
            ).mapError { ServiceError.refusal($0.detail) }.get()
            var why = ExplanationBuilder(ruleSet: ruleSet, now: mutation.now)
            let verdict = shortName(request.verdict)
            why.hit(
                "integrity.review.verdict", fired: true,
                facts: [UsedFact.string("review.verdict", verdict), UsedFact.string("review.reason_code", shortName(request.reasonCode))],
                sentence: "Reviewer \(mutation.caller.id) decided \(verdict) (\(shortName(request.reasonCode))).")
            var guards: [Guard] = []
            var log: [LogEntry] = []
            var changedSanctions: [Sanction] = []
            if request.verdict == .requestEvidence { next.requestedEvidence = request.requestedEvidence }
            if request.verdict == .confirm, let confirmed = ConfirmedCase(complaint: next, ruleSet: ruleSet) {
                next.consequences = CaseConsequences.consequences(of: confirmed, ruleSet: ruleSet, now: mutation.now)
                next.ledgerEntryId = Ledger.entryID(complaintID: next.complaintId)
                let update = try await core.ledgerUpdate(buyerID: next.buyerId, changed: [next], mutation: mutation)
                next.sanctionIds = update.sanctions.filter { $0.causeComplaintIds.contains(next.complaintId) }.map(\.sanctionId)
                let (claimGuards, claimLog) = try await core.claimUpdates(orderID: next.orderId, cases: update.cases, mutation: mutation)
                guards += update.guards + claimGuards
                log += update.log + claimLog
                changedSanctions = update.changed
                for consequence in next.consequences {
                    why.hit(
                        consequence.explanation?.hits.first?.ruleId ?? "", fired: consequence.state == .applied,
                        sentence: consequence.explanation?.summary ?? "")
                }
                why.hit(
                    "integrity.ledger.points", fired: true, facts: [UsedFact.int("ledger.points", confirmed.points, unit: .points)],
                    sentence: "\(confirmed.points) points on the buyer's record until \(timeText(confirmed.expiresAt)).")
            }
            next.explanation = why.finish(summary: "\(verdict): \(request.note.isEmpty ? shortName(request.reasonCode) : request.note)")
            if var decision = next.decisions.popLast() {
                decision.decidedBy = mutation.caller.actor
                decision.note = request.note
                decision.requestedEvidence = request.requestedEvidence
                decision.explanation = next.explanation
                next.decisions.append(decision)
            }
            let (complaintGuard, entry, stored) = Self.change(
                from: complaint, to: next, .stateChanged, reason: next.explanation?.summary ?? "", mutation: mutation,
                ruleSetVersion: ruleSet.version)
            var response = DecideComplaintResponse()
            response.complaint = stored
            response.sanctionsChanged = changedSanctions
            return Decided(guards: [complaintGuard] + guards, log: [entry] + log, response: response)
        }
    }

    public func fileAppeal(_ request: FileAppealRequest, context: ServerContext) async throws -> FileAppealResponse {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let complaint = try await visibleComplaint(request.complaintId, caller: mutation.caller)
            var check = FieldCheck()
            check.length(request.statement, max: Self.maxStatement, "statement")
            var appeal = Appeal()
            appeal.appealId = "A-\(complaint.complaintId.dropFirst(2))"
            appeal.filedBy = mutation.caller.actor
            appeal.statement = request.statement
            appeal.evidence = Self.received(
                request.evidence, field: "evidence", numberedFrom: 1, owner: appeal.appealId, mutation: mutation, check: &check)
            try check.check()
            let ruleSet = ruleSet(of: complaint)
            let next = try ComplaintLifecycle.apply(.appeal(appeal), to: complaint, at: mutation.now, ruleSet: ruleSet)
                .mapError { ServiceError.refusal($0.detail) }.get()
            let (complaintGuard, entry, stored) = Self.change(
                from: complaint, to: next, .stateChanged,
                reason: "The buyer appealed before \(complaint.appealDueAt.map(timeText) ?? "the deadline").",
                mutation: mutation, ruleSetVersion: ruleSet.version)
            var response = FileAppealResponse()
            response.complaint = stored
            return Decided(guards: [complaintGuard], log: [entry], response: response)
        }
    }

    public func decideAppeal(_ request: DecideAppealRequest, context: ServerContext) async throws -> DecideAppealResponse {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            var check = FieldCheck()
            check.length(request.note, max: Self.maxStatement, "note")
            try check.check()
            let complaint = try await visibleComplaint(request.complaintId, caller: mutation.caller)
            try checkRevision(request.expectedRevision, of: complaint)
            let ruleSet = ruleSet(of: complaint)
            var next = try ComplaintLifecycle.apply(
                .decideAppeal(request.verdict, request.reasonCode), to: complaint, at: mutation.now, ruleSet: ruleSet
            ).mapError { ServiceError.refusal($0.detail) }.get()
            var why = ExplanationBuilder(ruleSet: ruleSet, now: mutation.now)
            let overturned = request.verdict == .overturn
            why.hit(
                "integrity.appeal.verdict", fired: overturned,
                facts: [UsedFact.string("appeal.verdict", shortName(request.verdict)), UsedFact.string("appeal.reason_code", shortName(request.reasonCode))],
                sentence: overturned
                    ? "The appeal succeeded: everything the case caused is reversed."
                    : "The appeal failed: the confirmed case stands.")
            var guards: [Guard] = []
            var log: [LogEntry] = []
            var changedSanctions: [Sanction] = []
            if overturned, let reversed = ConfirmedCase(complaint: next, ruleSet: ruleSet) {
                next.consequences = CaseConsequences.consequences(of: reversed, ruleSet: ruleSet, now: mutation.now)
                let update = try await core.ledgerUpdate(buyerID: next.buyerId, changed: [next], mutation: mutation)
                let (claimGuards, claimLog) = try await core.claimUpdates(orderID: next.orderId, cases: update.cases, mutation: mutation)
                guards += update.guards + claimGuards
                log += update.log + claimLog
                changedSanctions = update.changed
                for consequence in next.consequences where consequence.state == .reversed {
                    log.append(LogEntry(event: mutation.event(
                        .complaint, next.complaintId, .consequenceReversed, from: "CONSEQUENCE_STATE_APPLIED",
                        to: "CONSEQUENCE_STATE_REVERSED", reason: consequence.explanation?.summary ?? "",
                        merchant: next.merchantId, buyer: next.buyerId)))
                }
            }
            next.appeal?.note = request.note
            next.appeal?.decidedBy = mutation.caller.actor
            next.appeal?.explanation = why.finish(summary: why.firstSentence)
            next.explanation = next.appeal?.explanation
            let (complaintGuard, entry, stored) = Self.change(
                from: complaint, to: next, .stateChanged, reason: why.firstSentence, mutation: mutation,
                ruleSetVersion: ruleSet.version)
            var response = DecideAppealResponse()
            response.complaint = stored
            response.sanctionsChanged = changedSanctions
            return Decided(guards: [complaintGuard] + guards, log: [entry] + log, response: response)
        }
    }
}

/// An enum value's name without its type's prefix: REVIEW_VERDICT_CONFIRM → CONFIRM.
func shortName<E: ProtoEnum>(_ value: E) -> String {
    guard let name = value.protoName else { return "\(value.rawValue)" }
    let prefix = String(describing: E.self).reduce(into: "") { text, character in
        if character.isUppercase, !text.isEmpty { text += "_" }
        text += character.uppercased()
    } + "_"
    return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
}
