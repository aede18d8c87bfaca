import ProtectionMessages
import ProtoWire

/// Builds the white-box explanation every decision carries: the rule-set version,
/// each rule evaluated (fired or not) with the facts it read, and a summary.
public struct ExplanationBuilder: Sendable {
    private var explanation = Explanation()

    /// An explanation of a decision judged by `ruleSet`, evaluated at `now`.
    public init(ruleSet: RuleSet, now: ProtoTimestamp) {
        explanation.ruleSetVersion = ruleSet.version
        explanation.ruleSetEffectiveAt = ruleSet.effectiveAt
        explanation.evaluatedAt = now
    }

    /// Records that rule `ruleID` was evaluated.
    public mutating func hit(_ ruleID: String, fired: Bool, facts: [FactUsed] = [], sentence: String) {
        var hit = RuleHit()
        hit.ruleId = ruleID
        hit.fired = fired
        hit.facts = facts
        hit.sentence = sentence
        explanation.hits.append(hit)
    }

    /// Marks that a draft rule took part.
    public mutating func usesDraftRules() { explanation.usesDraftRules = true }

    /// The sentence of the first rule recorded, for one-rule explanations.
    public var firstSentence: String { explanation.hits.first?.sentence ?? "" }

    /// The ids of the rules that fired so far.
    public var firedRuleIDs: [String] { explanation.hits.filter(\.fired).map(\.ruleId) }

    /// The finished explanation with its one-paragraph summary.
    public func finish(summary: String) -> Explanation {
        var done = explanation
        done.summary = summary
        return done
    }
}

/// Facts as explanations record them.
public enum UsedFact {
    public static func int(_ name: String, _ value: some BinaryInteger, unit: FactUnit, source: String = "") -> FactUsed {
        make(name, source, .intValue(Int64(value)), unit: unit)
    }

    public static func string(_ name: String, _ value: String, source: String = "") -> FactUsed {
        make(name, source, .stringValue(value))
    }

    public static func bool(_ name: String, _ value: Bool, source: String = "") -> FactUsed {
        make(name, source, .boolValue(value))
    }

    public static func money(_ name: String, _ value: Money, source: String = "") -> FactUsed {
        make(name, source, .moneyValue(value))
    }

    public static func time(_ name: String, _ value: ProtoTimestamp, source: String = "") -> FactUsed {
        make(name, source, .timeValue(value))
    }

    public static func duration(_ name: String, _ value: ProtoDuration, source: String = "") -> FactUsed {
        make(name, source, .durationValue(value))
    }

    private static func make(_ name: String, _ source: String, _ value: FactUsed.Value, unit: FactUnit = .unspecified) -> FactUsed {
        var fact = FactUsed()
        fact.name = name
        fact.sourceRef = source
        fact.unit = unit
        fact.value = value
        return fact
    }
}
