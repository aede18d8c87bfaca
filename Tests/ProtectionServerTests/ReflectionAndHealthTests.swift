import ProtectionMessages
import ProtectionServer
import ProtectionServices
import RPCCore
import RPCTransportTCP
import SchemaClient
import Testing

/// Health and reflection served over TCP, and a client with no local schema
/// that lists, describes and calls through them.
@Suite struct ReflectionAndHealthTests {
    /// Runs `body` with a client of a server serving health (from `board`) and reflection.
    static func withServer<T: Sendable>(
        board: HealthStatusBoard = HealthStatusBoard(services: []),
        _ body: @escaping @Sendable (RPCClient) async throws -> T
    ) async throws -> T {
        let router = ServerWiring(board: board).router
        let transport = TCPServerTransport(configuration: .init(host: "127.0.0.1", port: 0))
        let server = RPCServer(transport: transport, router: router)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let port = try await transport.listeningPort
            let client = RPCClient(transport: TCPClientTransport(configuration: .init(host: "127.0.0.1", port: port)))
            group.addTask { try await client.runConnections() }
            defer {
                client.beginGracefulShutdown()
                server.beginGracefulShutdown()
            }
            return try await body(client)
        }
    }

    static let options = CallOptions(timeout: .seconds(60))

    @Test func reflectionServesTheBuiltSchemaAndItsServices() async throws {
        let remote = try await Self.withServer { client in try await RemoteSchema.fetch(from: client, options: Self.options) }
        #expect(remote.hash == ProtectionMessagesSchema.hash)
        #expect(remote.serviceNames == ["protection.v1.HealthService", "protection.v1.ReflectionService"])
        #expect(remote.schema.services.count == ProtectionMessagesSchema.files.filter { $0.source.contains("\nservice ") }.count)
        let methods = remote.methods.map { "\($0.fullyQualifiedName) \($0.kind)" }
        #expect(methods == [
            "protection.v1.HealthService/CheckHealth unary",
            "protection.v1.HealthService/WatchHealth serverStreaming",
            "protection.v1.ReflectionService/DescribeSchema unary",
        ])
        let described = try #require(remote.describe("CheckHealthRequest"))
        #expect(described.contains("message protection.v1.CheckHealthRequest {"))
        #expect(described.contains("  string service = 1;  // JSON: service"))
        #expect(described.contains("  protection.v1.HealthProbe probe = 2;  // JSON: probe"))
        #expect(remote.describe("HealthService")?.contains("rpc WatchHealth(protection.v1.WatchHealthRequest) returns (stream protection.v1.WatchHealthResponse);") == true)
        #expect(remote.describe("NoSuchThing") == nil)
    }

    @Test func anyMethodCanBeCalledWithJSON() async throws {
        let board = HealthStatusBoard(services: [])
        board.markReady()
        let answers = try await Self.withServer(board: board) { client in
            let remote = try await RemoteSchema.fetch(from: client, options: Self.options)
            let check = try remote.method(named: "HealthService/CheckHealth")
            let ready = try await remote.call(check, requests: ["{}"], on: client, options: Self.options)
            board.beginDraining()
            let draining = try await remote.call(check, requests: [#"{"probe": "HEALTH_PROBE_READINESS"}"#], on: client, options: Self.options)
            let alive = try await remote.call(check, requests: [#"{"probe": 1}"#], on: client, options: Self.options)
            let schema = try await remote.call(
                try remote.method(named: "protection.v1.ReflectionService/DescribeSchema"), requests: ["{}"], on: client,
                options: Self.options)
            return [ready, draining, alive, schema].map { $0.joined() }
        }
        #expect(answers[0] == #"{"status":"SERVING_STATUS_SERVING"}"#)
        #expect(answers[1] == #"{"status":"SERVING_STATUS_NOT_SERVING","reason":"The server is draining."}"#)
        #expect(answers[2] == #"{"status":"SERVING_STATUS_SERVING"}"#)
        #expect(answers[3].contains(#""schemaSha256":"\#(ProtectionMessagesSchema.hash)""#))
    }

    @Test func badRequestsFailWithClearErrors() async throws {
        try await Self.withServer { client in
            let remote = try await RemoteSchema.fetch(from: client, options: Self.options)
            let check = try remote.method(named: "protection.v1.HealthService/CheckHealth")
            let misspelt = try await #require(throws: RPCError.self) {
                try await remote.call(check, requests: [#"{"servce": "x"}"#], on: client, options: Self.options)
            }
            #expect(misspelt.code == .invalidArgument)
            #expect(misspelt.message.contains("servce"))
            let twoForUnary = try await #require(throws: RPCError.self) {
                try await remote.call(check, requests: ["{}", "{}"], on: client, options: Self.options)
            }
            #expect(twoForUnary.code == .invalidArgument)
            // In the schema but not served here; and not in the schema at all.
            #expect(throws: RPCError.self) { try remote.method(named: "protection.v1.IntegrityService/FileComplaint") }
            #expect(throws: RPCError.self) { try remote.method(named: "HealthService/Nope") }
            #expect(throws: RPCError.self) { try remote.method(named: "no-slash") }
            let unknown = try await #require(throws: RPCError.self) {
                try await remote.call(
                    check, requests: [#"{"service": "protection.v1.Nope"}"#], on: client, options: Self.options)
            }
            #expect(unknown.code == .notFound)
        }
    }

    @Test func watchStreamsTheStatusAndItsChanges() async throws {
        let board = HealthStatusBoard(services: ["protection.v1.IntegrityService"])
        let seen = try await Self.withServer(board: board) { client in
            var request = WatchHealthRequest()
            request.service = "protection.v1.IntegrityService"
            return try await HealthService.Client(client).watchHealth(request, options: Self.options) { response in
                var seen: [String] = []
                for try await message in response.messages {
                    seen.append("\(message.status) \(message.reason)")
                    switch seen.count {
                    case 1: board.markReady()
                    case 2: board.set(.notServing(reason: "store unreachable"), for: "protection.v1.IntegrityService")
                    default: return seen
                    }
                }
                return seen
            }
        }
        #expect(seen == ["notServing The server is starting.", "serving ", "notServing store unreachable"])
    }
}
