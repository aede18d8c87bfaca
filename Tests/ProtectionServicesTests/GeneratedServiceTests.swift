import Testing
import ProtectionMessages
import ProtectionServices
import RPCCore

/// The generated services end to end over the in-process transport: the
/// typed client, the method table and the handler protocol, for all four
/// call kinds.
@Suite("generated services")
struct GeneratedServiceTests {
    /// Acknowledges each fact with its index; echoes idempotency keys.
    struct Facts: FactsService.Handler {
        func reportFacts(_ request: ReportFactsRequest, context: ServerContext) async throws -> ReportFactsResponse {
            var response = ReportFactsResponse()
            response.acks = request.facts.indices.map { i in
                var ack = FactAck()
                ack.index = Int64(i)
                ack.idempotencyKey = request.idempotencyKey
                return ack
            }
            return response
        }

        func streamFacts(
            _ requests: RPCAsyncSequence<StreamFactsRequest>, writer: RPCWriter<StreamFactsResponse>, context: ServerContext
        ) async throws {
            var index: Int64 = 0
            for try await request in requests {
                var response = StreamFactsResponse()
                var ack = FactAck()
                ack.index = index
                ack.idempotencyKey = request.idempotencyKey
                response.ack = ack
                try await writer.write(response)
                index += 1
            }
        }
    }

    /// Only the streaming rpcs; the others answer UNIMPLEMENTED.
    struct Integrity: IntegrityService.Handler {
        static func no() -> RPCError { RPCError(code: .unimplemented, message: "not in this test") }

        func importComplaints(_ requests: RPCAsyncSequence<ImportComplaintsRequest>, context: ServerContext) async throws -> ImportComplaintsResponse {
            var response = ImportComplaintsResponse()
            for try await request in requests {
                var result = ImportItemResult()
                result.index = Int64(response.results.count)
                result.externalRef = request.externalRef
                response.results.append(result)
            }
            response.importedCount = Int64(response.results.count)
            return response
        }

        func watchSanctions(_ request: WatchSanctionsRequest, writer: RPCWriter<WatchSanctionsResponse>, context: ServerContext) async throws {
            for i in 1...3 {
                var heartbeat = WatchHeartbeat()
                heartbeat.latestSequence = request.afterSequence + Int64(i)
                var response = WatchSanctionsResponse()
                response.item = .heartbeat(heartbeat)
                try await writer.write(response)
            }
        }

        func fileComplaint(_ r: FileComplaintRequest, context: ServerContext) async throws -> FileComplaintResponse { throw Self.no() }
        func addComplaintEvidence(_ r: AddComplaintEvidenceRequest, context: ServerContext) async throws -> AddComplaintEvidenceResponse { throw Self.no() }
        func startComplaintReview(_ r: StartComplaintReviewRequest, context: ServerContext) async throws -> StartComplaintReviewResponse { throw Self.no() }
        func decideComplaint(_ r: DecideComplaintRequest, context: ServerContext) async throws -> DecideComplaintResponse { throw Self.no() }
        func fileAppeal(_ r: FileAppealRequest, context: ServerContext) async throws -> FileAppealResponse { throw Self.no() }
        func decideAppeal(_ r: DecideAppealRequest, context: ServerContext) async throws -> DecideAppealResponse { throw Self.no() }
        func getComplaint(_ r: GetComplaintRequest, context: ServerContext) async throws -> GetComplaintResponse { throw Self.no() }
        func listComplaints(_ r: ListComplaintsRequest, context: ServerContext) async throws -> ListComplaintsResponse { throw Self.no() }
        func describeComplaintTypes(_ r: DescribeComplaintTypesRequest, context: ServerContext) async throws -> DescribeComplaintTypesResponse { throw Self.no() }
        func getIntegrityRecord(_ r: GetIntegrityRecordRequest, context: ServerContext) async throws -> GetIntegrityRecordResponse { throw Self.no() }
        func listSanctions(_ r: ListSanctionsRequest, context: ServerContext) async throws -> ListSanctionsResponse { throw Self.no() }
        func checkOrderAllowed(_ r: CheckOrderAllowedRequest, context: ServerContext) async throws -> CheckOrderAllowedResponse { throw Self.no() }
        func checkCartAllowed(_ r: CheckCartAllowedRequest, context: ServerContext) async throws -> CheckCartAllowedResponse { throw Self.no() }
        func checkAfterSalesAllowed(_ r: CheckAfterSalesAllowedRequest, context: ServerContext) async throws -> CheckAfterSalesAllowedResponse { throw Self.no() }
        func assessReturnRisk(_ r: AssessReturnRiskRequest, context: ServerContext) async throws -> AssessReturnRiskResponse { throw Self.no() }
    }

