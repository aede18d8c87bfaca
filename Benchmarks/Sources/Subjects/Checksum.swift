import ProtectionMessages
import ProtoWire

/// Reads every field of a decoded subject into a number, so no decoder can
/// be lazy and nothing is optimised away. The swift-protobuf peer has the same
/// function over its own types.
public enum Checksum {
    @inline(__always) static func mix(_ h: inout UInt64, _ v: UInt64) { h = (h ^ v) &* 0x100_0000_01B3 }
    @inline(__always) static func mix(_ h: inout UInt64, _ s: String) { mix(&h, UInt64(s.utf8.count) &+ UInt64(s.utf8.first ?? 0)) }
    @inline(__always) static func mix(_ h: inout UInt64, _ t: ProtoTimestamp?) {
        if let t { mix(&h, UInt64(bitPattern: t.seconds) &+ UInt64(t.nanos)) }
    }

    static func mix(_ h: inout UInt64, _ a: Attachment?) {
        guard let a else { return }
        mix(&h, a.uri); mix(&h, a.sha256Hex); mix(&h, a.mediaType); mix(&h, UInt64(bitPattern: a.sizeBytes))
    }

    static func mix(_ h: inout UInt64, _ m: WeightMeasurement?) {
        guard let m else { return }
        mix(&h, UInt64(bitPattern: m.weightGrams)); mix(&h, m.weighedAt); mix(&h, m.station); mix(&h, m.proof)
    }

    static func mix(_ h: inout UInt64, _ a: ActorRef?) {
        guard let a else { return }
        mix(&h, UInt64(a.role.rawValue)); mix(&h, a.principalId); mix(&h, a.displayName)
    }

    static func mix(_ h: inout UInt64, _ e: EvidenceItem) {
        mix(&h, e.evidenceId); mix(&h, e.caption); mix(&h, e.capturedAt); mix(&h, e.submittedAt); mix(&h, e.submittedBy)
        switch e.payload {
        case .photo(let p)?: mix(&h, p.image); mix(&h, UInt64(p.subject.rawValue))
        case .weightRecord(let w)?: mix(&h, w.trackingNumber); mix(&h, w.atDispatch); mix(&h, w.atReturn)
        case .video(let v)?: mix(&h, v.video); mix(&h, UInt64(v.videoKind.rawValue))
        case .logisticsRecord?, .serialNumberRecord?, .chatLog?: mix(&h, 1)
        case nil: break
        }
    }

    static func mix(_ h: inout UInt64, _ e: Explanation?) {
        guard let e else { return }
        mix(&h, UInt64(bitPattern: e.ruleSetVersion)); mix(&h, e.ruleSetEffectiveAt); mix(&h, e.evaluatedAt)
        mix(&h, e.summary); mix(&h, e.usesDraftRules ? 1 : 0)
        for hit in e.hits {
            mix(&h, hit.ruleId); mix(&h, hit.fired ? 1 : 0); mix(&h, hit.sentence)
            for f in hit.facts {
                mix(&h, f.name); mix(&h, UInt64(f.unit.rawValue)); mix(&h, f.sourceRef)
                switch f.value {
                case .intValue(let v)?: mix(&h, UInt64(bitPattern: v))
                case .stringValue(let v)?: mix(&h, v)
                case .boolValue(let v)?: mix(&h, v ? 1 : 0)
                case .moneyValue(let v)?: mix(&h, UInt64(bitPattern: v.amountMinor)); mix(&h, v.currency)
                case .timeValue(let v)?: mix(&h, v)
                case .durationValue(let v)?: mix(&h, UInt64(bitPattern: v.seconds))
                case nil: break
                }
            }
        }
    }

    public static func of(_ c: Complaint) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        mix(&h, c.complaintId); mix(&h, c.orderId); mix(&h, c.buyerId); mix(&h, c.merchantId)
        mix(&h, UInt64(c.type.rawValue)); mix(&h, UInt64(c.state.rawValue)); mix(&h, UInt64(c.source.rawValue))
        mix(&h, c.externalRef)
        switch c.details {
        case .fakeReturn(let d)?: mix(&h, d.returnShipmentId); mix(&h, UInt64(d.pattern.rawValue))
        case .abnormalRefundOnly?, .returnSwap?, .fakeImageEvidence?, .fakeVoucher?: mix(&h, 1)
        case nil: break
        }
        // Maps have no order: entries are summed.
        var entries: UInt64 = 0
        for (k, v) in c.affectedQuantityByItemId { entries &+= UInt64(k.utf8.count) &* 31 &+ UInt64(k.utf8.first ?? 0) &+ UInt64(v) }
        mix(&h, entries)
        for e in c.evidence { mix(&h, e) }
        mix(&h, c.statement); mix(&h, c.storePurchaseLimitRequested ? 1 : 0)
        mix(&h, UInt64(c.merchantTierAtFiling.rawValue)); mix(&h, UInt64(c.merchantScoreMilliAtFiling))
        mix(&h, c.manualReviewRequired ? 1 : 0); mix(&h, c.filedBy)
        mix(&h, c.filedAt); mix(&h, c.updatedAt); mix(&h, c.reviewDueAt); mix(&h, c.evidenceDueAt); mix(&h, c.appealDueAt)
        mix(&h, c.assignedReviewer)
        mix(&h, UInt64(c.decisions.count)); mix(&h, UInt64(c.requestedEvidence.count))
        mix(&h, c.appeal == nil ? 0 : 1); mix(&h, UInt64(c.consequences.count))
        mix(&h, c.ledgerEntryId); for s in c.sanctionIds { mix(&h, s) }
        mix(&h, UInt64(bitPattern: c.revision)); mix(&h, UInt64(bitPattern: c.ruleSetVersion))
        mix(&h, c.explanation)
        return h
    }

    public static func of(_ page: ListComplaintsResponse) -> UInt64 {
        var h: UInt64 = 0
        for c in page.complaints { mix(&h, of(c)) }
        if let p = page.page { mix(&h, p.nextPageToken); mix(&h, UInt64(bitPattern: p.totalSize)) }
        return h
    }
}
