extension Metadata {
    /// Why a key or value was refused.
    public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Reason: Sendable, Hashable {
            /// The key is empty.
            case emptyKey
            /// The key holds a character other than a-z, 0-9, `-`, `_` and `.`
            /// (upper-case ASCII letters are accepted and lowercased).
            case invalidKeyCharacter
            /// A string value holds a character outside printable ASCII (0x20...0x7E).
            case invalidValueCharacter
            /// A string value was given for a `-bin` key.
            case stringValueForBinaryKey
            /// A binary value was given for a key that does not end in `-bin`.
            case binaryValueForStringKey
        }

        /// Why.
        public var reason: Reason
        /// The key involved (lowercased when it was valid).
        public var key: String

        public init(reason: Reason, key: String) {
            self.reason = reason
            self.key = key
        }

        public var description: String { "invalid metadata for key '\(key)': \(reason)" }
    }

    /// Whether `key` designates binary values (ends in `-bin`).
    public static func isBinaryKey(_ key: String) -> Bool {
        normalized(key).hasSuffix("-bin")
    }

    /// ASCII upper-case letters lowercased; nothing else touched.
    @usableFromInline static func normalized(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return key }
        return String(decoding: key.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    static func validatedKey(_ key: String) throws(ValidationError) -> String {
        let key = normalized(key)
        guard !key.isEmpty else { throw ValidationError(reason: .emptyKey, key: key) }
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                continue
            default:
                throw ValidationError(reason: .invalidKeyCharacter, key: key)
            }
        }
        return key
    }

    static func validate(_ value: Value, forKey key: String) throws(ValidationError) {
        let binaryKey = key.hasSuffix("-bin")
        switch value {
        case .binary:
            if !binaryKey { throw ValidationError(reason: .binaryValueForStringKey, key: key) }
        case .string(let string):
            if binaryKey { throw ValidationError(reason: .stringValueForBinaryKey, key: key) }
            if string.utf8.contains(where: { $0 < 0x20 || $0 > 0x7E }) {
                throw ValidationError(reason: .invalidValueCharacter, key: key)
            }
        }
    }
}
