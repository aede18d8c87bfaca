/// The proto3 rules checked on each element once its types are resolved.
enum Validator {
    static let maxFieldNumber = 536_870_911
    static let implementationReserved = 19000...19999

    /// The element an option list belongs to.
    enum OptionContext: String {
        case file, message, field, oneof, enumeration = "enum", enumValue = "enum value", service, method = "rpc"

        /// Names of `google.protobuf.*Options` fields (plus `json_name`/`default` for fields).
        var knownNames: Set<String> {
            switch self {
            case .file:
                [
                    "java_package", "java_outer_classname", "java_multiple_files", "java_generate_equals_and_hash",
                    "java_string_check_utf8", "optimize_for", "go_package", "cc_generic_services",
                    "java_generic_services", "py_generic_services", "php_generic_services", "deprecated",
                    "cc_enable_arenas", "objc_class_prefix", "csharp_namespace", "swift_prefix", "php_class_prefix",
                    "php_namespace", "php_metadata_namespace", "ruby_package", "features",
                ]
            case .message:
                [
                    "message_set_wire_format", "no_standard_descriptor_accessor", "deprecated", "map_entry",
                    "deprecated_legacy_json_field_conflicts", "features",
                ]
            case .field:
                [
                    "ctype", "packed", "jstype", "lazy", "unverified_lazy", "deprecated", "weak", "debug_redact",
                    "retention", "targets", "edition_defaults", "features", "feature_support", "json_name", "default",
                ]
            case .oneof: ["features"]
            case .enumeration: ["allow_alias", "deprecated", "deprecated_legacy_json_field_conflicts", "features"]
            case .enumValue: ["deprecated", "features", "debug_redact", "feature_support"]
            case .service: ["deprecated", "features"]
            case .method: ["deprecated", "idempotency_level", "features"]
            }
        }
    }

    static let booleanOptions: Set<String> = [
        "deprecated", "packed", "allow_alias", "java_multiple_files", "cc_enable_arenas", "map_entry", "lazy",
        "weak", "debug_redact", "java_string_check_utf8", "cc_generic_services", "java_generic_services",
        "py_generic_services", "php_generic_services", "message_set_wire_format", "no_standard_descriptor_accessor",
        "unverified_lazy", "java_generate_equals_and_hash", "deprecated_legacy_json_field_conflicts",
    ]

    /// True when `name` is set to `true`.
    static func flag(_ name: String, in options: [OptionValue]) -> Bool { options.named(name)?.value == "true" }

    /// Unknown built-in option names, repeated options, non-boolean flags.
    static func checkOptions(_ options: [OptionValue], context: OptionContext, errors: inout ErrorSink) {
        var seen: Set<String> = []
        for o in options {
            if !seen.insert(o.name).inserted {
                errors.add(o.location, "option \"\(o.name)\" is set more than once")
            }
            if o.name.hasPrefix("(") { continue }  // custom option
            let head = o.name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? o.name
            if !context.knownNames.contains(head) {
                errors.add(o.location, "unknown \(context.rawValue) option \"\(o.name)\"")
            } else if booleanOptions.contains(o.name), o.value != "true", o.value != "false" {
                errors.add(o.location, "option \"\(o.name)\" must be true or false, not \"\(o.value)\"")
            }
        }
    }

    // MARK: - Messages

    static func check(message ast: ASTMessage, _ m: MessageDescriptor, errors: inout ErrorSink) {
        checkOptions(ast.options, context: .message, errors: &errors)
        if let entry = ast.options.named("map_entry") {
            errors.add(entry.location, "map_entry must not be set explicitly: use map<KeyType, ValueType> instead")
        }
        for o in ast.oneofs { checkOptions(o.options, context: .oneof, errors: &errors) }
        checkReserved(ast.reserved, min: 1, max: maxFieldNumber, what: "field", errors: &errors)

        var numbers: [Int: String] = [:]
        var jsonNames: [String: (field: String, explicit: Bool)] = [:]
        for (f, d) in zip(ast.fields, m.fields) {
            checkOptions(f.options, context: .field, errors: &errors)
            checkFieldNumber(f, errors: &errors)
            if let other = numbers[f.number] {
                errors.add(f.numberLocation, "field number \(f.number) of \"\(f.name)\" is already used by field \"\(other)\"")
            } else {
                numbers[f.number] = f.name
            }
            if let r = ast.reserved.ranges.first(where: { $0.contains(f.number) }) {
                let range = r.lower == r.upper ? "\(r.lower)" : "\(r.lower) to \(r.upper)"
                errors.add(f.numberLocation, "field number \(f.number) of \"\(f.name)\" is reserved (reserved \(range))")
            }
            if ast.reserved.names.contains(where: { $0.name == f.name }) {
                errors.add(f.nameLocation, "field name \"\(f.name)\" is reserved")
            }
            if d.isMap, f.label != .none {
                let word = f.label == .repeated ? "repeated" : f.label == .optional ? "optional" : "required"
                errors.add(
                    f.labelLocation ?? f.location,
                    "map fields cannot be \(word): a map is already repeated; remove \"\(word)\"")
            }
            if let json = f.options.named("json_name") {
                if json.value.isEmpty { errors.add(json.location, "json_name must not be empty") }
            }
            if let def = f.options.named("default") {
                errors.add(def.location, "explicit default values are not allowed in proto3")
            }
            if let packed = f.options.named("packed"), !isPackable(d) {
                errors.add(
                    packed.location,
                    "[packed = \(packed.value)] is only allowed on repeated scalar numeric, bool or enum fields, not on \"\(f.name)\"")
            }
            if let other = jsonNames[d.jsonName], other.field != f.name {  // same name: reported as a duplicate
                let mine = d.hasExplicitJSONName ? "custom" : "default"
                let theirs = other.explicit ? "custom" : "default"
                errors.add(
                    d.hasExplicitJSONName ? f.options.named("json_name")!.location : f.nameLocation,
                    "the \(mine) JSON name \"\(d.jsonName)\" of field \"\(f.name)\" conflicts with the \(theirs) JSON name of field \"\(other.field)\"")
            } else {
                jsonNames[d.jsonName] = (f.name, d.hasExplicitJSONName)
            }
        }
    }

