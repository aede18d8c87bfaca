import ProtoSchema
import Testing

@testable import ProtoSwiftEmitter

/// How a schema reaches the well-known types: imported without shipping them,
/// or vendored (a copy recognised, never generated again); other files under
/// google/protobuf/ are refused with an error that names them.
@Suite("well-known imports")
struct WellKnownImportTests {
    static let builtInPaths = [
        "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/empty.proto",
        "google/protobuf/field_mask.proto", "google/protobuf/struct.proto", "google/protobuf/timestamp.proto",
        "google/protobuf/wrappers.proto",
    ]

    static let user = """
        syntax = "proto3";
        package demo.v1;
        import "google/protobuf/any.proto";
        import "google/protobuf/empty.proto";
        import "google/protobuf/field_mask.proto";
        import "google/protobuf/struct.proto";
        import "google/protobuf/wrappers.proto";
        message Holder {
          google.protobuf.Any payload = 1;
          google.protobuf.Struct doc = 2;
          repeated google.protobuf.Value values = 3;
          map<string, google.protobuf.ListValue> lists = 4;
          google.protobuf.NullValue nothing = 5;
          google.protobuf.Int64Value count = 6;
          google.protobuf.FieldMask mask = 7;
          oneof pick { google.protobuf.Empty none = 8; google.protobuf.BytesValue blob = 9; }
        }
        """

    static func source(of path: String) throws -> String {
        try #require(SchemaLoader.builtInWellKnownTypes.files.first { $0.path == path }?.source)
    }

    static func emitted(_ schema: Schema) -> [String: String] {
        ModuleEmitter(schema: schema, moduleName: "Demo", schemaRootForHeader: "schema").emit()
    }

    @Test("every built-in file links on its own and declares what generated code names")
    func builtIns() {
        let schema = SchemaLoader.builtInWellKnownTypes
        #expect(schema.files.map(\.path) == Self.builtInPaths)
        #expect(schema.messages.count == 17)
        #expect(schema.enums.keys.sorted() == ["google.protobuf.NullValue"])
        for name in schema.messages.keys {
            #expect(TypeResolver.wellKnown(name) == "Proto" + name.dropFirst("google.protobuf.".count))
        }
    }

