import Testing
import ProtoWire
import ConformanceMessages
import ProtectionMessages

/// Every kind of hostile input gets its typed error from the generated
/// decoder: never a crash, a hang or an allocation beyond the input.
@Suite("hostile input")
struct HostileInputTests {
    static func code<T: ProtoMessage>(_ type: T.Type, _ bytes: [UInt8], options: DecodeOptions = DecodeOptions()) -> WireError.Code? {
        do {
            _ = try T(serializedBytes: bytes, options: options)
            return nil
        } catch {
            return error.code
        }
    }

    /// `TreeNode.child` nested `depth` times.
    static func nestedTree(depth: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<depth {
            var w = WireWriter()
            bytes.withUnsafeBufferPointer { w.writeRaw($0) }
            w.writeVarint(UInt64(bytes.count))
            w.writeTag(0x12)
            bytes = w.finish()
        }
        return bytes
    }

    @Test("cases and their errors", arguments: [
        ("truncated varint value", [0x28, 0x80], WireError.Code.truncated),
        ("truncated fixed64", [0x31, 1, 2, 3], .truncated),
        ("truncated tag", [0xF8, 0xFF], .truncated),
        ("overlong varint", [0x28] + [UInt8](repeating: 0xFF, count: 10) + [0x01], .malformedVarint),
        ("string length beyond input", [0x4A, 0x05, 0x61], .lengthExceedsInput),
        ("length claiming gigabytes", [0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], .lengthExceedsInput),
        ("nested message length beyond input", [0x8A, 0x01, 0x10, 0x08], .lengthExceedsInput),
        ("wrong wire type for a known varint field", [0x2A, 0x00], .wrongWireType),
        ("wrong wire type for a known string field", [0x48, 0x01], .wrongWireType),
        ("wrong wire type for a known message field", [0x8D, 0x01, 0, 0, 0, 0], .wrongWireType),
        ("invalid UTF-8 in a string", [0x4A, 0x02, 0xC0, 0xAF], .invalidUTF8),
        ("invalid UTF-8 in a repeated string", [0xBA, 0x02, 0x01, 0xFF], .invalidUTF8),
        ("invalid UTF-8 in a map key", [0xC2, 0x04, 0x03, 0x0A, 0x01, 0xFF], .invalidUTF8),
        ("invalid UTF-8 in a oneof string", [0x92, 0x05, 0x01, 0x80], .invalidUTF8),
        ("field number 0", [0x00, 0x01], .invalidFieldNumber),
        ("start group", [0x0B, 0x0C], .groupsNotSupported),
        ("end group", [0x0C], .groupsNotSupported),
        ("wire type 6", [0x0E], .invalidWireType),
        ("wire type 7", [0x0F], .invalidWireType),
        ("packed fixed32 run not a multiple of 4", [0xAA, 0x02, 0x03, 1, 2, 3], .malformedPackedField),
        ("wrong wire type inside a map entry", [0xEA, 0x03, 0x02, 0x0D, 0x00], .wrongWireType),
    ] as [(String, [UInt8], WireError.Code)])
    func hostile(name: String, bytes: [UInt8], expected: WireError.Code) {
        #expect(Self.code(AllTypes.self, bytes) == expected, "\(name)")
    }

    @Test("a depth bomb is refused at the limit; the limit itself is accepted")
    func depthBomb() throws {
        #expect(Self.code(TreeNode.self, Self.nestedTree(depth: 101)) == .depthLimitExceeded)
        #expect(Self.code(TreeNode.self, Self.nestedTree(depth: 100)) == nil)
        let deep = try TreeNode(serializedBytes: Self.nestedTree(depth: 100))
        var depth = 0
        var node: TreeNode? = deep
        while let n = node?.child { depth += 1; node = n }
        #expect(depth == 100)
        // A smaller limit is honoured.
        #expect(Self.code(TreeNode.self, Self.nestedTree(depth: 11), options: DecodeOptions(maxDepth: 10)) == .depthLimitExceeded)
        // 5,000 levels: refused without exhausting the stack.
        #expect(Self.code(TreeNode.self, Self.nestedTree(depth: 5_000)) == .depthLimitExceeded)
    }

    @Test("a message over the size limit is refused before decoding")
    func tooLarge() {
        let bytes = [UInt8](repeating: 0x08, count: 2) + [UInt8](repeating: 0, count: 100)
        #expect(Self.code(AllTypes.self, bytes, options: DecodeOptions(maxMessageSize: 64)) == .messageTooLarge)
    }

    @Test("errors report where decoding stopped")
    func offsets() {
        do {
            _ = try AllTypes(serializedBytes: [0x28, 0x01, 0x4A, 0x02, 0xC0, 0xAF])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.offset == 4)
        }
    }

    @Test("random garbage never crashes any generated decoder")
    func garbage() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let types = Array(ConformanceMessagesRegistry.messageTypes.values) + Array(ProtectionMessagesRegistry.messageTypes.values)
        for round in 0..<3000 {
            let count = Int(next() % 64)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
            let type = types[round % types.count]
            _ = Self.code(type, bytes)
        }
    }
}
