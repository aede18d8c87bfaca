import NIOCore
import NIOPosix
import RPCCore
import RPCTestSupport
import RPCTransportTCP
import Synchronization
import Testing

/// A toy service whose messages are UTF-8 text, served over loopback TCP.
enum TCPToy {
    static let service = "test.v1.TcpToy"
    static let shared = ToyMethods(service: service)
    static let echo = shared.echo
    static let expand = shared.expand
    static let sum = shared.sum
    static let shout = shared.shout
    static let reject = shared.reject
    static let slow = MethodDescriptor(service: service, method: "Slow", kind: .unary)
    static let hold = MethodDescriptor(service: service, method: "Hold", kind: .unary)
    static let stall = MethodDescriptor(service: service, method: "Stall", kind: .clientStreaming)
    static let flood = MethodDescriptor(service: service, method: "Flood", kind: .serverStreaming)
    static let whoAmI = MethodDescriptor(service: service, method: "WhoAmI", kind: .unary)
    static let missing = MethodDescriptor(service: service, method: "Missing", kind: .unary)

    static let encode = ToyMethods.encode
    static let decode = ToyMethods.decode

    /// Signals between a test and the handlers it drives.
    final class Signals: Sendable {
        /// Triggered when `Slow` or `Hold` starts.
        let started = ServerContext.Cancellation()
        /// Triggered by the test to let `Hold` answer.
        let release = ServerContext.Cancellation()
        /// Triggered when `Slow` has been cancelled; `reason` is the context's reason then.
        let slowDone = ServerContext.Cancellation()
        private let seenReason = Mutex<ServerContext.Cancellation.Reason?>(nil)

        var reason: ServerContext.Cancellation.Reason? { seenReason.withLock { $0 } }

        func slowCancelled(_ reason: ServerContext.Cancellation.Reason?) {
            seenReason.withLock { $0 = reason }
            slowDone.cancel(reason: .serverShutdown)
        }
    }

    static func router(signals: Signals = Signals()) -> RPCRouter {
        var router = RPCRouter()
        shared.register(into: &router)
        router.registerUnary(slow, deserializer: decode, serializer: encode) { (_: String, context) -> String in
            signals.started.cancel(reason: .serverShutdown)
            do {
                try await Task.sleep(for: .seconds(120))
            } catch {
                signals.slowCancelled(context.cancellation.reason)
                throw error
            }
            return "too late"
        }
        router.registerUnary(hold, deserializer: decode, serializer: encode) { (text: String, _) -> String in
            signals.started.cancel(reason: .serverShutdown)
            await signals.release.cancelled()
            return "released \(text)"
        }
        router.registerServerStreaming(flood, deserializer: decode, serializer: encode) { request, writer, _ in
            // "<count> <size>": count messages of size bytes each.
            let numbers = request.split(separator: " ").compactMap { Int($0) }
            guard numbers.count == 2 else { throw RPCError(code: .invalidArgument, message: "want '<count> <size>'") }
            for index in 0..<numbers[0] {
                try await writer.write(String(repeating: String(index % 10), count: numbers[1]))
            }
        }
        router.registerClientStreaming(stall, deserializer: decode, serializer: encode) { (_, _) -> String in
            // Reads nothing, so the client runs out of flow-control credit.
            signals.started.cancel(reason: .serverShutdown)
            await signals.release.cancelled()
            return "stalled"
        }
        router.registerUnary(whoAmI, deserializer: decode, serializer: encode) { (_: String, context) -> String in
            let trace = context.requestMetadata.firstString(forKey: "x-trace") ?? "-"
            return "\(context.peer)|\(trace)"
        }
        return router
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String { "the test did not finish within its time limit" }
}

/// Runs `body`, failing with ``TimedOut`` instead of hanging past `seconds`.
func withTimeLimit<Result: Sendable>(
    seconds: Int = 10, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else { throw TimedOut() }
        return result
    }
}

/// A server on loopback, on a port the system picks.
let loopbackConfiguration = TCPServerTransport.Configuration(host: "127.0.0.1", port: 0)

func loopbackServer(_ configuration: TCPServerTransport.Configuration = loopbackConfiguration) -> TCPServerTransport {
    TCPServerTransport(configuration: configuration)
}

func loopbackClient(port: Int) -> TCPClientTransport {
    TCPClientTransport(configuration: .init(host: "127.0.0.1", port: port))
}

/// Runs `body` with a client connected over loopback TCP to a server for `router`,
/// then shuts both down gracefully; bounded by a time limit (generous: it only
/// turns a hang into a failure, and a loaded machine can be slow).
func withTCPToyServer<Result: Sendable>(
    router: RPCRouter = TCPToy.router(),
    server configuration: TCPServerTransport.Configuration = loopbackConfiguration,
    serverTransport makeServer: (@Sendable (TCPServerTransport.Configuration) -> TCPServerTransport)? = nil,
    clientTransport makeClient: (@Sendable (_ port: Int) -> TCPClientTransport)? = nil,
    _ body: @escaping @Sendable (RPCClient, TCPClientTransport, Int) async throws -> Result
) async throws -> Result {
    try await withTimeLimit(seconds: 120) {
        let serverTransport = makeServer?(configuration) ?? loopbackServer(configuration)
        let server = RPCServer(transport: serverTransport, router: router)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let port = try await serverTransport.listeningPort
            let clientTransport = makeClient?(port) ?? loopbackClient(port: port)
            let client = RPCClient(transport: clientTransport)
            group.addTask { try await client.runConnections() }
            do {
                let result = try await body(client, clientTransport, port)
                client.beginGracefulShutdown()
                server.beginGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                client.beginGracefulShutdown()
                server.beginGracefulShutdown()
                group.cancelAll()
                throw error
            }
        }
    }
}
