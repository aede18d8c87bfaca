import ProtectionMessages
import ProtectionStore
import Synchronization

/// A merchant's score figures (its fact, orders, after-sales requests, confirmed
/// complaints), kept after a read so that the next decision about the merchant
/// does not read its orders again. An entry covers every order paid from a day
/// before the window it was read for, and is filtered to each call's exact
/// window; a commit that touches the merchant (a fact about it or its orders, a
/// complaint confirmed or overturned) drops it before the commit's caller is
/// answered, so a decision never reads figures older than the last
/// acknowledged change.
final class MerchantFiguresCache: Sendable {
    private struct Entry {
        var from: Int64
        var figures: MerchantFigures
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Per merchant, bumped by every change to its figures.
        var generations: [String: UInt64] = [:]
        /// Bumped when a change's merchant is unknown: every entry is stale.
        var epoch: UInt64 = 0
    }

    private let state = Mutex(State())
    private let capacity: Int
    /// How much earlier than the window an entry reads, so that it serves calls
    /// while time moves on.
    static let slack: Int64 = 86_400

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The figures of `merchantID` for orders paid in `window`.
    func figures(
        _ merchantID: String, window: TimeWindow, load: (TimeWindow) async throws -> MerchantFigures
    ) async throws -> MerchantFigures {
        let (cached, stamp) = state.withLock { state -> (Entry?, (UInt64, UInt64)) in
            (state.entries[merchantID], (state.epoch, state.generations[merchantID, default: 0]))
        }
        if let cached, let from = window.from, cached.from <= from {
            return Self.cut(cached.figures, to: window)
        }
        let wide = TimeWindow(from: window.from.map { $0 - Self.slack }, until: nil)
        let figures = try await load(wide)
        state.withLock { state in
            guard state.epoch == stamp.0, state.generations[merchantID, default: 0] == stamp.1, let from = wide.from else {
                return
            }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[merchantID] = Entry(from: from, figures: figures)
        }
        return Self.cut(figures, to: window)
    }

    /// Figures cut to the orders paid in `window`, and the requests on those.
    static func cut(_ figures: MerchantFigures, to window: TimeWindow) -> MerchantFigures {
        let orders = figures.orders.filter { order in
            guard let paid = order.paidAt?.seconds else { return false }
            return (window.from.map { paid >= $0 } ?? true) && (window.until.map { paid < $0 } ?? true)
        }
        let ids = Set(orders.map(\.orderId))
        return MerchantFigures(
            merchant: figures.merchant, orders: orders, afterSales: figures.afterSales.filter { ids.contains($0.orderId) },
            confirmedComplaints: figures.confirmedComplaints)
    }

    /// Drops what committed entries change.
    func apply(_ entries: [CommittedEntry]) {
        let counted: Set<ComplaintState> = [.confirmed, .appealed, .upheld, .overturned]
        var touched: Set<String> = []
        var unknown = false
        for committed in entries {
            let merchant = committed.entry.event.merchantId
            switch committed.entry.record {
            case .fact(let fact):
                switch fact.payload {
                case .merchant, .order, .afterSalesRequest:
                    if merchant.isEmpty { unknown = true } else { touched.insert(merchant) }
                default: break
                }
            case .complaint(let complaint) where counted.contains(complaint.state):
                touched.insert(complaint.merchantId)
            default: break
            }
        }
        guard unknown || !touched.isEmpty else { return }
        state.withLock { state in
            if unknown {
                state.epoch &+= 1
                state.entries.removeAll(keepingCapacity: true)
            }
            for merchant in touched {
                state.generations[merchant, default: 0] &+= 1
                state.entries[merchant] = nil
            }
        }
    }
}
