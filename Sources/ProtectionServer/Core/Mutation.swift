import ProtectionMessages
import ProtectionStore
import ProtoWire
import RPCCore

/// One mutating call as its decision sees it: who, when (read once), which method
/// and idempotency key; and the audit events it writes.
struct Mutation: Sendable {
    var caller: Caller
    var now: ProtoTimestamp
    var method: String
    var key: String

    /// The id of a record this call creates: a prefix and 16 hex digits of the hash of
    /// the caller, method and idempotency key. A retry gets the same id; so does a
    /// script that knows the key.
    func newID(_ prefix: String) -> String {
        let seed = "\(caller.role.rawValue)/\(caller.id)/\(method)\n\(key)"
        return "\(prefix)-\(SHA256.hex(Array(seed.utf8)).prefix(16))"
    }

    /// An audit event of this call about one record.
    func event(
        _ kind: AuditSubjectKind, _ id: String, _ action: AuditAction, from: String = "", to: String = "",
        reason: String, merchant: String = "", buyer: String = "", explanation: Explanation? = nil
    ) -> AuditEvent {
        var event = AuditEvent()
        event.occurredAt = now
        event.actor = caller.actor
        event.action = action
        event.subjectKind = kind
        event.subjectId = id
        event.fromState = from
        event.toState = to
        event.reason = reason
        event.method = method
        event.idempotencyKey = key
        event.merchantId = merchant
        event.buyerId = buyer
        event.explanation = explanation
        return event
    }
}

/// What a mutating call decided: the guards of what it read, the log entries it
/// writes (each with its record), and its answer, built once the entries have
/// their sequences.
struct Decided<Response: ProtoMessage>: Sendable {
    var guards: [Guard]
    var log: [LogEntry]
    var response: @Sendable ([Int64]) -> Response

    init(guards: [Guard] = [], log: [LogEntry] = [], response: @escaping @Sendable ([Int64]) -> Response) {
        self.guards = guards
        self.log = log
        self.response = response
    }

    init(guards: [Guard] = [], log: [LogEntry] = [], response: Response) {
        self.init(guards: guards, log: log, response: { _ in response })
    }
}

extension ServerCore {
    /// Runs a mutating call: the same key and request answer the first answer and
    /// write nothing; the same key with another request is FAILED_PRECONDITION; else
    /// `decide` reads and decides, and its change is committed in one transaction
    /// (the idempotency record, the guards, the rows, the log). When something it
    /// read changed meanwhile, it reads and decides again. A refusal thrown by
    /// `decide` changes nothing.
    func mutate<Request: ProtoMessage, Response: ProtoMessage>(
        _ request: Request, key: String, context: ServerContext, as: Response.Type = Response.self,
        decide: @Sendable (Mutation) async throws -> Decided<Response>
    ) async throws -> Response {
        try await mutateReporting(request, key: key, context: context, decide: decide).response
    }

    /// ``mutate(_:key:context:as:decide:)``, saying whether the answer is a replay of
    /// an earlier call with the same key and request.
    func mutateReporting<Request: ProtoMessage, Response: ProtoMessage>(
        _ request: Request, key: String, context: ServerContext,
        decide: @Sendable (Mutation) async throws -> Decided<Response>
    ) async throws -> (response: Response, replayed: Bool) {
        let caller = try Caller(context)
        var check = FieldCheck()
        check.require(!key.isEmpty, "idempotency_key", "is required")
        check.length(key, max: 200, "idempotency_key")
        try check.check()
        let method = context.descriptor.fullyQualifiedMethod
        let idempotency = Idempotency(
            scope: "\(caller.role.rawValue)/\(caller.id)/\(method)", key: key,
            requestHash: SHA256.digest(request.serializedBytes()))
        let mutation = Mutation(caller: caller, now: clock.now(), method: method, key: key)
        do {
            // The writer checks the key in the commit's transaction: a key already
            // kept answers its first answer there, or refuses another request.
            return try await commitDecision(mutation, idempotency: idempotency, decide: decide)
        } catch {
            // A retry's decision may refuse what its first sending did (an ALREADY_EXISTS,
            // say): the key, when kept, says what to answer.
            if let earlier = try? await store.idempotencyRecord(scope: idempotency.scope, key: key) {
                guard earlier.requestHash == idempotency.requestHash else { throw ServiceError.keyReused(key) }
                return (try decodeStored(Response.self, earlier.response), true)
            }
            throw error
        }
    }

    /// Decides and commits, deciding again when a guard moved; the answer kept
    /// under the key is the one returned, a replay's included.
    func commitDecision<Response: ProtoMessage>(
        _ mutation: Mutation, idempotency: Idempotency?, decide: @Sendable (Mutation) async throws -> Decided<Response>
    ) async throws -> (response: Response, replayed: Bool) {
        var attempt = 0
        while true {
            attempt += 1
            let decided = try await decide(mutation)
            let build = decided.response
            let change = StoreChange(
                idempotency: idempotency, guards: decided.guards, log: decided.log,
                response: { sequences in build(sequences).serializedBytes() })
            do {
                let receipt = try await store.commit(change)
                guard receipt.replayed else { return (build(receipt.sequences), false) }
                return (try decodeStored(Response.self, receipt.response), true)
            } catch let error as StoreError where error.code == .conflict && attempt < configuration.maxConflictRetries {
                continue
            } catch let error as StoreError {
                throw rpcError(error)
            }
        }
    }

    /// The guard of `key` as it stands now: a change committed with it fails (and is
    /// decided again) when `key` moved meanwhile.
    func currentGuard(_ key: String) async throws -> Guard {
        Guard(key, revision: try await storeCall { try await store.revisions([key]) }[key] ?? 0)
    }

    /// A store read or write, its failures as RPC errors.
    func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw rpcError(error)
        }
    }

    func rpcError(_ error: StoreError) -> RPCError {
        switch error.code {
        case .idempotencyKeyReused: ServiceError.keyReused(error.key)
        case .conflict: RPCError(code: .aborted, message: "The call kept conflicting with concurrent changes; try again.")
        case .closed: RPCError.notProcessed("The server is shutting down.")
        case .databaseTooNew, .unavailable, .corrupt:
            RPCError(code: .unavailable, message: "The store cannot serve the call now.", cause: error)
        }
    }

    private func decodeStored<Response: ProtoMessage>(_ type: Response.Type, _ bytes: [UInt8]) throws -> Response {
        do {
            return try Response(serializedBytes: bytes)
        } catch {
            throw RPCError(code: .dataLoss, message: "A stored answer could not be read back.", cause: error)
        }
    }
}
