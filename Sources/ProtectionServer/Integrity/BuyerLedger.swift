import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire

/// A buyer's ledger and sanctions recomputed after a change (a confirmation, an
/// overturn, points expiring, a sanction ending): the log entries of every entry
/// and sanction that changed, under a guard on the buyer, so that two changes to
/// one buyer never decide from the same stale picture.
struct LedgerUpdate: Sendable {
    var guards: [Guard]
    var log: [LogEntry]
    /// Every sanction of the buyer after the change.
    var sanctions: [Sanction]
    /// The sanctions this change imposed, extended or lifted (not those that merely ran out).
    var changed: [Sanction]
    /// The buyer's cases after the change.
    var cases: [ConfirmedCase]
}

extension ServerCore {
    /// Recomputes `buyerID`'s ledger and sanctions as they are once `changed` (the
    /// complaints as this call leaves them) is committed.
    func ledgerUpdate(buyerID: String, changed: [Complaint], mutation: Mutation) async throws -> LedgerUpdate {
        let guardKey = "buyer/\(buyerID)"
        let readGuard = try await currentGuard(guardKey)
        var complaints = try await confirmedComplaints(buyerID: buyerID)
        for complaint in changed {
            complaints.removeAll { $0.complaintId == complaint.complaintId }
            complaints.append(complaint)
        }
        let cases = cases(complaints)
        let now = mutation.now
        async let storedEntries = storeCall { try await store.ledgerEntries(buyerID: buyerID) }
        async let storedSanctions = storeCall { try await store.sanctions(buyerID: buyerID) }
        var log: [LogEntry] = []

        let entriesBefore = Dictionary(try await storedEntries.map { ($0.entryId, $0) }, uniquingKeysWith: { a, _ in a })
        for item in cases {
            let entry = Ledger.entry(item, now: now)
            let before = entriesBefore[entry.entryId]
            guard before != entry else { continue }
            let action: AuditAction = before == nil ? .created : .stateChanged
            let reason = switch entry.state {
            case .reversed: "Its case was overturned on appeal."
            case .expired: "Its points expired."
            default: "\(entry.points) points for a confirmed \(shortTypeName(entry.type)) case."
            }
            log.append(LogEntry(
                event: mutation.event(
                    .ledgerEntry, entry.entryId, action, from: before?.state.protoName ?? "", to: entry.state.protoName ?? "",
                    reason: reason, merchant: entry.merchantId, buyer: buyerID),
                record: .ledgerEntry(entry), ruleSetVersion: entry.ruleSetVersion))
        }

        let computed = Sanctions.sanctions(for: cases, ruleSets: catalog.all, now: now)
        let computedIDs = Set(computed.map(\.sanctionId))
        let stored = try await storedSanctions
        let storedByID = Dictionary(stored.map { ($0.sanctionId, $0) }, uniquingKeysWith: { a, _ in a })
        var changedSanctions: [Sanction] = []
        func record(_ sanction: Sanction, _ action: AuditAction, from: SanctionState?, _ reason: String) {
            if sanction.state != .expired || from == nil { changedSanctions.append(sanction) }
            log.append(LogEntry(
                event: mutation.event(
                    .sanction, sanction.sanctionId, action, from: from?.protoName ?? "", to: sanction.state.protoName ?? "",
                    reason: reason, merchant: sanction.merchantId, buyer: buyerID, explanation: sanction.explanation),
                record: .sanction(sanction), ruleSetVersion: sanction.explanation?.ruleSetVersion ?? 0))
        }
        for sanction in computed {
            guard let before = storedByID[sanction.sanctionId] else {
                record(sanction, .created, from: nil, sanction.explanation?.summary ?? "Imposed.")
                continue
            }
            guard before.state != .lifted, before != sanction else { continue }
            if before.state != sanction.state {
                record(sanction, .stateChanged, from: before.state, "Its time is up, or its condition stopped holding.")
            } else if before.endsAt != sanction.endsAt {
                record(sanction, .settingsChanged, from: before.state, "Its end moved: \(sanction.explanation?.summary ?? "")")
            }
        }
        for before in stored where before.state == .active && !computedIDs.contains(before.sanctionId) {
            var lifted = before
            lifted.state = .lifted
            lifted.endedAt = now
            record(lifted, .stateChanged, from: before.state, "A case that caused it was overturned.")
        }
        let after = computed + stored.filter { !computedIDs.contains($0.sanctionId) }.map { before in
            changedSanctions.first { $0.sanctionId == before.sanctionId } ?? before
        }
        return LedgerUpdate(
            guards: [readGuard], log: log, sanctions: after, changed: changedSanctions,
            cases: cases)
    }

    /// The return-insurance claims on `orderID` judged again against the buyer's
    /// cases: refused, clawed back, or restored by an overturn.
    func claimUpdates(orderID: String, cases: [ConfirmedCase], mutation: Mutation) async throws -> ([Guard], [LogEntry]) {
        var query = ClaimQuery()
        query.orderID = orderID
        query.page = PageRequest(limit: 1_000)
        var log: [LogEntry] = []
        var guards: [Guard] = []
        let claims = try await storeCall { try await store.claims(query) }
        let revisions = try await storeCall { try await store.revisions(claims.map { "claim/\($0.claimId)" }) }
        for claim in claims {
            let ruleSet = catalog.inForce(at: claim.returnShippedAt ?? mutation.now)
            let judged = InsuranceClaims.evaluate(claim, cases: cases, ruleSet: ruleSet, now: mutation.now)
            guard judged.state != claim.state || judged.payout != claim.payout || judged.clawedBackAmount != claim.clawedBackAmount
            else { continue }
            let key = "claim/\(claim.claimId)"
            guards.append(Guard(key, revision: revisions[key] ?? 0))
            let moved = judged.state == .clawedBack || judged.state == .paid
            log.append(LogEntry(
                event: mutation.event(
                    .insuranceClaim, claim.claimId, moved ? .moneyMoved : .stateChanged, from: claim.state.protoName ?? "",
                    to: judged.state.protoName ?? "", reason: judged.explanation?.summary ?? "", merchant: claim.merchantId,
                    buyer: claim.buyerId, explanation: judged.explanation),
                record: .claim(judged), ruleSetVersion: ruleSet.version))
        }
        return (guards, log)
    }
}

/// A complaint type without its prefix: FAKE_RETURN.
func shortTypeName(_ type: ComplaintType) -> String {
    String((type.protoName ?? "").dropFirst("COMPLAINT_TYPE_".count))
}
