import Foundation
import Testing

@testable import ProtoSchema

/// The conformance schema (`Tests/Support/schema`), asserted in detail.
@Suite struct ParserConformanceTests {
    let schema: Schema
    let allTypes: MessageDescriptor

    init() throws {
        schema = try ParserTestSupport.conformance.get()
        allTypes = try #require(schema.messages["conformance.v1.AllTypes"])
    }

    private func field(_ name: String, in message: MessageDescriptor? = nil) throws -> FieldDescriptor {
        try #require((message ?? allTypes).field(named: name), "no field \(name)")
    }

    @Test func filesAreSortedAndWellKnownFilesIncludedWhenImported() {
        #expect(schema.files.map(\.path) == [
            "conformance/v1/optional.proto", "conformance/v1/scalars.proto", "conformance/v1/wellknown.proto",
            "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/empty.proto",
            "google/protobuf/field_mask.proto", "google/protobuf/struct.proto", "google/protobuf/timestamp.proto",
            "google/protobuf/wrappers.proto",
        ])
        let scalars = schema.files[1]
        #expect(scalars.syntax == "proto3")
        #expect(scalars.package == "conformance.v1")
        #expect(scalars.imports.map(\.path) == ["google/protobuf/timestamp.proto", "google/protobuf/duration.proto"])
        #expect(scalars.imports.map(\.location.description) == [
            "conformance/v1/scalars.proto:7:1", "conformance/v1/scalars.proto:8:1",
        ])
        #expect(scalars.messages == [
            "conformance.v1.AllTypes", "conformance.v1.TreeNode", "conformance.v1.MutualA",
            "conformance.v1.MutualB", "conformance.v1.Empty",
        ])
        #expect(scalars.enums.isEmpty)
        #expect(scalars.services == ["conformance.v1.ConformanceService"])
        #expect(scalars.source.hasPrefix("// Conformance schema: every proto3 feature"))
        #expect(schema.files[0].imports.map(\.path) == ["conformance/v1/scalars.proto"])
        #expect(schema.files[3...].allSatisfy { $0.package == "google.protobuf" })
        #expect(schema.files.first { $0.path == "google/protobuf/timestamp.proto" }?.messages == ["google.protobuf.Timestamp"])
        #expect(schema.files.first { $0.path == "google/protobuf/struct.proto" }?.messages == [
            "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue",
        ])
    }

    @Test func elementsAreKeyedByFullNameWithTheirFiles() {
        #expect(schema.messages.keys.sorted() == [
            "conformance.v1.AllTypes", "conformance.v1.AllTypes.Inner", "conformance.v1.AllTypes.Inner.Deeper",
            "conformance.v1.Empty", "conformance.v1.MutualA", "conformance.v1.MutualB",
            "conformance.v1.OptionalFields", "conformance.v1.TreeNode", "conformance.v1.WellKnownFields",
            "google.protobuf.Any", "google.protobuf.BoolValue", "google.protobuf.BytesValue", "google.protobuf.DoubleValue",
            "google.protobuf.Duration", "google.protobuf.Empty", "google.protobuf.FieldMask", "google.protobuf.FloatValue",
            "google.protobuf.Int32Value", "google.protobuf.Int64Value", "google.protobuf.ListValue",
            "google.protobuf.StringValue", "google.protobuf.Struct", "google.protobuf.Timestamp",
            "google.protobuf.UInt32Value", "google.protobuf.UInt64Value", "google.protobuf.Value",
        ])
        #expect(schema.enums.keys.sorted() == ["conformance.v1.AllTypes.Color", "google.protobuf.NullValue"])
        #expect(schema.services.keys.sorted() == ["conformance.v1.ConformanceService"])
        #expect(schema.fileOfElement["conformance.v1.AllTypes.Inner.Deeper"] == "conformance/v1/scalars.proto")
        #expect(schema.fileOfElement["conformance.v1.AllTypes.Color"] == "conformance/v1/scalars.proto")
        #expect(schema.fileOfElement["conformance.v1.OptionalFields"] == "conformance/v1/optional.proto")
        #expect(schema.fileOfElement["conformance.v1.ConformanceService"] == "conformance/v1/scalars.proto")
        #expect(schema.fileOfElement["google.protobuf.Timestamp"] == "google/protobuf/timestamp.proto")
        #expect(schema.fileOfElement.count == schema.messages.count + schema.enums.count + schema.services.count)
        #expect(schema.ownMessages.map(\.name) == [
            "OptionalFields", "AllTypes", "Inner", "Deeper", "TreeNode", "MutualA", "MutualB", "Empty", "WellKnownFields",
        ])
    }

    static let scalarFields: [(String, Int, ScalarType)] = [
        ("f_double", 1, .double), ("f_float", 2, .float), ("f_int64", 3, .int64), ("f_uint64", 4, .uint64),
        ("f_int32", 5, .int32), ("f_fixed64", 6, .fixed64), ("f_fixed32", 7, .fixed32), ("f_bool", 8, .bool),
        ("f_string", 9, .string), ("f_bytes", 10, .bytes), ("f_uint32", 11, .uint32), ("f_sfixed32", 12, .sfixed32),
        ("f_sfixed64", 13, .sfixed64), ("f_sint32", 14, .sint32), ("f_sint64", 15, .sint64),
    ]

    @Test(arguments: scalarFields)
    func singularScalar(name: String, number: Int, type: ScalarType) throws {
        let f = try field(name)
        #expect(f.number == number)
        #expect(f.type == .scalar(type))
        #expect(f.label == .implicit)
        #expect(f.oneofIndex == nil)
        #expect(!f.isPacked)
        #expect(!f.hasExplicitJSONName)
        #expect(f.jsonName == Linker.jsonName(name))
        #expect(f.comments.leading == "\(type.rawValue).")
    }

    @Test(arguments: scalarFields)
    func repeatedScalarPackedByDefault(name: String, number: Int, type: ScalarType) throws {
        let f = try field("r" + name.dropFirst())
        #expect(f.number == number + 30)
        #expect(f.type == .scalar(type))
        #expect(f.label == .repeated)
        #expect(f.isRepeated)
        #expect(f.isPacked == (type != .string && type != .bytes))
    }

    @Test func enumMessageAndWellKnownFields() throws {
        #expect(try field("f_color").type == .enumeration("conformance.v1.AllTypes.Color"))
        #expect(try field("f_inner").type == .message("conformance.v1.AllTypes.Inner"))
        #expect(try field("f_timestamp").type == .message("google.protobuf.Timestamp"))
        #expect(try field("f_duration").type == .message("google.protobuf.Duration"))
        let rTimestamp = try field("r_timestamp")
        #expect(rTimestamp.type == .message("google.protobuf.Timestamp"))
        #expect(rTimestamp.label == .repeated && !rTimestamp.isPacked)
        let rColor = try field("r_color")
        #expect(rColor.type == .enumeration("conformance.v1.AllTypes.Color") && rColor.isPacked)
        let rInner = try field("r_inner")
        #expect(rInner.type == .message("conformance.v1.AllTypes.Inner") && !rInner.isPacked)
    }

    @Test func unpackedFields() throws {
        for (name, number) in [("u_int32", 48), ("u_fixed64", 49), ("u_color", 50)] {
            let f = try field(name)
            #expect(f.number == number)
            #expect(f.label == .repeated)
            #expect(!f.isPacked)
            #expect(f.options == [OptionValue(name: "packed", value: "false", location: f.options[0].location)])
        }
        #expect(try field("u_color").options[0].location.description == "conformance/v1/scalars.proto:125:32")
    }

    @Test func mapsWithEveryKeyType() throws {
        let expected: [(String, Int, ScalarType, FieldType)] = [
            ("m_int32_int32", 61, .int32, .scalar(.int32)),
            ("m_int64_string", 62, .int64, .scalar(.string)),
            ("m_uint32_bytes", 63, .uint32, .scalar(.bytes)),
            ("m_uint64_double", 64, .uint64, .scalar(.double)),
            ("m_sint32_float", 65, .sint32, .scalar(.float)),
            ("m_sint64_bool", 66, .sint64, .scalar(.bool)),
            ("m_fixed32_sfixed32", 67, .fixed32, .scalar(.sfixed32)),
            ("m_fixed64_sfixed64", 68, .fixed64, .scalar(.sfixed64)),
            ("m_sfixed32_color", 69, .sfixed32, .enumeration("conformance.v1.AllTypes.Color")),
            ("m_sfixed64_inner", 70, .sfixed64, .message("conformance.v1.AllTypes.Inner")),
            ("m_bool_uint64", 71, .bool, .scalar(.uint64)),
            ("m_string_inner", 72, .string, .message("conformance.v1.AllTypes.Inner")),
        ]
        for (name, number, key, value) in expected {
            let f = try field(name)
            #expect(f.number == number)
            #expect(f.type == .map(key: key, value: value))
            #expect(f.label == .repeated)
            #expect(f.isMap)
            #expect(!f.isPacked)
        }
        let keys = Set(expected.map(\.2))
        #expect(keys == Set(ScalarType.allCases.filter(\.isValidMapKey)))
        // No synthetic map-entry messages.
        #expect(!schema.messages.keys.contains { $0.hasSuffix("Entry") })
    }

    @Test func oneofMembership() throws {
        #expect(allTypes.oneofs.count == 1)
        let choice = allTypes.oneofs[0]
        #expect(choice.name == "choice")
        #expect(choice.fieldNumbers == [81, 82, 83, 84, 85])
        #expect(choice.comments.leading == "A oneof over several kinds.")
        #expect(choice.location.description == "conformance/v1/scalars.proto:153:3")
        let members = allTypes.fields.filter { $0.oneofIndex == 0 }.map(\.name)
        #expect(members == ["o_uint32", "o_string", "o_inner", "o_color", "o_bytes"])
        for name in members { #expect(try field(name).label == .implicit) }
        #expect(try field("o_color").type == .enumeration("conformance.v1.AllTypes.Color"))
        #expect(try field("o_inner").type == .message("conformance.v1.AllTypes.Inner"))
        #expect(allTypes.fields.filter { $0.oneofIndex != nil }.count == 5)
    }

    @Test func fieldsInDeclarationOrder() {
        let numbers = allTypes.fields.map(\.number)
        #expect(numbers == Array(1...19) + Array(31...50) + Array(61...72) + Array(81...85) + [91, 92, 93, 536_870_911])
        #expect(allTypes.fieldsByNumber.map(\.number) == numbers)
        #expect(allTypes.field(number: 536_870_911)?.name == "f_large_number")
    }

    @Test func jsonNameAndDeprecated() throws {
        let renamed = try field("f_renamed")
        #expect(renamed.jsonName == "customName")
        #expect(renamed.hasExplicitJSONName)
        #expect(renamed.options.map(\.name) == ["json_name"])
        #expect(renamed.options.map(\.value) == ["customName"])
        let deprecated = try field("f_deprecated")
        #expect(deprecated.isDeprecated)
        #expect(deprecated.jsonName == "fDeprecated")
        #expect(!(try field("f_int32")).isDeprecated)
        #expect(try field("m_fixed32_sfixed32").jsonName == "mFixed32Sfixed32")
        #expect(try field("f_large_number").jsonName == "fLargeNumber")
    }

    @Test func aliasEnumWithNegativeValue() throws {
        let color = try #require(schema.enums["conformance.v1.AllTypes.Color"])
        #expect(color.name == "Color")
        #expect(color.allowAlias)
        #expect(color.options.map(\.name) == ["allow_alias"])
        #expect(color.values.map(\.name) == [
            "COLOR_UNSPECIFIED", "COLOR_RED", "COLOR_GREEN", "COLOR_VERDE", "COLOR_NEGATIVE",
        ])
        #expect(color.values.map(\.number) == [0, 1, 2, 2, -3])
        #expect(color.value(number: 2)?.name == "COLOR_GREEN")
        #expect(color.value(named: "COLOR_VERDE")?.comments.leading == "Alias of green.")
        #expect(color.value(number: -3)?.location.description == "conformance/v1/scalars.proto:24:5")
        #expect(color.comments.leading == "A nested enum with an alias.")
        #expect(color.location.description == "conformance/v1/scalars.proto:13:3")
        #expect(allTypes.nestedEnums == ["conformance.v1.AllTypes.Color"])
    }

    @Test func reservedRangesAndNames() {
        #expect(allTypes.reservedRanges.map { [$0.lower, $0.upper] } == [[99, 99], [100, 105]])
        #expect(allTypes.reservedRanges.map(\.location.description) == [
            "conformance/v1/scalars.proto:44:12", "conformance/v1/scalars.proto:44:16",
        ])
        #expect(allTypes.reservedRanges[1].contains(103))
        #expect(allTypes.reservedNames == ["old_field"])
    }

    @Test func nestedMessagesToAnyDepth() throws {
        #expect(allTypes.nestedMessages == ["conformance.v1.AllTypes.Inner"])
        let inner = try #require(schema.messages["conformance.v1.AllTypes.Inner"])
        #expect(inner.name == "Inner")
        #expect(inner.nestedMessages == ["conformance.v1.AllTypes.Inner.Deeper"])
        #expect(inner.fields.map(\.name) == ["a", "b", "deeper"])
        #expect(try field("deeper", in: inner).type == .message("conformance.v1.AllTypes.Inner.Deeper"))
        let deeper = try #require(schema.messages["conformance.v1.AllTypes.Inner.Deeper"])
        #expect(deeper.fullName == "conformance.v1.AllTypes.Inner.Deeper")
        #expect(deeper.location.description == "conformance/v1/scalars.proto:34:5")
        let d = try field("d", in: deeper)
        #expect(d.type == .scalar(.sint64) && d.isPacked && d.location.description == "conformance/v1/scalars.proto:38:7")
    }

    @Test func recursiveMessages() throws {
        let tree = try #require(schema.messages["conformance.v1.TreeNode"])
        #expect(try field("child", in: tree).type == .message("conformance.v1.TreeNode"))
        #expect(try field("children", in: tree).label == .repeated)
        #expect(try field("named", in: tree).type == .map(key: .string, value: .message("conformance.v1.TreeNode")))
        #expect(tree.oneofs.map(\.name) == ["link"])
        #expect(tree.oneofs[0].fieldNumbers == [5, 6])
        #expect(try field("other_name", in: tree).jsonName == "otherName")
        let a = try #require(schema.messages["conformance.v1.MutualA"])
        let b = try #require(schema.messages["conformance.v1.MutualB"])
        #expect(a.fields[0].type == .message("conformance.v1.MutualB"))
        #expect(b.fields[0].type == .message("conformance.v1.MutualA"))
        let empty = try #require(schema.messages["conformance.v1.Empty"])
        #expect(empty.fields.isEmpty && empty.oneofs.isEmpty)
    }

    @Test func proto3OptionalFields() throws {
        let m = try #require(schema.messages["conformance.v1.OptionalFields"])
        #expect(m.oneofs.isEmpty)
        let optional = m.fields.filter { $0.label == .optional }
        #expect(optional.map(\.number) == Array(1...8))
        #expect(optional.allSatisfy { $0.oneofIndex == nil })
        #expect(try field("o_color", in: m).type == .enumeration("conformance.v1.AllTypes.Color"))
        #expect(try field("o_inner", in: m).type == .message("conformance.v1.AllTypes.Inner"))
        #expect(try field("o_sint64", in: m).type == .scalar(.sint64))
        #expect(try field("plain", in: m).label == .implicit)
        #expect(try field("o_int32", in: m).location.description == "conformance/v1/optional.proto:12:3")
    }

    @Test func serviceWithAllStreamingKinds() throws {
        let service = try #require(schema.services["conformance.v1.ConformanceService"])
        #expect(service.name == "ConformanceService")
        #expect(service.comments.leading == "A service with all four streaming kinds.")
        #expect(service.location.description == "conformance/v1/scalars.proto:214:1")
        let methods = service.methods
        #expect(methods.map(\.name) == ["Unary", "ServerStream", "ClientStream", "BidiStream"])
        #expect(methods.map(\.clientStreaming) == [false, false, true, true])
        #expect(methods.map(\.serverStreaming) == [false, true, false, true])
        #expect(methods.map(\.inputType) == [
            "conformance.v1.AllTypes", "conformance.v1.AllTypes", "conformance.v1.TreeNode", "conformance.v1.Empty",
        ])
        #expect(methods.map(\.outputType) == [
            "conformance.v1.AllTypes", "conformance.v1.TreeNode", "conformance.v1.Empty", "conformance.v1.Empty",
        ])
        #expect(methods.map(\.comments.leading) == [
            "Unary.", "Server streaming.", "Client streaming.", "Bidirectional streaming.",
        ])
        #expect(methods[2].location.description == "conformance/v1/scalars.proto:220:3")
    }

    @Test func comments() throws {
        #expect(schema.files[1].comments.leading == """
            Conformance schema: every proto3 feature the generator and the codecs
            support, used only by tests. protobuf-c compiles this file.
            """)
        #expect(allTypes.comments.leading == "Every scalar type, singular, repeated (packed), unpacked, and in maps.")
        #expect(allTypes.comments.trailing.isEmpty)
        #expect(try field("f_renamed").comments.leading == "A field with an explicit JSON name.")
        #expect(try field("o_bytes").comments.leading == "Bytes.")
        #expect(schema.messages["conformance.v1.AllTypes.Inner.Deeper"]?.comments.leading == "Nested again.")
        let timestamp = try #require(schema.messages["google.protobuf.Timestamp"])
        #expect(timestamp.comments.leading.contains("\n\nIn JSON format"))
    }

    @Test func locations() throws {
        #expect(allTypes.location.description == "conformance/v1/scalars.proto:11:1")
        #expect(try field("f_double").location.description == "conformance/v1/scalars.proto:48:3")
        #expect(try field("r_double").location.description == "conformance/v1/scalars.proto:87:3")
        #expect(try field("m_string_inner").location.description == "conformance/v1/scalars.proto:150:3")
        #expect(try field("o_uint32").location.description == "conformance/v1/scalars.proto:155:5")
        #expect(try field("f_large_number").location.description == "conformance/v1/scalars.proto:173:3")
        #expect(schema.messages["conformance.v1.Empty"]?.location.description == "conformance/v1/scalars.proto:210:1")
    }
}

/// Loading: well-known files and the real service schema.
@Suite struct ParserSchemaTests {
    @Test func wellKnownFilesAreOnlyIncludedWhenImported() throws {
        let plain = try ParserTestSupport.load("syntax = \"proto3\";\nmessage M {}\n")
        #expect(plain.files.map(\.path) == ["test.proto"])
        #expect(plain.messages.keys.sorted() == ["M"])

        let timed = try ParserTestSupport.load(
            "syntax = \"proto3\";\nimport \"google/protobuf/duration.proto\";\nmessage M { google.protobuf.Duration d = 1; }\n")
        #expect(timed.files.map(\.path) == ["google/protobuf/duration.proto", "test.proto"])
        #expect(Schema.isWellKnown(file: timed.files[0].path))
        let duration = try #require(timed.messages["google.protobuf.Duration"])
        #expect(duration.fields.map(\.name) == ["seconds", "nanos"])
        #expect(duration.fields.map(\.type) == [.scalar(.int64), .scalar(.int32)])
        #expect(timed.ownMessages.map(\.fullName) == ["M"])
    }

    @Test func realServiceSchemaLoads() throws {
        let directory = ParserTestSupport.packageRoot.appendingPathComponent("schema")
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        guard files.contains(where: { $0.hasSuffix(".proto") }) else { return }
        let schema: Schema
        do {
            schema = try SchemaLoader.load(directory: directory.path)
        } catch {
            Issue.record("schema/ does not load:\n\(error)")
            return
        }
        #expect(!schema.services.isEmpty)
        #expect(schema.files.allSatisfy { $0.syntax == "proto3" })
        for message in schema.messages.values {
            for field in message.fields {
                switch field.type {
                case .message(let name): #expect(schema.messages[name] != nil, "\(message.fullName).\(field.name)")
                case .enumeration(let name): #expect(schema.enums[name] != nil, "\(message.fullName).\(field.name)")
                case .map(_, .message(let name)): #expect(schema.messages[name] != nil)
                case .map(_, .enumeration(let name)): #expect(schema.enums[name] != nil)
                default: break
                }
            }
        }
        for service in schema.services.values {
            for method in service.methods {
                #expect(schema.messages[method.inputType] != nil)
                #expect(schema.messages[method.outputType] != nil)
            }
        }
    }
}
