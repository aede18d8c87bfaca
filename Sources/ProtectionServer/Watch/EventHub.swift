import ProtectionStore
import Synchronization

/// Committed log entries, fanned out to live watchers as they commit, with a tick
/// every second so that idle watchers can send heartbeats. A watcher that falls
/// more than its buffer behind is marked overflowed and catches up from the store:
/// the log, not the hub, is the source of truth, so nothing is lost or repeated.
public final class EventHub: Sendable {
    enum Item: Sendable {
        case entry(CommittedEntry)
        case tick
    }

    final class Subscription: Sendable {
        let items: AsyncStream<Item>
        fileprivate let continuation: AsyncStream<Item>.Continuation
        private let overflowed = Mutex(false)

        fileprivate init(buffer: Int) {
            (items, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(buffer))
        }

        fileprivate func send(_ item: Item) {
            if case .dropped = continuation.yield(item), case .entry = item { overflowed.withLock { $0 = true } }
        }

        /// Whether entries were dropped since the last call (and clears the mark).
        func takeOverflow() -> Bool {
            overflowed.withLock { flag in
                defer { flag = false }
                return flag
            }
        }
    }

    private let subscriptions = Mutex<[ObjectIdentifier: Subscription]>([:])

    public init() {}

    /// A new watcher's subscription; it ends when the watcher stops iterating.
    func subscribe(buffer: Int = 1_024) -> Subscription {
        let subscription = Subscription(buffer: buffer)
        let id = ObjectIdentifier(subscription)
        subscriptions.withLock { $0[id] = subscription }
        subscription.continuation.onTermination = { [weak self] _ in
            _ = self?.subscriptions.withLock { $0.removeValue(forKey: id) }
        }
        return subscription
    }

    /// Live watchers.
    var watcherCount: Int { subscriptions.withLock { $0.count } }

    /// Sends committed entries to every watcher.
    func publish(_ entries: [CommittedEntry]) {
        let all = subscriptions.withLock { Array($0.values) }
        for subscription in all {
            for entry in entries { subscription.send(.entry(entry)) }
        }
    }

    /// Ticks every `interval` until cancelled.
    public func runTicks(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            for subscription in subscriptions.withLock({ Array($0.values) }) { subscription.send(.tick) }
        }
    }

    /// Ends every watcher's stream (at shutdown).
    public func finishAll() {
        for subscription in subscriptions.withLock({ Array($0.values) }) { subscription.continuation.finish() }
    }
}
