/// One implementation under test: its server (run in a child process) and its client.
enum Subject: String, CaseIterable, Sendable {
    case ours, grpc, echo

    var title: String {
        switch self {
        case .ours: "ours (RPCTransportTCP)"
        case .grpc: "grpc-swift-2 (HTTP/2)"
        case .echo: "bare NIO echo"
        }
    }

    func serve(onPort: @escaping @Sendable (Int) -> Void) async throws {
        switch self {
        case .ours: try await Ours.serve(onPort: onPort)
        case .grpc: try await GRPC.serve(onPort: onPort)
        case .echo: try await Echo.serve(onPort: onPort)
        }
    }

    /// Runs `body` with a function making one call over one new connection.
    func withClient<R: Sendable>(
        port: Int, _ body: @escaping @Sendable (@escaping @Sendable () async throws -> Void) async throws -> R
    ) async throws -> R {
        switch self {
        case .ours: try await Ours.withClient(port: port, body)
        case .grpc: try await GRPC.withClient(port: port, body)
        case .echo: try await Echo.withClient(port: port, body)
        }
    }

    /// Opens `count` connections that each completed one call, runs `whileOpen`, closes them.
    func holdConnections(port: Int, count: Int, whileOpen: @escaping @Sendable () async throws -> Void) async throws {
        switch self {
        case .ours: try await Ours.holdConnections(port: port, count: count, whileOpen: whileOpen)
        case .grpc: try await GRPC.holdConnections(port: port, count: count, whileOpen: whileOpen)
        case .echo: try await Echo.holdConnections(port: port, count: count, whileOpen: whileOpen)
        }
    }
}
