import Foundation
import Testing

@testable import ProtoSchema

@Suite("Lint on the real schema and output")
struct LintSchemaTests {
    @Test("schema/ lints clean")
    func realSchemaIsClean() throws {
        let schema = try SchemaLoader.load(directory: LintTestSupport.schemaDirectory)
        #expect(schema.files.contains { !Schema.isWellKnown(file: $0.path) })
        let findings = Linter.lint(schema)
        #expect(findings == [], "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test func wellKnownFilesAreNotLinted() throws {
        // timestamp.proto et al. would fail COMMENT_REQUIRED and more if they were linted.
        let source = LintTestSupport.header + """
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/duration.proto";

            // A thing.
            message Thing {
              // When.
              google.protobuf.Timestamp at = 1;
              // How long.
              google.protobuf.Duration how_long = 2;
            }

            """
        let schema = try SchemaLoader.load(sources: [("test.proto", source)])
        #expect(schema.files.contains { Schema.isWellKnown(file: $0.path) })
        #expect(Linter.lint(schema) == [])
    }

    @Test func findingsAreSortedByFileLineColumnAndRule() throws {
        let h = LintTestSupport.header
        let findings = try LintTestSupport.lint([
            "b.proto": h + "message b {}\n",
            "a.proto": h + "message a {\n  string X = 1;\n}\n",
        ])
        #expect(
            findings.map { "\($0.location) \($0.ruleID)" } == [
                "a.proto:5:1 COMMENT_REQUIRED", "a.proto:5:1 MESSAGE_PASCAL_CASE", "a.proto:6:3 COMMENT_REQUIRED",
                "a.proto:6:3 FIELD_SNAKE_CASE", "b.proto:5:1 COMMENT_REQUIRED", "b.proto:5:1 MESSAGE_PASCAL_CASE",
            ])
        #expect(findings == findings.sorted(by: LintFinding.areInReportOrder))
    }

    @Test func descriptionAndJSON() throws {
        let finding = LintFinding(
            ruleID: "FIELD_SNAKE_CASE", location: SourceLocation(file: "test.proto", line: 8, column: 3),
            element: "test.v1.Thing.buyerID", message: "field name \"buyerID\" is not lower_snake_case")
        #expect(
            finding.description
                == "test.proto:8:3: FIELD_SNAKE_CASE test.v1.Thing.buyerID: field name \"buyerID\" is not lower_snake_case")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(finding), as: UTF8.self)
        #expect(
            json == #"{"element":"test.v1.Thing.buyerID","location":{"column":3,"file":"test.proto","line":8},"#
                + #""message":"field name \"buyerID\" is not lower_snake_case","ruleID":"FIELD_SNAKE_CASE"}"#)
        #expect(try JSONDecoder().decode(LintFinding.self, from: Data(json.utf8)) == finding)
    }
}
