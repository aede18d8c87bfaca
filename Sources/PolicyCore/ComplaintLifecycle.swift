import ProtectionMessages
import ProtoWire

/// What may happen to a complaint, and what each event does to it:
/// SUBMITTED → UNDER_REVIEW → CONFIRMED | REJECTED | NEEDS_EVIDENCE; new evidence
/// takes NEEDS_EVIDENCE back to UNDER_REVIEW; CONFIRMED → APPEALED (within the
/// appeal window) → UPHELD | OVERTURNED. The clocks (review, evidence, appeal)
/// are set from the rule set in force; ``DueTransitions`` lists them running out
/// and the `.clock` event applies one. A window's end is exclusive: at the
/// deadline it is closed. Unknown verdicts and reason codes are refused.
public enum ComplaintLifecycle {
    public enum Event: Sendable, Hashable {
        case startReview
        case decide(ReviewVerdict, DecisionReasonCode)
        case addEvidence
        /// The buyer's appeal, as filed.
        case appeal(Appeal)
        case decideAppeal(AppealVerdict, DecisionReasonCode)
        /// A clock ran out: the evidence deadline, the review clock or the appeal window.
        case clock(DueTransitionKind)
    }

    /// A complaint just filed at `time`: SUBMITTED, its review clock running.
    public static func filed(_ complaint: Complaint, at time: ProtoTimestamp, ruleSet: RuleSet) -> Complaint {
        var complaint = complaint
        // The guardrails' reasons send it straight to the senior-review queue.
        complaint.state = complaint.seniorReviewReasons.isEmpty ? .submitted : .seniorReview
        complaint.filedAt = time
        complaint.updatedAt = time
        complaint.reviewDueAt = adding(ruleSet.clocks?.reviewClock, to: time)
        return complaint
    }

    /// The complaint after `event` at `time`, or the refusal (WRONG_STATE, INVALID_FIELD,
    /// or WINDOW_CLOSED for late evidence or a late appeal) leaving it as it was.
    public static func apply(
        _ event: Event, to complaint: Complaint, at time: ProtoTimestamp, ruleSet: RuleSet
    ) -> Result<Complaint, Refusal> {
        var next = complaint
        next.updatedAt = time
        switch (event, complaint.state) {
        case (.startReview, .submitted), (.startReview, .seniorReview):
            next.state = .underReview
        case (.decide(let verdict, let reason), .underReview), (.decide(let verdict, let reason), .seniorReview):
            if let refusal = invalid(verdict: verdict, reason: reason) { return .failure(refusal) }
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
            guard let due = complaint.evidenceDueAt, time < due else {
                return .failure(refusal(.windowClosed, "The evidence deadline has passed.", closedAt: complaint.evidenceDueAt))
            }
            next.state = .underReview
            next.evidenceDueAt = nil
            // The reviewer gets a full review clock for the new evidence.
            next.reviewDueAt = adding(ruleSet.clocks?.reviewClock, to: time)
        case (.addEvidence, .submitted), (.addEvidence, .underReview), (.addEvidence, .seniorReview):
            break
        case (.appeal(let appeal), .confirmed):
            guard let due = complaint.appealDueAt, time < due else {
                return .failure(refusal(.windowClosed, "The appeal window has closed.", closedAt: complaint.appealDueAt))
            }
            next.state = .appealed
            next.appeal = appeal
            next.appeal?.state = .pending
            next.appeal?.filedAt = time
        case (.decideAppeal(let verdict, let reason), .appealed):
            guard verdict == .uphold || verdict == .overturn else {
                return .failure(invalidField("verdict", "must be APPEAL_VERDICT_UPHOLD or APPEAL_VERDICT_OVERTURN"))
            }
            guard isKnown(reason) else {
                return .failure(invalidField("reason_code", "must be a known decision reason code"))
            }
            next.state = verdict == .overturn ? .overturned : .upheld
            var appeal = next.appeal ?? Appeal()
            appeal.state = verdict == .overturn ? .overturned : .upheld
            appeal.verdict = verdict
            appeal.reasonCode = reason
            appeal.decidedAt = time
            next.appeal = appeal
        case (.clock(let kind), _):
            return clockRanOut(kind, complaint: complaint, next: next, at: time)
        default:
            return .failure(wrongState(complaint))
        }
        return .success(next)
    }

    /// A due transition applied: refused when it is not (yet) due in the complaint's state.
    private static func clockRanOut(
        _ kind: DueTransitionKind, complaint: Complaint, next: Complaint, at time: ProtoTimestamp
    ) -> Result<Complaint, Refusal> {
        var next = next
        let due: ProtoTimestamp?
        switch (kind, complaint.state) {
        case (.evidenceDeadlinePassed, .needsEvidence):
            due = complaint.evidenceDueAt
            next.state = .rejected
            var decision = ReviewDecision()
            decision.verdict = .reject
            decision.reasonCode = .evidenceDeadlinePassed
            decision.decidedAt = time
            decision.decidedBy = ActorRef()
            decision.decidedBy?.role = .system
            decision.decidedBy?.principalId = "clock"
            next.decisions.append(decision)
        case (.reviewClockExpired, .submitted), (.reviewClockExpired, .underReview):
            due = complaint.reviewDueAt
            next.state = .seniorReview
            next.assignedReviewer = nil
        case (.appealWindowClosed, .confirmed):
            due = complaint.appealDueAt
        default:
            return .failure(wrongState(complaint))
        }
        guard let due, due <= time else {
            return .failure(refusal(.wrongState, "The \(shortName(kind, prefix: "DUE_TRANSITION_KIND_")) transition is not due yet."))
        }
        return .success(next)
    }

    static func invalid(verdict: ReviewVerdict, reason: DecisionReasonCode) -> Refusal? {
        guard [.confirm, .reject, .requestEvidence].contains(verdict) else {
            return invalidField("verdict", "must be REVIEW_VERDICT_CONFIRM, REVIEW_VERDICT_REJECT or REVIEW_VERDICT_REQUEST_EVIDENCE")
        }
        guard isKnown(reason) else { return invalidField("reason_code", "must be a known decision reason code") }
        return nil
    }

    static func isKnown(_ reason: DecisionReasonCode) -> Bool { reason != .unspecified && reason.protoName != nil }

    static func wrongState(_ complaint: Complaint) -> Refusal {
        refusal(.wrongState, "The complaint is \(shortName(complaint.state, prefix: "COMPLAINT_STATE_")); that is not possible now.")
    }

    static func invalidField(_ path: String, _ problem: String) -> Refusal {
        var violation = FieldViolation()
        violation.fieldPath = path
        violation.problem = problem
        var result = refusal(.invalidField, "\(path) \(problem).")
        result.detail.fieldViolations = [violation]
        return result
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

    public init(detail: ErrorDetail) { self.detail = detail }
}
