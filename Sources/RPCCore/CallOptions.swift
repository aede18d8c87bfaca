/// Per-call settings chosen by the caller.
public struct CallOptions: Sendable, Hashable {
    /// How long the whole call may take, measured from its start; `nil` for no limit.
    /// Both sides enforce it: the server cancels its handler and answers
    /// `DEADLINE_EXCEEDED`, and the client stops waiting with the same code.
    public var timeout: Duration?
    /// Whether to wait for the transport to become ready instead of failing fast
    /// with `UNAVAILABLE` (the timeout still applies).
    public var waitForReady: Bool
    /// The largest serialized request message the client will send; `nil` for the
    /// transport's limit. A larger message fails the call with `RESOURCE_EXHAUSTED`.
    public var maxRequestMessageBytes: Int?
    /// The largest serialized response message the client will accept; `nil` for
    /// the transport's limit. A larger message fails the call with `RESOURCE_EXHAUSTED`.
    public var maxResponseMessageBytes: Int?

    public init(
        timeout: Duration? = nil, waitForReady: Bool = false, maxRequestMessageBytes: Int? = nil,
        maxResponseMessageBytes: Int? = nil
    ) {
        self.timeout = timeout
        self.waitForReady = waitForReady
        self.maxRequestMessageBytes = maxRequestMessageBytes
        self.maxResponseMessageBytes = maxResponseMessageBytes
    }

    /// No timeout, fail fast, transport limits.
    public static let defaults = CallOptions()

    /// A copy with `timeout` set.
    public func withTimeout(_ timeout: Duration?) -> CallOptions {
        var copy = self
        copy.timeout = timeout
        return copy
    }
}

/// A point in time by which a call must complete, on the continuous clock.
public struct Deadline: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The instant.
    public var instant: ContinuousClock.Instant

    public init(_ instant: ContinuousClock.Instant) {
        self.instant = instant
    }

    /// The deadline `timeout` from now.
    public static func after(_ timeout: Duration, clock: ContinuousClock = ContinuousClock()) -> Deadline {
        Deadline(clock.now.advanced(by: timeout))
    }

    /// The deadline for a call started now with `options`, if it has a timeout.
    public static func forCall(_ options: CallOptions) -> Deadline? {
        options.timeout.map { after($0) }
    }

    /// Time left until the deadline; zero or negative once it has passed.
    public var remaining: Duration { ContinuousClock.now.duration(to: instant) }

    /// Whether the deadline has passed.
    public var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Suspends until the deadline; throws `CancellationError` if cancelled first.
    public func sleep() async throws {
        try await Task.sleep(until: instant, clock: .continuous)
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.instant < rhs.instant }

    public var description: String { "Deadline(in \(remaining))" }
}
