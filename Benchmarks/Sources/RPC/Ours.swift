import ProtectionMessages
import ProtectionServices
import RPCCore
import RPCTransportTCP

/// Our TCP transport: the generated IntegrityService server and client.
enum Ours {
    struct Service: IntegrityService.Handler {
        let reply = Payloads.response()

        func fileComplaint(_ request: FileComplaintRequest, context: ServerContext) async throws -> FileComplaintResponse {
            reply
        }
        func addComplaintEvidence(_ request: AddComplaintEvidenceRequest, context: ServerContext) async throws -> AddComplaintEvidenceResponse { throw unimplemented() }
        func startComplaintReview(_ request: StartComplaintReviewRequest, context: ServerContext) async throws -> StartComplaintReviewResponse { throw unimplemented() }
        func decideComplaint(_ request: DecideComplaintRequest, context: ServerContext) async throws -> DecideComplaintResponse { throw unimplemented() }
        func fileAppeal(_ request: FileAppealRequest, context: ServerContext) async throws -> FileAppealResponse { throw unimplemented() }
        func decideAppeal(_ request: DecideAppealRequest, context: ServerContext) async throws -> DecideAppealResponse { throw unimplemented() }
        func getComplaint(_ request: GetComplaintRequest, context: ServerContext) async throws -> GetComplaintResponse { throw unimplemented() }
        func listComplaints(_ request: ListComplaintsRequest, context: ServerContext) async throws -> ListComplaintsResponse { throw unimplemented() }
        func describeComplaintTypes(_ request: DescribeComplaintTypesRequest, context: ServerContext) async throws -> DescribeComplaintTypesResponse { throw unimplemented() }
        func importComplaints(_ requests: RPCAsyncSequence<ImportComplaintsRequest>, context: ServerContext) async throws -> ImportComplaintsResponse { throw unimplemented() }
        func getIntegrityRecord(_ request: GetIntegrityRecordRequest, context: ServerContext) async throws -> GetIntegrityRecordResponse { throw unimplemented() }
        func listSanctions(_ request: ListSanctionsRequest, context: ServerContext) async throws -> ListSanctionsResponse { throw unimplemented() }
        func checkOrderAllowed(_ request: CheckOrderAllowedRequest, context: ServerContext) async throws -> CheckOrderAllowedResponse { throw unimplemented() }
        func checkCartAllowed(_ request: CheckCartAllowedRequest, context: ServerContext) async throws -> CheckCartAllowedResponse { throw unimplemented() }
        func checkAfterSalesAllowed(_ request: CheckAfterSalesAllowedRequest, context: ServerContext) async throws -> CheckAfterSalesAllowedResponse { throw unimplemented() }
        func assessReturnRisk(_ request: AssessReturnRiskRequest, context: ServerContext) async throws -> AssessReturnRiskResponse { throw unimplemented() }
        func watchSanctions(_ request: WatchSanctionsRequest, writer: RPCWriter<WatchSanctionsResponse>, context: ServerContext) async throws { throw unimplemented() }

        private func unimplemented() -> RPCError {
            RPCError(code: .unimplemented, message: "not part of the benchmark")
        }
    }

    /// Serves until the process exits; `onPort` gets the listening port.
    static func serve(onPort: @escaping @Sendable (Int) -> Void) async throws {
        var router = RPCRouter()
        Service().register(into: &router)
        let transport = TCPServerTransport(configuration: .init(host: "127.0.0.1", port: 0))
        let server = RPCServer(transport: transport, router: router)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            onPort(try await transport.listeningPort)
            try await group.waitForAll()
        }
    }

    /// Opens `count` connections, each making one call, runs `whileOpen`, closes them.
    static func holdConnections(port: Int, count: Int, whileOpen: @escaping @Sendable () async throws -> Void) async throws {
        let clients = (0..<count).map { _ in
            RPCClient(transport: TCPClientTransport(configuration: .init(host: "127.0.0.1", port: port)))
        }
        let request = Payloads.request()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for rpc in clients { group.addTask { try await rpc.runConnections() } }
            try await withThrowingTaskGroup(of: Void.self) { calls in
                for (i, rpc) in clients.enumerated() {
                    if i >= 50 { try await calls.next() }
                    calls.addTask { _ = try await IntegrityService.Client(rpc).fileComplaint(request) }
                }
                try await calls.waitForAll()
            }
            try await whileOpen()
            for rpc in clients { rpc.beginGracefulShutdown() }
            try await group.waitForAll()
        }
    }

    /// Runs `body` with one connection's call function; the connection is closed after.
    static func withClient<R: Sendable>(
        port: Int, _ body: @escaping @Sendable (@escaping @Sendable () async throws -> Void) async throws -> R
    ) async throws -> R {
        let transport = TCPClientTransport(configuration: .init(host: "127.0.0.1", port: port))
        let rpc = RPCClient(transport: transport)
        let client = IntegrityService.Client(rpc)
        let request = Payloads.request()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await rpc.runConnections() }
            do {
                let result = try await body {
                    let reply = try await client.fileComplaint(request)
                    if reply.complaint == nil { fatalError("empty reply") }
                }
                rpc.beginGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                rpc.beginGracefulShutdown()
                group.cancelAll()
                throw error
            }
        }
    }
}
