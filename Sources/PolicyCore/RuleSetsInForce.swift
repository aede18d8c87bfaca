import ProtectionMessages
import ProtoWire

/// Which rule set judges an event: the highest version whose effective time is
/// at or before the event. A case is judged by the rules in force when it
/// happened, whatever is in force when it is decided.
public enum RuleSetsInForce {
    public static func inForce(at time: ProtoTimestamp, among ruleSets: [RuleSet]) -> RuleSet? {
        ruleSets
            .filter { ($0.effectiveAt.map { $0 <= time }) ?? false }
            .max { $0.version < $1.version }
    }
}
