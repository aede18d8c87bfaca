import ArgumentParser

/// `protogen breaking` (being written).
struct Breaking: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not available yet.")

    func run() throws {
        throw ValidationError("protogen breaking is not available yet")
    }
}
