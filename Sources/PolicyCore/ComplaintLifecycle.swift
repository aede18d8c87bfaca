import ProtectionMessages
import ProtoWire

/// What may happen to a complaint, and what each event does to it:
/// SUBMITTED → UNDER_REVIEW → CONFIRMED | REJECTED | NEEDS_EVIDENCE; new evidence
/// takes NEEDS_EVIDENCE back to UNDER_REVIEW; CONFIRMED → APPEALED (within the
/// appeal window) → UPHELD | OVERTURNED. The clocks (review, evidence, appeal)
/// are set from the rule set in force; ``DueTransitions`` lists them running out.
public enum ComplaintLifecycle {
    public enum Event: Sendable, Hashable {
        case startReview
        case decide(ReviewVerdict, DecisionReasonCode)
        case addEvidence
        case appeal
        case decideAppeal(AppealVerdict, DecisionReasonCode)
    }

    /// A complaint just filed at `time`: SUBMITTED, its review clock running.
    public static func filed(_ complaint: Complaint, at time: ProtoTimestamp, ruleSet: RuleSet) -> Complaint {
        var complaint = complaint
        complaint.state = .submitted
        complaint.filedAt = time
        complaint.updatedAt = time
        complaint.reviewDueAt = adding(ruleSet.clocks?.reviewClock, to: time)
        return complaint
    }

    /// The complaint after `event` at `time`, or the refusal (WRONG_STATE, or
    /// WINDOW_CLOSED for a late appeal) leaving it as it was.
    public static func apply(
        _ event: Event, to complaint: Complaint, at time: ProtoTimestamp, ruleSet: RuleSet
    ) -> Result<Complaint, Refusal> {
        var next = complaint
        next.updatedAt = time
        switch (event, complaint.state) {
        case (.startReview, .submitted), (.startReview, .seniorReview):
            next.state = .underReview
        case (.decide(let verdict, let reason), .underReview), (.decide(let verdict, let reason), .seniorReview):
            guard verdict != .unspecified, reason != .unspecified else {
                return .failure(refusal(.invalidField, "A decision needs a verdict and a reason code."))
            }
            var decision = ReviewDecision()
            decision.verdict = verdict
            decision.reasonCode = reason
            decision.decidedAt = time
            next.decisions.append(decision)
            switch verdict {
            case .confirm:
                next.state = .confirmed
                next.appealDueAt = adding(ruleSet.clocks?.appealWindow, to: time)
            case .reject:
                next.state = .rejected
            default:
                next.state = .needsEvidence
                next.evidenceDueAt = adding(ruleSet.clocks?.evidenceDeadline, to: time)
            }
        case (.addEvidence, .needsEvidence):
            guard let due = complaint.evidenceDueAt, !isAfter(time, due, plus: ProtoDuration()) else {
                return .failure(refusal(.windowClosed, "The evidence deadline has passed.", closedAt: complaint.evidenceDueAt))
            }
            next.state = .underReview
            next.evidenceDueAt = nil
        case (.appeal, .confirmed):
            guard let due = complaint.appealDueAt, !isAfter(time, due, plus: ProtoDuration()) else {
                return .failure(refusal(.windowClosed, "The appeal window has closed.", closedAt: complaint.appealDueAt))
            }
            next.state = .appealed
        case (.decideAppeal(let verdict, _), .appealed):
            guard verdict != .unspecified else {
                return .failure(refusal(.invalidField, "An appeal decision needs a verdict."))
            }
            next.state = verdict == .overturn ? .overturned : .upheld
        default:
            return .failure(refusal(.wrongState, "The complaint is \(shortName(complaint.state, prefix: "COMPLAINT_STATE_")); that is not possible now."))
        }
        return .success(next)
    }

    static func refusal(_ reason: ErrorReason, _ message: String, closedAt: ProtoTimestamp? = nil) -> Refusal {
        var detail = ErrorDetail()
        detail.reason = reason
        detail.message = message
        detail.windowClosedAt = closedAt
        return Refusal(detail: detail)
    }
}

/// A decision the policy refused, with the typed detail the caller receives.
public struct Refusal: Error, Hashable, Sendable {
    public var detail: ErrorDetail
}

