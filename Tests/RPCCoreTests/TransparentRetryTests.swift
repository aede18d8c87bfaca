import Synchronization
import Testing

@testable import RPCCore

/// A call the server refused before processing any of it is sent again, within limits.
@Suite struct TransparentRetryTests {
    /// Refuses the first `refusals` calls with UNAVAILABLE (marked not processed when
    /// `marked`), then passes calls to `base`.
    final class RefusingTransport: ClientTransport {
        let base: any ClientTransport
        let refusals: Int
        let marked: Bool
        let attempts = Atomic<Int>(0)

        init(base: any ClientTransport, refusals: Int, marked: Bool = true) {
            self.base = base
            self.refusals = refusals
            self.marked = marked
        }

        func connect() async throws { try await base.connect() }
        func beginGracefulShutdown() { base.beginGracefulShutdown() }

        func withStream<Result: Sendable>(
            descriptor: MethodDescriptor, options: CallOptions, _ body: (RPCClientStream) async throws -> Result
        ) async throws -> Result {
            let attempt = attempts.add(1, ordering: .relaxed).newValue
            guard attempt > refusals else {
                var marker = Metadata()
                if marked { try marker.addString("1", forKey: RPCError.notProcessedKey) }
                let trailing = marker
                let status = Status(code: .unavailable, message: "draining; not processed")
                let sent = Atomic<Bool>(false)
                let refused = RPCClientStream(
                    descriptor: descriptor,
                    inbound: RPCAsyncSequence(next: {
                        sent.exchange(true, ordering: .relaxed) ? nil : .status(status, trailing: trailing)
                    }),
                    outbound: RPCWriter(write: { _ in }, finish: { _ in }))
                return try await body(refused)
            }
            return try await base.withStream(descriptor: descriptor, options: options, body)
        }
    }

    static func withRefusals<T: Sendable>(
        _ refusals: Int, marked: Bool = true, _ body: @escaping @Sendable (RPCClient, RefusingTransport) async throws -> T
    ) async throws -> T {
        try await withToyServer { _, transport in
            let refusing = RefusingTransport(base: transport.client, refusals: refusals, marked: marked)
            return try await body(RPCClient(transport: refusing), refusing)
        }
    }

    @Test func aUnaryCallRefusedUnprocessedIsSentAgain() async throws {
        let (answer, attempts) = try await Self.withRefusals(2) { client, transport in
            let answer = try await client.unary(
                request: "hi", descriptor: Toy.echo, serializer: Toy.encode, deserializer: Toy.decode)
            return (answer.message, transport.attempts.load(ordering: .relaxed))
        }
        #expect(answer == "hi")
        #expect(attempts == 3)
    }

    @Test func resendingStopsAfterTheLimit() async throws {
        let (error, attempts) = try await Self.withRefusals(10) { client, transport in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(request: "hi", descriptor: Toy.echo, serializer: Toy.encode, deserializer: Toy.decode)
            }
            return (error, transport.attempts.load(ordering: .relaxed))
        }
        #expect(error?.code == .unavailable)
        #expect(error?.wasNotProcessed == true, "the caller may still retry elsewhere")
        #expect(attempts == RPCClient.maxTransparentAttempts)
    }

    @Test func anUnmarkedRefusalIsNotSentAgain() async throws {
        let attempts = try await Self.withRefusals(1, marked: false) { client, transport in
            await #expect(throws: RPCError.self) {
                try await client.unary(request: "hi", descriptor: Toy.echo, serializer: Toy.encode, deserializer: Toy.decode)
            }
            return transport.attempts.load(ordering: .relaxed)
        }
        #expect(attempts == 1)
    }

    @Test func aStreamOfRequestsIsNotSentAgain() async throws {
        let attempts = try await Self.withRefusals(1) { client, transport in
            await #expect(throws: RPCError.self) {
                try await client.clientStreaming(
                    descriptor: Toy.sum, serializer: Toy.encode, deserializer: Toy.decode
                ) { writer in
                    try await writer.write("1")
                }
            }
            return transport.attempts.load(ordering: .relaxed)
        }
        #expect(attempts == 1)
    }
}
