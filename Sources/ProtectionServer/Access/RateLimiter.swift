import Dispatch
import Synchronization

/// The classes of rpcs a rate limit counts separately: the hot-path checks, other
/// reads, and writes.
public enum RateClass: String, Sendable, Hashable, CaseIterable {
    /// `Check*` and `Assess*`: the order and after-sales systems' hot path.
    case check
    /// Reads: `Get*`, `List*`, `Describe*`, `Explain*`, `Quote*`, `Watch*`,
    /// `Simulate*`, `Validate*`, `Adjudicate*`, health and reflection.
    case read
    /// Every other rpc: it changes state.
    case write

    /// The class of a method, by its name.
    public static func of(method: String) -> RateClass {
        if ["Check", "Assess"].contains(where: method.hasPrefix) { return .check }
        let reads = ["Get", "List", "Describe", "Explain", "Quote", "Watch", "Simulate", "Validate", "Adjudicate"]
        return reads.contains(where: method.hasPrefix) ? .read : .write
    }
}

/// A token bucket: `burst` calls at once, refilled at `perSecond`. Pure: time is
/// given in nanoseconds of a monotonic clock.
struct TokenBucket: Sendable, Equatable {
    let perSecond: Double
    let burst: Double
    private(set) var tokens: Double
    private(set) var updated: UInt64

    init(perSecond: Double, burst: Double, now: UInt64) {
        self.perSecond = perSecond
        self.burst = burst
        self.tokens = burst
        self.updated = now
    }

    /// Takes one call's token; when there is none, how many nanoseconds until there is.
    mutating func take(now: UInt64) -> UInt64? {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return UInt64(((1 - tokens) / perSecond * 1e9).rounded(.up))
    }

    /// Whether the bucket is full at `now` (an idle caller's, which can be forgotten).
    mutating func isFull(now: UInt64) -> Bool {
        refill(now: now)
        return tokens >= burst
    }

    private mutating func refill(now: UInt64) {
        guard now > updated else { return }
        tokens = min(burst, tokens + Double(now - updated) / 1e9 * perSecond)
        updated = now
    }
}

/// Rate limits per principal and rpc class: one token bucket each. Callers do not
/// share buckets, so one caller's burst never slows another.
public final class RateLimiter: Sendable {
    /// A class's limit: `perSecond` sustained, `burst` at once.
    public struct Limit: Sendable, Hashable {
        public var perSecond: Double
        public var burst: Double

        public init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    public struct Configuration: Sendable {
        /// Limits per class. The defaults sit above what one server carries (about
        /// 29,000 empty calls a second over TCP and a thousand durable filings on the
        /// 2-core machines of BENCHMARKS.md), so an internal service's normal load
        /// never hits them; they stop one principal's runaway loop or burst.
        public var limits: [RateClass: Limit] = [
            .check: Limit(perSecond: 100_000, burst: 200_000),
            .read: Limit(perSecond: 20_000, burst: 40_000),
            .write: Limit(perSecond: 5_000, burst: 10_000),
        ]
        /// Buckets kept before full (idle) ones are forgotten.
        public var maxBuckets = 100_000
        /// Nanoseconds of a monotonic clock (the system's; tests set their own).
        public var now: @Sendable () -> UInt64 = RateLimiter.monotonicNanoseconds

        public init() {}
    }

    private struct Key: Hashable {
        var principal: String
        var rateClass: RateClass
    }

    private let configuration: Configuration
    private let buckets = Mutex<[Key: TokenBucket]>([:])

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Takes a token for one call of `principal` in `rateClass`: nil when the call
    /// may go on, else the milliseconds to wait before a retry.
    func take(principal: String, _ rateClass: RateClass) -> Int64? {
        guard let limit = configuration.limits[rateClass] else { return nil }
        let now = configuration.now()
        let key = Key(principal: principal, rateClass: rateClass)
        let wait = buckets.withLock { buckets -> UInt64? in
            if buckets.count >= configuration.maxBuckets, buckets[key] == nil {
                for (k, var bucket) in buckets where bucket.isFull(now: now) { buckets[k] = nil }
            }
            var bucket = buckets[key] ?? TokenBucket(perSecond: limit.perSecond, burst: limit.burst, now: now)
            let wait = bucket.take(now: now)
            buckets[key] = bucket
            return wait
        }
        return wait.map { Int64(($0 + 999_999) / 1_000_000) }
    }

    /// Buckets held now.
    var bucketCount: Int { buckets.withLock { $0.count } }

    /// Nanoseconds of the system's monotonic clock.
    public static let monotonicNanoseconds: @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }
}
