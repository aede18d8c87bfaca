import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// The sanction watch: the log replayed from a sequence, then followed live, with
/// heartbeats when idle. The log is the source: a watcher that falls behind the live
/// feed reads the log again from where it was, so across reconnects nothing is lost
/// or repeated.
extension IntegrityHandler {
    public func watchSanctions(
        _ request: WatchSanctionsRequest, writer: RPCWriter<WatchSanctionsResponse>, context: ServerContext
    ) async throws {
        let caller = try Caller(context)
        var filter = SanctionWatchFilter(request)
        if caller.role == .buyer { filter.buyers = [try caller.buyer(request.buyerIds.first ?? "")] }
        if caller.role == .merchant {
            filter.merchantID = try caller.merchant(request.merchantId)
            filter.kinds = [.storePurchaseLimit]
        }
        guard request.afterSequence >= 0 else { throw ServiceError.invalid("after_sequence", "must not be negative") }
        let latest = try await core.storeCall { try await core.store.latestSequence() }
        guard request.afterSequence <= latest else {
            throw RPCError(code: .outOfRange, message: "after_sequence \(request.afterSequence) is beyond the latest sequence, \(latest).")
        }
        // Subscribe first, so that nothing committed during the replay is missed.
        let subscription = core.hub.subscribe()
        var cursor = request.afterSequence
        var lastSent = ContinuousClock.now
        func send(_ entry: CommittedEntry) async throws {
            cursor = max(cursor, entry.sequence)
            guard let event = SanctionWatchFilter.event(entry), filter.matches(event.sanction ?? Sanction()) else { return }
            var message = WatchSanctionsResponse()
            message.item = .event(event)
            try await writer.write(message)
            lastSent = .now
        }
        func heartbeat() async throws {
            var beat = WatchHeartbeat()
            beat.latestSequence = cursor
            beat.serverTime = core.clock.now()
            var message = WatchSanctionsResponse()
            message.item = .heartbeat(beat)
            try await writer.write(message)
            lastSent = .now
        }
        func catchUp() async throws {
            while true {
                let page = try await core.storeCall {
                    try await core.store.logEntries(after: cursor, subjectKind: .sanction, limit: 500)
                }
                for entry in page { try await send(entry) }
                if page.count < 500 { break }
            }
            cursor = max(cursor, try await core.storeCall { try await core.store.latestSequence() })
        }
        try await catchUp()
        _ = subscription.takeOverflow()
        try await heartbeat()
        for await item in subscription.items {
            if subscription.takeOverflow() {
                try await catchUp()
                continue
            }
            switch item {
            case .entry(let entry):
                guard entry.sequence > cursor else { continue }
                if entry.entry.event.subjectKind == .sanction { try await send(entry) } else { cursor = entry.sequence }
            case .tick:
                if ContinuousClock.now - lastSent >= core.configuration.heartbeatInterval { try await heartbeat() }
            }
        }
        if !Task.isCancelled {
            throw RPCError(code: .unavailable, message: "The server is shutting down; resume the watch from sequence \(cursor).")
        }
    }
}

/// Which sanction events a watcher asked for.
struct SanctionWatchFilter {
    var buyers: Set<String>
    var merchantID: String
    var kinds: Set<SanctionKind>

    init(_ request: WatchSanctionsRequest) {
        buyers = Set(request.buyerIds)
        merchantID = request.merchantId
        kinds = Set(request.kinds)
    }

    func matches(_ sanction: Sanction) -> Bool {
        (buyers.isEmpty || buyers.contains(sanction.buyerId))
            && (merchantID.isEmpty || (sanction.kind == .storePurchaseLimit && sanction.merchantId == merchantID))
            && (kinds.isEmpty || kinds.contains(sanction.kind))
    }

    /// The sanction event a log entry records; nil for other entries.
    static func event(_ committed: CommittedEntry) -> SanctionEvent? {
        guard case .sanction(let sanction) = committed.entry.record else { return nil }
        let audit = committed.entry.event
        var event = SanctionEvent()
        event.sequence = committed.sequence
        event.sanction = sanction
        event.occurredAt = audit.occurredAt
        event.actor = audit.actor
        event.kind = switch (audit.action, sanction.state) {
        case (.created, _): .imposed
        case (_, .lifted): .lifted
        case (_, .expired): .expired
        default: .extended
        }
        return event
    }
}
