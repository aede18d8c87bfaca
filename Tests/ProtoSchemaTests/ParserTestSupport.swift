import Foundation
import Testing

@testable import ProtoSchema

/// Helpers shared by the parser tests.
enum ParserTestSupport {
    /// The package root (three levels above this file).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var conformanceDirectory: String { packageRoot.appendingPathComponent("Tests/Support/schema").path }

    /// Loads the conformance schema once.
    static let conformance: Result<Schema, SchemaErrors> = Result { () throws(SchemaErrors) -> Schema in
        try SchemaLoader.load(directory: conformanceDirectory)
    }

    /// Loads one in-memory file named `test.proto`.
    static func load(_ source: String, path: String = "test.proto") throws(SchemaErrors) -> Schema {
        try SchemaLoader.load(sources: [(path, source)])
    }

    /// The errors loading `sources` produces (empty when it loads).
    static func errors(_ sources: [(path: String, source: String)]) -> [SchemaError] {
        do {
            _ = try SchemaLoader.load(sources: sources)
            return []
        } catch {
            return error.errors
        }
    }

    static func errors(_ source: String, path: String = "test.proto") -> [SchemaError] {
        errors([(path, source)])
    }
}
