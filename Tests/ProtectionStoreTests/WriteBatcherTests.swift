import ProtectionStore
import Testing

/// Group commit's rules without a database: what queues while a batch is written
/// becomes the next batch; the writer sleeps when nothing is queued; closing
/// refuses new items and drains the queued ones.
@Suite struct WriteBatcherTests {
    @Test func theFirstItemWakesTheWriterAndLaterOnesJoinTheNextBatch() {
        var batcher = WriteBatcher<Int>(maxBatch: 10)
        guard case .wakeWriter = batcher.submit(1) else { Issue.record("the first item must wake the writer"); return }
        #expect(batcher.nextBatch() == [1])
        // While batch [1] is written, three more arrive: no further wake-ups.
        for item in 2...4 {
            guard case .queued = batcher.submit(item) else { Issue.record("\(item) must just queue"); return }
        }
        #expect(batcher.nextBatch() == [2, 3, 4], "one batch, one transaction, one sync")
        #expect(batcher.nextBatch() == nil)
        #expect(batcher.state == .idle)
        guard case .wakeWriter = batcher.submit(5) else { Issue.record("an idle writer must be woken again"); return }
    }

    @Test func aBatchTakesAtMostTheMaximumOldestFirst() {
        var batcher = WriteBatcher<Int>(maxBatch: 3)
        for item in 1...7 { _ = batcher.submit(item) }
        #expect(batcher.nextBatch() == [1, 2, 3])
        #expect(batcher.nextBatch() == [4, 5, 6])
        #expect(batcher.nextBatch() == [7])
        #expect(batcher.nextBatch() == nil)
    }

    @Test func closingRefusesNewItemsAndDrainsTheQueuedOnes() {
        var batcher = WriteBatcher<Int>(maxBatch: 10)
        _ = batcher.submit(1)
        _ = batcher.submit(2)
        guard case .none = batcher.close() else { Issue.record("a working writer needs no wake-up"); return }
        guard case .refuse(let refused) = batcher.submit(3) else { Issue.record("closing must refuse"); return }
        #expect(refused == 3)
        #expect(batcher.nextBatch() == [1, 2])
        #expect(!batcher.isClosed)
        #expect(batcher.nextBatch() == nil)
        #expect(batcher.isClosed)
    }

    @Test func closingAnIdleWriterWakesItToStop() {
        var batcher = WriteBatcher<Int>(maxBatch: 10)
        guard case .wakeWriter = batcher.close() else { Issue.record("an idle writer must be woken to stop"); return }
        #expect(batcher.nextBatch() == nil)
        #expect(batcher.isClosed)
    }
}
