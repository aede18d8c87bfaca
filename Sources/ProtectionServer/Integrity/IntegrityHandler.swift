import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.IntegrityService`: complaints, review and appeal, the
/// buyer's record, sanctions, the hot-path checks and the sanction watch. Thin:
/// each method reads what it needs, asks PolicyCore, and commits one change.
public struct IntegrityHandler: IntegrityService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    static let maxStatement = 2_000

    /// A complaint the caller may see, or NOT_FOUND (another party's answers the same).
    func visibleComplaint(_ id: String, caller: Caller) async throws -> Complaint {
        guard !id.isEmpty else { throw ServiceError.invalid("complaint_id", "is required") }
        return try caller.visible(
            try await core.storeCall({ try await core.store.complaint(id: id) }), merchantID: \.merchantId,
            buyerID: \.buyerId, notFound: "No complaint '\(id)' is visible to this caller.")
    }

    /// ABORTED when the caller saw another revision (0 skips the check).
    func checkRevision(_ expected: Int64, of complaint: Complaint) throws {
        if expected != 0, expected != complaint.revision {
            throw ServiceError.staleRevision(expected: expected, current: complaint.revision, of: "Complaint \(complaint.complaintId)")
        }
    }

    /// The rule set a complaint is judged by: the one in force when it was filed.
    func ruleSet(of complaint: Complaint) -> RuleSet {
        core.catalog.judging(version: complaint.ruleSetVersion, at: complaint.filedAt)
    }

    /// Evidence as stored: each item checked, given an id, the time it arrived and
    /// who sent it.
    static func received(
        _ items: [EvidenceItem], field: String, numberedFrom first: Int, owner: String, mutation: Mutation,
        check: inout FieldCheck
    ) -> [EvidenceItem] {
        items.enumerated().map { offset, item in
            let path = "\(field)[\(offset)]"
            check.require(item.payload != nil, path, "has no content (photo, video, logistics record, ...)")
            check.length(item.caption, max: 500, "\(path).caption")
            for (attachment, name) in item.attachments {
                check.require(!attachment.uri.isEmpty, "\(path).\(name).uri", "is required")
                check.require(
                    attachment.sha256Hex.count == 64 && attachment.sha256Hex.allSatisfy(\.isHexDigit)
                        && attachment.sha256Hex == attachment.sha256Hex.lowercased(),
                    "\(path).\(name).sha256_hex", "must be 64 lower-case hex digits")
            }
            var stored = item
            stored.evidenceId = "\(owner)-E\(first + offset)"
            stored.submittedAt = mutation.now
            stored.submittedBy = mutation.caller.actor
            return stored
        }
    }

    /// The complaint written after a change, its revision one higher, under a guard on
    /// the revision the decision read.
    static func change(
        from before: Complaint?, to after: Complaint, _ action: AuditAction, reason: String, mutation: Mutation,
        ruleSetVersion: Int64
    ) -> (Guard, LogEntry, Complaint) {
        var after = after
        after.revision = (before?.revision ?? 0) + 1
        after.updatedAt = mutation.now
        let entry = LogEntry(
            event: mutation.event(
                .complaint, after.complaintId, action, from: before?.state.protoName ?? "", to: after.state.protoName ?? "",
                reason: reason, merchant: after.merchantId, buyer: after.buyerId, explanation: after.explanation),
            record: .complaint(after), ruleSetVersion: ruleSetVersion)
        return (Guard("complaint/\(after.complaintId)", revision: before?.revision ?? 0), entry, after)
    }
}

extension EvidenceItem {
    /// The files an item refers to, with the field each is in.
    var attachments: [(Attachment, String)] {
        switch payload {
        case .photo(let photo): photo.image.map { [($0, "photo.image")] } ?? []
        case .video(let video): video.video.map { [($0, "video.video")] } ?? []
        case .logisticsRecord(let record): record.proof.map { [($0, "logistics_record.proof")] } ?? []
        case .weightRecord(let record):
            [record.atDispatch?.proof.map { ($0, "weight_record.at_dispatch.proof") },
             record.atReturn?.proof.map { ($0, "weight_record.at_return.proof") }].compactMap { $0 }
        case .serialNumberRecord(let record): record.proof.map { [($0, "serial_number_record.proof")] } ?? []
        case .chatLog(let log): log.export.map { [($0, "chat_log.export")] } ?? []
        case nil: []
        }
    }
}
