import ProtectionMessages
import ProtoWire

/// Time as data: every transition due at `now`, listed (never applied) so the
/// server applies them, idempotently by their deterministic ids.
public enum DueTransitions {
    public static func due(
        complaints: [Complaint], ledger: [LedgerEntry], sanctions: [Sanction], ruleSets: [RuleSetSummary],
        claims: [ReturnInsuranceClaim] = [], merchantComplaints: [String: [Complaint]] = [:], ruleSet: RuleSet,
        now: ProtoTimestamp
    ) -> [DueTransition] {
        var due: [DueTransition] = []
        func add(
            _ kind: DueTransitionKind, _ subject: AuditSubjectKind, _ id: String, at time: ProtoTimestamp?, from: String,
            to: String, ruleID: String, sentence: String
        ) {
            guard let time, time <= now else { return }
            var transition = DueTransition()
            transition.kind = kind
            transition.subjectKind = subject
            transition.subjectId = id
            transition.dueAt = time
            transition.fromState = from
            transition.toState = to
            transition.transitionId = "\(shortName(kind, prefix: "DUE_TRANSITION_KIND_").lowercased())/\(id)/\(time.seconds)"
            var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
            why.hit(ruleID, fired: true, facts: [UsedFact.time("due_at", time), UsedFact.time("now", now)], sentence: sentence)
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
        // Guardrails: each end of a reduction of a merchant's complaint privileges.
        for (merchantID, complaints) in merchantComplaints.sorted(by: { $0.key < $1.key }) {
            for time in ComplaintGuardrails.restorations(complaints: complaints, rules: ruleSet.guardrails, now: now) {
                add(.privilegesRestored, .merchant, merchantID, at: time,
                    from: "COMPLAINT_PRIVILEGES_REDUCED", to: "COMPLAINT_PRIVILEGES_FULL", ruleID: "integrity.guardrail.accuracy",
                    sentence: "\(merchantID)'s complaint privileges are full again: its accuracy is back at "
                        + "\(bpText(ruleSet.guardrails?.restoreAtBp ?? 0)) or no complaint of it was rejected or overturned for "
                        + "\(durationText(ruleSet.guardrails?.cleanPeriod ?? ProtoDuration())).")
            }
        }
        return due.sorted { ($0.dueAt!.seconds, $0.transitionId) < ($1.dueAt!.seconds, $1.transitionId) }
    }
}
