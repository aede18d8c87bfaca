import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

/// The review lifecycle and its clocks, with DOMAIN.md's numbers: review 48 h,
/// evidence 72 h, appeal 30 days; expired by one second, and not one second before.
@Suite struct LifecycleAndClockTests {
    static let rules = RuleSetValidationTests.defaults
    static let filedAt = ProtoTimestamp(seconds: 1_767_225_600 + 10 * 86_400, nanos: 0)
    static let hour: Int64 = 3_600

    static func at(_ seconds: Int64) -> ProtoTimestamp { ProtoTimestamp(seconds: filedAt.seconds + seconds, nanos: 0) }

    static func filed() -> Complaint {
        var complaint = Complaint()
        complaint.complaintId = "C-1"
        return ComplaintLifecycle.filed(complaint, at: filedAt, ruleSet: rules)
    }

    static func apply(_ event: ComplaintLifecycle.Event, _ complaint: Complaint, at seconds: Int64, rules: RuleSet = rules) throws -> Complaint {
        try ComplaintLifecycle.apply(event, to: complaint, at: at(seconds), ruleSet: rules).get()
    }

    static func due(_ complaint: Complaint, at seconds: Int64) -> [DueTransitionKind] {
        DueTransitions.due(complaints: [complaint], ledger: [], sanctions: [], ruleSets: [], ruleSet: rules, now: at(seconds)).map(\.kind)
    }

    @Test func theReviewClockSendsAnUndecidedComplaintToSeniorReviewAfter48Hours() throws {
        let complaint = Self.filed()
        #expect(complaint.state == .submitted && complaint.reviewDueAt == Self.at(48 * Self.hour))
        #expect(Self.due(complaint, at: 48 * Self.hour - 1).isEmpty)
        #expect(Self.due(complaint, at: 48 * Self.hour) == [.reviewClockExpired])
        let reviewing = try Self.apply(.startReview, complaint, at: Self.hour)
        let transition = try #require(DueTransitions.due(complaints: [reviewing], ledger: [], sanctions: [], ruleSets: [], ruleSet: Self.rules, now: Self.at(49 * Self.hour)).first)
        #expect(transition.toState == "COMPLAINT_STATE_SENIOR_REVIEW")
        #expect(transition.transitionId == "review_clock_expired/C-1/\(Self.at(48 * Self.hour).seconds)", "the same id every time: applied once")
        // A senior reviewer can still decide it.
        let senior = try Self.apply(.decide(.confirm, .evidenceConclusive), { var c = reviewing; c.state = .seniorReview; return c }(), at: 50 * Self.hour)
        #expect(senior.state == .confirmed)
    }

    @Test func evidenceMayBeAddedFor72HoursThenTheComplaintIsRejected() throws {
        let reviewing = try Self.apply(.startReview, Self.filed(), at: Self.hour)
        let waiting = try Self.apply(.decide(.requestEvidence, .evidenceIncomplete), reviewing, at: 2 * Self.hour)
        #expect(waiting.state == .needsEvidence && waiting.evidenceDueAt == Self.at(74 * Self.hour))
        #expect(Self.due(waiting, at: 74 * Self.hour - 1).isEmpty)
        #expect(Self.due(waiting, at: 74 * Self.hour) == [.evidenceDeadlinePassed])
        #expect(try Self.apply(.addEvidence, waiting, at: 74 * Self.hour - 1).state == .underReview, "one second before: in time")
        // At the deadline the window is closed: the rejection is due and late evidence is refused, never both open.
        let late = ComplaintLifecycle.apply(.addEvidence, to: waiting, at: Self.at(74 * Self.hour), ruleSet: Self.rules)
        #expect((try? late.get()) == nil)
        if case .failure(let refusal) = late {
            #expect(refusal.detail.reason == .windowClosed && refusal.detail.windowClosedAt == Self.at(74 * Self.hour))
        }
        let rejected = try Self.apply(.clock(.evidenceDeadlinePassed), waiting, at: 74 * Self.hour)
        #expect(rejected.state == .rejected)
        #expect(rejected.decisions.last?.reasonCode == .evidenceDeadlinePassed && rejected.decisions.last?.decidedBy?.role == .system)
        #expect((try? Self.apply(.clock(.evidenceDeadlinePassed), waiting, at: 74 * Self.hour - 1)) == nil, "not one second before")
    }

