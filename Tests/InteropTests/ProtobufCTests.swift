import CSchemaC
import Foundation
import ProtectionMessages
import ProtoSchema
import ProtoWire
import ConformanceMessages
import Testing

/// Wire and JSON compatibility with protobuf-c, an independent C
/// implementation, through the generic API of `Tests/Support/CSchemaC`
/// (regenerate its C code with `scripts/generate-c.sh`).
///
/// What protobuf-c 1.4.1 writes (found by probing it; see
/// `ProtobufCLayout.expected`, which turns our bytes into what protobuf-c must
/// produce from them):
/// - known fields in field-number order (proto3 repeated scalars packed,
///   `[packed = false]` ones one tag per element), then unknown fields as read;
/// - proto3 implicit fields are omitted at their default; a oneof member is
///   written whenever its case is set, even at 0 or ""; a singular message is
///   written when present, even empty (`8a 01 00`);
/// - a map entry is an ordinary proto3 message to protobuf-c (a repeated field
///   of `FooEntry { key = 1; value = 2; }`), so a key or a scalar/enum value at
///   its default (0, false, "", empty bytes, 0.0, enum 0) is OMITTED inside the
///   entry: `{0: 0}` in `map<int32, int32> m = 61` packs as `ea 03 00`, where we
///   (like protobuf C++ and Python) write `ea 03 04 08 00 10 00`; `{1: 0}` packs
///   as `ea 03 02 08 01`. A message value is written when present (an empty one
///   as `12 00`) and left out only when absent from the input. Entries keep
///   their wire order and duplicate keys (protobuf-c does not dedupe). Decoding
///   either layout gives the same map, so the values must still be equal.
/// - protobuf-c limits, not format rules: strings are NUL-terminated C strings
///   (a string holding U+0000 is cut at the NUL: `4a 03 61 00 62` repacks as
///   `4a 01 61`), and an implicit float or double field (or map value) of -0.0
///   counts as zero and is dropped (we, like protobuf C++, write it). Test A
///   therefore maps the random messages onto what protobuf-c can carry first
///   (`ProtobufCLayout.representable`: U+0000 becomes U+0001, such a -0.0
///   becomes +0.0).
@Suite("wire compatibility with protobuf-c")
struct ProtobufCTests {
    static let seeds: Range<UInt64> = 0..<50

    /// Every message type protobuf-c knows (the conformance scalars.proto, all of
    /// schema/, Timestamp and Duration), map entries left out.
    static let names: [String] = ProtobufCInterop.messageNames

    /// The generated Swift type and the schema of a protobuf-c type.
    static func resolve(_ name: String) -> (type: any ProtoMessage.Type, schema: Schema)? {
        var types: [String: any ProtoMessage.Type] = [
            ProtoTimestamp.protoMessageName: ProtoTimestamp.self,
            ProtoDuration.protoMessageName: ProtoDuration.self,
        ]
        for (k, v) in ProtectionMessagesRegistry.messageTypes { types[k] = v }
        for (k, v) in ConformanceMessagesRegistry.messageTypes { types[k] = v }
        guard let type = types[name],
              let schema = [Schemas.protection, Schemas.conformance].first(where: { $0.messages[name] != nil })
        else { return nil }
        return (type, schema)
    }

    @Test("protobuf-c knows the schemas' types, and each has a generated Swift type")
    func coverage() {
        #expect(Self.names.contains("conformance.v1.AllTypes"))
        #expect(Self.names.contains("conformance.v1.TreeNode"))
        #expect(Self.names.contains { $0.hasPrefix("protection.v1.") })
        #expect(!Self.names.contains("conformance.v1.AllTypes.MInt32Int32Entry"), "map entries are not message types")
        for name in Self.names {
            #expect(Self.resolve(name) != nil, "\(name): no generated Swift type or no schema message")
        }
    }

    @Test("the protobuf-c code is up to date with the schemas (else run scripts/generate-c.sh)")
    func upToDate() {
        let known = Set(Self.names)
        let conformance = Schemas.conformance
        let expected = Schemas.protection.ownMessages
            + conformance.ownMessages.filter { conformance.fileOfElement[$0.fullName] == "conformance/v1/scalars.proto" }
        #expect(!expected.isEmpty)
        for m in expected {
            #expect(known.contains(m.fullName), "\(m.fullName) is missing from the protobuf-c code: run scripts/generate-c.sh")
            guard let d = schema_c_find(m.fullName)?.pointee else { continue }
            let cFields = Set((0..<Int(d.n_fields)).map { i in "\(d.fields[i].id) \(String(cString: d.fields[i].name))" })
            let schemaFields = Set(m.fields.map { "\($0.number) \($0.name)" })
            #expect(cFields == schemaFields, "\(m.fullName): protobuf-c has other fields: run scripts/generate-c.sh")
        }
    }