    @Test("imports resolve without vendoring, and the output uses ProtoWire's types")
    func importedWithoutVendoring() throws {
        let schema = try SchemaLoader.load(sources: [("demo/v1/holder.proto", Self.user)])
        let files = Self.emitted(schema)
        #expect(files.keys.sorted() == ["Demo+Registry.swift", "Demo+Schema.swift", "demo_v1_holder.pb.swift"])
        let text = try #require(files["demo_v1_holder.pb.swift"])
        for declaration in [
            "public var payload: ProtoAny? = nil", "public var doc: ProtoStruct? = nil",
            "public var values: [ProtoValue] = []",
            "public var lists: [String: ProtoListValue] = [:]", "public var nothing: ProtoNullValue = .nullValue",
            "public var count: ProtoInt64Value? = nil", "public var mask: ProtoFieldMask? = nil",
            "case none(ProtoEmpty)", "case blob(ProtoBytesValue)",
        ] {
            #expect(text.contains(declaration), "missing \(declaration)")
        }
        // null is a value for the NullValue field, not "absent".
        #expect(text.contains(#"if try c.decodeNil(forKey: key), !["nothing"].contains(key.stringValue) { continue }"#))
        #expect(
            files["Demo+Registry.swift"]?.contains("public static let typeRegistry = ProtoTypeRegistry(messageTypes)")
                == true)
    }

    @Test("a vendored copy of every well-known file is recognised and not generated again", arguments: builtInPaths)
    func vendoredCopy(path: String) throws {
        let user = "syntax = \"proto3\";\npackage demo.v1;\nimport \"\(path)\";\nmessage M { int32 a = 1; }\n"
        let schema = try SchemaLoader.load(sources: [("demo/v1/m.proto", user), (path, try Self.source(of: path))])
        #expect(schema.files.map(\.path).sorted() == ["demo/v1/m.proto", path])
        #expect(Schema.isWellKnown(file: path))
        #expect(
            Self.emitted(schema).keys.sorted() == ["Demo+Registry.swift", "Demo+Schema.swift", "demo_v1_m.pb.swift"])
    }

    @Test("a vendored copy with other comments and options is still the well-known type")
    func vendoredCopyWithOtherComments() throws {
        let copy = """
            // Vendored, with a header of our own.
            syntax = "proto3";
            package google.protobuf;
            option java_package = "elsewhere";
            // Comment.
            message Struct { map<string, Value> fields = 1; }
            message Value {
              oneof kind {
                NullValue null_value = 1; double number_value = 2; string string_value = 3;
                bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6;
              }
            }
            enum NullValue { NULL_VALUE = 0; }
            message ListValue { repeated Value values = 1; }
            """
        let schema = try SchemaLoader.load(sources: [
            ("demo/v1/holder.proto", Self.user), ("google/protobuf/struct.proto", copy),
        ])
        #expect(Self.emitted(schema)["demo_v1_holder.pb.swift"]?.contains("public var doc: ProtoStruct? = nil") == true)
    }

    @Test("a vendored copy that declares something else is refused, naming the difference")
    func vendoredCopyThatDiffers() throws {
        let changed = try Self.source(of: "google/protobuf/wrappers.proto")
            .replacingOccurrences(of: "int64 value = 1;", with: "int64 value = 1;\n  string unit = 2;")
            .replacingOccurrences(of: "message BytesValue", with: "message BlobValue")
        let user = """
            syntax = "proto3";
            package demo.v1;
            import "google/protobuf/wrappers.proto";
            message M { google.protobuf.Int64Value count = 1; }
            """
        let errors = ParserTestSupport.errors([("google/protobuf/wrappers.proto", changed), ("demo/v1/m.proto", user)])
        let text = errors.map(\.description).joined(separator: "\n")
        #expect(errors.count == 1)
        #expect(
            text.hasPrefix(
                "google/protobuf/wrappers.proto:1:1: this copy of a well-known file differs from the built-in one"))
        #expect(text.contains("google.protobuf.BytesValue is missing"))
        #expect(text.contains("google.protobuf.BlobValue is not part of the well-known file"))
        #expect(text.contains("google.protobuf.Int64Value adds string unit = 2"))
    }

    @Test("other files under google/protobuf/ are refused, whether vendored or imported")
    func otherGoogleFiles() {
        let vendored = ParserTestSupport.errors([
            (
                "google/protobuf/api.proto",
                "syntax = \"proto3\";\npackage google.protobuf;\nmessage Api { string name = 1; }\n"
            ),
            ("demo/v1/m.proto", "syntax = \"proto3\";\npackage demo.v1;\nmessage M {}\n"),
        ])
        #expect(
            vendored.map(\.description) == [
                "google/protobuf/api.proto:1:1: google/protobuf/api.proto is not a well-known type this generator builds in "
                    + "(any.proto, duration.proto, empty.proto, field_mask.proto, struct.proto, timestamp.proto, wrappers.proto); "
                    + "to use its declarations, copy the file out of google/protobuf/ into a package of your own"
            ])
        let imported = ParserTestSupport.errors(
            "syntax = \"proto3\";\npackage demo.v1;\nimport \"google/protobuf/descriptor.proto\";\nmessage M {}\n",
            path: "demo/v1/m.proto")
        #expect(imported.count == 1)
        #expect(
            imported.first?.description.hasPrefix(
                "demo/v1/m.proto:3:1: import \"google/protobuf/descriptor.proto\": google/protobuf/descriptor.proto is not a well-known type"
            ) == true)
    }

    @Test("the package google.protobuf is refused outside google/protobuf/")
    func packageOfTheWellKnownTypes() {
        let errors = ParserTestSupport.errors(
            "syntax = \"proto3\";\npackage google.protobuf;\nmessage Mine {}\n", path: "vendor/mine.proto")
        #expect(
            errors.map(\.description) == [
                "vendor/mine.proto:2:1: package google.protobuf is the well-known types' own; "
                    + "declare vendor/mine.proto's types in a package of your own"
            ])
    }
}
