import Synchronization

/// Holds a stream's writer while what it wrote waits for flow-control credit (or, on
/// a client, for one of the server's concurrent streams). The connection closes and
/// opens it on its event loop; the waiting writer can be cancelled.
final class WriteGate: Sendable {
    private struct State {
        var isOpen = true
        var failure: (any Error)?
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private let state = Mutex(State())

    init() {}

    /// Writers must wait from now on.
    func close() {
        state.withLock { state in
            state.isOpen = false
            state.failure = nil
        }
    }

    /// Lets the waiting writer go on, or fail with `failure`.
    func open(failure: (any Error)? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.isOpen = true
            state.failure = failure
            defer { state.waiter = nil }
            return state.waiter
        }
        if let failure { waiter?.resume(throwing: failure) } else { waiter?.resume() }
    }

    /// Returns once the gate is open; throws its failure, or `CancellationError`.
    func wait() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result = state.withLock { state -> Result<Void, any Error>? in
                    if state.isOpen { return state.failure.map { .failure($0) } ?? .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
