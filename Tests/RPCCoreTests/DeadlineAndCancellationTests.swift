import Synchronization
import Testing

@testable import RPCCore

@Suite struct DeadlineAndCancellationTests {
    @Test func deadlineExceededReachesTheClientAndCancelsTheHandler() async throws {
        let observations = Toy.Observations()
        let error = try await withToyServer(router: Toy.router(observations: observations)) { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: Toy.slow, serializer: Toy.encode, deserializer: Toy.decode,
                    options: CallOptions(timeout: .milliseconds(50)))
            }
        }
        #expect(error.code == .deadlineExceeded)
        // The server has shut down gracefully, so the handler has returned.
        let seen = observations.seen
        #expect(seen.started)
        #expect(seen.taskCancelled)
        #expect(seen.reason != nil)
    }

    @Test func serverEnforcesTheDeadlineOnItsOwn() async throws {
        let observations = Toy.Observations()
        let parts = try await withToyServer(router: Toy.router(observations: observations)) { _, transport in
            // Straight on the transport: no client-side timer, only the server's.
            try await transport.client.withStream(
                descriptor: Toy.slow, options: CallOptions(timeout: .milliseconds(50))
            ) { stream in
                try await stream.outbound.write(.metadata(Metadata()))
                try await stream.outbound.write(.message(Toy.encode("x")))
                await stream.outbound.finish()
                return try await stream.inbound.collect()
            }
        }
        guard case .status(let status, _)? = parts.last else {
            Issue.record("no status in \(parts)")
            return
        }
        #expect(status.code == .deadlineExceeded)
        #expect(observations.seen.reason == .deadlineExceeded)
        #expect(observations.seen.taskCancelled)
    }

    @Test func cancellingTheCallingTaskCancelsTheHandler() async throws {
        let observations = Toy.Observations()
        try await withToyServer(router: Toy.router(observations: observations)) { client, _ in
            let call = Task {
                try await client.unary(
                    request: "x", descriptor: Toy.slow, serializer: Toy.encode, deserializer: Toy.decode)
            }
            #expect(await eventually { observations.seen.started })
            call.cancel()
            let error = try await #require(throws: RPCError.self) { try await call.value }
            #expect(error.code == .cancelled)
            await observations.done.cancelled()
        }
        #expect(observations.seen.taskCancelled)
        #expect(observations.seen.reason == .clientCancelled)
    }

    @Test func writerToAReaderThatNeverReadsSuspendsAtTheBufferLimit() async throws {
        let bufferSize = 4
        let observations = Toy.Observations()
        let written = Counter()
        try await withToyServer(router: Toy.router(observations: observations), bufferSize: bufferSize) {
            client, transport in
            let call = Task {
                try await client.clientStreaming(
                    descriptor: Toy.sink, serializer: Toy.encode, deserializer: Toy.decode
                ) { writer in
                    for index in 0..<1000 {
                        try await writer.write("message \(index)")
                        written.increment()
                    }
                }
            }
            // The server has read the request metadata; its handler never reads a message.
            #expect(await eventually { observations.seen.started })
            #expect(await eventually { transport.client.suspendedWriteCount == 1 && written.current == bufferSize })
            for _ in 0..<100 { await Task.yield() }
            #expect(written.current == bufferSize)
            #expect(transport.client.suspendedWriteCount == 1)

            call.cancel()
            await #expect(throws: RPCError.self) { try await call.value }
            await observations.done.cancelled()
        }
        #expect(observations.seen.reason == .clientCancelled)
        #expect(written.current == bufferSize)
    }

    @Test func serverCancellationHandleCanBeAwaited() async {
        let cancellation = ServerContext.Cancellation()
        #expect(!cancellation.isCancelled)
        async let waited: Void = cancellation.cancelled()
        cancellation.cancel(reason: .deadlineExceeded)
        cancellation.cancel(reason: .clientCancelled)
        await waited
        #expect(cancellation.reason == .deadlineExceeded)
        await cancellation.cancelled()  // returns at once once cancelled
    }
}
