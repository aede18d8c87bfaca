import NIOCore
import RPCCore
import RPCTransportTCP
import Testing

/// The client over several servers: round-robin, failing over, reconnecting with
/// backoff, failing fast or waiting for a server.
@Suite struct ClientEndpointsTests {
    static let name = MethodDescriptor(service: TCPToy.service, method: "Name", kind: .unary)

    /// A server answering `Name` with `name`, on `port` (0: any), serving in a task of its own.
    final class NamedServer: Sendable {
        let transport: TCPServerTransport
        let task: Task<Void, any Error>

        init(_ name: String, port: Int = 0) {
            var router = RPCRouter()
            router.registerUnary(ClientEndpointsTests.name, deserializer: TCPToy.decode, serializer: TCPToy.encode) {
                (_: String, _) in name
            }
            let transport = TCPServerTransport(configuration: .init(host: "127.0.0.1", port: port))
            let server = RPCServer(transport: transport, router: router)
            self.transport = transport
            self.task = Task { try await server.serve() }
        }

        var port: Int { get async throws { try await transport.listeningPort } }

        func stop() async throws {
            transport.beginGracefulShutdown()
            try await task.value
        }
    }

    /// A port nothing listens on (a server bound it, then stopped).
    static func closedPort() async throws -> Int {
        let server = NamedServer("gone")
        let port = try await server.port
        try await server.stop()
        return port
    }

    /// Runs `body` with a client of `ports` whose connections are maintained meanwhile.
    static func withClient<Result: Sendable>(
        ports: [Int], backoff: Backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(200)),
        _ body: @escaping @Sendable (RPCClient) async throws -> Result
    ) async throws -> Result {
        let transport = TCPClientTransport(
            configuration: .init(endpoints: ports.map { Endpoint(host: "127.0.0.1", port: $0) }, backoff: backoff))
        let client = RPCClient(transport: transport)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.runConnections() }
            defer { client.beginGracefulShutdown() }
            return try await body(client)
        }
    }

    static func callName(_ client: RPCClient, options: CallOptions = .defaults) async throws -> String {
        try await client.unary(
            request: "", descriptor: name, serializer: TCPToy.encode, deserializer: TCPToy.decode, options: options
        ).message
    }

    @Test func callsAreSpreadRoundRobinOverTheServers() async throws {
        try await withTimeLimit(seconds: 120) {
            let a = NamedServer("a")
            let b = NamedServer("b")
            let ports = [try await a.port, try await b.port]
            let names = try await Self.withClient(ports: ports) { client in
                // Wait until both are connected, then count where calls go.
                var seen: Set<String> = []
                while seen.count < 2 { seen.insert(try await Self.callName(client, options: CallOptions(waitForReady: true))) }
                var names: [String] = []
                for _ in 0..<10 { names.append(try await Self.callName(client)) }
                return names
            }
            #expect(names.filter { $0 == "a" }.count == 5)
            #expect(names.filter { $0 == "b" }.count == 5)
            #expect(zip(names, names.dropFirst()).allSatisfy { $0 != $1 })
            try await a.stop()
            try await b.stop()
        }
    }

    @Test func callsFailOverToTheServerThatIsUp() async throws {
        try await withTimeLimit(seconds: 120) {
            let dead = try await Self.closedPort()
            let live = NamedServer("live")
            let livePort = try await live.port
            let names = try await Self.withClient(ports: [dead, livePort]) { client in
                var names: [String] = []
                for _ in 0..<6 { names.append(try await Self.callName(client)) }
                return names
            }
            #expect(names == Array(repeating: "live", count: 6))
            try await live.stop()
        }
    }

    @Test func withNoServerACallFailsFastOrWaitsWithinItsTimeout() async throws {
        try await withTimeLimit(seconds: 120) {
            let port = try await Self.closedPort()
            try await Self.withClient(ports: [port]) { client in
                let fast = try await #require(throws: RPCError.self) { try await Self.callName(client) }
                #expect(fast.code == .unavailable)
                #expect(fast.message.contains("127.0.0.1:\(port)"))
                let waited = try await #require(throws: RPCError.self) {
                    try await Self.callName(client, options: CallOptions(timeout: .milliseconds(300), waitForReady: true))
                }
                #expect(waited.code == .deadlineExceeded)
            }
        }
    }

    @Test func theClientReconnectsWhenTheServerComesBack() async throws {
        try await withTimeLimit(seconds: 120) {
            let first = NamedServer("first")
            let port = try await first.port
            try await Self.withClient(ports: [port]) { client in
                #expect(try await Self.callName(client) == "first")
                try await first.stop()
                // A waiting call is answered by the server started while it waits.
                async let waiting = Self.callName(client, options: CallOptions(timeout: .seconds(60), waitForReady: true))
                try await Task.sleep(for: .milliseconds(300))
                let second = NamedServer("second", port: port)
                #expect(try await waiting == "second")
                #expect(try await Self.callName(client) == "second")
                try await second.stop()
            }
        }
    }
}
