import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire
import Synchronization

/// What the hot-path checks read, in memory: per buyer, the sanctions in force
/// (kept as their stored bytes, decoded only when one blocks) and the confirmed
/// cases; per order, its buyer and store. Loaded from the store at start and
/// updated from every commit before its caller is answered, so a check answers
/// on the connection's event loop with no database round trip, and sees every
/// acknowledged decision.
public final class SanctionIndex: Sendable {
    struct IndexedSanction: Sendable {
        var id: String
        var kind: SanctionKind
        var merchantID: String
        var bytes: [UInt8]
    }

    struct Standing: Sendable {
        var sanctions: [IndexedSanction] = []
        var cases: [ConfirmedCaseSummary] = []
        var isEmpty: Bool { sanctions.isEmpty && cases.isEmpty }
    }

    /// What the after-sales check needs of a confirmed case.
    struct ConfirmedCaseSummary: Sendable, Hashable {
        var complaintID: String
        var orderID: String
        var merchantID: String
        var type: ComplaintType
        var tier: Tier
    }

    /// Buyers spread over locks, so checks on many loops rarely wait for each other.
    private final class Shard: Sendable {
        let buyers = Mutex<[String: Standing]>([:])
        let orders = Mutex<[String: (buyer: String, merchant: String)]>([:])
    }

    private let shards: [Shard]

    public init(shardCount: Int = 32) {
        shards = (0..<shardCount).map { _ in Shard() }
    }

    private func shard(_ key: String) -> Shard {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return shards[Int(hash % UInt64(shards.count))]
    }

    // MARK: Reading

    /// The buyer's sanctions that could block an order at `merchantID` (platform
    /// limits, store limits there), decoded.
    func orderSanctions(buyerID: String, merchantID: String) -> [Sanction] {
        decoded(buyerID) { $0.kind == .platformPurchaseLimit || ($0.kind == .storePurchaseLimit && $0.merchantID == merchantID) }
    }

    /// The buyer's sanctions that could block an order at any of `merchantIDs`.
    func orderSanctions(buyerID: String, merchantIDs: Set<String>) -> [Sanction] {
        decoded(buyerID) {
            $0.kind == .platformPurchaseLimit || ($0.kind == .storePurchaseLimit && merchantIDs.contains($0.merchantID))
        }
    }

    /// The buyer's after-sales auto-reject sanctions, decoded.
    func afterSalesSanctions(buyerID: String) -> [Sanction] { decoded(buyerID) { $0.kind == .afterSalesAutoReject } }

    /// The buyer's confirmed, not overturned cases.
    func cases(buyerID: String) -> [ConfirmedCaseSummary] {
        shard(buyerID).buyers.withLock { $0[buyerID]?.cases ?? [] }
    }

    /// An order's buyer and store, when its fact was reported.
    func owners(orderID: String) -> (buyer: String, merchant: String)? {
        shard(orderID).orders.withLock { $0[orderID] }
    }

    /// Buyers with something indexed.
    var buyerCount: Int { shards.reduce(0) { $0 + $1.buyers.withLock { $0.count } } }

    private func decoded(_ buyerID: String, where matches: (IndexedSanction) -> Bool) -> [Sanction] {
        let bytes = shard(buyerID).buyers.withLock { buyers in
            (buyers[buyerID]?.sanctions ?? []).filter(matches).map(\.bytes)
        }
        return bytes.compactMap { try? Sanction(serializedBytes: $0) }
    }

    // MARK: Updating

    /// Takes in committed sanctions, complaints and orders.
    func apply(_ entries: [CommittedEntry]) {
        for committed in entries {
            switch committed.entry.record {
            case .sanction(let sanction): put(sanction)
            case .complaint(let complaint): put(complaint)
            case .fact(let fact):
                if case .order(let order) = fact.payload { putOrder(order.orderId, buyer: order.buyerId, merchant: order.merchantId) }
            default: break
            }
        }
    }

    func put(_ sanction: Sanction) {
        let indexed = IndexedSanction(
            id: sanction.sanctionId, kind: sanction.kind, merchantID: sanction.merchantId, bytes: sanction.serializedBytes())
        update(sanction.buyerId) { standing in
            standing.sanctions.removeAll { $0.id == sanction.sanctionId }
            if sanction.state == .active { standing.sanctions.append(indexed) }
        }
    }

    func put(_ complaint: Complaint) {
        let counts: Set<ComplaintState> = [.confirmed, .appealed, .upheld]
        update(complaint.buyerId) { standing in
            standing.cases.removeAll { $0.complaintID == complaint.complaintId }
            if counts.contains(complaint.state) {
                standing.cases.append(
                    ConfirmedCaseSummary(
                        complaintID: complaint.complaintId, orderID: complaint.orderId, merchantID: complaint.merchantId,
                        type: complaint.type, tier: complaint.merchantTierAtFiling))
            }
        }
    }

    func putOrder(_ orderID: String, buyer: String, merchant: String) {
        shard(orderID).orders.withLock { $0[orderID] = (buyer, merchant) }
    }

    private func update(_ buyerID: String, _ change: (inout Standing) -> Void) {
        shard(buyerID).buyers.withLock { buyers in
            var standing = buyers[buyerID] ?? Standing()
            change(&standing)
            buyers[buyerID] = standing.isEmpty ? nil : standing
        }
    }

    /// Loads everything from the store, in pages.
    func load(from store: any ProtectionStore) async throws {
        var after = ""
        while case let page = try await store.activeSanctions(afterID: after, limit: 5_000), let last = page.last {
            page.forEach(put)
            after = last.sanctionId
        }
        after = ""
        while case let page = try await store.confirmedComplaints(afterID: after, limit: 5_000), let last = page.last {
            page.forEach(put)
            after = last.complaintId
        }
        after = ""
        while case let page = try await store.orderOwners(afterID: after, limit: 20_000), let last = page.last {
            for order in page { putOrder(order.orderID, buyer: order.buyerID, merchant: order.merchantID) }
            after = last.orderID
        }
    }
}

extension SanctionIndex.ConfirmedCaseSummary {
    /// The case as the policy core's checks read it.
    var asCase: ConfirmedCase {
        ConfirmedCase(
            complaintID: complaintID, orderID: orderID, buyerID: "", merchantID: merchantID, type: type, points: 0,
            confirmedAt: ProtoTimestamp(), expiresAt: ProtoTimestamp(seconds: .max, nanos: 0), merchantTier: tier,
            storeLimitRequested: false)
    }
}
