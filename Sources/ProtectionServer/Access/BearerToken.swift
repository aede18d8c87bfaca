import ProtoWire

/// A bearer token as callers send it (`authorization: Bearer <token>`):
/// `mpt.<credential id>.<secret>`, the secret 32 random bytes in hex. The
/// credential id finds the stored record; the SHA-256 of the whole token is
/// then compared with the stored one in constant time. The token itself is
/// never stored, logged or audited.
struct BearerToken: Sendable {
    static let prefix = "mpt"
    static let secretBytes = 32
    /// The metadata key and scheme callers send it under.
    static let metadataKey = "authorization"
    static let scheme = "Bearer "

    let credentialID: String
    let text: String

    /// A new token for `credentialID`, its secret from the system's random source.
    static func issue(credentialID: String) -> BearerToken {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<secretBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return BearerToken(credentialID: credentialID, text: "\(prefix).\(credentialID).\(SHA256.hex(secret))")
    }

    /// The token's shape checked (prefix, id, secret length); nil when it cannot be one.
    static func parse(_ text: Substring) -> BearerToken? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == prefix, (1...64).contains(parts[1].utf8.count),
            parts[1].utf8.allSatisfy(isIDByte), parts[2].utf8.count == secretBytes * 2, parts[2].utf8.allSatisfy(isHexByte)
        else { return nil }
        return BearerToken(credentialID: String(parts[1]), text: String(text))
    }

    /// The token from `authorization` metadata's value: `Bearer <token>` (the scheme
    /// in any case).
    static func parse(authorization value: String) -> BearerToken? {
        guard value.utf8.count > scheme.utf8.count,
            value.prefix(scheme.count).lowercased() == scheme.lowercased()
        else { return nil }
        return parse(value.dropFirst(scheme.count))
    }

    /// The SHA-256 kept instead of the token.
    var hash: [UInt8] { SHA256.digest(Array(text.utf8)) }

    /// Equal byte strings, in a time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    private static func isIDByte(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
            || b == UInt8(ascii: "-")
    }

    private static func isHexByte(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
    }
}
