import PolicyCore
import ProtectionMessages
import ProtectionStore
import ProtoWire
import Synchronization

/// The published rule sets, in memory: loaded from the store at start, kept current
/// from committed rule-set entries. Every decision asks it for the set in force at
/// the time of the event it judges.
public final class RuleSetCatalog: Sendable {
    private let sets = Mutex<[(rules: RuleSet, summary: RuleSetSummary)]>([])

    public init() {}

    /// Every published rule set with its metadata, by version.
    var published: [(rules: RuleSet, summary: RuleSetSummary)] { sets.withLock { $0 } }

    /// Every published rule set, by version.
    var all: [RuleSet] { sets.withLock { $0.map(\.rules) } }

    var latestVersion: Int64 { sets.withLock { $0.last?.rules.version ?? 0 } }

    /// The rule set in force at `time`: the highest version effective by then (the
    /// first one when none is yet).
    func inForce(at time: ProtoTimestamp) -> RuleSet {
        let all = self.all
        return RuleSetsInForce.inForce(at: time, among: all) ?? all.first ?? RuleSet()
    }

    func ruleSet(version: Int64) -> RuleSet? { sets.withLock { $0.first { $0.rules.version == version }?.rules } }

    func summary(version: Int64) -> RuleSetSummary? { sets.withLock { $0.first { $0.rules.version == version }?.summary } }

    /// The set that judged a record stamped with `version`, else the one in force at `time`.
    func judging(version: Int64, at time: ProtoTimestamp?) -> RuleSet {
        ruleSet(version: version) ?? inForce(at: time ?? ProtoTimestamp())
    }

    func replace(with loaded: [(RuleSet, RuleSetSummary)]) {
        sets.withLock { $0 = loaded.sorted { $0.0.version < $1.0.version }.map { (rules: $0.0, summary: $0.1) } }
    }

    /// Takes in the rule sets among committed entries.
    func apply(_ entries: [CommittedEntry]) {
        for committed in entries {
            guard case .ruleSet(let rules, let summary) = committed.entry.record else { continue }
            sets.withLock { sets in
                sets.removeAll { $0.rules.version == rules.version }
                sets.append((rules, summary))
                sets.sort { $0.rules.version < $1.rules.version }
            }
        }
    }

    /// The content fingerprint of a rule set: SHA-256 of its deterministic binary encoding.
    static func contentHash(_ rules: RuleSet) -> String { SHA256.hex(rules.serializedBytes()) }
}
