import ProtectionMessages
import ProtectionStore
import ProtoWire
import Testing

@testable import ProtectionServer

/// The score figures kept between decisions: cut to each call's window, dropped by
/// any commit that changes them, never filled with a read a change overtook.
@Suite struct MerchantFiguresCacheTests {
    static func order(_ id: String, paid: Int64) -> OrderFact {
        var order = OrderFact()
        order.orderId = id
        order.merchantId = "M-1"
        order.paidAt = ProtoTimestamp(seconds: paid, nanos: 0)
        return order
    }

    static func entry(_ record: StoredRecord, merchant: String) -> CommittedEntry {
        var event = AuditEvent()
        event.merchantId = merchant
        return CommittedEntry(sequence: 1, entry: LogEntry(event: event, record: record))
    }

    final class Loads: @unchecked Sendable { var count = 0 }

    @Test func aCachedReadServesLaterWindowsAndACommitDropsIt() async throws {
        let cache = MerchantFiguresCache()
        let loads = Loads()
        let stored = MerchantFigures(
            merchant: nil, orders: [Self.order("O-1", paid: 1_000), Self.order("O-2", paid: 5_000)], afterSales: [],
            confirmedComplaints: [])
        let load = { (wide: TimeWindow) -> MerchantFigures in
            loads.count += 1
            #expect(wide.from == 2_000 - MerchantFiguresCache.slack && wide.until == nil)
            return stored
        }
        let first = try await cache.figures("M-1", window: TimeWindow(from: 2_000, until: 6_000), load: load)
        #expect(first.orders.map(\.orderId) == ["O-2"])
        let later = try await cache.figures("M-1", window: TimeWindow(from: 3_000, until: 5_000), load: load)
        #expect(later.orders.isEmpty, "O-2 was paid at 5,000: the end is exclusive")
        #expect(loads.count == 1)
        // A new order of the merchant is committed: the next call reads again.
        var fact = Fact()
        fact.payload = .order(Self.order("O-3", paid: 5_500))
        cache.apply([Self.entry(.fact(fact), merchant: "M-1")])
        _ = try await cache.figures("M-1", window: TimeWindow(from: 2_000, until: 6_000), load: load)
        #expect(loads.count == 2)
        // A complaint filed (not confirmed) changes no figure; a confirmed one does.
        var complaint = Complaint()
        complaint.merchantId = "M-1"
        complaint.state = .submitted
        cache.apply([Self.entry(.complaint(complaint), merchant: "M-1")])
        _ = try await cache.figures("M-1", window: TimeWindow(from: 2_000, until: 6_000), load: load)
        #expect(loads.count == 2)
        complaint.state = .confirmed
        cache.apply([Self.entry(.complaint(complaint), merchant: "M-1")])
        _ = try await cache.figures("M-1", window: TimeWindow(from: 2_000, until: 6_000), load: load)
        #expect(loads.count == 3)
    }

    @Test func aReadOvertakenByAChangeIsNotKept() async throws {
        let cache = MerchantFiguresCache()
        let loads = Loads()
        var fact = Fact()
        fact.payload = .order(Self.order("O-9", paid: 10))
        _ = try await cache.figures("M-1", window: TimeWindow(from: 0, until: 100)) { _ in
            loads.count += 1
            // The change commits while the read is under way.
            cache.apply([Self.entry(.fact(fact), merchant: "M-1")])
            return MerchantFigures(merchant: nil, orders: [], afterSales: [], confirmedComplaints: [])
        }
        _ = try await cache.figures("M-1", window: TimeWindow(from: 0, until: 100)) { _ in
            loads.count += 1
            return MerchantFigures(merchant: nil, orders: [], afterSales: [], confirmedComplaints: [])
        }
        #expect(loads.count == 2)
        // A fact whose merchant is unknown drops every entry.
        var request = AfterSalesRequestFact()
        request.orderId = "O-unknown"
        fact.payload = .afterSalesRequest(request)
        cache.apply([Self.entry(.fact(fact), merchant: "")])
        _ = try await cache.figures("M-1", window: TimeWindow(from: 0, until: 100)) { _ in
            loads.count += 1
            return MerchantFigures(merchant: nil, orders: [], afterSales: [], confirmedComplaints: [])
        }
        #expect(loads.count == 3)
    }
}
