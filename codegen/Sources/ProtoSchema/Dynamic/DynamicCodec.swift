import ProtoWire

/// Binary (this file) and proto3 JSON (`DynamicCodec+JSON.swift`) codecs for
/// `DynamicMessage`, driven by a parsed `Schema`.
///
/// The binary encoding is canonical and deterministic, byte for byte the layout
/// generated code emits:
/// - fields in ascending field-number order (oneof members in that order too);
/// - implicit-presence scalars and enums omitted at their default; `optional`
///   fields and oneof members written whenever present, even at zero;
/// - repeated packable fields with `isPacked` as one length-delimited run
///   (omitted when empty), other repeated fields one tag per element;
/// - map entries sorted by key (`DynamicMapKey.protoLess`), each a
///   length-delimited message holding both the key (field 1) and the value
///   (field 2), even at their defaults;
/// - negative int32 and enum values as 10-byte varints;
/// - unknown fields last, verbatim.
///
/// Encoding a message whose values do not match the schema (a `.string` in an
/// int32 field, a field number the type does not declare, an unknown type
/// name) is a programmer error and traps; use `encodeJSON` for a throwing check.
public struct DynamicCodec: Sendable {
    public let schema: Schema
    /// The schema's messages and enums, and every built-in well-known type
    /// (an Any may hold one the schema does not import).
    let infos: [String: DynamicMessageInfo]
    let enums: [String: EnumDescriptor]

    public init(schema: Schema) {
        self.schema = schema
        let builtIn = WellKnownTypes.builtIn
        var infos: [String: DynamicMessageInfo] = [:]
        for (name, d) in schema.messages { infos[name] = DynamicMessageInfo(d) }
        for (name, d) in builtIn.messages where infos[name] == nil { infos[name] = DynamicMessageInfo(d) }
        self.infos = infos
        enums = schema.enums.merging(builtIn.enums) { own, _ in own }
    }

    func info(_ typeName: String) -> DynamicMessageInfo {
        guard let i = infos[typeName] else { preconditionFailure("DynamicCodec: unknown message type \(typeName)") }
        return i
    }

    // MARK: - Decoding

    /// Decodes a `typeName` message from its binary form under `options`' limits.
    public func decode(_ typeName: String, from bytes: [UInt8], options: DecodeOptions = .init()) throws(WireError) -> DynamicMessage {
        var m = DynamicMessage(typeName: typeName)
        try merge(bytes, into: &m, options: options)
        return m
    }

    /// Merges binary input into `message` (as protobuf's MergeFrom: scalars
    /// replace, singular messages merge, repeated fields append).
    public func merge(_ bytes: [UInt8], into message: inout DynamicMessage, options: DecodeOptions = .init()) throws(WireError) {
        guard bytes.count <= options.maxMessageSize else {
            throw WireError(.messageTooLarge, offset: options.maxMessageSize)
        }
        let info = self.info(message.typeName)
        var m = message
        let result: Result<DynamicMessage, WireError> = bytes.withUnsafeBytes { raw in
            Result { () throws(WireError) -> DynamicMessage in
                var reader = WireReader(raw, options: options)
                try decodeFields(into: &m, info, &reader)
                return m
            }
        }
        message = try result.get()
    }

