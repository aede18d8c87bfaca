import ProtoSchema
import ProtoWire
import Testing

private typealias F = DynamicFixtures

/// Encodes `fields` of an AllTypes and checks the exact bytes, then decodes them back.
private func expectBytes(
    _ fields: [Int: DynamicValue], _ hex: String, type: String = F.allTypes, sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let m = F.message(type, fields)
    let bytes = F.codec.encode(m)
    #expect(bytes.hexString == F.hex(hex).hexString, sourceLocation: sourceLocation)
    let back = try F.codec.decode(type, from: bytes)
    #expect(back == m, sourceLocation: sourceLocation)
}

@Suite struct DynamicBinaryEncodingTests {
    @Test func varintEdgeCases() throws {
        try expectBytes([5: .int32(1)], "28 01")
        try expectBytes([5: .int32(127)], "28 7f")
        try expectBytes([5: .int32(128)], "28 80 01")
        try expectBytes([5: .int32(150)], "28 96 01")
        try expectBytes([5: .int32(Int32.max)], "28 ff ff ff ff 07")
        try expectBytes([11: .uint32(UInt32.max)], "58 ff ff ff ff 0f")
        try expectBytes([4: .uint64(UInt64.max)], "20 ff ff ff ff ff ff ff ff ff 01")
        try expectBytes([3: .int64(Int64.min)], "18 80 80 80 80 80 80 80 80 80 01")
        try expectBytes([3: .int64(Int64.max)], "18 ff ff ff ff ff ff ff ff 7f")
        try expectBytes([8: .bool(true)], "40 01")
    }

    @Test func negativeInt32AndEnumAreTenBytes() throws {
        try expectBytes([5: .int32(-1)], "28 ff ff ff ff ff ff ff ff ff 01")
        try expectBytes([5: .int32(Int32.min)], "28 80 80 80 80 f8 ff ff ff ff 01")
        // f_color = 16: tag 0x80 0x01; COLOR_NEGATIVE = -3.
        try expectBytes([16: .enumValue(-3)], "80 01 fd ff ff ff ff ff ff ff ff 01")
        try expectBytes([16: .enumValue(1)], "80 01 01")
    }

    @Test func zigzag() throws {
        try expectBytes([14: .int32(-1)], "70 01")
        try expectBytes([14: .int32(1)], "70 02")
        try expectBytes([14: .int32(-64)], "70 7f")
        try expectBytes([14: .int32(64)], "70 80 01")
        try expectBytes([14: .int32(Int32.min)], "70 ff ff ff ff 0f")
        try expectBytes([14: .int32(Int32.max)], "70 fe ff ff ff 0f")
        try expectBytes([15: .int64(-2)], "78 03")
        try expectBytes([15: .int64(Int64.max)], "78 fe ff ff ff ff ff ff ff ff 01")
        try expectBytes([15: .int64(Int64.min)], "78 ff ff ff ff ff ff ff ff ff 01")
    }

    @Test func fixedWidths() throws {
        try expectBytes([7: .uint32(1)], "3d 01 00 00 00")
        try expectBytes([6: .uint64(0x0102_0304_0506_0708)], "31 08 07 06 05 04 03 02 01")
        try expectBytes([12: .int32(-2)], "65 fe ff ff ff")
        try expectBytes([13: .int64(-1)], "69 ff ff ff ff ff ff ff ff")
        try expectBytes([1: .double(1)], "09 00 00 00 00 00 00 f0 3f")
        try expectBytes([2: .float(1)], "15 00 00 80 3f")
        try expectBytes([2: .float(-2.5)], "15 00 00 20 c0")
        // -0.0 is not the default (bit pattern), so it is written.
        try expectBytes([1: .double(-0.0)], "09 00 00 00 00 00 00 00 80")
    }

    @Test func lengthDelimited() throws {
        try expectBytes([9: .string("hé")], "4a 03 68 c3 a9")
        try expectBytes([10: .bytes([0, 0xff])], "52 02 00 ff")
        try expectBytes([17: .message(F.innerMessage(a: 1))], "8a 01 02 08 01")
        // A present empty message is written (it has presence).
        try expectBytes([17: .message(F.innerMessage())], "8a 01 00")
        var inner = F.innerMessage(a: 150)
        inner.fields[3] = .message(DynamicMessage(typeName: F.deeper, fields: [1: .bool(true)]))
        try expectBytes([17: .message(inner)], "8a 01 07 08 96 01 1a 02 08 01")
    }

