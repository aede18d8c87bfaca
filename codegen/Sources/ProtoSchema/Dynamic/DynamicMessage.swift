import ProtoWire

/// A message of any type of a parsed `Schema`, held as field number → value.
///
/// Normal form (what `DynamicCodec` produces and `RandomMessageGenerator`
/// generates), so that `==` means "the same message":
/// - a proto3 implicit-presence scalar or enum field at its default
///   (0, false, "", empty bytes, +0.0 by bit pattern) is absent from `fields`;
/// - empty repeated fields and maps are absent;
/// - `optional` fields and oneof members are present when set, even at zero;
/// - singular message fields are present when set, even when empty;
/// - list elements and map values are always present values (never absent).
///
/// Floats and doubles compare by bit pattern (a NaN equals a NaN with the same
/// bits; 0.0 and -0.0 differ), strings by their UTF-8 bytes (no Unicode
/// normalization: "é" and "e\u{301}" differ, as they do on the wire).
public struct DynamicMessage: Hashable, Sendable {
    /// Full name of the message type (`conformance.v1.AllTypes`).
    public var typeName: String
    /// Field number → value. Repeated fields hold `.list`, maps hold `.map`.
    public var fields: [Int: DynamicValue]
    /// Fields the schema does not know, as raw wire bytes in the order read.
    public var unknownFields: UnknownFields

    public init(typeName: String, fields: [Int: DynamicValue] = [:], unknownFields: UnknownFields = UnknownFields()) {
        self.typeName = typeName
        self.fields = fields
        self.unknownFields = unknownFields
    }

    /// The value of field `number`, or nil when absent.
    public subscript(number: Int) -> DynamicValue? {
        get { fields[number] }
        set { fields[number] = newValue }
    }
}

/// The value of one field. Scalar cases by wire representation:
/// `int32` for int32/sint32/sfixed32, `int64` for int64/sint64/sfixed64,
/// `uint32` for uint32/fixed32, `uint64` for uint64/fixed64; `enumValue` holds
/// the number (values unknown to the schema are kept).
public indirect enum DynamicValue: Hashable, Sendable {
    case int32(Int32)
    case int64(Int64)
    case uint32(UInt32)
    case uint64(UInt64)
    case float(Float)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case enumValue(Int32)
    case message(DynamicMessage)
    case list([DynamicValue])
    case map([DynamicMapKey: DynamicValue])

    public static func == (a: DynamicValue, b: DynamicValue) -> Bool {
        switch (a, b) {
        case let (.int32(x), .int32(y)): x == y
        case let (.int64(x), .int64(y)): x == y
        case let (.uint32(x), .uint32(y)): x == y
        case let (.uint64(x), .uint64(y)): x == y
        case let (.float(x), .float(y)): x.bitPattern == y.bitPattern
        case let (.double(x), .double(y)): x.bitPattern == y.bitPattern
        case let (.bool(x), .bool(y)): x == y
        case let (.string(x), .string(y)): x.utf8.elementsEqual(y.utf8)
        case let (.bytes(x), .bytes(y)): x == y
        case let (.enumValue(x), .enumValue(y)): x == y
        case let (.message(x), .message(y)): x == y
        case let (.list(x), .list(y)): x == y
        case let (.map(x), .map(y)): x == y
        default: false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .int32(let v): h.combine(0 as UInt8); h.combine(v)
        case .int64(let v): h.combine(1 as UInt8); h.combine(v)
        case .uint32(let v): h.combine(2 as UInt8); h.combine(v)
        case .uint64(let v): h.combine(3 as UInt8); h.combine(v)
        case .float(let v): h.combine(4 as UInt8); h.combine(v.bitPattern)
        case .double(let v): h.combine(5 as UInt8); h.combine(v.bitPattern)
        case .bool(let v): h.combine(6 as UInt8); h.combine(v)
        case .string(let v): h.combine(7 as UInt8); hashUTF8(v, into: &h)
        case .bytes(let v): h.combine(8 as UInt8); h.combine(v)
        case .enumValue(let v): h.combine(9 as UInt8); h.combine(v)
        case .message(let v): h.combine(10 as UInt8); h.combine(v)
        case .list(let v): h.combine(11 as UInt8); h.combine(v)
        case .map(let v): h.combine(12 as UInt8); h.combine(v)
        }
    }

    /// The message, when this is `.message`.
    public var messageValue: DynamicMessage? { if case .message(let m) = self { m } else { nil } }
    /// The elements, when this is `.list`.
    public var listValue: [DynamicValue]? { if case .list(let l) = self { l } else { nil } }
    /// The entries, when this is `.map`.
    public var mapValue: [DynamicMapKey: DynamicValue]? { if case .map(let m) = self { m } else { nil } }

    /// True for the proto3 default of a scalar or enum (0, +0.0 by bits, false,
    /// "", empty bytes) and for empty lists and maps. Messages are never default
    /// (a set message field is present, even when empty).
    public var isDefault: Bool {
        switch self {
        case .int32(let v): v == 0
        case .int64(let v): v == 0
        case .uint32(let v): v == 0
        case .uint64(let v): v == 0
        case .float(let v): v.bitPattern == 0
        case .double(let v): v.bitPattern == 0
        case .bool(let v): !v
        case .string(let v): v.utf8.isEmpty
        case .bytes(let v): v.isEmpty
        case .enumValue(let v): v == 0
        case .message: false
        case .list(let v): v.isEmpty
        case .map(let v): v.isEmpty
        }
    }
}

