import Testing

@testable import ProtoSchema

@Suite("Lint rules")
struct LintRuleTests {
    @Test("the rule flags its example", arguments: lintRuleExamples)
    func flagged(_ example: LintRuleExample) throws {
        let findings = try LintTestSupport.lint(example.flagged).filter { $0.ruleID == example.rule }
        #expect(!example.expected.isEmpty)
        #expect(findings.map(LintSpot.init) == example.expected)
        for f in findings { #expect(!f.message.isEmpty) }
    }

    @Test("the compliant version lints clean", arguments: lintRuleExamples)
    func clean(_ example: LintRuleExample) throws {
        let findings = try LintTestSupport.lint(example.clean)
        #expect(findings == [], "\(findings.map(\.description))")
    }

    @Test("every rule has a flagged example", arguments: Linter.rules)
    func everyRuleIsExercised(_ rule: LintRule) {
        #expect(lintRuleExamples.contains { $0.rule == rule.id })
    }

    @Test func ruleIDsAreUniqueAndScreamingSnake() {
        let ids = Linter.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(LintNaming.isUpperSnakeCase(id), "\(id)") }
        for rule in Linter.rules {
            #expect(!rule.summary.isEmpty && !rule.summary.contains("\n"), "\(rule.id)")
            #expect(Linter.rule(id: rule.id) == rule)
        }
        #expect(Linter.rule(id: "NOT_A_RULE") == nil)
    }

    @Test func everyExampleNamesAKnownRule() {
        for example in lintRuleExamples { #expect(Linter.rule(id: example.rule) != nil, "\(example.rule)") }
    }

    @Test("comments are required on every kind of element")
    func commentRequiredOnEveryKind() throws {
        let source = LintTestSupport.header + """
            message Thing {
              oneof choice {
                string a = 1;
              }
            }
            enum Colour {
              COLOUR_UNSPECIFIED = 0;
            }
            service Things {
              rpc GetThing(GetThingRequest) returns (GetThingResponse);
            }
            // protogen:lint-ignore RPC_REQUEST_RESPONSE_UNIQUE
            message GetThingRequest {}
              /*  */
            message GetThingResponse {}

            """
        let spots = try LintTestSupport.lint(source, rule: .commentRequired)
        #expect(
            spots == [
                LintSpot("test.v1.Thing", 5, 1), LintSpot("test.v1.Thing.choice", 6, 3), LintSpot("test.v1.Thing.a", 7, 5),
                LintSpot("test.v1.Colour", 10, 1), LintSpot("test.v1.Colour.COLOUR_UNSPECIFIED", 11, 3),
                LintSpot("test.v1.Things", 13, 1), LintSpot("test.v1.Things.GetThing", 14, 3),
                LintSpot("test.v1.GetThingRequest", 17, 1), LintSpot("test.v1.GetThingResponse", 19, 1),
            ])
        let messages = try LintTestSupport.lint(source).filter { $0.ruleID == LintRule.commentRequired.id }.map(\.message)
        #expect(messages[7].contains("besides a lint-ignore directive"))
        #expect(!messages[8].contains("besides"))
    }

