import ProtectionMessages
import Synchronization

/// The server's health, for the whole server and per service: liveness (the
/// process answers) apart from readiness (it can serve calls now).
///
/// The server's wiring sets it (``markReady()`` once started, ``markNotReady(reason:)``
/// when a dependency fails, ``beginDraining()`` at shutdown, ``set(_:for:)`` per
/// service); ``HealthHandler`` reads it and streams its changes to watchers.
public final class HealthStatusBoard: Sendable {
    /// A status with the reason it is not serving.
    public enum Status: Sendable, Hashable {
        case serving
        case notServing(reason: String)
    }

    /// What a probe answers: a status, or nil for a service the server does not have.
    typealias Answer = Status?

    private struct Watcher {
        var service: String
        var probe: HealthProbe
        var last: Answer
        var continuation: AsyncStream<Answer>.Continuation
    }

    private struct State {
        var readiness = Status.notServing(reason: "The server is starting.")
        var services: [String: Status]
        var watchers: [Int: Watcher] = [:]
        var nextWatcher = 0
        var draining = false

        func answer(service: String, probe: HealthProbe) -> Answer {
            if service.isEmpty { return probe == .liveness ? .serving : readiness }
            guard let own = services[service] else { return nil }
            if probe == .liveness { return .serving }
            if case .notServing = readiness { return readiness }
            return own
        }
    }

    private let state: Mutex<State>

    /// A board for a server of `services` (full names), each serving once the server is ready.
    public init(services: [String]) {
        self.state = Mutex(State(services: Dictionary(services.map { ($0, Status.serving) }, uniquingKeysWith: { a, _ in a })))
    }

    /// The server started and can serve calls.
    public func markReady() { update { $0.readiness = .serving } }

    /// The server cannot serve calls now (a dependency is down), for `reason`.
    public func markNotReady(reason: String) { update { $0.readiness = .notServing(reason: reason) } }

    /// The server is shutting down: not ready any more, still alive. Every watch gets
    /// that answer and then ends (``HealthHandler`` ends the call with UNAVAILABLE),
    /// so no watcher holds the drain.
    public func beginDraining() {
        update {
            $0.readiness = .notServing(reason: "The server is draining.")
            $0.draining = true
        }
        let watchers = state.withLock { state in
            defer { state.watchers = [:] }
            return Array(state.watchers.values)
        }
        for watcher in watchers { watcher.continuation.finish() }
    }

    /// Whether ``beginDraining()`` was called.
    public var isDraining: Bool { state.withLock { $0.draining } }

    /// Sets one service's own status (it is also not ready while the server is not).
    public func set(_ status: Status, for service: String) { update { $0.services[service] = status } }

    /// The answer to a probe of `service` (empty: the whole server); nil for an unknown service.
    func answer(service: String, probe: HealthProbe) -> Answer {
        state.withLock { $0.answer(service: service, probe: probe) }
    }

    /// The answer now, then each change, until the caller stops iterating.
    func watch(service: String, probe: HealthProbe) -> AsyncStream<Answer> {
        let (stream, continuation) = AsyncStream<Answer>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int? in
            let first = state.answer(service: service, probe: probe)
            continuation.yield(first)
            guard !state.draining else {
                continuation.finish()
                return nil
            }
            defer { state.nextWatcher += 1 }
            state.watchers[state.nextWatcher] = Watcher(
                service: service, probe: probe, last: first, continuation: continuation)
            return state.nextWatcher
        }
        guard let id else { return stream }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Applies `change` and tells each watcher whose answer changed.
    private func update(_ change: (inout State) -> Void) {
        state.withLock { state in
            change(&state)
            for (id, watcher) in state.watchers {
                let now = state.answer(service: watcher.service, probe: watcher.probe)
                if now != watcher.last {
                    state.watchers[id]?.last = now
                    watcher.continuation.yield(now)
                }
            }
        }
    }
}
