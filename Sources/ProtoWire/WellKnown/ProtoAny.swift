/// Message types by full protobuf name: what `ProtoAny` packs and unpacks, and
/// how Any's `@type` is resolved in JSON. Generated modules provide one
/// (`<Module>Registry.typeRegistry`); the well-known types are always in it.
public struct ProtoTypeRegistry: Sendable {
    public private(set) var messageTypes: [String: any ProtoMessage.Type]

    /// `types` plus the well-known types.
    public init(_ types: [String: any ProtoMessage.Type] = [:]) {
        messageTypes = Self.wellKnownTypes.merging(types) { _, new in new }
    }

    /// This registry with the types of `other` added.
    public func adding(_ other: ProtoTypeRegistry) -> ProtoTypeRegistry {
        var copy = self
        copy.messageTypes.merge(other.messageTypes) { _, new in new }
        return copy
    }

    /// The type a type URL names (the part after its last "/"), or nil.
    public func type(forURL url: String) -> (any ProtoMessage.Type)? {
        messageTypes[ProtoAny.typeName(fromURL: url)]
    }

    /// The message packed in `any`, as its registered type.
    public func unpack(
        _ any: ProtoAny, options: DecodeOptions = DecodeOptions()
    ) throws(ProtoAnyError) -> any ProtoMessage {
        guard let type = type(forURL: any.typeUrl) else { throw ProtoAnyError.unknownType(any.typeUrl) }
        return try any.unpack(type, options: options)
    }

    public static let wellKnownTypes: [String: any ProtoMessage.Type] = {
        let types: [any ProtoMessage.Type] = [
            ProtoAny.self, ProtoTimestamp.self, ProtoDuration.self, ProtoEmpty.self, ProtoFieldMask.self,
            ProtoStruct.self, ProtoValue.self, ProtoListValue.self,
            ProtoDoubleValue.self, ProtoFloatValue.self, ProtoInt64Value.self, ProtoUInt64Value.self,
            ProtoInt32Value.self, ProtoUInt32Value.self, ProtoBoolValue.self, ProtoStringValue.self,
            ProtoBytesValue.self,
        ]
        return Dictionary(uniqueKeysWithValues: types.map { ($0.protoMessageName, $0) })
    }()

    /// The well-known types only (the registry a coder without one falls back to).
    public static let wellKnown = ProtoTypeRegistry()
}

/// Why an Any could not be packed, unpacked or printed.
public enum ProtoAnyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The type URL names no registered message type.
    case unknownType(String)
    /// The Any holds another type than the one asked for.
    case typeMismatch(url: String, expected: String)
    /// The packed bytes do not decode as the named type.
    case malformed(url: String, WireError)

    public var description: String {
        switch self {
        case .unknownType(let url):
            "Any: no message type \"\(ProtoAny.typeName(fromURL: url))\" (from type URL \"\(url)\") in the type registry; "
                + "pass the generated registry, e.g. userInfo[ProtoJSON.typeRegistryKey] = <Module>Registry.typeRegistry"
        case .typeMismatch(let url, let expected): "Any: holds \"\(url)\", not \(expected)"
        case .malformed(let url, let error): "Any: the value packed as \"\(url)\" does not decode: \(error)"
        }
    }
}

extension ProtoAny {
    /// The prefix `init(packing:)` puts before the type name.
    public static let defaultTypeURLPrefix = "type.googleapis.com"

    /// Well-known types whose JSON is not an object: inside an Any they travel
    /// as `{"@type": ..., "value": <their JSON>}`.
    public static let valueFormTypes: Set<String> = [
        "google.protobuf.Any", "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
        "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue",
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
        "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
        "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue",
    ]

    /// The full type name in a type URL: the part after its last "/".
    public static func typeName(fromURL url: String) -> String {
        guard let slash = url.lastIndex(of: "/") else { return url }
        return String(url[url.index(after: slash)...])
    }

