/// Style and contract checks on a linked schema, beyond what the parser
/// enforces: naming, documentation, request/response conventions,
/// idempotency keys, the `optional` keyword, unused imports and packages.
///
/// Well-known files (`google/protobuf/...`) are never linted. A finding is
/// silenced by `// protogen:lint-ignore RULE_ID[,RULE_ID...] [reason]` at the
/// end of the element's line or in the comment block directly above it.
public enum Linter {
    /// Every rule, in the order `protogen lint --list-rules` prints them.
    public static let rules: [LintRule] = [
        .messagePascalCase,
        .enumPascalCase,
        .servicePascalCase,
        .rpcPascalCase,
        .fieldSnakeCase,
        .enumValueUpperSnake,
        .enumValuePrefix,
        .enumZeroValueUnspecified,
        .commentRequired,
        .rpcRequestResponseNames,
        .rpcRequestResponseUnique,
        .idempotencyKeyRequired,
        .rpcRolesDeclared,
        .noProto3Optional,
        .importUnused,
        .packageRequired,
        .packageVersionSuffix,
        .lintIgnoreUnknownRule,
    ]

    /// The rule with `id`, if there is one.
    public static func rule(id: String) -> LintRule? { rules.first { $0.id == id } }

    /// The name prefixes of the rpcs that change nothing. An rpc is
    /// non-mutating exactly when its name starts with one of these as a whole
    /// PascalCase word (`GetComplaint`, `List`, `CheckOrderAllowed`; not
    /// `Checkout` or `Listen`); every other rpc is mutating and its request
    /// carries a `string idempotency_key`.
    public static let nonMutatingPrefixes: [String] = [
        "Get", "List", "Check", "Assess", "Watch", "Explain", "Quote", "Validate", "Simulate", "Adjudicate", "Describe",
    ]

    /// True when the rpc named `rpcName` changes state (see `nonMutatingPrefixes`).
    public static func isMutating(rpcName: String) -> Bool {
        !nonMutatingPrefixes.contains { prefix in
            guard rpcName.hasPrefix(prefix) else { return false }
            guard let next = rpcName.dropFirst(prefix.count).unicodeScalars.first else { return true }
            return ("A"..."Z").contains(next) || ("0"..."9").contains(next)
        }
    }

    /// Every finding in the schema's own files, sorted by file, line, column and rule.
    public static func lint(_ schema: Schema) -> [LintFinding] {
        let known = Set(rules.map(\.id))
        let usage = RPCMessageUsage(schema)
        var findings: [LintFinding] = []
        for file in schema.files where !Schema.isWellKnown(file: file.path) {
            let directives = LintIgnoreDirectives(file: file.path, source: file.source)
            var linter = FileLinter(schema: schema, file: file, rpcUsage: usage)
            findings += linter.run().filter { !directives.silences($0.ruleID, line: $0.location.line) }
            findings += directives.unknownRuleFindings(known: known)
        }
        return findings.sorted(by: LintFinding.areInReportOrder)
    }
}
