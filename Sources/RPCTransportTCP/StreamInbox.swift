import Synchronization

/// The parts arriving on one stream, waiting for the (single) consumer.
///
/// The connection pushes parts as frames arrive; flow control bounds how many bytes
/// can wait here. Each message carries the flow-control credit of its bytes, handed to
/// `onConsume` when the consumer takes it (so the peer may send more), or returned by
/// ``closeReading()`` when the consumer goes away without reading it.
final class StreamInbox<Part: Sendable>: Sendable {
    private struct Item {
        var part: Part
        var credit: Int
    }

    private struct State {
        var items: [Item] = []
        var head = 0
        var finished = false
        var failure: (any Error)?
        var readerClosed = false
        var waiter: CheckedContinuation<Item?, any Error>?
        var waiterID: UInt64 = 0

        var hasItems: Bool { head < items.count }

        mutating func popFirst() -> Item {
            let item = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            return item
        }
    }

    private enum Outcome {
        case delivered(CheckedContinuation<Item?, any Error>)
        case queued
        case dropped
    }

    private enum Ready {
        case item(Item)
        case end
        case failure(any Error)
        case wait
    }

    private let state = Mutex(State())
    private let onConsume: @Sendable (Int) -> Void

    init(onConsume: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.onConsume = onConsume
    }

    /// Adds a part; dropped (with its credit returned) once the reader has gone.
    func push(_ part: Part, credit: Int = 0) {
        let item = Item(part: part, credit: credit)
        let outcome = state.withLock { state -> Outcome in
            guard !state.readerClosed, !state.finished else { return .dropped }
            if let waiter = state.waiter {
                state.waiter = nil
                return .delivered(waiter)
            }
            state.items.append(item)
            return .queued
        }
        switch outcome {
        case .delivered(let waiter): waiter.resume(returning: item)
        case .queued: break
        case .dropped: if credit > 0 { onConsume(credit) }
        }
    }

    /// Ends the parts: the consumer reads what is queued, then `nil` (or `error`).
    func finish(throwing error: (any Error)? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<Item?, any Error>? in
            guard !state.finished else { return nil }
            state.finished = true
            state.failure = error
            guard !state.hasItems else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// The reader is gone: drops what is queued and returns the credit it held.
    @discardableResult
    func closeReading() -> Int {
        let (credit, waiter) = state.withLock { state -> (Int, CheckedContinuation<Item?, any Error>?) in
            state.readerClosed = true
            let credit = state.items[state.head...].reduce(0) { $0 + $1.credit }
            state.items = []
            state.head = 0
            defer { state.waiter = nil }
            return (credit, state.waiter)
        }
        waiter?.resume(throwing: CancellationError())
        return credit
    }

    /// The next part, `nil` at the end; throws the finishing error, or
    /// `CancellationError` when the waiting task is cancelled.
    func next() async throws -> Part? {
        let id = state.withLock { state -> UInt64 in
            state.waiterID += 1
            return state.waiterID
        }
        let item = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Item?, any Error>) in
                let ready = state.withLock { state -> Ready in
                    if state.hasItems { return .item(state.popFirst()) }
                    if state.readerClosed || Task.isCancelled { return .failure(CancellationError()) }
                    if state.finished { return state.failure.map { .failure($0) } ?? .end }
                    precondition(state.waiter == nil, "StreamInbox supports a single consumer")
                    state.waiter = continuation
                    return .wait
                }
                switch ready {
                case .item(let item): continuation.resume(returning: item)
                case .end: continuation.resume(returning: nil)
                case .failure(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Item?, any Error>? in
                guard state.waiterID == id else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
        guard let item else { return nil }
        if item.credit > 0 { onConsume(item.credit) }
        return item.part
    }
}
