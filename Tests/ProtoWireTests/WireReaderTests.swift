import Testing
@testable import ProtoWire

/// Reads `bytes` with a fresh reader and returns the result of `body`.
func read<T>(_ bytes: [UInt8], options: DecodeOptions = DecodeOptions(),
             _ body: (inout WireReader) throws(WireError) -> T) throws(WireError) -> T {
    let r: Result<T, WireError> = bytes.withUnsafeBytes { raw in
        var reader = WireReader(raw, options: options)
        return Result { () throws(WireError) in try body(&reader) }
    }
    return try r.get()
}

func errorCode<T>(_ bytes: [UInt8], _ body: (inout WireReader) throws(WireError) -> T) -> WireError.Code? {
    do {
        _ = try read(bytes, body)
        return nil
    } catch {
        return error.code
    }
}

@Suite("WireReader")
struct WireReaderTests {
    @Test("varints decode to their values", arguments: [
        ([0x00], UInt64(0)),
        ([0x01], 1),
        ([0x7F], 127),
        ([0x80, 0x01], 128),
        ([0xAC, 0x02], 300),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], UInt64(UInt32.max)),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], UInt64.max),
        // A non-minimal (padded) varint is still valid.
        ([0x81, 0x80, 0x80, 0x00], 1),
    ] as [([UInt8], UInt64)])
    func varints(bytes: [UInt8], value: UInt64) throws {
        #expect(try read(bytes) { r throws(WireError) in try r.readVarint() } == value)
    }

    @Test("negative int32 reads from a ten-byte varint")
    func negativeInt32() throws {
        let bytes: [UInt8] = [0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(try read(bytes) { r throws(WireError) in try r.readInt32() } == -3)
    }

    @Test("a varint running over ten bytes is malformed")
    func overlongVarint() {
        let eleven = [UInt8](repeating: 0xFF, count: 10) + [0x01]
        #expect(errorCode(eleven) { r throws(WireError) in try r.readVarint() } == .malformedVarint)
        // Ten bytes whose last carries more than the 64th bit.
        let tooBig = [UInt8](repeating: 0xFF, count: 9) + [0x02]
        #expect(errorCode(tooBig) { r throws(WireError) in try r.readVarint() } == .malformedVarint)
    }

    @Test("input ending inside a value is truncated", arguments: [
        [0x80], [0xFF, 0xFF], [0x01, 0x02, 0x03],
    ] as [[UInt8]])
    func truncated(bytes: [UInt8]) {
        #expect(errorCode(bytes) { r throws(WireError) in
            _ = try r.readVarint(); return try r.readFixed32()
        } == .truncated)
    }

    @Test("length prefixes beyond the input are refused before any allocation")
    func lengthBeyondInput() {
        // 5 bytes announced, 2 present.
        #expect(errorCode([0x05, 0x61, 0x62]) { r throws(WireError) in try r.readBytes() } == .lengthExceedsInput)
        // 2^40 bytes announced.
        let huge: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20]
        #expect(errorCode(huge) { r throws(WireError) in try r.readString() } == .lengthExceedsInput)
        #expect(errorCode(huge) { r throws(WireError) in try r.enterNested() } == .lengthExceedsInput)
    }

    @Test("tags: field number 0, groups and wire types 6 and 7 are refused", arguments: [
        ([0x00], WireError.Code.invalidFieldNumber),
        ([0x02], .invalidFieldNumber),
        ([0x0B], .groupsNotSupported),
        ([0x0C], .groupsNotSupported),
        ([0x0E], .invalidWireType),
        ([0x0F], .invalidWireType),
        // A tag varint above UInt32.
        ([0x88, 0x80, 0x80, 0x80, 0x80, 0x01], .invalidFieldNumber),
    ] as [([UInt8], WireError.Code)])
    func badTags(bytes: [UInt8], code: WireError.Code) {
        #expect(errorCode(bytes) { r throws(WireError) in try r.readTag() } == code)
    }

    @Test("the largest field number is accepted")
    func maxFieldNumber() throws {
        let tag = try read([0xF8, 0xFF, 0xFF, 0xFF, 0x0F]) { r throws(WireError) in try r.readTag() }
        #expect(Int(tag >> 3) == WireFormat.maxFieldNumber)
    }

    @Test("strings must be valid UTF-8", arguments: [
        [0xC0, 0xAF],             // overlong '/'
        [0xED, 0xA0, 0x80],       // surrogate
        [0xE4, 0xB8],             // truncated sequence
        [0xFF],                   // never valid
        [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
    ] as [[UInt8]])
    func invalidUTF8(payload: [UInt8]) {
        let bytes = [UInt8(payload.count)] + payload
        #expect(errorCode(bytes) { r throws(WireError) in try r.readString() } == .invalidUTF8)
    }

    @Test("valid UTF-8 strings decode, ASCII and not")
    func validStrings() throws {
        for text in ["", "plain ascii text longer than eight bytes", "退货宝 🛡️ é"] {
            let bytes = [UInt8(text.utf8.count)] + Array(text.utf8)
            #expect(try read(bytes) { r throws(WireError) in try r.readString() } == text)
        }
    }

    @Test("nesting deeper than maxDepth is refused")
    func depth() throws {
        // Three nested empty length-delimited levels: 02 02 00 ... built inside out.
        var bytes: [UInt8] = []
        for _ in 0..<3 { bytes = [UInt8(bytes.count)] + bytes }
        let options = DecodeOptions(maxDepth: 2)
        func dive(_ r: inout WireReader) throws(WireError) {
            while !r.isAtEnd {
                let end = try r.enterNested()
                try dive(&r)
                r.leaveNested(end)
            }
        }
        #expect(throws: WireError.self) { try read(bytes, options: options) { r throws(WireError) in try dive(&r) } }
        try read(bytes, options: DecodeOptions(maxDepth: 3)) { r throws(WireError) in try dive(&r) }
    }

    @Test("packed fixed-width runs must be whole elements")
    func packedWidth() {
        #expect(errorCode([0x03, 1, 2, 3]) { r throws(WireError) in
            _ = try r.enterPacked()
            try r.checkPackedWidth(4, tag: 0x0A)
        } == .malformedPackedField)
    }

    @Test("unknown fields are kept verbatim, tag included")
    func unknownFields() throws {
        let bytes: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69, 0x1D, 1, 2, 3, 4, 0x21, 1, 2, 3, 4, 5, 6, 7, 8]
        let unknown = try read(bytes) { r throws(WireError) in
            var u = UnknownFields()
            while !r.isAtEnd { try r.skipUnknown(try r.readTag(), into: &u) }
            return u
        }
        #expect(unknown.data == bytes)
        let discarded = try read(bytes, options: DecodeOptions(discardUnknownFields: true)) { r throws(WireError) in
            var u = UnknownFields()
            while !r.isAtEnd { try r.skipUnknown(try r.readTag(), into: &u) }
            return u
        }
        #expect(discarded.isEmpty)
    }
}

@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    @Test("valid and invalid sequences at every length", arguments: [
        ([0x7F], true), ([0xC2, 0x80], true), ([0xDF, 0xBF], true), ([0xE0, 0xA0, 0x80], true),
        ([0xED, 0x9F, 0xBF], true), ([0xEF, 0xBF, 0xBD], true), ([0xF0, 0x90, 0x80, 0x80], true),
        ([0xF4, 0x8F, 0xBF, 0xBF], true),
        ([0x80], false), ([0xC1, 0xBF], false), ([0xE0, 0x9F, 0xBF], false), ([0xED, 0xA0, 0x80], false),
        ([0xF0, 0x8F, 0xBF, 0xBF], false), ([0xF4, 0x90, 0x80, 0x80], false), ([0xF5, 0x80, 0x80, 0x80], false),
        ([0xE4, 0xB8], false), ([0x61, 0xE4, 0xB8, 0xAD, 0xFF], false),
    ] as [([UInt8], Bool)])
    func sequences(bytes: [UInt8], valid: Bool) {
        #expect(UTF8Validation.isValid(bytes) == valid)
        #expect(UTF8Validation.isValid(Array("long ascii prefix ".utf8) + bytes) == valid)
    }
}