    /// Decodes fields until the end of the current (innermost) message of `reader`.
    func decodeFields(into m: inout DynamicMessage, _ info: DynamicMessageInfo, _ reader: inout WireReader) throws(WireError) {
        // Lists and maps being appended to, kept out of `m.fields` so that
        // appending never copies.
        var lists: [Int: [DynamicValue]] = [:]
        var maps: [Int: [DynamicMapKey: DynamicValue]] = [:]
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            let number = Int(tag >> 3)
            let wireType = UInt8(truncatingIfNeeded: tag & 7)
            guard let f = info.byNumber[number] else {
                try reader.skipUnknown(tag, into: &m.unknownFields)
                continue
            }
            switch f.type {
            case .scalar(let st):
                if f.label == .repeated {
                    if lists[number] == nil { lists[number] = m.fields.removeValue(forKey: number)?.listValue ?? [] }
                    if wireType == 2 && st.isPackable {
                        let saved = try reader.enterPacked()
                        if let w = st.fixedWidth { try reader.checkPackedWidth(w, tag: tag) }
                        while !reader.isAtEnd { lists[number]!.append(try Self.readScalar(st, &reader)) }
                        reader.leavePacked(saved)
                    } else if wireType == st.wireType {
                        lists[number]!.append(try Self.readScalar(st, &reader))
                    } else {
                        throw reader.wrongWireType(tag)
                    }
                } else {
                    guard wireType == st.wireType else { throw reader.wrongWireType(tag) }
                    setSingular(try Self.readScalar(st, &reader), f, info, &m)
                }
            case .enumeration:
                if f.label == .repeated {
                    if lists[number] == nil { lists[number] = m.fields.removeValue(forKey: number)?.listValue ?? [] }
                    if wireType == 2 {
                        let saved = try reader.enterPacked()
                        while !reader.isAtEnd { lists[number]!.append(.enumValue(try reader.readEnum())) }
                        reader.leavePacked(saved)
                    } else if wireType == 0 {
                        lists[number]!.append(.enumValue(try reader.readEnum()))
                    } else {
                        throw reader.wrongWireType(tag)
                    }
                } else {
                    guard wireType == 0 else { throw reader.wrongWireType(tag) }
                    setSingular(.enumValue(try reader.readEnum()), f, info, &m)
                }
            case .message(let typeName):
                guard wireType == 2 else { throw reader.wrongWireType(tag) }
                let subInfo = self.info(typeName)
                if f.label == .repeated {
                    if lists[number] == nil { lists[number] = m.fields.removeValue(forKey: number)?.listValue ?? [] }
                    var sub = DynamicMessage(typeName: typeName)
                    let saved = try reader.enterNested()
                    try decodeFields(into: &sub, subInfo, &reader)
                    reader.leaveNested(saved)
                    lists[number]!.append(.message(sub))
                } else {
                    // A singular message merges into what is there; a oneof
                    // member merges only into the same member.
                    var sub = m.fields.removeValue(forKey: number)?.messageValue ?? DynamicMessage(typeName: typeName)
                    let saved = try reader.enterNested()
                    try decodeFields(into: &sub, subInfo, &reader)
                    reader.leaveNested(saved)
                    setSingular(.message(sub), f, info, &m)
                }
            case .map(let keyType, let valueType):
                guard wireType == 2 else { throw reader.wrongWireType(tag) }
                if maps[number] == nil { maps[number] = m.fields.removeValue(forKey: number)?.mapValue ?? [:] }
                let (k, v) = try decodeMapEntry(keyType, valueType, &reader)
                maps[number]![k] = v
            }
        }
        for (n, l) in lists where !l.isEmpty { m.fields[n] = .list(l) }
        for (n, d) in maps where !d.isEmpty { m.fields[n] = .map(d) }
    }

    /// Stores a singular value in normal form: implicit defaults are absent,
    /// setting a oneof member clears the others.
    func setSingular(_ v: DynamicValue, _ f: FieldDescriptor, _ info: DynamicMessageInfo, _ m: inout DynamicMessage) {
        if let others = info.siblings[f.number] {
            for o in others { m.fields.removeValue(forKey: o) }
            m.fields[f.number] = v
        } else if f.hasImplicitPresence && v.isDefault {
            m.fields.removeValue(forKey: f.number)
        } else {
            m.fields[f.number] = v
        }
    }

    /// Reads one map entry (a nested message: key = 1, value = 2). A missing key
    /// or value takes its default; unknown fields inside the entry are dropped.
    func decodeMapEntry(_ keyType: ScalarType, _ valueType: FieldType, _ reader: inout WireReader) throws(WireError) -> (DynamicMapKey, DynamicValue) {
        let saved = try reader.enterNested()
        var key: DynamicMapKey? = nil
        var value: DynamicValue? = nil
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            let wireType = UInt8(truncatingIfNeeded: tag & 7)
            switch tag >> 3 {
            case 1:
                guard wireType == keyType.wireType else { throw reader.wrongWireType(tag) }
                key = DynamicMapKey(try Self.readScalar(keyType, &reader))
            case 2:
                switch valueType {
                case .scalar(let st):
                    guard wireType == st.wireType else { throw reader.wrongWireType(tag) }
                    value = try Self.readScalar(st, &reader)
                case .enumeration:
                    guard wireType == 0 else { throw reader.wrongWireType(tag) }
                    value = .enumValue(try reader.readEnum())
                case .message(let typeName):
                    guard wireType == 2 else { throw reader.wrongWireType(tag) }
                    var sub = value?.messageValue ?? DynamicMessage(typeName: typeName)
                    let s = try reader.enterNested()
                    try decodeFields(into: &sub, info(typeName), &reader)
                    reader.leaveNested(s)
                    value = .message(sub)
                case .map:
                    preconditionFailure("a map value cannot be a map")
                }
            default:
                try reader.skipValue(tag)
            }
        }
        reader.leaveNested(saved)
        return (key ?? keyType.dynamicDefaultKey!, value ?? defaultValue(valueType))
    }

    /// The default of a singular value of `type` (an empty message for messages).
    func defaultValue(_ type: FieldType) -> DynamicValue {
        switch type {
        case .scalar(let st): st.dynamicDefault
        case .enumeration: .enumValue(0)
        case .message(let n): .message(DynamicMessage(typeName: n))
        case .map: .map([:])
        }
    }

    @inline(__always)
    static func readScalar(_ st: ScalarType, _ reader: inout WireReader) throws(WireError) -> DynamicValue {
        switch st {
        case .double: .double(try reader.readDouble())
        case .float: .float(try reader.readFloat())
        case .int64: .int64(try reader.readInt64())
        case .uint64: .uint64(try reader.readUInt64())
        case .int32: .int32(try reader.readInt32())
        case .fixed64: .uint64(try reader.readFixed64())
        case .fixed32: .uint32(try reader.readFixed32())
        case .bool: .bool(try reader.readBool())
        case .string: .string(try reader.readString())
        case .bytes: .bytes(try reader.readBytes())
        case .uint32: .uint32(try reader.readUInt32())
        case .sfixed32: .int32(try reader.readSFixed32())
        case .sfixed64: .int64(try reader.readSFixed64())
        case .sint32: .int32(try reader.readSInt32())
        case .sint64: .int64(try reader.readSInt64())
        }
    }

    // MARK: - Encoding

    /// The canonical binary encoding of `message` (see the type's documentation).
    public func encode(_ message: DynamicMessage) -> [UInt8] {
        var writer = WireWriter()
        encodeFields(message, &writer)
        return writer.finish()
    }

    /// Writes the message's fields back to front: unknown fields (which go last)
    /// first, then fields in descending number order.
    func encodeFields(_ m: DynamicMessage, _ w: inout WireWriter) {
        let info = self.info(m.typeName)
        w.writeUnknown(m.unknownFields)
        var seen = 0
        for f in info.ordered.reversed() {
            guard let v = m.fields[f.number] else { continue }
            seen += 1
            encodeField(f, v, &w, m.typeName)
        }
        if seen != m.fields.count {
            let unknown = m.fields.keys.filter { info.byNumber[$0] == nil }.sorted()
            preconditionFailure("DynamicCodec.encode: \(m.typeName) has no fields \(unknown)")
        }
    }

    func encodeField(_ f: FieldDescriptor, _ v: DynamicValue, _ w: inout WireWriter, _ typeName: String) {
        let n = f.number
        switch f.type {
        case .map(let keyType, let valueType):
            guard case .map(let entries) = v else { mismatch(f, v, typeName) }
            let keys = entries.keys.sorted(by: DynamicMapKey.protoLess)
            for k in keys.reversed() {
                let mark = w.count
                let value = entries[k]!
                writeSingle(valueType, value, 2, &w, f, typeName)
                let kv = k.value
                guard keyType.accepts(kv) else { mismatch(f, kv, typeName) }
                Self.writeScalar(keyType, kv, &w)
                w.writeTag(WireFormat.tag(1, WireType(rawValue: keyType.wireType)!))
                w.writeLength(since: mark)
                w.writeTag(WireFormat.tag(n, .lengthDelimited))
            }
        case .scalar(let st) where f.label == .repeated:
            guard case .list(let items) = v else { mismatch(f, v, typeName) }
            if items.isEmpty { return }
            if f.isPacked && st.isPackable {
                let mark = w.count
                for item in items.reversed() {
                    guard st.accepts(item) else { mismatch(f, item, typeName) }
                    Self.writeScalar(st, item, &w)
                }
                w.writeLength(since: mark)
                w.writeTag(WireFormat.tag(n, .lengthDelimited))
            } else {
                for item in items.reversed() { writeSingle(f.type, item, n, &w, f, typeName) }
            }
        case .enumeration where f.label == .repeated:
            guard case .list(let items) = v else { mismatch(f, v, typeName) }
            if items.isEmpty { return }
            if f.isPacked {
                let mark = w.count
                for item in items.reversed() {
                    guard case .enumValue(let e) = item else { mismatch(f, item, typeName) }
                    w.writeEnum(e)
                }
                w.writeLength(since: mark)
                w.writeTag(WireFormat.tag(n, .lengthDelimited))
            } else {
                for item in items.reversed() { writeSingle(f.type, item, n, &w, f, typeName) }
            }
        case .message where f.label == .repeated:
            guard case .list(let items) = v else { mismatch(f, v, typeName) }
            for item in items.reversed() { writeSingle(f.type, item, n, &w, f, typeName) }
        default:
            if f.hasImplicitPresence && v.isDefault { return }
            writeSingle(f.type, v, n, &w, f, typeName)
        }
    }

    /// Writes one value with its tag (always, even at its default).
    func writeSingle(_ type: FieldType, _ v: DynamicValue, _ n: Int, _ w: inout WireWriter, _ f: FieldDescriptor, _ typeName: String) {
        switch type {
        case .scalar(let st):
            guard st.accepts(v) else { mismatch(f, v, typeName) }
            Self.writeScalar(st, v, &w)
            w.writeTag(WireFormat.tag(n, WireType(rawValue: st.wireType)!))
        case .enumeration:
            guard case .enumValue(let e) = v else { mismatch(f, v, typeName) }
            w.writeEnum(e)
            w.writeTag(WireFormat.tag(n, .varint))
        case .message(let subType):
            guard case .message(let sub) = v, sub.typeName == subType else { mismatch(f, v, typeName) }
            let mark = w.count
            encodeFields(sub, &w)
            w.writeLength(since: mark)
            w.writeTag(WireFormat.tag(n, .lengthDelimited))
        case .map:
            preconditionFailure("a map value cannot be a map")
        }
    }

    @inline(__always)
    static func writeScalar(_ st: ScalarType, _ v: DynamicValue, _ w: inout WireWriter) {
        switch (st, v) {
        case (.double, .double(let x)): w.writeDouble(x)
        case (.float, .float(let x)): w.writeFloat(x)
        case (.int64, .int64(let x)): w.writeInt64(x)
        case (.uint64, .uint64(let x)): w.writeUInt64(x)
        case (.int32, .int32(let x)): w.writeInt32(x)
        case (.fixed64, .uint64(let x)): w.writeFixed64(x)
        case (.fixed32, .uint32(let x)): w.writeFixed32(x)
        case (.bool, .bool(let x)): w.writeBool(x)
        case (.string, .string(let x)): w.writeString(x)
        case (.bytes, .bytes(let x)): w.writeBytes(x)
        case (.uint32, .uint32(let x)): w.writeUInt32(x)
        case (.sfixed32, .int32(let x)): w.writeSFixed32(x)
        case (.sfixed64, .int64(let x)): w.writeSFixed64(x)
        case (.sint32, .int32(let x)): w.writeSInt32(x)
        case (.sint64, .int64(let x)): w.writeSInt64(x)
        default: preconditionFailure("DynamicCodec.encode: \(v) is not a \(st)")
        }
    }

    func mismatch(_ f: FieldDescriptor, _ v: DynamicValue, _ typeName: String) -> Never {
        preconditionFailure("DynamicCodec.encode: \(typeName).\(f.name) (\(f.type)) cannot hold \(v)")
    }
}
