/// Server-assigned ids: a prefix and 16 random hex digits ("C-3f9a0c1d2b4e5f60").
struct IdentifierSource: Sendable {
    func next(_ prefix: String) -> String {
        var random = SystemRandomNumberGenerator()
        let value = random.next() as UInt64
        let hex = String(value, radix: 16)
        return "\(prefix)-\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }
}
