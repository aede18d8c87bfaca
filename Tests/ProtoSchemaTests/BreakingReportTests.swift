import Foundation
import Testing

@testable import ProtoSchema

/// Thresholds, the three output formats, the unified diff, git-ref baselines
/// and the real schema against itself.
@Suite("Breaking reports")
struct BreakingReportTests {
    typealias S = BreakingTestSupport
    typealias Rule = BreakingChecker.RuleID

    static func change(_ classes: Set<BreakClass>, rule: String = "FIELD_DELETED", line: Int = 4) -> BreakingChange {
        BreakingChange(
            ruleID: rule, classes: classes, location: ProtoSchema.SourceLocation(file: "a/b.proto", line: line, column: 3),
            element: "t.v1.A.x", message: "field 2 deleted")
    }

    // MARK: Thresholds

    @Test(arguments: [
        (Set<BreakClass>([.wire]), [true, true, true]),
        (Set<BreakClass>([.wire, .json, .source]), [true, true, true]),
        (Set<BreakClass>([.json]), [false, true, true]),
        (Set<BreakClass>([.json, .source]), [false, true, true]),
        (Set<BreakClass>([.source]), [false, false, true]),
    ])
    func thresholds(classes: Set<BreakClass>, fails: [Bool]) {
        let thresholds: [BreakingThreshold] = [.wire, .json, .source]
        for (t, expected) in zip(thresholds, fails) {
            #expect(t.fails(Self.change(classes)) == expected, "\(classes) at \(t)")
            #expect(BreakingReport(changes: [Self.change(classes)], threshold: t).isBreaking == expected)
        }
        #expect(BreakingReport(changes: [], threshold: .source).isBreaking == false)
    }

    @Test func wideningFailsJSONButNotWire() throws {
        let found = try S.changes("message A {\n  int32 n = 1;\n}\n", "message A {\n  int64 n = 1;\n}\n")
        #expect(BreakingReport(changes: found, threshold: .wire).isBreaking == false)
        #expect(BreakingReport(changes: found, threshold: .json).isBreaking == true)
    }

    // MARK: Formats

