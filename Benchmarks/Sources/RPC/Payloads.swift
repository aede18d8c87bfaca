import ProtectionMessages
import ProtoWire
import Subjects

/// The bytes every subject sends and answers, built once from the codec subject.
enum Payloads {
    /// `FileComplaintRequest` carrying the content of `Subjects.complaint()`: its
    /// order, details, quantities, evidence (with a second unboxing photo) and
    /// statement, under an idempotency key made from the complaint id.
    static func request() -> FileComplaintRequest {
        let c = Subjects.complaint()
        var r = FileComplaintRequest()
        r.idempotencyKey = "K-" + c.complaintId
        r.orderId = c.orderId
        if case .fakeReturn(let details) = c.details { r.details = .fakeReturn(details) }
        r.affectedQuantityByItemId = c.affectedQuantityByItemId
        var secondPhoto = c.evidence[0]
        secondPhoto.evidenceId = "E-3"
        if case .photo(var photo) = secondPhoto.payload {
            photo.image?.uri = "oss://evidence/2025/01/unboxing-2.jpg"
            secondPhoto.payload = .photo(photo)
        }
        r.evidence = c.evidence + [secondPhoto]
        r.statement = c.statement
        r.requestStorePurchaseLimit = true
        return r
    }

    /// The reply: the stored complaint reduced to its identity and state.
    static func response() -> FileComplaintResponse {
        let c = Subjects.complaint()
        var stored = Complaint()
        stored.complaintId = c.complaintId
        stored.type = c.type
        stored.state = .submitted
        stored.source = c.source
        stored.revision = 1
        var r = FileComplaintResponse()
        r.complaint = stored
        return r
    }

    static let requestBytes: [UInt8] = request().serializedBytes()
    static let responseBytes: [UInt8] = response().serializedBytes()
}
