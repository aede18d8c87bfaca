/// What the Markdown and HTML renderers share: which files and elements are
/// documented and in which order, the anchor of every element, the page each
/// file gets, how a type reference is named, and the notes on well-known types.
struct DocsIndex {
    /// One documented element of a file, in page order.
    enum Element {
        case service(ServiceDescriptor)
        case message(MessageDescriptor)
        case enumeration(EnumDescriptor)
    }

    /// An entry of the A–Z list of types.
    struct TypeEntry {
        var fullName: String
        var displayName: String
        var kind: String
        var file: String
    }

    let schema: Schema
    /// The documented files (not the well-known ones), sorted by path.
    let files: [ProtoFile]
    /// Every service of the documented files, in file then declaration order.
    let services: [ServiceDescriptor]
    /// Package names of the documented files, sorted.
    let packages: [String]

    init(schema: Schema) {
        self.schema = schema
        files = schema.files.filter { !Schema.isWellKnown(file: $0.path) }.sorted { $0.path < $1.path }
        services = files.flatMap { $0.services.compactMap { schema.services[$0] } }
        packages = Set(files.map(\.package)).sorted()
    }

    // MARK: - Elements

    /// Top-level messages of `file` followed by their nested types, depth first:
    /// a message, then its nested enums, then its nested messages.
    func messageSection(of file: ProtoFile) -> [Element] {
        var out: [Element] = []
        func visit(_ name: String) {
            guard let m = schema.messages[name] else { return }
            out.append(.message(m))
            for e in m.nestedEnums { if let d = schema.enums[e] { out.append(.enumeration(d)) } }
            m.nestedMessages.forEach(visit)
        }
        file.messages.forEach(visit)
        return out
    }

    func enumSection(of file: ProtoFile) -> [EnumDescriptor] { file.enums.compactMap { schema.enums[$0] } }

    func serviceSection(of file: ProtoFile) -> [ServiceDescriptor] { file.services.compactMap { schema.services[$0] } }

    /// Every message and enum declared in `file` (nested ones included), in page order.
    func types(of file: ProtoFile) -> [TypeEntry] {
        var out: [TypeEntry] = []
        for element in messageSection(of: file) {
            switch element {
            case .message(let m): out.append(entry(m.fullName, kind: "message", file: file))
            case .enumeration(let e): out.append(entry(e.fullName, kind: "enum", file: file))
            case .service: break
            }
        }
        for e in enumSection(of: file) { out.append(entry(e.fullName, kind: "enum", file: file)) }
        return out
    }

    /// Every message and enum of the documented files, A–Z by display name.
    var allTypes: [TypeEntry] {
        files.flatMap(types(of:)).sorted {
            let a = $0.displayName.lowercased(), b = $1.displayName.lowercased()
            return a != b ? a < b : $0.fullName < $1.fullName
        }
    }

    private func entry(_ fullName: String, kind: String, file: ProtoFile) -> TypeEntry {
        TypeEntry(fullName: fullName, displayName: displayName(fullName), kind: kind, file: file.path)
    }

    // MARK: - Names and anchors

    /// The anchor of an element: its full name with `.` turned into `-`
    /// (`protection.v1.Complaint.Evidence` → `protection-v1-Complaint-Evidence`).
    /// Fields, rpcs and enum values append their name to their parent's full name.
    /// Proto scoping makes these unique, and they need no escaping in HTML or URLs.
    static func anchor(_ fullName: String) -> String {
        fullName.replacingOccurrences(of: ".", with: "-")
    }

    /// The anchor of a file's section in the HTML page.
    static func fileAnchor(_ path: String) -> String {
        "file-" + path.map { $0 == "/" || $0 == "." ? "-" : $0 }.map(String.init).joined()
    }

    /// The Markdown page of a file: its path with `/` turned into `.` and
    /// `.proto` into `.md` (`protection/v1/integrity.proto` → `protection.v1.integrity.md`).
    static func pageName(_ path: String) -> String {
        var base = path.hasSuffix(".proto") ? String(path.dropLast(6)) : path
        base = base.replacingOccurrences(of: "/", with: ".")
        let name = base + ".md"
        return name.lowercased() == "readme.md" ? base + ".proto.md" : name
    }

    /// The name a reader sees: relative to the package when it is one of the
    /// documented packages (`Complaint.Evidence`), the full name otherwise.
    func displayName(_ fullName: String) -> String {
        guard let file = schema.fileOfElement[fullName], !Schema.isWellKnown(file: file),
            let package = schema.files.first(where: { $0.path == file })?.package, !package.isEmpty,
            fullName.hasPrefix(package + ".")
        else { return fullName }
        return String(fullName.dropFirst(package.count + 1))
    }

    /// The documented file declaring `fullName`, or nil for well-known or unknown types.
    func documentedFile(of fullName: String) -> String? {
        guard let file = schema.fileOfElement[fullName], !Schema.isWellKnown(file: file) else { return nil }
        return file
    }

