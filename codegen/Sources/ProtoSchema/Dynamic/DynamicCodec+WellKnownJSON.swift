import ProtoWire

/// proto3 JSON of the well-known types in the dynamic codec, the same forms as
/// ProtoWire's built-in Swift types: Timestamp and Duration as strings, Any as
/// `{"@type": url, ...}` (`"value"` for the types whose JSON is not an object,
/// `ProtoAny.valueFormTypes`), Struct as an object, Value as any JSON value,
/// ListValue as an array, NullValue as `null`, the wrappers as their scalar,
/// FieldMask as one string of lowerCamelCase paths. Empty is an ordinary message.
extension DynamicCodec {
    // MARK: Decoding

    /// The message for a well-known type's JSON form; nil when `typeName` has none.
    func wellKnownFromJSON(
        _ v: JSONValue, _ typeName: String, _ path: String, _ ctx: inout JSONDecodeContext
    ) throws(DynamicJSONError) -> DynamicMessage? {
        var m = DynamicMessage(typeName: typeName)
        switch typeName {
        case WellKnownName.timestamp: return try timestampFromJSON(v, path)
        case WellKnownName.duration: return try durationFromJSON(v, path)
        case WellKnownName.any: return try anyFromJSON(v, path, &ctx)
        case WellKnownName.value:
            switch v {
            case .null: m.fields[1] = .enumValue(0)
            case .number(let text):
                guard let d = Double(text), d.isFinite else {
                    throw DynamicJSONError(path: path, message: "\(text) is out of range for a Value's number")
                }
                m.fields[2] = .double(d)
            case .string(let s): m.fields[3] = .string(s)
            case .bool(let b): m.fields[4] = .bool(b)
            case .object: m.fields[5] = .message(try messageFromJSON(v, WellKnownName.structType, path, &ctx))
            case .array: m.fields[6] = .message(try messageFromJSON(v, WellKnownName.listValue, path, &ctx))
            }
        case WellKnownName.structType:
            guard case .object(let members) = v else {
                throw DynamicJSONError(path: path, message: "expected an object for a Struct, found \(v.kindName)")
            }
            var entries: [DynamicMapKey: DynamicValue] = [:]
            for (key, value) in members {
                let entryPath = path + "[\"" + key + "\"]"
                guard entries[.string(key)] == nil else {
                    throw DynamicJSONError(path: entryPath, message: "duplicate key")
                }
                entries[.string(key)] = .message(
                    try ctx.nested(entryPath) { (ctx: inout JSONDecodeContext) throws(DynamicJSONError) in
                        try messageFromJSON(value, WellKnownName.value, entryPath, &ctx)
                    })
            }
            if !entries.isEmpty { m.fields[1] = .map(entries) }
        case WellKnownName.listValue:
            guard case .array(let items) = v else {
                throw DynamicJSONError(path: path, message: "expected an array for a ListValue, found \(v.kindName)")
            }
            var out: [DynamicValue] = []
            for (i, item) in items.enumerated() {
                out.append(.message(try messageFromJSON(item, WellKnownName.value, path + "[\(i)]", &ctx)))
            }
            if !out.isEmpty { m.fields[1] = .list(out) }
        case WellKnownName.fieldMask:
            guard case .string(let text) = v else {
                throw DynamicJSONError(path: path, message: "expected a FieldMask string, found \(v.kindName)")
            }
            switch ProtoFieldMask.paths(fromJSON: text) {
            case .success(let paths): if !paths.isEmpty { m.fields[1] = .list(paths.map(DynamicValue.string)) }
            case .failure(let e): throw DynamicJSONError(path: path, message: e.description)
            }
        default:
            guard let scalar = WellKnownName.wrappers[typeName] else { return nil }
            let value = try scalarFromJSON(v, scalar, path)
            if !value.isDefault { m.fields[1] = value }
        }
        return m
    }

