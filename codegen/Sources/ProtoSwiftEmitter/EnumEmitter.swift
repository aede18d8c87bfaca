import ProtoSchema

/// Emits a Swift enum for a protobuf enum: one case per distinct number
/// (aliases become static lets), plus `UNRECOGNIZED(Int32)` so numbers this
/// build does not know survive a round trip.
struct EnumEmitter {
    let types: TypeResolver
    let descriptor: EnumDescriptor

    /// Canonical cases (the first name of each number) and aliases, with their Swift names.
    static func cases(_ descriptor: EnumDescriptor) -> (canonical: [(EnumValueDescriptor, String)], aliases: [(EnumValueDescriptor, String)], caseOfNumber: [Int32: String]) {
        var canonical: [(EnumValueDescriptor, String)] = []
        var aliases: [(EnumValueDescriptor, String)] = []
        var seenNumbers: [Int32: String] = [:]
        var usedNames: Set<String> = []
        for v in descriptor.values {
            var c = SwiftNaming.enumCase(v.name, enumName: descriptor.name)
            while usedNames.contains(c) { c += "_" }
            usedNames.insert(c)
            if seenNumbers[v.number] == nil {
                seenNumbers[v.number] = c
                canonical.append((v, c))
            } else {
                aliases.append((v, c))
            }
        }
        return (canonical, aliases, seenNumbers)
    }

    func emit(_ w: inout CodeWriter) {
        let name = types.simpleName(descriptor.fullName)
        let (canonical, aliases, seenNumbers) = Self.cases(descriptor)
        w.doc(descriptor.comments.leading)
        w.block("public enum \(name): ProtoEnum") { w in
            for (v, c) in canonical {
                w.doc(v.comments.leading)
                w.line("case \(SwiftNaming.escaped(c)) // \(v.name) = \(v.number)")
            }
            w.line("/// A number this build does not know.")
            w.line("case UNRECOGNIZED(Int32)")
            for (v, c) in aliases {
                w.line()
                w.doc(v.comments.leading)
                w.line("public static let \(SwiftNaming.escaped(c)) = \(name).\(seenNumbers[v.number]!) // \(v.name) = \(v.number)")
            }
            w.line()
            w.line("public static let allCases: [\(name)] = [\(canonical.map { "." + $0.1 }.joined(separator: ", "))]")
            w.line()
            w.block("public init(rawValue: Int32)") { w in
                w.block("switch rawValue") { w in
                    for (v, c) in canonical { w.line("case \(v.number): self = .\(c)") }
                    w.line("default: self = .UNRECOGNIZED(rawValue)")
                }
            }
            w.line()
            w.block("public var rawValue: Int32") { w in
                w.block("switch self") { w in
                    for (v, c) in canonical { w.line("case .\(c): \(v.number)") }
                    w.line("case .UNRECOGNIZED(let v): v")
                }
            }
            w.line()
            w.block("public var protoName: String?") { w in
                w.block("switch self") { w in
                    for (v, c) in canonical { w.line("case .\(c): \"\(v.name)\"") }
                    w.line("case .UNRECOGNIZED: nil")
                }
            }
            w.line()
            w.block("public init?(protoName: String)") { w in
                w.block("switch protoName") { w in
                    for (v, c) in canonical { w.line("case \"\(v.name)\": self = .\(c)") }
                    for (v, _) in aliases { w.line("case \"\(v.name)\": self = .\(seenNumbers[v.number]!)") }
                    w.line("default: return nil")
                }
            }
            // NullValue's JSON form is `null`: ProtoWire writes it by hand.
            if TypeResolver.wellKnown(descriptor.fullName) == nil {
                w.line()
                w.line("public init(from decoder: any Decoder) throws { self = try Self.decodeProtoJSON(from: decoder) }")
                w.line("public func encode(to encoder: any Encoder) throws { try encodeProtoJSON(to: encoder) }")
            }
        }
    }
}
