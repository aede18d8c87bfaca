import ArgumentParser

/// `protogen docs` (being written).
struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not available yet.")

    func run() throws {
        throw ValidationError("protogen docs is not available yet")
    }
}
