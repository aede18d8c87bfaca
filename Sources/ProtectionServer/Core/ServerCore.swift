import CoreMetrics
import DefaultRules
import Logging
import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire
import Synchronization

/// What the server's handlers share: the store, the clock, the rule sets in force,
/// the in-memory index of sanctions, the hub that feeds watchers, the logger.
/// Built once at start by ``open(store:clock:logger:configuration:)``, which loads
/// the rule sets and the index and wires them to every commit.
public final class ServerCore: Sendable {
    public struct Configuration: Sendable {
        /// How often an idle sanction watcher gets a heartbeat.
        public var heartbeatInterval: Duration = .seconds(30)
        /// How often the sweeper looks for due transitions.
        public var sweepInterval: Duration = .seconds(1)
        /// Most transitions the sweeper applies in one pass.
        public var sweepBatch: Int = 500
        /// How far back the sweeper looks for decisions that may have ended a
        /// reduction of a merchant's complaint privileges (seconds).
        public var restorationHorizon: Int64 = 2 * 86_400
        /// How often a decision is made again when what it read changed meanwhile.
        public var maxConflictRetries: Int = 8
        /// Rate limits per caller and rpc class.
        public var rateLimits = RateLimiter.Configuration()
        /// How often credential changes other processes commit (`protection-server
        /// tokens`) are read; this server's own take effect on the next call.
        public var credentialFollowInterval: Duration = .seconds(1)
        /// Whether `open` loads the sanction index (a million buyers take seconds and
        /// hundreds of MiB); off for tools that only manage tokens.
        public var loadsSanctionIndex = true
        /// Most refused calls audited per second; more are counted only.
        public var auditedRefusalsPerSecond: Double = 200

        public init() {}
    }

    public let store: any ProtectionStore
    public let clock: any ServiceClock
    public let catalog: RuleSetCatalog
    public let index: SanctionIndex
    public let hub: EventHub
    public let logger: Logger
    public let configuration: Configuration
    let figures: MerchantFiguresCache
    /// Every credential, for the access interceptor.
    public let credentials: CredentialBook
    let refusals: RefusalLog

    init(
        store: any ProtectionStore, clock: any ServiceClock, logger: Logger, configuration: Configuration,
        catalog: RuleSetCatalog, index: SanctionIndex, hub: EventHub, figures: MerchantFiguresCache,
        credentials: CredentialBook
    ) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.configuration = configuration
        self.catalog = catalog
        self.index = index
        self.hub = hub
        self.figures = figures
        self.credentials = credentials
        self.refusals = RefusalLog(
            store: store, clock: clock, logger: logger, auditedPerSecond: configuration.auditedRefusalsPerSecond)
    }

    /// Loads the rule sets (publishing the shipped default as version 1 into an empty
    /// store) and the index, and has every commit update them before its caller is
    /// answered. The store's writer must be running.
    public static func open(
        store: any ProtectionStore, clock: any ServiceClock, logger: Logger, configuration: Configuration = Configuration()
    ) async throws -> ServerCore {
        let catalog = RuleSetCatalog()
        let index = SanctionIndex()
        let hub = EventHub()
        let figures = MerchantFiguresCache()
        let credentials = CredentialBook()
        let sequence = Gauge(label: "protection_event_log_sequence")
        store.setCommitObserver { entries in
            catalog.apply(entries)
            index.apply(entries)
            figures.apply(entries)
            credentials.apply(entries)
            hub.publish(entries)
            if let last = entries.last { sequence.record(last.sequence) }
        }
        let core = ServerCore(
            store: store, clock: clock, logger: logger, configuration: configuration, catalog: catalog, index: index,
            hub: hub, figures: figures, credentials: credentials)
        var published = try await store.ruleSets()
        if published.isEmpty {
            try await core.publishDefaultRuleSet()
            published = try await store.ruleSets()
        }
        catalog.replace(with: published)
        if configuration.loadsSanctionIndex { try await index.load(from: store) }
        let latest = try await store.latestSequence()
        credentials.replace(with: try await store.credentials(), asOf: latest)
        sequence.record(latest)
        logger.info(
            "store open", metadata: [
                "rule_sets": "\(published.count)", "indexed_buyers": "\(index.buyerCount)", "latest_sequence": "\(latest)",
                "credentials": "\(credentials.all.count)",
            ])
        return core
    }

    /// The shipped default rule set, published as version 1 by the service itself.
    private func publishDefaultRuleSet() async throws {
        var rules = try DefaultRuleSet.load()
        rules.version = 1
        let now = clock.now()
        var summary = RuleSetSummary()
        summary.version = 1
        summary.effectiveAt = rules.effectiveAt
        summary.summary = rules.summary
        summary.status = .inForce
        summary.publishedAt = now
        summary.publishedBy = Caller.system.actor
        summary.contentSha256 = RuleSetCatalog.contentHash(rules)
        let mutation = Mutation(caller: Caller.system, now: now, method: "bootstrap", key: "")
        var event = mutation.event(.ruleSet, "v1", .published, to: "RULE_SET_STATUS_IN_FORCE", reason: "The shipped default rule set.")
        event.explanation = nil
        _ = try await store.commit(StoreChange(
            guards: [Guard("rule-sets", revision: 0)],
            log: [LogEntry(event: event, record: .ruleSet(rules, summary), ruleSetVersion: 1)]))
        logger.notice("published the shipped default rule set as version 1")
    }
}

/// The fields every log line of a call carries; the principal is known once the
/// access interceptor has checked the call's credential.
final class CallLog: Sendable {
    let method: String
    let requestID: String
    private let principalName = Mutex("-")

    init(method: String, requestID: String) {
        self.method = method
        self.requestID = requestID
    }

    var principal: String { principalName.withLock { $0 } }

    func setPrincipal(_ name: String) { principalName.withLock { $0 = name } }
}
