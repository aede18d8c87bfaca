import CoreMetrics
import Synchronization

/// Drives a ``WriteBatcher``: callers submit a change and wait; one loop (``run()``)
/// takes every change queued while the previous batch was written and hands them
/// to `commitBatch` together, then answers each caller.
final class StoreWriter: Sendable {
    typealias Answer = Result<CommitReceipt, any Error>

    struct Pending: Sendable {
        var change: StoreChange
        var continuation: CheckedContinuation<CommitReceipt, any Error>
    }

    private let batcher: Mutex<WriteBatcher<Pending>>
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Writes a batch in one transaction: one answer per change, in order.
    private let commitBatch: @Sendable ([StoreChange]) async -> [Answer]
    /// Changes per committed batch (`protection_store_batch_size`).
    private let batchSizes: Recorder

    init(maxBatch: Int, metrics: (any MetricsFactory)?, commitBatch: @escaping @Sendable ([StoreChange]) async -> [Answer]) {
        batcher = Mutex(WriteBatcher(maxBatch: maxBatch))
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.commitBatch = commitBatch
        let label = "protection_store_batch_size"
        batchSizes = metrics.map { Recorder(label: label, factory: $0) } ?? Recorder(label: label)
    }

    /// Commits `change` with whatever else is queued; returns once it is durable.
    func submit(_ change: StoreChange) async throws -> CommitReceipt {
        try await withCheckedThrowingContinuation { continuation in
            switch batcher.withLock({ $0.submit(Pending(change: change, continuation: continuation)) }) {
            case .wakeWriter: wake.yield()
            case .queued: break
            case .refuse(let pending):
                pending.continuation.resume(throwing: StoreError(.closed, "The store is closed."))
            }
        }
    }

    /// Writes batches until closed and drained. On cancellation, the queued changes
    /// are answered with `.closed` errors (none is left waiting).
    func run() async {
        for await _ in wakeups {
            while let batch = batcher.withLock({ $0.nextBatch() }) {
                batchSizes.record(batch.count)
                let answers = await commitBatch(batch.map(\.change))
                for (pending, answer) in zip(batch, answers) { pending.continuation.resume(with: answer) }
            }
            if batcher.withLock({ $0.isClosed }) { break }
        }
        // Cancelled (or closed): answer anything left.
        _ = batcher.withLock { $0.close() }
        while let batch = batcher.withLock({ $0.nextBatch() }) {
            for pending in batch { pending.continuation.resume(throwing: StoreError(.closed, "The store is closed.")) }
        }
    }

    /// No new changes; the queued ones are still written.
    func close() {
        _ = batcher.withLock { $0.close() }
        // Wake the writer either way: asleep, it sees the close; at work, the wake is harmless.
        wake.yield()
    }
}
