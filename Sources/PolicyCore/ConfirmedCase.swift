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
    /// Points, fixed by the rule set that judged the case.
    public var points: Int32
    public var confirmedAt: ProtoTimestamp
    /// When the points stop counting (exclusive).
    public var expiresAt: ProtoTimestamp
    /// The merchant's tier when the complaint was filed.
    public var merchantTier: Tier
    /// The merchant asked for a store-level ordering restriction (and its tier could).
    public var storeLimitRequested: Bool
    /// Overturned on appeal: as if it had never been confirmed.
    public var reversed: Bool
    /// When it was overturned; nil unless reversed.
    public var reversedAt: ProtoTimestamp?
    /// The rule-set version that set its points and expiry.
    public var ruleSetVersion: Int64

    public init(
        complaintID: String, orderID: String = "", buyerID: String, merchantID: String, type: ComplaintType,
        points: Int32, confirmedAt: ProtoTimestamp, expiresAt: ProtoTimestamp, merchantTier: Tier,
        storeLimitRequested: Bool, reversed: Bool = false, reversedAt: ProtoTimestamp? = nil, ruleSetVersion: Int64 = 0
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
        self.reversedAt = reversedAt
        self.ruleSetVersion = ruleSetVersion
    }

    /// Counts at `time`: confirmed, not yet expired, not overturned. The expiry is exclusive.
    public func isActive(at time: ProtoTimestamp) -> Bool { !reversed && confirmedAt <= time && time < expiresAt }

    /// The case a stored complaint stands for, judged by `ruleSet` (the one in force
    /// when it was filed): nil for a complaint that was never confirmed. An
    /// overturned complaint is a reversed case.
    public init?(complaint: Complaint, ruleSet: RuleSet) {
        let states: Set<ComplaintState> = [.confirmed, .appealed, .upheld, .overturned]
        guard states.contains(complaint.state),
            let confirmation = complaint.decisions.last(where: { $0.verdict == .confirm }),
            let confirmedAt = confirmation.decidedAt
        else { return nil }
        self = Ledger.confirm(
            complaintID: complaint.complaintId, orderID: complaint.orderId, buyerID: complaint.buyerId,
            merchantID: complaint.merchantId, type: complaint.type, at: confirmedAt,
            merchantTier: complaint.merchantTierAtFiling, storeLimitRequested: complaint.storePurchaseLimitRequested,
            ruleSet: ruleSet)
        if complaint.state == .overturned {
            reversed = true
            reversedAt = complaint.appeal?.decidedAt ?? complaint.updatedAt
        }
    }
}
