import CoreMetrics
import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire
import RPCCore

/// Time moving on its own: the transitions PolicyCore lists as due (evidence
/// deadline, review clock, appeal window, point expiry, sanction end, payout, a
/// rule set taking effect), each applied exactly once by its deterministic id,
/// audited as the clock's doing and announced on the sanction watch.
extension ServerCore {
    /// Transitions due at or before `time` and not yet applied, earliest first.
    func dueTransitions(at time: ProtoTimestamp, limit: Int) async throws -> [DueTransition] {
        let seconds = time.seconds
        async let complaints = storeCall { try await store.complaintsDue(at: seconds, limit: limit) }
        async let ledger = storeCall { try await store.ledgerEntriesDue(at: seconds, limit: limit) }
        async let sanctions = storeCall { try await store.sanctionsDue(at: seconds, limit: limit) }
        async let claims = storeCall { try await store.claimsDue(at: seconds, limit: limit) }
        let ruleSet = catalog.inForce(at: time)
        var merchantComplaints: [String: [Complaint]] = [:]
        for merchantID in try await guardrailCandidates(at: time, ruleSet: ruleSet).prefix(limit) {
            merchantComplaints[merchantID] = try await decidedComplaints(merchantID: merchantID)
        }
        let due = DueTransitions.due(
            complaints: try await complaints, ledger: try await ledger, sanctions: try await sanctions,
            ruleSets: catalog.published.map(\.summary), claims: try await claims, merchantComplaints: merchantComplaints,
            ruleSet: ruleSet, now: time)
        let applied = try await storeCall { try await store.appliedTransitions(due.map(\.transitionId)) }
        return Array(due.filter { !applied.contains($0.transitionId) }.prefix(limit))
    }

    /// Merchants whose reduced complaint privileges may have come back lately:
    /// those with a complaint decided or overturned in the last `restorationHorizon`
    /// (accuracy back at the threshold) or one clean period before that (the
    /// clean period over). A restoration older than the horizon is in force all
    /// the same (the standing is derived); only its announcement would be missed.
    func guardrailCandidates(at time: ProtoTimestamp, ruleSet: RuleSet) async throws -> [String] {
        guard let rules = ruleSet.guardrails else { return [] }
        let horizon = configuration.restorationHorizon
        var merchants: Set<String> = []
        for end in [time, OrderRates.windowStart(rules.cleanPeriod, before: time)] {
            var query = EventQuery()
            query.subjectKind = .complaint
            query.occurred = TimeWindow(from: end.seconds - horizon, until: end.seconds + 1)
            query.limit = 10_000
            let events = try await storeCall { try await store.events(query) }
            for event in events where Self.decidedStates.contains(event.toState) && !event.merchantId.isEmpty {
                merchants.insert(event.merchantId)
            }
        }
        return merchants.sorted()
    }

    static let decidedStates: Set<String> = ["COMPLAINT_STATE_CONFIRMED", "COMPLAINT_STATE_REJECTED", "COMPLAINT_STATE_OVERTURNED"]

    /// The clock's own mutation at `now`.
    func clockMutation(at now: ProtoTimestamp) -> Mutation {
        Mutation(caller: .system, now: now, method: "clock", key: "")
    }