    @Test func implicitDefaultsAreOmitted() {
        let m = F.message(F.allTypes, [
            5: .int32(0), 9: .string(""), 10: .bytes([]), 1: .double(0), 8: .bool(false), 16: .enumValue(0),
            35: .list([]), 61: .map([:]),
        ])
        #expect(F.codec.encode(m).isEmpty)
    }

    @Test func fieldsInAscendingOrder() throws {
        try expectBytes(
            [536_870_911: .int32(1), 17: .message(F.innerMessage(b: "x")), 5: .int32(2), 1: .double(0.5)],
            "09 00 00 00 00 00 00 e0 3f 28 02 8a 01 03 12 01 78 f8 ff ff ff 0f 01")
    }

    @Test func packedRepeated() throws {
        // r_int32 = 35: one run, tag 0x9a 0x02, length 13.
        try expectBytes([35: .list([.int32(1), .int32(150), .int32(-1)])],
                        "9a 02 0d 01 96 01 ff ff ff ff ff ff ff ff ff 01")
        try expectBytes([37: .list([.uint32(1), .uint32(2)])], "aa 02 08 01 00 00 00 02 00 00 00")
        try expectBytes([38: .list([.bool(true), .bool(false)])], "b2 02 02 01 00")
        try expectBytes([44: .list([.int32(-1), .int32(1)])], "e2 02 02 01 02")
        try expectBytes([46: .list([.enumValue(1), .enumValue(-3)])], "f2 02 0b 01 fd ff ff ff ff ff ff ff ff 01")
        try expectBytes([31: .list([.double(1)])], "fa 01 08 00 00 00 00 00 00 f0 3f")
        // Zero elements are kept in lists.
        try expectBytes([35: .list([.int32(0), .int32(0)])], "9a 02 02 00 00")
    }

    @Test func unpackedRepeated() throws {
        // Strings, bytes and messages are never packed.
        try expectBytes([39: .list([.string("a"), .string("")])], "ba 02 01 61 ba 02 00")
        try expectBytes([47: .list([.message(F.innerMessage()), .message(F.innerMessage(a: 1))])], "fa 02 00 fa 02 02 08 01")
        // [packed = false]: one tag per element.
        try expectBytes([48: .list([.int32(1), .int32(2)])], "80 03 01 80 03 02")
        try expectBytes([49: .list([.uint64(1)])], "89 03 01 00 00 00 00 00 00 00")
        try expectBytes([50: .list([.enumValue(-3)])], "90 03 fd ff ff ff ff ff ff ff ff 01")
    }

