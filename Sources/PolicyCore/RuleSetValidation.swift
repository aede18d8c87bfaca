import ProtectionMessages
import ProtoWire

/// Checks a rule set before it may be published or used: every problem is listed
/// at once, each with the path of the field it concerns ("tiers[1].min_score_milli").
/// A rule set with an error is refused; warnings are shown to the admin.
public enum RuleSetValidation {
    /// Every problem of `ruleSet`; empty when it is valid.
    public static func problems(in ruleSet: RuleSet) -> [RuleSetProblem] {
        var check = Checker(currency: ruleSet.currency)
        check.header(ruleSet)
        check.rollout(ruleSet.rollout)
        check.tiers(ruleSet.tiers)
        check.complaintTypes(ruleSet.complaintTypes)
        check.clocks(ruleSet.clocks)
        check.sanctions(ruleSet.sanctions)
        check.returnRisk(ruleSet.returnRisk)
        check.insurance(ruleSet.insurance)
        check.priceErrors(ruleSet.priceErrors)
        check.experienceScore(ruleSet.experienceScore)
        check.disputes(ruleSet.disputes)
        check.guardrails(ruleSet.guardrails)
        return check.problems
    }

    /// Whether `ruleSet` has no error (warnings allowed).
    public static func isValid(_ ruleSet: RuleSet) -> Bool {
        !problems(in: ruleSet).contains { $0.severity == .error }
    }
}

/// Collects problems while walking a rule set.
struct Checker {
    let currency: String
    var problems: [RuleSetProblem] = []

    mutating func error(_ path: String, _ message: String) { add(path, .error, message) }
    mutating func warning(_ path: String, _ message: String) { add(path, .warning, message) }

    private mutating func add(_ path: String, _ severity: ProblemSeverity, _ message: String) {
        var problem = RuleSetProblem()
        problem.fieldPath = path
        problem.severity = severity
        problem.message = message
        problems.append(problem)
    }

    /// `section` must be present; returns it.
    mutating func required<T>(_ value: T?, _ path: String) -> T? {
        if value == nil { error(path, "is missing") }
        return value
    }

    /// A duration that must be set and positive.
    mutating func positive(_ duration: ProtoDuration?, _ path: String) {
        guard let duration else { return error(path, "is missing") }
        if duration.seconds < 0 || duration.nanos < 0 {
            error(path, "is negative (\(duration.seconds) s)")
        } else if duration.seconds == 0 && duration.nanos == 0 {
            error(path, "is zero")
        }
    }

    /// An integer in `range`.
    mutating func inRange<T: BinaryInteger>(_ value: T, _ range: ClosedRange<T>, _ path: String) {
        if !range.contains(value) { error(path, "is \(value), outside \(range.lowerBound)...\(range.upperBound)") }
    }

    /// An amount that must be set, not negative, and in the rule set's currency.
    mutating func money(_ amount: Money?, _ path: String) {
        guard let amount else { return error(path, "is missing") }
        if amount.amountMinor < 0 { error(path + ".amount_minor", "is negative (\(amount.amountMinor))") }
        if amount.currency != currency {
            error(path + ".currency", "is '\(amount.currency)', not the rule set's '\(currency)'")
        }
    }

    /// Values that must be known (not unspecified, not unrecognized) and distinct.
    mutating func knownDistinct<E: ProtoEnum & Hashable>(_ values: [E], _ path: String, allowEmpty: Bool = false) {
        if values.isEmpty && !allowEmpty { error(path, "is empty") }
        var seen: Set<E> = []
        for (index, value) in values.enumerated() {
            if !Self.isKnown(value) { error("\(path)[\(index)]", "is not a known value (\(value.rawValue))") }
            if !seen.insert(value).inserted { error("\(path)[\(index)]", "repeats \(value)") }
        }
    }

    /// Whether an enum value is one the schema names, other than the zero value.
    static func isKnown<E: ProtoEnum>(_ value: E) -> Bool {
        value.rawValue != 0 && E.allCases.contains { $0.rawValue == value.rawValue }
    }

    /// Ids that must be non-empty and unique within `seen`.
    mutating func ruleID(_ id: String, _ path: String, seen: inout Set<String>) {
        if id.isEmpty {
            error(path, "is empty")
        } else if !seen.insert(id).inserted {
            error(path, "repeats the id '\(id)'")
        }
    }
}
