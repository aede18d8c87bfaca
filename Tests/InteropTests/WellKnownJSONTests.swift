import ConformanceMessages
import Foundation
import ProtoSchema
import ProtoWire
import Testing

/// The well-known types in the generated code and the dynamic codec: Any
/// packed and unpacked through the generated registry, and the JSON edge
/// cases of the proto3 JSON mapping. Both codecs must give the same bytes and
/// the same errors; python's agreement is checked by the vectors.
@Suite("well-known types: Any, Struct, Value, wrappers, FieldMask, Empty")
struct WellKnownJSONTests {
    static let codec = DynamicCodec(schema: Schemas.conformance)
    static let type = WellKnownFields.protoMessageName

    /// Reads `json` with both codecs; returns the generated value after checking
    /// that both read it to the same bytes.
    static func read(
        _ json: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> WellKnownFields {
        let generated = try ProtoCoders.decoder().decode(WellKnownFields.self, from: Data(json.utf8))
        let dynamic = try codec.decodeJSON(type, from: json)
        #expect(codec.encode(dynamic) == generated.serializedBytes(), "\(json)", sourceLocation: sourceLocation)
        return generated
    }

    /// Prints `value` with both codecs; returns the dynamic codec's text (members
    /// in field-number order) after checking that the generated JSON is the same value.
    static func print(
        _ value: WellKnownFields, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> String {
        let generated = try ProtoCoders.encoder().encode(value)
        let dynamic = try codec.encodeJSON(try codec.decode(type, from: value.serializedBytes()))
        let difference = JSONTree.difference(
            try JSONDecoder().decode(JSONTree.self, from: generated),
            try JSONDecoder().decode(JSONTree.self, from: Data(dynamic.utf8)), path: "$", float32: false, floatKeys: [])
        #expect(difference == nil, "\(difference ?? "")", sourceLocation: sourceLocation)
        return dynamic
    }

    /// The error text each codec gives for `json`, or nil when it reads.
    static func readErrors(_ json: String) -> (generated: String?, dynamic: String?) {
        var g: String?
        var d: String?
        do {
            _ = try ProtoCoders.decoder().decode(WellKnownFields.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error { g = context.debugDescription } else { g = "\(error)" }
        } catch {
            g = "\(error)"
        }
        do { _ = try codec.decodeJSON(type, from: json) } catch { d = "\(error)" }
        return (g, d)
    }

    // MARK: Any

    @Test("Any packs and unpacks through the generated registry")
    func packAndUnpack() throws {
        var inner = AllTypes.Inner()
        inner.a = 7
        inner.b = "seven"
        let any = ProtoAny(packing: inner)
        #expect(any.typeUrl == "type.googleapis.com/conformance.v1.AllTypes.Inner")
        #expect(any.holds(AllTypes.Inner.self) && !any.holds(AllTypes.self))
        #expect(try any.unpack(AllTypes.Inner.self) == inner)
        #expect(throws: ProtoAnyError.typeMismatch(url: any.typeUrl, expected: "google.protobuf.Timestamp")) {
            try any.unpack(ProtoTimestamp.self)
        }
        let unpacked = try ConformanceMessagesRegistry.typeRegistry.unpack(any)
        #expect(unpacked as? AllTypes.Inner == inner)
        // The well-known types are in every registry; a schema's own types only in its own.
        #expect(
            try ProtoTypeRegistry.wellKnown.unpack(ProtoAny(packing: ProtoInt64Value(5))) as? ProtoInt64Value
                == ProtoInt64Value(5))
        #expect(throws: ProtoAnyError.unknownType(any.typeUrl)) { try ProtoTypeRegistry.wellKnown.unpack(any) }
        var broken = any
        broken.value = [0x0A, 0x05]
        #expect(throws: ProtoAnyError.self) { try ConformanceMessagesRegistry.typeRegistry.unpack(broken) }
    }

    @Test("Any in JSON: @type with the message's members, or with \"value\" for a well-known type")
    func anyJSON() throws {
        var m = WellKnownFields()
        var inner = AllTypes.Inner()
        inner.a = 1
        m.fAny = ProtoAny(packing: inner)
        m.rAny = [ProtoAny(packing: ProtoDuration(seconds: 3)), ProtoAny(), ProtoAny(packing: ProtoEmpty())]
        #expect(
            try Self.print(m) == #"{"fAny":{"@type":"type.googleapis.com/conformance.v1.AllTypes.Inner","a":1},"#
                + #""rAny":[{"@type":"type.googleapis.com/google.protobuf.Duration","value":"3s"},{},"#
                + #"{"@type":"type.googleapis.com/google.protobuf.Empty"}]}"#)
        #expect(try Self.read(Self.print(m)) == m)
    }

    @Test("an Any of an Any of a message reads, prints and reads back")
    func anyOfAny() throws {
        let json =
            #"{"fAny":{"@type":"type.googleapis.com/google.protobuf.Any","value":"#
            + #"{"@type":"example.com/x/conformance.v1.AllTypes.Inner","a":7,"b":"x"}}}"#
        let m = try Self.read(json)
        let outer = try #require(m.fAny)
        let middle = try outer.unpack(ProtoAny.self)
        #expect(middle.typeUrl == "example.com/x/conformance.v1.AllTypes.Inner")
        #expect(try middle.unpack(AllTypes.Inner.self).b == "x")
        #expect(try Self.print(m) == json)
    }

    @Test("an unknown @type is a clear error in both codecs, reading and printing")
    func unknownType() throws {
        let (g, d) = Self.readErrors(#"{"fAny":{"@type":"type.googleapis.com/other.v1.Thing","x":1}}"#)
        #expect(
            g?.contains(#"no message type "other.v1.Thing" (from type URL "type.googleapis.com/other.v1.Thing")"#)
                == true, "\(g ?? "")")
        #expect(
            d
                == #"fAny.@type: unknown type "other.v1.Thing" in an Any's @type "type.googleapis.com/other.v1.Thing": the schema does not declare it"#
        )
        #expect(Self.readErrors(#"{"fAny":{"a":1}}"#).generated == #"Any without "@type""#)
        #expect(Self.readErrors(#"{"fAny":{"a":1}}"#).dynamic == #"fAny: Any without "@type""#)
        // Printing an Any of a type the registry does not hold fails the same way.
        var m = WellKnownFields()
        m.fAny = ProtoAny()
        m.fAny?.typeUrl = "type.googleapis.com/other.v1.Thing"
        #expect(throws: EncodingError.self) { try ProtoCoders.encoder().encode(m) }
        #expect(throws: DynamicJSONError.self) {
            try Self.codec.encodeJSON(Self.codec.decode(Self.type, from: m.serializedBytes()))
        }
        // Without the registry in userInfo, a schema's own type is unknown; a well-known one is not.
        var own = WellKnownFields()
        own.fAny = ProtoAny(packing: AllTypes.Inner())
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(own) }
        own.fAny = ProtoAny(packing: ProtoStringValue("s"))
        let plain = JSONEncoder()
        plain.outputFormatting = .sortedKeys
        #expect(
            String(decoding: try plain.encode(own), as: UTF8.self)
                == #"{"fAny":{"@type":"type.googleapis.com\/google.protobuf.StringValue","value":"s"}}"#)
    }

    // MARK: Struct, Value, ListValue, NullValue

    @Test("null: absent for a wrapper, a null value for a Value, the value of a NullValue member")
    func nulls() throws {
        let m = try Self.read(
            #"{"fInt32Value":null,"fStringValue":null,"fValue":null,"rValue":[null,1,"a"],"#
                + #""mValue":{"k":null},"cNullValue":null,"oNullValue":null,"fNullValue":null,"rNullValue":[null]}"#)
        #expect(m.fInt32Value == nil && m.fStringValue == nil)
        #expect(m.fValue == ProtoValue(.nullValue(.nullValue)))
        #expect(
            m.rValue == [
                ProtoValue(.nullValue(.nullValue)), ProtoValue(.numberValue(1)), ProtoValue(.stringValue("a")),
            ])
        #expect(m.mValue == ["k": ProtoValue(.nullValue(.nullValue))])
        #expect(m.choice == WellKnownFields.Choice.cNullValue(ProtoNullValue.nullValue))
        #expect(m.oNullValue == ProtoNullValue.nullValue)
        #expect(m.rNullValue == [ProtoNullValue.nullValue])
        #expect(
            try Self.print(m) == #"{"fValue":null,"oNullValue":null,"rValue":[null,1,"a"],"rNullValue":[null],"#
                + #""mValue":{"k":null},"cNullValue":null}"#)
        // null inside a list of anything else is still an error.
        #expect(Self.readErrors(#"{"rInt32Value":[null]}"#).generated != nil)
        #expect(
            Self.readErrors(#"{"rInt32Value":[null]}"#).dynamic == "rInt32Value[0]: null is not a valid list element")
    }

    @Test("a Value holding a nested list of structs")
    func nestedValue() throws {
        let json = #"{"fValue":[{"a":[{"b":null},{}],"c":{"d":[1.5,-2,true,"x"]}},[],[[{"e":false}]]]}"#
        let m = try Self.read(json)
        guard case .listValue(let list)? = m.fValue?.kind, case .structValue(let first)? = list.values.first?.kind
        else {
            Issue.record("not a list of structs: \(String(describing: m.fValue))")
            return
        }
        #expect(list.values.count == 3)
        #expect(first.fields.keys.sorted() == ["a", "c"])
        #expect(try Self.print(m) == json)
    }

    @Test("Struct members print in the binary's key order; a Value without a kind prints null")
    func structOrder() throws {
        var m = WellKnownFields()
        var s = ProtoStruct()
        s.fields = [
            "b": ProtoValue(.boolValue(true)), "a": ProtoValue(), "😀": ProtoValue(.stringValue("")),
            "Z": ProtoValue(.numberValue(-0.5)),
        ]
        m.fStruct = s
        m.fListValue = ProtoListValue()
        #expect(try Self.print(m) == #"{"fStruct":{"Z":-0.5,"a":null,"b":true,"😀":""},"fListValue":[]}"#)
    }

    @Test("a Value's number must be finite to print")
    func nonFiniteValue() throws {
        var m = WellKnownFields()
        m.fValue = ProtoValue(.numberValue(.nan))
        #expect(throws: EncodingError.self) { try ProtoCoders.encoder().encode(m) }
        #expect(throws: DynamicJSONError.self) {
            try Self.codec.encodeJSON(Self.codec.decode(Self.type, from: m.serializedBytes()))
        }
    }

    @Test("nesting: what either codec reads encodes to bytes that read back; deeper JSON is refused")
    func nesting() throws {
        func nested(_ levels: Int, _ open: String, _ close: String) -> String {
            #"{"fValue":"# + String(repeating: open, count: levels) + "1" + String(repeating: close, count: levels)
                + "}"
        }
        for json in [nested(20, "[", "]"), nested(20, #"{"k":"#, "}")] {
            let m = try Self.read(json)
            #expect(try WellKnownFields(serializedBytes: m.serializedBytes()) == m)
        }
        for json in [nested(60, "[", "]"), nested(40, #"{"k":"#, "}")] {
            let (g, d) = Self.readErrors(json)
            #expect(g != nil && d?.hasSuffix("messages nest deeper than 100") == true, "\(g ?? "-") \(d ?? "-")")
        }
        // What the dynamic codec accepts, the binary decoder accepts too (one level more would be refused).
        for levels in 45...52 {
            guard let m = try? Self.codec.decodeJSON(Self.type, from: nested(levels, "[", "]")) else { continue }
            #expect(throws: Never.self, "\(levels)") { try WellKnownFields(serializedBytes: Self.codec.encode(m)) }
        }
    }

    // MARK: Wrappers, FieldMask, Empty

    @Test("wrappers print as their bare scalar and read every accepted form")
    func wrappers() throws {
        var m = WellKnownFields()
        m.fInt64Value = ProtoInt64Value(-5)
        m.fUint32Value = ProtoUInt32Value(7)
        m.fBoolValue = ProtoBoolValue(false)
        m.fBytesValue = ProtoBytesValue([0xFB, 0xFF])
        m.fDoubleValue = ProtoDoubleValue(.infinity)
        m.rStringValue = [ProtoStringValue(""), ProtoStringValue("é")]
        m.choice = .cFloatValue(ProtoFloatValue(1.5))
        let json = try Self.print(m)
        #expect(
            json == #"{"fDoubleValue":"Infinity","fInt64Value":"-5","fUint32Value":7,"fBoolValue":false,"#
                + #""fBytesValue":"+/8=","rStringValue":["","é"],"cFloatValue":1.5}"#)
        #expect(try Self.read(json) == m)
        let other = try Self.read(
            #"{"fInt64Value":-5,"fUint32Value":"7","fBoolValue":false,"fBytesValue":"-_8","#
                + #""fDoubleValue":"Infinity","rStringValue":["","é"],"cFloatValue":"1.5"}"#)
        #expect(other == m)
    }

    @Test("FieldMask: one camelCase string; paths without a JSON form are errors")
    func fieldMask() throws {
        var m = WellKnownFields()
        m.fFieldMask = ProtoFieldMask(paths: ["foo_bar", "baz.qux_quux", "a"])
        m.rFieldMask = [ProtoFieldMask()]
        #expect(try Self.print(m) == #"{"fFieldMask":"fooBar,baz.quxQuux,a","rFieldMask":[""]}"#)
        #expect(try Self.read(#"{"fFieldMask":"fooBar,baz.quxQuux,a","rFieldMask":[""]}"#) == m)
        // ("_foo" prints as "Foo", which reads back as "_foo": it has a JSON form.)
        for path in ["fooBar", "foo__bar", "foo_1", "foo_", "a.b_C"] {
            var bad = WellKnownFields()
            bad.fFieldMask = ProtoFieldMask(paths: [path])
            #expect(throws: EncodingError.self, "\(path)") { try ProtoCoders.encoder().encode(bad) }
            #expect(throws: DynamicJSONError.self, "\(path)") {
                try Self.codec.encodeJSON(Self.codec.decode(Self.type, from: bad.serializedBytes()))
            }
        }
        let (g, d) = Self.readErrors(#"{"fFieldMask":"foo_bar"}"#)
        #expect(g == #"FieldMask JSON path "foo_bar" must be lowerCamelCase without "_""#)
        #expect(d == #"fFieldMask: FieldMask JSON path "foo_bar" must be lowerCamelCase without "_""#)
    }

    @Test("Empty is an object without members")
    func empty() throws {
        var m = WellKnownFields()
        m.fEmpty = ProtoEmpty()
        m.mEmpty = [3: ProtoEmpty()]
        #expect(try Self.print(m) == #"{"fEmpty":{},"mEmpty":{"3":{}}}"#)
        #expect(
            Self.readErrors(#"{"fEmpty":{"x":1}}"#).dynamic == #"fEmpty.x: unknown field "x" in google.protobuf.Empty"#)
        #expect(Self.readErrors(#"{"fEmpty":{"x":1}}"#).generated != nil)
    }
}
