import Foundation
import Testing

@testable import ProtoSchema

/// For one rule: a minimal schema the rule flags (with the exact findings)
/// and its compliant version, which lints clean.
struct LintRuleExample: Sendable, CustomTestStringConvertible {
    var rule: String
    var name: String
    /// path -> source; the file under test is `test.proto`.
    var flagged: [String: String]
    /// The rule's findings in `flagged`, in report order.
    var expected: [LintSpot]
    /// The compliant version: no findings of any rule.
    var clean: [String: String]

    init(_ rule: LintRule, _ name: String, flagged: String, expected: [LintSpot], clean: String) {
        self.init(rule, name, flagged: ["test.proto": flagged], expected: expected, clean: ["test.proto": clean])
    }

    init(_ rule: LintRule, _ name: String, flagged: [String: String], expected: [LintSpot], clean: [String: String]) {
        self.rule = rule.id
        self.name = name
        self.flagged = flagged
        self.expected = expected
        self.clean = clean
    }

    var testDescription: String { "\(rule): \(name)" }
}

private let h = LintTestSupport.header

/// A documented service `Things` (line 6) with one rpc on line 8 and
/// documented messages after it.
private func service(
    _ rpc: String, _ request: String, _ response: String, requestBody: String = "", comment: String = "Roles: admin."
) -> String {
    h + """
        // Things.
        service Things {
          // \(comment)
          rpc \(rpc)(\(request)) returns (\(response));
        }

        // The request.
        message \(request) {\(requestBody)}

        // The response.
        message \(response) {}

        """
}

/// An enum `Role` with one role, admin.
private let roleEnum = """

    // Who calls.
    enum Role {
      // Not set.
      ROLE_UNSPECIFIED = 0;
      // Staff.
      ROLE_ADMIN = 1;
    }

    """

/// A documented enum on line 6 with the given value lines from line 7.
private func enumeration(_ name: String, _ values: [String]) -> String {
    h + "// An enum.\nenum \(name) {\n" + values.map { "  // A value.\n  \($0)\n" }.joined() + "}\n"
}

