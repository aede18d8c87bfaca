import ProtoSchema
import ProtoWire
import Testing

/// The conformance schema (`Tests/Support/schema/`) as `SchemaLoader` reads it,
/// and a hand-built copy that `DynamicSchemaFixtureTests` checks it against
/// (used instead when the schema does not load, so that the codec tests still run).
enum DynamicFixtures {
    static let allTypes = "conformance.v1.AllTypes"
    static let inner = "conformance.v1.AllTypes.Inner"
    static let deeper = "conformance.v1.AllTypes.Inner.Deeper"
    static let color = "conformance.v1.AllTypes.Color"
    static let treeNode = "conformance.v1.TreeNode"
    static let mutualA = "conformance.v1.MutualA"
    static let mutualB = "conformance.v1.MutualB"
    static let empty = "conformance.v1.Empty"
    static let optionalFields = "conformance.v1.OptionalFields"
    static let timestamp = "google.protobuf.Timestamp"
    static let duration = "google.protobuf.Duration"

    /// `Tests/Support/schema`, found from this file's path.
    static var conformanceDirectory: String {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Support/schema"
    }

    static let loaded: Result<Schema, SchemaErrors> = Result { () throws(SchemaErrors) -> Schema in
        try SchemaLoader.load(directory: conformanceDirectory)
    }

    static let schema: Schema = (try? loaded.get()) ?? handBuiltSchema()
    static let codec = DynamicCodec(schema: schema)

    static let loc = ProtoSchema.SourceLocation(file: "conformance/v1/scalars.proto", line: 1, column: 1)

    static func lowerCamel(_ name: String) -> String {
        var out = ""
        var upper = false
        for c in name {
            if c == "_" { upper = true; continue }
            out += upper ? c.uppercased() : String(c)
            upper = false
        }
        return out
    }

    static func field(
        _ name: String, _ number: Int, _ type: FieldType, _ label: FieldLabel = .implicit,
        json: String? = nil, oneof: Int? = nil, packed: Bool? = nil
    ) -> FieldDescriptor {
        var packable = false
        if label == .repeated {
            switch type {
            case .scalar(let s): packable = s.isPackable
            case .enumeration: packable = true
            default: break
            }
        }
        return FieldDescriptor(
            name: name, number: number, label: label, type: type, jsonName: json ?? lowerCamel(name),
            hasExplicitJSONName: json != nil, oneofIndex: oneof, isPacked: packed ?? packable, location: loc)
    }

