import Testing

@testable import ProtoSchema

/// One minimal schema per validation error: the error's exact location and
/// a phrase naming the problem.
struct ParserValidationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    /// `file:line:column`
    var location: String
    var phrase: String
    /// How many errors the source produces in all.
    var count = 1

    var testDescription: String { name }
}

private let header = "syntax = \"proto3\";\n"

let parserValidationCases: [ParserValidationCase] = [
    // Field numbers.
    ParserValidationCase(
        name: "duplicate field number",
        source: header + "message M {\n  int32 a = 1;\n  int32 b = 1;\n}\n",
        location: "test.proto:4:13", phrase: "field number 1 of \"b\" is already used by field \"a\""),
    ParserValidationCase(
        name: "duplicate field number across a oneof",
        source: header + "message M {\n  int32 a = 1;\n  oneof o {\n    string b = 1;\n  }\n}\n",
        location: "test.proto:5:16", phrase: "already used by field \"a\""),
    ParserValidationCase(
        name: "field number zero",
        source: header + "message M {\n  int32 a = 0;\n}\n",
        location: "test.proto:3:13", phrase: "field number 0 of \"a\" must be positive"),
    ParserValidationCase(
        name: "negative field number",
        source: header + "message M {\n  int32 a = -1;\n}\n",
        location: "test.proto:3:13", phrase: "field number -1 of \"a\" must be positive"),
    ParserValidationCase(
        name: "field number above the maximum",
        source: header + "message M {\n  int32 a = 536870912;\n}\n",
        location: "test.proto:3:13", phrase: "exceeds the maximum 536870911"),
    ParserValidationCase(
        name: "field number in the implementation range",
        source: header + "message M {\n  int32 a = 19500;\n}\n",
        location: "test.proto:3:13", phrase: "reserved for the protobuf implementation"),
    ParserValidationCase(
        name: "reserved field number",
        source: header + "message M {\n  reserved 5, 10 to 20;\n  int32 a = 15;\n}\n",
        location: "test.proto:4:13", phrase: "field number 15 of \"a\" is reserved (reserved 10 to 20)"),
    ParserValidationCase(
        name: "reserved field number up to max",
        source: header + "message M {\n  reserved 100 to max;\n  int32 a = 200;\n}\n",
        location: "test.proto:4:13", phrase: "is reserved (reserved 100 to 536870911)"),
    ParserValidationCase(
        name: "reserved field name",
        source: header + "message M {\n  reserved \"a\";\n  int32 a = 1;\n}\n",
        location: "test.proto:4:9", phrase: "field name \"a\" is reserved"),
    ParserValidationCase(
        name: "reversed reserved range",
        source: header + "message M {\n  reserved 9 to 2;\n}\n",
        location: "test.proto:3:12", phrase: "reserved range 9 to 2 is empty"),
    ParserValidationCase(
        name: "overlapping reserved ranges",
        source: header + "message M {\n  reserved 1 to 5, 4;\n}\n",
        location: "test.proto:3:20", phrase: "overlaps the reserved range 1 to 5"),
    ParserValidationCase(
        name: "unquoted reserved name",
        source: header + "message M {\n  reserved foo;\n}\n",
        location: "test.proto:3:12", phrase: "reserved names must be quoted strings"),

    // Duplicate names.
    ParserValidationCase(
        name: "duplicate field name",
        source: header + "message M {\n  int32 a = 1;\n  string a = 2;\n}\n",
        location: "test.proto:4:10", phrase: "\"a\" is already defined in \"M\" (as field at test.proto:3:9)"),
    ParserValidationCase(
        name: "duplicate nested type name",
        source: header + "message M {\n  message N {}\n  enum N { N_ZERO = 0; }\n}\n",
        location: "test.proto:4:8", phrase: "\"N\" is already defined in \"M\" (as message"),
    ParserValidationCase(
        name: "duplicate top-level message",
        source: header + "package p;\nmessage A {}\nmessage A {}\n",
        location: "test.proto:4:9", phrase: "\"A\" is already defined in \"p\""),
    ParserValidationCase(
        name: "field and oneof with one name",
        source: header + "message M {\n  int32 o = 1;\n  oneof o { int32 b = 2; }\n}\n",
        location: "test.proto:4:9", phrase: "\"o\" is already defined in \"M\" (as field"),
    ParserValidationCase(
        name: "enum values of sibling enums share a scope",
        source: header + "package p;\nenum A { UNKNOWN = 0; }\nenum B { UNKNOWN = 0; }\n",
        location: "test.proto:4:10", phrase: "enum values are siblings of their enum"),
    ParserValidationCase(
        name: "duplicate rpc name",
        source: header + "message M {}\nservice S {\n  rpc A(M) returns (M);\n  rpc A(M) returns (M);\n}\n",
        location: "test.proto:5:7", phrase: "\"A\" is already defined in \"S\" (as rpc"),

    // Types.
    ParserValidationCase(
        name: "unknown type",
        source: header + "message M {\n  Missing m = 1;\n}\n",
        location: "test.proto:3:3", phrase: "unknown type \"Missing\""),
    ParserValidationCase(
        name: "unknown qualified type",
        source: header + "message M {\n  repeated .foo.Bar m = 1;\n}\n",
        location: "test.proto:3:12", phrase: "unknown type \".foo.Bar\""),
    ParserValidationCase(
        name: "partially resolved type",
        source: header
            + "package p;\nmessage Foo { message Bar {} }\nmessage Outer {\n  message Foo {}\n  Foo.Bar x = 1;\n}\n",
        location: "test.proto:6:3", phrase: "unknown type \"Foo.Bar\": it resolves to \"p.Outer.Foo.Bar\""),
    ParserValidationCase(
        name: "field of service type",
        source: header + "service S {}\nmessage M {\n  S s = 1;\n}\n",
        location: "test.proto:4:3", phrase: "\"S\" is not a message or enum type (it is a service)"),
    ParserValidationCase(
        name: "well-known type without its import",
        source: header + "message M {\n  google.protobuf.Timestamp t = 1;\n}\n",
        location: "test.proto:3:3", phrase: "unknown type \"google.protobuf.Timestamp\""),

    // Maps.
    ParserValidationCase(
        name: "float map key",
        source: header + "message M {\n  map<float, string> m = 1;\n}\n",
        location: "test.proto:3:7", phrase: "invalid map key type \"float\""),
    ParserValidationCase(
        name: "double map key",
        source: header + "message M {\n  map<double, string> m = 1;\n}\n",
        location: "test.proto:3:7", phrase: "invalid map key type \"double\""),
    ParserValidationCase(
        name: "bytes map key",
        source: header + "message M {\n  map<bytes, string> m = 1;\n}\n",
        location: "test.proto:3:7", phrase: "invalid map key type \"bytes\""),
    ParserValidationCase(
        name: "message map key",
        source: header + "message M {\n  map<M, string> m = 1;\n}\n",
        location: "test.proto:3:7", phrase: "invalid map key type \"M\" (a message)"),
    ParserValidationCase(
        name: "enum map key",
        source: header + "enum E { E_ZERO = 0; }\nmessage M {\n  map<E, string> m = 1;\n}\n",
        location: "test.proto:4:7", phrase: "invalid map key type \"E\" (an enum)"),
    ParserValidationCase(
        name: "repeated map",
        source: header + "message M {\n  repeated map<string, string> m = 1;\n}\n",
        location: "test.proto:3:3", phrase: "map fields cannot be repeated"),
    ParserValidationCase(
        name: "optional map",
        source: header + "message M {\n  optional map<string, string> m = 1;\n}\n",
        location: "test.proto:3:3", phrase: "map fields cannot be optional"),
    ParserValidationCase(
        name: "map of maps",
        source: header + "message M {\n  map<string, map<string, string>> m = 1;\n}\n",
        location: "test.proto:3:15", phrase: "map values cannot themselves be maps"),
    ParserValidationCase(
        name: "map in a oneof",
        source: header + "message M {\n  oneof o {\n    map<string, string> m = 1;\n  }\n}\n",
        location: "test.proto:4:5", phrase: "map fields are not allowed in oneofs"),

    // Labels.
    ParserValidationCase(
        name: "optional inside a oneof",
        source: header + "message M {\n  oneof o {\n    optional int32 a = 1;\n  }\n}\n",
        location: "test.proto:4:5", phrase: "\"optional\" is not allowed inside oneof \"o\""),
    ParserValidationCase(
        name: "repeated inside a oneof",
        source: header + "message M {\n  oneof o {\n    repeated int32 a = 1;\n  }\n}\n",
        location: "test.proto:4:5", phrase: "oneof \"o\" cannot contain repeated fields"),
    ParserValidationCase(
        name: "required label",
        source: header + "message M {\n  required int32 a = 1;\n}\n",
        location: "test.proto:3:3", phrase: "required fields are not allowed in proto3"),
    ParserValidationCase(
        name: "empty oneof",
        source: header + "message M {\n  oneof o {}\n}\n",
        location: "test.proto:3:3", phrase: "oneof \"o\" must have at least one field"),

    // Enums.
    ParserValidationCase(
        name: "first enum value not zero",
        source: header + "enum E { E_ONE = 1; }\n",
        location: "test.proto:2:18", phrase: "the first value of enum \"E\" must be zero in proto3"),
    ParserValidationCase(
        name: "duplicate enum number without allow_alias",
        source: header + "enum E {\n  E_ZERO = 0;\n  E_A = 1;\n  E_B = 1;\n}\n",
        location: "test.proto:5:9", phrase: "\"E_B\" reuses number 1 of \"E_A\"; set option allow_alias = true"),
    ParserValidationCase(
        name: "allow_alias without aliases",
        source: header + "enum E {\n  option allow_alias = true;\n  E_ZERO = 0;\n}\n",
        location: "test.proto:3:3", phrase: "sets allow_alias = true but has no aliases"),
    ParserValidationCase(
        name: "empty enum",
        source: header + "enum E {}\n",
        location: "test.proto:2:1", phrase: "enum \"E\" must have at least one value"),
    ParserValidationCase(
        name: "enum value out of int32 range",
        source: header + "enum E {\n  E_ZERO = 0;\n  E_BIG = 2147483648;\n}\n",
        location: "test.proto:4:11", phrase: "out of the int32 range"),
    ParserValidationCase(
        name: "reserved enum number",
        source: header + "enum E {\n  reserved 1 to 3;\n  E_ZERO = 0;\n  E_TWO = 2;\n}\n",
        location: "test.proto:5:11", phrase: "enum value \"E_TWO\" uses reserved number 2"),
    ParserValidationCase(
        name: "reserved enum value name",
        source: header + "enum E {\n  reserved \"E_OLD\";\n  E_ZERO = 0;\n  E_OLD = 1;\n}\n",
        location: "test.proto:5:3", phrase: "enum value name \"E_OLD\" is reserved"),

    // Services.
    ParserValidationCase(
        name: "rpc input is an enum",
        source: header + "enum E { E_ZERO = 0; }\nmessage M {}\nservice S {\n  rpc Do(E) returns (M);\n}\n",
        location: "test.proto:5:10", phrase: "rpc request type \"E\" is not a message (it is an enum)"),
    ParserValidationCase(
        name: "rpc output is a scalar",
        source: header + "message M {}\nservice S {\n  rpc Do(M) returns (stream string);\n}\n",
        location: "test.proto:4:29", phrase: "rpc response type \"string\" is not a message"),
    ParserValidationCase(
        name: "rpc with an unknown type",
        source: header + "message M {}\nservice S {\n  rpc Do(M) returns (Nope);\n}\n",
        location: "test.proto:4:22", phrase: "unknown type \"Nope\""),

    // JSON names.
    ParserValidationCase(
        name: "default JSON names conflict",
        source: header + "message M {\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}\n",
        location: "test.proto:4:9",
        phrase: "the default JSON name \"fooBar\" of field \"fooBar\" conflicts with the default JSON name of field \"foo_bar\""),
    ParserValidationCase(
        name: "custom JSON name conflicts",
        source: header + "message M {\n  int32 a = 1;\n  int32 b = 2 [json_name = \"a\"];\n}\n",
        location: "test.proto:4:16", phrase: "the custom JSON name \"a\" of field \"b\" conflicts"),
    ParserValidationCase(
        name: "json_name that is not a string",
        source: header + "message M {\n  int32 a = 1 [json_name = b];\n}\n",
        location: "test.proto:3:28", phrase: "json_name must be a string literal"),

    // Options.
    ParserValidationCase(
        name: "packed on a string field",
        source: header + "message M {\n  repeated string s = 1 [packed = true];\n}\n",
        location: "test.proto:3:26", phrase: "[packed = true] is only allowed on repeated scalar numeric, bool or enum fields"),
    ParserValidationCase(
        name: "packed on a singular field",
        source: header + "message M {\n  int32 a = 1 [packed = false];\n}\n",
        location: "test.proto:3:16", phrase: "[packed = false] is only allowed on repeated"),
    ParserValidationCase(
        name: "packed on a message field",
        source: header + "message M {\n  repeated M m = 1 [packed = true];\n}\n",
        location: "test.proto:3:21", phrase: "is only allowed on repeated scalar numeric"),
    ParserValidationCase(
        name: "unknown field option",
        source: header + "message M {\n  int32 a = 1 [deprecate = true];\n}\n",
        location: "test.proto:3:16", phrase: "unknown field option \"deprecate\""),
    ParserValidationCase(
        name: "unknown file option",
        source: header + "option jav_package = \"x\";\n",
        location: "test.proto:2:1", phrase: "unknown file option \"jav_package\""),
    ParserValidationCase(
        name: "boolean option with a non-boolean value",
        source: header + "message M {\n  int32 a = 1 [deprecated = 1];\n}\n",
        location: "test.proto:3:16", phrase: "option \"deprecated\" must be true or false"),
    ParserValidationCase(
        name: "option set twice",
        source: header + "message M {\n  int32 a = 1 [deprecated = true, deprecated = false];\n}\n",
        location: "test.proto:3:35", phrase: "option \"deprecated\" is set more than once"),
    ParserValidationCase(
        name: "explicit default value",
        source: header + "message M {\n  int32 a = 1 [default = 5];\n}\n",
        location: "test.proto:3:16", phrase: "explicit default values are not allowed in proto3"),
    ParserValidationCase(
        name: "explicit map_entry",
        source: header + "message M {\n  option map_entry = true;\n}\n",
        location: "test.proto:3:3", phrase: "map_entry must not be set explicitly"),

    // Syntax and file structure.
    ParserValidationCase(
        name: "proto2 refused",
        source: "syntax = \"proto2\";\nmessage M { required int32 a = 1; }\n",
        location: "test.proto:1:10", phrase: "proto2 is not supported"),
    ParserValidationCase(
        name: "editions refused",
        source: "edition = \"2023\";\nmessage M {}\n",
        location: "test.proto:1:1", phrase: "editions are not supported"),
    ParserValidationCase(
        name: "missing syntax",
        source: "// A file.\nmessage M {}\n",
        location: "test.proto:2:1", phrase: "missing syntax statement"),
    ParserValidationCase(
        name: "syntax not first",
        source: header + "syntax = \"proto3\";\n",
        location: "test.proto:2:1", phrase: "\"syntax\" must be the first statement"),
    ParserValidationCase(
        name: "two packages",
        source: header + "package a;\npackage b;\n",
        location: "test.proto:3:1", phrase: "multiple package declarations"),
    ParserValidationCase(
        name: "missing equals sign",
        source: header + "message M {\n  int32 a 1;\n}\n",
        location: "test.proto:3:11", phrase: "expected \"=\", found number 1"),
    ParserValidationCase(
        name: "missing semicolon",
        source: header + "message M {\n  int32 a = 1\n  int32 b = 2;\n}\n",
        location: "test.proto:4:3", phrase: "expected \";\", found \"int32\""),
    ParserValidationCase(
        name: "missing field name",
        source: header + "message M {\n  int32 = 1;\n}\n",
        location: "test.proto:3:9", phrase: "expected field name, found \"=\""),
    ParserValidationCase(
        name: "unclosed message",
        source: header + "message M {\n  int32 a = 1;\n",
        location: "test.proto:4:1", phrase: "expected \"}\" to close message \"M\", found end of file"),
    ParserValidationCase(
        name: "garbage at top level",
        source: header + "messsage M {}\n",
        location: "test.proto:2:1", phrase: "expected a top-level declaration"),
    ParserValidationCase(
        name: "rpc without returns",
        source: header + "message M {}\nservice S {\n  rpc Do(M) (M);\n}\n",
        location: "test.proto:4:13", phrase: "expected \"returns\", found \"(\""),
    ParserValidationCase(
        name: "group",
        source: header + "message M {\n  repeated group G = 1 {}\n}\n",
        location: "test.proto:3:12", phrase: "groups are not supported in proto3"),
    ParserValidationCase(
        name: "extension range",
        source: header + "message M {\n  extensions 100 to 199;\n}\n",
        location: "test.proto:3:3", phrase: "extension ranges are not allowed in proto3"),
    ParserValidationCase(
        name: "unterminated string",
        source: header + "option java_package = \"abc;\n",
        location: "test.proto:2:23", phrase: "unterminated string literal", count: 2),
    ParserValidationCase(
        name: "invalid escape",
        source: header + "option java_package = \"a\\qb\";\n",
        location: "test.proto:2:25", phrase: "invalid escape sequence \"\\q\""),
    ParserValidationCase(
        name: "unterminated block comment",
        source: header + "message M {}\n/* never closed\n",
        location: "test.proto:3:1", phrase: "unterminated block comment"),
    ParserValidationCase(
        name: "invalid octal number",
        source: header + "message M {\n  int32 a = 09;\n}\n",
        location: "test.proto:3:13", phrase: "invalid octal number \"09\""),
    ParserValidationCase(
        name: "unexpected character",
        source: header + "message M {\n  int32 a = 1; #\n}\n",
        location: "test.proto:3:16", phrase: "unexpected character '#'"),
]

