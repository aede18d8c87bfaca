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

    @Option(help: "The folder the generated services (descriptors, handler protocols, clients) go to.")
    var servicesOut = "Sources/ProtectionServices/Generated"

    @Flag(help: "Generate messages only.")
    var noServices = false

    @Flag(help: "Write nothing; exit 1 when a generated file is out of date.")
    var check = false

    func run() throws {
        let loaded = try loadSchema(schema)
        let emitter = ModuleEmitter(schema: loaded, moduleName: module, schemaRootForHeader: schema)
        var stale = try writeGenerated(emitter.emit(), to: out, check: check)
        var count = 1
        if !noServices {
            stale += try writeGenerated(emitter.emitServices(messagesModule: module), to: servicesOut, check: check)
            count += 1
        }
        try report(stale, check: check, upToDate: "generated files in \(count) folder(s)",
                   written: noServices ? out : out + " and " + servicesOut)
    }
}

/// Writes `files` into `folder` (unless checking) and removes generated
/// files no longer produced; returns the paths that were out of date.
func writeGenerated(_ files: [String: String], to folder: String, check: Bool) throws -> [String] {
    let fm = FileManager.default
    var stale: [String] = []
    if !check { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    for (name, text) in files.sorted(by: { $0.key < $1.key }) {
        let path = folder + "/" + name
        if (try? String(contentsOfFile: path, encoding: .utf8)) == text { continue }
        stale.append(path)
        if !check { try text.write(toFile: path, atomically: true, encoding: .utf8) }
    }
    // Files generated earlier from .proto files that no longer exist.
    for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".swift") && files[name] == nil {
        stale.append(folder + "/" + name)
        if !check { try fm.removeItem(atPath: folder + "/" + name) }
    }
    return stale
}

/// Prints what `writeGenerated` did; when checking, names each stale file and exits 1.
func report(_ stale: [String], check: Bool, upToDate: String, written: String) throws {
    if check {
        if !stale.isEmpty {
            for s in stale { printError("out of date: \(s)") }
            throw ExitCode(1)
        }
        print("\(upToDate) are up to date")
    } else {
        print("generated \(written) (\(stale.count) files changed)")
    }
}

/// `protogen well-known`: rewrites ProtoWire's Swift for the built-in
/// well-known types (Any, Struct, Value, the wrappers, FieldMask, Empty).
struct WellKnown: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "well-known",
        abstract: "Rewrite ProtoWire's generated well-known types from the built-in google/protobuf files.")

    @Option(help: "The folder the generated files go to.")
    var out = "Sources/ProtoWire/WellKnown/Generated"

    @Flag(help: "Write nothing; exit 1 when a generated file is out of date.")
    var check = false

    func run() throws {
        let stale = try writeGenerated(ModuleEmitter.emitWellKnown(), to: out, check: check)
        try report(stale, check: check, upToDate: "generated well-known types in \(out)", written: out)
    }
}

/// Loads a schema folder, printing every problem as `file:line:column: message`. A
/// folder whose every file lies under `google/` is refused too: the well-known
/// types are built in, so there would be nothing of its own to generate, lint or
/// document, and saying "generated" over an empty module would hide the mistake.
func loadSchema(_ directory: String) throws -> Schema {
    let schema: Schema
    do {
        schema = try SchemaLoader.load(directory: directory)
    } catch {
        for e in error.errors { printError(e.description) }
        throw ExitCode(2)
    }
    guard schema.files.contains(where: { !$0.path.hasPrefix("google/") }) else {
        let names = schema.files.map(\.path).sorted().joined(separator: ", ")
        printError(
            "\(directory): every .proto file is under google/ (\(names)); the well-known types are built in, "
                + "so the schema has nothing of its own. Point --schema at the folder that holds your files.")
        throw ExitCode(2)
    }
    return schema
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