    static func handBuiltSchema() -> Schema {
        func s(_ t: ScalarType) -> FieldType { .scalar(t) }
        let colorT = FieldType.enumeration(color)
        let innerT = FieldType.message(inner)
        var allFields: [FieldDescriptor] = []
        let scalarOrder: [ScalarType] = [
            .double, .float, .int64, .uint64, .int32, .fixed64, .fixed32, .bool, .string, .bytes,
            .uint32, .sfixed32, .sfixed64, .sint32, .sint64,
        ]
        for (i, t) in scalarOrder.enumerated() { allFields.append(field("f_\(t.rawValue)", i + 1, s(t))) }
        allFields += [
            field("f_color", 16, colorT), field("f_inner", 17, innerT),
            field("f_renamed", 18, s(.string), json: "customName"), field("f_deprecated", 19, s(.int32)),
        ]
        for (i, t) in scalarOrder.enumerated() { allFields.append(field("r_\(t.rawValue)", 31 + i, s(t), .repeated)) }
        allFields += [
            field("r_color", 46, colorT, .repeated), field("r_inner", 47, innerT, .repeated),
            field("u_int32", 48, s(.int32), .repeated, packed: false),
            field("u_fixed64", 49, s(.fixed64), .repeated, packed: false),
            field("u_color", 50, colorT, .repeated, packed: false),
        ]
        let maps: [(String, ScalarType, FieldType)] = [
            ("m_int32_int32", .int32, s(.int32)), ("m_int64_string", .int64, s(.string)),
            ("m_uint32_bytes", .uint32, s(.bytes)), ("m_uint64_double", .uint64, s(.double)),
            ("m_sint32_float", .sint32, s(.float)), ("m_sint64_bool", .sint64, s(.bool)),
            ("m_fixed32_sfixed32", .fixed32, s(.sfixed32)), ("m_fixed64_sfixed64", .fixed64, s(.sfixed64)),
            ("m_sfixed32_color", .sfixed32, colorT), ("m_sfixed64_inner", .sfixed64, innerT),
            ("m_bool_uint64", .bool, s(.uint64)), ("m_string_inner", .string, innerT),
        ]
        for (i, m) in maps.enumerated() { allFields.append(field(m.0, 61 + i, .map(key: m.1, value: m.2), .repeated)) }
        allFields += [
            field("o_uint32", 81, s(.uint32), oneof: 0), field("o_string", 82, s(.string), oneof: 0),
            field("o_inner", 83, innerT, oneof: 0), field("o_color", 84, colorT, oneof: 0),
            field("o_bytes", 85, s(.bytes), oneof: 0),
            field("f_timestamp", 91, .message(timestamp)), field("f_duration", 92, .message(duration)),
            field("r_timestamp", 93, .message(timestamp), .repeated),
            field("f_large_number", 536_870_911, s(.int32)),
        ]
        let all = MessageDescriptor(
            name: "AllTypes", fullName: allTypes, fields: allFields,
            oneofs: [OneofDescriptor(name: "choice", fieldNumbers: [81, 82, 83, 84, 85], location: loc)],
            nestedMessages: [inner], nestedEnums: [color], location: loc)
        let innerM = MessageDescriptor(
            name: "Inner", fullName: inner,
            fields: [field("a", 1, s(.int32)), field("b", 2, s(.string)), field("deeper", 3, .message(deeper))],
            nestedMessages: [deeper], location: loc)
        let deeperM = MessageDescriptor(
            name: "Deeper", fullName: deeper,
            fields: [field("c", 1, s(.bool)), field("d", 2, s(.sint64), .repeated)], location: loc)
        let tree = MessageDescriptor(
            name: "TreeNode", fullName: treeNode,
            fields: [
                field("label", 1, s(.string)), field("child", 2, .message(treeNode)),
                field("children", 3, .message(treeNode), .repeated),
                field("named", 4, .map(key: .string, value: .message(treeNode)), .repeated),
                field("other", 5, .message(treeNode), oneof: 0), field("other_name", 6, s(.string), oneof: 0),
            ],
            oneofs: [OneofDescriptor(name: "link", fieldNumbers: [5, 6], location: loc)], location: loc)
        let a = MessageDescriptor(
            name: "MutualA", fullName: mutualA,
            fields: [field("b", 1, .message(mutualB)), field("n", 2, s(.int64))], location: loc)
        let b = MessageDescriptor(name: "MutualB", fullName: mutualB, fields: [field("a", 1, .message(mutualA))], location: loc)
        let e = MessageDescriptor(name: "Empty", fullName: empty, location: loc)
        let opt = MessageDescriptor(
            name: "OptionalFields", fullName: optionalFields,
            fields: [
                field("o_int32", 1, s(.int32), .optional), field("o_string", 2, s(.string), .optional),
                field("o_bool", 3, s(.bool), .optional), field("o_double", 4, s(.double), .optional),
                field("o_color", 5, colorT, .optional), field("o_inner", 6, innerT, .optional),
                field("o_bytes", 7, s(.bytes), .optional), field("o_sint64", 8, s(.sint64), .optional),
                field("plain", 9, s(.int32)),
            ], location: loc)
        let ts = MessageDescriptor(
            name: "Timestamp", fullName: timestamp,
            fields: [field("seconds", 1, s(.int64)), field("nanos", 2, s(.int32))], location: loc)
        let du = MessageDescriptor(
            name: "Duration", fullName: duration,
            fields: [field("seconds", 1, s(.int64)), field("nanos", 2, s(.int32))], location: loc)
        let colorE = EnumDescriptor(
            name: "Color", fullName: color,
            values: [
                EnumValueDescriptor(name: "COLOR_UNSPECIFIED", number: 0, location: loc),
                EnumValueDescriptor(name: "COLOR_RED", number: 1, location: loc),
                EnumValueDescriptor(name: "COLOR_GREEN", number: 2, location: loc),
                EnumValueDescriptor(name: "COLOR_VERDE", number: 2, location: loc),
                EnumValueDescriptor(name: "COLOR_NEGATIVE", number: -3, location: loc),
            ], allowAlias: true, location: loc)
        let messages = [all, innerM, deeperM, tree, a, b, e, opt, ts, du]
        return Schema(
            files: [
                ProtoFile(path: "conformance/v1/optional.proto", source: "", package: "conformance.v1", messages: [optionalFields]),
                ProtoFile(
                    path: "conformance/v1/scalars.proto", source: "", package: "conformance.v1",
                    messages: [allTypes, treeNode, mutualA, mutualB, empty]),
                ProtoFile(path: "google/protobuf/duration.proto", source: "", package: "google.protobuf", messages: [duration]),
                ProtoFile(path: "google/protobuf/timestamp.proto", source: "", package: "google.protobuf", messages: [timestamp]),
            ],
            messages: Dictionary(uniqueKeysWithValues: messages.map { ($0.fullName, $0) }),
            enums: [color: colorE])
    }

