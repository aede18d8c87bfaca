import SwiftProtobuf

/// The same checksum as `Subjects.Checksum`, over swift-protobuf's types.
public enum PeerChecksum {
    @inline(__always) static func mix(_ h: inout UInt64, _ v: UInt64) { h = (h ^ v) &* 0x100_0000_01B3 }
    @inline(__always) static func mix(_ h: inout UInt64, _ s: String) { mix(&h, UInt64(s.utf8.count) &+ UInt64(s.utf8.first ?? 0)) }
    @inline(__always) static func mix(_ h: inout UInt64, _ has: Bool, _ t: Google_Protobuf_Timestamp) {
        if has { mix(&h, UInt64(bitPattern: t.seconds) &+ UInt64(t.nanos)) }
    }

    static func mix(_ h: inout UInt64, _ has: Bool, _ a: Protection_V1_Attachment) {
        guard has else { return }
        mix(&h, a.uri); mix(&h, a.sha256Hex); mix(&h, a.mediaType); mix(&h, UInt64(bitPattern: a.sizeBytes))
    }

    static func mix(_ h: inout UInt64, _ has: Bool, _ m: Protection_V1_WeightMeasurement) {
        guard has else { return }
        mix(&h, UInt64(bitPattern: m.weightGrams)); mix(&h, m.hasWeighedAt, m.weighedAt); mix(&h, m.station)
        mix(&h, m.hasProof, m.proof)
    }

    static func mix(_ h: inout UInt64, _ has: Bool, _ a: Protection_V1_ActorRef) {
        guard has else { return }
        mix(&h, UInt64(a.role.rawValue)); mix(&h, a.principalID); mix(&h, a.displayName)
    }

    static func mix(_ h: inout UInt64, _ e: Protection_V1_EvidenceItem) {
        mix(&h, e.evidenceID); mix(&h, e.caption); mix(&h, e.hasCapturedAt, e.capturedAt)
        mix(&h, e.hasSubmittedAt, e.submittedAt); mix(&h, e.hasSubmittedBy, e.submittedBy)
        switch e.payload {
        case .photo(let p)?: mix(&h, p.hasImage, p.image); mix(&h, UInt64(p.subject.rawValue))
        case .weightRecord(let w)?:
            mix(&h, w.trackingNumber); mix(&h, w.hasAtDispatch, w.atDispatch); mix(&h, w.hasAtReturn, w.atReturn)
        case .video(let v)?: mix(&h, v.hasVideo, v.video); mix(&h, UInt64(v.videoKind.rawValue))
        case .logisticsRecord?, .serialNumberRecord?, .chatLog?: mix(&h, 1)
        case nil: break
        }
    }

    static func mix(_ h: inout UInt64, _ has: Bool, _ e: Protection_V1_Explanation) {
        guard has else { return }
        mix(&h, UInt64(bitPattern: e.ruleSetVersion)); mix(&h, e.hasRuleSetEffectiveAt, e.ruleSetEffectiveAt)
        mix(&h, e.hasEvaluatedAt, e.evaluatedAt); mix(&h, e.summary); mix(&h, e.usesDraftRules ? 1 : 0)
        for hit in e.hits {
            mix(&h, hit.ruleID); mix(&h, hit.fired ? 1 : 0); mix(&h, hit.sentence)
            for f in hit.facts {
                mix(&h, f.name); mix(&h, UInt64(f.unit.rawValue)); mix(&h, f.sourceRef)
                switch f.value {
                case .intValue(let v)?: mix(&h, UInt64(bitPattern: v))
                case .stringValue(let v)?: mix(&h, v)
                case .boolValue(let v)?: mix(&h, v ? 1 : 0)
                case .moneyValue(let v)?: mix(&h, UInt64(bitPattern: v.amountMinor)); mix(&h, v.currency)
                case .timeValue(let v)?: mix(&h, true, v)
                case .durationValue(let v)?: mix(&h, UInt64(bitPattern: v.seconds))
                case nil: break
                }
            }
        }
    }

    public static func of(_ c: Protection_V1_Complaint) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        mix(&h, c.complaintID); mix(&h, c.orderID); mix(&h, c.buyerID); mix(&h, c.merchantID)
        mix(&h, UInt64(c.type.rawValue)); mix(&h, UInt64(c.state.rawValue)); mix(&h, UInt64(c.source.rawValue))
        mix(&h, c.externalRef)
        switch c.details {
        case .fakeReturn(let d)?: mix(&h, d.returnShipmentID); mix(&h, UInt64(d.pattern.rawValue))
        case .abnormalRefundOnly?, .returnSwap?, .fakeImageEvidence?, .fakeVoucher?: mix(&h, 1)
        case nil: break
        }
        // Maps have no order: entries are summed.
        var entries: UInt64 = 0
        for (k, v) in c.affectedQuantityByItemID { entries &+= UInt64(k.utf8.count) &* 31 &+ UInt64(k.utf8.first ?? 0) &+ UInt64(v) }
        mix(&h, entries)
        for e in c.evidence { mix(&h, e) }
        mix(&h, c.statement); mix(&h, c.storePurchaseLimitRequested ? 1 : 0)
        mix(&h, UInt64(c.merchantTierAtFiling.rawValue)); mix(&h, UInt64(c.merchantScoreMilliAtFiling))
        mix(&h, c.manualReviewRequired ? 1 : 0); mix(&h, c.hasFiledBy, c.filedBy)
        mix(&h, c.hasFiledAt, c.filedAt); mix(&h, c.hasUpdatedAt, c.updatedAt); mix(&h, c.hasReviewDueAt, c.reviewDueAt)
        mix(&h, c.hasEvidenceDueAt, c.evidenceDueAt); mix(&h, c.hasAppealDueAt, c.appealDueAt)
        mix(&h, c.hasAssignedReviewer, c.assignedReviewer)
        mix(&h, UInt64(c.decisions.count)); mix(&h, UInt64(c.requestedEvidence.count))
        mix(&h, c.hasAppeal ? 1 : 0); mix(&h, UInt64(c.consequences.count))
        mix(&h, c.ledgerEntryID); for s in c.sanctionIds { mix(&h, s) }
        mix(&h, UInt64(bitPattern: c.revision)); mix(&h, UInt64(bitPattern: c.ruleSetVersion))
        mix(&h, c.hasExplanation, c.explanation)
        return h
    }

    public static func of(_ page: Protection_V1_ListComplaintsResponse) -> UInt64 {
        var h: UInt64 = 0
        for c in page.complaints { mix(&h, of(c)) }
        if page.hasPage { mix(&h, page.page.nextPageToken); mix(&h, UInt64(bitPattern: page.page.totalSize)) }
        return h
    }
}
