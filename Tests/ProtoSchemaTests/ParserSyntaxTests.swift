import Testing

@testable import ProtoSchema

/// Lexical and syntactic edge cases of proto3.
@Suite struct ParserSyntaxTests {
    private func load(_ source: String) throws -> Schema {
        do {
            return try ParserTestSupport.load(source)
        } catch {
            Issue.record("unexpected errors:\n\(error)")
            throw error
        }
    }

    private func fileOption(_ schema: Schema, _ name: String) -> String? {
        schema.files.first { $0.path == "test.proto" }?.options.first { $0.name == name }?.value
    }

    // MARK: - Literals

    @Test func stringEscapes() throws {
        let schema = try load(#"""
            syntax = "proto3";
            option java_package = "a\nb\tc\\d\"e\'f";
            option go_package = 'single "quoted" \x41\x4a\101\0';
            option objc_class_prefix = "\u00e9\U0001F600\a\b\f\r\v\?";
            option csharp_namespace = "adjacent" ' and ' "concatenated";
            option swift_prefix = "";
            option php_namespace = "UTF-8 stays: é ☃";
            """#)
        #expect(fileOption(schema, "java_package") == "a\nb\tc\\d\"e'f")
        #expect(fileOption(schema, "go_package") == "single \"quoted\" AJA\u{0}")
        #expect(fileOption(schema, "objc_class_prefix") == "é😀\u{07}\u{08}\u{0C}\r\u{0B}?")
        #expect(fileOption(schema, "csharp_namespace") == "adjacent and concatenated")
        #expect(fileOption(schema, "swift_prefix") == "")
        #expect(fileOption(schema, "php_namespace") == "UTF-8 stays: é ☃")
    }

    @Test func singleQuotedSyntaxAndImport() throws {
        let schema = try SchemaLoader.load(sources: [
            ("a.proto", "syntax = 'proto3'; message A {}"),
            ("b.proto", "syntax = \"pro\" 'to3'; import 'a.proto'; message B { A a = 1; }"),
        ])
        #expect(schema.messages["B"]?.fields[0].type == .message("A"))
    }

    @Test func integerLiterals() throws {
        let schema = try load("""
            syntax = "proto3";
            message M {
              int32 hex = 0x10;
              int32 octal = 010;
              int32 upper_hex = 0XfF;
              int32 decimal = 123;
            }
            enum E {
              E_ZERO = 0;
              E_NEG = -1;
              E_NEG_HEX = -0x10;
              E_OCT = 017;
              E_MIN = -2147483648;
              E_MAX = 0x7fffffff;
              reserved 0x100 to 0x1ff, 010000 to 0x7ffffff0;
            }
            """)
        #expect(schema.messages["M"]?.fields.map(\.number) == [16, 8, 255, 123])
        let e = try #require(schema.enums["E"])
        #expect(e.values.map(\.number) == [0, -1, -16, 15, Int32.min, Int32.max])
        #expect(e.reservedRanges.map { [$0.lower, $0.upper] } == [[256, 511], [4096, 0x7fff_fff0]])
    }

    @Test func reservedMaxDependsOnTheElement() throws {
        let schema = try load("""
            syntax = "proto3";
            message M { reserved 10 to max; reserved "x", 'y'; }
            enum E { E_ZERO = 0; reserved 10 to max, -5 to -1; reserved "E_X"; }
            """)
        #expect(schema.messages["M"]?.reservedRanges.map(\.upper) == [536_870_911])
        #expect(schema.messages["M"]?.reservedNames == ["x", "y"])
        #expect(schema.enums["E"]?.reservedRanges.map { [$0.lower, $0.upper] } == [[10, Int(Int32.max)], [-5, -1]])
        #expect(schema.enums["E"]?.reservedNames == ["E_X"])
    }

    @Test func optionValuesOfEveryKind() throws {
        let schema = try load("""
            syntax = "proto3";
            option java_multiple_files = true;
            option optimize_for = SPEED;
            option (my.float) = 1.5e3;
            option (my.inf) = inf;
            option (my.neg_inf) = -inf;
            option (my.nan) = nan;
            option (my.neg) = -42;
            option (my.plus) = +7;
            option (my.hex) = 0x1F;
            option (.fully.qualified).sub.field = "x";
            option (my.agg) = { a: 1 b: "two" c { d: [1, 2] } };
            option (my.frac) = .5;
            """)
        let options = try #require(schema.files.first?.options)
        #expect(options.map(\.name) == [
            "java_multiple_files", "optimize_for", "(my.float)", "(my.inf)", "(my.neg_inf)", "(my.nan)", "(my.neg)",
            "(my.plus)", "(my.hex)", "(.fully.qualified).sub.field", "(my.agg)", "(my.frac)",
        ])
        #expect(options.map(\.value) == [
            "true", "SPEED", "1.5e3", "inf", "-inf", "nan", "-42", "7", "0x1F", "x",
            "{ a: 1 b: \"two\" c { d: [1, 2] } }", ".5",
        ])
        #expect(options[10].location.description == "test.proto:12:1")
    }

    @Test func optionsOnEveryElement() throws {
        let schema = try load("""
            syntax = "proto3";
            package p;
            option deprecated = true;
            message M {
              option deprecated = true;
              option (custom.msg) = 1;
              int32 a = 1 [deprecated = true, (custom.field).x = "y", json_name = "alpha"];
              oneof o {
                option (custom.oneof) = true;
                int32 b = 2 [deprecated = false];
              }
            }
            enum E {
              option deprecated = true;
              E_ZERO = 0 [deprecated = true, (custom.value) = 3];
              E_ONE = 1;
            }
            service S {
              option deprecated = true;
              option (custom.service) = "s";
              rpc Old(M) returns (M) { option deprecated = true; option idempotency_level = NO_SIDE_EFFECTS; }
              rpc New(M) returns (M) {}
            }
            """)
        let m = try #require(schema.messages["p.M"])
        #expect(m.isDeprecated)
        #expect(m.options.map(\.name) == ["deprecated", "(custom.msg)"])
        let a = try #require(m.field(named: "a"))
        #expect(a.isDeprecated && a.jsonName == "alpha" && a.hasExplicitJSONName)
        #expect(a.options.map(\.name) == ["deprecated", "(custom.field).x", "json_name"])
        #expect(a.options.map(\.location.column) == [16, 35, 59])
        #expect(m.oneofs[0].options.map(\.value) == ["true"])
        #expect(m.field(named: "b")?.isDeprecated == false)
        let e = try #require(schema.enums["p.E"])
        #expect(e.isDeprecated)
        #expect(e.values[0].isDeprecated && !e.values[1].isDeprecated)
        #expect(e.values[0].options.map(\.name) == ["deprecated", "(custom.value)"])
        let s = try #require(schema.services["p.S"])
        #expect(s.isDeprecated)
        #expect(s.options.map(\.name) == ["deprecated", "(custom.service)"])
        #expect(s.methods.map(\.isDeprecated) == [true, false])
        #expect(s.methods[0].options.map(\.value) == ["true", "NO_SIDE_EFFECTS"])
        #expect(schema.files[0].options.map(\.name) == ["deprecated"])
    }

    @Test func packedOption() throws {
        let schema = try load("""
            syntax = "proto3";
            enum E { E_ZERO = 0; }
            message M {
              repeated int32 a = 1;
              repeated int32 b = 2 [packed = true];
              repeated int32 c = 3 [packed = false];
              repeated E d = 4 [packed = false];
              repeated E e = 5;
              repeated string f = 6;
              repeated M g = 7;
              int32 h = 8;
            }
            """)
        #expect(schema.messages["M"]?.fields.map(\.isPacked) == [true, true, false, false, true, false, false, false])
    }

    // MARK: - Keywords and names

    @Test func keywordsAsFieldNames() throws {
        let keywords = [
            "message", "option", "enum", "service", "rpc", "returns", "stream", "syntax", "package", "import",
            "public", "weak", "reserved", "oneof", "map", "repeated", "optional", "required", "to", "max", "inf",
            "nan", "true", "false", "extend", "extensions", "group", "int32", "string", "bytes",
        ]
        var source = "syntax = \"proto3\";\nmessage M {\n"
        for (i, k) in keywords.enumerated() { source += "  string \(k) = \(i + 1);\n" }
        source += "  int32 max_value = 100;\n  optional int32 optional_x = 101;\n  repeated int32 repeated_x = 102;\n}\n"
        source += "enum E { option = 0; }\n".replacingOccurrences(of: "option", with: "E_OPTION")
        let schema = try load(source)
        let m = try #require(schema.messages["M"])
        #expect(m.fields.map(\.name) == keywords + ["max_value", "optional_x", "repeated_x"])
        #expect(m.fields.prefix(keywords.count).allSatisfy { $0.type == .scalar(.string) && $0.label == .implicit })
        #expect(m.field(named: "optional_x")?.label == .optional)
    }

    @Test func keywordsAsTypeAndElementNames() throws {
        let schema = try load("""
            syntax = "proto3";
            message stream {}
            message returns {}
            message Service {
              stream stream = 1;
              .returns returns = 2;
            }
            service rpc {
              rpc rpc(.stream) returns (stream returns);
              rpc service(stream .stream) returns (.returns);
            }
            """)
        #expect(schema.messages["Service"]?.fields.map(\.type) == [.message("stream"), .message("returns")])
        let methods = try #require(schema.services["rpc"]?.methods)
        #expect(methods.map(\.inputType) == ["stream", "stream"])
        #expect(methods.map(\.outputType) == ["returns", "returns"])
        #expect(methods.map(\.clientStreaming) == [false, true])
        #expect(methods.map(\.serverStreaming) == [true, false])
    }

    @Test(arguments: [
        ("foo_bar_baz", "fooBarBaz"), ("foo__bar", "fooBar"), ("_x", "X"), ("x_", "x"), ("a_1b", "a1b"),
        ("fooBar", "fooBar"), ("FOO_BAR", "FOOBAR"), ("a", "a"), ("foo_bar_", "fooBar"), ("__a__b", "AB"),
    ])
    func defaultJSONName(name: String, json: String) throws {
        #expect(Linker.jsonName(name) == json)
        let schema = try load("syntax = \"proto3\";\nmessage M { int32 \(name) = 1; }\n")
        #expect(schema.messages["M"]?.fields.first?.jsonName == json)
        #expect(schema.messages["M"]?.fields.first?.hasExplicitJSONName == false)
    }

    // MARK: - Statements

    @Test func emptyStatementsEverywhere() throws {
        let schema = try load("""
            syntax = "proto3";;
            ;package p;;
            ;import "other.proto";;
            message M { ; int32 a = 1; ; oneof o { ; int32 b = 2; ; } ; ; }
            enum E { ; E_ZERO = 0; ; }
            service S { ; rpc A(M) returns (M) { ; } ; rpc B(M) returns (M); ; }
            ;
            """.replacingOccurrences(of: ";import \"other.proto\";;\n", with: ""))
        #expect(schema.messages["p.M"]?.fields.count == 2)
        #expect(schema.services["p.S"]?.methods.count == 2)
    }

    @Test func importKinds() throws {
        let schema = try SchemaLoader.load(sources: [
            ("a.proto", "syntax = \"proto3\";\nmessage A {}\n"),
            ("b.proto", "syntax = \"proto3\";\nmessage B {}\n"),
            ("c.proto", "syntax = \"proto3\";\nimport public \"a.proto\";\nimport weak \"b.proto\";\nimport \"google/protobuf/timestamp.proto\";\n"),
        ])
        let c = try #require(schema.files.first { $0.path == "c.proto" })
        #expect(c.imports.map(\.path) == ["a.proto", "b.proto", "google/protobuf/timestamp.proto"])
        #expect(c.imports.map(\.isPublic) == [true, false, false])
        #expect(c.imports.map(\.isWeak) == [false, true, false])
        #expect(c.imports.map(\.location.line) == [2, 3, 4])
    }

    @Test func fileWithoutPackage() throws {
        let schema = try load("syntax = \"proto3\";\nmessage A { B b = 1; message B {} }\nservice S { rpc X(A.B) returns (A); }\n")
        #expect(schema.files[0].package == "")
        #expect(schema.messages.keys.sorted() == ["A", "A.B"])
        #expect(schema.services["S"]?.methods[0].inputType == "A.B")
        #expect(schema.fileOfElement["A.B"] == "test.proto")
    }

    @Test func extendBlocksAreParsedAndIgnored() throws {
        let schema = try load("""
            syntax = "proto3";
            extend google.protobuf.FieldOptions {
              string my_option = 50000;
              repeated int32 more = 50001;
            }
            message M { int32 a = 1 [(my_option) = "x"]; }
            """)
        #expect(schema.messages.keys.sorted() == ["M"])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let schema = try load("\u{FEFF}syntax = \"proto3\";\nmessage M {}\n")
        #expect(schema.messages["M"]?.location.description == "test.proto:2:1")
    }

    @Test func windowsLineEndings() throws {
        let schema = try load("syntax = \"proto3\";\r\n// About M.\r\nmessage M {\r\n  int32 a = 1; // trailing\r\n}\r\n")
        let m = try #require(schema.messages["M"])
        #expect(m.comments.leading == "About M.")
        #expect(m.fields[0].comments.trailing == "trailing")
        #expect(m.fields[0].location.description == "test.proto:4:3")
    }

    // MARK: - Name resolution

    @Test func scopingRules() throws {
        let schema = try SchemaLoader.load(sources: [
            ("dep.proto", "syntax = \"proto3\";\npackage a.b;\nmessage Dep { enum Kind { KIND_ZERO = 0; } }\n"),
            ("test.proto", """
                syntax = "proto3";
                package a.b.c;
                import "dep.proto";
                message Dep {}
                message Outer {
                  message Inner { message Leaf {} }
                  Inner inner = 1;
                  Inner.Leaf leaf = 2;
                  Dep local_dep = 3;
                  .a.b.Dep far_dep = 4;
                  b.Dep via_package = 5;
                  a.b.Dep.Kind kind = 6;
                  message Shadow {
                    message Inner {}
                    Inner shadowed = 1;
                    Outer.Inner outer_inner = 2;
                    .a.b.c.Outer.Inner.Leaf absolute = 3;
                  }
                  Outer Outer = 7;
                }
                """),
        ])
        let outer = try #require(schema.messages["a.b.c.Outer"])
        #expect(outer.fields.map(\.type) == [
            .message("a.b.c.Outer.Inner"), .message("a.b.c.Outer.Inner.Leaf"), .message("a.b.c.Dep"),
            .message("a.b.Dep"), .message("a.b.Dep"), .enumeration("a.b.Dep.Kind"), .message("a.b.c.Outer"),
        ])
        let shadow = try #require(schema.messages["a.b.c.Outer.Shadow"])
        #expect(shadow.fields.map(\.type) == [
            .message("a.b.c.Outer.Shadow.Inner"), .message("a.b.c.Outer.Inner"), .message("a.b.c.Outer.Inner.Leaf"),
        ])
        #expect(outer.nestedMessages == ["a.b.c.Outer.Inner", "a.b.c.Outer.Shadow"])
    }

    @Test func publicImportChains() throws {
        let schema = try SchemaLoader.load(sources: [
            ("a.proto", "syntax = \"proto3\";\npackage x;\nmessage A {}\n"),
            ("b.proto", "syntax = \"proto3\";\nimport public \"a.proto\";\n"),
            ("c.proto", "syntax = \"proto3\";\nimport public \"b.proto\";\n"),
            ("d.proto", "syntax = \"proto3\";\npackage y;\nimport \"c.proto\";\nmessage D { x.A a = 1; }\n"),
        ])
        #expect(schema.messages["y.D"]?.fields[0].type == .message("x.A"))
        #expect(schema.files.map(\.path) == ["a.proto", "b.proto", "c.proto", "d.proto"])
    }

    // MARK: - Comments

    @Test func commentsInOddPlaces() throws {
        let schema = try load("""
            /* License block.
             * Second line. */

            // Header line one.
            //Header line two (no space).
            syntax = "proto3"; // after syntax

            // Detached: separated by a blank line.

            // Leading of M,
            // two lines.
            message M { // trailing of M
              // Leading of a.
              int32 a = 1; // trailing of a
              /* block leading */ int32 b = 2; /* block trailing */
              int32 /* inside */ c = 3;
              // Leading of d
              // continues.

              int32 d = 4;
              /*
               * Starred
               *   indented
               */
              int32 e = 5;
              int32 f = 6; // trailing f
              // leading g
              int32 g = 7;
              oneof o { // trailing of o
                // Leading of h.
                int32 h = 8;
              }
            } // closing M

            /** Javadoc style. */
            enum E {
              E_ZERO = 0; // zero
              // one
              E_ONE = 1;
            }

            // Service.
            service S {
              // Method.
              rpc A(M) returns (M) { // method body
              }
              rpc B(M) returns (M); // after B
            }
            // EOF comment without newline
            """)
        let file = schema.files[0]
        #expect(file.comments.leading == "License block.\nSecond line.\n\nHeader line one.\nHeader line two (no space).")
        #expect(file.comments.trailing == "after syntax")
        let m = try #require(schema.messages["M"])
        #expect(m.comments == Comments(leading: "Leading of M,\ntwo lines.", trailing: "trailing of M"))
        func c(_ name: String) -> Comments { m.field(named: name)?.comments ?? Comments(leading: "?") }
        #expect(c("a") == Comments(leading: "Leading of a.", trailing: "trailing of a"))
        #expect(c("b") == Comments(leading: "block leading", trailing: "block trailing"))
        #expect(c("c") == Comments())
        #expect(c("d") == Comments())
        #expect(c("e") == Comments(leading: "Starred\n  indented"))
        #expect(c("f") == Comments(trailing: "trailing f"))
        #expect(c("g") == Comments(leading: "leading g"))
        #expect(c("h") == Comments(leading: "Leading of h."))
        #expect(m.oneofs[0].comments == Comments(trailing: "trailing of o"))
        #expect(m.field(named: "b")?.location.description == "test.proto:15:23")
        let e = try #require(schema.enums["E"])
        #expect(e.comments == Comments(leading: "Javadoc style."))
        #expect(e.values.map(\.comments) == [Comments(trailing: "zero"), Comments(leading: "one")])
        let s = try #require(schema.services["S"])
        #expect(s.comments.leading == "Service.")
        #expect(s.methods[0].comments == Comments(leading: "Method.", trailing: "method body"))
        #expect(s.methods[1].comments == Comments(trailing: "after B"))
    }

    @Test func closingBraceTrailingComment() throws {
        let schema = try load("syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n} // end of M\n")
        #expect(schema.messages["M"]?.comments == Comments(trailing: "end of M"))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let schema = try load("syntax = \"proto3\";\n/* é☃😀 */ message M { /* ü */ int32 a = 1; }\n")
        #expect(schema.messages["M"]?.location.description == "test.proto:2:11")
        #expect(schema.messages["M"]?.fields[0].location.description == "test.proto:2:31")
    }

    @Test func sourceIsKeptVerbatim() throws {
        let text = "syntax = \"proto3\";\n\n// x\nmessage M {}\n"
        let schema = try load(text)
        #expect(schema.files[0].source == text)
    }

    @Test func largeSchemaParsesQuickly() throws {
        var source = "syntax = \"proto3\";\npackage big;\n"
        for i in 0..<1000 {
            source += """
                // Message \(i).
                message M\(i) {
                  int32 a = 1; // trailing
                  repeated M\(max(i - 1, 0)) prev = 2;
                  map<string, M\(i)> self = 3;
                  enum E { E\(i)_ZERO = 0; E\(i)_ONE = 1; }
                  oneof o { E e = 4; string s = 5; }
                }

                """
        }
        let clock = ContinuousClock()
        let start = clock.now
        let schema = try load(source)
        #expect(schema.messages.count == 1000)
        #expect(clock.now - start < .seconds(5))
    }
}
