import ProtoSchema

/// How generated code reads, writes and prints each scalar type.
extension ScalarType {
    /// `WireReader` / `WireWriter` method suffix (`readSInt64`, `writeSInt64`).
    var codecSuffix: String {
        switch self {
        case .double: "Double"
        case .float: "Float"
        case .int64: "Int64"
        case .uint64: "UInt64"
        case .int32: "Int32"
        case .fixed64: "Fixed64"
        case .fixed32: "Fixed32"
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "Bytes"
        case .uint32: "UInt32"
        case .sfixed32: "SFixed32"
        case .sfixed64: "SFixed64"
        case .sint32: "SInt32"
        case .sint64: "SInt64"
        }
    }

    /// Bytes per element for fixed-width types, else nil.
    var fixedWidth: Int? {
        switch self {
        case .double, .fixed64, .sfixed64: 8
        case .float, .fixed32, .sfixed32: 4
        default: nil
        }
    }

    /// The condition under which an implicit-presence value is written.
    /// Floating point compares bits, so -0.0 is written as other implementations do.
    func isSetCondition(_ expr: String) -> String {
        switch self {
        case .double, .float: "\(expr).bitPattern != 0"
        case .bool: expr
        case .string, .bytes: "!\(expr).isEmpty"
        default: "\(expr) != 0"
        }
    }

    /// The `Codable` type that carries this scalar in proto3 JSON, or nil when the
    /// Swift type itself is right (`String`, `Bool`).
    var jsonWrapper: String? {
        switch self {
        case .double: "ProtoJSON.DoubleValue"
        case .float: "ProtoJSON.FloatValue"
        case .int64, .sfixed64, .sint64: "ProtoJSON.Int64Value"
        case .uint64, .fixed64: "ProtoJSON.UInt64Value"
        case .int32, .sfixed32, .sint32: "ProtoJSON.Int32Value"
        case .uint32, .fixed32: "ProtoJSON.UInt32Value"
        case .bytes: "ProtoJSON.BytesValue"
        case .bool, .string: nil
        }
    }
}

/// A tag as the hex literal generated code switches on.
func tagLiteral(_ number: Int, _ wireType: UInt8) -> String {
    "0x" + String(UInt32(number) << 3 | UInt32(wireType), radix: 16, uppercase: true)
}
