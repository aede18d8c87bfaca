import ProtoWire

/// Seeded, deterministic random instances of any message of a schema, in
/// `DynamicMessage` normal form, for cross-implementation tests. The same
/// schema, seed and settings always give the same sequence of messages.
///
/// Each field is set with probability 3/4 (a oneof picks one member at most);
/// values favour edges: 0, ±1, the min and max of each integer type, varint
/// size boundaries, negative enum values, ±0.0, extreme and subnormal floats,
/// empty and non-ASCII strings (Chinese, emoji, combining marks, control
/// characters), empty and non-empty bytes. Lists and maps hold 1...maxRepeated
/// elements (map keys distinct, string keys even under Swift's canonical
/// equivalence). At `maxDepth` (the top level is depth 0) a message is left
/// empty, which stops recursion. `google.protobuf.Timestamp` stays within years 0001...9999
/// with nanos in 0...999_999_999; `google.protobuf.Duration` within
/// ±315,576,000,000 s with nanos of the same sign and |nanos| < 1e9. The other
/// well-known types get values with a JSON form (`RandomMessageGenerator+WellKnown.swift`).
public struct RandomMessageGenerator: Sendable {
    public let schema: Schema
    public var maxDepth: Int
    public var maxRepeated: Int
    /// Occasionally use enum numbers the schema does not declare. Default false.
    public var allowUnknownEnumValues: Bool
    /// Occasionally use NaN and ±infinity for floats and doubles. Default false.
    public var allowNonFinite: Bool
    /// "Type.field" (full type name, proto field name) of every field ever set
    /// to a non-default value (a non-empty list or map, a present message).
    public internal(set) var coverage: Set<String> = []
    var rng: SplitMix64
    /// Encodes the messages an Any packs (made on the first Any: building it costs
    /// time in proportion to the schema).
    var anyCodec: DynamicCodec?

    public init(
        schema: Schema, seed: UInt64, maxDepth: Int = 3, maxRepeated: Int = 3,
        allowUnknownEnumValues: Bool = false, allowNonFinite: Bool = false
    ) {
        self.schema = schema
        self.maxDepth = maxDepth
        self.maxRepeated = max(1, maxRepeated)
        self.allowUnknownEnumValues = allowUnknownEnumValues
        self.allowNonFinite = allowNonFinite
        self.rng = SplitMix64(seed: seed)
    }

    /// A random `typeName` message.
    public mutating func message(_ typeName: String) -> DynamicMessage {
        message(typeName, depth: 0)
    }

    mutating func message(_ typeName: String, depth: Int) -> DynamicMessage {
        if let m = wellKnown(typeName, depth: depth) { return m }
        guard let d = schema.messages[typeName] ?? WellKnownTypes.builtIn.messages[typeName] else {
            preconditionFailure("RandomMessageGenerator: unknown message type \(typeName)")
        }
        var m = DynamicMessage(typeName: typeName)
        if depth >= maxDepth { return m }
        var oneofsDone = Set<Int>()
        for f in d.fieldsByNumber {
            if let o = f.oneofIndex {
                guard oneofsDone.insert(o).inserted, chance(3, 4) else { continue }
                var members = o < d.oneofs.count ? d.oneofs[o].fieldNumbers : []
                if members.isEmpty { members = d.fieldsByNumber.filter { $0.oneofIndex == o }.map(\.number) }
                guard let member = d.field(number: members[below(members.count)]) else { continue }
                let v = single(member.type, depth: depth)
                m.fields[member.number] = v
                note(d, member, v)
                continue
            }
            guard chance(3, 4) else { continue }
            switch f.type {
            case .map(let keyType, let valueType):
                let n = 1 + below(maxRepeated)
                var entries: [DynamicMapKey: DynamicValue] = [:]
                // String keys are also kept distinct under Swift's `String ==`
                // (canonical equivalence: "é" == "e\u{301}"), so that generated
                // code, whose maps are `[String: V]`, can hold every entry.
                var stringKeys = Set<String>()
                var attempts = 0
                while entries.count < n && attempts < 4 * n {
                    attempts += 1
                    let k = DynamicMapKey(scalar(keyType))!
                    if case .string(let s) = k, !stringKeys.insert(s).inserted { continue }
                    if entries[k] == nil { entries[k] = single(valueType, depth: depth) }
                }
                m.fields[f.number] = .map(entries)
                coverage.insert(d.fullName + "." + f.name)
            case _ where f.label == .repeated:
                let n = 1 + below(maxRepeated)
                var items: [DynamicValue] = []
                for _ in 0..<n { items.append(single(f.type, depth: depth)) }
                m.fields[f.number] = .list(items)
                coverage.insert(d.fullName + "." + f.name)
            default:
                let v = single(f.type, depth: depth)
                note(d, f, v)
                if f.hasImplicitPresence && v.isDefault { continue }
                m.fields[f.number] = v
            }
        }
        return m
    }

