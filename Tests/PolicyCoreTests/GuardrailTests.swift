import ProtectionMessages
import ProtoWire
import Testing

@testable import PolicyCore

/// The guardrails at each threshold, with the default rules: 180 days, at least
/// 10 decided, reduced below 5,000 bp, restored at 6,000 bp or after 90 clean
/// days; a complaint within 7 days after a review of 2 stars or fewer is flagged.
@Suite struct GuardrailTests {
    static let rules = RuleSetValidationTests.defaults
    static let guardrails = rules.guardrails!
    static let day: Int64 = 86_400
    static let t0: Int64 = 1_767_225_600

    /// A complaint decided on `day` (confirmed or rejected), overturned on `overturnedDay`.
    static func complaint(_ n: Int, decidedDay: Int64, confirmed: Bool, overturnedDay: Int64? = nil) -> Complaint {
        var c = Complaint()
        c.complaintId = "C-\(n)"
        c.merchantId = "M-1"
        var decision = ReviewDecision()
        decision.verdict = confirmed ? .confirm : .reject
        decision.decidedAt = ts(t0 + decidedDay * day)
        c.decisions = [decision]
        c.state = confirmed ? .confirmed : .rejected
        if let overturnedDay {
            var appeal = Appeal()
            appeal.verdict = .overturn
            appeal.decidedAt = ts(t0 + overturnedDay * day)
            c.appeal = appeal
            c.state = .overturned
        }
        return c
    }

    /// `confirmed` confirmed and `rejected` rejected complaints, decided on days 1, 2, ...
    static func history(confirmed: Int, rejected: Int, overturned: Int = 0) -> [Complaint] {
        var out: [Complaint] = []
        for i in 0..<confirmed {
            out.append(
                complaint(
                    i, decidedDay: Int64(i + 1), confirmed: true, overturnedDay: i < overturned ? Int64(i + 20) : nil))
        }
        for i in 0..<rejected { out.append(complaint(100 + i, decidedDay: Int64(confirmed + i + 1), confirmed: false)) }
        return out
    }

    static func privileges(_ complaints: [Complaint], day at: Int64) -> ComplaintPrivileges {
        var why = ExplanationBuilder(ruleSet: rules, now: ts(t0 + at * day))
        return ComplaintGuardrails.privileges(
            complaints: complaints, rules: guardrails, now: ts(t0 + at * day), why: &why)
    }

    @Test("the default rule set carries the guardrails of DOMAIN.md")
    func defaults() {
        let g = Self.guardrails
        #expect(g.accuracyWindow == ProtoDuration(seconds: 180 * Self.day))
        #expect(g.minDecided == 10 && g.reduceBelowBp == 5_000 && g.restoreAtBp == 6_000)
        #expect(g.cleanPeriod == ProtoDuration(seconds: 90 * Self.day))
        #expect(g.retaliationWindow == ProtoDuration(seconds: 7 * Self.day) && g.retaliationMaxStars == 2)
        #expect(RuleSetValidation.problems(in: Self.rules).isEmpty)
    }

    @Test(
        "accuracy exactly at 5,000 bp keeps privileges; one below reduces them",
        arguments: [
            (5, 5, false, 5_000), (4, 6, true, 4_000), (5, 6, true, 4_545), (6, 5, false, 5_454),
        ])
    func atTheThreshold(confirmed: Int, rejected: Int, reduced: Bool, accuracy: Int32) {
        let p = Self.privileges(Self.history(confirmed: confirmed, rejected: rejected), day: 30)
        #expect(p.accuracy?.accuracyBp == accuracy)
        #expect(p.accuracy?.decided == Int32(confirmed + rejected))
        #expect(p.reduced == reduced)
    }

