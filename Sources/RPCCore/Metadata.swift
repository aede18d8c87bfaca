/// An ordered multimap of lowercase ASCII keys to string or binary values, sent
/// with requests (headers) and with responses (initial and trailing metadata).
///
/// Keys ending in `-bin` carry binary values; every other key carries printable
/// ASCII strings, as in gRPC. Keys are stored lowercased; insertion order is kept,
/// including among the values of one key. `traceparent`, `authorization` and the
/// like are ordinary keys.
public struct Metadata: Sendable, Hashable, Sequence, CustomStringConvertible {
    /// A value: a string (for ordinary keys) or bytes (for `-bin` keys).
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case string(String)
        case binary([UInt8])

        /// The string, if this is a string value.
        public var stringValue: String? {
            if case .string(let value) = self { value } else { nil }
        }

        /// The bytes, if this is a binary value.
        public var binaryValue: [UInt8]? {
            if case .binary(let value) = self { value } else { nil }
        }

        public var description: String {
            switch self {
            case .string(let value): "\"\(value)\""
            case .binary(let bytes): "<\(bytes.count) bytes>"
            }
        }
    }

    /// One key and one of its values.
    public typealias Element = (key: String, value: Value)

    @usableFromInline struct Entry: Sendable, Hashable {
        @usableFromInline var key: String
        @usableFromInline var value: Value
    }

    @usableFromInline var entries: [Entry]

    /// Empty metadata.
    public init() { entries = [] }

    /// Metadata from string pairs, in order; throws on the first invalid key or value.
    public init(_ pairs: [(String, String)]) throws(ValidationError) {
        self.init()
        for (key, value) in pairs { try addString(value, forKey: key) }
    }

    /// The number of key-value pairs.
    public var count: Int { entries.count }
    /// Whether there are no pairs.
    public var isEmpty: Bool { entries.isEmpty }
    /// The distinct keys, in order of first appearance.
    public var keys: [String] {
        var seen = Set<String>()
        return entries.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }

    /// Appends a value for `key`, after any values it already has.
    public mutating func add(_ value: Value, forKey key: String) throws(ValidationError) {
        let key = try Self.validatedKey(key)
        try Self.validate(value, forKey: key)
        entries.append(Entry(key: key, value: value))
    }

    /// Appends a string value; `key` must not end in `-bin`.
    public mutating func addString(_ value: String, forKey key: String) throws(ValidationError) {
        try add(.string(value), forKey: key)
    }

    /// Appends a binary value; `key` must end in `-bin`.
    public mutating func addBinary(_ value: [UInt8], forKey key: String) throws(ValidationError) {
        try add(.binary(value), forKey: key)
    }

    /// Replaces every value of `key` by `value`, keeping the position of the first
    /// existing value (or appending when there was none).
    public mutating func replace(_ value: Value, forKey key: String) throws(ValidationError) {
        let key = try Self.validatedKey(key)
        try Self.validate(value, forKey: key)
        guard let first = entries.firstIndex(where: { $0.key == key }) else {
            entries.append(Entry(key: key, value: value))
            return
        }
        entries[first].value = value
        var index = entries.index(after: first)
        while index < entries.endIndex {
            if entries[index].key == key { entries.remove(at: index) } else { index += 1 }
        }
    }

    /// Replaces every value of `key` by one string.
    public mutating func replaceString(_ value: String, forKey key: String) throws(ValidationError) {
        try replace(.string(value), forKey: key)
    }

    /// Removes every value of `key`; returns whether there was any.
    @discardableResult
    public mutating func removeAllValues(forKey key: String) -> Bool {
        let key = Self.normalized(key)
        let before = entries.count
        entries.removeAll { $0.key == key }
        return entries.count != before
    }

    /// Appends every pair of `other`, in order.
    public mutating func add(contentsOf other: Metadata) {
        entries.append(contentsOf: other.entries)
    }

    /// All values of `key`, in order (empty when absent).
    public subscript(key: String) -> [Value] {
        let key = Self.normalized(key)
        return entries.lazy.filter { $0.key == key }.map(\.value)
    }

    /// All string values of `key`, in order.
    public subscript(stringValues key: String) -> [String] {
        self[key].compactMap(\.stringValue)
    }

    /// All binary values of `key`, in order.
    public subscript(binaryValues key: String) -> [[UInt8]] {
        self[key].compactMap(\.binaryValue)
    }

    /// The first string value of `key`, if any.
    public func firstString(forKey key: String) -> String? {
        self[stringValues: key].first
    }

    /// Whether `key` has at least one value.
    public func contains(key: String) -> Bool {
        let key = Self.normalized(key)
        return entries.contains { $0.key == key }
    }

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[Entry]>
        public mutating func next() -> Element? {
            base.next().map { (key: $0.key, value: $0.value) }
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(base: entries.makeIterator())
    }

    public var description: String {
        "[" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
    }
}
