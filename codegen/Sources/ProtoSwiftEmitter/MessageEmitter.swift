import ProtoSchema

/// Emits one message: its struct (with nested types), then its binary codec
/// and its proto3 JSON `Codable` conformance as extensions.
struct MessageEmitter {
    let types: TypeResolver
    let message: MessageDescriptor

    var swiftName: String { types.swiftName(message.fullName) }
    var boxed: Set<Int> { types.boxedFields[message.fullName] ?? [] }

    func property(_ f: FieldDescriptor) -> String { SwiftNaming.property(f) }
    /// The property as used inside the message's own methods.
    func ref(_ f: FieldDescriptor) -> String { "self." + SwiftNaming.escapedMember(property(f)) }

    func oneofType(_ index: Int) -> String {
        let base = SwiftNaming.oneofType(message.oneofs[index].name)
        let nestedNames = Set((message.nestedMessages + message.nestedEnums).map(types.simpleName))
        return nestedNames.contains(base) ? base + "Choice" : base
    }
    func oneofProperty(_ index: Int) -> String { SwiftNaming.lowerCamel(message.oneofs[index].name) }
    func oneofCase(_ f: FieldDescriptor) -> String { SwiftNaming.escaped(SwiftNaming.property(f)) }

    // MARK: Declaration

    func emitDeclaration(_ w: inout CodeWriter) {
        w.doc(message.comments.leading)
        if message.isDeprecated { w.line("/// - Note: Deprecated.") }
        w.block("public struct \(types.simpleName(message.fullName)): ProtoMessage") { w in
            w.line("public static let protoMessageName = \"\(message.fullName)\"")
            w.line()
            var emittedOneofs: Set<Int> = []
            for f in message.fields {
                if let oi = f.oneofIndex {
                    guard emittedOneofs.insert(oi).inserted else { continue }
                    let o = message.oneofs[oi]
                    w.doc(o.comments.leading)
                    w.line("public var \(SwiftNaming.escaped(oneofProperty(oi))): \(oneofType(oi))? = nil")
                    continue
                }
                w.doc(f.comments.leading)
                if f.isDeprecated { w.line("/// - Note: Deprecated.") }
                let name = SwiftNaming.escaped(property(f))
                let type = types.propertyType(f)
                if boxed.contains(f.number) {
                    w.block("public var \(name): \(type)") { w in
                        w.line("get { _\(property(f))?.value }")
                        w.line("set { _\(property(f)) = newValue.map { ProtoBox($0) } }")
                    }
                    w.line("private var _\(property(f)): ProtoBox<\(types.valueType(f.type))>? = nil")
                } else {
                    w.line("public var \(name): \(type) = \(types.defaultValue(f))")
                }
            }
            w.line("/// Fields this build does not know, kept for re-encoding.")
            w.line("public var unknownFields = UnknownFields()")
            w.line()
            w.line("public init() {}")
            for (oi, o) in message.oneofs.enumerated() {
                w.line()
                w.doc(o.comments.leading)
                let indirect = types.indirectOneofs[message.fullName]?.contains(o.name) == true
                w.block("public \(indirect ? "indirect " : "")enum \(oneofType(oi)): Hashable, Sendable") { w in
                    for n in o.fieldNumbers {
                        let f = message.field(number: n)!
                        w.doc(f.comments.leading)
                        w.line("case \(oneofCase(f))(\(types.valueType(f.type)))")
                    }
                }
            }
            for e in message.nestedEnums {
                w.line()
                EnumEmitter(types: types, descriptor: types.schema.enums[e]!).emit(&w)
            }
            for m in message.nestedMessages {
                w.line()
                MessageEmitter(types: types, message: types.schema.messages[m]!).emitDeclaration(&w)
            }
        }
    }

    /// The codec extensions of this message and of its nested messages.
    func emitExtensions(_ w: inout CodeWriter) {
        w.line()
        w.block("extension \(swiftName)") { w in
            emitDecode(&w)
            w.line()
            emitEncode(&w)
        }
        if !TypeResolver.hasOwnJSONForm(message.fullName) {
            w.line()
            w.block("extension \(swiftName)") { w in
                JSONEmitter(message: self).emit(&w)
            }
        }
        for m in message.nestedMessages {
            MessageEmitter(types: types, message: types.schema.messages[m]!).emitExtensions(&w)
        }
    }

    // MARK: Binary decoding

