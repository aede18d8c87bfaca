import ProtectionMessages
import ProtectionServices
import RPCCore
import Synchronization
import Testing

@testable import ProtectionServer

/// Rate limits per caller and rpc class: a burst over the limit is refused with a
/// retry-after, other callers and other classes go on, and the bucket refills.
@Suite struct RateLimitTests {
    @Test func aBurstOverTheLimitIsRefusedForThatCallerOnly() async throws {
        let clock = ManualNanoseconds()
        try await AccessHarness.with(configure: {
            $0.rateLimits.limits[.read] = RateLimiter.Limit(perSecond: 20, burst: 3)
            $0.rateLimits.now = { clock.value }
        }) { harness in
            let rules = RuleSetService.Method.getRuleSet
            let m1 = try harness.metadata("merchant", "M-1")
            for _ in 0..<3 { #expect(await harness.call(rules, metadata: m1) == nil) }
            let before = try await harness.core.store.latestSequence()
            do {
                _ = try await RuleSetService.Client(harness.client).getRuleSet(GetRuleSetRequest(), metadata: m1, options: AccessHarness.options)
                Issue.record("the fourth call of the burst was let through")
            } catch {
                let refusal = RPCError(converting: error)
                #expect(refusal.code == .resourceExhausted)
                let wait = try #require(refusal.metadata.firstString(forKey: RPCError.retryAfterMillisecondsKey).flatMap { Int($0) })
                #expect(wait == 50, "retry after \(wait) ms at 20 calls a second")
                #expect(refusal.isRetryable)
                let audited = try await harness.refusals(after: before)
                #expect(audited.count == 1 && audited.first?.reason.hasPrefix("rate_limited:") == true)
                // Other callers, and this caller's other classes, are not slowed.
                for (role, id) in [("merchant", "M-2"), ("buyer", "B-1"), ("admin", "admin-1")] {
                    #expect(await harness.call(rules, metadata: try harness.metadata(role, id)) == nil, "\(role)")
                }
                #expect(await harness.call(IntegrityService.Method.checkOrderAllowed, metadata: m1) != .resourceExhausted)
                // The bucket refills: after the wait the caller is served again, once.
                clock.value += 49_000_000
                #expect(await harness.call(rules, metadata: m1) == .resourceExhausted)
                clock.value += 1_000_000
                #expect(await harness.call(rules, metadata: m1) == nil)
                #expect(await harness.call(rules, metadata: m1) == .resourceExhausted)
            }
        }
    }

    @Test func aTokenBucketRefillsAtItsRate() {
        var bucket = TokenBucket(perSecond: 10, burst: 2, now: 0)
        #expect(bucket.take(now: 0) == nil)
        #expect(bucket.take(now: 0) == nil)
        #expect(bucket.take(now: 0) == 100_000_000, "one token every 100 ms")
        #expect(bucket.take(now: 40_000_000) == 60_000_000)
        #expect(bucket.take(now: 100_000_000) == nil)
        let emptyAgain = bucket.isFull(now: 100_000_000)
        #expect(!emptyAgain)
        let refilled = bucket.isFull(now: 300_000_000)
        #expect(refilled)
        let later = [bucket.take(now: 10_000_000_000), bucket.take(now: 10_000_000_000), bucket.take(now: 10_000_000_000)]
        #expect(later[0] == nil && later[1] == nil && later[2] != nil, "refilled to the burst, no more")
    }

    @Test func rpcClassesFollowTheNames() {
        #expect(RateClass.of(method: "CheckOrderAllowed") == .check && RateClass.of(method: "AssessReturnRisk") == .check)
        #expect(RateClass.of(method: "ListComplaints") == .read && RateClass.of(method: "WatchSanctions") == .read)
        #expect(RateClass.of(method: "FileComplaint") == .write && RateClass.of(method: "RevokeToken") == .write)
    }

    @Test func idleBucketsAreForgottenPastTheCap() {
        var configuration = RateLimiter.Configuration()
        configuration.maxBuckets = 2
        configuration.limits[.read] = RateLimiter.Limit(perSecond: 1, burst: 1)
        let clock = ManualNanoseconds()
        configuration.now = { clock.value }
        let limiter = RateLimiter(configuration: configuration)
        #expect(limiter.take(principal: "a", .read) == nil)
        #expect(limiter.take(principal: "a", .read) != nil, "a's bucket is empty")
        #expect(limiter.take(principal: "b", .read) == nil)
        clock.value = 5_000_000_000
        #expect(limiter.take(principal: "c", .read) == nil, "full buckets of a and b are dropped for c")
        #expect(limiter.bucketCount == 1)
    }
}

/// A monotonic clock the test moves.
final class ManualNanoseconds: Sendable {
    private let nanoseconds = Mutex<UInt64>(1)

    var value: UInt64 {
        get { nanoseconds.withLock { $0 } }
        set { nanoseconds.withLock { $0 = newValue } }
    }
}