    @Test(
        "the threshold is exclusive: accuracy exactly at it keeps privileges, one basis point below it reduces them",
        arguments: [(Int32(4_545), false), (4_546, true)])
    func exclusiveThreshold(reduceBelow: Int32, reduced: Bool) {
        // 5 of 11 decided: 4,545 bp.
        var rules = Self.guardrails
        rules.reduceBelowBp = reduceBelow
        var why = ExplanationBuilder(ruleSet: Self.rules, now: ts(Self.t0 + 30 * Self.day))
        let p = ComplaintGuardrails.privileges(
            complaints: Self.history(confirmed: 5, rejected: 6), rules: rules, now: ts(Self.t0 + 30 * Self.day),
            why: &why)
        #expect(p.accuracy?.accuracyBp == 4_545)
        #expect(p.reduced == reduced)
    }

    @Test("overturned cases count against accuracy: (confirmed - overturned) / decided")
    func overturnsCount() {
        // 8 confirmed, 2 of them overturned, 2 rejected: (8 - 2) / 10 = 6,000 bp.
        let six = Self.privileges(Self.history(confirmed: 8, rejected: 2, overturned: 2), day: 30)
        #expect(six.accuracy?.overturned == 2 && six.accuracy?.accuracyBp == 6_000 && !six.reduced)
        // 6 confirmed, 2 overturned, 4 rejected: (6 - 2) / 10 = 4,000 bp.
        let four = Self.privileges(Self.history(confirmed: 6, rejected: 4, overturned: 2), day: 30)
        #expect(four.accuracy?.accuracyBp == 4_000 && four.reduced)
    }

    @Test("9 decided never reduce privileges; the 10th decided can")
    func nineAndTen() {
        let nine = Self.privileges(Self.history(confirmed: 0, rejected: 9), day: 30)
        #expect(nine.accuracy?.decided == 9 && nine.accuracy?.counts == false && !nine.reduced)
        let ten = Self.privileges(Self.history(confirmed: 0, rejected: 10), day: 30)
        #expect(ten.accuracy?.counts == true && ten.reduced)
        #expect(ten.reducedSince == ts(Self.t0 + 10 * Self.day))
        #expect(ten.sentence.contains("reduced since"))
    }

    @Test("90 days without a rejection or overturn restore them, not one second before")
    func cleanPeriod() {
        let complaints = Self.history(confirmed: 2, rejected: 8)  // last rejection on day 10
        let before = Self.privileges(complaints, day: 99)
        #expect(before.reduced)
        #expect(before.cleanUntil == ts(Self.t0 + 100 * Self.day))
        var why = ExplanationBuilder(ruleSet: Self.rules, now: ts(Self.t0))
        let lastSecond = ComplaintGuardrails.privileges(
            complaints: complaints, rules: Self.guardrails, now: ts(Self.t0 + 100 * Self.day - 1), why: &why)
        #expect(lastSecond.reduced)
        let after = Self.privileges(complaints, day: 100)
        #expect(!after.reduced)
        // Still below 5,000 bp, but only a new failure reduces them again.
        #expect(after.accuracy?.accuracyBp == 2_000)
        let again = complaints + [Self.complaint(200, decidedDay: 120, confirmed: false)]
        #expect(Self.privileges(again, day: 121).reduced)
        #expect(Self.privileges(again, day: 121).reducedSince == ts(Self.t0 + 120 * Self.day))
    }

    @Test("the clock lists the restoration as a due transition at the end of the clean period")
    func restorationIsDue() {
        let complaints = Self.history(confirmed: 2, rejected: 8)  // reduced on day 10, clean until day 100
        func due(_ at: Int64) -> [DueTransition] {
            DueTransitions.due(
                complaints: [], ledger: [], sanctions: [], ruleSets: [], merchantComplaints: ["M-1": complaints],
                ruleSet: Self.rules, now: ts(Self.t0 + at))
        }
        #expect(due(100 * Self.day - 1).isEmpty)
        let restored = due(100 * Self.day)
        #expect(restored.count == 1)
        #expect(restored.first?.kind == .privilegesRestored && restored.first?.subjectKind == .merchant)
        #expect(restored.first?.subjectId == "M-1" && restored.first?.dueAt == ts(Self.t0 + 100 * Self.day))
        #expect(restored.first?.transitionId == "privileges_restored/M-1/\(Self.t0 + 100 * Self.day)")
        #expect(restored.first?.toState == "COMPLAINT_PRIVILEGES_FULL")
    }

