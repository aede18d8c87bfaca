/// A server address the client may connect to.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// How long a client waits before connecting again to an endpoint that failed:
/// `initial × multiplier^(failures − 1)`, capped at `maximum`, then spread by
/// ±`jitter` (a fraction) so that clients do not reconnect in step.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var multiplier: Double
    public var maximum: Duration
    public var jitter: Double

    public init(
        initial: Duration = .milliseconds(100), multiplier: Double = 1.6, maximum: Duration = .seconds(10),
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self.multiplier = max(1, multiplier)
        self.maximum = max(initial, maximum)
        self.jitter = min(max(0, jitter), 1)
    }

    /// The wait after `failures` consecutive failures (at least 1); `random` is in 0...1.
    public func delay(afterFailures failures: Int, random: Double) -> Duration {
        var seconds = Self.seconds(initial)
        let cap = Self.seconds(maximum)
        for _ in 1..<max(1, failures) where seconds < cap { seconds *= multiplier }
        seconds = min(seconds, cap)
        let spread = seconds * jitter * (2 * min(max(random, 0), 1) - 1)
        return .nanoseconds(Int64(((seconds + spread) * 1e9).rounded()))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Which endpoint a call goes to: round-robin over the endpoints with a usable
/// connection; an endpoint that failed to connect is left alone for its backoff.
///
/// Pure: the connections, the pending attempts and the time are parameters, so
/// every rule is tested without sockets. The transport keeps one under a lock.
struct EndpointBalancer<Connection, Attempt> {
    enum Phase {
        /// No connection and no attempt: the next call (or the maintenance loop) connects.
        case idle
        case connecting(Attempt)
        case ready(Connection)
        /// The last attempt failed; no new one before `until`.
        case backingOff(until: ContinuousClock.Instant)
    }

    struct Entry {
        var endpoint: Endpoint
        var phase = Phase.idle
        /// Consecutive failed attempts (reset by a success).
        var failures = 0
        var lastError: String?
    }

    enum Choice {
        /// Make the call on this connection.
        case use(Connection)
        /// Wait for this attempt to connect the endpoint at `index`; `isNew`: the
        /// caller made it (with `connect`) and must start it.
        case await(Attempt, index: Int, isNew: Bool)
        /// Every endpoint is backing off; the earliest may be tried at `retryAt`.
        case unavailable(retryAt: ContinuousClock.Instant, reasons: String)
    }

    private(set) var entries: [Entry]
    private let backoff: Backoff
    private var nextIndex = 0

    init(endpoints: [Endpoint], backoff: Backoff) {
        precondition(!endpoints.isEmpty, "A client needs at least one endpoint.")
        self.entries = endpoints.map { Entry(endpoint: $0) }
        self.backoff = backoff
    }

    /// Picks where the next call goes: the next usable connection in turn; else a
    /// pending attempt; else a new attempt (made by `connect`) on the first endpoint,
    /// in turn, that is neither connecting nor backing off.
    mutating func choose(
        now: ContinuousClock.Instant, isUsable: (Connection) -> Bool, connect: (Endpoint) -> Attempt
    ) -> Choice {
        let count = entries.count
        for step in 0..<count {
            let index = (nextIndex + step) % count
            if case .ready(let connection) = entries[index].phase, isUsable(connection) {
                nextIndex = (index + 1) % count
                return .use(connection)
            }
        }
        for step in 0..<count {
            let index = (nextIndex + step) % count
            if case .connecting(let attempt) = entries[index].phase {
                return .await(attempt, index: index, isNew: false)
            }
        }
        for step in 0..<count {
            let index = (nextIndex + step) % count
            if let attempt = startIfDue(index, now: now, isUsable: isUsable, connect: connect) {
                return .await(attempt, index: index, isNew: true)
            }
        }
        let retryAt = entries.compactMap { entry -> ContinuousClock.Instant? in
            if case .backingOff(let until) = entry.phase { return until }
            return nil
        }.min() ?? now
        let reasons = entries.map { "\($0.endpoint) (\($0.lastError ?? "not connected"))" }.joined(separator: ", ")
        return .unavailable(retryAt: retryAt, reasons: reasons)
    }

    /// What the maintenance loop of endpoint `index` should do now.
    enum Upkeep {
        case await(Attempt, isNew: Bool)
        /// Connected: wait for this connection to close.
        case watch(Connection)
        case sleep(until: ContinuousClock.Instant)
    }

    /// Keeps endpoint `index` connected: the attempt in progress, the usable
    /// connection, a new attempt, or the end of its backoff.
    mutating func upkeep(
        _ index: Int, now: ContinuousClock.Instant, isUsable: (Connection) -> Bool, connect: (Endpoint) -> Attempt
    ) -> Upkeep {
        switch entries[index].phase {
        case .connecting(let attempt): return .await(attempt, isNew: false)
        case .ready(let connection) where isUsable(connection): return .watch(connection)
        case .backingOff(let until) where until > now: return .sleep(until: until)
        case .idle, .ready, .backingOff:
            let attempt = connect(entries[index].endpoint)
            entries[index].phase = .connecting(attempt)
            return .await(attempt, isNew: true)
        }
    }

    private mutating func startIfDue(
        _ index: Int, now: ContinuousClock.Instant, isUsable: (Connection) -> Bool, connect: (Endpoint) -> Attempt
    ) -> Attempt? {
        switch entries[index].phase {
        case .connecting: return nil
        case .ready(let connection) where isUsable(connection): return nil
        case .backingOff(let until) where until > now: return nil
        case .idle, .ready, .backingOff:
            let attempt = connect(entries[index].endpoint)
            entries[index].phase = .connecting(attempt)
            return attempt
        }
    }

    /// Attempt `attempt` on endpoint `index` connected (ignored if it is no longer current).
    mutating func connected(
        _ index: Int, attempt: Attempt, connection: Connection, same: (Attempt, Attempt) -> Bool
    ) {
        guard case .connecting(let current) = entries[index].phase, same(current, attempt) else { return }
        entries[index].phase = .ready(connection)
        entries[index].failures = 0
        entries[index].lastError = nil
    }

    /// Attempt `attempt` on endpoint `index` failed: the endpoint backs off; returns until when.
    @discardableResult
    mutating func failed(
        _ index: Int, attempt: Attempt, error: String, now: ContinuousClock.Instant, random: Double,
        same: (Attempt, Attempt) -> Bool
    ) -> ContinuousClock.Instant? {
        guard case .connecting(let current) = entries[index].phase, same(current, attempt) else { return nil }
        entries[index].failures += 1
        entries[index].lastError = error
        let until = now.advanced(by: backoff.delay(afterFailures: entries[index].failures, random: random))
        entries[index].phase = .backingOff(until: until)
        return until
    }

    /// The connection of endpoint `index` closed (ignored if it is no longer current).
    mutating func closed(_ index: Int, isCurrent: (Connection) -> Bool) {
        guard case .ready(let connection) = entries[index].phase, isCurrent(connection) else { return }
        entries[index].phase = .idle
    }

    /// Every connection and attempt, for shutdown.
    var connections: [Connection] {
        entries.compactMap { entry in
            if case .ready(let connection) = entry.phase { return connection }
            return nil
        }
    }
}