/// A map key: the integral types (by wire representation, as in
/// `DynamicValue`), bool and string.
public enum DynamicMapKey: Hashable, Sendable {
    case int32(Int32)
    case int64(Int64)
    case uint32(UInt32)
    case uint64(UInt64)
    case bool(Bool)
    case string(String)

    public static func == (a: DynamicMapKey, b: DynamicMapKey) -> Bool {
        switch (a, b) {
        case let (.int32(x), .int32(y)): x == y
        case let (.int64(x), .int64(y)): x == y
        case let (.uint32(x), .uint32(y)): x == y
        case let (.uint64(x), .uint64(y)): x == y
        case let (.bool(x), .bool(y)): x == y
        case let (.string(x), .string(y)): x.utf8.elementsEqual(y.utf8)
        default: false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .int32(let v): h.combine(0 as UInt8); h.combine(v)
        case .int64(let v): h.combine(1 as UInt8); h.combine(v)
        case .uint32(let v): h.combine(2 as UInt8); h.combine(v)
        case .uint64(let v): h.combine(3 as UInt8); h.combine(v)
        case .bool(let v): h.combine(4 as UInt8); h.combine(v)
        case .string(let v): h.combine(5 as UInt8); hashUTF8(v, into: &h)
        }
    }

    /// The deterministic encoding order of map entries (binary and JSON), as
    /// `ProtoJSONMapKey.protoLess`: numeric for integers, false < true, strings
    /// by UTF-8 bytes. Keys of different kinds order by kind.
    public static func protoLess(_ a: DynamicMapKey, _ b: DynamicMapKey) -> Bool {
        switch (a, b) {
        case let (.int32(x), .int32(y)): Int32.protoLess(x, y)
        case let (.int64(x), .int64(y)): Int64.protoLess(x, y)
        case let (.uint32(x), .uint32(y)): UInt32.protoLess(x, y)
        case let (.uint64(x), .uint64(y)): UInt64.protoLess(x, y)
        case let (.bool(x), .bool(y)): Bool.protoLess(x, y)
        case let (.string(x), .string(y)): String.protoLess(x, y)
        default: a.kindIndex < b.kindIndex
        }
    }

    var kindIndex: Int {
        switch self {
        case .int32: 0
        case .int64: 1
        case .uint32: 2
        case .uint64: 3
        case .bool: 4
        case .string: 5
        }
    }

    /// The key as a proto3 JSON object key: decimal integers, "true"/"false", the string itself.
    public var jsonKey: String {
        switch self {
        case .int32(let v): String(v)
        case .int64(let v): String(v)
        case .uint32(let v): String(v)
        case .uint64(let v): String(v)
        case .bool(let v): v ? "true" : "false"
        case .string(let v): v
        }
    }

    /// The key as a `DynamicValue` of the same representation.
    public var value: DynamicValue {
        switch self {
        case .int32(let v): .int32(v)
        case .int64(let v): .int64(v)
        case .uint32(let v): .uint32(v)
        case .uint64(let v): .uint64(v)
        case .bool(let v): .bool(v)
        case .string(let v): .string(v)
        }
    }

    /// The key for a scalar value, or nil for float, double, bytes and non-scalars.
    public init?(_ value: DynamicValue) {
        switch value {
        case .int32(let v): self = .int32(v)
        case .int64(let v): self = .int64(v)
        case .uint32(let v): self = .uint32(v)
        case .uint64(let v): self = .uint64(v)
        case .bool(let v): self = .bool(v)
        case .string(let v): self = .string(v)
        default: return nil
        }
    }
}

@inline(__always)
func hashUTF8(_ s: String, into h: inout Hasher) {
    var s = s
    s.withUTF8 { u in
        h.combine(u.count)
        h.combine(bytes: UnsafeRawBufferPointer(u))
    }
}