    /// The message declaring a nested message or enum, when it is nested.
    func parentMessage(of fullName: String) -> MessageDescriptor? {
        guard let dot = fullName.lastIndex(of: ".") else { return nil }
        let parent = schema.messages[String(fullName[..<dot])]
        guard let parent, parent.nestedMessages.contains(fullName) || parent.nestedEnums.contains(fullName) else {
            return nil
        }
        return parent
    }

    static func isFileDeprecated(_ file: ProtoFile) -> Bool {
        file.options.contains { $0.name == "deprecated" && $0.value == "true" }
    }

    // MARK: - RPCs

    static func streamingKind(_ m: MethodDescriptor) -> String {
        switch (m.clientStreaming, m.serverStreaming) {
        case (false, false): "unary"
        case (false, true): "server streaming"
        case (true, false): "client streaming"
        case (true, true): "bidirectional streaming"
        }
    }

    static func rpcPath(_ service: ServiceDescriptor, _ m: MethodDescriptor) -> String {
        "/\(service.fullName)/\(m.name)"
    }

    // MARK: - Well-known types

    /// Well-known types referenced by the given fields, sorted.
    func wellKnownTypes(in messages: [MessageDescriptor]) -> [String] {
        var found: Set<String> = []
        func add(_ t: FieldType) {
            switch t {
            case .scalar: break
            case .message(let n), .enumeration(let n): if isWellKnown(n) { found.insert(n) }
            case .map(_, let v): add(v)
            }
        }
        for m in messages { for f in m.fields { add(f.type) } }
        return found.sorted()
    }

    func isWellKnown(_ fullName: String) -> Bool {
        if let file = schema.fileOfElement[fullName] { return Schema.isWellKnown(file: file) }
        return fullName.hasPrefix("google.protobuf.")
    }

    static func wellKnownNote(_ fullName: String) -> String {
        let wrappers: [String: String] = [
            "DoubleValue": "double", "FloatValue": "float", "Int64Value": "int64", "UInt64Value": "uint64",
            "Int32Value": "int32", "UInt32Value": "uint32", "BoolValue": "bool", "StringValue": "string",
            "BytesValue": "bytes",
        ]
        let short = fullName.hasPrefix("google.protobuf.") ? String(fullName.dropFirst(16)) : fullName
        if let scalar = wrappers[short] {
            return "A protobuf well-known type: a `\(scalar)` that can be unset. JSON: the value itself, or null."
        }
        switch short {
        case "Timestamp":
            return "A protobuf well-known type: a point in time in UTC with nanosecond precision. "
                + "JSON: an RFC 3339 string such as `\"2024-05-01T08:30:00Z\"`."
        case "Duration":
            return "A protobuf well-known type: a signed span of time in seconds and nanoseconds. "
                + "JSON: decimal seconds with an `s` suffix, such as `\"90s\"` or `\"1.5s\"`."
        case "Empty": return "A protobuf well-known type with no fields. JSON: `{}`."
        case "Any": return "A protobuf well-known type: any message with its type URL. JSON: an object with `@type`."
        case "Struct": return "A protobuf well-known type: a JSON object."
        case "Value": return "A protobuf well-known type: any JSON value."
        case "ListValue": return "A protobuf well-known type: a JSON array."
        case "NullValue": return "A protobuf well-known type: the JSON `null`."
        case "FieldMask": return "A protobuf well-known type: a set of field paths. JSON: a comma-separated string."
        default: return "A protobuf well-known type."
        }
    }
}

extension Comments {
    /// Leading and trailing comment as one text (paragraphs apart), as the docs show it.
    var docsText: String {
        [leading, trailing].filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}

extension MethodDescriptor {
    /// The rpc's comment as the docs show it: without its `Roles:` line, which the
    /// docs show on its own (``rolesText``).
    var docsText: String {
        let leading = comments.leading.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.drop { $0 == " " }.hasPrefix(RoleDeclaration.marker) }.joined(separator: "\n")
        return Comments(leading: leading, trailing: comments.trailing).docsText
    }

    /// Who may call the rpc, in words: "merchant (own records), reviewer".
    var rolesText: String {
        switch roleDeclaration {
        case .undeclared: "none declared: no one may call it"
        case .invalid(let why): "unreadable declaration (\(why)): no one may call it"
        case .declared(let d): d.grants.map { $0.ownRecordsOnly ? "\($0.role) (own records)" : $0.role }.joined(separator: ", ")
        }
    }
}

extension DocsIndex {
    /// "Reserved numbers: 2, 9 to 11. Reserved names: `foo`." with names set by `code`.
    static func reservedText(ranges: [ReservedRange], names: [String], code: (String) -> String) -> String {
        var parts: [String] = []
        if !ranges.isEmpty {
            parts.append(
                "Reserved numbers: "
                    + ranges.map { $0.lower == $0.upper ? "\($0.lower)" : "\($0.lower) to \($0.upper)" }
                    .joined(separator: ", ") + ".")
        }
        if !names.isEmpty { parts.append("Reserved names: " + names.map(code).joined(separator: ", ") + ".") }
        return parts.joined(separator: " ")
    }
}
