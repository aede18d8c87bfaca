import Testing

@testable import ProtoSchema

@Suite("Lint ignore directives")
struct LintIgnoreTests {
    private let h = LintTestSupport.header

    /// A documented message (line 6) whose documented field is on line 8 unless `field` says otherwise.
    private func thing(_ field: String) -> String {
        h + "// A thing.\nmessage Thing {\n" + field + "}\n"
    }

    @Test func sameLine() throws {
        let source = thing("  // The buyer.\n  string buyerID = 1; // protogen:lint-ignore FIELD_SNAKE_CASE legacy name\n")
        #expect(try LintTestSupport.lint(source) == [])
    }

    @Test func lineAboveBelowTheDocComment() throws {
        let source = thing("  // The buyer.\n  // protogen:lint-ignore FIELD_SNAKE_CASE legacy name\n  string buyerID = 1;\n")
        #expect(try LintTestSupport.lint(source) == [])
    }

    @Test func insideTheDocComment() throws {
        let source = thing(
            "  // The buyer.\n  // protogen:lint-ignore FIELD_SNAKE_CASE legacy name\n  // More about the buyer.\n  string buyerID = 1;\n")
        #expect(try LintTestSupport.lint(source) == [])
    }

    @Test func onTheElementsOwnLineForAMessage() throws {
        let source = h + "// A thing.\nmessage thing { // protogen:lint-ignore MESSAGE_PASCAL_CASE\n}\n"
        #expect(try LintTestSupport.lint(source) == [])
    }

    @Test func multipleIDs() throws {
        let source = thing("  // protogen:lint-ignore FIELD_SNAKE_CASE,COMMENT_REQUIRED\n  string buyerID = 1;\n")
        #expect(try LintTestSupport.lint(source) == [])
        let spaced = thing("  string buyerID = 1; // protogen:lint-ignore FIELD_SNAKE_CASE, COMMENT_REQUIRED because\n")
        #expect(try LintTestSupport.lint(spaced) == [])
    }

    @Test func silencesOnlyTheNamedRules() throws {
        let source = thing("  // protogen:lint-ignore FIELD_SNAKE_CASE\n  string buyerID = 1;\n")
        let findings = try LintTestSupport.lint(source)
        #expect(findings.map(\.ruleID) == [LintRule.commentRequired.id])
        #expect(findings.map(LintSpot.init) == [LintSpot("test.v1.Thing.buyerID", 8, 3)])
    }

    @Test func aBlankLineEndsTheBlock() throws {
        let source = thing("  // The buyer.\n  // protogen:lint-ignore FIELD_SNAKE_CASE\n\n  string buyerID = 1;\n")
        let findings = try LintTestSupport.lint(source)
        #expect(Set(findings.map(\.ruleID)) == [LintRule.fieldSnakeCase.id, LintRule.commentRequired.id])
    }

    @Test func theLineAboveMustBeAComment() throws {
        // The directive trails `a`; it does not reach `bC` on the next line.
        let source = thing("  // A.\n  string a = 1; // protogen:lint-ignore FIELD_SNAKE_CASE\n  // B.\n  string bC = 2;\n")
        let findings = try LintTestSupport.lint(source)
        #expect(findings.map(LintSpot.init) == [LintSpot("test.v1.Thing.bC", 10, 3)])
        let adjacent = thing("  // A.\n  string a = 1; // protogen:lint-ignore FIELD_SNAKE_CASE\n  string bC = 2;\n")
        #expect(try LintTestSupport.lint(adjacent).map(\.ruleID).contains(LintRule.fieldSnakeCase.id))
    }

    @Test func unknownIDIsAFindingAndKnownOnesStillApply() throws {
        let source = thing("  // The buyer.\n  string buyerID = 1; // protogen:lint-ignore FIELD_SNAKE_CASE,NO_SUCH_RULE\n")
        let findings = try LintTestSupport.lint(source)
        #expect(findings.map(\.ruleID) == [LintRule.lintIgnoreUnknownRule.id])
        #expect(findings.map(LintSpot.init) == [LintSpot("NO_SUCH_RULE", 8, 64)])
        #expect(findings.first?.message.contains("unknown rule id \"NO_SUCH_RULE\"") == true)
    }

    @Test func aDirectiveNamingNoRule() throws {
        let source = thing("  // The buyer.\n  string buyer_id = 1; // protogen:lint-ignore\n")
        let findings = try LintTestSupport.lint(source)
        #expect(findings.map(LintSpot.init) == [LintSpot("protogen:lint-ignore", 8, 24)])
        #expect(findings.map(\.ruleID) == [LintRule.lintIgnoreUnknownRule.id])
    }

    @Test func unknownRuleFindingsCannotBeSilenced() throws {
        let source = h + "// A thing.\n// protogen:lint-ignore LINT_IGNORE_UNKNOWN_RULE, BOGUS\nmessage Thing {}\n"
        #expect(try LintTestSupport.lint(source).map(LintSpot.init) == [LintSpot("BOGUS", 6, 51)])
    }

    @Test func fileLevelFindings() throws {
        let unversioned = "syntax = \"proto3\";\n// protogen:lint-ignore PACKAGE_VERSION_SUFFIX internal\npackage test.api;\n"
        #expect(try LintTestSupport.lint(unversioned) == [])
        let unused = h + "import \"google/protobuf/duration.proto\"; // protogen:lint-ignore IMPORT_UNUSED kept for clients\n"
        #expect(try LintTestSupport.lint(unused) == [])
    }

    // MARK: - The scanner

    @Test func directivesInStringsAndBlockCommentsDoNotCount() {
        let source = """
            option java_package = "// protogen:lint-ignore FIELD_SNAKE_CASE";
            /* // protogen:lint-ignore FIELD_SNAKE_CASE */
            // protogen:lint-ignored FIELD_SNAKE_CASE
            // see protogen:lint-ignore FIELD_SNAKE_CASE
            //protogen:lint-ignore COMMENT_REQUIRED tight
            """
        let directives = LintIgnoreDirectives(file: "x.proto", source: source)
        #expect(directives.directives.map(\.location.line) == [5])
        #expect(directives.directives.first?.rules.map(\.id) == ["COMMENT_REQUIRED"])
        #expect(directives.directives.first?.reason == "tight")
        #expect(directives.silences("COMMENT_REQUIRED", line: 5))
        #expect(directives.silences("COMMENT_REQUIRED", line: 6))
        #expect(!directives.silences("FIELD_SNAKE_CASE", line: 2))
        #expect(!directives.silences("FIELD_SNAKE_CASE", line: 3))
    }

    @Test func documentationDropsDirectiveLines() {
        #expect(LintIgnoreDirectives.documentation("protogen:lint-ignore X") == "")
        #expect(LintIgnoreDirectives.documentation("Doc.\n  protogen:lint-ignore X why") == "Doc.")
        #expect(LintIgnoreDirectives.documentation("\n \n") == "")
        #expect(LintIgnoreDirectives.documentation("See protogen:lint-ignore.") == "See protogen:lint-ignore.")
    }
}
