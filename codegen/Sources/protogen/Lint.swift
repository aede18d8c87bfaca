import ArgumentParser

/// `protogen lint` (being written).
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not available yet.")

    func run() throws {
        throw ValidationError("protogen lint is not available yet")
    }
}
