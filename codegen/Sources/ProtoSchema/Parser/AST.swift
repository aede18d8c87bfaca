/// The parse tree of one file, before names are resolved. The linker turns it
/// into the public model (`SchemaModel.swift`).
struct ASTFile: Sendable {
    var path: String
    var source: String
    var syntax: String = ""
    var package: String = ""
    var packageLocation: SourceLocation?
    var imports: [ImportDescriptor] = []
    var options: [OptionValue] = []
    var messages: [ASTMessage] = []
    var enums: [ASTEnum] = []
    var services: [ASTService] = []
    var comments = Comments()
}

/// A type as written: a scalar keyword or a (possibly dotted, possibly
/// fully qualified) name.
struct ASTTypeRef: Sendable {
    var name: String
    var location: SourceLocation
    var scalar: ScalarType? { name.hasPrefix(".") ? nil : ScalarType(rawValue: name) }
}

enum ASTFieldType: Sendable {
    case named(ASTTypeRef)
    case map(key: ASTTypeRef, value: ASTTypeRef)
}

/// The label keyword a field was written with.
enum ASTLabel: Sendable, Equatable {
    case none
    case optional
    case repeated
    case required
}

struct ASTField: Sendable {
    var name: String
    var nameLocation: SourceLocation
    var number: Int
    var numberLocation: SourceLocation
    var label: ASTLabel
    var labelLocation: SourceLocation?
    var type: ASTFieldType
    var oneofIndex: Int?
    var options: [OptionValue]
    var comments: Comments
    /// The first token: the label, else the type.
    var location: SourceLocation
}

struct ASTOneof: Sendable {
    var name: String
    var nameLocation: SourceLocation
    var options: [OptionValue]
    var comments: Comments
    var location: SourceLocation
}

struct ASTReserved: Sendable {
    var ranges: [ReservedRange] = []
    var names: [(name: String, location: SourceLocation)] = []
}

struct ASTMessage: Sendable {
    var name: String
    var nameLocation: SourceLocation
    var fields: [ASTField] = []
    var oneofs: [ASTOneof] = []
    var messages: [ASTMessage] = []
    var enums: [ASTEnum] = []
    var reserved = ASTReserved()
    var options: [OptionValue] = []
    var comments = Comments()
    var location: SourceLocation
}

struct ASTEnumValue: Sendable {
    var name: String
    var number: Int
    var numberLocation: SourceLocation
    var options: [OptionValue]
    var comments: Comments
    var location: SourceLocation
}

struct ASTEnum: Sendable {
    var name: String
    var nameLocation: SourceLocation
    var values: [ASTEnumValue] = []
    var reserved = ASTReserved()
    var options: [OptionValue] = []
    var comments = Comments()
    var location: SourceLocation
}

struct ASTMethod: Sendable {
    var name: String
    var nameLocation: SourceLocation
    var input: ASTTypeRef
    var output: ASTTypeRef
    var clientStreaming: Bool
    var serverStreaming: Bool
    var options: [OptionValue]
    var comments: Comments
    var location: SourceLocation
}

struct ASTService: Sendable {
    var name: String
    var nameLocation: SourceLocation
    var methods: [ASTMethod] = []
    var options: [OptionValue] = []
    var comments = Comments()
    var location: SourceLocation
}

extension Array where Element == OptionValue {
    /// The last option named `name`, if any.
    func named(_ name: String) -> OptionValue? { last { $0.name == name } }
}
