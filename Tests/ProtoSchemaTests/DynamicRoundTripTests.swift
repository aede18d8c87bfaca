import ProtoSchema
import ProtoWire
import Testing

private typealias F = DynamicFixtures

@Suite struct DynamicRoundTripTests {
    /// Every message of the conformance schema, nested ones included, and the
    /// well-known types it uses.
    static let messageTypes: [String] = F.schema.ownMessages.map(\.fullName) + [F.timestamp, F.duration]

    @Test(arguments: messageTypes)
    func binaryRoundTrip(_ type: String) throws {
        var gen = RandomMessageGenerator(schema: F.schema, seed: 0xB1A2 &+ UInt64(type.utf8.count))
        for i in 0..<200 {
            let m = gen.message(type)
            let bytes = F.codec.encode(m)
            let back = try F.codec.decode(type, from: bytes)
            #expect(back == m, "instance \(i) of \(type)")
            // Canonical: re-encoding gives the same bytes.
            #expect(F.codec.encode(back) == bytes)
            if back != m { break }
        }
    }

    @Test(arguments: messageTypes)
    func jsonRoundTrip(_ type: String) throws {
        var gen = RandomMessageGenerator(schema: F.schema, seed: 0x15_0000 &+ UInt64(type.utf8.count))
        for i in 0..<200 {
            let m = gen.message(type)
            let json = try F.codec.encodeJSON(m)
            let back = try F.codec.decodeJSON(type, from: json)
            #expect(back == m, "instance \(i) of \(type): \(json)")
            #expect(try F.codec.encodeJSON(back) == json)
            if back != m { break }
        }
    }

    @Test func nonFiniteAndUnknownEnumsRoundTrip() throws {
        var gen = RandomMessageGenerator(schema: F.schema, seed: 99, allowUnknownEnumValues: true, allowNonFinite: true)
        var sawUnknownEnum = false
        var sawNaN = false
        for _ in 0..<200 {
            let m = gen.message(F.allTypes)
            #expect(try F.codec.decode(F.allTypes, from: F.codec.encode(m)) == m)
            let json = try F.codec.encodeJSON(m)
            #expect(try F.codec.decodeJSON(F.allTypes, from: json) == m)
            if case .enumValue(let e)? = m.fields[16], ![0, 1, 2, -3].contains(e) { sawUnknownEnum = true }
            if case .double(let d)? = m.fields[1], d.isNaN { sawNaN = true }
        }
        #expect(sawUnknownEnum)
        #expect(sawNaN)
    }

    @Test func coverageIncludesEveryField() {
        var gen = RandomMessageGenerator(schema: F.schema, seed: 2024)
        for type in Self.messageTypes {
            for _ in 0..<200 { _ = gen.message(type) }
        }
        var missing: [String] = []
        for m in F.schema.ownMessages {
            for f in m.fields where !gen.coverage.contains(m.fullName + "." + f.name) { missing.append(m.fullName + "." + f.name) }
        }
        #expect(missing.isEmpty, "never set to a non-default value: \(missing)")
        #expect(gen.coverage.contains("google.protobuf.Timestamp.nanos"))
        #expect(gen.coverage.contains("google.protobuf.Duration.seconds"))
    }

    @Test func generatorIsDeterministic() {
        var a = RandomMessageGenerator(schema: F.schema, seed: 42)
        var b = RandomMessageGenerator(schema: F.schema, seed: 42)
        var c = RandomMessageGenerator(schema: F.schema, seed: 43)
        var differs = false
        for _ in 0..<20 {
            let x = a.message(F.allTypes)
            #expect(x == b.message(F.allTypes))
            #expect(F.codec.encode(x) == F.codec.encode(x))
            if x != c.message(F.allTypes) { differs = true }
        }
        #expect(differs)
        #expect(a.coverage == b.coverage)
    }

