/// The model of a parsed, linked proto3 schema. Everything `protogen`, the
/// dynamic codec, lint, breaking-change checks and docs need lives here.
/// Type references are fully qualified without a leading dot
/// (`protection.v1.Money`, `google.protobuf.Timestamp`).

/// Where an element was declared (1-based line and column).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// The 15 scalar types of proto3.
public enum ScalarType: String, Hashable, Sendable, CaseIterable {
    case double, float, int64, uint64, int32, fixed64, fixed32, bool, string, bytes
    case uint32, sfixed32, sfixed64, sint32, sint64

    /// The wire type a single value uses.
    public var wireType: UInt8 {
        switch self {
        case .double, .fixed64, .sfixed64: 1
        case .float, .fixed32, .sfixed32: 5
        case .string, .bytes: 2
        default: 0
        }
    }

    /// True for types that may be packed (all but string and bytes).
    public var isPackable: Bool { self != .string && self != .bytes }

    /// True for types allowed as map keys (integral, bool, string).
    public var isValidMapKey: Bool { !(self == .double || self == .float || self == .bytes) }
}

/// The type of a field's value.
public indirect enum FieldType: Hashable, Sendable {
    case scalar(ScalarType)
    /// A message, by full name.
    case message(String)
    /// An enum, by full name.
    case enumeration(String)
    /// `map<key, value>`; the value is never itself a map.
    case map(key: ScalarType, value: FieldType)
}

/// proto3 field cardinality. Map fields have `.repeated`.
public enum FieldLabel: Hashable, Sendable {
    /// A proto3 singular field: no presence for scalars, presence for messages.
    case implicit
    /// A proto3 `optional` field: explicit presence.
    case optional
    case repeated
}