    /// Runs `body` with a client connected in process to a server for both services.
    static func withServer<R: Sendable>(_ body: @Sendable (RPCClient) async throws -> R) async throws -> R {
        var router = RPCRouter()
        Facts().register(into: &router)
        Integrity().register(into: &router)
        let transport = InProcessTransport()
        let server = RPCServer(transport: transport.server, router: router, interceptors: [])
        let client = RPCClient(transport: transport.client, interceptors: [])
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            group.addTask { try await client.runConnections() }
            defer {
                client.beginGracefulShutdown()
                server.beginGracefulShutdown()
            }
            return try await body(client)
        }
    }

    @Test("the method table registers every rpc under its wire name")
    func methodTable() {
        var router = RPCRouter()
        Integrity().register(into: &router)
        Facts().register(into: &router)
        let names = Set((IntegrityService.Method.all + FactsService.Method.all).map(\.fullyQualifiedMethod))
        #expect(names.contains("protection.v1.IntegrityService/FileComplaint"))
        #expect(IntegrityService.Method.watchSanctions.kind == .serverStreaming)
        #expect(IntegrityService.Method.importComplaints.kind == .clientStreaming)
        #expect(FactsService.Method.streamFacts.kind == .bidirectionalStreaming)
        for name in names { #expect(router.handler(for: name) != nil, "\(name) not registered") }
    }

    @Test("unary")
    func unary() async throws {
        let acks = try await Self.withServer { client in
            var request = ReportFactsRequest()
            request.idempotencyKey = "k-1"
            request.facts = [Fact(), Fact()]
            return try await FactsService.Client(client).reportFacts(request).acks
        }
        #expect(acks.map(\.index) == [0, 1])
        #expect(acks.allSatisfy { $0.idempotencyKey == "k-1" })
    }

    @Test("server streaming")
    func serverStreaming() async throws {
        let sequences = try await Self.withServer { client in
            var request = WatchSanctionsRequest()
            request.afterSequence = 40
            return try await IntegrityService.Client(client).watchSanctions(request) { response in
                var out: [Int64] = []
                for try await message in response.messages {
                    if case .heartbeat(let h)? = message.item { out.append(h.latestSequence) }
                }
                return out
            }
        }
        #expect(sequences == [41, 42, 43])
    }

    @Test("client streaming")
    func clientStreaming() async throws {
        let response = try await Self.withServer { client in
            try await IntegrityService.Client(client).importComplaints { writer in
                for ref in ["a", "b", "c"] {
                    var request = ImportComplaintsRequest()
                    request.externalRef = ref
                    try await writer.write(request)
                }
            }
        }
        #expect(response.importedCount == 3)
        #expect(response.results.map(\.externalRef) == ["a", "b", "c"])
    }

    @Test("bidirectional streaming")
    func bidirectional() async throws {
        let keys = try await Self.withServer { client in
            try await FactsService.Client(client).streamFacts { writer in
                for key in ["x", "y"] {
                    var request = StreamFactsRequest()
                    request.idempotencyKey = key
                    try await writer.write(request)
                }
            } onResponse: { response in
                var out: [String] = []
                for try await message in response.messages { out.append(message.ack?.idempotencyKey ?? "") }
                return out
            }
        }
        #expect(keys == ["x", "y"])
    }

    @Test("an rpc the handler refuses answers with its status")
    func refused() async throws {
        let code = try await Self.withServer { client -> RPCError.Code? in
            do {
                _ = try await IntegrityService.Client(client).getComplaint(GetComplaintRequest())
                return nil
            } catch let error as RPCError {
                return error.code
            }
        }
        #expect(code == .unimplemented)
    }
}
