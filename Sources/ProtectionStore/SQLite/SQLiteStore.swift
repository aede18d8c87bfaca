import CoreMetrics
import Foundation
import GRDB
import Synchronization

/// The embedded store: one SQLite file (WAL, `synchronous=FULL`, foreign keys on),
/// versioned migrations, a reader pool that never waits for the writer, and one
/// writer that commits every queued change in one transaction (group commit).
public final class SQLiteStore: ProtectionStore {
    public struct Configuration: Sendable {
        /// The database file; its folder is created if missing.
        public var path: String
        /// Most changes committed in one transaction.
        public var maxBatch: Int = 256
        /// Readers at once.
        public var maxReaders: Int = 8
        /// Where the writer's metrics go (`protection_store_batch_size`); nil: the
        /// process-wide factory.
        public var metrics: (any MetricsFactory)?

        public init(path: String) {
            self.path = path
        }
    }

    public let configuration: Configuration
    let pool: DatabasePool
    private let writer: StoreWriter
    private let observer = CommitObserverSlot()

    /// Opens (creating if needed) and migrates the database. Throws
    /// ``StoreError`` `.databaseTooNew` for a database written by a newer build,
    /// `.unavailable` when it cannot be opened.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let folder = URL(fileURLWithPath: configuration.path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var config = GRDB.Configuration()
            config.foreignKeysEnabled = true
            config.maximumReaderCount = configuration.maxReaders
            config.busyMode = .timeout(10)
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Pages read through memory mapping rather than a system call each.
                // (no mmap: the file grows with every commit and remapping costs more than it saves)
            }
            pool = try DatabasePool(path: configuration.path, configuration: config)
        } catch {
            throw StoreError(.unavailable, "Cannot open the database at \(configuration.path): \(error)")
        }
        let migrator = Self.migrator
        let superseded: Set<String>
        do {
            superseded = try pool.read { db in
                try migrator.hasBeenSuperseded(db) ? try migrator.appliedIdentifiers(db).subtracting(migrator.migrations) : []
            }
        } catch {
            throw StoreError(.unavailable, "Cannot read the database at \(configuration.path): \(error)")
        }
        guard superseded.isEmpty else {
            throw StoreError(
                .databaseTooNew,
                "The database at \(configuration.path) was written by a newer build (migrations "
                    + "\(superseded.sorted().joined(separator: ", ")) are unknown to this one); refusing to open it. "
                    + "Run the newer build, or restore a backup made by this one.")
        }
        do {
            try migrator.migrate(pool)
        } catch {
            throw StoreError(.unavailable, "Cannot migrate the database at \(configuration.path): \(error)")
        }
        let pool = self.pool
        let observer = self.observer
        writer = StoreWriter(maxBatch: configuration.maxBatch, metrics: configuration.metrics) { changes in
            await Self.commit(changes, in: pool, observer: observer)
        }
    }

    /// The migrations this build knows, in order.
    public static var knownMigrations: [String] { migrator.migrations }

    public func commit(_ change: StoreChange) async throws -> CommitReceipt {
        try await writer.submit(change)
    }

    public func setCommitObserver(_ observer: @escaping @Sendable ([CommittedEntry]) -> Void) {
        self.observer.set(observer)
    }

    public func run() async throws {
        await writer.run()
    }

    public func close() {
        writer.close()
    }

    /// Reads in a snapshot, on a reader thread; never waits for the writer.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "Reading the database failed: \(error)")
        }
    }
}

/// Where the commit observer is kept, set once the server is wired.
final class CommitObserverSlot: Sendable {
    private let observer = Mutex<(@Sendable ([CommittedEntry]) -> Void)?>(nil)

    func set(_ observer: @escaping @Sendable ([CommittedEntry]) -> Void) { self.observer.withLock { $0 = observer } }

    /// Tells the observer, if any, about committed entries.
    func notify(_ entries: [CommittedEntry]) {
        guard !entries.isEmpty, let observer = observer.withLock({ $0 }) else { return }
        observer(entries)
    }
}
