import CoreMetrics
import Logging
import ProtectionMessages
import ProtectionStore
import RPCCore
import Synchronization

/// Why a call was refused, as metrics count it.
enum RefusalKind: String, Sendable, CaseIterable {
    /// No, a malformed, an unknown or an ended token: UNAUTHENTICATED.
    case unauthenticated
    /// A role the rpc does not declare: PERMISSION_DENIED.
    case permissionDenied = "permission_denied"
    /// Another party's record, answered NOT_FOUND like a missing one.
    case notVisible = "not_visible"
    /// Over the caller's rate limit: RESOURCE_EXHAUSTED.
    case rateLimited = "rate_limited"
}

/// Records refused calls in the audit log (who, which rpc, why; never a token) and
/// counts them in `protection_access_refusals_total{kind}`. Entries are capped per
/// second so that a flood of bad calls cannot flood the log: past the cap a
/// refusal is counted, logged at most once a second, and not audited.
final class RefusalLog: Sendable {
    let store: any ProtectionStore
    let clock: any ServiceClock
    let logger: Logger
    private let counters: [RefusalKind: Counter]
    private let unaudited = Counter(label: "protection_access_refusals_unaudited_total")
    private let budget: Mutex<(bucket: TokenBucket, lastWarning: UInt64)>

    init(store: any ProtectionStore, clock: any ServiceClock, logger: Logger, auditedPerSecond: Double = 200) {
        self.store = store
        self.clock = clock
        self.logger = logger
        counters = Dictionary(uniqueKeysWithValues: RefusalKind.allCases.map {
            ($0, Counter(label: "protection_access_refusals_total", dimensions: [("kind", $0.rawValue)]))
        })
        let now = RateLimiter.monotonicNanoseconds()
        budget = Mutex((TokenBucket(perSecond: auditedPerSecond, burst: auditedPerSecond, now: now), 0))
    }

    /// Counts a refusal and writes it to the audit log (awaited: once the caller has
    /// its answer, the refusal is on record).
    func record(_ kind: RefusalKind, method: String, actor: ActorRef, reason: String, peer: String) async {
        counters[kind]?.increment()
        let now = RateLimiter.monotonicNanoseconds()
        let (allowed, warn) = budget.withLock { budget -> (Bool, Bool) in
            if budget.bucket.take(now: now) == nil { return (true, false) }
            let warn = now - budget.lastWarning >= 1_000_000_000
            if warn { budget.lastWarning = now }
            return (false, warn)
        }
        guard allowed else {
            unaudited.increment()
            if warn { logger.warning("refusals over the audit cap are counted but not audited", metadata: ["kind": "\(kind.rawValue)"]) }
            return
        }
        var event = AuditEvent()
        event.occurredAt = clock.now()
        event.actor = actor
        event.action = .refused
        event.subjectKind = .call
        event.subjectId = method
        event.method = method
        event.reason = "\(kind.rawValue): \(reason) (peer \(peer))"
        do {
            _ = try await store.commit(StoreChange(log: [LogEntry(event: event)]))
        } catch {
            logger.error("a refusal could not be audited", metadata: ["error": "\(error)", "kind": "\(kind.rawValue)"])
        }
    }
}
