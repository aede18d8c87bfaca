import ProtectionMessages
import ProtoWire

/// A confirmed integrity case as the ledger and the sanction ladder read it.
public struct ConfirmedCase: Sendable, Hashable {
    public var complaintID: String
    /// The order complained about.
    public var orderID: String
    public var buyerID: String
    public var merchantID: String
    public var type: ComplaintType
    /// Points, fixed by the rule set in force at confirmation.
    public var points: Int32
    /// Seconds since the epoch.
    public var confirmedAt: Int64
    public var expiresAt: Int64
    /// The merchant's tier when the complaint was filed.
    public var merchantTier: Tier
    /// The merchant asked for a store-level ordering restriction.
    public var storeLimitRequested: Bool
    /// Overturned on appeal: as if it had never been confirmed.
    public var reversed: Bool

    public init(
        complaintID: String, orderID: String = "", buyerID: String, merchantID: String, type: ComplaintType,
        points: Int32, confirmedAt: Int64, expiresAt: Int64, merchantTier: Tier, storeLimitRequested: Bool,
        reversed: Bool = false
    ) {
        self.complaintID = complaintID
        self.orderID = orderID
        self.buyerID = buyerID
        self.merchantID = merchantID
        self.type = type
        self.points = points
        self.confirmedAt = confirmedAt
        self.expiresAt = expiresAt
        self.merchantTier = merchantTier
        self.storeLimitRequested = storeLimitRequested
        self.reversed = reversed
    }

    /// Counts at `time`: confirmed, not yet expired, not overturned.
    public func isActive(at time: Int64) -> Bool { !reversed && confirmedAt <= time && time < expiresAt }
}

/// The integrity ledger: points by complaint type, expiring after the rule set's period.
public enum Ledger {
    /// The case a confirmation records, with points and expiry from `ruleSet`.
    public static func confirm(
        complaintID: String, orderID: String = "", buyerID: String, merchantID: String, type: ComplaintType,
        at time: Int64, merchantTier: Tier, storeLimitRequested: Bool, ruleSet: RuleSet
    ) -> ConfirmedCase {
        let points = ruleSet.complaintTypes.first { $0.type == type }?.points ?? 0
        let expiry = ruleSet.clocks?.pointExpiry?.seconds ?? 0
        return ConfirmedCase(
            complaintID: complaintID, orderID: orderID, buyerID: buyerID, merchantID: merchantID, type: type, points: points,
            confirmedAt: time, expiresAt: time + expiry, merchantTier: merchantTier, storeLimitRequested: storeLimitRequested)
    }

    /// The ledger entry a case shows as at `now`.
    public static func entry(_ confirmed: ConfirmedCase, ruleSetVersion: Int64, now: Int64) -> LedgerEntry {
        var entry = LedgerEntry()
        entry.entryId = "L-\(confirmed.complaintID)"
        entry.buyerId = confirmed.buyerID
        entry.merchantId = confirmed.merchantID
        entry.complaintId = confirmed.complaintID
        entry.orderId = confirmed.orderID
        entry.type = confirmed.type
        entry.points = confirmed.points
        entry.state = confirmed.reversed ? .reversed : now >= confirmed.expiresAt ? .expired : .active
        entry.createdAt = ProtoTimestamp(seconds: confirmed.confirmedAt, nanos: 0)
        entry.expiresAt = ProtoTimestamp(seconds: confirmed.expiresAt, nanos: 0)
        entry.ruleSetVersion = ruleSetVersion
        return entry
    }

    /// Active points at `time` and the distinct merchants they come from.
    public static func activePoints(_ cases: [ConfirmedCase], at time: Int64) -> (points: Int32, merchants: Int) {
        let active = cases.filter { $0.isActive(at: time) }
        return (active.reduce(0) { $0 + $1.points }, Set(active.map(\.merchantID)).count)
    }
}
