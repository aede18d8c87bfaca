import Synchronization

extension ServerContext {
    /// A one-way switch that flips when a call is cancelled, with the reason why.
    ///
    /// The transport flips it when the client cancels or disconnects; the server
    /// flips it when the deadline passes. Handlers check ``isCancelled`` or await
    /// ``cancelled()``.
    public final class Cancellation: Sendable {
        /// Why a call was cancelled.
        public enum Reason: Sendable, Hashable {
            /// The call's deadline passed.
            case deadlineExceeded
            /// The client cancelled the call or went away.
            case clientCancelled
            /// The server is shutting down and stopped waiting for the call.
            case serverShutdown
        }

        private struct State {
            var reason: Reason?
            var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
            var callbacks: [UInt64: @Sendable (Reason) -> Void] = [:]
            var nextID: UInt64 = 0
        }

        private let state = Mutex(State())

        public init() {}

        /// Whether the call has been cancelled.
        public var isCancelled: Bool { state.withLock { $0.reason != nil } }

        /// Why the call was cancelled, if it was.
        public var reason: Reason? { state.withLock { $0.reason } }

        /// Flips the switch; the first reason given wins. Wakes every waiter.
        public func cancel(reason: Reason) {
            let (waiters, callbacks) = state.withLock {
                state -> ([CheckedContinuation<Void, Never>], [@Sendable (Reason) -> Void]) in
                guard state.reason == nil else { return ([], []) }
                state.reason = reason
                defer {
                    state.waiters = [:]
                    state.callbacks = [:]
                }
                return (Array(state.waiters.values), Array(state.callbacks.values))
            }
            for waiter in waiters { waiter.resume() }
            for callback in callbacks { callback(reason) }
        }

        /// Runs `callback` when the call is cancelled (at once if it already is), until
        /// `body` returns; returns what `body` returns.
        func whileWatching<T>(
            _ callback: @escaping @Sendable (Reason) -> Void, _ body: () async throws -> T
        ) async rethrows -> T {
            let (id, already) = state.withLock { state -> (UInt64, Reason?) in
                if let reason = state.reason { return (0, reason) }
                state.nextID += 1
                state.callbacks[state.nextID] = callback
                return (state.nextID, nil)
            }
            if let already { callback(already) }
            defer { _ = state.withLock { $0.callbacks.removeValue(forKey: id) } }
            return try await body()
        }

        /// Returns once the call is cancelled, or once the awaiting task is cancelled.
        public func cancelled() async {
            let id = state.withLock { state -> UInt64 in
                state.nextID += 1
                return state.nextID
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.reason != nil || Task.isCancelled { return true }
                        state.waiters[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.resume()
            }
        }
    }
}