    @Test func packedAndUnpackedInputBothAccepted() throws {
        let expected = F.message(F.allTypes, [35: .list([.int32(1), .int32(2), .int32(3)])])
        // Unpacked input for a packed field.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("98 02 01 98 02 02 98 02 03")) == expected)
        // Mixed: a run, a single element, an empty run.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("9a 02 02 01 02 98 02 03 9a 02 00")) == expected)
        // Packed input for an unpacked field.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("82 03 02 01 02")) ==
                F.message(F.allTypes, [48: .list([.int32(1), .int32(2)])]))
        // Packed enums and fixed64.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("92 03 01 01 90 03 02")) ==
                F.message(F.allTypes, [50: .list([.enumValue(1), .enumValue(2)])]))
        #expect(try F.codec.decode(F.allTypes, from: F.hex("8a 03 08 07 00 00 00 00 00 00 00")) ==
                F.message(F.allTypes, [49: .list([.uint64(7)])]))
        // An empty run leaves the field absent.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("9a 02 00")) == F.message())
    }

    @Test func mapEntryLayoutAndOrder() throws {
        // Entries sorted by key; key and value always written, even at default.
        try expectBytes([61: .map([.int32(2): .int32(0), .int32(1): .int32(5)])],
                        "ea 03 04 08 01 10 05 ea 03 04 08 02 10 00")
        // Signed keys order numerically (-1 first), not by encoding.
        try expectBytes([61: .map([.int32(1): .int32(1), .int32(-1): .int32(1)])],
                        "ea 03 0d 08 ff ff ff ff ff ff ff ff ff 01 10 01 ea 03 04 08 01 10 01")
        // Default key and value are written too.
        try expectBytes([61: .map([.int32(0): .int32(0)])], "ea 03 04 08 00 10 00")
        // Bool keys: false < true.
        try expectBytes([71: .map([.bool(true): .uint64(1), .bool(false): .uint64(0)])],
                        "ba 04 04 08 00 10 00 ba 04 04 08 01 10 01")
        // String keys by UTF-8 bytes: "Z" < "a" < "é" < "中"; message values, empty ones included.
        try expectBytes(
            [72: .map([
                .string("中"): .message(F.innerMessage()), .string("a"): .message(F.innerMessage(a: 1)),
                .string("é"): .message(F.innerMessage()), .string("Z"): .message(F.innerMessage()),
            ])],
            "c2 04 05 0a 01 5a 12 00 c2 04 07 0a 01 61 12 02 08 01 c2 04 06 0a 02 c3 a9 12 00 c2 04 07 0a 03 e4 b8 ad 12 00")
        // sint32 keys zigzag, sfixed64 keys fixed width.
        try expectBytes([65: .map([.int32(-1): .float(0)])], "8a 04 07 08 01 15 00 00 00 00")
        try expectBytes([70: .map([.int64(1): .message(F.innerMessage())])], "b2 04 0b 09 01 00 00 00 00 00 00 00 12 00")
        try expectBytes([69: .map([.int32(1): .enumValue(-3)])], "aa 04 10 0d 01 00 00 00 10 fd ff ff ff ff ff ff ff ff 01")
    }

    @Test func mapEntryDecodingRules() throws {
        // Missing value, missing key, both missing: defaults.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("ea 03 02 08 07")) ==
                F.message(F.allTypes, [61: .map([.int32(7): .int32(0)])]))
        #expect(try F.codec.decode(F.allTypes, from: F.hex("ea 03 02 10 07")) ==
                F.message(F.allTypes, [61: .map([.int32(0): .int32(7)])]))
        #expect(try F.codec.decode(F.allTypes, from: F.hex("ea 03 00")) ==
                F.message(F.allTypes, [61: .map([.int32(0): .int32(0)])]))
        // A missing message value is an empty message.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("c2 04 03 0a 01 6b")) ==
                F.message(F.allTypes, [72: .map([.string("k"): .message(F.innerMessage())])]))
        // Value before key; a later duplicate key wins.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("ea 03 04 10 05 08 01 ea 03 04 08 01 10 06")) ==
                F.message(F.allTypes, [61: .map([.int32(1): .int32(6)])]))
        // Unknown fields inside an entry are dropped.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("ea 03 06 08 01 18 09 10 02")) ==
                F.message(F.allTypes, [61: .map([.int32(1): .int32(2)])]))
    }

    @Test func oneofLastMemberWins() throws {
        // o_uint32 = 5 then o_string = "x".
        #expect(try F.codec.decode(F.allTypes, from: F.hex("88 05 05 92 05 01 78")) ==
                F.message(F.allTypes, [82: .string("x")]))
        #expect(try F.codec.decode(F.allTypes, from: F.hex("92 05 01 78 88 05 05")) ==
                F.message(F.allTypes, [81: .uint32(5)]))
        // A member at zero is present and written.
        try expectBytes([81: .uint32(0)], "88 05 00")
        try expectBytes([82: .string("")], "92 05 00")
        try expectBytes([84: .enumValue(0)], "a0 05 00")
        // The same message member merges; another member in between resets it.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("9a 05 02 08 01 9a 05 03 12 01 78")) ==
                F.message(F.allTypes, [83: .message(F.innerMessage(a: 1, b: "x"))]))
        #expect(try F.codec.decode(F.allTypes, from: F.hex("9a 05 02 08 01 88 05 01 9a 05 03 12 01 78")) ==
                F.message(F.allTypes, [83: .message(F.innerMessage(b: "x"))]))
    }

    @Test func singularScalarsLastValueWins() throws {
        #expect(try F.codec.decode(F.allTypes, from: F.hex("28 01 28 02")) == F.message(F.allTypes, [5: .int32(2)]))
        // Back to the default: absent in normal form.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("28 05 28 00")) == F.message())
        #expect(try F.codec.decode(F.allTypes, from: F.hex("4a 01 61 4a 00")) == F.message())
        // A non-canonical (overlong) varint decodes to the same value.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("28 81 80 00")) == F.message(F.allTypes, [5: .int32(1)]))
        // int32 fields take the low 32 bits of a 64-bit varint.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("28 ff ff ff ff 0f")) == F.message(F.allTypes, [5: .int32(-1)]))
    }

    @Test func singularMessagesMerge() throws {
        // f_inner {a: 1}, then f_inner {b: "x"}, then f_inner {deeper {d: [1]}} then {deeper {c: true, d: [2]}}.
        let bytes = F.hex("8a 01 02 08 01 8a 01 03 12 01 78 8a 01 05 1a 03 12 01 02 8a 01 07 1a 05 08 01 12 01 04")
        var expected = F.innerMessage(a: 1, b: "x")
        expected.fields[3] = .message(DynamicMessage(typeName: F.deeper, fields: [1: .bool(true), 2: .list([.int64(1), .int64(2)])]))
        #expect(try F.codec.decode(F.allTypes, from: bytes) == F.message(F.allTypes, [17: .message(expected)]))
        // Repeated messages append instead.
        #expect(try F.codec.decode(F.allTypes, from: F.hex("fa 02 02 08 01 fa 02 02 08 02")) ==
                F.message(F.allTypes, [47: .list([.message(F.innerMessage(a: 1)), .message(F.innerMessage(a: 2))])]))
    }

    @Test func mergeAppendsAndReplaces() throws {
        var m = F.message(F.allTypes, [5: .int32(1), 35: .list([.int32(1)]), 17: .message(F.innerMessage(a: 1))])
        try F.codec.merge(F.hex("28 02 98 02 02 8a 01 03 12 01 78"), into: &m)
        #expect(m == F.message(F.allTypes, [
            5: .int32(2), 35: .list([.int32(1), .int32(2)]), 17: .message(F.innerMessage(a: 1, b: "x")),
        ]))
    }

    @Test func unknownFieldsKeptInOrderAndWrittenLast() throws {
        // Unknown field 1000 (varint 7), then f_int32 = 1, then unknown 20 (bytes "hi"),
        // reserved 99 (fixed32), field 536870910 (fixed64).
        let input = F.hex("c0 3e 07 28 01 a2 01 02 68 69 9d 06 01 02 03 04 f1 ff ff ff 0f 01 02 03 04 05 06 07 08")
        let m = try F.codec.decode(F.allTypes, from: input)
        #expect(m.fields == [5: .int32(1)])
        #expect(m.unknownFields.data == F.hex("c0 3e 07 a2 01 02 68 69 9d 06 01 02 03 04 f1 ff ff ff 0f 01 02 03 04 05 06 07 08"))
        #expect(F.codec.encode(m) ==
                F.hex("28 01 c0 3e 07 a2 01 02 68 69 9d 06 01 02 03 04 f1 ff ff ff 0f 01 02 03 04 05 06 07 08"))
        // Discarded on request.
        let d = try F.codec.decode(F.allTypes, from: input, options: DecodeOptions(discardUnknownFields: true))
        #expect(d == F.message(F.allTypes, [5: .int32(1)]))
        // Unknown fields of a nested message stay with it.
        let nested = try F.codec.decode(F.allTypes, from: F.hex("8a 01 04 20 09 08 01"))
        var inner = F.innerMessage(a: 1)
        inner.unknownFields = UnknownFields(data: F.hex("20 09"))
        #expect(nested == F.message(F.allTypes, [17: .message(inner)]))
        #expect(F.codec.encode(nested) == F.hex("8a 01 04 08 01 20 09"))
    }

    @Test func enumValuesUnknownToTheSchemaAreKept() throws {
        try expectBytes([16: .enumValue(42)], "80 01 2a")
        try expectBytes([46: .list([.enumValue(7), .enumValue(-100)])], "f2 02 0b 07 9c ff ff ff ff ff ff ff ff 01")
    }

    @Test func optionalFieldsWrittenAtZero() throws {
        try expectBytes([1: .int32(0), 2: .string(""), 3: .bool(false), 4: .double(0), 5: .enumValue(0),
                         6: .message(F.innerMessage()), 7: .bytes([]), 8: .int64(0)],
                        "08 00 12 00 18 00 21 00 00 00 00 00 00 00 00 28 00 32 00 3a 00 40 00",
                        type: F.optionalFields)
        #expect(F.codec.encode(F.message(F.optionalFields, [9: .int32(0)])).isEmpty)
        #expect(try F.codec.decode(F.optionalFields, from: F.hex("08 05 08 00")) ==
                F.message(F.optionalFields, [1: .int32(0)]))
    }

    @Test func wellKnownTypesAreOrdinaryMessagesOnTheWire() throws {
        let ts = DynamicMessage(typeName: F.timestamp, fields: [1: .int64(1), 2: .int32(5)])
        try expectBytes([91: .message(ts), 93: .list([.message(DynamicMessage(typeName: F.timestamp))])],
                        "da 05 04 08 01 10 05 ea 05 00")
    }

    @Test func recursiveTypes() throws {
        var leaf = DynamicMessage(typeName: F.treeNode, fields: [1: .string("leaf")])
        let root = DynamicMessage(typeName: F.treeNode, fields: [
            2: .message(leaf), 3: .list([.message(leaf), .message(DynamicMessage(typeName: F.treeNode))]),
            4: .map([.string("k"): .message(leaf)]), 6: .string(""),
        ])
        let bytes = F.codec.encode(root)
        #expect(bytes == F.hex("12 06 0a 04 6c 65 61 66 1a 06 0a 04 6c 65 61 66 1a 00 22 0b 0a 01 6b 12 06 0a 04 6c 65 61 66 32 00"))
        #expect(try F.codec.decode(F.treeNode, from: bytes) == root)
        leaf.fields[5] = .message(root)
        let a = DynamicMessage(typeName: F.mutualA, fields: [
            1: .message(DynamicMessage(typeName: F.mutualB, fields: [1: .message(DynamicMessage(typeName: F.mutualA, fields: [2: .int64(-1)]))])),
        ])
        #expect(F.codec.encode(a) == F.hex("0a 0d 0a 0b 10 ff ff ff ff ff ff ff ff ff 01"))
        #expect(try F.codec.decode(F.mutualA, from: F.codec.encode(a)) == a)
    }

    @Test func emptyMessage() throws {
        #expect(F.codec.encode(F.message(F.empty)).isEmpty)
        let m = try F.codec.decode(F.empty, from: F.hex("08 01"))
        #expect(m.fields.isEmpty && m.unknownFields.data == F.hex("08 01"))
    }
}

