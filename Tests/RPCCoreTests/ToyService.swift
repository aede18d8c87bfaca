import Synchronization

@testable import RPCCore
import RPCTestSupport

/// A toy service whose messages are UTF-8 text.
enum Toy {
    static let service = "test.v1.Toy"
    static let shared = ToyMethods(service: service)
    static let echo = shared.echo
    static let expand = shared.expand
    static let sum = shared.sum
    static let shout = shared.shout
    static let reject = shared.reject
    static let crash = MethodDescriptor(service: service, method: "Crash", kind: .unary)
    static let slow = MethodDescriptor(service: service, method: "Slow", kind: .unary)
    static let whoAmI = MethodDescriptor(service: service, method: "WhoAmI", kind: .unary)
    static let sink = MethodDescriptor(service: service, method: "Sink", kind: .clientStreaming)
    static let missing = MethodDescriptor(service: service, method: "Missing", kind: .unary)

    static let encode = ToyMethods.encode
    static let decode = ToyMethods.decode

    struct SecretFailure: Error, CustomStringConvertible {
        var description: String { "database password is hunter2" }
    }

    /// What the slow handlers saw when they were cancelled.
    final class Observations: Sendable {
        struct Seen: Sendable {
            var started = false
            var taskCancelled = false
            var reason: ServerContext.Cancellation.Reason?
        }
        private let state = Mutex(Seen())
        let done = ServerContext.Cancellation()

        var seen: Seen { state.withLock { $0 } }
        func started() { state.withLock { $0.started = true } }
        func finished(taskCancelled: Bool, reason: ServerContext.Cancellation.Reason?) {
            state.withLock {
                $0.taskCancelled = taskCancelled
                $0.reason = reason
            }
            done.cancel(reason: .serverShutdown)
        }
    }

    static func router(observations: Observations = Observations()) -> RPCRouter {
        var router = RPCRouter()
        shared.register(into: &router)
        router.registerUnary(crash, deserializer: decode, serializer: encode) { (_: String, _) -> String in
            throw SecretFailure()
        }
        router.registerUnary(slow, deserializer: decode, serializer: encode) { (_: String, context) -> String in
            observations.started()
            do {
                try await Task.sleep(for: .seconds(120))
            } catch {
                observations.finished(taskCancelled: Task.isCancelled, reason: context.cancellation.reason)
                throw error
            }
            return "too late"
        }
        router.registerUnary(whoAmI, deserializer: decode, serializer: encode) { (_: String, context) -> String in
            let trace = context.requestMetadata.firstString(forKey: "x-trace") ?? "-"
            return "\(context.principal?.id ?? "anonymous")/\(context.principal?.role ?? "-")/\(trace)"
        }
        router.registerClientStreaming(sink, deserializer: decode, serializer: encode) { (_, context) -> String in
            observations.started()
            await context.cancellation.cancelled()
            observations.finished(taskCancelled: Task.isCancelled, reason: context.cancellation.reason)
            throw CancellationError()
        }
        return router
    }
}

/// Runs `body` with a client connected in process to a server for `router`.
func withToyServer<Result: Sendable>(
    router: RPCRouter = Toy.router(), serverInterceptors: [any ServerInterceptor] = [],
    clientInterceptors: [any ClientInterceptor] = [], bufferSize: Int = 16,
    _ body: @Sendable (RPCClient, InProcessTransport) async throws -> Result
) async throws -> Result {
    let transport = InProcessTransport(bufferSize: bufferSize)
    let server = RPCServer(transport: transport.server, router: router, interceptors: serverInterceptors)
    let client = RPCClient(transport: transport.client, interceptors: clientInterceptors)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        group.addTask { try await client.runConnections() }
        do {
            let result = try await body(client, transport)
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
