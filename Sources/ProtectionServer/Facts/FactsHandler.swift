import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.FactsService`: the facts feed. Each fact is acknowledged:
/// ACCEPTED (stored, logged, applied), DUPLICATE (this revision is already stored,
/// or the key was seen with this fact), STALE (a newer revision is stored) or
/// REJECTED (invalid; nothing stored). A return shipment on a covered order opens
/// its insurance claim; a refund starts the claim's payout clock.
public struct FactsHandler: FactsService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func reportFacts(_ request: ReportFactsRequest, context: ServerContext) async throws -> ReportFactsResponse {
        guard (1...1_000).contains(request.facts.count) else {
            throw ServiceError.invalid("facts", "must hold 1 to 1,000 facts")
        }
        return try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            try await decide(request.facts, key: request.idempotencyKey, field: "facts", mutation: mutation)
        }
    }

    public func streamFacts(
        _ requests: RPCAsyncSequence<StreamFactsRequest>, writer: RPCWriter<StreamFactsResponse>, context: ServerContext
    ) async throws {
        var index: Int64 = 0
        for try await item in requests {
            var ack: FactAck
            do {
                let fact = item.fact ?? Fact()
                let (answer, replayed) = try await core.mutateReporting(item, key: item.idempotencyKey, context: context) { mutation in
                    try await decide([fact], key: item.idempotencyKey, field: "fact", mutation: mutation)
                }
                ack = answer.acks.first ?? FactAck()
                if replayed {
                    ack.status = .duplicate
                    ack.feedSequence = 0
                }
            } catch {
                ack = FactAck()
                ack.idempotencyKey = item.idempotencyKey
                ack.status = .rejected
                ack.error = ServiceError.detail(of: error)
            }
            ack.index = index
            index += 1
            var response = StreamFactsResponse()
            response.ack = ack
            try await writer.write(response)
        }
    }

    /// Acknowledgements of `facts`, and the change storing the accepted ones.
    private func decide(_ facts: [Fact], key: String, field: String, mutation: Mutation) async throws -> Decided<ReportFactsResponse> {
        var acks: [FactAck] = []
        var logIndex: [Int?] = []
        var log: [LogEntry] = []
        var guards: [Guard] = []
        let keys = facts.compactMap(\.storeKey)
        let guardKeys = keys.map { "fact/\($0.kind.rawValue)/\($0.id)" }
        async let revisions = core.storeCall { try await core.store.revisions(guardKeys) }
        var stored: [String: Int64] = [:]
        for kind in FactKind.allCases {
            let ids = keys.filter { $0.kind == kind }.map(\.id)
            guard !ids.isEmpty else { continue }
            for (id, fact) in try await core.storeCall({ try await core.store.facts(kind, ids: ids) }) {
                stored["\(kind.rawValue)/\(id)"] = fact.sourceRevision
            }
        }
        let guardRevisions = try await revisions
        var batch = FactBatch()
        for (offset, fact) in facts.enumerated() {
            var ack = FactAck()
            ack.index = Int64(offset)
            ack.idempotencyKey = key
            let violations = FactValidation.problems(fact, path: facts.count == 1 && field == "fact" ? field : "\(field)[\(offset)]")
            guard violations.isEmpty, let storeKey = fact.storeKey else {
                ack.status = .rejected
                ack.error = ServiceError.detail(of: ServiceError.invalid(violations))
                acks.append(ack)
                logIndex.append(nil)
                continue
            }
            let name = "\(storeKey.kind.rawValue)/\(storeKey.id)"
            if let current = stored[name], fact.sourceRevision <= current {
                ack.status = fact.sourceRevision == current ? .duplicate : .stale
                acks.append(ack)
                logIndex.append(nil)
                continue
            }
            stored[name] = fact.sourceRevision
            let guardKey = "fact/\(name)"
            if !guards.contains(where: { $0.key == guardKey }) { guards.append(Guard(guardKey, revision: guardRevisions[guardKey] ?? 0)) }
            ack.status = .accepted
            logIndex.append(log.count)
            acks.append(ack)
            var (merchant, buyer) = fact.parties
            if merchant.isEmpty, let order = fact.orderID {
                // An after-sales request, refund or return: the parties of its order.
                if let known = batch.orders[order] {
                    (merchant, buyer) = (known.merchantId, known.buyerId)
                } else if let owners = core.index.owners(orderID: order) {
                    (merchant, buyer) = (owners.merchant, owners.buyer)
                }
            }
            log.append(LogEntry(
                event: mutation.event(
                    .fact, name, .created, to: "REVISION_\(fact.sourceRevision)",
                    reason: "Reported by \(fact.sourceService.isEmpty ? mutation.caller.id : fact.sourceService).",
                    merchant: merchant, buyer: buyer),
                record: .fact(fact)))
            batch.add(fact)
            let effects = try await core.claimEffects(of: fact, batch: &batch, mutation: mutation)
            guards += effects.guards.filter { g in !guards.contains { $0.key == g.key } }
            log += effects.log
        }
        let positions = logIndex
        let answered = acks
        return Decided(guards: guards, log: log) { sequences in
            var response = ReportFactsResponse()
            response.acks = zip(answered, positions).map { ack, position in
                var ack = ack
                if let position { ack.feedSequence = sequences[position] }
                return ack
            }
            return response
        }
    }
}

extension Fact {
    /// The order an after-sales request, refund or return shipment is on.
    var orderID: String? {
        switch payload {
        case .afterSalesRequest(let fact): fact.orderId
        case .refund(let fact): fact.orderId
        case .returnShipment(let fact): fact.orderId
        default: nil
        }
    }

    /// The store and buyer a fact concerns, for the audit log's filters.
    var parties: (merchant: String, buyer: String) {
        switch payload {
        case .merchant(let fact): (fact.merchantId, "")
        case .order(let fact): (fact.merchantId, fact.buyerId)
        case .referencePrice(let fact): (fact.merchantId, "")
        case .review(let fact): (fact.merchantId, fact.buyerId)
        default: ("", "")
        }
    }
}