    /// Applies one due transition with its effects in one commit; nil when it was
    /// applied already or its record moved on (new evidence before the deadline, say).
    func apply(_ transition: DueTransition, at now: ProtoTimestamp) async throws -> DueTransition? {
        let mutation = clockMutation(at: now)
        var entries: [LogEntry]
        var guards = [Guard("transition/\(transition.transitionId)", revision: 0)]
        switch transition.kind {
        case .evidenceDeadlinePassed, .reviewClockExpired, .appealWindowClosed:
            guard let complaint = try await storeCall({ try await store.complaint(id: transition.subjectId) }) else { return nil }
            let ruleSet = catalog.judging(version: complaint.ruleSetVersion, at: complaint.filedAt)
            guard case .success(var next) = ComplaintLifecycle.apply(.clock(transition.kind), to: complaint, at: now, ruleSet: ruleSet)
            else { return nil }
            next.explanation = transition.explanation
            if transition.kind == .appealWindowClosed {
                entries = [LogEntry(event: mutation.event(
                    .complaint, complaint.complaintId, .stateChanged, from: transition.fromState, to: transition.toState,
                    reason: transition.explanation?.summary ?? "", merchant: complaint.merchantId, buyer: complaint.buyerId,
                    explanation: transition.explanation))]
            } else {
                next.decisions = next.decisions.map { decision in
                    var decision = decision
                    if decision.decidedBy?.role == .system, decision.explanation == nil { decision.explanation = transition.explanation }
                    return decision
                }
                let (complaintGuard, entry, _) = IntegrityHandler.change(
                    from: complaint, to: next, .stateChanged, reason: transition.explanation?.summary ?? "", mutation: mutation,
                    ruleSetVersion: ruleSet.version)
                guards.append(complaintGuard)
                entries = [entry]
            }
        case .ledgerEntryExpired, .sanctionExpired:
            let buyerID = transition.kind == .ledgerEntryExpired
                ? try await buyerOfEntry(transition.subjectId) ?? ""
                : try await storeCall { try await store.sanction(id: transition.subjectId) }?.buyerId ?? ""
            guard !buyerID.isEmpty else { return nil }
            let update = try await ledgerUpdate(buyerID: buyerID, changed: [], mutation: mutation)
            guards += update.guards
            entries = update.log
        case .insurancePayoutDue:
            guard let claim = try await storeCall({ try await store.claim(id: transition.subjectId) }) else { return nil }
            let (claimGuards, claimLog) = try await claimUpdates(
                orderID: claim.orderId, cases: cases(try await confirmedComplaints(buyerID: claim.buyerId)), mutation: mutation)
            guards += claimGuards
            entries = claimLog
        case .privilegesRestored:
            // Only announced: the standing is derived from the complaints, so it already changed.
            entries = []
        case .ruleSetEffective:
            let version = Int64(transition.subjectId.dropFirst()) ?? 0
            guard let scheduled = catalog.published.first(where: { $0.rules.version == version }) else { return nil }
            var summary = scheduled.summary
            summary.status = .inForce
            let readGuard = try await currentGuard("rule-sets")
            guards.append(readGuard)
            entries = [LogEntry(
                event: mutation.event(
                    .ruleSet, transition.subjectId, .stateChanged, from: transition.fromState, to: transition.toState,
                    reason: transition.explanation?.summary ?? ""),
                record: .ruleSet(scheduled.rules, summary), ruleSetVersion: version)] + supersede(before: version, mutation: mutation)
        default:
            return nil
        }
        entries.append(LogEntry(
            event: mutation.event(
                transition.subjectKind, transition.subjectId, .stateChanged, from: transition.fromState, to: transition.toState,
                reason: "Due transition \(transition.transitionId) applied.", explanation: transition.explanation),
            record: .appliedTransition(transition)))
        do {
            _ = try await store.commit(StoreChange(guards: guards, log: entries))
            return transition
        } catch let error as StoreError where error.code == .conflict {
            // Applied meanwhile (by the sweeper or a RunDueTransitions call), or its record moved.
            return nil
        } catch let error as StoreError {
            throw rpcError(error)
        }
    }

    private func buyerOfEntry(_ entryID: String) async throws -> String? {
        // Entry ids are "L-" followed by the complaint's id.
        let complaintID = String(entryID.dropFirst(2))
        return try await storeCall { try await store.complaint(id: complaintID) }?.buyerId
    }

    /// Applies every due transition, again and again, until cancelled: the sweeper.
    public func runSweeper(metrics: (any MetricsFactory)? = nil) async {
        let lag = metrics.map { Gauge(label: "protection_sweeper_lag_seconds", factory: $0) }
            ?? Gauge(label: "protection_sweeper_lag_seconds")
        let applied = metrics.map { Counter(label: "protection_due_transitions_applied_total", factory: $0) }
            ?? Counter(label: "protection_due_transitions_applied_total")
        while !Task.isCancelled {
            let now = clock.now()
            do {
                let due = try await dueTransitions(at: now, limit: configuration.sweepBatch)
                lag.record(Double(now.seconds - (due.first?.dueAt?.seconds ?? now.seconds)))
                for transition in due where !Task.isCancelled {
                    if try await apply(transition, at: now) != nil { applied.increment() }
                }
                if due.count == configuration.sweepBatch { continue }
            } catch {
                logger.error("the sweeper failed a pass; it tries again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.sweepInterval)
        }
    }
}
