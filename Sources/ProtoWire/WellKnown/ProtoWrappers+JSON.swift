/// proto3 JSON of the nine wrappers (their value's own JSON form), of
/// `google.protobuf.FieldMask` (one string of lowerCamelCase paths joined by
/// commas) and of `google.protobuf.Empty` (generated: `{}`).

/// A `Codable` carrier of one scalar in its proto3 JSON form.
public protocol ProtoJSONScalarForm: Codable {
    associatedtype Scalar
    init(_ value: Scalar)
    var value: Scalar { get }
}

extension ProtoJSON.IntegerValue: ProtoJSONScalarForm {}
extension ProtoJSON.DoubleValue: ProtoJSONScalarForm {}
extension ProtoJSON.FloatValue: ProtoJSONScalarForm {}
extension ProtoJSON.BytesValue: ProtoJSONScalarForm {}

extension ProtoJSON {
    /// A scalar whose JSON form is Swift's own (bool, string).
    public struct PlainValue<T: Codable & Hashable & Sendable>: ProtoJSONScalarForm, Hashable, Sendable {
        public var value: T
        @inlinable public init(_ value: T) { self.value = value }
        public init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(T.self) }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(value)
        }
    }
}

/// A wrapper message (`google.protobuf.Int64Value` and the others): one
/// `value` field, whose JSON form is the wrapper's JSON form.
public protocol ProtoWrapper: ProtoMessage {
    associatedtype JSONForm: ProtoJSONScalarForm
    var value: JSONForm.Scalar { get set }
}

extension ProtoWrapper {
    public init(_ value: JSONForm.Scalar) {
        self.init()
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        value = try decoder.singleValueContainer().decode(JSONForm.self).value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(JSONForm(value))
    }
}

extension ProtoDoubleValue: ProtoWrapper { public typealias JSONForm = ProtoJSON.DoubleValue }
extension ProtoFloatValue: ProtoWrapper { public typealias JSONForm = ProtoJSON.FloatValue }
extension ProtoInt64Value: ProtoWrapper { public typealias JSONForm = ProtoJSON.Int64Value }
extension ProtoUInt64Value: ProtoWrapper { public typealias JSONForm = ProtoJSON.UInt64Value }
extension ProtoInt32Value: ProtoWrapper { public typealias JSONForm = ProtoJSON.Int32Value }
extension ProtoUInt32Value: ProtoWrapper { public typealias JSONForm = ProtoJSON.UInt32Value }
extension ProtoBoolValue: ProtoWrapper { public typealias JSONForm = ProtoJSON.PlainValue<Bool> }
extension ProtoStringValue: ProtoWrapper { public typealias JSONForm = ProtoJSON.PlainValue<String> }
extension ProtoBytesValue: ProtoWrapper { public typealias JSONForm = ProtoJSON.BytesValue }

// MARK: - FieldMask

extension ProtoFieldMask {
    public init(paths: [String]) {
        self.init()
        self.paths = paths
    }

    /// A path in JSON: `foo_bar.baz_qux` -> `fooBar.bazQux`. Nil when the path
    /// would not read back the same: an uppercase letter, or a "_" not
    /// followed by a lowercase letter. Field names are ASCII, so only ASCII
    /// letters change case; any other character is kept as it is.
    public static func jsonPath(_ path: String) -> String? {
        var out: [UInt8] = []
        var afterUnderscore = false
        for b in path.utf8 {
            if isASCIIUpper(b) { return nil }
            if afterUnderscore {
                guard isASCIILower(b) else { return nil }
                out.append(b - 0x20)
                afterUnderscore = false
            } else if b == UInt8(ascii: "_") {
                afterUnderscore = true
            } else {
                out.append(b)
            }
        }
        return afterUnderscore ? nil : String(decoding: out, as: UTF8.self)
    }

    /// A JSON path back in proto form: `fooBar` -> `foo_bar`. Nil when it holds a "_".
    public static func protoPath(fromJSON path: String) -> String? {
        var out: [UInt8] = []
        for b in path.utf8 {
            if b == UInt8(ascii: "_") { return nil }
            if isASCIIUpper(b) {
                out += [UInt8(ascii: "_"), b + 0x20]
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isASCIIUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
    private static func isASCIILower(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }

    /// The JSON string of `paths`, or a message naming the first path that has none.
    public static func jsonString(_ paths: [String]) -> Result<String, FieldMaskPathError> {
        var parts: [String] = []
        for p in paths {
            guard let j = jsonPath(p) else { return .failure(FieldMaskPathError(path: p, printing: true)) }
            parts.append(j)
        }
        return .success(parts.joined(separator: ","))
    }

    /// The paths of a JSON string ("" has none).
    public static func paths(fromJSON text: String) -> Result<[String], FieldMaskPathError> {
        guard !text.isEmpty else { return .success([]) }
        var out: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let p = protoPath(fromJSON: String(part)) else {
                return .failure(FieldMaskPathError(path: String(part), printing: false))
            }
            out.append(p)
        }
        return .success(out)
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.paths(fromJSON: text) {
        case .success(let p): paths = p
        case .failure(let e): throw ProtoJSON.corrupted(decoder, e.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch Self.jsonString(paths) {
        case .success(let text):
            var c = encoder.singleValueContainer()
            try c.encode(text)
        case .failure(let e):
            throw EncodingError.invalidValue(
                paths, .init(codingPath: encoder.codingPath, debugDescription: e.description))
        }
    }
}

/// A FieldMask path without a JSON form (printing), or a JSON path that is not
/// a lowerCamelCase path (reading).
public struct FieldMaskPathError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var printing: Bool

    public var description: String {
        printing
            ? "FieldMask path \"\(path)\" has no JSON form: it must be lower snake_case, each \"_\" followed by a lowercase letter"
            : "FieldMask JSON path \"\(path)\" must be lowerCamelCase without \"_\""
    }
}