    @Test func aConfirmedCaseMayBeAppealedFor30Days() throws {
        let reviewing = try Self.apply(.startReview, Self.filed(), at: Self.hour)
        let confirmed = try Self.apply(.decide(.confirm, .evidenceConclusive), reviewing, at: 2 * Self.hour)
        let window = 30 * 24 * Self.hour
        #expect(confirmed.appealDueAt == Self.at(2 * Self.hour + window))
        #expect(try Self.apply(.appeal(Appeal()), confirmed, at: 2 * Self.hour + window - 1).state == .appealed)
        #expect((try? ComplaintLifecycle.apply(.appeal(Appeal()), to: confirmed, at: Self.at(2 * Self.hour + window), ruleSet: Self.rules).get()) == nil)
        #expect(Self.due(confirmed, at: 2 * Self.hour + window - 1).isEmpty)
        #expect(Self.due(confirmed, at: 2 * Self.hour + window) == [.appealWindowClosed])
        let appealed = try Self.apply(.appeal(Appeal()), confirmed, at: 3 * Self.hour)
        #expect(appealed.appeal?.state == .pending && appealed.appeal?.filedAt == Self.at(3 * Self.hour))
        let overturned = try Self.apply(.decideAppeal(.overturn, .newEvidenceFromBuyer), appealed, at: 4 * Self.hour)
        #expect(overturned.state == .overturned)
        #expect(overturned.appeal?.state == .overturned && overturned.appeal?.reasonCode == .newEvidenceFromBuyer)
        #expect(overturned.appeal?.verdict == .overturn && overturned.appeal?.decidedAt == Self.at(4 * Self.hour))
        #expect(try Self.apply(.decideAppeal(.uphold, .originalDecisionCorrect), appealed, at: 4 * Self.hour).state == .upheld)
    }

    @Test func eventsInTheWrongStateAreRefusedAndChangeNothing() {
        let complaint = Self.filed()
        for event: ComplaintLifecycle.Event in [.appeal(Appeal()), .decideAppeal(.uphold, .reviewError), .decideAppeal(.overturn, .reviewError), .decide(.confirm, .evidenceConclusive)] {
            guard case .failure(let refusal) = ComplaintLifecycle.apply(event, to: complaint, at: Self.at(1), ruleSet: Self.rules) else {
                Issue.record("\(event) accepted on a SUBMITTED complaint")
                continue
            }
            #expect(refusal.detail.reason == .wrongState)
        }
        let missingReason = ComplaintLifecycle.apply(.decide(.confirm, .unspecified), to: { var c = complaint; c.state = .underReview; return c }(), at: Self.at(1), ruleSet: Self.rules)
        if case .failure(let refusal) = missingReason { #expect(refusal.detail.reason == .invalidField) } else { Issue.record("accepted") }
    }

    @Test func shorterClocksUnderAnotherRuleSetFallDueSooner() throws {
        var rules = Self.rules
        rules.clocks?.reviewClock = ProtoDuration(seconds: 24 * Self.hour, nanos: 0)
        let complaint = ComplaintLifecycle.filed(Complaint(), at: Self.filedAt, ruleSet: rules)
        #expect(complaint.reviewDueAt == Self.at(24 * Self.hour))
        #expect(Self.due(complaint, at: 24 * Self.hour) == [.reviewClockExpired])
        #expect(Self.due(Self.filed(), at: 24 * Self.hour).isEmpty)
    }

    @Test func ledgerSanctionsAndRuleSetsFallDueInTimeOrder() {
        let item = Ledger.confirm(
            complaintID: "C-9", buyerID: "B-1", merchantID: "M-1", type: .fakeReturn, at: Self.filedAt, merchantTier: .a,
            storeLimitRequested: true, ruleSet: Self.rules)
        let entry = Ledger.entry(item, now: Self.filedAt)
        let sanctions = Sanctions.sanctions(for: [item], ruleSet: Self.rules, now: Self.filedAt)
        var next = RuleSetSummary()
        next.version = 2
        next.status = .scheduled
        next.effectiveAt = Self.at(10 * 24 * Self.hour)
        let now = Self.at(400 * 24 * Self.hour)
        let due = DueTransitions.due(complaints: [], ledger: [entry], sanctions: sanctions, ruleSets: [next], ruleSet: Self.rules, now: now)
        #expect(due.map(\.kind) == [.ruleSetEffective, .sanctionExpired, .ledgerEntryExpired])
        #expect(due.map { ($0.dueAt!.seconds - Self.filedAt.seconds) / 86_400 } == [10, 180, 365])
        #expect(due.allSatisfy { $0.explanation?.ruleSetVersion == 1 })
    }
}