    @Test("a message used as both request and response of one rpc is flagged once")
    func requestAlsoResponse() throws {
        let source = LintTestSupport.header + """
            // Things.
            service Things {
              // Roles: admin.
              rpc Echo(EchoRequest) returns (EchoRequest);
            }
            // The request.
            message EchoRequest {
              // The key.
              string idempotency_key = 1;
            }

            """
        let findings = try LintTestSupport.lint(source)
        #expect(findings.filter { $0.ruleID == LintRule.rpcRequestResponseUnique.id }.map(LintSpot.init) == [
            LintSpot("test.v1.Things.Echo", 8, 3)
        ])
        #expect(findings.filter { $0.ruleID == LintRule.rpcRequestResponseNames.id }.count == 1)
    }

    @Test("request reuse is found across files")
    func uniqueAcrossFiles() throws {
        let h = LintTestSupport.header
        let a = h + """
            // A.
            service A {
              // Roles: admin.
              rpc GetA(GetARequest) returns (GetAResponse);
            }
            // Request.
            message GetARequest {}
            // Response.
            message GetAResponse {}

            """
        let b = h + """
            import "a.proto";

            // B.
            service B {
              // Roles: admin.
              rpc GetB(GetARequest) returns (GetBResponse);
            }
            // Response.
            message GetBResponse {}

            """
        let findings = try LintTestSupport.lint(["a.proto": a, "b.proto": b])
            .filter { $0.ruleID == LintRule.rpcRequestResponseUnique.id }
        #expect(findings.map(LintSpot.init) == [LintSpot("test.v1.B.GetB", 10, 3)])
        #expect(findings.first?.location.file == "b.proto")
        #expect(findings.first?.message.contains("test.v1.A.GetA") == true)
    }

    @Test("types reached through import public count as used")
    func importPublicChain() throws {
        let h = LintTestSupport.header
        let files = [
            "c.proto": h + "// C.\nmessage C {}\n",
            "b.proto": h + "import public \"c.proto\";\n",
            "a.proto": h + "import \"b.proto\";\n\n// A.\nmessage A {\n  // The C.\n  C c = 1;\n}\n",
            // Imports b.proto but uses nothing from it, not even through the public import.
            "d.proto": h + "import \"b.proto\";\n\n// D.\nmessage D {}\n",
        ]
        let findings = try LintTestSupport.lint(files)
        #expect(findings.map(\.ruleID) == [LintRule.importUnused.id])
        #expect(findings.first.map(LintSpot.init) == LintSpot("b.proto", 5, 1))
        #expect(findings.first?.location.file == "d.proto")
        #expect(findings.first?.message.contains("imports publicly") == true)
    }

    @Test("an import used only by an rpc's request counts")
    func importUsedByRPC() throws {
        let h = LintTestSupport.header
        let messages = h + "// Request.\nmessage GetThingRequest {}\n"
        let service = h + """
            import "messages.proto";

            // Things.
            service Things {
              // Roles: admin.
              rpc GetThing(GetThingRequest) returns (GetThingResponse);
            }
            // Response.
            message GetThingResponse {}

            """
        #expect(try LintTestSupport.lint(["messages.proto": messages, "test.proto": service]) == [])
    }

    @Test(
        "package versions",
        arguments: [
            ("v1", true), ("v2beta1", true), ("v1alpha", true), ("v10", true), ("v1beta", true), ("v3alpha12", true),
            ("v", false), ("version1", false), ("V1", false), ("v1gamma", false), ("beta1", false), ("v1_beta", false),
            ("api", false), ("vbeta1", false), ("v1beta1x", false),
        ])
    func packageVersion(_ component: String, _ valid: Bool) {
        #expect(FileLinter.isVersion(component) == valid)
    }

    @Test(
        "enum value prefixes",
        arguments: [
            ("ComplaintType", "COMPLAINT_TYPE_"), ("Colour", "COLOUR_"), ("HTTPStatus", "HTTP_STATUS_"),
            ("Sha256Digest", "SHA256_DIGEST_"), ("V2Thing", "V2_THING_"), ("PriceErrorKind", "PRICE_ERROR_KIND_"),
        ])
    func enumValuePrefix(_ name: String, _ prefix: String) {
        #expect(FileLinter.valuePrefix(of: EnumDescriptor(name: name, fullName: name, location: .init(file: "", line: 1, column: 1))) == prefix)
    }

    @Test(
        "lower_snake_case",
        arguments: [
            ("buyer_id", true), ("sha256", true), ("line_2", true), ("a", true), ("a1_b2_c3", true),
            ("_x", false), ("x_", false), ("a__b", false), ("Buyer", false), ("buyerID", false), ("2x", false), ("x_Y", false),
        ])
    func lowerSnakeCase(_ name: String, _ valid: Bool) {
        #expect(LintNaming.isLowerSnakeCase(name) == valid)
    }

    @Test(
        "PascalCase",
        arguments: [
            ("Complaint", true), ("FileComplaintRequest", true), ("V2Thing", true), ("HTTPStatus", true),
            ("complaint", false), ("File_Complaint", false), ("_Complaint", false), ("FILE_COMPLAINT", false),
        ])
    func pascalCase(_ name: String, _ valid: Bool) {
        #expect(LintNaming.isPascalCase(name) == valid)
    }

    @Test func suggestions() {
        #expect(LintNaming.lowerSnakeCase("buyerID") == "buyer_id")
        #expect(LintNaming.lowerSnakeCase("BuyerId") == "buyer_id")
        #expect(LintNaming.pascalCase("file_complaint") == "FileComplaint")
        #expect(LintNaming.pascalCase("FILE_COMPLAINT") == "FileComplaint")
        #expect(LintNaming.upperSnakeCase("complaintTypeFake") == "COMPLAINT_TYPE_FAKE")
    }
}
