import Foundation
import GRDB
import MetricsTestKit
import ProtectionMessages
import ProtectionStore
import ProtoWire
import Testing

/// The behaviour every backend of the store shares: the log, idempotency, guards,
/// group commit, durability and the reads.
@Suite struct StoreTests {
    @Test(arguments: Backend.allCases)
    func aCommitIsLoggedNumberedFromOneAndStoredForReads(backend: Backend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.latestSequence() == 0)
            let first = try await store.commit(filing(complaint("C-1")))
            let second = try await store.commit(filing(complaint("C-2", order: "O-2")))
            #expect(first.sequences == [1] && second.sequences == [2])
            #expect(String(decoding: first.response, as: UTF8.self) == "filed C-1 at [1]")
            #expect(try await store.complaint(id: "C-1")?.orderId == "O-1")
            let events = try await store.events(EventQuery())
            #expect(events.map(\.sequence) == [1, 2])
            #expect(events.map(\.subjectId) == ["C-1", "C-2"])
            let entries = try await store.logEntries(after: 1, subjectKind: .complaint, limit: 10)
            #expect(entries.map(\.sequence) == [2])
            #expect(entries.first?.entry.record == .complaint(complaint("C-2", order: "O-2")))
        }
    }

    @Test(arguments: Backend.allCases)
    func theSameKeyAndRequestReplayTheFirstAnswerAndWriteNothing(backend: Backend) async throws {
        try await withStore(backend) { store in
            let first = try await store.commit(filing(complaint("C-1"), key: "k-1"))
            let again = try await store.commit(filing(complaint("C-1"), key: "k-1"))
            #expect(again.replayed && again.response == first.response && again.sequences.isEmpty)
            #expect(try await store.latestSequence() == 1)
            #expect(try await store.idempotencyRecord(scope: "merchant:M-1", key: "k-1")?.response == first.response)
            // The same key with another request (another order) is refused and writes nothing.
            await #expect(throws: StoreError.self) { try await store.commit(filing(complaint("C-9", order: "O-9"), key: "k-1")) }
            do {
                _ = try await store.commit(filing(complaint("C-9", order: "O-9"), key: "k-1"))
            } catch let error as StoreError {
                #expect(error.code == .idempotencyKeyReused && error.key == "k-1")
            }
            #expect(try await store.complaint(id: "C-9") == nil)
            #expect(try await store.latestSequence() == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func aGuardedKeyThatChangedMeanwhileRefusesTheSecondDecision(backend: Backend) async throws {
        try await withStore(backend) { store in
            let read = try await store.revisions(["buyer/B-1"])
            #expect(read == ["buyer/B-1": 0])
            _ = try await store.commit(filing(complaint("C-1"), guards: [Guard("buyer/B-1", revision: 0)]))
            do {
                _ = try await store.commit(filing(complaint("C-2", order: "O-2"), guards: [Guard("buyer/B-1", revision: 0)]))
                Issue.record("a stale guard was accepted")
            } catch let error as StoreError {
                #expect(error.code == .conflict && error.key == "buyer/B-1")
            }
            #expect(try await store.complaint(id: "C-2") == nil, "nothing of the refused change is stored")
            #expect(try await store.revisions(["buyer/B-1"]) == ["buyer/B-1": 1])
            _ = try await store.commit(filing(complaint("C-2", order: "O-2"), guards: [Guard("buyer/B-1", revision: 1)]))
            #expect(try await store.complaint(id: "C-2") != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentCommitsShareTransactionsAndARefusedOneLeavesTheOthers(backend: Backend) async throws {
        let metrics = TestMetrics()
        try await withStore(backend, metrics: metrics) { store in
            _ = try await store.commit(filing(complaint("C-0", order: "O-0"), guards: [Guard("hot", revision: 0)]))
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 1...64 {
                    group.addTask {
                        // Every tenth reads a stale revision of "hot" and must be refused alone.
                        let guards = index % 10 == 0 ? [Guard("hot", revision: 0)] : []
                        return (try? await store.commit(filing(complaint("C-\(index)", order: "O-\(index)"), guards: guards))) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 58)
            #expect(try await store.latestSequence() == 59)
            #expect(try await store.complaint(id: "C-10") == nil)
            #expect(try await store.complaint(id: "C-11") != nil)
        }
        let batches = try metrics.expectRecorder("protection_store_batch_size").values
        #expect(batches.reduce(0, +) == 65)
        #expect(batches.count < 65, "concurrent commits were grouped: \(batches)")
    }

    @Test(arguments: Backend.allCases)
    func theObserverSeesCommittedEntriesBeforeTheCallerIsAnswered(backend: Backend) async throws {
        try await withStore(backend) { store in
            let seen = SeenEntries()
            store.setCommitObserver { entries in seen.add(entries) }
            let receipt = try await store.commit(filing(complaint("C-1")))
            #expect(seen.sequences == receipt.sequences)
            _ = try await store.commit(filing(complaint("C-1")))
            #expect(seen.sequences == [1, 2])
        }
    }

    @Test(arguments: Backend.allCases)
    func anAcknowledgedCommitSurvivesClosingAndReopening(backend: Backend) async throws {
        try await withTemporaryFolder { folder in
            try await withRunning(try backend.open(in: folder)) { store in
                _ = try await store.commit(filing(complaint("C-1"), key: "k-1"))
            }
            try await withRunning(try backend.open(in: folder)) { (store) async throws in
                #expect(try await store.complaint(id: "C-1")?.complaintId == "C-1")
                #expect(try await store.latestSequence() == 1)
                #expect(try await store.commit(filing(complaint("C-1"), key: "k-1")).replayed)
                #expect(try await store.commit(filing(complaint("C-2", order: "O-2"))).sequences == [2])
            }
        }
    }

    @Test func aDatabaseWrittenByANewerBuildIsRefusedWithAClearMessage() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("protection.sqlite").path
            try await withRunning(try SQLiteStore(configuration: .init(path: path))) { _ in }
            // A newer build recorded a migration this one does not know.
            try await DatabaseQueue(path: path).write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('99-from-the-future')")
            }
            do {
                _ = try SQLiteStore(configuration: .init(path: path))
                Issue.record("a newer database was opened")
            } catch let error as StoreError {
                #expect(error.code == .databaseTooNew)
                #expect(error.message.contains("99-from-the-future") && error.message.contains("newer build"))
            }
        }
    }

    @Test func theEventLogIsAppendOnly() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("protection.sqlite").path
            try await withRunning(try SQLiteStore(configuration: .init(path: path))) { store in
                _ = try await store.commit(filing(complaint("C-1")))
            }
            let database = try DatabaseQueue(path: path)
            await #expect(throws: DatabaseError.self) { try await database.write { db in try db.execute(sql: "UPDATE event_log SET actor_id = 'x'") } }
            await #expect(throws: DatabaseError.self) { try await database.write { db in try db.execute(sql: "DELETE FROM event_log") } }
            #expect(try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event_log") } == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func factsAreReadByOwnerAndWindowWithTheirAfterSalesRefundsAndShipments(backend: Backend) async throws {
        try await withStore(backend) { store in
            var request = AfterSalesRequestFact()
            request.requestId = "AS-1"
            request.orderId = "O-2"
            request.kind = .returnAndRefund
            request.requestedAt = ts(2_000)
            var afterSales = Fact()
            afterSales.payload = .afterSalesRequest(request)
            var promotion = PromotionFact()
            promotion.promotionId = "P-1"
            promotion.startsAt = ts(1_000)
            promotion.endsAt = ts(5_000)
            var promotionFact = Fact()
            promotionFact.payload = .promotion(promotion)
            _ = try await store.commit(storing([
                order("O-1", buyer: "B-1", merchant: "M-1", paid: 1_000), order("O-2", buyer: "B-2", merchant: "M-1", paid: 1_500),
                order("O-3", buyer: "B-1", merchant: "M-2", paid: 3_000), afterSales, promotionFact,
            ]))
            #expect(try await store.orders(of: .merchant("M-1"), paid: TimeWindow(from: 1_000, until: 2_000)).map(\.orderId).sorted() == ["O-1", "O-2"])
            #expect(try await store.orders(of: .merchant("M-1"), paid: TimeWindow(from: 1_001)).map(\.orderId) == ["O-2"])
            #expect(try await store.orders(of: .buyer("B-1"), paid: .all).map(\.orderId).sorted() == ["O-1", "O-3"])
            #expect(try await store.afterSales(onOrdersOf: .merchant("M-1"), paid: .all).map(\.requestId) == ["AS-1"])
            #expect(try await store.afterSales(onOrdersOf: .buyer("B-1"), paid: .all).isEmpty)
            #expect(try await store.afterSales(orderID: "O-2").count == 1)
            #expect(try await store.promotions(overlapping: TimeWindow(from: 4_999, until: 6_000)).map(\.promotionId) == ["P-1"])
            #expect(try await store.promotions(overlapping: TimeWindow(from: 5_000, until: 6_000)).isEmpty, "ends are exclusive")
            #expect(try await store.facts(.order, ids: ["O-1", "O-9"]).keys.sorted() == ["O-1"])
        }
    }

    @Test(arguments: Backend.allCases)
    func listsPageNewestFirstAndTheDueQueryLeavesAppliedAppealWindowsOut(backend: Backend) async throws {
        try await withStore(backend) { store in
            for index in 1...5 {
                _ = try await store.commit(filing(complaint("C-\(index)", order: "O-\(index)", filed: Int64(index) * 100)))
            }
            var query = ComplaintQuery()
            query.page = PageRequest(limit: 2)
            let first = try await store.complaints(query)
            #expect(first.map(\.complaintId) == ["C-5", "C-4"])
            query.page.after = PageCursor(time: 400, id: "C-4")
            #expect(try await store.complaints(query).map(\.complaintId) == ["C-3", "C-2"])
            // A confirmed complaint's appeal window: due until the transition is applied.
            var confirmed = complaint("C-1", filed: 100)
            confirmed.state = .confirmed
            confirmed.appealDueAt = ts(900)
            _ = try await store.commit(filing(confirmed))
            #expect(try await store.complaintsDue(at: 900, limit: 10).map(\.complaintId) == ["C-1"])
            var transition = DueTransition()
            transition.transitionId = "appeal_window_closed/C-1/900"
            transition.kind = .appealWindowClosed
            transition.subjectId = "C-1"
            transition.dueAt = ts(900)
            _ = try await store.commit(StoreChange(log: [LogEntry(event: event(.complaint, "C-1"), record: .appliedTransition(transition))]))
            #expect(try await store.complaintsDue(at: 900, limit: 10).isEmpty)
            #expect(try await store.appliedTransitions(["appeal_window_closed/C-1/900", "x"]) == ["appeal_window_closed/C-1/900"])
        }
    }
}

/// What a commit observer saw.
final class SeenEntries: Sendable {
    private let seen = Mutex<[Int64]>([])
    func add(_ entries: [CommittedEntry]) { seen.withLock { $0 += entries.map(\.sequence) } }
    var sequences: [Int64] { seen.withLock { $0 } }
}

import Synchronization
