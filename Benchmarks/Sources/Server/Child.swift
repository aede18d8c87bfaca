import Foundation
import DefaultRules
import Logging
import PolicyCore
import ProtectionMessages
import ProtectionServer
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore
import RPCTransportTCP

/// The benchmark's clock: 2026-12-01T00:00:00Z, fixed.
let benchNow = ProtoTimestamp(seconds: 1_796_083_200, nanos: 0)
let merchantCount = 500
let ordersPerMerchant = 200

func cny(_ minor: Int64) -> Money {
    var money = Money()
    money.amountMinor = minor
    money.currency = "CNY"
    return money
}

/// A log entry storing `record`, as the service writes one.
func entry(_ kind: AuditSubjectKind, _ id: String, _ record: StoredRecord) -> LogEntry {
    var event = AuditEvent()
    event.occurredAt = benchNow
    event.subjectKind = kind
    event.subjectId = id
    event.action = .created
    event.method = "bench/seed"
    return LogEntry(event: event, record: record)
}

/// Seeds a store: merchants (tier A) with orders to file complaints on, and
/// `buyers` buyers each under a store limit at M-0.
func seed(directory: String, buyers: Int) async throws {
    try? FileManager.default.removeItem(atPath: directory)
    let store = try SQLiteStore(configuration: .init(path: directory + "/protection.sqlite"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        // The server publishes the default rule set at its first start.
        var entries: [LogEntry] = []
        func flush() async throws {
            guard !entries.isEmpty else { return }
            _ = try await store.commit(StoreChange(log: entries))
            entries.removeAll(keepingCapacity: true)
        }
        for m in 0..<merchantCount {
            var merchant = MerchantFact()
            merchant.merchantId = "M-\(m)"
            merchant.platform = .taobao
            merchant.industry = .apparel
            merchant.productQualityScoreMilli = 5_000
            merchant.logisticsScoreMilli = 5_000
            merchant.serviceResponseScoreMilli = 5_000
            var fact = Fact()
            fact.sourceRevision = 1
            fact.payload = .merchant(merchant)
            entries.append(entry(.fact, "merchant/M-\(m)", .fact(fact)))
            for k in 0..<ordersPerMerchant {
                var order = OrderFact()
                order.orderId = "O-\(m)-\(k)"
                order.buyerId = "B-order-\(m)-\(k)"
                order.merchantId = "M-\(m)"
                order.paidAt = ProtoTimestamp(seconds: benchNow.seconds - 86_400, nanos: 0)
                order.paidAmount = cny(10_000)
                order.status = .received
                var line = OrderItem()
                line.itemId = "I-1"
                line.quantity = 1
                line.paidAmount = cny(10_000)
                order.items = [line]
                var fact = Fact()
                fact.sourceRevision = 1
                fact.payload = .order(order)
                entries.append(entry(.fact, "order/\(order.orderId)", .fact(fact)))
            }
            if entries.count >= 5_000 { try await flush() }
        }
        try await flush()
        if buyers > 0 {
            // One store limit, as PolicyCore renders it, copied for every buyer.
            let template = Sanctions.sanctions(
                for: [
                    Ledger.confirm(
                        complaintID: "C-seed", orderID: "O-seed", buyerID: "B-seed", merchantID: "M-0", type: .fakeReturn,
                        at: ProtoTimestamp(seconds: benchNow.seconds - 86_400, nanos: 0), merchantTier: .a,
                        storeLimitRequested: true, ruleSet: try DefaultRuleSet.load())
                ], ruleSet: try DefaultRuleSet.load(), now: benchNow
            ).first { $0.kind == .storePurchaseLimit }!
            for b in 0..<buyers {
                var sanction = template
                sanction.buyerId = "B-\(b)"
                sanction.sanctionId = "S-B-\(b)-store_purchase_limit-M-0"
                sanction.causeComplaintIds = ["C-\(b)"]
                entries.append(entry(.sanction, sanction.sanctionId, .sanction(sanction)))
                if entries.count >= 10_000 { try await flush() }
            }
            try await flush()
        }
        store.close()
        try await group.waitForAll()
    }
}

/// Serves the whole service on `directory`'s store, plus `bench.Bench/Empty` (an
/// empty unary call through the same interceptors), on a free port.
func serve(directory: String, onPort: @escaping @Sendable (Int) -> Void) async throws {
    let store = try SQLiteStore(configuration: .init(path: directory + "/protection.sqlite"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        // The same interceptors as protection-server, its rate limits too (a bucket taken
        // per call), set high enough that no benchmark call is refused.
        var configuration = ServerCore.Configuration()
        for rateClass in RateClass.allCases {
            configuration.rateLimits.limits[rateClass] = RateLimiter.Limit(perSecond: 1e9, burst: 1e9)
        }
        let core = try await ServerCore.open(
            store: store, clock: ManualClock(benchNow), logger: logger, configuration: configuration)
        let wiring = ServerWiring(core: core, logger: logger) { router in
            router.registerUnary(
                emptyMethod, deserializer: { $0 }, serializer: { $0 }, handler: { (_: [UInt8], _: ServerContext) in [UInt8]() })
            router.declareRoles([emptyMethod.fullyQualifiedMethod: MethodRoles(["internal_service": .all])])
        }
        let router = wiring.router
        // Tokens of the callers the benchmarks use, for the parent to read.
        var tokens: [String: String] = [:]
        let principals = [(Role.internalService, "internal_service", "order-service")]
            + (0..<merchantCount).map { (Role.merchant, "merchant", "M-\($0)") }
        for (role, name, id) in principals {
            var request = IssueTokenRequest()
            request.idempotencyKey = "bench-\(id)-\(UUID().uuidString)"
            request.role = role
            request.principalId = id
            tokens["\(name)/\(id)"] = try await AccessHandler(core: core).issueToken(
                request, context: DevelopmentCredentials.localContext(AccessService.Method.issueToken, as: .system)
            ).token
        }
        try JSONEncoder().encode(tokens).write(to: URL(fileURLWithPath: directory + "/tokens.json"))
        let transport = TCPServerTransport(configuration: .init(host: "127.0.0.1", port: 0))
        let server = RPCServer(transport: transport, router: router, interceptors: wiring.interceptors)
        group.addTask { try await server.serve() }
        onPort(try await transport.listeningPort)
        try await group.waitForAll()
    }
}

let emptyMethod = MethodDescriptor(service: "bench.Bench", method: "Empty", kind: .unary)