    @Test func generatorRespectsRangesAndDepth() {
        var gen = RandomMessageGenerator(schema: F.schema, seed: 5, maxDepth: 3, maxRepeated: 3)
        func depth(_ m: DynamicMessage) -> Int {
            var d = 0
            func visit(_ v: DynamicValue) {
                switch v {
                case .message(let s): d = max(d, depth(s))
                case .list(let l): l.forEach(visit)
                case .map(let e): e.values.forEach(visit)
                default: break
                }
            }
            m.fields.values.forEach(visit)
            return d + 1
        }
        func checkWellKnown(_ v: DynamicValue) {
            switch v {
            case .message(let m):
                let s: Int64 = if case .int64(let x)? = m.fields[1] { x } else { 0 }
                let n: Int32 = if case .int32(let x)? = m.fields[2] { x } else { 0 }
                if m.typeName == F.timestamp {
                    #expect(s >= -62_135_596_800 && s <= 253_402_300_799 && n >= 0 && n <= 999_999_999)
                } else if m.typeName == F.duration {
                    #expect(abs(s) <= 315_576_000_000 && abs(n) < 1_000_000_000)
                    #expect((s >= 0 && n >= 0) || (s <= 0 && n <= 0))
                } else {
                    m.fields.values.forEach(checkWellKnown)
                }
            case .list(let l): l.forEach(checkWellKnown)
            case .map(let e): e.values.forEach(checkWellKnown)
            default: break
            }
        }
        var oneofs = 0
        for _ in 0..<300 {
            let t = gen.message(F.treeNode)
            #expect(depth(t) <= 4)
            #expect(!(t.fields[5] != nil && t.fields[6] != nil))
            if t.fields[5] != nil || t.fields[6] != nil { oneofs += 1 }
            for v in t.fields.values {
                if case .list(let l) = v { #expect(l.count >= 1 && l.count <= 3) }
                if case .map(let e) = v {
                    #expect(e.count >= 1 && e.count <= 3)
                    // Distinct even under Swift's canonical-equivalence `String ==`.
                    let swiftKeys = Set(e.keys.map { k -> String in if case .string(let s) = k { s } else { "" } })
                    #expect(swiftKeys.count == e.count)
                }
            }
            let a = gen.message(F.allTypes)
            #expect(a.fields.keys.filter { (81...85).contains($0) }.count <= 1)
            checkWellKnown(.message(a))
            for _ in 0..<3 {
                checkWellKnown(.message(gen.message(F.duration)))
                checkWellKnown(.message(gen.message(F.timestamp)))
            }
        }
        // About 3/4 of instances set the oneof.
        #expect(oneofs > 150 && oneofs < 290)
    }

    @Test func generatorOutputIsInNormalForm() {
        var gen = RandomMessageGenerator(schema: F.schema, seed: 77)
        for _ in 0..<100 {
            let m = gen.message(F.allTypes)
            for (n, v) in m.fields {
                if (1...16).contains(n) || (18...19).contains(n) || n == 536_870_911 { #expect(!v.isDefault, "field \(n)") }
                if case .list(let l) = v { #expect(!l.isEmpty) }
                if case .map(let e) = v { #expect(!e.isEmpty) }
            }
        }
    }
}

@Suite struct DynamicValueSemanticsTests {
    @Test func equalityIsByBitsAndBytes() {
        #expect(DynamicValue.double(.nan) == .double(.nan))
        #expect(DynamicValue.double(.nan) != .double(Double(bitPattern: 0x7FF8_0000_0000_0001)))
        #expect(DynamicValue.double(0) != .double(-0.0))
        #expect(DynamicValue.float(0) != .float(-0.0))
        #expect(DynamicValue.float(.nan).hashValue == DynamicValue.float(.nan).hashValue)
        // Strings compare by UTF-8 bytes, as on the wire: no Unicode normalization.
        #expect(DynamicValue.string("\u{E9}") != .string("e\u{301}"))
        #expect(DynamicMapKey.string("\u{E9}") != .string("e\u{301}"))
        let map: [DynamicMapKey: DynamicValue] = [.string("\u{E9}"): .int32(1), .string("e\u{301}"): .int32(2)]
        #expect(map.count == 2)
        #expect(DynamicValue.string("a\u{0}b") == .string("a\u{0}b"))
        #expect(Set([DynamicValue.string("x"), .string("x"), .int32(1), .uint32(1)]).count == 3)
    }

    @Test func defaultsAndKeyOrder() {
        #expect(DynamicValue.double(-0.0).isDefault == false)
        #expect(DynamicValue.message(DynamicMessage(typeName: "x")).isDefault == false)
        #expect(DynamicValue.list([]).isDefault && DynamicValue.map([:]).isDefault && DynamicValue.enumValue(0).isDefault)
        let keys: [DynamicMapKey] = [.string("中"), .string("é"), .string("a"), .string("Z"), .string("")]
        #expect(keys.sorted(by: DynamicMapKey.protoLess) == [.string(""), .string("Z"), .string("a"), .string("é"), .string("中")])
        #expect([DynamicMapKey.int64(1), .int64(-5), .int64(0)].sorted(by: DynamicMapKey.protoLess) == [.int64(-5), .int64(0), .int64(1)])
        #expect([DynamicMapKey.uint64(.max), .uint64(0)].sorted(by: DynamicMapKey.protoLess) == [.uint64(0), .uint64(.max)])
        #expect([DynamicMapKey.bool(true), .bool(false)].sorted(by: DynamicMapKey.protoLess) == [.bool(false), .bool(true)])
    }
}
