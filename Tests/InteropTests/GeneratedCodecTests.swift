import Foundation
import Testing
import ProtoWire
import ConformanceMessages
import ProtectionMessages

/// Behaviour of the generated codec that the cross-checks do not pin down
/// one rule at a time: explicit byte vectors and JSON texts.
@Suite("generated codec behaviour")
struct GeneratedCodecTests {
    func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    func decode<T: Decodable>(_ type: T.Type, _ text: String, ignoreUnknown: Bool = false) throws -> T {
        let d = JSONDecoder()
        if ignoreUnknown { d.userInfo[ProtoJSON.ignoreUnknownFieldsKey] = true }
        return try d.decode(T.self, from: Data(text.utf8))
    }

    // MARK: Binary

    @Test("fields encode in number order with the spec's byte layout")
    func layout() {
        var m = AllTypes()
        m.fInt32 = -1
        m.fString = "退"
        m.rInt32 = [1, 300]
        m.uInt32 = [1, 2]
        m.mInt32Int32 = [2: 0, 1: 5]
        m.fInner = AllTypes.Inner()
        #expect(m.serializedBytes() == [
            0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // f_int32 = -1: ten bytes
            0x4A, 0x03, 0xE9, 0x80, 0x80,                                     // f_string
            0x8A, 0x01, 0x00,                                                 // f_inner present, empty
            0x9A, 0x02, 0x03, 0x01, 0xAC, 0x02,                               // r_int32 packed
            0x80, 0x03, 0x01, 0x80, 0x03, 0x02,                               // u_int32 unpacked
            0xEA, 0x03, 0x04, 0x08, 0x01, 0x10, 0x05,                         // map entry key 1
            0xEA, 0x03, 0x04, 0x08, 0x02, 0x10, 0x00,                         // map entry key 2, value written even at 0
        ])
    }

    @Test("packed and unpacked input are both accepted for packable fields")
    func packedOrNot() throws {
        let packed = try AllTypes(serializedBytes: [0x80, 0x03, 0x07, 0x82, 0x03, 0x02, 0x08, 0x09])
        #expect(packed.uInt32 == [7, 8, 9])
        let unpacked = try AllTypes(serializedBytes: [0x98, 0x02, 0x07, 0x9A, 0x02, 0x01, 0x08])
        #expect(unpacked.rInt32 == [7, 8])
    }

    @Test("unknown fields and unknown enum numbers survive a round trip")
    func unknowns() throws {
        let bytes: [UInt8] = [0x80, 0x01, 0x63, 0xB8, 0x06, 0x2A, 0xC2, 0x3E, 0x02, 0x68, 0x69]
        let m = try AllTypes(serializedBytes: bytes)
        #expect(m.fColor == .UNRECOGNIZED(99))
        #expect(m.unknownFields.data == [0xB8, 0x06, 0x2A, 0xC2, 0x3E, 0x02, 0x68, 0x69])
        #expect(m.serializedBytes() == bytes)
        let dropped = try AllTypes(serializedBytes: bytes, options: DecodeOptions(discardUnknownFields: true))
        #expect(dropped.unknownFields.isEmpty)
    }

    @Test("a oneof keeps the last member; singular messages merge; scalars take the last value")
    func mergeRules() throws {
        // o_uint32 = 5 then o_string = "a"
        let oneof = try AllTypes(serializedBytes: [0x88, 0x05, 0x05, 0x92, 0x05, 0x01, 0x61])
        #expect(oneof.choice == .oString("a"))
        // f_inner { a: 1 } then f_inner { b: "x" } merge into { a: 1, b: "x" }; f_int32 1 then 2.
        let merged = try AllTypes(serializedBytes: [0x8A, 0x01, 0x02, 0x08, 0x01, 0x8A, 0x01, 0x03, 0x12, 0x01, 0x78, 0x28, 0x01, 0x28, 0x02])
        #expect(merged.fInner?.a == 1 && merged.fInner?.b == "x")
        #expect(merged.fInt32 == 2)
    }

    @Test("proto3 optional fields keep presence at zero; implicit fields do not")
    func presence() throws {
        var m = OptionalFields()
        m.oInt32 = 0
        m.oString = ""
        m.plain = 0
        #expect(m.serializedBytes() == [0x08, 0x00, 0x12, 0x00])
        let back = try OptionalFields(serializedBytes: m.serializedBytes())
        #expect(back.oInt32 == 0 && back.oString == "" && back.oBool == nil)
        #expect(try json(m) == #"{"oInt32":0,"oString":""}"#)
    }

    @Test("-0.0 is written, as other implementations do")
    func negativeZero() {
        var m = AllTypes()
        m.fDouble = -0.0
        #expect(m.serializedBytes() == [0x09, 0, 0, 0, 0, 0, 0, 0, 0x80])
    }

    // MARK: JSON

    @Test("canonical JSON: camelCase or json_name keys, int64 as strings, enums by name, bytes base64, defaults omitted")
    func canonicalJSON() throws {
        var m = AllTypes()
        m.fInt64 = -5
        m.fUint64 = UInt64.max
        m.fInt32 = 7
        m.fBytes = [0xFB, 0xFF]
        m.fColor = .green
        m.fRenamed = "r"
        m.rColor = [.red, .UNRECOGNIZED(9)]
        m.mBoolUint64 = [true: 1]
        m.fTimestamp = ProtoTimestamp(seconds: 1_736_330_400, nanos: 500_000_000)
        m.fDuration = ProtoDuration(seconds: 1, nanos: 500_000_000)
        m.choice = .oUint32(0)
        #expect(try json(m) == """
            {"customName":"r","fBytes":"+/8=","fColor":"COLOR_GREEN","fDuration":"1.500s","fInt32":7,"fInt64":"-5",\
            "fTimestamp":"2025-01-08T10:00:00.500Z","fUint64":"18446744073709551615","mBoolUint64":{"true":"1"},\
            "oUint32":0,"rColor":["COLOR_RED",9]}
            """)
        #expect(try json(AllTypes()) == "{}")
    }

    @Test("reading: original names, numbers for int64, strings for int32, enum numbers and aliases, null")
    func lenientInput() throws {
        let m = try decode(AllTypes.self, """
            {"f_int64": 12, "fInt32": "-3", "f_color": 2, "r_color": ["COLOR_VERDE", 1], "f_renamed": "x",
             "fString": null, "fBytes": "-_8", "fTimestamp": "2025-01-08T18:00:00+08:00", "m_int32_int32": {"-4": 4}}
            """)
        #expect(m.fInt64 == 12 && m.fInt32 == -3 && m.fColor == .green && m.rColor == [.green, .red])
        #expect(m.fRenamed == "x" && m.fString == "" && m.fBytes == [0xFB, 0xFF])
        #expect(m.fTimestamp == ProtoTimestamp(seconds: 1_736_330_400))
        #expect(m.mInt32Int32 == [-4: 4])
    }

    @Test("unknown keys are an error unless ignored; so are unknown enum names")
    func unknownKeys() throws {
        #expect(throws: DecodingError.self) { try decode(AllTypes.self, #"{"nope": 1}"#) }
        #expect(throws: DecodingError.self) { try decode(AllTypes.self, #"{"fColor": "COLOR_PURPLE"}"#) }
        let m = try decode(AllTypes.self, #"{"nope": 1, "fColor": "COLOR_PURPLE", "fInt32": 3}"#, ignoreUnknown: true)
        #expect(m.fInt32 == 3 && m.fColor == .unspecified)
    }

    @Test("wrong JSON types and two members of one oneof are refused", arguments: [
        #"{"fInt32": 1.5}"#, #"{"fInt32": 2147483648}"#, #"{"fBool": 1}"#, #"{"fString": 5}"#,
        #"{"fBytes": "***"}"#, #"{"fTimestamp": "yesterday"}"#, #"{"oUint32": 1, "oString": "a"}"#,
        #"{"mBoolUint64": {"yes": "1"}}"#, #"{"rInt32": 5}"#,
    ])
    func wrongTypes(text: String) {
        #expect(throws: DecodingError.self) { try decode(AllTypes.self, text) }
    }

    @Test("recursive messages nest through boxes and compare by value")
    func recursion() throws {
        var leaf = TreeNode()
        leaf.label = "leaf"
        var root = TreeNode()
        root.child = leaf
        root.link = .other(leaf)
        root.named = ["n": leaf]
        let back = try TreeNode(serializedBytes: root.serializedBytes())
        #expect(back == root)
        #expect(back.child?.label == "leaf")
        var copy = back
        copy.child?.label = "changed"
        #expect(back.child?.label == "leaf")
        #expect(try decode(TreeNode.self, try json(root)) == root)
    }
}

@Suite("README example")
struct ReadmeExampleTests {
    @Test("the generated-types example in README.md holds")
    func money() throws {
        var money = Money()
        money.amountMinor = 1250
        money.currency = "CNY"
        let bytes = money.serializedBytes()
        #expect(bytes == [0x08, 0xE2, 0x09, 0x12, 0x03, 0x43, 0x4E, 0x59])
        #expect(try Money(serializedBytes: bytes) == money)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(money)
        #expect(String(decoding: json, as: UTF8.self) == #"{"amountMinor":"1250","currency":"CNY"}"#)
        #expect(try JSONDecoder().decode(Money.self, from: json) == money)
        let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("// [0x08, 0xE2, 0x09, 0x12, 0x03, 0x43, 0x4E, 0x59]"))
        #expect(readme.contains(#"// {"amountMinor":"1250","currency":"CNY"}"#))
    }
}