    @Test func textFormat() {
        let report = BreakingReport(changes: [Self.change([.json, .wire]), Self.change([.source], rule: "FIELD_RENAMED", line: 9)])
        let lines = report.text().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "a/b.proto:4:3: FIELD_DELETED [WIRE,JSON] t.v1.A.x: field 2 deleted")
        #expect(lines[1] == "a/b.proto:9:3: FIELD_RENAMED [SOURCE] t.v1.A.x: field 2 deleted")
        #expect(lines[2] == "2 breaking changes (1 WIRE, 1 JSON, 1 SOURCE, 0 ACCESS); 1 at or above the json threshold: FAIL")
        #expect(BreakingReport(changes: []).text() == "no breaking changes: OK\n")
        #expect(BreakingReport(changes: [Self.change([.source])]).text().hasSuffix("0 at or above the json threshold: OK\n"))
    }

    @Test func jsonFormat() throws {
        let changes = [Self.change([.source, .wire]), Self.change([.json], rule: "RESERVED_NAME_REMOVED")]
        let text = BreakingReport(changes: changes, threshold: .wire).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["threshold"] as? String == "wire")
        #expect(object["breaking"] as? Bool == true)
        let counts = try #require(object["counts"] as? [String: Int])
        #expect(counts == ["total": 2, "wire": 1, "json": 1, "source": 1, "access": 0, "failing": 1])
        let list = try #require(object["changes"] as? [[String: Any]])
        #expect(list.count == 2)
        #expect(list[0]["rule"] as? String == "FIELD_DELETED")
        #expect(list[0]["classes"] as? [String] == ["WIRE", "SOURCE"])
        #expect(list[0]["file"] as? String == "a/b.proto")
        #expect(list[0]["line"] as? Int == 4)
        #expect(list[0]["element"] as? String == "t.v1.A.x")
        // BreakingChange round-trips through Codable.
        let decoded = try JSONDecoder().decode([BreakingChange].self, from: JSONEncoder().encode(changes))
        #expect(decoded == changes)
    }

    @Test func markdownFormat() {
        let report = BreakingReport(changes: [Self.change([.wire, .json, .source])])
        let md = report.markdown(docsDiff: "--- a/x.md\n+++ b/x.md\n@@ -1 +1 @@\n-```old\n+```new\n")
        #expect(md.hasPrefix("## "))
        #expect(md.contains("| Rule | Classes | Element | Location | Reason |"))
        #expect(md.contains("| `FIELD_DELETED` | WIRE, JSON, SOURCE | `t.v1.A.x` | `a/b.proto:4:3` | field 2 deleted |"))
        #expect(md.contains("**Verdict: breaking** at the `json` threshold"))
        // The diff holds a triple backtick, so its fence is longer.
        #expect(md.contains("\n````diff\n--- a/x.md\n"))
        #expect(md.hasSuffix("+```new\n````\n"))
        let clean = BreakingReport(changes: []).markdown(docsDiff: "")
        #expect(clean.contains("No breaking changes."))
        #expect(clean.contains("**Verdict: compatible**"))
        #expect(clean.contains("The generated docs do not change."))
        #expect(!BreakingReport(changes: []).markdown().contains("docs"))
    }

    // MARK: Line diff

    @Test func lineDiffEdits() {
        #expect(LineDiff.edits(["a", "b", "c"], ["a", "x", "c"]) == [.same("a"), .delete("b"), .insert("x"), .same("c")])
        #expect(LineDiff.edits([], ["a"]) == [.insert("a")])
        #expect(LineDiff.edits(["a", "b"], []) == [.delete("a"), .delete("b")])
        // Shortest: one deletion, not a rewrite.
        let edits = LineDiff.edits(["a", "b", "c", "a", "b", "b", "a"], ["c", "b", "a", "b", "a", "c"])
        #expect(edits.filter { if case .same = $0 { false } else { true } }.count == 5)
        #expect(LineDiff.lines("x\ny\n") == ["x", "y"])
        #expect(LineDiff.lines("x\n\n") == ["x", ""])
        #expect(LineDiff.lines("") == [])
    }

    @Test func unifiedDiffSingleFile() {
        #expect(LineDiff.unified(before: "a\nb\n", after: "a\nb\n", name: "x.md") == "")
        let diff = LineDiff.unified(before: "1\n2\n3\n4\n5\n", after: "1\n2\nthree\n4\n5\n", name: "x.md", context: 1)
        #expect(diff == "--- a/x.md\n+++ b/x.md\n@@ -2,3 +2,3 @@\n 2\n-3\n+three\n 4\n")
        // Two changes far apart make two hunks; an insertion at the top has an empty old range.
        let lines = (1...20).map(String.init).joined(separator: "\n") + "\n"
        let edited = "0\n" + lines.replacingOccurrences(of: "\n18\n", with: "\n")
        let two = LineDiff.unified(before: lines, after: edited, name: "n.md", context: 2)
        #expect(two == "--- a/n.md\n+++ b/n.md\n@@ -1,2 +1,3 @@\n+0\n 1\n 2\n@@ -16,5 +17,4 @@\n 16\n 17\n-18\n 19\n 20\n")
    }

    @Test func unifiedDiffFileSets() {
        let diff = LineDiff.unified(before: ["a.md": "x\n", "same.md": "s\n", "gone.md": "g\n"], after: ["a.md": "y\n", "same.md": "s\n", "new.md": "n\n"])
        #expect(diff == """
            --- a/a.md
            +++ b/a.md
            @@ -1 +1 @@
            -x
            +y
            --- a/gone.md
            +++ /dev/null
            @@ -1 +0,0 @@
            -g
            --- /dev/null
            +++ b/new.md
            @@ -0,0 +1 @@
            +n

            """)
    }

    // MARK: Baselines

    @Test func gitRefBaseline() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let schemaDir = root.appendingPathComponent("schema/t/v1", isDirectory: true)
        try FileManager.default.createDirectory(at: schemaDir, withIntermediateDirectories: true)
        let file = schemaDir.appendingPathComponent("a.proto")
        try S.git(["init", "-q"], in: root)
        try S.file("message A {\n  string id = 1;\n  string name = 2;\n}\n").write(to: file, atomically: true, encoding: .utf8)
        // A hidden folder is not part of the schema.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("schema/.hidden"), withIntermediateDirectories: true)
        try "not proto".write(to: root.appendingPathComponent("schema/.hidden/x.proto"), atomically: true, encoding: .utf8)
        try S.git(["add", "-A"], in: root)
        try S.git(["commit", "-q", "-m", "first"], in: root)
        try S.file("message A {\n  string id = 1;\n}\n").write(to: file, atomically: true, encoding: .utf8)
        try S.git(["commit", "-q", "-a", "-m", "second"], in: root)

        let schemaPath = root.appendingPathComponent("schema").path
        let sources = try SchemaBaseline.sources(gitRef: "HEAD~1", schemaDirectory: schemaPath)
        #expect(sources.map(\.path) == ["t/v1/a.proto"])
        let old = try SchemaBaseline.load(against: "HEAD~1", schemaDirectory: schemaPath)
        let new = try SchemaLoader.load(directory: schemaPath)
        let c = try #require(S.single(BreakingChecker.compare(old: old, new: new)))
        #expect(c.ruleID == Rule.fieldDeleted && c.element == "t.v1.A.name")
        #expect(c.location.file == "t/v1/a.proto" && c.location.line == 5)
        // HEAD matches the working tree.
        #expect(BreakingChecker.compare(old: try SchemaBaseline.load(against: "HEAD", schemaDirectory: schemaPath), new: new).isEmpty)

        // An unknown ref, and an option-looking one, are refused.
        for ref in ["no-such-ref", "--output=x"] {
            #expect {
                _ = try SchemaBaseline.load(against: ref, schemaDirectory: schemaPath)
            } throws: { error in
                guard case .unknownRef(let r) = error as? SchemaBaselineError else { return false }
                return r == ref
            }
        }
    }

    @Test func directoryBaselineOutsideGit() throws {
        let root = try S.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let old = root.appendingPathComponent("old")
        let new = root.appendingPathComponent("new")
        for (dir, body) in [(old, "message A {\n  int32 n = 1;\n}\n"), (new, "message A {\n  int64 n = 1;\n}\n")] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try S.file(body).write(to: dir.appendingPathComponent("a.proto"), atomically: true, encoding: .utf8)
        }
        let baseline = try SchemaBaseline.load(against: old.path, schemaDirectory: new.path)
        let c = try #require(S.single(BreakingChecker.compare(old: baseline, new: try SchemaLoader.load(directory: new.path))))
        #expect(c.ruleID == Rule.fieldTypeChanged && c.classes == [.json, .source])
        // A ref outside a repository says so.
        #expect {
            _ = try SchemaBaseline.load(against: "HEAD", schemaDirectory: new.path)
        } throws: { error in
            guard case .notARepository = error as? SchemaBaselineError else { return false }
            return true
        }
    }

    @Test func realSchemaAgainstItselfIsClean() throws {
        let dir = ParserTestSupport.packageRoot.appendingPathComponent("schema").path
        let schema = try SchemaLoader.load(directory: dir)
        #expect(BreakingChecker.compare(old: schema, new: schema).isEmpty)
        // Reloaded from text, the same.
        #expect(BreakingChecker.compare(old: schema, new: try SchemaLoader.load(directory: dir)).isEmpty)
    }

    @Test func realSchemaFieldDeletionIsFound() throws {
        let dir = ParserTestSupport.packageRoot.appendingPathComponent("schema").path
        let old = try SchemaLoader.load(directory: dir)
        let message = try #require(old.ownMessages.first { !$0.fields.isEmpty && $0.oneofs.isEmpty })
        let field = message.fieldsByNumber.last!
        let file = try #require(old.files.first { $0.path == old.fileOfElement[message.fullName] })
        var lines = file.source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[field.location.line - 1] = ""
        let sources = old.files.filter { !Schema.isWellKnown(file: $0.path) }.map { f in
            (path: f.path, source: f.path == file.path ? lines.joined(separator: "\n") : f.source)
        }
        let found = BreakingChecker.compare(old: old, new: try SchemaLoader.load(sources: sources))
        let c = try #require(S.single(found))
        #expect(c.ruleID == Rule.fieldDeleted)
        #expect(c.element == message.fullName + "." + field.name)
        #expect(c.location == field.location)
    }

    @Test func sortedByFileLineAndRule() throws {
        let old = try SchemaLoader.load(sources: [
            ("b.proto", S.file("message B {\n  string x = 1;\n}\n")),
            ("a.proto", S.file("message A {\n  string x = 1;\n  string y = 2;\n}\n", package: "t.v1")),
        ])
        let new = try SchemaLoader.load(sources: [
            ("b.proto", S.file("message B {\n  int32 x = 1;\n}\n")),
            ("a.proto", S.file("message A {\n  bytes x = 1;\n}\n")),
        ])
        let found = BreakingChecker.compare(old: old, new: new)
        #expect(found.map(\.location.file) == ["a.proto", "a.proto", "b.proto"])
        #expect(found.map(\.location.line) == [4, 5, 4])
    }
}
