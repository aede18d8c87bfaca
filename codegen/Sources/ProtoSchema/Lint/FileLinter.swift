/// Runs every rule on one file and collects the findings (before
/// `lint-ignore` directives apply).
struct FileLinter {
    let schema: Schema
    let file: ProtoFile
    let rpcUsage: RPCMessageUsage
    /// The file's messages, each followed by the messages nested in it.
    let messages: [MessageDescriptor]
    /// The file's enums, top-level and nested.
    let enums: [EnumDescriptor]
    let services: [ServiceDescriptor]
    private(set) var findings: [LintFinding] = []

    init(schema: Schema, file: ProtoFile, rpcUsage: RPCMessageUsage) {
        self.schema = schema
        self.file = file
        self.rpcUsage = rpcUsage
        var messages: [MessageDescriptor] = []
        var enums: [EnumDescriptor] = file.enums.compactMap { schema.enums[$0] }
        func visit(_ name: String) {
            guard let m = schema.messages[name] else { return }
            messages.append(m)
            enums += m.nestedEnums.compactMap { schema.enums[$0] }
            m.nestedMessages.forEach(visit)
        }
        file.messages.forEach(visit)
        self.messages = messages
        self.enums = enums
        self.services = file.services.compactMap { schema.services[$0] }
    }

    mutating func run() -> [LintFinding] {
        checkPackage()
        checkImports()
        checkNames()
        checkComments()
        checkFields()
        checkServices()
        return findings
    }

    mutating func report(_ rule: LintRule, _ location: SourceLocation, _ element: String, _ message: String) {
        findings.append(LintFinding(ruleID: rule.id, location: location, element: element, message: message))
    }

    // MARK: - Element names

    static func name(of field: FieldDescriptor, in message: MessageDescriptor) -> String {
        message.fullName + "." + field.name
    }

    static func name(of oneof: OneofDescriptor, in message: MessageDescriptor) -> String {
        message.fullName + "." + oneof.name
    }

    /// `protection.v1.ComplaintType.COMPLAINT_TYPE_FAKE_RETURN`
    static func name(of value: EnumValueDescriptor, in e: EnumDescriptor) -> String { e.fullName + "." + value.name }

    static func name(of method: MethodDescriptor, in service: ServiceDescriptor) -> String {
        service.fullName + "." + method.name
    }

    // MARK: - Fields

    /// NO_PROTO3_OPTIONAL.
    mutating func checkFields() {
        for m in messages {
            for f in m.fields where f.label == .optional {
                report(
                    .noProto3Optional, f.location, Self.name(of: f, in: m),
                    "proto3 `optional` is refused by protobuf-c 1.4.1; use a message type or a one-member oneof for presence")
            }
        }
    }

    // MARK: - Comments

    /// COMMENT_REQUIRED: a leading comment that says something besides a lint-ignore directive.
    mutating func checkComments() {
        for m in messages {
            requireComment(m.comments, "message", m.location, m.fullName)
            for o in m.oneofs { requireComment(o.comments, "oneof", o.location, Self.name(of: o, in: m)) }
            for f in m.fields { requireComment(f.comments, "field", f.location, Self.name(of: f, in: m)) }
        }
        for e in enums {
            requireComment(e.comments, "enum", e.location, e.fullName)
            for v in e.values { requireComment(v.comments, "enum value", v.location, Self.name(of: v, in: e)) }
        }
        for s in services {
            requireComment(s.comments, "service", s.location, s.fullName)
            for m in s.methods { requireComment(m.comments, "rpc", m.location, Self.name(of: m, in: s)) }
        }
    }

    private mutating func requireComment(_ comments: Comments, _ kind: String, _ location: SourceLocation, _ element: String) {
        guard LintIgnoreDirectives.documentation(comments.leading).isEmpty else { return }
        let onlyDirective = !comments.leading.allSatisfy(\.isWhitespace)
        report(
            .commentRequired, location, element,
            onlyDirective
                ? "\(kind) has no leading comment besides a lint-ignore directive; say what it is"
                : "\(kind) has no leading comment; document it on the line(s) directly above")
    }
}
