import CoreMetrics
import Foundation
import ProtectionMessages
import ProtectionStore
import ProtoWire
import Testing

/// A database the shared store suite runs against. PostgreSQL joins as a second case.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite

    var testDescription: String { rawValue }

    /// A store over a fresh database in `folder`.
    func open(in folder: URL, metrics: (any MetricsFactory)? = nil) throws -> any ProtectionStore {
        switch self {
        case .sqlite:
            var configuration = SQLiteStore.Configuration(path: folder.appendingPathComponent("protection.sqlite").path)
            configuration.metrics = metrics
            return try SQLiteStore(configuration: configuration)
        }
    }
}

/// A temporary folder, removed afterwards.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// Runs `body` with `store`'s writer running; closes the store afterwards.
func withRunning<T: Sendable>(
    _ store: any ProtectionStore, _ body: @Sendable (any ProtectionStore) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await store.run()
            return nil
        }
        do {
            let result = try await body(store)
            store.close()
            try await group.waitForAll()
            return result
        } catch {
            store.close()
            group.cancelAll()
            throw error
        }
    }
}

/// A fresh store of `backend`, running, for the length of `body`.
func withStore<T: Sendable>(
    _ backend: Backend, metrics: (any MetricsFactory)? = nil, _ body: @Sendable (any ProtectionStore) async throws -> T
) async throws -> T {
    try await withTemporaryFolder { folder in
        try await withRunning(try backend.open(in: folder, metrics: metrics), body)
    }
}

func ts(_ seconds: Int64) -> ProtoTimestamp { ProtoTimestamp(seconds: seconds, nanos: 0) }

/// An audit event about one record.
func event(
    _ kind: AuditSubjectKind, _ id: String, _ action: AuditAction = .created, at seconds: Int64 = 1_767_225_600,
    merchant: String = "", buyer: String = "", key: String = ""
) -> AuditEvent {
    var event = AuditEvent()
    event.subjectKind = kind
    event.subjectId = id
    event.action = action
    event.occurredAt = ts(seconds)
    event.merchantId = merchant
    event.buyerId = buyer
    event.idempotencyKey = key
    event.method = "protection.v1.Test/Write"
    var actor = ActorRef()
    actor.role = .merchant
    actor.principalId = merchant.isEmpty ? "tester" : merchant
    event.actor = actor
    return event
}

func complaint(_ id: String, order: String = "O-1", buyer: String = "B-1", merchant: String = "M-1",
               type: ComplaintType = .fakeReturn, state: ComplaintState = .submitted, filed: Int64 = 1_767_225_600) -> Complaint {
    var complaint = Complaint()
    complaint.complaintId = id
    complaint.orderId = order
    complaint.buyerId = buyer
    complaint.merchantId = merchant
    complaint.type = type
    complaint.state = state
    complaint.filedAt = ts(filed)
    complaint.reviewDueAt = ts(filed + 48 * 3_600)
    complaint.revision = 1
    return complaint
}

/// A change that logs and stores `complaint`.
func filing(_ complaint: Complaint, key: String = "", guards: [Guard] = []) -> StoreChange {
    StoreChange(
        idempotency: key.isEmpty ? nil : Idempotency(scope: "merchant:\(complaint.merchantId)", key: key, requestHash: Array(complaint.orderId.utf8)),
        guards: guards,
        log: [LogEntry(event: event(.complaint, complaint.complaintId, merchant: complaint.merchantId, buyer: complaint.buyerId, key: key),
                       record: .complaint(complaint), ruleSetVersion: 1)],
        response: { sequences in Array("filed \(complaint.complaintId) at \(sequences)".utf8) })
}

func order(_ id: String, buyer: String, merchant: String, paid: Int64, amount: Int64 = 10_000) -> Fact {
    var order = OrderFact()
    order.orderId = id
    order.buyerId = buyer
    order.merchantId = merchant
    order.paidAt = ts(paid)
    var money = Money()
    money.amountMinor = amount
    money.currency = "CNY"
    order.paidAmount = money
    order.status = .paid
    var fact = Fact()
    fact.sourceService = "order-service"
    fact.sourceRevision = 1
    fact.payload = .order(order)
    return fact
}

func storing(_ facts: [Fact]) -> StoreChange {
    StoreChange(log: facts.map { fact in
        LogEntry(event: event(.fact, "\(fact.storeKey!.kind.rawValue)/\(fact.storeKey!.id)"), record: .fact(fact))
    })
}