    /// `message` packed with the type URL `<prefix>/<full name>`.
    public init<M: ProtoMessage>(packing message: M, typeURLPrefix: String = ProtoAny.defaultTypeURLPrefix) {
        self.init()
        typeUrl = typeURLPrefix + "/" + M.protoMessageName
        value = message.serializedBytes()
    }

    /// True when this Any holds an `M`.
    public func holds<M: ProtoMessage>(_ type: M.Type) -> Bool {
        Self.typeName(fromURL: typeUrl) == M.protoMessageName
    }

    /// The packed message as an `M`; throws when it holds another type.
    public func unpack<M: ProtoMessage>(
        _ type: M.Type, options: DecodeOptions = DecodeOptions()
    ) throws(ProtoAnyError) -> M {
        guard holds(type) else { throw .typeMismatch(url: typeUrl, expected: M.protoMessageName) }
        do {
            return try M(serializedBytes: value, options: options)
        } catch {
            throw .malformed(url: typeUrl, error)
        }
    }
}

extension ProtoJSON {
    /// Set a `ProtoTypeRegistry` here in a coder's `userInfo` to print and read
    /// Any values of the registry's types (the well-known types work without).
    public static let typeRegistryKey = CodingUserInfoKey(rawValue: "protoJSON.typeRegistry")!

    static func typeRegistry(_ userInfo: [CodingUserInfoKey: Any]) -> ProtoTypeRegistry {
        userInfo[typeRegistryKey] as? ProtoTypeRegistry ?? .wellKnown
    }
}

// MARK: - JSON: {"@type": url, ...fields} or {"@type": url, "value": json}

extension ProtoAny {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ProtoJSON.Key.self)
        if typeUrl.isEmpty && value.isEmpty { return }
        guard let type = ProtoJSON.typeRegistry(encoder.userInfo).type(forURL: typeUrl) else {
            throw EncodingError.invalidValue(
                self,
                .init(
                    codingPath: encoder.codingPath, debugDescription: ProtoAnyError.unknownType(typeUrl).description))
        }
        let message: any ProtoMessage
        do {
            message = try type.init(serializedBytes: value, options: DecodeOptions())
        } catch {
            throw EncodingError.invalidValue(
                self,
                .init(
                    codingPath: encoder.codingPath,
                    debugDescription: ProtoAnyError.malformed(url: typeUrl, error).description))
        }
        try c.encode(typeUrl, forKey: ProtoJSON.Key("@type"))
        if Self.valueFormTypes.contains(type.protoMessageName) {
            try c.encode(message, forKey: ProtoJSON.Key("value"))
        } else {
            // The message's own members join "@type" in the same object.
            try message.encode(to: encoder)
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: ProtoJSON.Key.self)
        if c.allKeys.isEmpty { return }
        let typeKey = ProtoJSON.Key("@type")
        guard c.contains(typeKey) else {
            throw ProtoJSON.corrupted(decoder, "Any without \"@type\"")
        }
        let url = try c.decode(String.self, forKey: typeKey)
        guard let type = ProtoJSON.typeRegistry(decoder.userInfo).type(forURL: url) else {
            throw DecodingError.dataCorruptedError(
                forKey: typeKey, in: c, debugDescription: ProtoAnyError.unknownType(url).description)
        }
        let message: any ProtoMessage
        if Self.valueFormTypes.contains(type.protoMessageName) {
            for key in c.allKeys where key != typeKey && key.stringValue != "value" {
                try ProtoJSON.unknownKey(key, in: decoder, message: type.protoMessageName + " in an Any")
            }
            message = try Self.decodeValue(type, c)
        } else {
            message = try type.init(decodingJSON: decoder, skippingTypeKey: true)
        }
        typeUrl = url
        value = message.serializedBytes()
    }

    private static func decodeValue<M: ProtoMessage>(
        _ type: M.Type, _ c: KeyedDecodingContainer<ProtoJSON.Key>
    ) throws -> M {
        try c.decode(M.self, forKey: ProtoJSON.Key("value"))
    }
}
