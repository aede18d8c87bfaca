import Synchronization

@testable import RPCCore

/// A toy service whose messages are UTF-8 text.
enum Toy {
    static let service = "test.v1.Toy"
    static let echo = MethodDescriptor(service: service, method: "Echo", kind: .unary)
    static let expand = MethodDescriptor(service: service, method: "Expand", kind: .serverStreaming)
    static let sum = MethodDescriptor(service: service, method: "Sum", kind: .clientStreaming)
    static let shout = MethodDescriptor(service: service, method: "Shout", kind: .bidirectionalStreaming)
    static let reject = MethodDescriptor(service: service, method: "Reject", kind: .unary)
    static let crash = MethodDescriptor(service: service, method: "Crash", kind: .unary)
    static let slow = MethodDescriptor(service: service, method: "Slow", kind: .unary)
    static let whoAmI = MethodDescriptor(service: service, method: "WhoAmI", kind: .unary)
    static let sink = MethodDescriptor(service: service, method: "Sink", kind: .clientStreaming)
    static let missing = MethodDescriptor(service: service, method: "Missing", kind: .unary)

    static let encode: @Sendable (String) -> [UInt8] = { Array($0.utf8) }
    static let decode: @Sendable ([UInt8]) throws -> String = { String(decoding: $0, as: UTF8.self) }

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
        router.registerUnary(echo, deserializer: decode, serializer: encode) { text, _ in text }
        router.registerServerStreaming(expand, deserializer: decode, serializer: encode) { text, writer, _ in
            for word in text.split(separator: " ") { try await writer.write(String(word)) }
        }
        router.registerClientStreaming(sum, deserializer: decode, serializer: encode) { numbers, _ in
            var total = 0
            for try await number in numbers {
                guard let value = Int(number) else {
                    throw RPCError(code: .invalidArgument, message: "'\(number)' is not a number")
                }
                total += value
            }
            return String(total)
        }
        router.registerBidirectionalStreaming(shout, deserializer: decode, serializer: encode) { texts, writer, _ in
            for try await text in texts { try await writer.write(text.uppercased()) }
        }
        router.registerUnary(reject, deserializer: decode, serializer: encode) { (_: String, _) -> String in
            throw RPCError(
                code: .invalidArgument, message: "missing evidence", metadata: try Metadata([("x-field", "receipt")]),
                details: [0x0A, 0x07] + Array("receipt".utf8))
        }
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
