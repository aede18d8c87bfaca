import ProtoWire

/// Canonical proto3 JSON for dynamic messages.
///
/// Output: compact, members in field-number order under their `jsonName`;
/// absent fields omitted (implicit defaults, empty lists and maps), `optional`
/// fields and oneof members printed whenever present, even at zero; 64-bit
/// integers as strings, 32-bit integers as numbers, floats as the shortest text
/// that reads back to the same bits (no trailing ".0"), "NaN"/"Infinity"/
/// "-Infinity" as strings; bytes as padded standard base64; enums by the name
/// of the first value declared with the number (unknown numbers as numbers);
/// map entries in `DynamicMapKey.protoLess` order; `google.protobuf.Timestamp`
/// as RFC 3339 UTC with 0, 3, 6 or 9 fractional digits and
/// `google.protobuf.Duration` as "1.5s" / "-0.5s". Unknown fields are not printed.
///
/// Input: the json name or the proto name of each field; integers as numbers
/// or strings (exact integral values only, range-checked: "1.0" and "1e2" are
/// accepted, "1.5" is not); floats as numbers, numeric strings, "NaN",
/// "Infinity", "-Infinity"; bytes in standard or URL-safe base64, padded or
/// not; enums by name or number; `null` for a field means absent. Errors:
/// unknown keys and unknown enum names (unless `ignoreUnknownFields`, which
/// skips them; an unknown enum name inside a list or a map drops that element),
/// a field given twice (under either name), two members of one oneof, `null`
/// inside a list or as a map value, duplicate map keys.
extension DynamicCodec {
    /// Deepest message nesting accepted by `decodeJSON` (the top level is 0, as in `DecodeOptions.maxDepth`).
    public static let maxJSONDepth = 100

    /// Decodes a `typeName` message from proto3 JSON. Throws `DynamicJSONError`.
    public func decodeJSON(_ typeName: String, from json: String, ignoreUnknownFields: Bool = false) throws -> DynamicMessage {
        guard infos[typeName] != nil else {
            throw DynamicJSONError(path: "", message: "unknown message type \(typeName)")
        }
        // Each message level may take two JSON levels (a list or a map, then the message).
        let value = try JSONReader.parse(json, maxNesting: 2 * Self.maxJSONDepth + 2)
        var ctx = JSONDecodeContext(ignoreUnknown: ignoreUnknownFields)
        return try messageFromJSON(value, typeName, "", &ctx)
    }

    /// The canonical proto3 JSON of `message`. Throws `DynamicJSONError` for
    /// values the schema does not allow and for Timestamps and Durations out of
    /// JSON's range.
    public func encodeJSON(_ message: DynamicMessage) throws -> String {
        var w = JSONWriter()
        try writeMessageJSON(message, "", &w)
        return w.text
    }
}

struct JSONDecodeContext {
    let ignoreUnknown: Bool
    var depth = 0

    /// Runs `body` one level deeper (when `deeper`), failing past `maxJSONDepth`:
    /// the level a map entry adds in binary around a message value.
    mutating func nested<T>(
        _ path: String, when deeper: Bool = true, _ body: (inout JSONDecodeContext) throws(DynamicJSONError) -> T
    ) throws(DynamicJSONError) -> T {
        guard deeper else { return try body(&self) }
        guard depth <= DynamicCodec.maxJSONDepth else {
            throw DynamicJSONError(path: path, message: "messages nest deeper than \(DynamicCodec.maxJSONDepth)")
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }
}

// MARK: - Decoding

extension DynamicCodec {
    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func messageFromJSON(_ v: JSONValue, _ typeName: String, _ path: String, _ ctx: inout JSONDecodeContext) throws(DynamicJSONError) -> DynamicMessage {
        guard let info = infos[typeName] else { throw DynamicJSONError(path: path, message: "unknown message type \(typeName)") }
        // The top level is depth 0, as in `DecodeOptions.maxDepth`.
        return try ctx.nested(path) { (ctx: inout JSONDecodeContext) throws(DynamicJSONError) in
            if let m = try wellKnownFromJSON(v, typeName, path, &ctx) { return m }
            guard case .object(let members) = v else {
                throw DynamicJSONError(path: path, message: "expected an object for \(typeName), found \(v.kindName)")
            }
            return try membersFromJSON(members, info, path, &ctx)
        }
    }

