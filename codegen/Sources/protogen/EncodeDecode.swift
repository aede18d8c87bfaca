import ArgumentParser
import Foundation
import ProtoSchema
import ProtoWire

/// `protogen encode`: canonical JSON on stdin to binary on stdout.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a message as proto3 JSON on stdin and write its binary encoding to stdout.")

    @Option(help: "The schema root.")
    var schema = "schema"

    @Option(help: "The full message name, e.g. protection.v1.Complaint.")
    var type: String

    @Flag(help: "Skip JSON keys the schema does not know instead of failing.")
    var ignoreUnknownFields = false

    func run() throws {
        let codec = DynamicCodec(schema: try loadSchema(schema))
        try requireMessage(codec, type)
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(data: input, encoding: .utf8) else {
            printError("stdin is not UTF-8")
            throw ExitCode(1)
        }
        do {
            let message = try codec.decodeJSON(type, from: text, ignoreUnknownFields: ignoreUnknownFields)
            FileHandle.standardOutput.write(Data(codec.encode(message)))
        } catch {
            printError("invalid \(type) JSON: \(error)")
            throw ExitCode(1)
        }
    }
}

/// `protogen decode`: binary on stdin to canonical JSON on stdout.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a message's binary encoding on stdin and write it as proto3 JSON to stdout.")

    @Option(help: "The schema root.")
    var schema = "schema"

    @Option(help: "The full message name, e.g. protection.v1.Complaint.")
    var type: String

    func run() throws {
        let codec = DynamicCodec(schema: try loadSchema(schema))
        try requireMessage(codec, type)
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        do {
            let message = try codec.decode(type, from: input)
            print(try codec.encodeJSON(message))
        } catch {
            printError("invalid \(type) bytes: \(error)")
            throw ExitCode(1)
        }
    }
}

func requireMessage(_ codec: DynamicCodec, _ type: String) throws {
    guard codec.schema.messages[type] != nil else {
        printError("unknown message type \(type)")
        throw ExitCode(2)
    }
}
