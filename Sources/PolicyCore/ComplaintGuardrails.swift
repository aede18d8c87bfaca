import ProtectionMessages
import ProtoWire

/// Guardrails against misuse of the complaint tool: a merchant's complaint
/// accuracy over a rolling window, the privileges it loses when too many of its
/// complaints fail, and the flag on a complaint that follows the buyer's low
/// review. Everything is derived from the merchant's stored complaints, so the
/// same history always gives the same answer (what-if replays it too).
///
/// - Decided: the last CONFIRM or REJECT decision (a reviewer's, or the clock's
///   at the evidence deadline) fell in the window `(now - window, now]`.
/// - Overturned: confirmed, then the buyer's appeal was decided OVERTURN (by now).
/// - Accuracy = (confirmed - overturned) * 10,000 / decided, rounded down.
/// - Reduced when at least `min_decided` were decided and accuracy is below
///   `reduce_below_bp`; restored when accuracy reaches `restore_at_bp`, or after
///   `clean_period` without a rejected or overturned complaint. Once restored,
///   only a new rejection or overturn can reduce them again.
public enum ComplaintGuardrails {
    /// One decided complaint.
    struct Decided: Hashable {
        var complaintID: String
        var decidedAt: ProtoTimestamp
        var confirmed: Bool
        var overturnedAt: ProtoTimestamp?
    }

    static func decided(_ complaints: [Complaint]) -> [Decided] {
        complaints.compactMap { c in
            guard let last = c.decisions.last(where: { $0.verdict == .confirm || $0.verdict == .reject }),
                let at = last.decidedAt
            else { return nil }
            let overturned = c.appeal.flatMap { $0.verdict == .overturn ? $0.decidedAt : nil }
            return Decided(
                complaintID: c.complaintId, decidedAt: at, confirmed: last.verdict == .confirm,
                overturnedAt: last.verdict == .confirm ? overturned : nil)
        }
    }

    /// The figures of the window ending at `now`.
    static func figures(_ decided: [Decided], rules: GuardrailRules, now: ProtoTimestamp) -> ComplaintAccuracy {
        let start = OrderRates.windowStart(rules.accuracyWindow, before: now)
        var figures = ComplaintAccuracy()
        var range = TimeRange()
        range.start = start
        range.end = now
        figures.window = range
        for d in decided where start < d.decidedAt && d.decidedAt <= now {
            figures.decided += 1
            if d.confirmed {
                figures.confirmed += 1
                if let at = d.overturnedAt, at <= now { figures.overturned += 1 }
            } else {
                figures.rejected += 1
            }
        }
        if figures.decided > 0 {
            figures.accuracyBp = Int32(Int64(figures.confirmed - figures.overturned) * 10_000 / Int64(figures.decided))
        }
        figures.counts = figures.decided >= rules.minDecided
        return figures
    }

    /// Rejections and overturns: what stops the clean period and may reduce privileges.
    static func failures(_ decided: [Decided]) -> [ProtoTimestamp] {
        decided.flatMap { d in d.confirmed ? (d.overturnedAt.map { [$0] } ?? []) : [d.decidedAt] }
    }

    /// The merchant's complaint privileges at `now`, from its complaints, with
    /// the rule hits that explain them. Without guardrail rules nothing is reduced.
    public static func privileges(
        complaints: [Complaint], rules: GuardrailRules?, now: ProtoTimestamp, why: inout ExplanationBuilder
    ) -> ComplaintPrivileges {
        var privileges = ComplaintPrivileges()
        guard let rules else {
            why.hit(
                "integrity.guardrail.accuracy", fired: false,
                sentence: "The rule set has no guardrails: privileges are never reduced.")
            privileges.sentence = "Complaint privileges are full (the rule set has no guardrails)."
            return privileges
        }
        let decided = decided(complaints)
        let failures = failures(decided).sorted()
        let (reducedSince, restorations) = replay(decided, failures: failures, rules: rules, now: now)
        let restoredAt = restorations.last
        let f = figures(decided, rules: rules, now: now)
        privileges.accuracy = f
        privileges.reduced = reducedSince != nil
        privileges.reducedSince = reducedSince
        privileges.restoreAtBp = rules.restoreAtBp
        if privileges.reduced, let last = failures.last(where: { $0 <= now }) {
            privileges.cleanUntil = adding(rules.cleanPeriod, to: last)
        }
        let window = rules.accuracyWindow.map(durationText) ?? "the window"
        let counts =
            "\(f.decided) decided in the last \(window) (\(f.confirmed) confirmed, \(f.overturned) of them overturned, "
            + "\(f.rejected) rejected): accuracy \(bpText(f.accuracyBp))"
        if let since = reducedSince {
            privileges.sentence =
                "Complaint privileges are reduced since \(timeText(since)): \(counts), below \(bpText(rules.reduceBelowBp)). "
                + "New complaints go to senior review and store-limit requests are ignored, until accuracy reaches "
                + "\(bpText(rules.restoreAtBp))"
                + (privileges.cleanUntil.map { " or no complaint is rejected or overturned until \(timeText($0))" }
                    ?? "") + "."
        } else if !f.counts {
            privileges.sentence =
                "Complaint privileges are full: \(counts); it counts from \(rules.minDecided) decided complaints."
        } else {
            privileges.sentence =
                "Complaint privileges are full: \(counts)"
                + (f.accuracyBp < rules.reduceBelowBp
                    ? ", below \(bpText(rules.reduceBelowBp)) but restored since \(restoredAt.map(timeText) ?? "-") until a complaint fails again."
                    : ", not below \(bpText(rules.reduceBelowBp)).")
        }
        why.hit(
            "integrity.guardrail.accuracy", fired: privileges.reduced,
            facts: [
                UsedFact.int("merchant.complaints_decided", f.decided, unit: .count),
                UsedFact.int("merchant.complaints_confirmed", f.confirmed, unit: .count),
                UsedFact.int("merchant.complaints_overturned", f.overturned, unit: .count),
                UsedFact.int("merchant.complaints_rejected", f.rejected, unit: .count),
                UsedFact.int("merchant.complaint_accuracy", f.accuracyBp, unit: .basisPoints),
                UsedFact.int("rules.guardrail_min_decided", rules.minDecided, unit: .count),
                UsedFact.int("rules.guardrail_reduce_below", rules.reduceBelowBp, unit: .basisPoints),
                UsedFact.int("rules.guardrail_restore_at", rules.restoreAtBp, unit: .basisPoints),
            ],
            sentence: privileges.sentence)
        return privileges
    }