/// Time as data: every transition due at `now`, listed (never applied) so the
/// server applies them, idempotently by their deterministic ids.
public enum DueTransitions {
    public static func due(
        complaints: [Complaint], ledger: [LedgerEntry], sanctions: [Sanction], ruleSets: [RuleSetSummary],
        claims: [ReturnInsuranceClaim] = [], ruleSet: RuleSet, now: ProtoTimestamp
    ) -> [DueTransition] {
        var due: [DueTransition] = []
        func add(
            _ kind: DueTransitionKind, _ subject: AuditSubjectKind, _ id: String, at time: ProtoTimestamp?, from: String,
            to: String, ruleID: String, sentence: String
        ) {
            guard let time, !isAfter(time, now, plus: ProtoDuration()) else { return }
            var transition = DueTransition()
            transition.kind = kind
            transition.subjectKind = subject
            transition.subjectId = id
            transition.dueAt = time
            transition.fromState = from
            transition.toState = to
            transition.transitionId = "\(shortName(kind, prefix: "DUE_TRANSITION_KIND_").lowercased())/\(id)/\(time.seconds)"
            var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
            why.hit(ruleID, fired: true, facts: [Fact.time("due_at", time), Fact.time("now", now)], sentence: sentence)
            transition.explanation = why.finish(summary: sentence)
            due.append(transition)
        }
        for complaint in complaints {
            switch complaint.state {
            case .needsEvidence:
                add(.evidenceDeadlinePassed, .complaint, complaint.complaintId, at: complaint.evidenceDueAt,
                    from: "COMPLAINT_STATE_NEEDS_EVIDENCE", to: "COMPLAINT_STATE_REJECTED", ruleID: "clock.evidence_deadline",
                    sentence: "No new evidence by the deadline: the complaint is rejected.")
            case .submitted, .underReview:
                add(.reviewClockExpired, .complaint, complaint.complaintId, at: complaint.reviewDueAt,
                    from: complaint.state.protoName ?? "", to: "COMPLAINT_STATE_SENIOR_REVIEW", ruleID: "clock.review",
                    sentence: "The review clock ran out: the complaint goes to the senior-review queue, not decided silently.")
            case .confirmed:
                add(.appealWindowClosed, .complaint, complaint.complaintId, at: complaint.appealDueAt,
                    from: "COMPLAINT_STATE_CONFIRMED", to: "COMPLAINT_STATE_CONFIRMED", ruleID: "clock.appeal_window",
                    sentence: "The appeal window closed: the confirmed case can no longer be appealed.")
            default:
                break
            }
        }
        for entry in ledger where entry.state == .active {
            add(.ledgerEntryExpired, .ledgerEntry, entry.entryId, at: entry.expiresAt,
                from: "LEDGER_ENTRY_STATE_ACTIVE", to: "LEDGER_ENTRY_STATE_EXPIRED", ruleID: "clock.point_expiry",
                sentence: "The ledger entry's points expired; the sanctions are recomputed.")
        }
        for sanction in sanctions where sanction.state == .active && !sanction.openEnded {
            add(.sanctionExpired, .sanction, sanction.sanctionId, at: sanction.endsAt,
                from: "SANCTION_STATE_ACTIVE", to: "SANCTION_STATE_EXPIRED", ruleID: "clock.sanction_end",
                sentence: "The sanction's time is up.")
        }
        for claim in claims where claim.state == .pending {
            add(.insurancePayoutDue, .insuranceClaim, claim.claimId, at: claim.payoutDueAt,
                from: "INSURANCE_CLAIM_STATE_PENDING", to: "INSURANCE_CLAIM_STATE_PAID", ruleID: "clock.insurance_payout",
                sentence: "The claim's payout is due, \(durationText(ruleSet.insurance?.payoutDelay ?? ProtoDuration())) after the refund.")
        }
        for summary in ruleSets where summary.status == .scheduled {
            add(.ruleSetEffective, .ruleSet, "v\(summary.version)", at: summary.effectiveAt,
                from: "RULE_SET_STATUS_SCHEDULED", to: "RULE_SET_STATUS_IN_FORCE", ruleID: "clock.rule_set_effective",
                sentence: "Rule set \(summary.version) takes effect.")
        }
        return due.sorted { ($0.dueAt!.seconds, $0.transitionId) < ($1.dueAt!.seconds, $1.transitionId) }
    }
}