    @Test("accuracy back to 6,000 bp restores them; 5,999 bp does not")
    func restoreAtSixThousand() {
        // Reduced on day 10 (4 of 10); then confirmed complaints raise accuracy.
        var complaints = Self.history(confirmed: 4, rejected: 6)
        for i in 0..<5 { complaints.append(Self.complaint(300 + i, decidedDay: Int64(11 + i), confirmed: true)) }
        // 9 of 15 = 6,000 bp on day 15.
        let restored = Self.privileges(complaints, day: 15)
        #expect(restored.accuracy?.accuracyBp == 6_000 && !restored.reduced)
        // On day 14: 8 of 14 = 5,714 bp: still reduced (between the thresholds).
        let between = Self.privileges(complaints, day: 14)
        #expect(between.accuracy?.accuracyBp == 5_714 && between.reduced)
    }

    @Test("decisions older than the window no longer count")
    func window() {
        let complaints = Self.history(confirmed: 0, rejected: 10)
        let late = Self.privileges(complaints, day: 200)
        #expect(late.accuracy?.decided == 0)
        #expect(!late.reduced)
    }

    @Test(
        "a complaint within 7 days after a review of 2 stars or fewer is flagged; day 8, or 3 stars, is not",
        arguments: [
            (7, 2, true), (8, 2, false), (7, 3, false), (0, 1, true),
        ])
    func retaliation(daysAfterReview: Int64, stars: Int32, flagged: Bool) {
        var review = ReviewFact()
        review.reviewId = "R-1"
        review.buyerId = "B-1"
        review.merchantId = "M-1"
        review.orderId = "O-1"
        review.stars = stars
        review.reviewedAt = ts(Self.t0)
        var other = review
        other.buyerId = "B-2"
        other.reviewId = "R-2"
        let filedAt = ts(Self.t0 + daysAfterReview * Self.day)
        var why = ExplanationBuilder(ruleSet: Self.rules, now: filedAt)
        let flag = ComplaintGuardrails.retaliation(
            reviews: [review, other], buyerID: "B-1", merchantID: "M-1", filedAt: filedAt, rules: Self.guardrails,
            why: &why)
        #expect((flag != nil) == flagged)
        if flagged {
            #expect(flag?.reviewId == "R-1" && flag?.reviewedAt == ts(Self.t0) && flag?.stars == stars)
            let hit = why.finish(summary: "").hits.first { $0.ruleId == "integrity.guardrail.retaliation" }
            #expect(hit?.fired == true && hit?.sentence.contains("Possible retaliation") == true)
        }
    }

    @Test("rule-set validation checks the guardrails")
    func validation() {
        var rules = Self.rules
        rules.guardrails?.restoreAtBp = 4_000
        rules.guardrails?.retaliationMaxStars = 6
        rules.guardrails?.cleanPeriod = nil
        let paths = RuleSetValidation.problems(in: rules).map(\.fieldPath)
        #expect(paths.contains("guardrails.restore_at_bp"))
        #expect(paths.contains("guardrails.retaliation_max_stars"))
        #expect(paths.contains("guardrails.clean_period"))
        rules.guardrails = nil
        let missing = RuleSetValidation.problems(in: rules)
        #expect(missing.map(\.fieldPath) == ["guardrails"] && missing.first?.severity == .warning)
    }
}

/// What-if over the guardrails, and the buyer's own view of its record.
@Suite struct GuardrailWhatIfAndRecordTests {
    static let rules = GuardrailTests.rules
    static let day = GuardrailTests.day
    static let t0 = GuardrailTests.t0