    private static func isPackable(_ f: FieldDescriptor) -> Bool {
        guard f.label == .repeated else { return false }
        switch f.type {
        case .scalar(let s): return s.isPackable
        case .enumeration: return true
        case .message, .map: return false
        }
    }

    private static func checkFieldNumber(_ f: ASTField, errors: inout ErrorSink) {
        if f.number < 1 {
            errors.add(f.numberLocation, "field number \(f.number) of \"\(f.name)\" must be positive (1 to \(maxFieldNumber))")
        } else if f.number > maxFieldNumber {
            errors.add(f.numberLocation, "field number \(f.number) of \"\(f.name)\" exceeds the maximum \(maxFieldNumber)")
        } else if implementationReserved.contains(f.number) {
            errors.add(
                f.numberLocation,
                "field number \(f.number) of \"\(f.name)\" is in 19000 to 19999, reserved for the protobuf implementation")
        }
    }

    /// Bounds and overlaps of `reserved` ranges.
    private static func checkReserved(_ r: ASTReserved, min: Int, max: Int, what: String, errors: inout ErrorSink) {
        for (i, range) in r.ranges.enumerated() {
            if range.lower > range.upper {
                errors.add(range.location, "reserved range \(range.lower) to \(range.upper) is empty: the end is below the start")
                continue
            }
            if range.lower < min || range.upper > max {
                errors.add(range.location, "reserved \(what) numbers must be between \(min) and \(max)")
                continue
            }
            if let other = r.ranges[..<i].first(where: { $0.lower <= range.upper && range.lower <= $0.upper }) {
                errors.add(
                    range.location,
                    "reserved range \(range.lower) to \(range.upper) overlaps the reserved range \(other.lower) to \(other.upper)")
            }
        }
        var names: Set<String> = []
        for n in r.names where !names.insert(n.name).inserted {
            errors.add(n.location, "name \"\(n.name)\" is reserved more than once")
        }
    }

    // MARK: - Enums

    static func check(enum ast: ASTEnum, _ e: EnumDescriptor, errors: inout ErrorSink) {
        checkOptions(ast.options, context: .enumeration, errors: &errors)
        checkReserved(ast.reserved, min: Int(Int32.min), max: Int(Int32.max), what: "enum value", errors: &errors)
        guard let first = ast.values.first else {
            errors.add(ast.location, "enum \"\(ast.name)\" must have at least one value")
            return
        }
        if first.number != 0 {
            errors.add(
                first.numberLocation,
                "the first value of enum \"\(ast.name)\" must be zero in proto3 (\"\(first.name)\" is \(first.number))")
        }
        var numbers: [Int: String] = [:]
        var hasAlias = false
        for v in ast.values {
            checkOptions(v.options, context: .enumValue, errors: &errors)
            if v.number < Int(Int32.min) || v.number > Int(Int32.max) {
                errors.add(v.numberLocation, "enum value \"\(v.name)\" = \(v.number) is out of the int32 range")
            }
            if let other = numbers[v.number] {
                hasAlias = true
                if !e.allowAlias {
                    errors.add(
                        v.numberLocation,
                        "enum value \"\(v.name)\" reuses number \(v.number) of \"\(other)\"; set option allow_alias = true to allow aliases")
                }
            } else {
                numbers[v.number] = v.name
            }
            if let r = ast.reserved.ranges.first(where: { $0.contains(v.number) }) {
                let range = r.lower == r.upper ? "\(r.lower)" : "\(r.lower) to \(r.upper)"
                errors.add(v.numberLocation, "enum value \"\(v.name)\" uses reserved number \(v.number) (reserved \(range))")
            }
            if ast.reserved.names.contains(where: { $0.name == v.name }) {
                errors.add(v.location, "enum value name \"\(v.name)\" is reserved")
            }
        }
        if e.allowAlias, !hasAlias, let option = ast.options.named("allow_alias") {
            errors.add(
                option.location,
                "enum \"\(ast.name)\" sets allow_alias = true but has no aliases (no two values share a number)")
        }
    }
}
