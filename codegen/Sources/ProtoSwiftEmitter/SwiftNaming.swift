import ProtoSchema

/// How protobuf names become Swift names.
enum SwiftNaming {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
        "super", "throws", "true", "try", "some", "any",
    ]

    /// Names a generated message must not use for its properties.
    static let reservedProperties: Set<String> = ["unknownFields", "protoMessageName", "hashValue"]
    /// Type names that would shadow what generated code relies on.
    static let reservedTypes: Set<String> = [
        "String", "Int32", "Int64", "UInt32", "UInt64", "Bool", "Double", "Float", "Array", "Dictionary",
        "Optional", "Type", "Protocol", "Error", "Decoder", "Encoder", "ProtoJSON", "WireReader", "WireWriter",
    ]

    static func escaped(_ name: String) -> String { keywords.contains(name) ? "`\(name)`" : name }

    /// `foo_bar_baz` -> `fooBarBaz`.
    static func lowerCamel(_ snake: String) -> String {
        var out = ""
        var upperNext = false
        for ch in snake {
            if ch == "_" {
                upperNext = !out.isEmpty
                continue
            }
            out += upperNext ? ch.uppercased() : String(ch)
            upperNext = false
        }
        return out
    }

    /// `FAKE_RETURN` -> `fakeReturn`.
    static func lowerCamelFromUpper(_ upper: String) -> String {
        lowerCamel(upper.lowercased())
    }

    /// `ComplaintType` -> `COMPLAINT_TYPE_`.
    static func enumPrefix(_ enumName: String) -> String {
        var out = ""
        for (i, ch) in enumName.enumerated() {
            if ch.isUppercase && i > 0 { out += "_" }
            out += ch.uppercased()
        }
        return out + "_"
    }

    /// The Swift property for a field.
    static func property(_ field: FieldDescriptor) -> String {
        var n = lowerCamel(field.name)
        if n.isEmpty { n = "field\(field.number)" }
        if reservedProperties.contains(n) { n += "_p" }
        return n
    }

    /// The Swift case for an enum value (`COMPLAINT_TYPE_FAKE_RETURN` -> `fakeReturn`).
    static func enumCase(_ value: String, enumName: String) -> String {
        let prefix = enumPrefix(enumName)
        var stripped = value.hasPrefix(prefix) && value.count > prefix.count ? String(value.dropFirst(prefix.count)) : value
        if stripped.first?.isNumber == true { stripped = "_" + stripped }
        var n = lowerCamelFromUpper(stripped)
        if stripped.hasPrefix("_") { n = "_" + n }
        if n == "unrecognized" || n == "allCases" || n == "rawValue" || n == "protoName" { n += "_" }
        return n
    }

    /// `oneof payload` -> `Payload` (the enum type of a oneof).
    static func oneofType(_ name: String) -> String {
        let c = lowerCamel(name)
        var t = (c.first.map { String($0).uppercased() } ?? "") + c.dropFirst()
        if reservedTypes.contains(t) { t = "OneOf_" + t }
        return t
    }
}
