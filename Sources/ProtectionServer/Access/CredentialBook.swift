import ProtectionMessages
import ProtectionStore
import Synchronization

/// Every credential, in memory, rebuilt from the store and kept current by each
/// commit (this server's) and by the follower (changes other processes commit,
/// such as `protection-server tokens`): the one place a token is checked.
public final class CredentialBook: Sendable {
    /// Why a call's credential was not accepted.
    enum Failure: Error, Equatable {
        case missing, malformed, unknown, ended(CredentialState)

        /// What the caller is told (never the token).
        var message: String {
            switch self {
            case .missing: "The call has no credential: send 'authorization: Bearer <token>' metadata."
            case .malformed: "The 'authorization' metadata is not 'Bearer <token>' with a token this service issues."
            case .unknown: "The token is not known to this service."
            case .ended(.rotated): "The token was replaced by a rotation; use its replacement."
            case .ended: "The token was revoked."
            }
        }

        /// The reason in the audit log and metrics.
        var reason: String {
            switch self {
            case .missing: "no credential"
            case .malformed: "malformed credential"
            case .unknown: "unknown token"
            case .ended(.rotated): "rotated-out token"
            case .ended: "revoked token"
            }
        }
    }

    private struct State {
        /// Each credential's latest record and the log entry that wrote it.
        var records: [String: (record: CredentialRecord, sequence: Int64)] = [:]
        /// How far the follower has read the log.
        var followed: Int64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The credential of a call's `authorization` metadata value.
    func authenticate(_ authorization: String?) -> Result<Credential, Failure> {
        guard let authorization else { return .failure(.missing) }
        guard let token = BearerToken.parse(authorization: authorization) else { return .failure(.malformed) }
        let hash = token.hash
        guard let record = state.withLock({ $0.records[token.credentialID]?.record }),
            BearerToken.constantTimeEqual(record.tokenSha256, hash), let credential = record.credential
        else { return .failure(.unknown) }
        guard credential.state == .active else { return .failure(.ended(credential.state)) }
        return .success(credential)
    }

    /// The record of a credential id.
    func record(_ id: String) -> CredentialRecord? { state.withLock { $0.records[id]?.record } }

    /// Every credential, by id.
    var all: [Credential] {
        state.withLock { $0.records.values.compactMap(\.record.credential) }.sorted { $0.credentialId < $1.credentialId }
    }

    /// The log sequence the follower has read up to.
    var followed: Int64 { state.withLock { $0.followed } }

    /// The stored credentials, as of log sequence `sequence`.
    func replace(with records: [CredentialRecord], asOf sequence: Int64) {
        state.withLock { state in
            state.records = Dictionary(
                records.map { ($0.credential?.credentialId ?? "", ($0, sequence)) }, uniquingKeysWith: { $1 })
            state.followed = sequence
        }
    }

    /// Applies committed entries; a record older than the one held changes nothing,
    /// so the commit observer and the follower may see the same entry in any order.
    /// `followed` moves the follower's position.
    func apply(_ entries: [CommittedEntry], followed: Int64? = nil) {
        state.withLock { state in
            for entry in entries {
                guard case .credential(let record) = entry.entry.record, let id = record.credential?.credentialId else {
                    continue
                }
                if let held = state.records[id], held.sequence >= entry.sequence { continue }
                state.records[id] = (record, entry.sequence)
            }
            if let followed { state.followed = max(state.followed, followed) }
        }
    }
}

extension ServerCore {
    /// Follows credential changes other processes commit to the store (the
    /// `protection-server tokens` command on this data directory): read every
    /// `credentialFollowInterval`, in log order, until cancelled.
    public func followCredentials() async {
        while !Task.isCancelled {
            do {
                while true {
                    let after = credentials.followed
                    let entries = try await store.logEntries(after: after, subjectKind: .credential, limit: 500)
                    credentials.apply(entries, followed: entries.last?.sequence)
                    if entries.count < 500 { break }
                }
            } catch {
                logger.error("credential changes could not be read; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.credentialFollowInterval)
        }
    }
}