    @Test("a candidate with another threshold reports the merchants that would lose or regain full privileges")
    func whatIf() {
        // M-1: 4 of 10 (4,000 bp, reduced now); M-2: 5 of 10 (5,000 bp, full now).
        let m1 = GuardrailTests.history(confirmed: 4, rejected: 6)
        let m2 = GuardrailTests.history(confirmed: 5, rejected: 5).map { c -> Complaint in
            var c = c
            c.merchantId = "M-2"
            return c
        }
        let history = WhatIfHistory(merchantComplaints: ["M-1": m1, "M-2": m2])
        let now = ts(Self.t0 + 30 * Self.day)
        // Reduce below 6,000 bp instead of 5,000: M-2 would lose its full privileges.
        var stricter = Self.rules
        stricter.guardrails?.reduceBelowBp = 6_000
        stricter.guardrails?.restoreAtBp = 7_000
        let harder = WhatIf.simulate(candidate: stricter, baseline: Self.rules, history: history, now: now)
        #expect(harder.summary?.privilegesReduced == 1 && harder.summary?.privilegesRestored == 0)
        guard case .privileges(let change)? = harder.changes.first?.change else {
            Issue.record("no privilege change: \(harder.changes)")
            return
        }
        #expect(change.merchantId == "M-2" && !change.reducedBefore && change.reducedAfter)
        #expect(change.accuracyAfter?.accuracyBp == 5_000)
        #expect(harder.changes.first?.sentence.hasPrefix("M-2 would lose its full complaint privileges") == true)
        // Reduce below 3,000 bp: M-1 would regain them.
        var looser = Self.rules
        looser.guardrails?.reduceBelowBp = 3_000
        let softer = WhatIf.simulate(candidate: looser, baseline: Self.rules, history: history, now: now)
        #expect(softer.summary?.privilegesRestored == 1 && softer.summary?.privilegesReduced == 0)
        #expect(
            WhatIf.simulate(candidate: Self.rules, baseline: Self.rules, history: history, now: now).changes.isEmpty)
    }

    @Test(
        "the buyer's record lists each entry with its type, rule, points, expiry and appeal deadline, and each sanction"
    )
    func buyerLines() throws {
        let confirmedAt = ts(Self.t0)
        let case1 = Ledger.confirm(
            complaintID: "C-1", orderID: "O-1", buyerID: "B-1", merchantID: "M-1", type: .fakeReturn, at: confirmedAt,
            merchantTier: .a, storeLimitRequested: true, ruleSet: Self.rules)
        let asOf = ts(Self.t0 + Self.day)
        let record = IntegrityRecords.record(
            buyerID: "B-1", cases: [case1], ruleSets: [Self.rules], ruleSet: Self.rules, asOf: asOf,
            includeHistory: false,
            appealDeadlines: ["C-1": ts(Self.t0 + 30 * Self.day)])
        let entry = try #require(record.lines.first { !$0.entryId.isEmpty })
        #expect(entry.complaintId == "C-1" && entry.complaintType == .fakeReturn && entry.points == 5)
        #expect(entry.ruleId == "integrity.ledger.points" && entry.expiresAt == ts(Self.t0 + 365 * Self.day))
        #expect(entry.appealDueAt == ts(Self.t0 + 30 * Self.day))
        #expect(entry.sentence.contains("You may appeal until"))
        let sanction = try #require(record.lines.first { !$0.sanctionId.isEmpty })
        #expect(
            sanction.merchantId == "M-1" && sanction.expiresAt == ts(Self.t0 + 180 * Self.day)
                && !sanction.ruleId.isEmpty)
        // Nothing merchant-internal: no score, tier or accuracy in any sentence.
        for line in record.lines {
            #expect(
                !line.sentence.contains("tier") && !line.sentence.contains("score") && !line.sentence.contains("bp"))
        }
        // Past the deadline, the line says so and carries no deadline.
        let late = IntegrityRecords.record(
            buyerID: "B-1", cases: [case1], ruleSets: [Self.rules], ruleSet: Self.rules,
            asOf: ts(Self.t0 + 31 * Self.day),
            includeHistory: false, appealDeadlines: ["C-1": ts(Self.t0 + 30 * Self.day)])
        #expect(
            late.lines.first?.appealDueAt == nil && late.lines.first?.sentence.contains("no longer be appealed") == true
        )
    }
}
