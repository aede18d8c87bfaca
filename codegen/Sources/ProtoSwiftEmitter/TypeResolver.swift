import ProtoSchema
import ProtoWire

/// Swift spellings of schema types for one generated module.
struct TypeResolver {
    let schema: Schema
    /// Messages that must store some singular fields boxed (recursive schemas):
    /// full name -> field numbers to box.
    let boxedFields: [String: Set<Int>]
    /// Oneofs whose enum needs `indirect`: message full name -> oneof names.
    let indirectOneofs: [String: Set<String>]

    /// Types of `google.protobuf` are built into ProtoWire as `Proto` + their
    /// name (`ProtoTimestamp`, `ProtoStruct`, `ProtoNullValue`).
    static func wellKnown(_ fullName: String) -> String? {
        let prefix = "google.protobuf."
        guard fullName.hasPrefix(prefix) else { return nil }
        let name = fullName.dropFirst(prefix.count)
        return name.contains(".") ? nil : "Proto" + name
    }

    /// Well-known types whose proto3 JSON is not an object of their fields:
    /// ProtoWire writes their `Codable` conformance by hand.
    static func hasOwnJSONForm(_ fullName: String) -> Bool { ProtoAny.valueFormTypes.contains(fullName) }

    init(schema: Schema) {
        self.schema = schema
        (boxedFields, indirectOneofs) = Self.findRecursion(schema)
    }

    /// The Swift type path of a message or enum (`Complaint.Evidence`).
    func swiftName(_ fullName: String) -> String {
        if let wk = Self.wellKnown(fullName) { return wk }
        let package = schema.fileOfElement[fullName].flatMap { path in schema.files.first { $0.path == path }?.package } ?? ""
        let relative = package.isEmpty ? fullName : String(fullName.dropFirst(package.count + 1))
        return relative.split(separator: ".").map { part in
            let p = String(part)
            return SwiftNaming.reservedTypes.contains(p) || SwiftNaming.keywords.contains(p) ? p + "Message" : p
        }.joined(separator: ".")
    }

    /// The last component of `swiftName`.
    func simpleName(_ fullName: String) -> String {
        String(swiftName(fullName).split(separator: ".").last!)
    }

    func swiftType(scalar: ScalarType) -> String {
        switch scalar {
        case .double: "Double"
        case .float: "Float"
        case .int64, .sfixed64, .sint64: "Int64"
        case .uint64, .fixed64: "UInt64"
        case .int32, .sfixed32, .sint32: "Int32"
        case .uint32, .fixed32: "UInt32"
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "[UInt8]"
        }
    }

    /// The Swift type of one value of `type` (not optional, not repeated).
    func valueType(_ type: FieldType) -> String {
        switch type {
        case .scalar(let s): swiftType(scalar: s)
        case .message(let n), .enumeration(let n): swiftName(n)
        case .map(let k, let v): "[\(swiftType(scalar: k)): \(valueType(v))]"
        }
    }

    /// The declared Swift type of a field's property.
    func propertyType(_ f: FieldDescriptor) -> String {
        if f.isMap { return valueType(f.type) }
        let v = valueType(f.type)
        switch f.label {
        case .repeated: return "[\(v)]"
        case .optional: return v + "?"
        case .implicit:
            if case .message = f.type { return v + "?" }
            return v
        }
    }

    /// The default value expression for an implicit-presence property.
    func defaultValue(_ f: FieldDescriptor) -> String {
        if f.isMap { return "[:]" }
        switch f.label {
        case .repeated: return "[]"
        case .optional: return "nil"
        case .implicit: break
        }
        switch f.type {
        case .scalar(let s):
            switch s {
            case .bool: return "false"
            case .string: return "\"\""
            case .bytes: return "[]"
            default: return "0"
            }
        case .enumeration(let name):
            guard let e = schema.enums[name], let zero = EnumEmitter.cases(e).caseOfNumber[0] else { return ".init(rawValue: 0)" }
            return "." + zero
        case .message: return "nil"
        case .map: return "[:]"
        }
    }

    // MARK: Recursion

    /// Finds singular message fields that close a cycle of singular message
    /// fields (including oneof members): those need boxing, and oneofs with
    /// such members need `indirect`. Repeated fields and maps are heap storage already.
    static func findRecursion(_ schema: Schema) -> ([String: Set<Int>], [String: Set<String>]) {
        // Edges through singular (inline) message storage.
        var edges: [String: [(Int, String)]] = [:]
        for (name, m) in schema.messages {
            for f in m.fields where f.label != .repeated {
                if case .message(let t) = f.type, wellKnown(t) == nil { edges[name, default: []].append((f.number, t)) }
            }
        }
        func reaches(_ from: String, _ target: String) -> Bool {
            var seen: Set<String> = []
            var stack = [from]
            while let n = stack.popLast() {
                if n == target { return true }
                guard seen.insert(n).inserted else { continue }
                stack += (edges[n] ?? []).map(\.1)
            }
            return false
        }
        var boxed: [String: Set<Int>] = [:]
        var indirect: [String: Set<String>] = [:]
        for (name, list) in edges {
            let m = schema.messages[name]!
            for (number, target) in list where reaches(target, name) {
                let field = m.field(number: number)!
                if let oi = field.oneofIndex {
                    indirect[name, default: []].insert(m.oneofs[oi].name)
                } else {
                    boxed[name, default: []].insert(number)
                }
            }
        }
        return (boxed, indirect)
    }
}