    mutating func note(_ d: MessageDescriptor, _ f: FieldDescriptor, _ v: DynamicValue) {
        // NullValue has no other value than its default: a set field is covered.
        if !v.isDefault || f.type == .enumeration(WellKnownName.nullValue) { coverage.insert(d.fullName + "." + f.name) }
    }

    mutating func single(_ type: FieldType, depth: Int) -> DynamicValue {
        switch type {
        case .scalar(let st): return scalar(st)
        case .enumeration(let name): return .enumValue(enumNumber(name))
        case .message(let name): return .message(message(name, depth: depth + 1))
        case .map: preconditionFailure("a map value cannot be a map")
        }
    }

    // MARK: Timestamp and Duration

    mutating func timestamp() -> DynamicMessage {
        let seconds: Int64
        switch below(8) {
        case 0: seconds = pick([0, 1, -1, ProtoTimestamp.minSeconds, ProtoTimestamp.maxSeconds, 1_700_000_000, 951_782_400])
        default:
            let span = UInt64(ProtoTimestamp.maxSeconds - ProtoTimestamp.minSeconds + 1)
            seconds = ProtoTimestamp.minSeconds + Int64(next() % span)
        }
        let nanos = nanosMagnitude()
        if seconds != 0 { coverage.insert(WellKnownName.timestamp + ".seconds") }
        if nanos != 0 { coverage.insert(WellKnownName.timestamp + ".nanos") }
        return DynamicCodec.secondsNanos(WellKnownName.timestamp, seconds, nanos)
    }

    mutating func duration() -> DynamicMessage {
        let seconds: Int64
        switch below(8) {
        case 0: seconds = pick([0, 1, -1, ProtoDuration.maxSeconds, -ProtoDuration.maxSeconds, 86_400])
        case 1: seconds = Int64(below(200)) - 100
        default:
            seconds = Int64(next() % UInt64(2 * ProtoDuration.maxSeconds + 1)) - ProtoDuration.maxSeconds
        }
        var nanos = nanosMagnitude()
        if seconds < 0 || (seconds == 0 && chance(1, 2)) { nanos = -nanos }
        if seconds != 0 { coverage.insert(WellKnownName.duration + ".seconds") }
        if nanos != 0 { coverage.insert(WellKnownName.duration + ".nanos") }
        return DynamicCodec.secondsNanos(WellKnownName.duration, seconds, nanos)
    }

    /// 0...999_999_999, spread over the 0/3/6/9-digit JSON forms.
    mutating func nanosMagnitude() -> Int32 {
        switch below(5) {
        case 0: 0
        case 1: Int32(below(1000)) * 1_000_000
        case 2: Int32(below(1_000_000)) * 1000
        case 3: pick([1, 999_999_999, 500_000_000, 1000, 1_000_000])
        default: Int32(below(1_000_000_000))
        }
    }

    // MARK: Scalars

    mutating func enumNumber(_ name: String) -> Int32 {
        let values = (schema.enums[name] ?? WellKnownTypes.builtIn.enums[name])?.values ?? []
        if values.isEmpty || (allowUnknownEnumValues && chance(1, 8)) {
            let declared = Set(values.map(\.number))
            let candidates: [Int32] = [12345, -7, 99, Int32.max, Int32.min, 1000].filter { !declared.contains($0) }
            if !candidates.isEmpty { return pick(candidates) }
        }
        return values[below(values.count)].number
    }

    mutating func scalar(_ st: ScalarType) -> DynamicValue {
        switch st {
        case .int32, .sint32, .sfixed32: .int32(Int32(truncatingIfNeeded: signedInteger(bits: 32)))
        case .int64, .sint64, .sfixed64: .int64(signedInteger(bits: 64))
        case .uint32, .fixed32: .uint32(UInt32(truncatingIfNeeded: unsignedInteger(bits: 32)))
        case .uint64, .fixed64: .uint64(unsignedInteger(bits: 64))
        case .bool: .bool(chance(1, 2))
        case .float: .float(float())
        case .double: .double(double())
        case .string: .string(string())
        case .bytes: .bytes(bytes())
        }
    }

