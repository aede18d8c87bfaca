/// Helpers that make generated `Codable` conformances speak proto3 canonical
/// JSON through plain `JSONEncoder` / `JSONDecoder`.
public enum ProtoJSON {
    /// Set to `true` in a decoder's `userInfo` to skip unknown keys (and
    /// unknown enum names) instead of failing.
    public static let ignoreUnknownFieldsKey = CodingUserInfoKey(rawValue: "protoJSON.ignoreUnknownFields")!

    /// True when the decoder was told to ignore unknown keys.
    @inlinable
    public static func ignoresUnknownFields(_ decoder: any Decoder) -> Bool {
        decoder.userInfo[ignoreUnknownFieldsKey] as? Bool == true
    }

    /// The error for a JSON key no field answers to (unless ignored).
    public static func unknownKey(_ key: Key, in decoder: any Decoder, message: String) throws {
        if ignoresUnknownFields(decoder) { return }
        throw DecodingError.dataCorrupted(.init(
            codingPath: decoder.codingPath + [key],
            debugDescription: "unknown field \"\(key.stringValue)\" in \(message)"))
    }

    /// Decodes an enum field; nil when the name is unknown and unknown fields are ignored.
    public static func decodeEnum<E: ProtoEnum>(
        _ type: E.Type, from c: KeyedDecodingContainer<Key>, forKey key: Key, decoder: any Decoder
    ) throws -> E? {
        // Only NullValue reaches here with `null` (for other enums it means "absent").
        if try c.decodeNil(forKey: key) { return try c.decode(E.self, forKey: key) }
        if let number = try? c.decode(Int32.self, forKey: key) { return E(rawValue: number) }
        let name = try c.decode(String.self, forKey: key)
        if let v = E(protoName: name) { return v }
        if ignoresUnknownFields(decoder) { return nil }
        throw DecodingError.dataCorruptedError(
            forKey: key, in: c, debugDescription: "unknown value \"\(name)\" for enum \(E.self)")
    }

    /// The error for a JSON object that sets two members of one oneof.
    public static func duplicateOneof(_ key: Key, in decoder: any Decoder, oneof: String) -> DecodingError {
        .dataCorrupted(.init(
            codingPath: decoder.codingPath + [key],
            debugDescription: "field \"\(key.stringValue)\" sets oneof \(oneof) a second time"))
    }

    /// The deepest a message may nest in JSON: what the binary decoder accepts
    /// (`DecodeOptions.maxDepth`'s default), so that what JSON reads always
    /// encodes to bytes that read back.
    public static let maxDepth = 100

    /// Throws when a message at this point of the JSON could nest deeper than
    /// `maxDepth` in binary. Each key of the coding path is at least one level;
    /// `levelsPerKey` is how many it may stand for (3 inside a Struct or Value,
    /// where one JSON object is a Value, a Struct and a map entry).
    public static func checkDepth(_ decoder: any Decoder, levelsPerKey: Int = 1) throws {
        guard decoder.codingPath.count * levelsPerKey <= maxDepth else {
            throw corrupted(decoder, "messages nest deeper than \(maxDepth)")
        }
    }

    /// A string coding key: JSON field names and map keys.
    public struct Key: CodingKey, Hashable, Sendable {
        public let stringValue: String
        @inlinable public init(_ s: String) { stringValue = s }
        @inlinable public init?(stringValue: String) { self.stringValue = stringValue }
        public var intValue: Int? { nil }
        public init?(intValue: Int) { stringValue = String(intValue) }
    }

    static func corrupted(_ decoder: any Decoder, _ text: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text))
    }
}

// MARK: - Scalars whose JSON form differs from Swift's default

/// Parses a JSON number or numeric string as an integer in `T`'s range.
/// Accepts exponent forms like "1e3" only when they denote an integer.
@usableFromInline
func decodeJSONInteger<T: FixedWidthInteger & Decodable>(_ type: T.Type, _ decoder: any Decoder) throws -> T {
    let c = try decoder.singleValueContainer()
    if let v = try? c.decode(T.self) { return v }
    if let s = try? c.decode(String.self) {
        if let v = T(s) { return v }
        throw ProtoJSON.corrupted(decoder, "\"\(s)\" is not a valid \(T.self)")
    }
    if let d = try? c.decode(Double.self), let v = T(exactly: d) { return v }
    throw ProtoJSON.corrupted(decoder, "expected \(T.self) as a number or a string")
}

