import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// What the server acknowledged survives a restart; the feed and the bulk import
/// answer item by item.
@Suite struct DurabilityEndToEndTests {
    @Test func afterARestartOnTheSameDirectoryEverythingIsThereAndTheChecksAnswerTheSame() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-restart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(dataDirectory: folder, time: Time.at(day: 1))
        try await server.start()
        let (complaint, check, record, events) = try await withClients(of: server) { _, clients in
            try await clients.report([Feed.merchant("M-1"), Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())])
            let decided = try await clients.confirmed(.fakeReturn, order: "O-1", merchant: "M-1", storeLimit: true)
            let check = try await clients.checkOrder("B-1", at: "M-1")
            #expect(!check.allowed)
            let events = try await clients.audit.listAuditEvents(ListAuditEventsRequest(), metadata: Principal.admin.metadata, options: callOptions).events
            return (decided.complaint!, check, try await clients.record("B-1"), events)
        }
        try await server.stop()
        try await server.start()
        do {
            try await withClients(of: server) { _, clients in
                #expect(try await clients.complaint(complaint.complaintId) == complaint)
                #expect(try await clients.checkOrder("B-1", at: "M-1") == check, "the index is rebuilt from the store")
                #expect(try await clients.record("B-1") == record)
                let again = try await clients.audit.listAuditEvents(ListAuditEventsRequest(), metadata: Principal.admin.metadata, options: callOptions).events
                #expect(again == events)
                // A retry of an acknowledged call still answers the first result.
                let retry = try await clients.file(.of(.fakeReturn, order: "O-1", key: "file-O-1-3", storeLimit: true), by: "M-1")
                #expect(retry.complaintId == complaint.complaintId && retry.revision == 1)
                // Numbering goes on where it stopped.
                try await clients.report([Feed.merchant("M-2")])
                var next = ListAuditEventsRequest()
                next.afterSequence = events.last!.sequence
                #expect(try await clients.audit.listAuditEvents(next, metadata: Principal.admin.metadata, options: callOptions).events.first?.sequence
                    == events.last!.sequence + 1)
            }
            try await server.stop()
        } catch {
            Issue.record("server log:\n\(server.log.suffix(4_000))")
            server.kill()
            throw error
        }
    }

    @Test func theFeedAcknowledgesEachFactInOrder() async throws {
        try await withServer(at: Time.at(day: 1)) { _, clients in
            try await clients.report([Feed.merchant("M-1", revision: 5)])
            var stale = Feed.merchant("M-1", revision: 4)
            stale.sourceService = "late-service"
            var invalid = Feed.order("O-1", buyer: "", merchant: "M-1", paid: Time.at())
            invalid.sourceRevision = 1
            let items: [(String, Fact)] = [
                ("k-1", Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())),
                ("k-1", Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())),
                ("k-2", stale), ("k-3", Feed.merchant("M-1", revision: 5)), ("k-4", invalid),
            ]
            let acks = try await clients.facts.streamFacts(metadata: Principal.service.metadata, options: callOptions) { writer in
                for (key, fact) in items {
                    var request = StreamFactsRequest()
                    request.idempotencyKey = key
                    request.fact = fact
                    try await writer.write(request)
                }
            } onResponse: { response in
                var acks: [FactAck] = []
                for try await message in response.messages { acks.append(message.ack!) }
                return acks
            }
            #expect(acks.map(\.index) == [0, 1, 2, 3, 4])
            #expect(acks.map(\.status) == [.accepted, .duplicate, .stale, .duplicate, .rejected])
            #expect(acks[0].feedSequence > 0 && acks[1].feedSequence == 0)
            #expect(acks[4].error?.fieldViolations.map(\.fieldPath) == ["fact.order.buyer_id"])
        }
    }

    @Test func anImportAnswersEveryItemAndIsIdempotentPerItem() async throws {
        try await withServer(at: Time.at(day: 1)) { _, clients in
            try await clients.report([Feed.merchant("M-1")] + (1...3).map { Feed.order("O-\($0)", buyer: "B-1", merchant: "M-1", paid: Time.at()) })
            func item(_ key: String, order: String, evidence: [EvidenceItem] = Evidence.enough(for: .fakeReturn)) -> ImportComplaintsRequest {
                var item = ImportComplaintsRequest()
                item.idempotencyKey = key
                item.externalRef = "YSB-\(key)"
                item.orderId = order
                item.details = .fakeReturn(FakeReturnDetails())
                item.evidence = evidence
                item.filedAt = Time.at(hours: 12)
                return item
            }
            let items = [item("i-1", order: "O-1"), item("i-2", order: "O-2"), item("i-1", order: "O-1"), item("i-3", order: "O-3", evidence: [])]
            let response = try await clients.integrity.importComplaints(metadata: Principal.service.metadata, options: callOptions) { writer in
                for item in items { try await writer.write(item) }
            }
            #expect(response.results.map(\.status) == [.imported, .imported, .duplicate, .failed])
            #expect(response.results[2].complaintId == response.results[0].complaintId)
            #expect(response.results[3].error?.reason == .missingEvidence)
            #expect(response.importedCount == 2 && response.duplicateCount == 1 && response.failedCount == 1)
            let imported = try await clients.complaint(response.results[0].complaintId)
            #expect(imported.source == .imported && imported.externalRef == "YSB-i-1" && imported.filedAt == Time.at(hours: 12))
        }
    }
}

/// What an operator sees: Prometheus metrics per method and status, the log's
/// sequence, the writer's batches, the sweeper's lag; readiness once open.
@Suite struct OperationsEndToEndTests {
    @Test func metricsCountCallsByMethodAndStatusAndShowTheStoreAndTheSweeper() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-metrics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(dataDirectory: folder, time: Time.at(day: 1), withMetrics: true)
        try await server.start()
        do {
            try await withClients(of: server) { _, clients in
                try await clients.report([Feed.merchant("M-1"), Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at())])
                _ = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k"), by: "M-1")
                _ = await refusal { _ = try await clients.file(.of(.fakeReturn, order: "O-1", key: "k2"), by: "M-1") }
                let port = try #require(server.metricsPort)
                let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
                let text = String(decoding: data, as: UTF8.self)
                for expected in [
                    #"protection_rpc_calls_total{method="protection.v1.IntegrityService/FileComplaint",code="OK"} 1"#,
                    #"protection_rpc_calls_total{method="protection.v1.IntegrityService/FileComplaint",code="ALREADY_EXISTS"} 1"#,
                    #"protection_rpc_duration_seconds_count{method="protection.v1.FactsService/ReportFacts",code="OK"} 1"#,
                    "protection_event_log_sequence \(1 + DevelopmentCredentialCount + 3)", "protection_store_batch_size_count", "protection_sweeper_lag_seconds",
                ] {
                    #expect(text.contains(expected), "missing \(expected) in:\n\(text.prefix(3_000))")
                }
                let health = try await clients.base.unary(
                    request: CheckHealthRequest(), metadata: try await Principal.service.metadata,
                    descriptor: HealthService.Method.checkHealth, serializer: { $0.serializedBytes() },
                    deserializer: { try CheckHealthResponse(serializedBytes: $0) }, options: callOptions
                ).message
                #expect(health.status == .serving)
                #expect(server.log.contains("request_id="), "every call's lines name its request")
            }
            try await server.stop()
        } catch {
            server.kill()
            throw error
        }
    }
}