@Suite struct DynamicBinaryHostileInputTests {
    @Test func truncatedVarint() {
        #expect(F.errorCode(F.hex("28 80")) == .truncated)
        #expect(F.errorCode(F.hex("28")) == .truncated)
        #expect(F.errorCode(F.hex("80")) == .truncated)
    }

    @Test func overlongVarint() {
        // 11 bytes.
        #expect(F.errorCode(F.hex("28 ff ff ff ff ff ff ff ff ff ff 01")) == .malformedVarint)
        // 10 bytes whose last carries more than one bit.
        #expect(F.errorCode(F.hex("28 ff ff ff ff ff ff ff ff ff 02")) == .malformedVarint)
        #expect(F.errorCode(F.hex("28 ff ff ff ff ff ff ff ff ff 01")) == nil)
    }

    @Test func truncatedFixedWidth() {
        #expect(F.errorCode(F.hex("09 00 00 00")) == .truncated)
        #expect(F.errorCode(F.hex("3d 00 00 00")) == .truncated)
        // Truncated inside a nested message: bounded by the nested length.
        #expect(F.errorCode(F.hex("8a 01 02 3d 00 00")) == .truncated)
    }

    @Test func lengthBeyondInput() {
        #expect(F.errorCode(F.hex("4a 05 61")) == .lengthExceedsInput)
        // A nested length past its parent's end.
        #expect(F.errorCode(F.hex("8a 01 02 12 05 61 62 63 64 65")) == .lengthExceedsInput)
        // Unknown length-delimited field.
        #expect(F.errorCode(F.hex("a2 01 03 61")) == .lengthExceedsInput)
    }

