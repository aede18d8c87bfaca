import Synchronization

/// A single-consumer buffer of at most `capacity` elements between a writer and a
/// reader in the same process. A send suspends while the buffer is full (so a slow
/// reader costs bounded memory); a receive suspends while it is empty. Both are
/// cancellation-aware.
final class BoundedBuffer<Element: Sendable>: Sendable {
    private struct PendingSend {
        var id: UInt64
        var element: Element
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var buffer: [Element] = []
        var pendingSends: [PendingSend] = []
        var receiver: (id: UInt64, continuation: CheckedContinuation<Element?, any Error>)?
        var writerFinished = false
        var finishError: (any Error)?
        var readerClosed = false
        var nextID: UInt64 = 0

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }
    }

    private enum SendAction {
        case none
        case resumeSender
        case failSender(any Error)
        case handOff(CheckedContinuation<Element?, any Error>)
    }

    private enum ReceiveAction {
        case none
        case deliver(Element?, unblocking: PendingSend?)
        case fail(any Error)
    }

    /// How many elements the buffer holds before sends suspend (at least 1).
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of sends currently suspended because the buffer is full.
    var suspendedSendCount: Int { state.withLock { $0.pendingSends.count } }
    /// The number of elements waiting to be read.
    var bufferedCount: Int { state.withLock { $0.buffer.count } }
    /// Whether the writing side has finished.
    var isWriterFinished: Bool { state.withLock { $0.writerFinished } }

    func send(_ element: Element) async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let action = state.withLock { state -> SendAction in
                    if state.readerClosed {
                        return .failSender(RPCError(code: .cancelled, message: "The peer stopped reading."))
                    }
                    if state.writerFinished {
                        return .failSender(RPCError(code: .internalError, message: "The stream is already finished."))
                    }
                    if let receiver = state.receiver {
                        state.receiver = nil
                        return .handOff(receiver.continuation)
                    }
                    if state.buffer.count < capacity {
                        state.buffer.append(element)
                        return .resumeSender
                    }
                    if Task.isCancelled { return .failSender(CancellationError()) }
                    state.pendingSends.append(PendingSend(id: id, element: element, continuation: continuation))
                    return .none
                }
                switch action {
                case .none: break
                case .resumeSender: continuation.resume()
                case .failSender(let error): continuation.resume(throwing: error)
                case .handOff(let receiver):
                    receiver.resume(returning: element)
                    continuation.resume()
                }
            }
        } onCancel: {
            let pending = state.withLock { state -> PendingSend? in
                guard let index = state.pendingSends.firstIndex(where: { $0.id == id }) else { return nil }
                return state.pendingSends.remove(at: index)
            }
            pending?.continuation.resume(throwing: CancellationError())
        }
    }

    func receive() async throws -> Element? {
        let id = state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                let action = state.withLock { state -> ReceiveAction in
                    if !state.buffer.isEmpty {
                        let element = state.buffer.removeFirst()
                        var unblocked: PendingSend?
                        if !state.pendingSends.isEmpty {
                            unblocked = state.pendingSends.removeFirst()
                            state.buffer.append(unblocked!.element)
                        }
                        return .deliver(element, unblocking: unblocked)
                    }
                    if state.writerFinished {
                        if let error = state.finishError { return .fail(error) }
                        return .deliver(nil, unblocking: nil)
                    }
                    if state.readerClosed { return .deliver(nil, unblocking: nil) }
                    if Task.isCancelled { return .fail(CancellationError()) }
                    if state.receiver != nil {
                        return .fail(RPCError(code: .internalError, message: "A stream has one reader at a time."))
                    }
                    state.receiver = (id, continuation)
                    return .none
                }
                switch action {
                case .none: break
                case .deliver(let element, let unblocked):
                    unblocked?.continuation.resume()
                    continuation.resume(returning: element)
                case .fail(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let receiver = state.withLock { state -> CheckedContinuation<Element?, any Error>? in
                guard let receiver = state.receiver, receiver.id == id else { return nil }
                state.receiver = nil
                return receiver.continuation
            }
            receiver?.resume(throwing: CancellationError())
        }
    }

    /// Ends the stream: the reader gets the buffered elements, then `nil` (or
    /// `error`). Later sends fail. Finishing twice keeps the first outcome.
    func finish(throwing error: (any Error)? = nil) {
        let (receiver, pending) = state.withLock {
            state -> (CheckedContinuation<Element?, any Error>?, [PendingSend]) in
            guard !state.writerFinished else { return (nil, []) }
            state.writerFinished = true
            state.finishError = error
            let receiver = state.receiver?.continuation
            state.receiver = nil
            defer { state.pendingSends = [] }
            return (receiver, state.pendingSends)
        }
        if let receiver {
            if let error { receiver.resume(throwing: error) } else { receiver.resume(returning: nil) }
        }
        for send in pending {
            send.continuation.resume(throwing: RPCError(code: .internalError, message: "The stream was finished."))
        }
    }

    /// The reader goes away: buffered elements are dropped, pending and later sends
    /// fail with `CANCELLED`.
    func closeReading() {
        let (receiver, pending) = state.withLock {
            state -> (CheckedContinuation<Element?, any Error>?, [PendingSend]) in
            state.readerClosed = true
            state.buffer = []
            let receiver = state.receiver?.continuation
            state.receiver = nil
            defer { state.pendingSends = [] }
            return (receiver, state.pendingSends)
        }
        receiver?.resume(returning: nil)
        for send in pending {
            send.continuation.resume(throwing: RPCError(code: .cancelled, message: "The peer stopped reading."))
        }
    }

    /// The reading side as a sequence.
    var sequence: RPCAsyncSequence<Element> {
        RPCAsyncSequence(next: { try await self.receive() })
    }

    /// The writing side as a writer.
    var writer: RPCWriter<Element> {
        RPCWriter(write: { try await self.send($0) }, finish: { self.finish(throwing: $0) })
    }
}