    /// The fields of a message from the members of its JSON object; with
    /// `skippingTypeKey`, an `"@type"` member is passed over (an Any's body).
    func membersFromJSON(
        _ members: [(key: String, value: JSONValue)], _ info: DynamicMessageInfo, _ path: String,
        _ ctx: inout JSONDecodeContext, skippingTypeKey: Bool = false
    ) throws(DynamicJSONError) -> DynamicMessage {
        let typeName = info.descriptor.fullName
        var m = DynamicMessage(typeName: typeName)
        var seen: [Int: String] = [:]
        var oneofMember: [Int: String] = [:]
        for (key, value) in members {
            if skippingTypeKey && key == "@type" { continue }
            let fieldPath = Self.join(path, key)
            guard let f = info.byJSONKey[key] else {
                if ctx.ignoreUnknown { continue }
                throw DynamicJSONError(path: fieldPath, message: "unknown field \"\(key)\" in \(typeName)")
            }
            if let first = seen[f.number] {
                throw DynamicJSONError(path: fieldPath, message: "field \(f.name) given twice (\"\(first)\" and \"\(key)\")")
            }
            seen[f.number] = key
            // `null` means "absent", except for a singular Value or NullValue, where it is the value.
            if case .null = value, f.label == .repeated || !f.type.acceptsJSONNull { continue }
            if let o = f.oneofIndex {
                if let other = oneofMember[o] {
                    let name = o < info.descriptor.oneofs.count ? info.descriptor.oneofs[o].name : "#\(o)"
                    throw DynamicJSONError(path: fieldPath, message: "oneof \(name) already set by \"\(other)\"")
                }
                oneofMember[o] = key
            }
            switch f.type {
            case .map(let keyType, let valueType):
                guard case .object(let entries) = value else {
                    throw DynamicJSONError(path: fieldPath, message: "expected an object for a map, found \(value.kindName)")
                }
                var out: [DynamicMapKey: DynamicValue] = [:]
                for (k, ev) in entries {
                    let entryPath = fieldPath + "[\"" + k + "\"]"
                    let mk = try mapKeyFromJSON(k, keyType, entryPath)
                    guard out[mk] == nil else { throw DynamicJSONError(path: entryPath, message: "duplicate map key") }
                    if case .null = ev, !valueType.acceptsJSONNull {
                        throw DynamicJSONError(path: entryPath, message: "null is not a valid map value")
                    }
                    // A message value sits inside its entry, one level deeper in binary.
                    let mv = try ctx.nested(entryPath, when: valueType.isMessage) { (ctx: inout JSONDecodeContext) throws(DynamicJSONError) in
                        try singleFromJSON(ev, valueType, entryPath, &ctx)
                    }
                    guard let mv else { continue }
                    out[mk] = mv
                }
                if !out.isEmpty { m.fields[f.number] = .map(out) }
            case _ where f.label == .repeated:
                guard case .array(let items) = value else {
                    throw DynamicJSONError(path: fieldPath, message: "expected an array, found \(value.kindName)")
                }
                var out: [DynamicValue] = []
                out.reserveCapacity(items.count)
                for (i, item) in items.enumerated() {
                    let itemPath = fieldPath + "[\(i)]"
                    if case .null = item, !f.type.acceptsJSONNull {
                        throw DynamicJSONError(path: itemPath, message: "null is not a valid list element")
                    }
                    guard let iv = try singleFromJSON(item, f.type, itemPath, &ctx) else { continue }
                    out.append(iv)
                }
                if !out.isEmpty { m.fields[f.number] = .list(out) }
            default:
                guard let sv = try singleFromJSON(value, f.type, fieldPath, &ctx) else { continue }
                if f.hasImplicitPresence && sv.isDefault { continue }
                m.fields[f.number] = sv
            }
        }
        return m
    }

    /// One value of `type`; nil for an unknown enum name being ignored.
    func singleFromJSON(_ v: JSONValue, _ type: FieldType, _ path: String, _ ctx: inout JSONDecodeContext) throws(DynamicJSONError) -> DynamicValue? {
        switch type {
        case .scalar(let st): return try scalarFromJSON(v, st, path)
        case .enumeration(let enumName): return try enumFromJSON(v, enumName, path, ctx.ignoreUnknown).map(DynamicValue.enumValue)
        case .message(let name): return .message(try messageFromJSON(v, name, path, &ctx))
        case .map: throw DynamicJSONError(path: path, message: "a map cannot hold maps")
        }
    }

    func integerFromJSON<T: FixedWidthInteger>(_ v: JSONValue, _ type: T.Type, _ typeLabel: String, _ path: String) throws(DynamicJSONError) -> T {
        let text: String
        switch v {
        case .number(let t): text = t
        case .string(let s): text = s
        default: throw DynamicJSONError(path: path, message: "expected \(typeLabel) as a number or a string, found \(v.kindName)")
        }
        switch JSONNumber.integer(text, as: T.self) {
        case .value(let x): return x
        case .notInteger: throw DynamicJSONError(path: path, message: "\(text) is not an integer")
        case .outOfRange: throw DynamicJSONError(path: path, message: "\(text) is out of range for \(typeLabel)")
        case .notNumber: throw DynamicJSONError(path: path, message: "\"\(text)\" is not a number")
        }
    }

