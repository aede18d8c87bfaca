import Synchronization
import Testing

@testable import RPCCore

/// Adds `x-trace` and an authorization header; records the response's metadata.
struct TracingClientInterceptor: ClientInterceptor {
    final class Seen: Sendable {
        let trailing = Mutex<[Metadata]>([])
        let initial = Mutex<[Metadata]>([])
    }
    let seen: Seen

    func intercept(
        request: StreamingClientRequest<[UInt8]>, context: ClientContext,
        next: (StreamingClientRequest<[UInt8]>, ClientContext) async throws -> StreamingClientResponse<[UInt8]>
    ) async throws -> StreamingClientResponse<[UInt8]> {
        var request = request
        try request.metadata.addString("trace-42", forKey: "x-trace")
        try request.metadata.addString("Bearer after-sales:svc-7", forKey: "authorization")
        var response = try await next(request, context)
        let seen = self.seen
        seen.initial.withLock { $0.append(response.metadata) }
        response.bodyParts = response.bodyParts.mapElements { part in
            if case .trailingMetadata(let trailing) = part { seen.trailing.withLock { $0.append(trailing) } }
            return part
        }
        return response
    }
}

/// Authenticates from `authorization`, sets the principal, adds response metadata.
struct AuthServerInterceptor: ServerInterceptor {
    func intercept(
        request: StreamingServerRequest<[UInt8]>, context: ServerContext,
        next: (StreamingServerRequest<[UInt8]>, ServerContext) async throws -> StreamingServerResponse<[UInt8]>
    ) async throws -> StreamingServerResponse<[UInt8]> {
        guard let header = request.metadata.firstString(forKey: "authorization"), header.hasPrefix("Bearer ") else {
            throw RPCError(code: .unauthenticated, message: "No credentials.")
        }
        let parts = header.dropFirst("Bearer ".count).split(separator: ":")
        var context = context
        context.principal = Principal(id: String(parts[1]), role: String(parts[0]))
        var response = try await next(request, context)
        try response.metadata.addString("toy", forKey: "x-served-by")
        return response.addingTrailingMetadata(try Metadata([("x-audit-id", "a-1")]))
    }
}

@Suite struct InterceptorTests {
    @Test func metadataFlowsBothWays() async throws {
        let seen = TracingClientInterceptor.Seen()
        let response = try await withToyServer(
            serverInterceptors: [AuthServerInterceptor()],
            clientInterceptors: [TracingClientInterceptor(seen: seen)]
        ) { client, _ in
            try await client.unary(
                request: "?", descriptor: Toy.whoAmI, serializer: Toy.encode, deserializer: Toy.decode)
        }
        #expect(response.message == "svc-7/after-sales/trace-42")
        #expect(response.metadata.firstString(forKey: "x-served-by") == "toy")
        #expect(response.trailingMetadata.firstString(forKey: "x-audit-id") == "a-1")
        #expect(seen.trailing.withLock { $0.map { $0.firstString(forKey: "x-audit-id") } } == ["a-1"])
        #expect(seen.initial.withLock { $0.count } == 1)
    }

    @Test func serverInterceptorCanRefuseACall() async throws {
        let error = try await withToyServer(serverInterceptors: [AuthServerInterceptor()]) { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "?", descriptor: Toy.whoAmI, serializer: Toy.encode, deserializer: Toy.decode)
            }
        }
        #expect(error.code == .unauthenticated)
    }

    @Test func interceptorsRunInOrderFirstOutermost() async throws {
        struct Tag: ClientInterceptor {
            let name: String
            func intercept(
                request: StreamingClientRequest<[UInt8]>, context: ClientContext,
                next: (StreamingClientRequest<[UInt8]>, ClientContext) async throws -> StreamingClientResponse<[UInt8]>
            ) async throws -> StreamingClientResponse<[UInt8]> {
                var request = request
                try request.metadata.addString(name, forKey: "x-trace")
                return try await next(request, context)
            }
        }
        let response = try await withToyServer(clientInterceptors: [Tag(name: "outer"), Tag(name: "inner")]) {
            client, _ in
            try await client.unary(
                request: "?", descriptor: Toy.whoAmI, serializer: Toy.encode, deserializer: Toy.decode)
        }
        // The handler reads the first `x-trace` value: the outermost interceptor's.
        #expect(response.message == "anonymous/-/outer")
    }
}
