/// What every generated message is: a `Sendable`, `Hashable`, `Codable`
/// (proto3 canonical JSON) value with a concrete binary codec.
public protocol ProtoMessage: Sendable, Hashable, Codable {
    /// A message with every field at its default.
    init()
    /// The fully-qualified protobuf name, e.g. `protection.v1.Money`.
    static var protoMessageName: String { get }
    /// Merges the fields of the current (innermost) message of `reader` into `self`.
    mutating func decodeMessage(from reader: inout WireReader) throws(WireError)
    /// Writes the message, back to front (see `WireWriter`).
    func encodeMessage(to writer: inout WireWriter)
    /// Fields this build does not know, kept for re-encoding.
    var unknownFields: UnknownFields { get set }
    /// Reads proto3 JSON; with `skippingTypeKey`, an `"@type"` member is passed
    /// over (the message is the body of an Any). `init(from:)` reads without it.
    init(decodingJSON decoder: any Decoder, skippingTypeKey: Bool) throws
}

extension ProtoMessage {
    /// Types whose JSON is not an object have no `"@type"` member to skip.
    public init(decodingJSON decoder: any Decoder, skippingTypeKey: Bool) throws {
        try self.init(from: decoder)
    }
}

extension ProtoMessage {
    /// Decodes a message from its binary form under `options`' limits.
    @inlinable
    public init(serializedBytes bytes: [UInt8], options: DecodeOptions = DecodeOptions()) throws(WireError) {
        self.init()
        try merge(serializedBytes: bytes, options: options)
    }

    /// Decodes a message from raw memory under `options`' limits.
    @inlinable
    public init(serializedBytes bytes: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(WireError) {
        self.init()
        try merge(serializedBytes: bytes, options: options)
    }

    /// Merges binary input into this message (repeated fields append, scalars replace).
    @inlinable
    public mutating func merge(serializedBytes bytes: [UInt8], options: DecodeOptions = DecodeOptions()) throws(WireError) {
        let result: Result<Void, WireError> = bytes.withUnsafeBytes { raw in
            Result { () throws(WireError) in try self.merge(serializedBytes: raw, options: options) }
        }
        try result.get()
    }

    @inlinable
    public mutating func merge(serializedBytes raw: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) throws(WireError) {
        guard raw.count <= options.maxMessageSize else {
            throw WireError(.messageTooLarge, offset: options.maxMessageSize)
        }
        var reader = WireReader(raw, options: options)
        try decodeMessage(from: &reader)
    }

    /// The binary encoding.
    @inlinable
    public func serializedBytes() -> [UInt8] {
        var writer = WireWriter()
        encodeMessage(to: &writer)
        return writer.finish()
    }
}

/// What every generated enum is: an `Int32`-backed value that keeps numbers it
/// does not know (`UNRECOGNIZED`), with proto3 JSON by value name.
public protocol ProtoEnum: Sendable, Hashable, Codable, CaseIterable {
    init(rawValue: Int32)
    var rawValue: Int32 { get }
    /// The protobuf name of this value (`COMPLAINT_TYPE_FAKE_RETURN`), or nil when unknown.
    var protoName: String? { get }
    /// The value with this protobuf name.
    init?(protoName: String)
}

extension ProtoEnum {
    /// proto3 JSON: the value's name, or its number when unknown. Generated
    /// enums call this from `encode(to:)`.
    public func encodeProtoJSON(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let name = protoName { try c.encode(name) } else { try c.encode(rawValue) }
    }

    /// proto3 JSON: a value name or a number. Generated enums call this from `init(from:)`.
    public static func decodeProtoJSON(from decoder: any Decoder) throws -> Self {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Int32.self) { return Self(rawValue: number) }
        let name = try c.decode(String.self)
        guard let v = Self(protoName: name) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown value \"\(name)\" for enum \(Self.self)")
        }
        return v
    }
}
