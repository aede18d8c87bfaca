/// How a field's type, cardinality and oneof membership may change, and who
/// each change breaks. Pure functions over descriptors; `BreakingChecker`
/// turns their answers into `BreakingChange`s.
enum FieldCompatibility {
    /// The value a field holds, as both JSON and the generated Swift see it:
    /// two types with the same domain print the same JSON and have the same Swift type.
    enum Domain: Hashable {
        case int32, uint32, int64, uint64, bool, float, double, string, bytes
        case enumeration(String)
        case message(String)
    }

    static func domain(_ s: ScalarType) -> Domain {
        switch s {
        case .int32, .sint32, .sfixed32: .int32
        case .uint32, .fixed32: .uint32
        case .int64, .sint64, .sfixed64: .int64
        case .uint64, .fixed64: .uint64
        case .bool: .bool
        case .float: .float
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        }
    }

    /// The domain of a single value (never called with a map).
    static func domain(_ t: FieldType) -> Domain {
        switch t {
        case .scalar(let s): domain(s)
        case .enumeration(let n): .enumeration(n)
        case .message(let n): .message(n)
        case .map(_, let v): domain(v)
        }
    }

    /// Scalars whose encodings read each other (values that do not fit are cast).
    private static let wireGroups: [Set<ScalarType>] = [
        [.int32, .int64, .uint32, .uint64, .bool], [.sint32, .sint64], [.fixed32, .sfixed32], [.fixed64, .sfixed64],
    ]

    /// The integer types an enum's varint reads as, and back.
    private static let enumCompatible: Set<ScalarType> = [.int32, .int64, .uint32, .uint64]

    /// True when data written as `old` parses as `new` (single values, not maps).
    static func wireCompatible(_ old: FieldType, _ new: FieldType) -> Bool {
        switch (old, new) {
        case (.scalar(let a), .scalar(let b)):
            if a == b { return true }
            // string to bytes always reads; bytes to string only when the bytes happen to be UTF-8.
            if a == .string && b == .bytes { return true }
            return wireGroups.contains { $0.contains(a) && $0.contains(b) }
        case (.enumeration, .enumeration):
            return true
        case (.enumeration, .scalar(let s)), (.scalar(let s), .enumeration):
            return enumCompatible.contains(s)
        case (.message(let a), .message(let b)):
            return a == b
        default:
            return false
        }
    }

    /// Who a type change breaks; empty when the type is the same.
    /// Maps compare key with key and value with value; a map against a non-map
    /// is a cardinality change, not a type change (see `cardinalityChange`).
    static func typeChange(_ old: FieldType, _ new: FieldType) -> Set<BreakClass> {
        if old == new { return [] }
        var wireOK: Bool
        var sameDomain: Bool
        switch (old, new) {
        case (.map(let k1, let v1), .map(let k2, let v2)):
            wireOK = wireCompatible(.scalar(k1), .scalar(k2)) && wireCompatible(v1, v2)
            sameDomain = domain(k1) == domain(k2) && domain(v1) == domain(v2)
        case (.map, _), (_, .map):
            return []
        default:
            wireOK = wireCompatible(old, new)
            sameDomain = domain(old) == domain(new)
        }
        // Any change involving a message type is treated as breaking everyone.
        if isOrHoldsMessage(old) || isOrHoldsMessage(new) {
            wireOK = false
            sameDomain = false
        }
        var classes: Set<BreakClass> = []
        if !wireOK { classes.insert(.wire) }
        if !sameDomain { classes.formUnion([.json, .source]) }
        return classes
    }

    private static func isOrHoldsMessage(_ t: FieldType) -> Bool {
        switch t {
        case .message: true
        case .map(_, let v): isOrHoldsMessage(v)
        default: false
        }
    }

    /// `int32`, `protection.v1.Money`, `map<string, int64>`.
    static func describe(_ t: FieldType) -> String {
        switch t {
        case .scalar(let s): s.rawValue
        case .message(let n), .enumeration(let n): n
        case .map(let k, let v): "map<\(k.rawValue), \(describe(v))>"
        }
    }

    // MARK: Cardinality

    enum Cardinality: String {
        case implicit, optional, repeated, map
    }

    /// Message fields have presence either way, so `implicit` and `optional` are the same for them.
    static func cardinality(_ f: FieldDescriptor) -> Cardinality {
        if f.isMap { return .map }
        switch f.label {
        case .repeated: return .repeated
        case .optional: return .optional
        case .implicit:
            if case .message = f.type { return .optional }
            return .implicit
        }
    }

