import Testing
@testable import ProtoWire

@Suite("WireWriter")
struct WireWriterTests {
    @Test("varints and fixed values encode to the protobuf byte vectors")
    func scalars() {
        var w = WireWriter(capacity: 1)
        // Written back to front: the last call's bytes come first.
        w.writeFixed64(0x0102_0304_0506_0708)
        w.writeFixed32(0xDEAD_BEEF)
        w.writeSInt32(-1)
        w.writeInt32(-1)
        w.writeVarint(300)
        w.writeVarint(0)
        #expect(w.finish() == [
            0x00,
            0xAC, 0x02,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
            0x01,
            0xEF, 0xBE, 0xAD, 0xDE,
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
        ])
    }

    @Test("a nested message's length is written after its content, growing the buffer")
    func nested() {
        var w = WireWriter(capacity: 16)
        let payload = String(repeating: "x", count: 200)
        let mark = w.count
        w.writeString(payload)
        w.writeTag(0x0A)
        w.writeLength(since: mark)
        w.writeTag(0x12)
        let bytes = w.finish()
        #expect(bytes.prefix(6) == [0x12, 0xCB, 0x01, 0x0A, 0xC8, 0x01])
        #expect(bytes.count == 6 + 200)
        #expect(bytes.suffix(200).allSatisfy { $0 == UInt8(ascii: "x") })
    }

    @Test("zigzag maps signed to unsigned as the spec's table", arguments: [
        (Int64(0), UInt64(0)), (-1, 1), (1, 2), (-2, 3), (Int64.max, UInt64.max - 1), (Int64.min, UInt64.max),
    ])
    func zigzag(signed: Int64, unsigned: UInt64) {
        #expect(WireFormat.zigzag64(signed) == unsigned)
        #expect(WireFormat.unzigzag64(unsigned) == signed)
        if let s32 = Int32(exactly: signed) {
            #expect(UInt64(WireFormat.zigzag32(s32)) == unsigned)
            #expect(WireFormat.unzigzag32(UInt32(unsigned)) == s32)
        }
    }

    @Test("varint sizes", arguments: [(UInt64(0), 1), (127, 1), (128, 2), (16383, 2), (16384, 3), (UInt64.max, 10)])
    func varintSize(value: UInt64, size: Int) {
        #expect(WireFormat.varintSize(value) == size)
    }
}
