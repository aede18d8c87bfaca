import ArgumentParser

/// `protogen`: the schema tools. Reads `./schema` unless told otherwise and
/// never links the code it generates.
@main
struct Protogen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protogen",
        abstract: "Generate Swift from the proto3 schema and work with its messages.",
        subcommands: [Generate.self, WellKnown.self, Encode.self, Decode.self, Lint.self, Breaking.self, Docs.self])
}
