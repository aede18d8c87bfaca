import Foundation
import GRDB
import ProtectionMessages

extension SQLiteStore {
    /// Writes a batch of changes in one transaction, each in a savepoint of its own:
    /// a refused change (a conflict, a reused key) leaves no trace and the others
    /// commit. The observer sees the committed entries before anyone is answered.
    static func commit(
        _ changes: [StoreChange], in pool: DatabasePool, observer: CommitObserverSlot
    ) async -> [StoreWriter.Answer] {
        do {
            let (answers, committed) = try await pool.write { db in
                var answers: [StoreWriter.Answer] = []
                var committed: [CommittedEntry] = []
                for change in changes {
                    var outcome: (CommitReceipt, [CommittedEntry])?
                    do {
                        try db.inSavepoint {
                            outcome = try apply(change, db)
                            return .commit
                        }
                    } catch {
                        answers.append(.failure(error as? StoreError ?? StoreError(.unavailable, "Writing failed: \(error)")))
                        continue
                    }
                    if let (receipt, entries) = outcome {
                        answers.append(.success(receipt))
                        committed += entries
                    }
                }
                return (answers, committed)
            }
            observer.notify(committed)
            return answers
        } catch {
            let failure = StoreError(.unavailable, "The transaction could not be committed: \(error)")
            return changes.map { _ in .failure(failure) }
        }
    }

    /// One change inside the transaction: the idempotency check, the guards, the log
    /// entries with their records, the answer under the key.
    private static func apply(_ change: StoreChange, _ db: Database) throws -> (CommitReceipt, [CommittedEntry]) {
        if let idempotency = change.idempotency,
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT request_hash, response FROM idempotency WHERE scope = ? AND key = ?"),
                arguments: [idempotency.scope, idempotency.key])
        {
            let hash: Data = row["request_hash"]
            guard [UInt8](hash) == idempotency.requestHash else {
                throw StoreError(
                    .idempotencyKeyReused,
                    "The idempotency key '\(idempotency.key)' was used before with a different request.",
                    key: idempotency.key)
            }
            let response: Data = row["response"]
            return (CommitReceipt(sequences: [], response: [UInt8](response), replayed: true), [])
        }
        var seen = Set<String>()
        for item in change.guards where seen.insert(item.key).inserted {
            let current = try Int64.fetchOne(db.cachedStatement(sql: "SELECT revision FROM guards WHERE key = ?"), arguments: [item.key]) ?? 0
            guard current == item.revision else {
                throw StoreError(.conflict, "'\(item.key)' changed meanwhile (revision \(current), read \(item.revision)).", key: item.key)
            }
            try db.cachedStatement(sql: "INSERT INTO guards (key, revision) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision").execute(arguments: [item.key, current + 1])
        }
        var committed: [CommittedEntry] = []
        for entry in change.log {
            let event = entry.event
            try db.cachedStatement(sql: """
                    INSERT INTO event_log (occurred_at, subject_kind, subject_id, action, actor_id, method, idempotency_key,
                        request_hash, rule_set_version, merchant_id, buyer_id, event, record_kind, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    event.occurredAt?.seconds ?? 0, Int64(event.subjectKind.rawValue), event.subjectId,
                    Int64(event.action.rawValue), event.actor?.principalId ?? "", event.method, event.idempotencyKey,
                    change.idempotency.map { Data($0.requestHash) }, entry.ruleSetVersion, event.merchantId,
                    event.buyerId, blob(event), entry.record?.kindName, entry.record?.logBytes,
                ])
            let sequence = db.lastInsertedRowID
            try entry.record?.row(sequence: sequence).upsert(db)
            var stored = entry
            stored.event.sequence = sequence
            committed.append(CommittedEntry(sequence: sequence, entry: stored))
        }
        let sequences = committed.map(\.sequence)
        let response = change.response(sequences)
        if let idempotency = change.idempotency {
            try db.cachedStatement(sql: "INSERT INTO idempotency (scope, key, request_hash, response) VALUES (?, ?, ?, ?)").execute(arguments: [idempotency.scope, idempotency.key, Data(idempotency.requestHash), Data(response)])
        }
        return (CommitReceipt(sequences: sequences, response: response, replayed: false), committed)
    }
}
