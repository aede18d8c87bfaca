import ProtectionMessages
import ProtoWire

/// A buyer's integrity record at a time: the ledger entries, the active points and
/// the merchants they come from, the sanctions, and how the totals and sanctions
/// follow from the rules.
public enum IntegrityRecords {
    /// The record of `buyerID`'s cases as of `asOf`, each moment of the ladder judged by
    /// the rule set of `ruleSets` in force then; `ruleSet` (in force at `asOf`) explains
    /// the thresholds. Without history only active entries and sanctions are listed; a
    /// viewing merchant sees only its own store's entries and store limits.
    /// `appealDeadlines` (complaint id → last moment to appeal) are those of the
    /// cases that may still be appealed.
    public static func record(
        buyerID: String, cases: [ConfirmedCase], ruleSets: [RuleSet], ruleSet: RuleSet, asOf: ProtoTimestamp,
        includeHistory: Bool, viewingMerchant: String? = nil, appealDeadlines: [String: ProtoTimestamp] = [:]
    ) -> IntegrityRecord {
        var record = IntegrityRecord()
        record.buyerId = buyerID
        record.asOf = asOf
        let (points, merchants) = Ledger.activePoints(cases, at: asOf)
        record.activePoints = points
        record.distinctMerchants = Int32(merchants)
        record.confirmedCaseCount = Int32(cases.count { !$0.reversed })
        let sanctions = Sanctions.sanctions(for: cases, ruleSets: ruleSets, now: asOf)
        let lookback = ruleSet.sanctions?.platformPurchaseLimit?.repeatLookback
        let lookbackStart = adding(lookback.map { ProtoDuration(seconds: -$0.seconds, nanos: -$0.nanos) }, to: asOf)
        record.platformLimitsInLookback = Int32(sanctions.count {
            $0.kind == .platformPurchaseLimit && ($0.startsAt.map { $0 > lookbackStart } ?? false)
        })
        let visible = { (merchantID: String) in viewingMerchant.map { $0 == merchantID } ?? true }
        record.entries = cases.filter { visible($0.merchantID) }.map { Ledger.entry($0, now: asOf) }
            .filter { includeHistory || $0.state == .active }
            .sorted { ($0.createdAt?.seconds ?? 0, $0.entryId) > ($1.createdAt?.seconds ?? 0, $1.entryId) }
        record.sanctions = sanctions
            .filter { includeHistory || $0.state == .active }
            .filter { viewingMerchant == nil || $0.kind != .storePurchaseLimit || visible($0.merchantId) }
            .sorted { ($0.state == .active ? 0 : 1, -($0.startsAt?.seconds ?? 0)) < ($1.state == .active ? 0 : 1, -($1.startsAt?.seconds ?? 0)) }
        record.complaintIds = cases.filter { visible($0.merchantID) }.map(\.complaintID).sorted()
        record.lines = record.entries.map { entryLine($0, appealDueAt: appealDeadlines[$0.complaintId], asOf: asOf) }
            + record.sanctions.map(sanctionLine)

        var why = ExplanationBuilder(ruleSet: ruleSet, now: asOf)
        let pointFacts = [
            UsedFact.int("buyer.active_points", points, unit: .points),
            UsedFact.int("buyer.distinct_merchants", merchants, unit: .count),
        ]
        why.hit(
            "integrity.ledger.active_points", fired: points > 0, facts: pointFacts,
            sentence: "\(points) active points from \(merchants) merchants; each entry counts for \(durationText(ruleSet.clocks?.pointExpiry ?? ProtoDuration())).")
        if let platform = ruleSet.sanctions?.platformPurchaseLimit {
            let over = points >= platform.minActivePoints && merchants >= platform.minDistinctMerchants
            why.hit(
                platform.ruleId, fired: over, facts: pointFacts,
                sentence: "A platform purchase limit needs \(platform.minActivePoints) points from \(platform.minDistinctMerchants) merchants"
                    + (over ? ": reached." : ": not reached."))
        }
        if let autoReject = ruleSet.sanctions?.afterSalesAutoReject {
            let over = points >= autoReject.minActivePoints
            why.hit(
                autoReject.ruleId, fired: over, facts: pointFacts,
                sentence: "After-sales auto-reject applies from \(autoReject.minActivePoints) points" + (over ? ": reached." : ": not reached."))
        }
        let active = sanctions.count { $0.state == .active }
        record.explanation = why.finish(
            summary: "\(points) active points, \(record.confirmedCaseCount) confirmed cases, \(active) sanctions in force.")
        return record
    }

    /// An entry as the buyer reads it: what was confirmed, by which store, the
    /// points and until when, and until when it may be appealed.
    static func entryLine(_ entry: LedgerEntry, appealDueAt: ProtoTimestamp?, asOf: ProtoTimestamp) -> RecordLine {
        var line = RecordLine()
        line.entryId = entry.entryId
        line.complaintId = entry.complaintId
        line.merchantId = entry.merchantId
        line.complaintType = entry.type
        line.ruleId = "integrity.ledger.points"
        line.points = entry.points
        line.expiresAt = entry.expiresAt
        let open = appealDueAt.flatMap { $0 > asOf ? $0 : nil }
        line.appealDueAt = open
        let type = shortName(entry.type, prefix: "COMPLAINT_TYPE_")
        let state = shortName(entry.state, prefix: "LEDGER_ENTRY_STATE_").lowercased()
        line.sentence = "Store \(entry.merchantId)'s \(type) complaint \(entry.complaintId) was confirmed"
            + (entry.createdAt.map { " on \(timeText($0))" } ?? "") + ": \(entry.points) points (\(state))"
            + (entry.expiresAt.map { ", counting until \(timeText($0))" } ?? "")
            + (open.map { ". You may appeal until \(timeText($0))." } ?? ". It can no longer be appealed.")
        return line
    }

    /// A sanction as the buyer reads it: what it stops, where, until when, and the rule.
    static func sanctionLine(_ sanction: Sanction) -> RecordLine {
        var line = RecordLine()
        line.sanctionId = sanction.sanctionId
        line.merchantId = sanction.merchantId
        line.complaintId = sanction.causeComplaintIds.first ?? ""
        line.ruleId = sanction.explanation?.hits.first { $0.fired }?.ruleId ?? ""
        line.expiresAt = sanction.endsAt
        let kind = shortName(sanction.kind, prefix: "SANCTION_KIND_")
        let place = sanction.merchantId.isEmpty ? "" : " at store \(sanction.merchantId)"
        let end = sanction.openEnded ? "while the points stay at the threshold" : sanction.endsAt.map { "until \(timeText($0))" } ?? ""
        line.sentence = "\(kind)\(place), \(shortName(sanction.state, prefix: "SANCTION_STATE_").lowercased()), \(end)"
            + (line.ruleId.isEmpty ? "." : " (rule \(line.ruleId)).")
        return line
    }
}
