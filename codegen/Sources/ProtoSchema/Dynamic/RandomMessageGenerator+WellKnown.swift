import ProtoWire

/// Random well-known values that have a proto3 JSON form, so that every
/// generated message prints and reads back: a Value always has a kind and a
/// finite number; Struct keys are distinct strings; a FieldMask holds
/// lower snake_case paths; an Any packs a random message of the schema or a
/// well-known type (an Any among them) with its canonical bytes, kept shallow.
extension RandomMessageGenerator {
    static let fieldMaskPaths = ["a", "b_c", "inner.deeper", "f_int32", "x_y_z", "list_value.values"]

    /// A random `typeName` message for the well-known types that need care; nil for the others.
    mutating func wellKnown(_ typeName: String, depth: Int) -> DynamicMessage? {
        var m = DynamicMessage(typeName: typeName)
        switch typeName {
        case WellKnownName.timestamp: return timestamp()
        case WellKnownName.duration: return duration()
        case WellKnownName.value:
            // At the depth limit, only kinds that do not nest.
            let kind = 1 + below(depth + 1 >= maxDepth ? 4 : 6)
            switch kind {
            case 1: m.fields[1] = .enumValue(0)
            case 2:
                var d = double()
                if !d.isFinite { d = 0 }
                m.fields[2] = .double(d)
            case 3: m.fields[3] = .string(string())
            case 4: m.fields[4] = .bool(chance(1, 2))
            case 5: m.fields[5] = .message(message(WellKnownName.structType, depth: depth + 1))
            default: m.fields[6] = .message(message(WellKnownName.listValue, depth: depth + 1))
            }
            coverage.insert(WellKnownName.value + ".kind\(kind)")
        case WellKnownName.structType:
            guard depth < maxDepth else { return m }
            var entries: [DynamicMapKey: DynamicValue] = [:]
            var keys = Set<String>()
            for _ in 0..<below(maxRepeated + 1) {
                let k = string()
                guard keys.insert(k).inserted else { continue }
                entries[.string(k)] = .message(message(WellKnownName.value, depth: depth + 1))
            }
            if !entries.isEmpty { m.fields[1] = .map(entries) }
        case WellKnownName.listValue:
            guard depth < maxDepth else { return m }
            let items = (0..<below(maxRepeated + 1)).map { _ in
                DynamicValue.message(message(WellKnownName.value, depth: depth + 1))
            }
            if !items.isEmpty { m.fields[1] = .list(items) }
        case WellKnownName.fieldMask:
            let paths = (0..<below(4)).map { _ in DynamicValue.string(pick(Self.fieldMaskPaths)) }
            if !paths.isEmpty { m.fields[1] = .list(paths) }
        case WellKnownName.any:
            // An empty Any one time in six; else a packed message.
            guard !chance(1, 6) else { return m }
            let candidates = anyCandidates(depth: depth)
            let name = pick(candidates)
            // The body is kept shallow (one level above the limit): packing a message
            // full of Any fields at every level would grow without bound.
            let body = message(name, depth: max(depth + 1, maxDepth - 1))
            m.fields[1] = .string(pick(["type.googleapis.com/", "example.com/types/", "/"]) + name)
            if anyCodec == nil { anyCodec = DynamicCodec(schema: schema) }
            let bytes = anyCodec!.encode(body)
            if !bytes.isEmpty { m.fields[2] = .bytes(bytes) }
            coverage.insert(WellKnownName.any + "<" + name + ">")
        default:
            return nil
        }
        return m
    }

    /// What an Any may hold: the schema's own messages and the well-known
    /// types (another Any only above the depth limit).
    func anyCandidates(depth: Int) -> [String] {
        var names = schema.ownMessages.map(\.fullName)
        names += WellKnownName.wrappers.keys.sorted()
        names += [
            WellKnownName.timestamp, WellKnownName.duration, WellKnownName.structType, WellKnownName.value,
            WellKnownName.listValue, WellKnownName.fieldMask, WellKnownName.empty,
        ]
        if depth + 1 < maxDepth { names.append(WellKnownName.any) }
        return names
    }
}