    func anyFromJSON(
        _ v: JSONValue, _ path: String, _ ctx: inout JSONDecodeContext
    ) throws(DynamicJSONError) -> DynamicMessage {
        guard case .object(let members) = v else {
            throw DynamicJSONError(path: path, message: "expected an object for an Any, found \(v.kindName)")
        }
        var m = DynamicMessage(typeName: WellKnownName.any)
        if members.isEmpty { return m }
        guard let typeValue = members.first(where: { $0.key == "@type" })?.value else {
            throw DynamicJSONError(path: path, message: "Any without \"@type\"")
        }
        guard case .string(let url) = typeValue else {
            throw DynamicJSONError(
                path: Self.join(path, "@type"), message: "expected a type URL string, found \(typeValue.kindName)")
        }
        let name = ProtoAny.typeName(fromURL: url)
        guard let info = infos[name] else {
            throw DynamicJSONError(path: Self.join(path, "@type"), message: Self.unknownAnyType(url))
        }
        let body: DynamicMessage
        if ProtoAny.valueFormTypes.contains(name) {
            for (key, _) in members where key != "@type" && key != "value" && !ctx.ignoreUnknown {
                throw DynamicJSONError(
                    path: Self.join(path, key), message: "unknown field \"\(key)\" in an Any holding \(name)")
            }
            guard let inner = members.first(where: { $0.key == "value" })?.value else {
                throw DynamicJSONError(path: path, message: "Any holding \(name) without \"value\"")
            }
            body = try messageFromJSON(inner, name, Self.join(path, "value"), &ctx)
        } else {
            body = try membersFromJSON(members, info, path, &ctx, skippingTypeKey: true)
        }
        if !url.isEmpty { m.fields[1] = .string(url) }
        let bytes = encode(body)
        if !bytes.isEmpty { m.fields[2] = .bytes(bytes) }
        return m
    }

    static func unknownAnyType(_ url: String) -> String {
        "unknown type \"\(ProtoAny.typeName(fromURL: url))\" in an Any's @type \"\(url)\": the schema does not declare it"
    }

    func timestampFromJSON(_ v: JSONValue, _ path: String) throws(DynamicJSONError) -> DynamicMessage {
        guard case .string(let s) = v else {
            throw DynamicJSONError(path: path, message: "expected an RFC 3339 timestamp string, found \(v.kindName)")
        }
        guard let (sec, ns) = RFC3339.parse(s), sec >= ProtoTimestamp.minSeconds, sec <= ProtoTimestamp.maxSeconds
        else {
            throw DynamicJSONError(path: path, message: "invalid RFC 3339 timestamp \"\(s)\"")
        }
        return Self.secondsNanos(WellKnownName.timestamp, sec, ns)
    }

    func durationFromJSON(_ v: JSONValue, _ path: String) throws(DynamicJSONError) -> DynamicMessage {
        guard case .string(let s) = v else {
            throw DynamicJSONError(path: path, message: "expected a duration string like \"1.5s\", found \(v.kindName)")
        }
        guard let (sec, ns) = RFC3339.parseDuration(s), abs(sec) <= ProtoDuration.maxSeconds else {
            throw DynamicJSONError(path: path, message: "invalid duration \"\(s)\"")
        }
        return Self.secondsNanos(WellKnownName.duration, sec, ns)
    }

    static func secondsNanos(_ typeName: String, _ seconds: Int64, _ nanos: Int32) -> DynamicMessage {
        var m = DynamicMessage(typeName: typeName)
        if seconds != 0 { m.fields[1] = .int64(seconds) }
        if nanos != 0 { m.fields[2] = .int32(nanos) }
        return m
    }

    func secondsNanos(_ m: DynamicMessage, _ path: String) throws(DynamicJSONError) -> (Int64, Int32) {
        var s: Int64 = 0
        var n: Int32 = 0
        for (k, v) in m.fields {
            switch (k, v) {
            case (1, .int64(let x)): s = x
            case (2, .int32(let x)): n = x
            default: throw DynamicJSONError(path: path, message: "\(m.typeName) cannot hold field \(k) = \(v)")
            }
        }
        return (s, n)
    }

    // MARK: Encoding

