/// A map key as JSON writes it: always a string.
public protocol ProtoJSONMapKey: Hashable, Sendable {
    init?(jsonKey: String)
    var jsonKey: String { get }
    /// The deterministic order maps are encoded in (binary and JSON).
    static func protoLess(_ a: Self, _ b: Self) -> Bool
}

extension ProtoJSONMapKey where Self: FixedWidthInteger {
    public init?(jsonKey: String) { self.init(jsonKey) }
    public var jsonKey: String { String(self) }
    @inlinable public static func protoLess(_ a: Self, _ b: Self) -> Bool { a < b }
}

extension Int32: ProtoJSONMapKey {}
extension Int64: ProtoJSONMapKey {}
extension UInt32: ProtoJSONMapKey {}
extension UInt64: ProtoJSONMapKey {}

extension Bool: ProtoJSONMapKey {
    public init?(jsonKey: String) {
        switch jsonKey {
        case "true": self = true
        case "false": self = false
        default: return nil
        }
    }
    public var jsonKey: String { self ? "true" : "false" }
    @inlinable public static func protoLess(_ a: Bool, _ b: Bool) -> Bool { !a && b }
}

extension String: ProtoJSONMapKey {
    public init?(jsonKey: String) { self = jsonKey }
    public var jsonKey: String { self }
    /// By UTF-8 bytes, as other protobuf implementations order string keys.
    @inlinable public static func protoLess(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

extension Dictionary where Key: ProtoJSONMapKey {
    /// The keys in encoding order.
    @inlinable
    public var protoSortedKeys: [Key] { keys.sorted(by: Key.protoLess) }
}

extension ProtoJSON {
    /// A map field as a JSON object; `V` is the JSON form of the value type.
    public struct MapValue<K: ProtoJSONMapKey, V: Codable & Hashable & Sendable>: Codable, Sendable {
        public var value: [K: V]
        @inlinable public init(_ v: [K: V]) { value = v }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            var out: [K: V] = [:]
            out.reserveCapacity(c.allKeys.count)
            for key in c.allKeys {
                guard let k = K(jsonKey: key.stringValue) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: c, debugDescription: "invalid map key \"\(key.stringValue)\"")
                }
                out[k] = try c.decode(V.self, forKey: key)
            }
            value = out
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for k in value.protoSortedKeys { try c.encode(value[k]!, forKey: Key(k.jsonKey)) }
        }
    }
}