let lintRuleExamples: [LintRuleExample] = [
    LintRuleExample(
        .messagePascalCase, "snake_case message",
        flagged: h + "// A thing.\nmessage bad_thing {}\n",
        expected: [LintSpot("test.v1.bad_thing", 6, 1)],
        clean: h + "// A thing.\nmessage GoodThing {}\n"),
    LintRuleExample(
        .messagePascalCase, "nested lower-case message",
        flagged: h + "// A thing.\nmessage Thing {\n  // A part.\n  message part {}\n}\n",
        expected: [LintSpot("test.v1.Thing.part", 8, 3)],
        clean: h + "// A thing.\nmessage Thing {\n  // A part.\n  message Part {}\n}\n"),
    LintRuleExample(
        .enumPascalCase, "lower-case enum",
        flagged: enumeration("colour", ["COLOUR_UNSPECIFIED = 0;"]),
        expected: [LintSpot("test.v1.colour", 6, 1)],
        clean: enumeration("Colour", ["COLOUR_UNSPECIFIED = 0;"])),
    LintRuleExample(
        .servicePascalCase, "snake_case service",
        flagged: service("GetThing", "GetThingRequest", "GetThingResponse")
            .replacingOccurrences(of: "service Things", with: "service thing_service"),
        expected: [LintSpot("test.v1.thing_service", 6, 1)],
        clean: service("GetThing", "GetThingRequest", "GetThingResponse")),
    LintRuleExample(
        .rpcPascalCase, "camelCase rpc",
        flagged: service("getThing", "getThingRequest", "getThingResponse"),
        expected: [LintSpot("test.v1.Things.getThing", 8, 3)],
        clean: service("GetThing", "GetThingRequest", "GetThingResponse")),
    LintRuleExample(
        .fieldSnakeCase, "camelCase field and PascalCase oneof",
        flagged: h + """
            // A thing.
            message Thing {
              // The buyer.
              string buyerID = 1;
              // Which one.
              oneof Choice {
                // A.
                string a = 2;
              }
            }

            """,
        expected: [LintSpot("test.v1.Thing.buyerID", 8, 3), LintSpot("test.v1.Thing.Choice", 10, 3)],
        clean: h + """
            // A thing.
            message Thing {
              // The buyer.
              string buyer_id = 1;
              // Which one.
              oneof choice {
                // A.
                string a = 2;
              }
            }

            """),
    LintRuleExample(
        .fieldSnakeCase, "doubled and trailing underscores",
        flagged: h + "// A thing.\nmessage Thing {\n  // A.\n  string line__2 = 1;\n  // B.\n  string b_ = 2;\n}\n",
        expected: [LintSpot("test.v1.Thing.line__2", 8, 3), LintSpot("test.v1.Thing.b_", 10, 3)],
        clean: h + "// A thing.\nmessage Thing {\n  // A.\n  string line_2 = 1;\n  // B.\n  string sha256 = 2;\n}\n"),
    LintRuleExample(
        .enumValueUpperSnake, "mixed-case value",
        flagged: enumeration("Colour", ["COLOUR_UNSPECIFIED = 0;", "COLOUR_red = 1;"]),
        expected: [LintSpot("test.v1.Colour.COLOUR_red", 10, 3)],
        clean: enumeration("Colour", ["COLOUR_UNSPECIFIED = 0;", "COLOUR_RED = 1;"])),
    LintRuleExample(
        .enumValuePrefix, "value without the enum's prefix",
        flagged: enumeration("ComplaintType", ["COMPLAINT_TYPE_UNSPECIFIED = 0;", "FAKE_RETURN = 1;", "COMPLAINT_TYPE_ = 2;"]),
        expected: [LintSpot("test.v1.ComplaintType.FAKE_RETURN", 10, 3), LintSpot("test.v1.ComplaintType.COMPLAINT_TYPE_", 12, 3)],
        clean: enumeration("ComplaintType", ["COMPLAINT_TYPE_UNSPECIFIED = 0;", "COMPLAINT_TYPE_FAKE_RETURN = 1;"])),
    LintRuleExample(
        .enumValuePrefix, "nested enum uses its own name",
        flagged: h + "// A thing.\nmessage Thing {\n  // A state.\n  enum State {\n    // Not set.\n    THING_STATE_UNSPECIFIED = 0;\n  }\n}\n",
        expected: [LintSpot("test.v1.Thing.State.THING_STATE_UNSPECIFIED", 10, 5)],
        clean: h + "// A thing.\nmessage Thing {\n  // A state.\n  enum State {\n    // Not set.\n    STATE_UNSPECIFIED = 0;\n  }\n}\n"),
    LintRuleExample(
        .enumZeroValueUnspecified, "zero value not UNSPECIFIED",
        flagged: enumeration("Colour", ["COLOUR_NONE = 0;", "COLOUR_RED = 1;"]),
        expected: [LintSpot("test.v1.Colour.COLOUR_NONE", 8, 3)],
        clean: enumeration("Colour", ["COLOUR_UNSPECIFIED = 0;", "COLOUR_RED = 1;"])),
    LintRuleExample(
        .commentRequired, "undocumented message and a field with only a directive",
        flagged: h + "message Thing {\n  // protogen:lint-ignore FIELD_SNAKE_CASE\n  string name = 1;\n}\n",
        expected: [LintSpot("test.v1.Thing", 5, 1), LintSpot("test.v1.Thing.name", 7, 3)],
        clean: h + "// A thing.\nmessage Thing {\n  // Its name.\n  // protogen:lint-ignore FIELD_SNAKE_CASE\n  string name = 1;\n}\n"),
    LintRuleExample(
        .commentRequired, "blank and separated comments",
        flagged: h + "//\nmessage Thing {\n  // Its name.\n\n  string name = 1; // trailing only\n}\n",
        expected: [LintSpot("test.v1.Thing", 6, 1), LintSpot("test.v1.Thing.name", 9, 3)],
        clean: h + "/* A thing. */\nmessage Thing {\n  // Its name.\n  string name = 1; // trailing too\n}\n"),
    LintRuleExample(
        .rpcRequestResponseNames, "request and response named otherwise",
        flagged: service("GetThing", "ThingQuery", "Thing"),
        expected: [LintSpot("test.v1.Things.GetThing", 8, 3), LintSpot("test.v1.Things.GetThing", 8, 3)],
        clean: service("GetThing", "GetThingRequest", "GetThingResponse")),
    LintRuleExample(
        .rpcRequestResponseUnique, "response shared by two rpcs and a request used as a field",
        flagged: h + """
            // Things.
            service Things {
              // Roles: admin.
              rpc GetThing(GetThingRequest) returns (GetThingResponse);
              // Roles: admin.
              rpc ListThings(ListThingsRequest) returns (GetThingResponse);
            }

            // Request of GetThing.
            message GetThingRequest {}
            // Response of GetThing.
            message GetThingResponse {
              // What was asked.
              GetThingRequest request = 1;
            }
            // Request of ListThings.
            message ListThingsRequest {}

            """,
        expected: [LintSpot("test.v1.Things.ListThings", 10, 3), LintSpot("test.v1.GetThingResponse.request", 18, 3)],
        clean: h + """
            // Things.
            service Things {
              // Roles: admin.
              rpc GetThing(GetThingRequest) returns (GetThingResponse);
              // Roles: admin.
              rpc ListThings(ListThingsRequest) returns (ListThingsResponse);
            }

            // A query.
            message Query {}
            // Request of GetThing.
            message GetThingRequest {
              // What is asked.
              Query query = 1;
            }
            // Response of GetThing.
            message GetThingResponse {
              // What was asked.
              Query query = 1;
            }
            // Request of ListThings.
            message ListThingsRequest {}
            // Response of ListThings.
            message ListThingsResponse {}

            """),
    LintRuleExample(
        .idempotencyKeyRequired, "mutating rpc without a key",
        flagged: service("CreateThing", "CreateThingRequest", "CreateThingResponse"),
        expected: [LintSpot("test.v1.Things.CreateThing", 8, 3)],
        clean: service(
            "CreateThing", "CreateThingRequest", "CreateThingResponse",
            requestBody: "\n  // Retries with the same key return the first result.\n  string idempotency_key = 1;\n")),
    LintRuleExample(
        .idempotencyKeyRequired, "key of the wrong type",
        flagged: service(
            "CreateThing", "CreateThingRequest", "CreateThingResponse",
            requestBody: "\n  // The key.\n  bytes idempotency_key = 1;\n"),
        expected: [LintSpot("test.v1.Things.CreateThing", 8, 3)],
        clean: service(
            "CreateThing", "CreateThingRequest", "CreateThingResponse",
            requestBody: "\n  // The key.\n  string idempotency_key = 1;\n")),
    LintRuleExample(
        .rpcRolesDeclared, "rpc without a Roles line",
        flagged: service("GetThing", "GetThingRequest", "GetThingResponse", comment: "Gets one."),
        expected: [LintSpot("test.v1.Things.GetThing", 8, 3)],
        clean: service("GetThing", "GetThingRequest", "GetThingResponse")),
    LintRuleExample(
        .rpcRolesDeclared, "a Roles line that cannot be read",
        flagged: service("GetThing", "GetThingRequest", "GetThingResponse", comment: "Roles: Admin, admin (all)."),
        expected: [LintSpot("test.v1.Things.GetThing", 8, 3)],
        clean: service("GetThing", "GetThingRequest", "GetThingResponse", comment: "Roles: admin, merchant (own).")),
    LintRuleExample(
        .rpcRolesDeclared, "a role the package's Role enum does not have",
        flagged: service("GetThing", "GetThingRequest", "GetThingResponse", comment: "Roles: owner.") + roleEnum,
        expected: [LintSpot("test.v1.Things.GetThing", 8, 3)],
        clean: service("GetThing", "GetThingRequest", "GetThingResponse", comment: "Roles: admin (own).") + roleEnum),
    LintRuleExample(
        .noProto3Optional, "optional field",
        flagged: h + "// A thing.\nmessage Thing {\n  // A note.\n  optional string note = 1;\n}\n",
        expected: [LintSpot("test.v1.Thing.note", 8, 3)],
        clean: h + "// A thing.\nmessage Thing {\n  // A note.\n  oneof note_choice {\n    // The note.\n    string note = 1;\n  }\n}\n"),
    LintRuleExample(
        .importUnused, "import of a file whose types are not used",
        flagged: [
            "test.proto": h + "import \"other.proto\";\n\n// A thing.\nmessage Thing {}\n",
            "other.proto": h + "// Another.\nmessage Other {}\n",
        ],
        expected: [LintSpot("other.proto", 5, 1)],
        clean: [
            "test.proto": h + "import \"other.proto\";\n\n// A thing.\nmessage Thing {\n  // The other.\n  Other other = 1;\n}\n",
            "other.proto": h + "// Another.\nmessage Other {}\n",
        ]),
    LintRuleExample(
        .importUnused, "an unused well-known import",
        flagged: h + "import \"google/protobuf/timestamp.proto\";\n\n// A thing.\nmessage Thing {}\n",
        expected: [LintSpot("google/protobuf/timestamp.proto", 5, 1)],
        clean: h + "import \"google/protobuf/timestamp.proto\";\n\n// A thing.\nmessage Thing {\n"
            + "  // When, by value in a map.\n  map<string, google.protobuf.Timestamp> times = 1;\n}\n"),
    LintRuleExample(
        .packageRequired, "no package",
        flagged: "syntax = \"proto3\";\n\n// A thing.\nmessage Thing {}\n",
        expected: [LintSpot("test.proto", 1, 1)],
        clean: h + "// A thing.\nmessage Thing {}\n"),
    LintRuleExample(
        .packageVersionSuffix, "unversioned package",
        flagged: "syntax = \"proto3\";\n\n  package test.api;\n\n// A thing.\nmessage Thing {}\n",
        expected: [LintSpot("test.api", 3, 3)],
        clean: "syntax = \"proto3\";\n\npackage test.v2beta1;\n\n// A thing.\nmessage Thing {}\n"),
    LintRuleExample(
        .lintIgnoreUnknownRule, "unknown and lower-case ids",
        flagged: h + "// A thing.\n// protogen:lint-ignore NOT_A_RULE,comment_required legacy\nmessage Thing {}\n",
        expected: [LintSpot("NOT_A_RULE", 6, 25), LintSpot("comment_required", 6, 36)],
        clean: h + "// A thing.\n// protogen:lint-ignore MESSAGE_PASCAL_CASE legacy\nmessage Thing {}\n"),
]
