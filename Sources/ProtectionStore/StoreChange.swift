import ProtectionMessages
import ProtoWire

/// A record the store keeps in the tables reads use, replacing the one with the
/// same key; each is written with the log entry that records it. Indirect: the
/// messages are large values, and entries are moved around in arrays.
public enum StoredRecord: Sendable, Hashable {
    case complaint(Complaint)
    case ledgerEntry(LedgerEntry)
    case sanction(Sanction)
    /// A fact from the feed; it replaces the stored fact of the same kind and id.
    case fact(Fact)
    /// A merchant's latest return-insurance enrolment.
    case enrollment(ReturnInsuranceEnrollment)
    case participation(PromotionParticipation)
    /// A buyer's opt-in to return insurance for one order.
    case optIn(InsuranceOptIn)
    case claim(ReturnInsuranceClaim)
    case priceErrorReport(PriceErrorReport)
    /// A published rule set and its metadata.
    case ruleSet(RuleSet, RuleSetSummary)
    /// A due transition, applied: never applied again.
    case appliedTransition(DueTransition)
    /// A bearer token's credential and the token's hash (never the token).
    case credential(CredentialRecord)
}

/// A buyer's opt-in to return insurance for one order (BUYER_OPT_IN merchants).
public struct InsuranceOptIn: Sendable, Hashable {
    public var orderID: String
    public var buyerID: String
    public var merchantID: String
    /// The answer the buyer got: premium, cap, time, explanation.
    public var answer: OptInReturnInsuranceResponse

    public init(orderID: String, buyerID: String, merchantID: String, answer: OptInReturnInsuranceResponse) {
        self.orderID = orderID
        self.buyerID = buyerID
        self.merchantID = merchantID
        self.answer = answer
    }
}

/// One entry of the append-only event log: the audited change (who, when, what,
/// why) and the record as it is after the change.
public struct LogEntry: Sendable, Hashable {
    /// The change; its `sequence` is assigned on commit.
    public var event: AuditEvent
    /// The record after the change, when there is one.
    public var record: StoredRecord?
    /// The rule-set version that judged the change (0 when no rule did).
    public var ruleSetVersion: Int64

    public init(event: AuditEvent, record: StoredRecord? = nil, ruleSetVersion: Int64 = 0) {
        self.event = event
        self.record = record
        self.ruleSetVersion = ruleSetVersion
    }
}

/// A log entry as committed, with its sequence.
public struct CommittedEntry: Sendable, Hashable {
    public var sequence: Int64
    public var entry: LogEntry

    public init(sequence: Int64, entry: LogEntry) {
        self.sequence = sequence
        self.entry = entry
    }
}

/// The client's idempotency key of a mutating call, in the scope it is unique in
/// (the caller and the method), with the hash of the request it came with.
public struct Idempotency: Sendable, Hashable {
    public var scope: String
    public var key: String
    public var requestHash: [UInt8]

    public init(scope: String, key: String, requestHash: [UInt8]) {
        self.scope = scope
        self.key = key
        self.requestHash = requestHash
    }
}

/// What a decision read, so that a concurrent change to it is noticed on commit:
/// the key's revision then (0 for a key never written). Every guarded key is
/// bumped by the commit.
public struct Guard: Sendable, Hashable {
    public var key: String
    public var revision: Int64

    public init(_ key: String, revision: Int64) {
        self.key = key
        self.revision = revision
    }
}

/// Everything one mutating call changes, committed at once or not at all: the
/// idempotency record, the guards and the log entries. Each entry's record is
/// also written to the table reads use: nothing changes without its entry.
public struct StoreChange: Sendable {
    public var idempotency: Idempotency?
    public var guards: [Guard]
    public var log: [LogEntry]
    /// The answer to keep under the idempotency key (the serialized response),
    /// built once the entries have their sequences.
    public var response: @Sendable (_ sequences: [Int64]) -> [UInt8]

    public init(
        idempotency: Idempotency? = nil, guards: [Guard] = [], log: [LogEntry] = [],
        response: @escaping @Sendable (_ sequences: [Int64]) -> [UInt8] = { _ in [] }
    ) {
        self.idempotency = idempotency
        self.guards = guards
        self.log = log
        self.response = response
    }
}

/// The outcome of a commit.
public struct CommitReceipt: Sendable, Hashable {
    /// The sequences of the change's log entries, in order; empty for a replay.
    public var sequences: [Int64]
    /// The answer kept under the idempotency key.
    public var response: [UInt8]
    /// True when the idempotency key was already used with the same request:
    /// nothing was written and `response` is the first answer.
    public var replayed: Bool

    public init(sequences: [Int64], response: [UInt8], replayed: Bool) {
        self.sequences = sequences
        self.response = response
        self.replayed = replayed
    }
}
