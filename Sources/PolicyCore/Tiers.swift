import ProtectionMessages

/// A merchant's tier, derived from its experience score and the rule set's thresholds.
public enum TierPolicy {
    /// The tier rule a score falls in: the first (highest) tier whose threshold the
    /// score reaches. Nil only for a rule set without a tier starting at 0, which
    /// validation refuses.
    public static func tier(scoreMilli: Int32, in ruleSet: RuleSet) -> TierRule? {
        ruleSet.tiers.first { scoreMilli >= $0.minScoreMilli }
    }
}

extension EvidenceItem {
    /// The kind of evidence an item is, from its payload (and a video's kind);
    /// unspecified for an item with no payload.
    public var kind: EvidenceKind {
        switch payload {
        case .photo: .photo
        case .video(let video):
            switch video.videoKind {
            case .unboxing: .videoUnboxing
            case .packing: .videoPacking
            default: .videoOther
            }
        case .logisticsRecord: .logisticsRecord
        case .weightRecord: .weightRecord
        case .serialNumberRecord: .serialNumberRecord
        case .chatLog: .chatLog
        case nil: .unspecified
        }
    }
}

extension FileComplaintRequest {
    /// The complaint type the request's details imply; nil without details.
    public var complaintType: ComplaintType? {
        switch details {
        case .abnormalRefundOnly: .abnormalRefundOnly
        case .returnSwap: .returnSwap
        case .fakeReturn: .fakeReturn
        case .fakeImageEvidence: .fakeImageEvidence
        case .fakeVoucher: .fakeVoucher
        case nil: nil
        }
    }
}