extension ProtoJSON {
    /// int32, sint32, sfixed32: a JSON number (a numeric string is accepted).
    public typealias Int32Value = IntegerValue<Int32, NumberForm>
    /// uint32, fixed32: a JSON number (a numeric string is accepted).
    public typealias UInt32Value = IntegerValue<UInt32, NumberForm>
    /// int64, sint64, sfixed64: a JSON string (a number is accepted).
    public typealias Int64Value = IntegerValue<Int64, StringForm>
    /// uint64, fixed64: a JSON string (a number is accepted).
    public typealias UInt64Value = IntegerValue<UInt64, StringForm>

    /// How an integer type is printed: 32-bit types as numbers, 64-bit ones as strings.
    public protocol IntegerForm: Sendable { static var quoted: Bool { get } }
    public enum NumberForm: IntegerForm { public static let quoted = false }
    public enum StringForm: IntegerForm { public static let quoted = true }

    /// An integer in proto3 JSON; both forms are accepted on input.
    public struct IntegerValue<T: FixedWidthInteger & Codable & Sendable, Form: IntegerForm>: Codable, Hashable, Sendable {
        public var value: T
        @inlinable public init(_ v: T) { value = v }
        public init(from decoder: any Decoder) throws { value = try decodeJSONInteger(T.self, decoder) }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            if Form.quoted { try c.encode(String(value)) } else { try c.encode(value) }
        }
    }

    /// double: a JSON number, or "NaN", "Infinity", "-Infinity" (numeric strings accepted).
    public struct DoubleValue: Codable, Hashable, Sendable {
        public var value: Double
        @inlinable public init(_ v: Double) { value = v }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Double.self) { value = v; return }
            let s = try c.decode(String.self)
            switch s {
            case "NaN": value = .nan
            case "Infinity": value = .infinity
            case "-Infinity": value = -.infinity
            default:
                guard let v = Double(s) else { throw ProtoJSON.corrupted(decoder, "\"\(s)\" is not a number") }
                value = v
            }
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            if value.isNaN { try c.encode("NaN") }
            else if value.isInfinite { try c.encode(value < 0 ? "-Infinity" : "Infinity") }
            else { try c.encode(value) }
        }
        public static func == (a: Self, b: Self) -> Bool { a.value.bitPattern == b.value.bitPattern }
        public func hash(into h: inout Hasher) { h.combine(value.bitPattern) }
    }

    /// float: as double, range-checked.
    public struct FloatValue: Codable, Hashable, Sendable {
        public var value: Float
        @inlinable public init(_ v: Float) { value = v }
        public init(from decoder: any Decoder) throws {
            let d = try DoubleValue(from: decoder).value
            // Anything that rounds to a finite float is accepted (printers round the maximum up).
            if d.isFinite && !Float(d).isFinite {
                throw ProtoJSON.corrupted(decoder, "\(d) is out of range for float")
            }
            value = Float(d)
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            if value.isNaN { try c.encode("NaN") }
            else if value.isInfinite { try c.encode(value < 0 ? "-Infinity" : "Infinity") }
            else { try c.encode(value) }
        }
        public static func == (a: Self, b: Self) -> Bool { a.value.bitPattern == b.value.bitPattern }
        public func hash(into h: inout Hasher) { h.combine(value.bitPattern) }
    }

    /// bytes: standard base64 with padding (URL-safe and unpadded accepted).
    public struct BytesValue: Codable, Hashable, Sendable {
        public var value: [UInt8]
        @inlinable public init(_ v: [UInt8]) { value = v }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let v = Base64.decode(s) else { throw ProtoJSON.corrupted(decoder, "invalid base64") }
            value = v
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer(); try c.encode(Base64.encode(value))
        }
    }

    /// An enum inside a repeated field or a map value.
    public struct EnumValue<E: ProtoEnum>: Codable, Hashable, Sendable {
        public var value: E
        @inlinable public init(_ v: E) { value = v }
        public init(from decoder: any Decoder) throws { value = try E(from: decoder) }
        public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