@Suite struct ParserValidationTests {
    @Test("each validation error is reported where it occurs", arguments: parserValidationCases)
    func validationError(_ c: ParserValidationCase) {
        let errors = ParserTestSupport.errors(c.source)
        let matching = errors.filter { $0.location.description == c.location && $0.message.contains(c.phrase) }
        #expect(matching.count == 1, "\(c.name): expected \(c.location): …\(c.phrase)…, got:\n\(SchemaErrors(errors))")
        #expect(errors.count == c.count, "\(c.name): \(SchemaErrors(errors))")
    }

    @Test func errorDescriptionIsFileLineColumnMessage() {
        let errors = ParserTestSupport.errors(header + "message M {\n  int32 a = 0;\n}\n")
        #expect(errors.map(\.description) == ["test.proto:3:13: field number 0 of \"a\" must be positive (1 to 536870911)"])
        let all = SchemaErrors(errors + errors)
        #expect(all.description == errors[0].description + "\n" + errors[0].description)
    }

    @Test func allErrorsAreCollectedInSourceOrder() {
        let source = header + """
            message M {
              int32 a = 0;
              Missing b = 2;
              int32 c = 2;
              map<float, int32> d = 4;
            }
            enum E { E_ONE = 1; }

            """
        let errors = ParserTestSupport.errors(source)
        #expect(errors.map(\.location.description) == [
            "test.proto:3:13", "test.proto:4:3", "test.proto:5:13", "test.proto:6:7", "test.proto:8:18",
        ])
    }

    @Test func syntaxErrorsInSeveralStatementsAreAllReported() {
        let source = header + """
            message M {
              int32 a 1;
              string = 2;
              int32 c = 3;
            }
            enum E { E_ZERO 0; }
            service S { rpc }

            """
        let errors = ParserTestSupport.errors(source)
        #expect(errors.map(\.location.description) == [
            "test.proto:3:11", "test.proto:4:10", "test.proto:7:17", "test.proto:8:17",
        ])
    }

    // MARK: - Multi-file errors

    @Test func missingImport() {
        let errors = ParserTestSupport.errors(header + "import \"nope/missing.proto\";\nmessage M {}\n")
        #expect(errors.map(\.description) == [
            "test.proto:2:1: import \"nope/missing.proto\" not found: no such file in the schema"
        ])
    }

    @Test func typeFromAFileThatIsNotImported() {
        let errors = ParserTestSupport.errors([
            ("a.proto", header + "package p;\nmessage A {}\n"),
            ("b.proto", header + "package p;\nmessage B {\n  A a = 1;\n}\n"),
        ])
        #expect(errors.map(\.description) == [
            "b.proto:4:3: unknown type \"A\": \"p.A\" is defined in \"a.proto\", which is not imported"
        ])
    }

    @Test func importsAreNotTransitiveUnlessPublic() throws {
        let a = ("a.proto", header + "package p;\nmessage A {}\n")
        let c = ("c.proto", header + "package p;\nimport \"b.proto\";\nmessage C {\n  A a = 1;\n}\n")
        let errors = ParserTestSupport.errors([a, ("b.proto", header + "import \"a.proto\";\n"), c])
        #expect(errors.map(\.location.description) == ["c.proto:5:3"])
        #expect(errors.first?.message.contains("not imported") == true)

        let schema = try SchemaLoader.load(sources: [a, ("b.proto", header + "import public \"a.proto\";\n"), c])
        #expect(schema.messages["p.C"]?.fields.first?.type == .message("p.A"))
    }

    @Test func importCycle() {
        let errors = ParserTestSupport.errors([
            ("a.proto", header + "import \"b.proto\";\n"),
            ("b.proto", header + "import \"c.proto\";\n"),
            ("c.proto", header + "import \"a.proto\";\n"),
        ])
        #expect(errors.map(\.description) == ["c.proto:2:1: import cycle: a.proto -> b.proto -> c.proto -> a.proto"])
    }

    @Test func selfImportIsACycle() {
        let errors = ParserTestSupport.errors(header + "import \"test.proto\";\n")
        #expect(errors.map(\.description) == ["test.proto:2:1: import cycle: test.proto -> test.proto"])
    }

    @Test func duplicateImport() {
        let errors = ParserTestSupport.errors([
            ("a.proto", header + "message A {}\n"),
            ("b.proto", header + "import \"a.proto\";\nimport \"a.proto\";\n"),
        ])
        #expect(errors.map(\.description) == ["b.proto:3:1: import \"a.proto\" is listed more than once"])
    }

    @Test func duplicateSymbolAcrossFiles() {
        let errors = ParserTestSupport.errors([
            ("a.proto", header + "package p;\nmessage A {}\n"),
            ("b.proto", header + "package p;\nmessage A {}\n"),
        ])
        #expect(errors.map(\.description) == ["b.proto:3:9: \"A\" is already defined in \"p\" (as message at a.proto:3:9)"])
    }

    @Test func packageClashesWithAMessage() {
        let errors = ParserTestSupport.errors([
            ("a.proto", header + "package p;\nmessage q {}\n"),
            ("b.proto", header + "package p.q;\n"),
        ])
        #expect(errors.count == 1)
        #expect(errors.first?.location.description == "b.proto:2:1")
        #expect(errors.first?.message.contains("package \"p.q\" conflicts with message \"p.q\"") == true)
    }

    @Test func sameFileGivenTwice() {
        let errors = ParserTestSupport.errors([("a.proto", header), ("a.proto", header)])
        #expect(errors.map(\.description) == ["a.proto:1:1: file \"a.proto\" is given more than once"])
    }

    @Test func directoryThatDoesNotExist() {
        #expect(throws: SchemaErrors.self) { try SchemaLoader.load(directory: "/nonexistent/schema/dir") }
    }
}