    /// The moments at or before `now` a reduction of the merchant's privileges
    /// ended (accuracy back at the threshold, or the clean period over).
    public static func restorations(
        complaints: [Complaint], rules: GuardrailRules?, now: ProtoTimestamp
    ) -> [ProtoTimestamp] {
        guard let rules else { return [] }
        let decided = decided(complaints)
        return replay(decided, failures: failures(decided).sorted(), rules: rules, now: now).restorations
    }

    /// The history replayed in time order: when the current reduction began (nil
    /// when not reduced at `now`) and every restoration so far.
    static func replay(
        _ decided: [Decided], failures: [ProtoTimestamp], rules: GuardrailRules, now: ProtoTimestamp
    ) -> (reducedSince: ProtoTimestamp?, restorations: [ProtoTimestamp]) {
        // The moments the answer can change: each decision and overturn, each
        // leaving the window, each end of a clean period, and now.
        var moments = decided.flatMap { d in
            [d.decidedAt, adding(rules.accuracyWindow, to: d.decidedAt)] + (d.overturnedAt.map { [$0] } ?? [])
        }
        moments += failures.map { adding(rules.cleanPeriod, to: $0) }
        moments = Array(Set(moments.filter { $0 <= now })).sorted() + [now]
        var reducedSince: ProtoTimestamp?
        var restorations: [ProtoTimestamp] = []
        for t in moments {
            let f = figures(decided, rules: rules, now: t)
            let lastFailure = failures.last { $0 <= t }
            if reducedSince != nil {
                let clean = lastFailure.map { t >= adding(rules.cleanPeriod, to: $0) } ?? true
                if f.accuracyBp >= rules.restoreAtBp || clean {
                    reducedSince = nil
                    restorations.append(t)
                }
            } else if f.counts && f.accuracyBp < rules.reduceBelowBp,
                restorations.last.map({ r in failures.contains { r < $0 && $0 <= t } }) ?? true
            {
                reducedSince = t
            }
        }
        return (reducedSince, restorations)
    }

    /// The latest low review (at most `retaliation_max_stars`) by the buyer of
    /// the merchant within `retaliation_window` before `filedAt`, or nil.
    public static func retaliation(
        reviews: [ReviewFact], buyerID: String, merchantID: String, filedAt: ProtoTimestamp, rules: GuardrailRules?,
        why: inout ExplanationBuilder
    ) -> RetaliationFlag? {
        guard let rules else { return nil }
        let start = OrderRates.windowStart(rules.retaliationWindow, before: filedAt)
        let low = reviews.filter { r in
            guard let at = r.reviewedAt else { return false }
            return r.buyerId == buyerID && r.merchantId == merchantID && r.stars <= rules.retaliationMaxStars
                && start <= at && at <= filedAt
        }.max { ($0.reviewedAt!, $0.reviewId) < ($1.reviewedAt!, $1.reviewId) }
        let window = rules.retaliationWindow.map(durationText) ?? "the window"
        guard let low else {
            why.hit(
                "integrity.guardrail.retaliation", fired: false,
                facts: [UsedFact.int("rules.guardrail_retaliation_max_stars", rules.retaliationMaxStars, unit: .count)],
                sentence:
                    "The buyer left this merchant no review of \(rules.retaliationMaxStars) stars or fewer in the \(window) before filing."
            )
            return nil
        }
        var flag = RetaliationFlag()
        flag.reviewId = low.reviewId
        flag.stars = low.stars
        flag.reviewedAt = low.reviewedAt
        flag.orderId = low.orderId
        why.hit(
            "integrity.guardrail.retaliation", fired: true,
            facts: [
                UsedFact.int("review.stars", low.stars, unit: .count),
                UsedFact.time("review.reviewed_at", low.reviewedAt!),
                UsedFact.time("complaint.filed_at", filedAt),
                UsedFact.int("rules.guardrail_retaliation_max_stars", rules.retaliationMaxStars, unit: .count),
            ],
            sentence:
                "Possible retaliation: the buyer gave this merchant \(low.stars) star\(low.stars == 1 ? "" : "s") on "
                + "\(timeText(low.reviewedAt!)), within \(window) before the complaint; a senior reviewer decides it.")
        return flag
    }
}