    func floatingText(_ v: JSONValue, _ typeLabel: String, _ path: String) throws(DynamicJSONError) -> String {
        switch v {
        case .number(let t): return t
        case .string(let s):
            if s == "NaN" || s == "Infinity" || s == "-Infinity" || JSONNumber.isValid(s) { return s }
            throw DynamicJSONError(path: path, message: "\"\(s)\" is not a \(typeLabel)")
        default:
            throw DynamicJSONError(path: path, message: "expected \(typeLabel) as a number or a string, found \(v.kindName)")
        }
    }

    func scalarFromJSON(_ v: JSONValue, _ st: ScalarType, _ path: String) throws(DynamicJSONError) -> DynamicValue {
        switch st {
        case .int32, .sint32, .sfixed32: return .int32(try integerFromJSON(v, Int32.self, st.rawValue, path))
        case .int64, .sint64, .sfixed64: return .int64(try integerFromJSON(v, Int64.self, st.rawValue, path))
        case .uint32, .fixed32: return .uint32(try integerFromJSON(v, UInt32.self, st.rawValue, path))
        case .uint64, .fixed64: return .uint64(try integerFromJSON(v, UInt64.self, st.rawValue, path))
        case .double:
            let t = try floatingText(v, "double", path)
            switch t {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default:
                guard let d = Double(t), d.isFinite else {
                    throw DynamicJSONError(path: path, message: "\(t) is out of range for double")
                }
                return .double(d)
            }
        case .float:
            let t = try floatingText(v, "float", path)
            switch t {
            case "NaN": return .float(.nan)
            case "Infinity": return .float(.infinity)
            case "-Infinity": return .float(-.infinity)
            default:
                guard let f = Float(t), f.isFinite else {
                    throw DynamicJSONError(path: path, message: "\(t) is out of range for float")
                }
                return .float(f)
            }
        case .bool:
            guard case .bool(let b) = v else { throw DynamicJSONError(path: path, message: "expected true or false, found \(v.kindName)") }
            return .bool(b)
        case .string:
            guard case .string(let s) = v else { throw DynamicJSONError(path: path, message: "expected a string, found \(v.kindName)") }
            return .string(s)
        case .bytes:
            guard case .string(let s) = v else { throw DynamicJSONError(path: path, message: "expected base64 bytes as a string, found \(v.kindName)") }
            guard let b = Base64.decode(s) else { throw DynamicJSONError(path: path, message: "invalid base64") }
            return .bytes(b)
        }
    }

    /// An enum's number; nil when the name is unknown and unknown fields are ignored.
    func enumFromJSON(_ v: JSONValue, _ enumName: String, _ path: String, _ ignoreUnknown: Bool) throws(DynamicJSONError) -> Int32? {
        switch v {
        case .null where enumName == WellKnownName.nullValue:
            return 0
        case .string(let name):
            if let e = enums[enumName]?.value(named: name) { return e.number }
            if ignoreUnknown { return nil }
            throw DynamicJSONError(path: path, message: "unknown value \"\(name)\" for enum \(enumName)")
        case .number:
            return try integerFromJSON(v, Int32.self, "enum \(enumName)", path)
        default:
            throw DynamicJSONError(path: path, message: "expected an enum name or number, found \(v.kindName)")
        }
    }

    func mapKeyFromJSON(_ key: String, _ st: ScalarType, _ path: String) throws(DynamicJSONError) -> DynamicMapKey {
        func bad() -> DynamicJSONError { DynamicJSONError(path: path, message: "invalid \(st.rawValue) map key \"\(key)\"") }
        func integer<T: FixedWidthInteger>(_: T.Type) throws(DynamicJSONError) -> T {
            // Decimal integers only: an optional "-" and digits.
            let u = Array(key.utf8)
            let digits = u.first == UInt8(ascii: "-") ? u.dropFirst() : u[...]
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = T(key) else { throw bad() }
            return v
        }
        switch st {
        case .int32, .sint32, .sfixed32: return .int32(try integer(Int32.self))
        case .int64, .sint64, .sfixed64: return .int64(try integer(Int64.self))
        case .uint32, .fixed32: return .uint32(try integer(UInt32.self))
        case .uint64, .fixed64: return .uint64(try integer(UInt64.self))
        case .bool:
            switch key {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw bad()
            }
        case .string: return .string(key)
        case .float, .double, .bytes: throw bad()
        }
    }
}

// MARK: - Encoding

extension DynamicCodec {
    func writeMessageJSON(_ m: DynamicMessage, _ path: String, _ w: inout JSONWriter) throws(DynamicJSONError) {
        if try writeWellKnownJSON(m, path, &w) { return }
        w.byte(UInt8(ascii: "{"))
        var first = true
        try writeMembersJSON(m, path, &w, first: &first)
        w.byte(UInt8(ascii: "}"))
    }

