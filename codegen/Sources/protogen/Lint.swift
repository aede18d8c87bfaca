import ArgumentParser
import Foundation
import ProtoSchema

/// `protogen lint`: style and contract checks on the schema.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the schema's naming, documentation and rpc conventions.",
        discussion: """
            Prints one finding per line as `file:line:column: RULE_ID element: message`, then a count. \
            Exits 0 when clean, 1 with findings, 2 when the schema does not load. Silence a finding with \
            `// protogen:lint-ignore RULE_ID[,RULE_ID...] [reason]` at the end of the element's line or \
            in the comment block directly above it.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The schema root (a folder of .proto files).")
    var schema = "schema"

    @Option(help: "Output format: text or json.")
    var format = Format.text

    @Flag(help: "Print the rules (id and summary) and exit.")
    var listRules = false

    func run() throws {
        if listRules {
            try printRules()
            return
        }
        let loaded = try loadSchema(schema)
        let findings = Linter.lint(loaded).map { f in
            var f = f
            f.location.file = Self.join(schema, f.location.file)
            return f
        }
        switch format {
        case .text:
            for f in findings { print(f.description) }
            let files = loaded.files.filter { !Schema.isWellKnown(file: $0.path) }.count
            print("\(findings.count) \(findings.count == 1 ? "finding" : "findings") in \(files) \(files == 1 ? "file" : "files")")
        case .json:
            print(try Self.json(LintReport(count: findings.count, findings: findings)))
        }
        if !findings.isEmpty { throw ExitCode(1) }
    }

    private func printRules() throws {
        switch format {
        case .text:
            let width = Linter.rules.map(\.id.count).max() ?? 0
            for rule in Linter.rules {
                print(rule.id + String(repeating: " ", count: width - rule.id.count + 2) + rule.summary)
            }
            print("\nNon-mutating rpc name prefixes (every other rpc needs an idempotency key): "
                + Linter.nonMutatingPrefixes.joined(separator: ", "))
        case .json:
            print(try Self.json(Linter.rules))
        }
    }

    /// `schema` + `protection/v1/x.proto` -> `schema/protection/v1/x.proto`, so editors can jump.
    static func join(_ root: String, _ path: String) -> String {
        if root.isEmpty || root == "." { return path }
        return root.hasSuffix("/") ? root + path : root + "/" + path
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// `protogen lint --format json`.
private struct LintReport: Encodable {
    var count: Int
    var findings: [LintFinding]
}
