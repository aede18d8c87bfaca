/// The naming rules: PascalCase types, services and rpcs; lower_snake_case
/// fields and oneofs; UPPER_SNAKE_CASE enum values with the enum's prefix and
/// an `_UNSPECIFIED` zero value.
extension FileLinter {
    mutating func checkNames() {
        for m in messages {
            pascalCase(.messagePascalCase, "message", m.name, m.location, m.fullName)
            for o in m.oneofs { snakeCase("oneof", o.name, o.location, Self.name(of: o, in: m)) }
            for f in m.fields { snakeCase("field", f.name, f.location, Self.name(of: f, in: m)) }
        }
        for e in enums {
            pascalCase(.enumPascalCase, "enum", e.name, e.location, e.fullName)
            checkValues(of: e)
        }
        for s in services {
            pascalCase(.servicePascalCase, "service", s.name, s.location, s.fullName)
            for m in s.methods { pascalCase(.rpcPascalCase, "rpc", m.name, m.location, Self.name(of: m, in: s)) }
        }
    }

    /// The prefix every value of `e` starts with: `ComplaintType` -> `COMPLAINT_TYPE_`.
    static func valuePrefix(of e: EnumDescriptor) -> String { LintNaming.upperSnakeCase(e.name) + "_" }

    private mutating func checkValues(of e: EnumDescriptor) {
        let prefix = Self.valuePrefix(of: e)
        for v in e.values {
            let element = Self.name(of: v, in: e)
            if !LintNaming.isUpperSnakeCase(v.name) {
                report(
                    .enumValueUpperSnake, v.location, element,
                    "enum value \"\(v.name)\" is not UPPER_SNAKE_CASE (e.g. \"\(LintNaming.upperSnakeCase(v.name))\")")
            }
            if !(v.name.hasPrefix(prefix) && v.name.count > prefix.count) {
                report(
                    .enumValuePrefix, v.location, element,
                    "enum value \"\(v.name)\" does not start with \"\(prefix)\", the name of enum \(e.name) in UPPER_SNAKE_CASE")
            }
        }
        let expected = prefix + "UNSPECIFIED"
        if let zero = e.value(number: 0), zero.name != expected {
            report(
                .enumZeroValueUnspecified, zero.location, Self.name(of: zero, in: e),
                "the zero value of \(e.name) is \"\(zero.name)\"; name it \"\(expected)\"")
        }
    }

    private mutating func pascalCase(
        _ rule: LintRule, _ kind: String, _ name: String, _ location: SourceLocation, _ element: String
    ) {
        guard !LintNaming.isPascalCase(name) else { return }
        report(rule, location, element, "\(kind) name \"\(name)\" is not PascalCase (e.g. \"\(LintNaming.pascalCase(name))\")")
    }

    private mutating func snakeCase(_ kind: String, _ name: String, _ location: SourceLocation, _ element: String) {
        guard !LintNaming.isLowerSnakeCase(name) else { return }
        report(
            .fieldSnakeCase, location, element,
            "\(kind) name \"\(name)\" is not lower_snake_case (e.g. \"\(LintNaming.lowerSnakeCase(name))\")")
    }
}