/// An option as written (`[deprecated = true]`, `option java_package = "x";`).
public struct OptionValue: Hashable, Sendable {
    public var name: String
    /// The value's source text, unquoted for strings (`true`, `42`, `x`, `FOO`).
    public var value: String
    public var location: SourceLocation
    public init(name: String, value: String, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// Comments attached to an element: the block directly above it and a
/// trailing comment on the same line. Markers (`//`, `/* */`) are stripped.
public struct Comments: Hashable, Sendable {
    public var leading: String
    public var trailing: String
    public init(leading: String = "", trailing: String = "") {
        self.leading = leading
        self.trailing = trailing
    }
    public var isEmpty: Bool { leading.isEmpty && trailing.isEmpty }
}

/// `reserved 2, 15, 9 to 11;` and `reserved "foo";`
public struct ReservedRange: Hashable, Sendable {
    public var lower: Int
    /// Inclusive upper bound (`max` becomes 536870911 or Int32.max for enums).
    public var upper: Int
    public var location: SourceLocation
    public init(lower: Int, upper: Int, location: SourceLocation) {
        self.lower = lower
        self.upper = upper
        self.location = location
    }
    public func contains(_ n: Int) -> Bool { n >= lower && n <= upper }
}

public struct FieldDescriptor: Hashable, Sendable {
    public var name: String
    public var number: Int
    public var label: FieldLabel
    public var type: FieldType
    /// The JSON name: `json_name` when given, else lowerCamelCase of `name`.
    public var jsonName: String
    /// True when `json_name` was given explicitly.
    public var hasExplicitJSONName: Bool
    /// Index into the message's `oneofs` for a member of a real oneof.
    /// Proto3 `optional` fields are not oneof members here (see `label`).
    public var oneofIndex: Int?
    /// `[packed = false]` turns packing off; proto3 packs repeated scalars and enums by default.
    public var isPacked: Bool
    public var isDeprecated: Bool
    public var options: [OptionValue]
    public var comments: Comments
    public var location: SourceLocation

    public init(
        name: String, number: Int, label: FieldLabel, type: FieldType, jsonName: String,
        hasExplicitJSONName: Bool = false, oneofIndex: Int? = nil, isPacked: Bool = false,
        isDeprecated: Bool = false, options: [OptionValue] = [], comments: Comments = Comments(),
        location: SourceLocation
    ) {
        self.name = name
        self.number = number
        self.label = label
        self.type = type
        self.jsonName = jsonName
        self.hasExplicitJSONName = hasExplicitJSONName
        self.oneofIndex = oneofIndex
        self.isPacked = isPacked
        self.isDeprecated = isDeprecated
        self.options = options
        self.comments = comments
        self.location = location
    }

    public var isRepeated: Bool { label == .repeated }
    public var isMap: Bool { if case .map = type { true } else { false } }
}

public struct OneofDescriptor: Hashable, Sendable {
    public var name: String
    /// Field numbers of the members, in declaration order.
    public var fieldNumbers: [Int]
    public var options: [OptionValue]
    public var comments: Comments
    public var location: SourceLocation
    public init(name: String, fieldNumbers: [Int] = [], options: [OptionValue] = [], comments: Comments = Comments(), location: SourceLocation) {
        self.name = name
        self.fieldNumbers = fieldNumbers
        self.options = options
        self.comments = comments
        self.location = location
    }
}

public struct MessageDescriptor: Hashable, Sendable {
    /// Simple name (`Evidence`).
    public var name: String
    /// Full name (`protection.v1.Complaint.Evidence`).
    public var fullName: String
    /// Fields in declaration order.
    public var fields: [FieldDescriptor]
    public var oneofs: [OneofDescriptor]
    /// Full names of messages declared inside this one.
    public var nestedMessages: [String]
    /// Full names of enums declared inside this one.
    public var nestedEnums: [String]
    public var reservedRanges: [ReservedRange]
    public var reservedNames: [String]
    public var isDeprecated: Bool
    public var options: [OptionValue]
    public var comments: Comments
    public var location: SourceLocation

    public init(
        name: String, fullName: String, fields: [FieldDescriptor] = [], oneofs: [OneofDescriptor] = [],
        nestedMessages: [String] = [], nestedEnums: [String] = [], reservedRanges: [ReservedRange] = [],
        reservedNames: [String] = [], isDeprecated: Bool = false, options: [OptionValue] = [],
        comments: Comments = Comments(), location: SourceLocation
    ) {
        self.name = name
        self.fullName = fullName
        self.fields = fields
        self.oneofs = oneofs
        self.nestedMessages = nestedMessages
        self.nestedEnums = nestedEnums
        self.reservedRanges = reservedRanges
        self.reservedNames = reservedNames
        self.isDeprecated = isDeprecated
        self.options = options
        self.comments = comments
        self.location = location
    }

    /// Fields sorted by number: the order of the wire encoding.
    public var fieldsByNumber: [FieldDescriptor] { fields.sorted { $0.number < $1.number } }
    public func field(number: Int) -> FieldDescriptor? { fields.first { $0.number == number } }
    public func field(named name: String) -> FieldDescriptor? { fields.first { $0.name == name } }
}

public struct EnumValueDescriptor: Hashable, Sendable {
    /// As written (`COMPLAINT_TYPE_FAKE_RETURN`).
    public var name: String
    public var number: Int32
    public var isDeprecated: Bool
    public var options: [OptionValue]
    public var comments: Comments
    public var location: SourceLocation
    public init(name: String, number: Int32, isDeprecated: Bool = false, options: [OptionValue] = [], comments: Comments = Comments(), location: SourceLocation) {
        self.name = name
        self.number = number
        self.isDeprecated = isDeprecated
        self.options = options
        self.comments = comments
        self.location = location
    }
}

public struct EnumDescriptor: Hashable, Sendable {
    public var name: String
    public var fullName: String
    /// Values in declaration order (aliases included).
    public var values: [EnumValueDescriptor]
    public var allowAlias: Bool
    public var reservedRanges: [ReservedRange]
    public var reservedNames: [String]
    public var isDeprecated: Bool
    public var options: [OptionValue]
    public var comments: Comments
    public var location: SourceLocation

    public init(
        name: String, fullName: String, values: [EnumValueDescriptor] = [], allowAlias: Bool = false,
        reservedRanges: [ReservedRange] = [], reservedNames: [String] = [], isDeprecated: Bool = false,
        options: [OptionValue] = [], comments: Comments = Comments(), location: SourceLocation
    ) {
        self.name = name
        self.fullName = fullName
        self.values = values
        self.allowAlias = allowAlias
        self.reservedRanges = reservedRanges
        self.reservedNames = reservedNames
        self.isDeprecated = isDeprecated
        self.options = options
        self.comments = comments
        self.location = location
    }

    /// The first value declared with `number` (the canonical name for aliases).
    public func value(number: Int32) -> EnumValueDescriptor? { values.first { $0.number == number } }
    public func value(named name: String) -> EnumValueDescriptor? { values.first { $0.name == name } }
}

public struct MethodDescriptor: Hashable, Sendable {
    public var name: String
    /// Full name of the request message.
    public var inputType: String
    /// Full name of the response message.
    public var outputType: String
    public var clientStreaming: Bool
    public var serverStreaming: Bool
    public var isDeprecated: Bool
    public var options: [OptionValue]
    public var comments: Comments
    public var location: SourceLocation
    public init(
        name: String, inputType: String, outputType: String, clientStreaming: Bool = false,
        serverStreaming: Bool = false, isDeprecated: Bool = false, options: [OptionValue] = [],
        comments: Comments = Comments(), location: SourceLocation
    ) {
        self.name = name
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
        self.isDeprecated = isDeprecated
        self.options = options
        self.comments = comments
        self.location = location
    }
}

public struct ServiceDescriptor: Hashable, Sendable {
    public var name: String
    /// `protection.v1.IntegrityService`.
    public var fullName: String
    public var methods: [MethodDescriptor]
    public var isDeprecated: Bool
    public var options: [OptionValue]
    public var comments: Comments
    public var location: SourceLocation
    public init(
        name: String, fullName: String, methods: [MethodDescriptor] = [], isDeprecated: Bool = false,
        options: [OptionValue] = [], comments: Comments = Comments(), location: SourceLocation
    ) {
        self.name = name
        self.fullName = fullName
        self.methods = methods
        self.isDeprecated = isDeprecated
        self.options = options
        self.comments = comments
        self.location = location
    }
}

public struct ImportDescriptor: Hashable, Sendable {
    /// As written (`protection/v1/common.proto`).
    public var path: String
    public var isPublic: Bool
    public var isWeak: Bool
    public var location: SourceLocation
    public init(path: String, isPublic: Bool = false, isWeak: Bool = false, location: SourceLocation) {
        self.path = path
        self.isPublic = isPublic
        self.isWeak = isWeak
        self.location = location
    }
}

/// One `.proto` file.
public struct ProtoFile: Hashable, Sendable {
    /// Path relative to the schema root (`protection/v1/integrity.proto`).
    public var path: String
    /// The file's text, as read.
    public var source: String
    public var syntax: String
    public var package: String
    public var imports: [ImportDescriptor]
    public var options: [OptionValue]
    /// Full names of top-level messages, enums and services, in declaration order.
    public var messages: [String]
    public var enums: [String]
    public var services: [String]
    /// The comment block above `syntax` (file header).
    public var comments: Comments
    public init(
        path: String, source: String, syntax: String = "proto3", package: String = "",
        imports: [ImportDescriptor] = [], options: [OptionValue] = [], messages: [String] = [],
        enums: [String] = [], services: [String] = [], comments: Comments = Comments()
    ) {
        self.path = path
        self.source = source
        self.syntax = syntax
        self.package = package
        self.imports = imports
        self.options = options
        self.messages = messages
        self.enums = enums
        self.services = services
        self.comments = comments
    }
}

/// A linked set of files: every type reference resolves.
public struct Schema: Hashable, Sendable {
    /// Files in a stable order (sorted by path); the well-known types the
    /// schema imports are included, flagged by `isWellKnown(file:)`.
    public var files: [ProtoFile]
    /// Every message by full name, nested ones included; map-entry messages are not listed.
    public var messages: [String: MessageDescriptor]
    public var enums: [String: EnumDescriptor]
    public var services: [String: ServiceDescriptor]
    /// The file each message, enum and service was declared in.
    public var fileOfElement: [String: String]

    public init(
        files: [ProtoFile] = [], messages: [String: MessageDescriptor] = [:], enums: [String: EnumDescriptor] = [:],
        services: [String: ServiceDescriptor] = [:], fileOfElement: [String: String] = [:]
    ) {
        self.files = files
        self.messages = messages
        self.enums = enums
        self.services = services
        self.fileOfElement = fileOfElement
    }

    public func message(_ fullName: String) -> MessageDescriptor? { messages[fullName] }
    public func enumeration(_ fullName: String) -> EnumDescriptor? { enums[fullName] }
    public static func isWellKnown(file path: String) -> Bool { path.hasPrefix("google/protobuf/") }

    /// Messages declared in non-well-known files, in file then declaration order (nested after their parent).
    public var ownMessages: [MessageDescriptor] {
        var out: [MessageDescriptor] = []
        func visit(_ name: String) {
            guard let m = messages[name] else { return }
            out.append(m)
            m.nestedMessages.forEach(visit)
        }
        for f in files where !Self.isWellKnown(file: f.path) { f.messages.forEach(visit) }
        return out
    }
}