    /// Writes a well-known type's JSON form; false when `m` is an ordinary message.
    func writeWellKnownJSON(_ m: DynamicMessage, _ path: String, _ w: inout JSONWriter) throws(DynamicJSONError) -> Bool
    {
        switch m.typeName {
        case WellKnownName.timestamp:
            let (s, n) = try secondsNanos(m, path)
            guard s >= ProtoTimestamp.minSeconds, s <= ProtoTimestamp.maxSeconds, n >= 0, n < 1_000_000_000 else {
                throw DynamicJSONError(
                    path: path, message: "Timestamp (\(s)s, \(n)ns) is out of the range RFC 3339 can express")
            }
            w.string(RFC3339.format(seconds: s, nanos: n))
        case WellKnownName.duration:
            let (s, n) = try secondsNanos(m, path)
            let sameSign = (s >= 0 && n >= 0) || (s <= 0 && n <= 0)
            guard s.magnitude <= ProtoDuration.maxSeconds.magnitude, n.magnitude < 1_000_000_000, sameSign else {
                throw DynamicJSONError(
                    path: path, message: "Duration (\(s)s, \(n)ns) is out of range or has mixed signs")
            }
            let negative = s < 0 || n < 0
            w.string((negative ? "-" : "") + String(s.magnitude) + RFC3339.fraction(Int32(n.magnitude)) + "s")
        case WellKnownName.any:
            try writeAnyJSON(m, path, &w)
        case WellKnownName.value:
            switch (m.fields[2], m.fields[3], m.fields[4], m.fields[5], m.fields[6]) {
            case (.double(let d)?, _, _, _, _):
                guard d.isFinite else {
                    throw DynamicJSONError(
                        path: path, message: "Value.number_value \(d) has no JSON form (it would read back as a string)"
                    )
                }
                w.raw(JSONWriter.number(d))
            case (_, .string(let s)?, _, _, _): w.string(s)
            case (_, _, .bool(let b)?, _, _): w.raw(b ? "true" : "false")
            case (_, _, _, .message(let s)?, _): try writeMessageJSON(s, path, &w)
            case (_, _, _, _, .message(let l)?): try writeMessageJSON(l, path, &w)
            default: w.raw("null")  // null_value, or no kind (which reads back as null)
            }
        case WellKnownName.structType:
            let entries = m.fields[1]?.mapValue ?? [:]
            w.byte(UInt8(ascii: "{"))
            for (i, key) in entries.keys.sorted(by: DynamicMapKey.protoLess).enumerated() {
                guard case .message(let value) = entries[key]! else { throw Self.malformedWellKnown(m, path) }
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.string(key.jsonKey)
                w.byte(UInt8(ascii: ":"))
                try writeMessageJSON(value, path + "[\"" + key.jsonKey + "\"]", &w)
            }
            w.byte(UInt8(ascii: "}"))
        case WellKnownName.listValue:
            w.byte(UInt8(ascii: "["))
            for (i, item) in (m.fields[1]?.listValue ?? []).enumerated() {
                guard case .message(let value) = item else { throw Self.malformedWellKnown(m, path) }
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                try writeMessageJSON(value, path + "[\(i)]", &w)
            }
            w.byte(UInt8(ascii: "]"))
        case WellKnownName.fieldMask:
            var paths: [String] = []
            for item in m.fields[1]?.listValue ?? [] {
                guard case .string(let p) = item else { throw Self.malformedWellKnown(m, path) }
                paths.append(p)
            }
            switch ProtoFieldMask.jsonString(paths) {
            case .success(let text): w.string(text)
            case .failure(let e): throw DynamicJSONError(path: path, message: e.description)
            }
        default:
            guard let scalar = WellKnownName.wrappers[m.typeName], let f = infos[m.typeName]?.byNumber[1] else {
                return false
            }
            try writeSingleJSON(m.fields[1] ?? scalar.dynamicDefault, f.type, f, path, &w)
        }
        return true
    }

    func writeAnyJSON(_ m: DynamicMessage, _ path: String, _ w: inout JSONWriter) throws(DynamicJSONError) {
        guard case .string(let url) = m.fields[1] ?? .string(""), case .bytes(let bytes) = m.fields[2] ?? .bytes([])
        else {
            throw Self.malformedWellKnown(m, path)
        }
        if url.isEmpty && bytes.isEmpty {
            w.raw("{}")
            return
        }
        let name = ProtoAny.typeName(fromURL: url)
        guard infos[name] != nil else { throw DynamicJSONError(path: path, message: Self.unknownAnyType(url)) }
        let body: DynamicMessage
        do {
            body = try decode(name, from: bytes)
        } catch {
            throw DynamicJSONError(path: path, message: "the value of an Any does not decode as \(name): \(error)")
        }
        w.byte(UInt8(ascii: "{"))
        w.string("@type")
        w.byte(UInt8(ascii: ":"))
        w.string(url)
        if ProtoAny.valueFormTypes.contains(name) {
            w.byte(UInt8(ascii: ","))
            w.string("value")
            w.byte(UInt8(ascii: ":"))
            try writeMessageJSON(body, Self.join(path, "value"), &w)
        } else {
            var first = false
            try writeMembersJSON(body, path, &w, first: &first)
        }
        w.byte(UInt8(ascii: "}"))
    }

    static func malformedWellKnown(_ m: DynamicMessage, _ path: String) -> DynamicJSONError {
        DynamicJSONError(path: path, message: "\(m.typeName) holds values its fields cannot: \(m.fields)")
    }
}

extension FieldType {
    /// True for a message type.
    public var isMessage: Bool { if case .message = self { true } else { false } }

    /// True for fields where JSON `null` is a value rather than "absent": a
    /// `google.protobuf.Value` or `google.protobuf.NullValue` (or a map of them).
    public var acceptsJSONNull: Bool {
        switch self {
        case .message(WellKnownName.value), .enumeration(WellKnownName.nullValue): true
        case .map(_, let v): v.acceptsJSONNull
        default: false
        }
    }
}
