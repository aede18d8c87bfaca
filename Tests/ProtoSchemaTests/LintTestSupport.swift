import Foundation
import Testing

@testable import ProtoSchema

/// Helpers shared by the lint tests.
enum LintTestSupport {
    /// `syntax`, a blank line, `package test.v1;`, a blank line: declarations start on line 5.
    static let header = "syntax = \"proto3\";\n\npackage test.v1;\n\n"

    /// The real schema folder (the package root is three levels above this file).
    static var schemaDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schema").path
    }

    /// Lints in-memory files (path -> source).
    static func lint(_ files: [String: String]) throws -> [LintFinding] {
        let sources = files.sorted { $0.key < $1.key }.map { (path: $0.key, source: $0.value) }
        return Linter.lint(try SchemaLoader.load(sources: sources))
    }

    /// Lints one file, `test.proto`.
    static func lint(_ source: String) throws -> [LintFinding] { try lint(["test.proto": source]) }

    /// The findings of one rule, as (element, line, column).
    static func lint(_ source: String, rule: LintRule) throws -> [LintSpot] {
        try lint(source).filter { $0.ruleID == rule.id }.map(LintSpot.init)
    }
}

/// Where a finding is: its element, line and column.
struct LintSpot: Hashable, Sendable, CustomStringConvertible {
    var element: String
    var line: Int
    var column: Int

    init(_ element: String, _ line: Int, _ column: Int) {
        self.element = element
        self.line = line
        self.column = column
    }

    init(_ finding: LintFinding) {
        self.init(finding.element, finding.location.line, finding.location.column)
    }

    var description: String { "\(element)@\(line):\(column)" }
}
