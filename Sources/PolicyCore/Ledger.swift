import ProtectionMessages
import ProtoWire

/// The integrity ledger: points by complaint type, expiring after the rule set's period.
public enum Ledger {
    /// The case a confirmation records, with points and expiry from `ruleSet`.
    public static func confirm(
        complaintID: String, orderID: String = "", buyerID: String, merchantID: String, type: ComplaintType,
        at time: ProtoTimestamp, merchantTier: Tier, storeLimitRequested: Bool, ruleSet: RuleSet
    ) -> ConfirmedCase {
        let points = ruleSet.complaintTypes.first { $0.type == type }?.points ?? 0
        return ConfirmedCase(
            complaintID: complaintID, orderID: orderID, buyerID: buyerID, merchantID: merchantID, type: type,
            points: points, confirmedAt: time, expiresAt: adding(ruleSet.clocks?.pointExpiry, to: time),
            merchantTier: merchantTier, storeLimitRequested: storeLimitRequested, ruleSetVersion: ruleSet.version)
    }

    /// The ledger entry a case shows as at `now`.
    public static func entry(_ confirmed: ConfirmedCase, now: ProtoTimestamp) -> LedgerEntry {
        var entry = LedgerEntry()
        entry.entryId = entryID(complaintID: confirmed.complaintID)
        entry.buyerId = confirmed.buyerID
        entry.merchantId = confirmed.merchantID
        entry.complaintId = confirmed.complaintID
        entry.orderId = confirmed.orderID
        entry.type = confirmed.type
        entry.points = confirmed.points
        entry.state = confirmed.reversed ? .reversed : now >= confirmed.expiresAt ? .expired : .active
        entry.createdAt = confirmed.confirmedAt
        entry.expiresAt = confirmed.expiresAt
        if confirmed.reversed { entry.reversedAt = confirmed.reversedAt ?? now }
        entry.ruleSetVersion = confirmed.ruleSetVersion
        return entry
    }

    /// The id of the entry a confirmed complaint creates.
    public static func entryID(complaintID: String) -> String { "L-\(complaintID)" }

    /// Active points at `time` and the distinct merchants they come from.
    public static func activePoints(_ cases: [ConfirmedCase], at time: ProtoTimestamp) -> (points: Int32, merchants: Int) {
        let active = cases.filter { $0.isActive(at: time) }
        return (active.reduce(0) { $0 + $1.points }, Set(active.map(\.merchantID)).count)
    }
}