    func emitDecode(_ w: inout CodeWriter) {
        w.block("public mutating func decodeMessage(from reader: inout WireReader) throws(WireError)") { w in
            w.block("while !reader.isAtEnd") { w in
                w.line("let tag = try reader.readTag()")
                w.block("switch tag") { w in
                    for f in message.fieldsByNumber { emitDecodeCases(f, &w) }
                    w.line("default:")
                    w.indent { w in
                        if message.fields.isEmpty {
                            w.line("try reader.skipUnknown(tag, into: &self.unknownFields)")
                        } else {
                            w.block("switch tag >> 3") { w in
                                let numbers = message.fieldsByNumber.map { String($0.number) }.joined(separator: ", ")
                                w.line("case \(numbers): throw reader.wrongWireType(tag)")
                                w.line("default: try reader.skipUnknown(tag, into: &self.unknownFields)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Statements that read one value of `type` into a new local `name`.
    func readValue(_ type: FieldType, into name: String, merging existing: String? = nil, _ w: inout CodeWriter) {
        switch type {
        case .scalar(let s):
            w.line("let \(name) = try reader.read\(s.codecSuffix)()")
        case .enumeration(let e):
            w.line("let \(name) = \(types.swiftName(e))(rawValue: try reader.readEnum())")
        case .message(let m):
            w.line("var \(name) = \(existing.map { "\($0) ?? " } ?? "")\(types.swiftName(m))()")
            w.line("let end\(name) = try reader.enterNested()")
            w.line("try \(name).decodeMessage(from: &reader)")
            w.line("reader.leaveNested(end\(name))")
        case .map:
            fatalError("a map value cannot be a map")
        }
    }

    func emitDecodeCases(_ f: FieldDescriptor, _ w: inout CodeWriter) {
        let r = ref(f)
        switch (f.type, f.label) {
        case (.map(let k, let v), _):
            w.line("case \(tagLiteral(f.number, 2)):")
            w.indent { w in
                w.line("let end = try reader.enterNested()")
                w.line("var key: \(types.swiftType(scalar: k)) = \(k == .string ? "\"\"" : k == .bool ? "false" : "0")")
                if case .message(let m) = v {
                    w.line("var value: \(types.swiftName(m))? = nil")
                } else {
                    w.line("var value: \(types.valueType(v)) = \(types.defaultValue(FieldDescriptor(name: "", number: 0, label: .implicit, type: v, jsonName: "", location: f.location)))")
                }
                w.block("while !reader.isAtEnd") { w in
                    w.line("let entryTag = try reader.readTag()")
                    w.block("switch entryTag") { w in
                        w.line("case \(tagLiteral(1, k.wireType)): key = try reader.read\(k.codecSuffix)()")
                        w.line("case \(tagLiteral(2, wireType(v))):")
                        w.indent { w in
                            readValue(v, into: "v", merging: v.isMessage ? "value" : nil, &w)
                            w.line("value = v")
                        }
                        w.line("case 0x08...0x17: throw reader.wrongWireType(entryTag)")
                        w.line("default: try reader.skipValue(entryTag)")
                    }
                }
                w.line("reader.leaveNested(end)")
                w.line("\(r)[key] = value\(v.isMessage ? " ?? \(types.valueType(v))()" : "")")
            }
        case (.scalar(let s), .repeated) where s.isPackable:
            emitPackedCases(f, readExpr: "try reader.read\(s.codecSuffix)()", wireType: s.wireType, width: s.fixedWidth, &w)
        case (.enumeration(let e), .repeated):
            emitPackedCases(f, readExpr: "\(types.swiftName(e))(rawValue: try reader.readEnum())", wireType: 0, width: nil, &w)
        case (.message(let m), .repeated):
            // Decoded in place: large messages are never copied after decoding.
            w.line("case \(tagLiteral(f.number, 2)):")
            w.indent { w in
                w.line("let end = try reader.enterNested()")
                w.line("\(r).append(\(types.swiftName(m))())")
                w.line("try \(r)[\(r).count - 1].decodeMessage(from: &reader)")
                w.line("reader.leaveNested(end)")
            }
        case (_, .repeated):
            w.line("case \(tagLiteral(f.number, wireType(f.type))):")
            w.indent { w in
                readValue(f.type, into: "v", &w)
                w.line("\(r).append(v)")
            }
        case (_, _) where f.oneofIndex != nil:
            let prop = "self." + SwiftNaming.escapedMember(oneofProperty(f.oneofIndex!))
            w.line("case \(tagLiteral(f.number, wireType(f.type))):")
            w.indent { w in
                if case .message(let m) = f.type {
                    w.line("var v: \(types.swiftName(m))")
                    w.line("if case .\(oneofCase(f))(let existing)? = \(prop) { v = existing } else { v = \(types.swiftName(m))() }")
                    w.line("let end = try reader.enterNested()")
                    w.line("try v.decodeMessage(from: &reader)")
                    w.line("reader.leaveNested(end)")
                } else {
                    readValue(f.type, into: "v", &w)
                }
                w.line("\(prop) = .\(oneofCase(f))(v)")
            }
        case (.message(let m), _) where !boxed.contains(f.number):
            // Decoded in place (a repeated occurrence merges into the first).
            w.line("case \(tagLiteral(f.number, 2)):")
            w.indent { w in
                w.line("let end = try reader.enterNested()")
                w.line("if \(r) == nil { \(r) = \(types.swiftName(m))() }")
                w.line("try \(r)!.decodeMessage(from: &reader)")
                w.line("reader.leaveNested(end)")
            }
        case (.message, _):
            w.line("case \(tagLiteral(f.number, 2)):")
            w.indent { w in
                readValue(f.type, into: "v", merging: r, &w)
                w.line("\(r) = v")
            }
        case (.scalar(let s), _):
            w.line("case \(tagLiteral(f.number, s.wireType)): \(r) = try reader.read\(s.codecSuffix)()")
        case (.enumeration(let e), _):
            w.line("case \(tagLiteral(f.number, 0)): \(r) = \(types.swiftName(e))(rawValue: try reader.readEnum())")
        }
    }

    /// A packable repeated field accepts both the packed and the unpacked form.
    func emitPackedCases(_ f: FieldDescriptor, readExpr: String, wireType: UInt8, width: Int?, _ w: inout CodeWriter) {
        let r = ref(f)
        w.line("case \(tagLiteral(f.number, 2)):")
        w.indent { w in
            w.line("let end = try reader.enterPacked()")
            if let width {
                w.line("try reader.checkPackedWidth(\(width), tag: tag)")
                w.line("\(r).reserveCapacity(\(r).count + reader.bytesRemaining / \(width))")
            }
            w.line("while !reader.isAtEnd { \(r).append(\(readExpr)) }")
            w.line("reader.leavePacked(end)")
        }
        w.line("case \(tagLiteral(f.number, wireType)): \(r).append(\(readExpr))")
    }

    func wireType(_ t: FieldType) -> UInt8 {
        switch t {
        case .scalar(let s): s.wireType
        case .enumeration: 0
        case .message, .map: 2
        }
    }

    // MARK: Binary encoding (back to front: last field first)

    func emitEncode(_ w: inout CodeWriter) {
        w.block("public func encodeMessage(to writer: inout WireWriter)") { w in
            w.line("writer.writeUnknown(self.unknownFields)")
            for f in message.fieldsByNumber.reversed() { emitEncodeField(f, &w) }
        }
    }

    /// Statements writing `value` (an expression of `type`) with its tag.
    func writeValue(_ type: FieldType, _ value: String, number: Int, _ w: inout CodeWriter) {
        switch type {
        case .scalar(let s):
            w.line("writer.write\(s.codecSuffix)(\(value))")
            w.line("writer.writeTag(\(tagLiteral(number, s.wireType)))")
        case .enumeration:
            w.line("writer.writeEnum(\(value).rawValue)")
            w.line("writer.writeTag(\(tagLiteral(number, 0)))")
        case .message:
            w.line("let mark\(number) = writer.count")
            w.line("\(value).encodeMessage(to: &writer)")
            w.line("writer.writeLength(since: mark\(number))")
            w.line("writer.writeTag(\(tagLiteral(number, 2)))")
        case .map:
            fatalError("a map value cannot be a map")
        }
    }

    func emitEncodeField(_ f: FieldDescriptor, _ w: inout CodeWriter) {
        let r = ref(f)
        switch (f.type, f.label) {
        case (.map(let k, let v), _):
            w.block("if !\(r).isEmpty") { w in
                w.block("for key in \(r).protoSortedKeys.reversed()") { w in
                    w.line("let mark = writer.count")
                    writeValue(v, "\(r)[key]!", number: 2, &w)
                    writeValue(.scalar(k), "key", number: 1, &w)
                    w.line("writer.writeLength(since: mark)")
                    w.line("writer.writeTag(\(tagLiteral(f.number, 2)))")
                }
            }
        case (_, .repeated) where f.isPacked:
            let write: String
            switch f.type {
            case .scalar(let s): write = "writer.write\(s.codecSuffix)(v)"
            default: write = "writer.writeEnum(v.rawValue)"
            }
            w.block("if !\(r).isEmpty") { w in
                w.line("let mark = writer.count")
                w.line("for v in \(r).reversed() { \(write) }")
                w.line("writer.writeLength(since: mark)")
                w.line("writer.writeTag(\(tagLiteral(f.number, 2)))")
            }
        case (_, .repeated):
            w.block("for v in \(r).reversed()") { w in writeValue(f.type, "v", number: f.number, &w) }
        case (_, _) where f.oneofIndex != nil:
            let prop = "self." + SwiftNaming.escapedMember(oneofProperty(f.oneofIndex!))
            w.block("if case .\(oneofCase(f))(let v)? = \(prop)") { w in writeValue(f.type, "v", number: f.number, &w) }
        case (.message, _), (_, .optional):
            w.block("if let v = \(r)") { w in writeValue(f.type, "v", number: f.number, &w) }
        case (.scalar(let s), _):
            w.block("if \(s.isSetCondition(r))") { w in writeValue(f.type, r, number: f.number, &w) }
        case (.enumeration, _):
            w.block("if \(r).rawValue != 0") { w in writeValue(f.type, r, number: f.number, &w) }
        }
    }
}

extension SwiftNaming {
    /// A member name after `self.` (keywords need no backticks there, except a few).
    static func escapedMember(_ name: String) -> String {
        ["self", "Type", "init"].contains(name) ? "`\(name)`" : name
    }
}
