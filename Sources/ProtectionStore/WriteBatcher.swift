/// The rules of group commit, with no database and no threads: commits queue up
/// while one batch is written; when it is done, the writer takes every commit that
/// queued meanwhile (up to a maximum) as the next batch, so concurrent callers
/// share one transaction and one sync. The writer sleeps when nothing is queued.
public struct WriteBatcher<Item> {
    public enum State: Sendable, Hashable {
        /// Nothing queued, the writer asleep.
        case idle
        /// The writer was woken, or is writing a batch.
        case writing
        /// Closing: no new items; the writer finishes what is queued.
        case closing
        /// Closed and drained.
        case closed
    }

    public private(set) var state = State.idle
    public private(set) var queued: [Item] = []
    /// The most items one batch takes.
    public let maxBatch: Int

    public init(maxBatch: Int) {
        precondition(maxBatch > 0)
        self.maxBatch = maxBatch
    }

    public enum SubmitAction {
        /// Queued; the writer must be woken.
        case wakeWriter
        /// Queued; the writer is already at work and will take it.
        case queued
        /// Refused: the writer is closing or closed.
        case refuse(Item)
    }

    /// A new item.
    public mutating func submit(_ item: Item) -> SubmitAction {
        switch state {
        case .idle:
            queued.append(item)
            state = .writing
            return .wakeWriter
        case .writing:
            queued.append(item)
            return .queued
        case .closing, .closed:
            return .refuse(item)
        }
    }

    /// The writer asks for its next batch: up to `maxBatch` queued items, oldest
    /// first; nil when there are none (the writer sleeps, or stops once closing).
    public mutating func nextBatch() -> [Item]? {
        guard !queued.isEmpty else {
            switch state {
            case .writing: state = .idle
            case .closing: state = .closed
            case .idle, .closed: break
            }
            return nil
        }
        let batch = Array(queued.prefix(maxBatch))
        queued.removeFirst(batch.count)
        return batch
    }

    public enum CloseAction {
        /// The writer is asleep: wake it so that it sees the close and stops.
        case wakeWriter
        /// The writer is at work; it stops after the queued items.
        case none
    }

    /// No new items from now on; those queued are still written.
    public mutating func close() -> CloseAction {
        switch state {
        case .idle:
            state = .closing
            return .wakeWriter
        case .writing:
            state = .closing
            return .none
        case .closing, .closed:
            return .none
        }
    }

    /// Whether the writer should stop: closed and drained.
    public var isClosed: Bool { state == .closed }
}
