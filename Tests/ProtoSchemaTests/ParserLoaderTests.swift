import Foundation
import Testing

@testable import ProtoSchema

/// `SchemaLoader.load(directory:)` on a scratch directory.
@Suite struct ParserLoaderTests {
    private func withDirectory(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parser-loader-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try body(root.path)
    }

    @Test func readsNestedFilesSortedWithRelativePaths() throws {
        try withDirectory([
            "z/v1/last.proto": "syntax = \"proto3\";\npackage z.v1;\nimport \"a/v1/first.proto\";\nmessage Z { a.v1.A a = 1; }\n",
            "a/v1/first.proto": "syntax = \"proto3\";\npackage a.v1;\nmessage A {}\n",
            "a/v1/notes.txt": "not a proto file",
            ".hidden/ignored.proto": "this is not even proto",
        ]) { dir in
            let schema = try SchemaLoader.load(directory: dir)
            #expect(schema.files.map(\.path) == ["a/v1/first.proto", "z/v1/last.proto"])
            #expect(schema.fileOfElement["z.v1.Z"] == "z/v1/last.proto")
            #expect(schema.messages["z.v1.Z"]?.fields[0].type == .message("a.v1.A"))
            #expect(schema.messages["z.v1.Z"]?.location.description == "z/v1/last.proto:4:1")
        }
    }

    @Test func errorsCarryPathsRelativeToTheRoot() throws {
        try withDirectory([
            "p/bad.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n  int32 b = 1;\n}\n",
            "p/worse.proto": "syntax = \"proto3\";\nmessage N { Unknown u = 1; }\n",
        ]) { dir in
            do {
                _ = try SchemaLoader.load(directory: dir)
                Issue.record("expected errors")
            } catch let error as SchemaErrors {
                #expect(error.errors.map(\.location.description) == ["p/bad.proto:4:13", "p/worse.proto:2:13"])
                #expect(error.description.split(separator: "\n").count == 2)
            }
        }
    }

    @Test func emptyDirectoryIsAnError() throws {
        try withDirectory(["readme.md": "nothing"]) { dir in
            #expect(throws: SchemaErrors.self) { try SchemaLoader.load(directory: dir) }
        }
    }
}
