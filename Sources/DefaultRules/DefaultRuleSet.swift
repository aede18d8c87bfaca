import Foundation
import ProtectionMessages

/// The rule set shipped with the service: `Resources/default-rule-set.json`, read
/// through the generated `Codable` conformance (proto3 JSON). Reading it is the
/// server's job; the policy core only ever receives the decoded `RuleSet`.
public enum DefaultRuleSet {
    /// Reads and decodes the shipped default. Throws if the file is missing or is
    /// not a valid `RuleSet` in proto3 JSON (a build problem, never a runtime one).
    public static func load() throws -> RuleSet {
        guard let url = Bundle.module.url(forResource: "default-rule-set", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try decode(json: try Data(contentsOf: url))
    }

    /// Decodes a rule set from proto3 JSON (the published form of every rule set).
    public static func decode(json: Data) throws -> RuleSet {
        try JSONDecoder().decode(RuleSet.self, from: json)
    }
}