    static func hex(_ text: String) -> [UInt8] {
        let digits = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        return digits.map { UInt8($0, radix: 16)! }
    }

    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    static func message(_ type: String = allTypes, _ fields: [Int: DynamicValue] = [:]) -> DynamicMessage {
        DynamicMessage(typeName: type, fields: fields)
    }

    static func innerMessage(a: Int32? = nil, b: String? = nil) -> DynamicMessage {
        var m = DynamicMessage(typeName: inner)
        if let a { m.fields[1] = .int32(a) }
        if let b { m.fields[2] = .string(b) }
        return m
    }

    /// The code of the `WireError` decoding `bytes` throws, or nil when it decodes.
    static func errorCode(_ bytes: [UInt8], _ type: String = allTypes, options: DecodeOptions = .init()) -> WireError.Code? {
        do {
            _ = try codec.decode(type, from: bytes, options: options)
            return nil
        } catch {
            return error.code
        }
    }

    static func jsonError(_ json: String, _ type: String = allTypes, ignoreUnknown: Bool = false) -> DynamicJSONError? {
        do {
            _ = try codec.decodeJSON(type, from: json, ignoreUnknownFields: ignoreUnknown)
            return nil
        } catch let e as DynamicJSONError {
            return e
        } catch {
            return DynamicJSONError(path: "?", message: "unexpected error \(error)")
        }
    }
}

extension Array where Element == UInt8 {
    var hexString: String { map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ") }
}

@Suite struct DynamicSchemaFixtureTests {
    /// The parsed conformance schema has what the dynamic codec tests assume.
    @Test func parsedConformanceSchemaMatchesTheHandBuiltOne() throws {
        let parsed = try F.loaded.get()
        let expected = F.handBuiltSchema()
        func shape(_ f: FieldDescriptor) -> String {
            "\(f.number) \(f.name) \(f.label) \(f.type) \(f.jsonName) \(f.oneofIndex.map(String.init) ?? "-") \(f.isPacked)"
        }
        for (name, m) in expected.messages {
            let p = try #require(parsed.messages[name], "\(name) missing")
            #expect(p.fieldsByNumber.map(shape) == m.fieldsByNumber.map(shape), "\(name)")
            #expect(p.oneofs.map { "\($0.name) \($0.fieldNumbers)" } == m.oneofs.map { "\($0.name) \($0.fieldNumbers)" }, "\(name)")
        }
        // The hand-built schema covers scalars.proto, optional.proto, Timestamp and Duration.
        let covered: Set<String> = [
            "conformance/v1/scalars.proto", "conformance/v1/optional.proto",
            "google/protobuf/timestamp.proto", "google/protobuf/duration.proto",
        ]
        let parsedCovered = parsed.messages.keys.filter { covered.contains(parsed.fileOfElement[$0] ?? "") }
        #expect(Set(parsedCovered) == Set(expected.messages.keys))
        #expect(parsed.enums[F.color]?.values.map { "\($0.name)=\($0.number)" } == expected.enums[F.color]?.values.map { "\($0.name)=\($0.number)" })
        #expect(parsed.ownMessages.map(\.fullName).filter { parsedCovered.contains($0) }.sorted()
            == expected.ownMessages.map(\.fullName).sorted())
    }
}

private typealias F = DynamicFixtures