    /// Who a cardinality change breaks, with a reason; nil when unchanged.
    static func cardinalityChange(
        old: FieldDescriptor, new: FieldDescriptor, oldSchema: Schema, newSchema: Schema
    ) -> (classes: Set<BreakClass>, reason: String)? {
        let a = cardinality(old)
        let b = cardinality(new)
        if a == b { return nil }
        // A singular field turning into a message (or back) gains (or loses) presence with its type:
        // the type change says it all.
        if a != .repeated && a != .map && b != .repeated && b != .map && (isMessage(old.type) || isMessage(new.type)) {
            return nil
        }
        let reason = "cardinality changed from \(a.rawValue) to \(b.rawValue)"
        switch (a, b) {
        case (.implicit, .optional), (.optional, .implicit):
            return ([.source], reason + " (presence changes in Swift only)")
        case (.map, .repeated):
            return mapAgainstEntries(map: old, entries: new, in: newSchema, reason: reason)
        case (.repeated, .map):
            return mapAgainstEntries(map: new, entries: old, in: oldSchema, reason: reason)
        case (.map, _), (_, .map):
            return ([.wire, .json, .source], reason)
        default:
            // Singular against repeated: one side reads the other's data.
            let repeatedSide = a == .repeated ? old : new
            if repeatedSide.isPacked && isPackable(repeatedSide.type) {
                return ([.wire, .json, .source], reason + " (packed data does not read as a single value)")
            }
            return ([.json, .source], reason)
        }
    }

    private static func isMessage(_ t: FieldType) -> Bool {
        if case .message = t { true } else { false }
    }

    private static func isPackable(_ t: FieldType) -> Bool {
        switch t {
        case .scalar(let s): s.isPackable
        case .enumeration: true
        default: false
        }
    }

    /// A map is a repeated entry message (key = 1, value = 2) on the wire.
    private static func mapAgainstEntries(
        map: FieldDescriptor, entries: FieldDescriptor, in schema: Schema, reason: String
    ) -> (classes: Set<BreakClass>, reason: String) {
        guard case .map(let key, let value) = map.type, case .message(let name) = entries.type,
            let entry = schema.messages[name], entry.fields.count == 2,
            let k = entry.field(number: 1), let v = entry.field(number: 2),
            k.type == .scalar(key), v.type == value, k.label != .repeated, v.label != .repeated
        else { return ([.wire, .json, .source], reason) }
        return ([.json, .source], reason + " (\(name) has the map entry's shape)")
    }

    // MARK: Oneofs

    /// The oneof a field belongs to in its message, by name.
    static func oneofName(_ f: FieldDescriptor, in m: MessageDescriptor) -> String? {
        guard let i = f.oneofIndex, m.oneofs.indices.contains(i) else { return nil }
        return m.oneofs[i].name
    }

    /// Who moving `new` (formerly `old`) between oneofs breaks; nil when its oneof is the same.
    /// Joining a oneof next to a field that was not in the same oneof before is unsafe on every
    /// encoding: binary data setting both keeps only the last, JSON setting both is rejected.
    static func oneofChange(
        old: FieldDescriptor, oldMessage: MessageDescriptor, new: FieldDescriptor, newMessage: MessageDescriptor
    ) -> (classes: Set<BreakClass>, reason: String)? {
        let was = oneofName(old, in: oldMessage)
        let now = oneofName(new, in: newMessage)
        if was == now { return nil }
        let reason: String
        switch (was, now) {
        case (nil, let n?): reason = "moved into oneof \(n)"
        case (let w?, nil): reason = "moved out of oneof \(w)"
        default: reason = "moved from oneof \(was!) to oneof \(now!)"
        }
        guard let newIndex = new.oneofIndex, newMessage.oneofs.indices.contains(newIndex) else {
            return ([.source], reason)
        }
        let formerSiblings: Set<Int> = {
            guard let i = old.oneofIndex, oldMessage.oneofs.indices.contains(i) else { return [] }
            return Set(oldMessage.oneofs[i].fieldNumbers)
        }()
        let clashes = newMessage.oneofs[newIndex].fieldNumbers.filter { n in
            n != new.number && !formerSiblings.contains(n) && oldMessage.field(number: n) != nil
        }
        if let first = clashes.first, let other = newMessage.field(number: first) {
            return ([.wire, .json, .source], reason + " alongside existing field \(other.name)")
        }
        return ([.source], reason)
    }
}
