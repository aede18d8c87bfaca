import Synchronization
import Testing

@testable import RPCCore

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
/// The bound is generous: in a full test run on two cores, CPU-bound suites
/// running alongside can keep a task waiting for a thread for many seconds.
func eventually(timeout: Duration = .seconds(120), _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}

final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}

@Suite struct BoundedBufferTests {
    @Test func senderSuspendsWhenFullAndResumesWhenRead() async throws {
        let buffer = BoundedBuffer<Int>(capacity: 3)
        let written = Counter()
        let writer = Task {
            for value in 0..<10 {
                try await buffer.send(value)
                written.increment()
            }
            buffer.finish()
        }
        #expect(await eventually { buffer.suspendedSendCount == 1 })
        #expect(written.current == 3)
        #expect(buffer.bufferedCount == 3)

        #expect(try await buffer.receive() == 0)
        #expect(await eventually { written.current == 4 && buffer.suspendedSendCount == 1 })
        #expect(buffer.bufferedCount == 3)

        var rest: [Int] = []
        while let value = try await buffer.receive() { rest.append(value) }
        #expect(rest == Array(1..<10))
        try await writer.value
    }

    @Test func cancelledSenderAndReceiverThrow() async throws {
        let buffer = BoundedBuffer<Int>(capacity: 1)
        try await buffer.send(1)
        let blocked = Task { try await buffer.send(2) }
        #expect(await eventually { buffer.suspendedSendCount == 1 })
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        #expect(buffer.suspendedSendCount == 0)

        let empty = BoundedBuffer<Int>(capacity: 1)
        let reader = Task { try await empty.receive() }
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
    }

    @Test func finishDeliversBufferThenErrorAndClosedReaderFailsSenders() async throws {
        let buffer = BoundedBuffer<Int>(capacity: 4)
        try await buffer.send(1)
        buffer.finish(throwing: RPCError(code: .aborted, message: "stop"))
        #expect(try await buffer.receive() == 1)
        await #expect(throws: RPCError.self) { try await buffer.receive() }

        let closed = BoundedBuffer<Int>(capacity: 1)
        try await closed.send(1)
        let pending = Task { try await closed.send(2) }
        #expect(await eventually { closed.suspendedSendCount == 1 })
        closed.closeReading()
        let error = try #require(await #expect(throws: RPCError.self) { try await pending.value })
        #expect(error.code == .cancelled)
        #expect(try await closed.receive() == nil)
    }
}
