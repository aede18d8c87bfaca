import ProtoSchema

/// Emits `init(from:)` and `encode(to:)` speaking proto3 canonical JSON:
/// lowerCamelCase (or `json_name`) keys with the original names accepted,
/// defaults omitted, int64 as strings, enums by name, bytes as base64.
struct JSONEmitter {
    let message: MessageEmitter
    var types: TypeResolver { message.types }
    var descriptor: MessageDescriptor { message.message }

    func emit(_ w: inout CodeWriter) {
        emitDecode(&w)
        w.line()
        emitEncode(&w)
    }

    /// The `Codable` type a single value travels as, and how to unwrap/wrap it.
    func jsonForm(_ t: FieldType) -> (type: String, unwrap: String, wrap: (String) -> String) {
        switch t {
        case .scalar(let s):
            if let wrapper = s.jsonWrapper { return (wrapper, ".value", { "\(wrapper)(\($0))" }) }
            return (types.swiftType(scalar: s), "", { $0 })
        case .enumeration(let e):
            let wrapper = "ProtoJSON.EnumValue<\(types.swiftName(e))>"
            return (wrapper, ".value", { "\(wrapper)(\($0))" })
        case .message(let m):
            return (types.swiftName(m), "", { $0 })
        case .map(let k, let v):
            let value = jsonForm(v)
            let type = "ProtoJSON.MapValue<\(types.swiftType(scalar: k)), \(value.type)>"
            return (type, ".value" + (value.unwrap.isEmpty ? "" : ".mapValues(\\.value)"),
                    { "\(type)(\($0)\(value.unwrap.isEmpty ? "" : ".mapValues { \(value.wrap("$0")) }"))" })
        }
    }

    func keys(_ f: FieldDescriptor) -> String {
        var names = [f.jsonName]
        if f.name != f.jsonName { names.append(f.name) }
        return names.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    // MARK: Decoding

    func emitDecode(_ w: inout CodeWriter) {
        w.block("public init(from decoder: any Decoder) throws") { w in
            w.line("try self.init(decodingJSON: decoder, skippingTypeKey: false)")
        }
        w.line()
        w.block("public init(decodingJSON decoder: any Decoder, skippingTypeKey: Bool) throws") { w in
            w.line("self.init()")
            w.line("try ProtoJSON.checkDepth(decoder)")
            guard !descriptor.fields.isEmpty else {
                w.line("let c = try decoder.container(keyedBy: ProtoJSON.Key.self)")
                w.block("for key in c.allKeys where !(skippingTypeKey && key.stringValue == \"@type\")") { w in
                    w.line("try ProtoJSON.unknownKey(key, in: decoder, message: Self.protoMessageName)")
                }
                return
            }
            w.line("let c = try decoder.container(keyedBy: ProtoJSON.Key.self)")
            // `null` means "absent", except for a singular Value or NullValue, where it is the value.
            let nullKeys = descriptor.fields.filter { $0.label != .repeated && $0.type.acceptsJSONNull }.map(keys)
            w.block("for key in c.allKeys") { w in
                w.line("if skippingTypeKey && key.stringValue == \"@type\" { continue }")
                if nullKeys.isEmpty {
                    w.line("if try c.decodeNil(forKey: key) { continue }")
                } else {
                    w.line("if try c.decodeNil(forKey: key), ![\(nullKeys.joined(separator: ", "))].contains(key.stringValue) { continue }")
                }
                w.block("switch key.stringValue") { w in
                    for f in descriptor.fields { emitDecodeCase(f, &w) }
                    w.line("default: try ProtoJSON.unknownKey(key, in: decoder, message: Self.protoMessageName)")
                }
            }
        }
    }

    func emitDecodeCase(_ f: FieldDescriptor, _ w: inout CodeWriter) {
        let r = message.ref(f)
        w.line("case \(keys(f)):")
        w.indent { w in
            if let oi = f.oneofIndex {
                let prop = "self." + SwiftNaming.escapedMember(message.oneofProperty(oi))
                let o = descriptor.oneofs[oi]
                w.line("guard \(prop) == nil else { throw ProtoJSON.duplicateOneof(key, in: decoder, oneof: \"\(o.name)\") }")
                if case .enumeration(let e) = f.type {
                    w.block("if let v = try ProtoJSON.decodeEnum(\(types.swiftName(e)).self, from: c, forKey: key, decoder: decoder)") { w in
                        w.line("\(prop) = .\(message.oneofCase(f))(v)")
                    }
                } else {
                    let form = jsonForm(f.type)
                    w.line("\(prop) = .\(message.oneofCase(f))(try c.decode(\(form.type).self, forKey: key)\(form.unwrap))")
                }
                return
            }
            if f.label != .repeated, case .enumeration(let e) = f.type {
                w.block("if let v = try ProtoJSON.decodeEnum(\(types.swiftName(e)).self, from: c, forKey: key, decoder: decoder)") { w in
                    w.line("\(r) = v")
                }
                return
            }
            let form = jsonForm(f.type)
            if f.label == .repeated && !f.isMap {
                let unwrap = form.unwrap.isEmpty ? "" : ".map(\\\(form.unwrap))"
                w.line("\(r) = try c.decode([\(form.type)].self, forKey: key)\(unwrap)")
            } else {
                w.line("\(r) = try c.decode(\(form.type).self, forKey: key)\(form.unwrap)")
            }
        }
    }

    // MARK: Encoding

    func emitEncode(_ w: inout CodeWriter) {
        w.block("public func encode(to encoder: any Encoder) throws") { w in
            guard !descriptor.fields.isEmpty else {
                w.line("_ = encoder.container(keyedBy: ProtoJSON.Key.self)")
                return
            }
            w.line("var c = encoder.container(keyedBy: ProtoJSON.Key.self)")
            for f in descriptor.fieldsByNumber { emitEncodeField(f, &w) }
        }
    }

    func emitEncodeField(_ f: FieldDescriptor, _ w: inout CodeWriter) {
        let r = message.ref(f)
        let key = "ProtoJSON.Key(\"\(f.jsonName)\")"
        let form = jsonForm(f.type)
        if let oi = f.oneofIndex {
            let prop = "self." + SwiftNaming.escapedMember(message.oneofProperty(oi))
            w.block("if case .\(message.oneofCase(f))(let v)? = \(prop)") { w in
                w.line("try c.encode(\(form.wrap("v")), forKey: \(key))")
            }
            return
        }
        if f.isMap {
            w.block("if !\(r).isEmpty") { w in w.line("try c.encode(\(form.wrap(r)), forKey: \(key))") }
            return
        }
        switch f.label {
        case .repeated:
            let wrapped = form.unwrap.isEmpty ? r : "\(r).map { \(form.wrap("$0")) }"
            w.block("if !\(r).isEmpty") { w in w.line("try c.encode(\(wrapped), forKey: \(key))") }
        case .optional:
            w.block("if let v = \(r)") { w in w.line("try c.encode(\(form.wrap("v")), forKey: \(key))") }
        case .implicit:
            switch f.type {
            case .message:
                w.block("if let v = \(r)") { w in w.line("try c.encode(v, forKey: \(key))") }
            case .enumeration:
                w.block("if \(r).rawValue != 0") { w in w.line("try c.encode(\(form.wrap(r)), forKey: \(key))") }
            case .scalar(let s):
                w.block("if \(s.isSetCondition(r))") { w in w.line("try c.encode(\(form.wrap(r)), forKey: \(key))") }
            case .map:
                break
            }
        }
    }
}