    @Test func lengthClaimingTwoToTheFortyBytes() {
        #expect(F.errorCode([0x4a] + F.varint(1 << 40) + [0x61]) == .lengthExceedsInput)
        #expect(F.errorCode([0x8a, 0x01] + F.varint(1 << 40)) == .lengthExceedsInput)
        #expect(F.errorCode([0x9a, 0x02] + F.varint(1 << 40)) == .lengthExceedsInput)
        #expect(F.errorCode([0xa2, 0x01] + F.varint(UInt64.max)) == .lengthExceedsInput)
    }

    @Test func wrongWireTypeForKnownField() {
        #expect(F.errorCode(F.hex("2a 00")) == .wrongWireType)  // int32 as length-delimited
        #expect(F.errorCode(F.hex("48 01")) == .wrongWireType)  // string as varint
        #expect(F.errorCode(F.hex("89 01 00 00 00 00 00 00 00 00")) == .wrongWireType)  // message as fixed64
        #expect(F.errorCode(F.hex("0d 00 00 00 00")) == .wrongWireType)  // double as fixed32
        #expect(F.errorCode(F.hex("b8 02 01")) == .wrongWireType)  // repeated string as varint
        #expect(F.errorCode(F.hex("ed 03 00 00 00 00")) == .wrongWireType)  // map as fixed32
        #expect(F.errorCode(F.hex("ea 03 02 0a 00")) == .wrongWireType)  // map key of the wrong type
        #expect(F.errorCode(F.hex("82 01 01")) == .wrongWireType)  // enum as length-delimited (singular)
        // The error names the field.
        do {
            _ = try F.codec.decode(F.allTypes, from: F.hex("28 01 2a 00"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .wrongWireType && error.fieldNumber == 5 && error.offset == 2)
        }
    }

    @Test func invalidUTF8() {
        #expect(F.errorCode(F.hex("4a 02 c3 28")) == .invalidUTF8)
        #expect(F.errorCode(F.hex("4a 01 ff")) == .invalidUTF8)
        // Overlong encoding and a surrogate.
        #expect(F.errorCode(F.hex("4a 02 c0 af")) == .invalidUTF8)
        #expect(F.errorCode(F.hex("4a 03 ed a0 80")) == .invalidUTF8)
        // In a map key and a map value.
        #expect(F.errorCode(F.hex("c2 04 03 0a 01 ff")) == .invalidUTF8)
        #expect(F.errorCode(F.hex("f2 03 05 08 01 12 01 ff")) == .invalidUTF8)
        // In a repeated string, a oneof string, a nested message.
        #expect(F.errorCode(F.hex("ba 02 01 80")) == .invalidUTF8)
        #expect(F.errorCode(F.hex("92 05 01 80")) == .invalidUTF8)
        #expect(F.errorCode(F.hex("8a 01 03 12 01 80")) == .invalidUTF8)
        // Bytes fields take anything.
        #expect(F.errorCode(F.hex("52 01 ff")) == nil)
    }

    @Test func invalidFieldNumbers() {
        #expect(F.errorCode(F.hex("00")) == .invalidFieldNumber)
        #expect(F.errorCode(F.hex("02 00")) == .invalidFieldNumber)
        // A tag above 32 bits.
        #expect(F.errorCode(F.hex("80 80 80 80 80 01 00")) == .invalidFieldNumber)
    }

    @Test func groupWireTypes() {
        #expect(F.errorCode(F.hex("0b")) == .groupsNotSupported)
        #expect(F.errorCode(F.hex("0c")) == .groupsNotSupported)
        #expect(F.errorCode(F.hex("a3 01")) == .groupsNotSupported)  // unknown field 20, start group
    }

    @Test func wireTypesSixAndSeven() {
        #expect(F.errorCode(F.hex("0e")) == .invalidWireType)
        #expect(F.errorCode(F.hex("0f")) == .invalidWireType)
        #expect(F.errorCode(F.hex("a7 01")) == .invalidWireType)
    }

    @Test func malformedPackedRun() {
        #expect(F.errorCode(F.hex("aa 02 03 01 00 00")) == .malformedPackedField)
        #expect(F.errorCode(F.hex("a2 02 07 00 00 00 00 00 00 00")) == .malformedPackedField)
        // A varint run ending inside a varint.
        #expect(F.errorCode(F.hex("9a 02 01 80 01")) == .truncated)
    }

    /// `depth` nested TreeNode.child messages around an empty one.
    static func nestedChildren(_ depth: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<depth { bytes = [0x12] + F.varint(UInt64(bytes.count)) + bytes }
        return bytes
    }

    @Test func depthBomb() throws {
        #expect(F.errorCode(Self.nestedChildren(100), F.treeNode) == nil)
        #expect(F.errorCode(Self.nestedChildren(101), F.treeNode) == .depthLimitExceeded)
        #expect(F.errorCode(Self.nestedChildren(5000), F.treeNode) == .depthLimitExceeded)
        #expect(F.errorCode(Self.nestedChildren(10), F.treeNode, options: DecodeOptions(maxDepth: 9)) == .depthLimitExceeded)
        #expect(F.errorCode(Self.nestedChildren(9), F.treeNode, options: DecodeOptions(maxDepth: 9)) == nil)
        // Through repeated fields and mutual recursion too.
        var bytes: [UInt8] = []
        for _ in 0..<101 { bytes = [0x1a] + F.varint(UInt64(bytes.count)) + bytes }
        #expect(F.errorCode(bytes, F.treeNode) == .depthLimitExceeded)
        var mutual: [UInt8] = []
        for _ in 0..<101 { mutual = [0x0a] + F.varint(UInt64(mutual.count)) + mutual }
        #expect(F.errorCode(mutual, F.mutualA) == .depthLimitExceeded)
        var mutual100: [UInt8] = []
        for _ in 0..<100 { mutual100 = [0x0a] + F.varint(UInt64(mutual100.count)) + mutual100 }
        #expect(F.errorCode(mutual100, F.mutualB) == nil)
        // The accepted 100-level tree round-trips.
        let deep = try F.codec.decode(F.treeNode, from: Self.nestedChildren(100))
        #expect(F.codec.encode(deep) == Self.nestedChildren(100))
    }

    @Test func oversizeMessage() {
        let bytes = F.hex("4a 05 61 62 63 64 65")
        #expect(F.errorCode(bytes, options: DecodeOptions(maxMessageSize: 6)) == .messageTooLarge)
        #expect(F.errorCode(bytes, options: DecodeOptions(maxMessageSize: 7)) == nil)
    }

    @Test func mutatedInputsNeverCrash() throws {
        // Flip, drop and insert bytes of valid encodings: every result is a
        // message or a WireError, and whatever decodes re-encodes stably.
        var gen = RandomMessageGenerator(schema: F.schema, seed: 7)
        var rng: UInt64 = 0x1234_5678
        func rand() -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33)
        }
        for _ in 0..<300 {
            var bytes = F.codec.encode(gen.message(F.allTypes))
            guard !bytes.isEmpty else { continue }
            for _ in 0..<(1 + rand() % 4) {
                let i = rand() % bytes.count
                switch rand() % 3 {
                case 0: bytes[i] ^= UInt8(truncatingIfNeeded: 1 << (rand() % 8))
                case 1: bytes.remove(at: i)
                default: bytes.insert(UInt8(truncatingIfNeeded: rand()), at: i)
                }
                if bytes.isEmpty { break }
            }
            if let m = try? F.codec.decode(F.allTypes, from: bytes) {
                let again = F.codec.encode(m)
                #expect(try F.codec.decode(F.allTypes, from: again) == m)
            }
        }
    }
}
