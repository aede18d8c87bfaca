import ArgumentParser
import Foundation
import ProtoSchema
import ProtoSwiftEmitter

/// `protogen generate`: rewrites the generated Swift for a schema.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite the generated Swift messages from the schema.")

    @Option(help: "The schema root (a folder of .proto files).")
    var schema = "schema"

    @Option(help: "The folder the generated files go to.")
    var out = "Sources/ProtectionMessages/Generated"

    @Option(help: "The Swift module the generated files belong to.")
    var module = "ProtectionMessages"

    @Flag(help: "Write nothing; exit 1 when a generated file is out of date.")
    var check = false

    func run() throws {
        let loaded = try loadSchema(schema)
        let files = ModuleEmitter(schema: loaded, moduleName: module, schemaRootForHeader: schema).emit()
        let fm = FileManager.default
        var stale: [String] = []
        if !check { try fm.createDirectory(atPath: out, withIntermediateDirectories: true) }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let path = out + "/" + name
            if (try? String(contentsOfFile: path, encoding: .utf8)) == text { continue }
            stale.append(path)
            if !check { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        }
        // Files generated earlier from .proto files that no longer exist.
        let existing = (try? fm.contentsOfDirectory(atPath: out)) ?? []
        for name in existing where name.hasSuffix(".swift") && files[name] == nil {
            stale.append(out + "/" + name)
            if !check { try fm.removeItem(atPath: out + "/" + name) }
        }
        if check {
            if !stale.isEmpty {
                for s in stale { printError("out of date: \(s)") }
                throw ExitCode(1)
            }
            print("\(files.count) generated files are up to date")
        } else {
            print("generated \(files.count) files in \(out) (\(stale.count) changed)")
        }
    }
}

/// Loads a schema folder, printing every problem as `file:line:column: message`.
func loadSchema(_ directory: String) throws -> Schema {
    do {
        return try SchemaLoader.load(directory: directory)
    } catch {
        for e in error.errors { printError(e.description) }
        throw ExitCode(2)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
