import ProtoWire

/// Per-message lookup tables the dynamic codecs build once per schema.
struct DynamicMessageInfo: Sendable {
    let descriptor: MessageDescriptor
    /// Fields in ascending field-number order (the canonical encoding order).
    let ordered: [FieldDescriptor]
    let byNumber: [Int: FieldDescriptor]
    /// JSON input names: the json name and the original proto name.
    let byJSONKey: [String: FieldDescriptor]
    /// For each oneof member, the other members of its oneof.
    let siblings: [Int: [Int]]

    init(_ d: MessageDescriptor) {
        descriptor = d
        ordered = d.fieldsByNumber
        var byNumber: [Int: FieldDescriptor] = [:]
        var byJSONKey: [String: FieldDescriptor] = [:]
        for f in d.fields {
            byNumber[f.number] = f
            byJSONKey[f.name] = f
        }
        // The JSON name wins when it collides with another field's proto name.
        for f in d.fields { byJSONKey[f.jsonName] = f }
        var siblings: [Int: [Int]] = [:]
        for o in d.oneofs {
            for n in o.fieldNumbers { siblings[n] = o.fieldNumbers.filter { $0 != n } }
        }
        // Also trust `oneofIndex` in case `fieldNumbers` was left empty.
        for f in d.fields {
            if let i = f.oneofIndex, siblings[f.number] == nil {
                siblings[f.number] = d.fields.filter { $0.oneofIndex == i && $0.number != f.number }.map(\.number)
            }
        }
        self.byNumber = byNumber
        self.byJSONKey = byJSONKey
        self.siblings = siblings
    }
}

extension FieldDescriptor {
    /// True for a field whose zero value is not encoded (proto3 implicit
    /// presence, not a oneof member). Message fields always have presence.
    var hasImplicitPresence: Bool {
        guard label == .implicit, oneofIndex == nil else { return false }
        switch type {
        case .scalar, .enumeration: return true
        case .message, .map: return false
        }
    }
}

extension ScalarType {
    /// The default value in its `DynamicValue` representation.
    public var dynamicDefault: DynamicValue {
        switch self {
        case .int32, .sint32, .sfixed32: .int32(0)
        case .int64, .sint64, .sfixed64: .int64(0)
        case .uint32, .fixed32: .uint32(0)
        case .uint64, .fixed64: .uint64(0)
        case .float: .float(0)
        case .double: .double(0)
        case .bool: .bool(false)
        case .string: .string("")
        case .bytes: .bytes([])
        }
    }

    /// The default key in its `DynamicMapKey` representation (nil for non-key types).
    public var dynamicDefaultKey: DynamicMapKey? { DynamicMapKey(dynamicDefault) }

    /// True when `value` has the representation this type uses.
    public func accepts(_ value: DynamicValue) -> Bool {
        switch (self, value) {
        case (.int32, .int32), (.sint32, .int32), (.sfixed32, .int32): true
        case (.int64, .int64), (.sint64, .int64), (.sfixed64, .int64): true
        case (.uint32, .uint32), (.fixed32, .uint32): true
        case (.uint64, .uint64), (.fixed64, .uint64): true
        case (.float, .float), (.double, .double), (.bool, .bool), (.string, .string), (.bytes, .bytes): true
        default: false
        }
    }

    /// Bytes per element of a fixed-width type (packed-run checks), nil for varints.
    var fixedWidth: Int? {
        switch self {
        case .fixed32, .sfixed32, .float: 4
        case .fixed64, .sfixed64, .double: 8
        default: nil
        }
    }
}

enum WellKnownName {
    static let timestamp = "google.protobuf.Timestamp"
    static let duration = "google.protobuf.Duration"
    static let any = "google.protobuf.Any"
    static let structType = "google.protobuf.Struct"
    static let value = "google.protobuf.Value"
    static let listValue = "google.protobuf.ListValue"
    static let nullValue = "google.protobuf.NullValue"
    static let fieldMask = "google.protobuf.FieldMask"
    static let empty = "google.protobuf.Empty"
    /// The wrapper messages and the scalar each holds in field 1.
    static let wrappers: [String: ScalarType] = [
        "google.protobuf.DoubleValue": .double, "google.protobuf.FloatValue": .float,
        "google.protobuf.Int64Value": .int64, "google.protobuf.UInt64Value": .uint64,
        "google.protobuf.Int32Value": .int32, "google.protobuf.UInt32Value": .uint32,
        "google.protobuf.BoolValue": .bool, "google.protobuf.StringValue": .string,
        "google.protobuf.BytesValue": .bytes,
    ]
}