    /// The members of a message's JSON object, each preceded by a comma unless `first`.
    func writeMembersJSON(_ m: DynamicMessage, _ path: String, _ w: inout JSONWriter, first: inout Bool) throws(DynamicJSONError) {
        guard let info = infos[m.typeName] else {
            throw DynamicJSONError(path: path, message: "unknown message type \(m.typeName)")
        }
        for n in m.fields.keys where info.byNumber[n] == nil {
            throw DynamicJSONError(path: path, message: "\(m.typeName) has no field number \(n)")
        }
        for f in info.ordered {
            guard let v = m.fields[f.number] else { continue }
            if f.hasImplicitPresence && v.isDefault { continue }
            let fieldPath = Self.join(path, f.jsonName)
            switch f.type {
            case .map(let keyType, let valueType):
                guard case .map(let entries) = v else { throw Self.typeMismatch(f, v, fieldPath) }
                if entries.isEmpty { continue }
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.string(f.jsonName)
                w.byte(UInt8(ascii: ":"))
                w.byte(UInt8(ascii: "{"))
                for (i, k) in entries.keys.sorted(by: DynamicMapKey.protoLess).enumerated() {
                    let entryPath = fieldPath + "[\"" + k.jsonKey + "\"]"
                    guard keyType.accepts(k.value) else { throw Self.typeMismatch(f, k.value, entryPath) }
                    if i > 0 { w.byte(UInt8(ascii: ",")) }
                    w.string(k.jsonKey)
                    w.byte(UInt8(ascii: ":"))
                    try writeSingleJSON(entries[k]!, valueType, f, entryPath, &w)
                }
                w.byte(UInt8(ascii: "}"))
            case _ where f.label == .repeated:
                guard case .list(let items) = v else { throw Self.typeMismatch(f, v, fieldPath) }
                if items.isEmpty { continue }
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.string(f.jsonName)
                w.byte(UInt8(ascii: ":"))
                w.byte(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { w.byte(UInt8(ascii: ",")) }
                    try writeSingleJSON(item, f.type, f, fieldPath + "[\(i)]", &w)
                }
                w.byte(UInt8(ascii: "]"))
            default:
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.string(f.jsonName)
                w.byte(UInt8(ascii: ":"))
                try writeSingleJSON(v, f.type, f, fieldPath, &w)
            }
        }
    }

    static func typeMismatch(_ f: FieldDescriptor, _ v: DynamicValue, _ path: String) -> DynamicJSONError {
        DynamicJSONError(path: path, message: "field \(f.name) of type \(f.type) cannot hold \(v)")
    }

    func writeSingleJSON(_ v: DynamicValue, _ type: FieldType, _ f: FieldDescriptor, _ path: String, _ w: inout JSONWriter) throws(DynamicJSONError) {
        switch (type, v) {
        case (.scalar(let st), _):
            guard st.accepts(v) else { throw Self.typeMismatch(f, v, path) }
            switch v {
            case .int32(let x): w.raw(String(x))
            case .uint32(let x): w.raw(String(x))
            case .int64(let x): w.string(String(x))
            case .uint64(let x): w.string(String(x))
            case .bool(let x): w.raw(x ? "true" : "false")
            case .string(let x): w.string(x)
            case .bytes(let x): w.string(Base64.encode(x))
            case .double(let x):
                if x.isNaN { w.string("NaN") }
                else if x.isInfinite { w.string(x < 0 ? "-Infinity" : "Infinity") }
                else { w.raw(JSONWriter.number(x)) }
            case .float(let x):
                if x.isNaN { w.string("NaN") }
                else if x.isInfinite { w.string(x < 0 ? "-Infinity" : "Infinity") }
                else { w.raw(JSONWriter.number(x)) }
            default: throw Self.typeMismatch(f, v, path)
            }
        case (.enumeration(WellKnownName.nullValue), .enumValue):
            w.raw("null")
        case (.enumeration(let enumName), .enumValue(let n)):
            if let e = enums[enumName]?.value(number: n) { w.string(e.name) } else { w.raw(String(n)) }
        case (.message(let name), .message(let sub)) where sub.typeName == name:
            try writeMessageJSON(sub, path, &w)
        default:
            throw Self.typeMismatch(f, v, path)
        }
    }
}
