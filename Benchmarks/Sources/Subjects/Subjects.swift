import ProtectionMessages
import ProtoWire

/// The codec subjects: one complaint with evidence (about 500 bytes, every
/// field kind: strings with non-ASCII text, int64, enums, repeated nested
/// messages, a map, a oneof, timestamps) and a page of 100 complaints.
public enum Subjects {
    static func ts(_ s: Int64, _ n: Int32 = 0) -> ProtoTimestamp { ProtoTimestamp(seconds: s, nanos: n) }

    static func attachment(_ name: String, _ size: Int64) -> Attachment {
        var a = Attachment()
        a.uri = "oss://evidence/2025/01/" + name
        a.sha256Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        a.mediaType = "image/jpeg"
        a.sizeBytes = size
        return a
    }

    public static func complaint(_ i: Int = 0) -> Complaint {
        var c = Complaint()
        c.complaintId = "C-20250108-\(100_000 + i)"
        c.orderId = "O-3921-5521-\(7000 + i)"
        c.buyerId = "B-88120\(i % 10)"
        c.merchantId = "M-淘宝小店-0042"
        c.type = .fakeReturn
        c.state = .underReview
        c.source = .filed
        var details = FakeReturnDetails()
        details.returnShipmentId = "RS-5521-\(i)"
        details.pattern = .emptyParcel
        c.details = .fakeReturn(details)
        c.affectedQuantityByItemId = ["SKU-羊毛衫-L": 1, "SKU-围巾-01": 2]

        var photo = EvidenceItem()
        photo.evidenceId = "E-1"
        photo.caption = "退货包裹开箱：箱内为空"
        photo.capturedAt = ts(1_736_300_000)
        photo.submittedAt = ts(1_736_330_400, 500_000_000)
        var p = PhotoEvidence()
        p.image = attachment("unboxing-1.jpg", 482_113)
        p.subject = .parcelExterior
        photo.payload = .photo(p)

        var weight = EvidenceItem()
        weight.evidenceId = "E-2"
        weight.caption = "weight at dispatch vs at return"
        var w = WeightRecordEvidence()
        w.trackingNumber = "SF1234567890123"
        var out = WeightMeasurement()
        out.weightGrams = 1250
        out.weighedAt = ts(1_735_900_000)
        out.station = "杭州仓"
        var back = WeightMeasurement()
        back.weightGrams = 85
        back.weighedAt = ts(1_736_200_000)
        back.station = "return desk 3"
        w.atDispatch = out
        w.atReturn = back
        weight.payload = .weightRecord(w)
        c.evidence = [photo, weight]

        c.statement = "买家退回空包裹，申请仅退款。"
        c.merchantTierAtFiling = .a
        c.merchantScoreMilliAtFiling = 4850
        var by = ActorRef()
        by.role = .merchant
        by.principalId = "M-淘宝小店-0042"
        by.displayName = "店主"
        c.filedBy = by
        c.filedAt = ts(1_736_330_400)
        c.updatedAt = ts(1_736_331_000)
        c.reviewDueAt = ts(1_736_503_200)
        c.revision = 3
        c.ruleSetVersion = 7
        var hit = RuleHit()
        hit.ruleId = "integrity.tier.a"
        hit.fired = true
        var fact = FactUsed()
        fact.name = "merchant_score_milli"
        fact.unit = .scoreThousandths
        fact.value = .intValue(4850)
        hit.facts = [fact]
        hit.sentence = "Tier A merchants may file every complaint type."
        var e = Explanation()
        e.ruleSetVersion = 7
        e.hits = [hit]
        c.explanation = e
        return c
    }

    public static func complaintPage() -> ListComplaintsResponse {
        var page = ListComplaintsResponse()
        page.complaints = (0..<100).map(complaint)
        var info = PageInfo()
        info.nextPageToken = "eyJhZnRlciI6IkMtMjAyNTAxMDgtMTAwMDk5In0"
        info.totalSize = 12_345
        page.page = info
        return page
    }
}
