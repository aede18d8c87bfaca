import ProtoSchema

extension RemoteSchema {
    /// A service, method, message or enum of the schema as proto text with its
    /// comments (names may be full or short); nil when there is none of that name.
    public func describe(_ name: String) -> String? {
        func find<T>(_ table: [String: T]) -> T? {
            table[name] ?? table.first { $0.key.hasSuffix("." + name) }?.value
        }
        if let service = find(schema.services) {
            var lines = Self.comment(service.comments.leading, indent: "") + ["service \(service.fullName) {"]
            for method in service.methods {
                lines += Self.comment(method.comments.leading, indent: "  ")
                let input = (method.clientStreaming ? "stream " : "") + method.inputType
                let output = (method.serverStreaming ? "stream " : "") + method.outputType
                lines.append("  rpc \(method.name)(\(input)) returns (\(output));")
            }
            return (lines + ["}"]).joined(separator: "\n")
        }
        if name.contains("/"), let method = try? self.method(named: name) {
            return [
                "rpc \(method.fullyQualifiedName) (\(method.kind.rawValue))",
                "request:",
                describe(method.requestType) ?? method.requestType,
                "response:",
                describe(method.responseType) ?? method.responseType,
            ].joined(separator: "\n")
        }
        if let message = find(schema.messages) {
            var lines = Self.comment(message.comments.leading, indent: "") + ["message \(message.fullName) {"]
            for field in message.fields {
                lines += Self.comment(field.comments.leading, indent: "  ")
                let label = field.label == .repeated && !field.isMap ? "repeated " : (field.label == .optional ? "optional " : "")
                lines.append("  \(label)\(Self.typeName(field.type)) \(field.name) = \(field.number);  // JSON: \(field.jsonName)")
            }
            return (lines + ["}"]).joined(separator: "\n")
        }
        if let enumeration = find(schema.enums) {
            var lines = Self.comment(enumeration.comments.leading, indent: "") + ["enum \(enumeration.fullName) {"]
            for value in enumeration.values {
                lines += Self.comment(value.comments.leading, indent: "  ")
                lines.append("  \(value.name) = \(value.number);")
            }
            return (lines + ["}"]).joined(separator: "\n")
        }
        return nil
    }

    private static func comment(_ text: String, indent: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(indent)// \($0)" }
    }

    private static func typeName(_ type: FieldType) -> String {
        switch type {
        case .scalar(let scalar): scalar.rawValue
        case .message(let name), .enumeration(let name): name
        case .map(let key, let value): "map<\(key.rawValue), \(typeName(value))>"
        }
    }
}