    /// Edges (0, ±1, min, max, varint boundaries) 40% of the time, else a value
    /// of random bit length and sign.
    mutating func signedInteger(bits: Int) -> Int64 {
        let maxV: Int64 = bits == 32 ? Int64(Int32.max) : Int64.max
        let minV: Int64 = bits == 32 ? Int64(Int32.min) : Int64.min
        if below(10) < 4 {
            return pick([0, 1, -1, minV, maxV, 127, 128, -128, 16_383, 16_384, 300, -300, 2_097_152, 268_435_455,
                         bits == 32 ? -2 : Int64(1) << 56, bits == 32 ? 1 << 30 : -(Int64(1) << 62)])
        }
        let width = 1 + below(bits - 1)
        let v = Int64(bitPattern: next() & ((UInt64(1) << UInt64(width)) - 1))
        return chance(1, 2) ? v : -v
    }

    mutating func unsignedInteger(bits: Int) -> UInt64 {
        let maxV: UInt64 = bits == 32 ? UInt64(UInt32.max) : UInt64.max
        if below(10) < 4 {
            return pick([0, 1, maxV, maxV - 1, 127, 128, 16_383, 16_384, 300, 2_097_152, 268_435_455,
                         bits == 32 ? 1 << 31 : 1 << 63, bits == 32 ? 1 << 28 : 1 << 35])
        }
        let width = 1 + below(bits)
        return width == 64 ? next() : next() & ((UInt64(1) << UInt64(width)) - 1)
    }

    mutating func double() -> Double {
        if allowNonFinite && chance(1, 10) { return pick([.nan, .infinity, -.infinity]) }
        switch below(4) {
        case 0:
            return pick([0, -0.0, 1, -1, 0.5, 0.1, .pi, 1e-5, 1e16, 123_456.789, .greatestFiniteMagnitude,
                         -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, 9_007_199_254_740_992])
        case 1: return Double(Int64(below(2001)) - 1000) / 8
        default:
            while true {
                let d = Double(bitPattern: next())
                if d.isFinite { return d }
            }
        }
    }

    mutating func float() -> Float {
        if allowNonFinite && chance(1, 10) { return pick([.nan, .infinity, -.infinity]) }
        switch below(4) {
        case 0:
            return pick([0, -0.0, 1, -1, 0.5, 0.1, .pi, 1e-5, 16_777_216, .greatestFiniteMagnitude,
                         -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude])
        case 1: return Float(Int32(below(2001)) - 1000) / 8
        default:
            while true {
                let f = Float(bitPattern: UInt32(truncatingIfNeeded: next()))
                if f.isFinite { return f }
            }
        }
    }

    static let stringPieces: [String] = [
        "", "a", "hello", "Hello, World!", "中文", "汉字测试", "😀", "🎉🚀", "👩‍👩‍👧", "ü", "é", "e\u{301}",
        "ключ", "日本語", "𝄞", "\"", "\\", "/", "\n", "\t", "\r", "\u{0}", "\u{1F}", "\u{7F}", "\u{2028}",
        "\u{FEFF}", " ", "0", "-1", "true", "null", "<tag>&amp;", "{\"json\":[1]}",
    ]

    mutating func string() -> String {
        if chance(1, 6) { return "" }
        var s = ""
        for _ in 0..<(1 + below(4)) {
            if chance(1, 4) {
                for _ in 0..<(1 + below(12)) { s.unicodeScalars.append(Unicode.Scalar(UInt8(0x20 + below(95)))) }
            } else {
                s += pick(Self.stringPieces)
            }
        }
        return s
    }

    mutating func bytes() -> [UInt8] {
        switch below(6) {
        case 0: return []
        case 1: return pick([[0], [0xFF], [0, 0, 0], [0xFB, 0xFF, 0xBF], [0x80]])
        default: return (0..<(1 + below(20))).map { _ in UInt8(truncatingIfNeeded: next()) }
        }
    }

    // MARK: Random numbers

    mutating func next() -> UInt64 { rng.next() }

    /// Uniform in 0..<n (n > 0), by rejection.
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let r = next()
            if r < limit { return Int(r % bound) }
        }
    }

    mutating func chance(_ numerator: Int, _ denominator: Int) -> Bool { below(denominator) < numerator }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same everywhere.
struct SplitMix64: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
