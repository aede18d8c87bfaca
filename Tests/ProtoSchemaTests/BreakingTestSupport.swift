import Foundation
import Testing

@testable import ProtoSchema

/// Helpers for the breaking-change tests: one-file schemas whose body starts on line 3.
enum BreakingTestSupport {
    /// `syntax` on line 1, `package` on line 2, `body` from line 3.
    static func file(_ body: String, package: String = "t.v1") -> String {
        "syntax = \"proto3\";\npackage \(package);\n" + body
    }

    static func schema(_ body: String, package: String = "t.v1") throws -> Schema {
        try SchemaLoader.load(sources: [("test.proto", file(body, package: package))])
    }

    /// The changes from `old` to `new` (both bodies of `test.proto`), checked against the rule table.
    static func changes(_ old: String, _ new: String, package: String = "t.v1", newPackage: String? = nil) throws -> [BreakingChange] {
        let found = BreakingChecker.compare(
            old: try schema(old, package: package), new: try schema(new, package: newPackage ?? package))
        checkAgainstTable(found)
        return found
    }

    /// Every change names a known rule, carries only classes that rule lists, and at least one.
    static func checkAgainstTable(_ found: [BreakingChange]) {
        for c in found {
            let allowed = BreakingChecker.classes(ofRule: c.ruleID)
            #expect(!allowed.isEmpty, "unknown rule \(c.ruleID)")
            #expect(!c.classes.isEmpty, "\(c) has no class")
            #expect(c.classes.isSubset(of: allowed), "\(c) carries a class its rule does not list")
        }
    }

    /// The only change, or a failed expectation.
    static func single(_ found: [BreakingChange], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> BreakingChange? {
        #expect(found.count == 1, "expected one change, got:\n\(found.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
        return found.count == 1 ? found[0] : nil
    }

    /// Runs git with a fixed identity, failing the test on a non-zero exit.
    @discardableResult
    static func git(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"] + arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")): \(text)")
        return text
    }

    /// A fresh empty directory under the temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("breaking-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
