import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCPeer
import GRPCProtobuf
import SwiftProtobuf
import SwiftProtobufPeer

/// grpc-swift-2 over HTTP/2 (grpc-swift-nio-transport, plaintext) with the
/// grpc-swift-protobuf stubs generated from the same schema.
enum GRPC {
    /// The request and reply as swift-protobuf values, decoded from the same bytes as ours.
    static func request() -> Protection_V1_FileComplaintRequest {
        try! Protection_V1_FileComplaintRequest(serializedBytes: Payloads.requestBytes)
    }

    struct Service: Protection_V1_IntegrityService.SimpleServiceProtocol {
        let reply = try! Protection_V1_FileComplaintResponse(serializedBytes: Payloads.responseBytes)

        func fileComplaint(request: Protection_V1_FileComplaintRequest, context: ServerContext) async throws -> Protection_V1_FileComplaintResponse {
            reply
        }
        func addComplaintEvidence(request: Protection_V1_AddComplaintEvidenceRequest, context: ServerContext) async throws -> Protection_V1_AddComplaintEvidenceResponse { throw unimplemented() }
        func startComplaintReview(request: Protection_V1_StartComplaintReviewRequest, context: ServerContext) async throws -> Protection_V1_StartComplaintReviewResponse { throw unimplemented() }
        func decideComplaint(request: Protection_V1_DecideComplaintRequest, context: ServerContext) async throws -> Protection_V1_DecideComplaintResponse { throw unimplemented() }
        func fileAppeal(request: Protection_V1_FileAppealRequest, context: ServerContext) async throws -> Protection_V1_FileAppealResponse { throw unimplemented() }
        func decideAppeal(request: Protection_V1_DecideAppealRequest, context: ServerContext) async throws -> Protection_V1_DecideAppealResponse { throw unimplemented() }
        func getComplaint(request: Protection_V1_GetComplaintRequest, context: ServerContext) async throws -> Protection_V1_GetComplaintResponse { throw unimplemented() }
        func listComplaints(request: Protection_V1_ListComplaintsRequest, context: ServerContext) async throws -> Protection_V1_ListComplaintsResponse { throw unimplemented() }
        func describeComplaintTypes(request: Protection_V1_DescribeComplaintTypesRequest, context: ServerContext) async throws -> Protection_V1_DescribeComplaintTypesResponse { throw unimplemented() }
        func getIntegrityRecord(request: Protection_V1_GetIntegrityRecordRequest, context: ServerContext) async throws -> Protection_V1_GetIntegrityRecordResponse { throw unimplemented() }
        func listSanctions(request: Protection_V1_ListSanctionsRequest, context: ServerContext) async throws -> Protection_V1_ListSanctionsResponse { throw unimplemented() }
        func checkOrderAllowed(request: Protection_V1_CheckOrderAllowedRequest, context: ServerContext) async throws -> Protection_V1_CheckOrderAllowedResponse { throw unimplemented() }
        func checkCartAllowed(request: Protection_V1_CheckCartAllowedRequest, context: ServerContext) async throws -> Protection_V1_CheckCartAllowedResponse { throw unimplemented() }
        func checkAfterSalesAllowed(request: Protection_V1_CheckAfterSalesAllowedRequest, context: ServerContext) async throws -> Protection_V1_CheckAfterSalesAllowedResponse { throw unimplemented() }
        func assessReturnRisk(request: Protection_V1_AssessReturnRiskRequest, context: ServerContext) async throws -> Protection_V1_AssessReturnRiskResponse { throw unimplemented() }
        func importComplaints(request: RPCAsyncSequence<Protection_V1_ImportComplaintsRequest, any Swift.Error>, context: ServerContext) async throws -> Protection_V1_ImportComplaintsResponse { throw unimplemented() }
        func watchSanctions(request: Protection_V1_WatchSanctionsRequest, response: RPCWriter<Protection_V1_WatchSanctionsResponse>, context: ServerContext) async throws { throw unimplemented() }

        private func unimplemented() -> RPCError {
            RPCError(code: .unimplemented, message: "not part of the benchmark")
        }
    }

    /// Serves until the process exits; `onPort` gets the listening port.
    static func serve(onPort: @escaping @Sendable (Int) -> Void) async throws {
        let server = GRPCServer(
            transport: .http2NIOPosix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
            services: [Service()])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            guard let port = try await server.listeningAddress?.ipv4?.port else { fatalError("grpc server: no port") }
            onPort(port)
            try await group.waitForAll()
        }
    }

    static func makeClient(port: Int) throws -> GRPCClient<HTTP2ClientTransport.Posix> {
        GRPCClient(
            transport: try .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext))
    }

    /// Opens `count` connections, each making one call, runs `whileOpen`, closes them.
    static func holdConnections(port: Int, count: Int, whileOpen: @escaping @Sendable () async throws -> Void) async throws {
        let clients = try (0..<count).map { _ in try makeClient(port: port) }
        let request = request()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { try await client.runConnections() } }
            try await withThrowingTaskGroup(of: Void.self) { calls in
                for (i, client) in clients.enumerated() {
                    if i >= 50 { try await calls.next() }
                    calls.addTask { _ = try await Protection_V1_IntegrityService.Client(wrapping: client).fileComplaint(request) }
                }
                try await calls.waitForAll()
            }
            try await whileOpen()
            for client in clients { client.beginGracefulShutdown() }
            try await group.waitForAll()
        }
    }

    /// Runs `body` with one connection's call function; the connection is closed after.
    static func withClient<R: Sendable>(
        port: Int, _ body: @escaping @Sendable (@escaping @Sendable () async throws -> Void) async throws -> R
    ) async throws -> R {
        let client = try makeClient(port: port)
        let stub = Protection_V1_IntegrityService.Client(wrapping: client)
        let request = request()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.runConnections() }
            do {
                let result = try await body {
                    let reply = try await stub.fileComplaint(request)
                    if !reply.hasComplaint { fatalError("empty reply") }
                }
                client.beginGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                client.beginGracefulShutdown()
                group.cancelAll()
                throw error
            }
        }
    }
}
