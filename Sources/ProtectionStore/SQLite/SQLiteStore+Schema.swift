import GRDB

extension SQLiteStore {
    /// The versioned migrations, oldest first. A database that has a migration this
    /// build does not know was written by a newer build, and is refused.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-event-log-and-tables") { db in
            try db.execute(sql: schemaV1)
        }
        migrator.registerMigration("2-credentials") { db in
            try db.execute(sql: schemaV2)
        }
        return migrator
    }

    static let schemaV1 = """
        -- The append-only event log: every state change, numbered. Never updated.
        CREATE TABLE event_log (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            occurred_at INTEGER NOT NULL,
            subject_kind INTEGER NOT NULL,
            subject_id TEXT NOT NULL,
            action INTEGER NOT NULL,
            actor_id TEXT NOT NULL,
            method TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            request_hash BLOB,
            rule_set_version INTEGER NOT NULL,
            merchant_id TEXT NOT NULL,
            buyer_id TEXT NOT NULL,
            event BLOB NOT NULL,
            record_kind TEXT,
            record BLOB
        );
        CREATE INDEX event_log_subject ON event_log(subject_kind, subject_id, sequence);
        CREATE INDEX event_log_kind ON event_log(subject_kind, sequence);
        CREATE INDEX event_log_merchant ON event_log(merchant_id, sequence) WHERE merchant_id <> '';
        CREATE INDEX event_log_buyer ON event_log(buyer_id, sequence) WHERE buyer_id <> '';
        CREATE INDEX event_log_actor ON event_log(actor_id, sequence);
        CREATE INDEX event_log_time ON event_log(occurred_at, sequence);
        CREATE TRIGGER event_log_append_only_update BEFORE UPDATE ON event_log
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER event_log_append_only_delete BEFORE DELETE ON event_log
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

        -- The first answer under each idempotency key, with the request it answered.
        CREATE TABLE idempotency (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash BLOB NOT NULL,
            response BLOB NOT NULL,
            PRIMARY KEY (scope, key)
        ) WITHOUT ROWID;

        -- Revisions of what decisions read, checked and bumped on commit.
        CREATE TABLE guards (key TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;

        -- Facts from the feed, one row per record (a reference-price observation is one).
        CREATE TABLE facts (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            source_revision INTEGER NOT NULL,
            sequence INTEGER NOT NULL REFERENCES event_log(sequence),
            merchant_id TEXT NOT NULL,
            buyer_id TEXT NOT NULL,
            order_id TEXT NOT NULL,
            item_id TEXT NOT NULL,
            time INTEGER,
            end_time INTEGER,
            body BLOB NOT NULL,
            PRIMARY KEY (kind, id)
        ) WITHOUT ROWID;
        CREATE INDEX facts_order ON facts(kind, order_id);
        CREATE INDEX facts_merchant ON facts(kind, merchant_id, time);
        CREATE INDEX facts_buyer ON facts(kind, buyer_id, time);
        CREATE INDEX facts_item ON facts(kind, merchant_id, item_id, time);

        CREATE TABLE complaints (
            id TEXT PRIMARY KEY,
            order_id TEXT NOT NULL,
            buyer_id TEXT NOT NULL,
            merchant_id TEXT NOT NULL,
            type INTEGER NOT NULL,
            state INTEGER NOT NULL,
            filed_at INTEGER NOT NULL,
            due_at INTEGER,
            revision INTEGER NOT NULL,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX complaints_order ON complaints(order_id, type);
        CREATE INDEX complaints_merchant ON complaints(merchant_id, filed_at);
        CREATE INDEX complaints_buyer ON complaints(buyer_id, filed_at);
        CREATE INDEX complaints_filed ON complaints(filed_at, id);
        CREATE INDEX complaints_due ON complaints(due_at) WHERE due_at IS NOT NULL;

        CREATE TABLE ledger_entries (
            id TEXT PRIMARY KEY,
            buyer_id TEXT NOT NULL,
            merchant_id TEXT NOT NULL,
            complaint_id TEXT NOT NULL REFERENCES complaints(id),
            state INTEGER NOT NULL,
            expires_at INTEGER,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX ledger_buyer ON ledger_entries(buyer_id);
        CREATE INDEX ledger_due ON ledger_entries(expires_at) WHERE state = 1;

        CREATE TABLE sanctions (
            id TEXT PRIMARY KEY,
            buyer_id TEXT NOT NULL,
            merchant_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            state INTEGER NOT NULL,
            starts_at INTEGER NOT NULL,
            ends_at INTEGER,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sanctions_buyer ON sanctions(buyer_id);
        CREATE INDEX sanctions_start ON sanctions(starts_at, id);
        CREATE INDEX sanctions_due ON sanctions(ends_at) WHERE state = 1;

        CREATE TABLE enrollments (merchant_id TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE participations (
            merchant_id TEXT NOT NULL,
            promotion_id TEXT NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (merchant_id, promotion_id)
        ) WITHOUT ROWID;
        CREATE TABLE opt_ins (
            order_id TEXT PRIMARY KEY,
            buyer_id TEXT NOT NULL,
            merchant_id TEXT NOT NULL,
            body BLOB NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            order_id TEXT NOT NULL,
            merchant_id TEXT NOT NULL,
            buyer_id TEXT NOT NULL,
            state INTEGER NOT NULL,
            shipped_at INTEGER NOT NULL,
            payout_due_at INTEGER,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX claims_order ON claims(order_id);
        CREATE INDEX claims_merchant ON claims(merchant_id, shipped_at);
        CREATE INDEX claims_buyer ON claims(buyer_id, shipped_at);
        CREATE INDEX claims_shipped ON claims(shipped_at, id);
        CREATE INDEX claims_due ON claims(payout_due_at) WHERE state = 1;

        CREATE TABLE price_error_reports (
            id TEXT PRIMARY KEY,
            merchant_id TEXT NOT NULL,
            state INTEGER NOT NULL,
            reported_at INTEGER NOT NULL,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX reports_merchant ON price_error_reports(merchant_id, reported_at);
        CREATE INDEX reports_time ON price_error_reports(reported_at, id);

        CREATE TABLE rule_sets (
            version INTEGER PRIMARY KEY,
            effective_at INTEGER NOT NULL,
            body BLOB NOT NULL,
            summary BLOB NOT NULL
        );

        CREATE TABLE applied_transitions (
            id TEXT PRIMARY KEY,
            kind INTEGER NOT NULL,
            subject_id TEXT NOT NULL,
            due_at INTEGER NOT NULL,
            sequence INTEGER NOT NULL REFERENCES event_log(sequence)
        ) WITHOUT ROWID;
        CREATE INDEX applied_subject ON applied_transitions(subject_id, kind, due_at);
        """

    static let schemaV2 = """
        -- Bearer tokens' credentials: role, principal, state and the token's SHA-256
        -- (in body); never a token.
        CREATE TABLE credentials (
            id TEXT PRIMARY KEY,
            role INTEGER NOT NULL,
            principal_id TEXT NOT NULL,
            state INTEGER NOT NULL,
            body BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX credentials_principal ON credentials(principal_id, role);
        """
}
