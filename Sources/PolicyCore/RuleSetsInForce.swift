import ProtectionMessages
import ProtoWire

/// Which rule set judges an event: the highest version whose effective time is
/// at or before the event. A case is judged by the rules in force when it
/// happened, whatever is in force when it is decided.
public enum RuleSetsInForce {
    public static func inForce(at time: ProtoTimestamp, among ruleSets: [RuleSet]) -> RuleSet? {
        ruleSets
            .filter { ($0.effectiveAt.map { !isAfter($0, time, plus: ProtoDuration()) }) ?? false }
            .max { $0.version < $1.version }
    }
}

extension CaseConsequences {
    /// The order check for every store of a cart; allowed only if every store is.
    public static func checkCart(merchantIDs: [String], sanctions: [Sanction], now: ProtoTimestamp) -> CheckCartAllowedResponse {
        var response = CheckCartAllowedResponse()
        response.checks = merchantIDs.map { checkOrder(merchantID: $0, sanctions: sanctions, now: now) }
        response.allAllowed = response.checks.allSatisfy(\.allowed)
        return response
    }
}