    /// Test A: random instances from the Swift side go through protobuf-c's
    /// unpack + pack and come back as the same value, in the layout above.
    @Test("Swift encodings survive protobuf-c unpack and pack", arguments: names)
    func swiftThroughProtobufC(name: String) throws {
        let (type, schema) = try #require(Self.resolve(name), "\(name): no generated Swift type")
        Self.swiftThroughProtobufC(type, name: name, schema: schema)
    }

    static func swiftThroughProtobufC<T: ProtoMessage>(_: T.Type, name: String, schema: Schema) {
        let codec = DynamicCodec(schema: schema)
        // Samples `representable` failed to clean up (there should be none).
        var leaked: [String] = []
        for seed in seeds {
            var generator = RandomMessageGenerator(schema: schema, seed: seed)
            let dynamic = ProtobufCLayout.representable(generator.message(name), schema: schema)
            let dynamicBytes = codec.encode(dynamic)
            let value: T
            do {
                value = try T(serializedBytes: dynamicBytes)
            } catch {
                Issue.record("\(name) seed \(seed): the generated type rejects the dynamic codec's bytes: \(error)")
                continue
            }
            let swiftBytes = value.serializedBytes()
            #expect(swiftBytes == dynamicBytes, "\(name) seed \(seed): generated and dynamic encodings differ")

            let expected: [UInt8]
            switch ProtobufCLayout.expected(swiftBytes, type: name, schema: schema) {
            case .bytes(let b): expected = b
            case .unrepresentable(let why):
                leaked.append("seed \(seed): \(why)")
                continue
            case .malformed(let why):
                Issue.record("\(name) seed \(seed): cannot walk our own bytes: \(why)")
                continue
            }
            guard let cBytes = ProtobufCInterop.repack(name, swiftBytes) else {
                Issue.record("\(name) seed \(seed): protobuf-c cannot unpack \(ProtobufCLayout.hex(swiftBytes))")
                continue
            }
            #expect(cBytes == expected, """
                \(name) seed \(seed): protobuf-c packs differently
                  ours:      \(ProtobufCLayout.hex(swiftBytes))
                  expected:  \(ProtobufCLayout.hex(expected))
                  protobuf-c:\(ProtobufCLayout.hex(cBytes))
                """)
            do {
                let back = try T(serializedBytes: cBytes)
                #expect(back == value, "\(name) seed \(seed): protobuf-c's bytes decode to a different value")
            } catch {
                Issue.record("\(name) seed \(seed): cannot decode protobuf-c's bytes \(ProtobufCLayout.hex(cBytes)): \(error)")
            }
        }
        #expect(leaked.isEmpty, "\(name): samples protobuf-c cannot carry got through: \(leaked)")
    }

    /// Test B: random instances built by protobuf-c (bytes and canonical JSON)
    /// decode to the same Swift value both ways, and our re-encoding of that
    /// value survives protobuf-c unpack + pack.
    @Test("protobuf-c's random messages decode from binary and JSON alike", arguments: names)
    func protobufCThroughSwift(name: String) throws {
        let (type, schema) = try #require(Self.resolve(name), "\(name): no generated Swift type")
        Self.protobufCThroughSwift(type, name: name, schema: schema)
    }

    static func protobufCThroughSwift<T: ProtoMessage>(_: T.Type, name: String, schema: Schema) {
        for seed in seeds {
            guard let (cBytes, json) = ProtobufCInterop.random(name, seed: seed) else {
                Issue.record("\(name) seed \(seed): schema_c_random failed")
                continue
            }
            let fromBinary: T
            let fromJSON: T
            do {
                fromBinary = try T(serializedBytes: cBytes)
            } catch {
                Issue.record("\(name) seed \(seed): cannot decode protobuf-c's bytes \(ProtobufCLayout.hex(cBytes)): \(error)")
                continue
            }
            do {
                fromJSON = try JSONDecoder().decode(T.self, from: Data(json.utf8))
            } catch {
                Issue.record("\(name) seed \(seed): cannot decode protobuf-c's JSON \(json): \(error)")
                continue
            }
            #expect(fromBinary == fromJSON, "\(name) seed \(seed): binary and JSON decode differently; JSON: \(json)")

            let swiftBytes = fromBinary.serializedBytes()
            guard case .bytes(let expected) = ProtobufCLayout.expected(swiftBytes, type: name, schema: schema) else {
                Issue.record("\(name) seed \(seed): cannot walk our own bytes \(ProtobufCLayout.hex(swiftBytes))")
                continue
            }
            guard let repacked = ProtobufCInterop.repack(name, swiftBytes) else {
                Issue.record("\(name) seed \(seed): protobuf-c cannot unpack \(ProtobufCLayout.hex(swiftBytes))")
                continue
            }
            #expect(repacked == expected, """
                \(name) seed \(seed): protobuf-c re-packs our encoding differently
                  ours:      \(ProtobufCLayout.hex(swiftBytes))
                  expected:  \(ProtobufCLayout.hex(expected))
                  protobuf-c:\(ProtobufCLayout.hex(repacked))
                """)
        }
    }
}

/// Swift face of `schema_c.h`.
enum ProtobufCInterop {
    /// Full names of the message types protobuf-c knows, map entries left out.
    static var messageNames: [String] {
        (0..<schema_c_count()).compactMap { i -> String? in
            guard let p = schema_c_name(i), schema_c_is_map_entry(p) == 0 else { return nil }
            return String(cString: p)
        }
    }

    /// protobuf-c's unpack then pack of `bytes` as `type`; nil when it refuses them.
    static func repack(_ type: String, _ bytes: [UInt8]) -> [UInt8]? {
        var out: UnsafeMutablePointer<UInt8>? = nil
        var count = 0
        let rc = bytes.withUnsafeBufferPointer { buffer in
            schema_c_repack(type, buffer.baseAddress, buffer.count, &out, &count)
        }
        defer { schema_c_free(out) }
        guard rc == 0 else { return nil }
        return Array(UnsafeBufferPointer(start: out, count: count))
    }

    /// A random message built by protobuf-c from its descriptor: packed bytes and canonical JSON.
    static func random(_ type: String, seed: UInt64) -> (bytes: [UInt8], json: String)? {
        var bytes: UnsafeMutablePointer<UInt8>? = nil
        var count = 0
        var json: UnsafeMutablePointer<CChar>? = nil
        let rc = schema_c_random(type, seed, &bytes, &count, &json)
        defer {
            schema_c_free(bytes)
            schema_c_free(json)
        }
        guard rc == 0, let json else { return nil }
        return (Array(UnsafeBufferPointer(start: bytes, count: count)), String(cString: json))
    }
}

/// What protobuf-c packs for a message we encoded (see `ProtobufCTests`): the
/// same bytes, except that inside map entries a key or a scalar/enum value at
/// its default is left out. Walks the wire format with the schema.
enum ProtobufCLayout {
    enum Outcome: Equatable {
        case bytes([UInt8])
        /// The message holds something protobuf-c cannot carry (a NUL in a
        /// string, an implicit -0.0); the reason names the field.
        case unrepresentable(String)
        case malformed(String)
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    struct RawField {
        var number: Int
        var wireType: UInt64
        /// The tag as encoded.
        var tag: ArraySlice<UInt8>
        /// Varint or fixed bytes, or the content of a length-delimited field.
        var payload: ArraySlice<UInt8>

        var encoded: [UInt8] {
            wireType == 2 ? Array(tag) + ProtobufCLayout.varint(UInt64(payload.count)) + Array(payload)
                : Array(tag) + Array(payload)
        }

        /// A varint 0, all-zero fixed bytes (+0.0), or an empty length-delimited field.
        var isZero: Bool {
            switch wireType {
            case 0: payload.allSatisfy { $0 == 0 || $0 == 0x80 }
            case 1, 5: payload.allSatisfy { $0 == 0 }
            default: payload.isEmpty
            }
        }

        var isNegativeZero: Bool {
            (wireType == 5 && Array(payload) == [0, 0, 0, 0x80])
                || (wireType == 1 && Array(payload) == [0, 0, 0, 0, 0, 0, 0, 0x80])
        }
    }

    /// `m` with what protobuf-c cannot carry replaced: U+0000 in strings (map
    /// keys included) becomes U+0001; -0.0 in an implicit field becomes +0.0,
    /// that is absent, and -0.0 as a map value becomes +0.0.
    static func representable(_ m: DynamicMessage, schema: Schema) -> DynamicMessage {
        var out = m
        let descriptor = schema.messages[m.typeName]
        for (number, value) in m.fields {
            let implicit = descriptor?.field(number: number).map { $0.label == .implicit && $0.oneofIndex == nil } ?? false
            let v = representable(value, schema: schema, zeroNegativeZero: implicit)
            out.fields[number] = implicit && v.isDefault ? nil : v
        }
        return out
    }

    static func representable(_ v: DynamicValue, schema: Schema, zeroNegativeZero: Bool) -> DynamicValue {
        switch v {
        case .string(let s): return .string(withoutNUL(s))
        case .float(let f) where zeroNegativeZero && f == 0: return .float(0)
        case .double(let d) where zeroNegativeZero && d == 0: return .double(0)
        case .message(let m): return .message(representable(m, schema: schema))
        case .list(let items): return .list(items.map { representable($0, schema: schema, zeroNegativeZero: false) })
        case .map(let entries):
            var out: [DynamicMapKey: DynamicValue] = [:]
            for (k, value) in entries {
                var key = k
                if case .string(let s) = k { key = .string(withoutNUL(s)) }
                out[key] = representable(value, schema: schema, zeroNegativeZero: true)
            }
            return .map(out)
        default: return v
        }
    }

    static func withoutNUL(_ s: String) -> String {
        guard s.utf8.contains(0) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(u == "\u{0}" ? "\u{1}" : u) }
        return String(out)
    }

    static func expected(_ bytes: [UInt8], type: String, schema: Schema) -> Outcome {
        var problem: String? = nil
        do {
            let out = try message(bytes[...], type: type, schema: schema, problem: &problem)
            if let problem { return .unrepresentable(problem) }
            return .bytes(out)
        } catch {
            return .malformed("\(error)")
        }
    }

    static func message(
        _ bytes: ArraySlice<UInt8>, type: String, schema: Schema, problem: inout String?
    ) throws -> [UInt8] {
        guard let descriptor = schema.messages[type] else { return Array(bytes) }
        var out: [UInt8] = []
        for f in try fields(bytes) {
            guard let fd = descriptor.field(number: f.number) else {
                out += f.encoded
                continue
            }
            let path = "\(type).\(fd.name)"
            switch fd.type {
            case .message(let sub) where f.wireType == 2:
                let inner = try message(f.payload, type: sub, schema: schema, problem: &problem)
                out += Array(f.tag) + varint(UInt64(inner.count)) + inner
            case .map(let keyType, let valueType) where f.wireType == 2:
                let inner = try entry(f.payload, keyType, valueType, path: path, schema: schema, problem: &problem)
                out += Array(f.tag) + varint(UInt64(inner.count)) + inner
            case .scalar(let st):
                check(f, st, path: path, implicit: fd.label == .implicit && fd.oneofIndex == nil, problem: &problem)
                out += f.encoded
            default:
                out += f.encoded
            }
        }
        return out
    }

    /// A map entry as protobuf-c packs it: key and scalar/enum value omitted at their default.
    static func entry(
        _ bytes: ArraySlice<UInt8>, _ keyType: ScalarType, _ valueType: FieldType, path: String,
        schema: Schema, problem: inout String?
    ) throws -> [UInt8] {
        var out: [UInt8] = []
        for f in try fields(bytes) {
            switch (f.number, valueType) {
            case (1, _):
                check(f, keyType, path: path + " (key)", implicit: true, problem: &problem)
                if !f.isZero { out += f.encoded }
            case (2, .message(let sub)) where f.wireType == 2:
                let inner = try message(f.payload, type: sub, schema: schema, problem: &problem)
                out += Array(f.tag) + varint(UInt64(inner.count)) + inner
            case (2, .scalar(let st)):
                check(f, st, path: path + " (value)", implicit: true, problem: &problem)
                if !f.isZero { out += f.encoded }
            case (2, .enumeration):
                if !f.isZero { out += f.encoded }
            default:
                out += f.encoded
            }
        }
        return out
    }

    static func check(_ f: RawField, _ type: ScalarType, path: String, implicit: Bool, problem: inout String?) {
        guard problem == nil else { return }
        if type == .string, f.wireType == 2, f.payload.contains(0) {
            problem = "\(path) holds a string with U+0000 (protobuf-c strings are NUL-terminated)"
        } else if implicit, type == .float || type == .double, f.isNegativeZero {
            problem = "\(path) is -0.0 (protobuf-c drops it as a default)"
        }
    }

    static func fields(_ b: ArraySlice<UInt8>) throws -> [RawField] {
        var i = b.startIndex
        func readVarint() throws -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < b.endIndex, shift < 64 else { throw Malformed(description: "bad varint at \(i)") }
                let byte = b[i]
                i += 1
                v |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return v }
                shift += 7
            }
        }
        var out: [RawField] = []
        while i < b.endIndex {
            let tagStart = i
            let key = try readVarint()
            let tag = b[tagStart..<i]
            let start = i
            let payload: ArraySlice<UInt8>
            switch key & 7 {
            case 0:
                _ = try readVarint()
                payload = b[start..<i]
            case 1, 5:
                let size = key & 7 == 1 ? 8 : 4
                guard b.endIndex - i >= size else { throw Malformed(description: "truncated fixed field at \(i)") }
                payload = b[i..<(i + size)]
                i += size
            case 2:
                let length = try readVarint()
                guard length <= UInt64(b.endIndex - i) else { throw Malformed(description: "truncated field at \(i)") }
                payload = b[i..<(i + Int(length))]
                i += Int(length)
            default:
                throw Malformed(description: "wire type \(key & 7) at \(tagStart)")
            }
            out.append(RawField(number: Int(key >> 3), wireType: key & 7, tag: tag, payload: payload))
        }
        return out
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }
}
