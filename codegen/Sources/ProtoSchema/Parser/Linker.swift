/// Turns parsed files into a `Schema`: defines every symbol, resolves type
/// references with protobuf scoping rules and import visibility, builds the
/// public descriptors and runs `Validator` on each element.
struct Linker {
    private let files: [ASTFile]
    private let fileIndex: [String: Int]
    private var table = SymbolTable()
    private var errors = ErrorSink()
    private var views: [String: FileView] = [:]
    private var publicClosures: [String: Set<String>] = [:]
    private var schema = Schema()

    private init(files: [ASTFile]) {
        self.files = files.sorted { $0.path < $1.path }
        var index: [String: Int] = [:]
        for (i, f) in self.files.enumerated() { index[f.path] = i }
        self.fileIndex = index
    }

    /// Links `files` (each import must name one of them; missing imports are
    /// skipped here and reported by the loader).
    static func link(_ files: [ASTFile]) -> (schema: Schema, errors: [SchemaError]) {
        var linker = Linker(files: files)
        for f in linker.files { linker.defineSymbols(of: f) }
        for f in linker.files { linker.views[f.path] = linker.makeView(of: f) }
        for f in linker.files { linker.build(f) }
        return (linker.schema, linker.errors.errors)
    }

    // MARK: - Symbols

    private mutating func defineSymbols(of file: ASTFile) {
        if let loc = file.packageLocation {
            table.definePackage(file.package, file: file.path, location: loc, errors: &errors)
        }
        var entries: [(name: String, kind: Symbol.Kind, location: SourceLocation)] = []
        func add(_ name: String, _ kind: Symbol.Kind, _ loc: SourceLocation) { entries.append((name, kind, loc)) }
        func visit(_ e: ASTEnum, scope: String) {
            add(Self.join(scope, e.name), .enumeration, e.nameLocation)
            for v in e.values { add(Self.join(scope, v.name), .enumValue, v.location) }
        }
        func visit(_ m: ASTMessage, scope: String) {
            let full = Self.join(scope, m.name)
            add(full, .message, m.nameLocation)
            for f in m.fields { add(full + "." + f.name, .field, f.nameLocation) }
            for o in m.oneofs { add(full + "." + o.name, .oneof, o.nameLocation) }
            for n in m.messages { visit(n, scope: full) }
            for e in m.enums { visit(e, scope: full) }
        }
        for m in file.messages { visit(m, scope: file.package) }
        for e in file.enums { visit(e, scope: file.package) }
        for s in file.services {
            let full = Self.join(file.package, s.name)
            add(full, .service, s.nameLocation)
            for m in s.methods { add(full + "." + m.name, .method, m.nameLocation) }
        }
        // Declaration order, so a clash is reported at the later declaration.
        entries.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        for e in entries { table.define(e.name, kind: e.kind, file: file.path, location: e.location, errors: &errors) }
    }

    static func join(_ scope: String, _ name: String) -> String { scope.isEmpty ? name : scope + "." + name }

    // MARK: - Visibility

    private mutating func makeView(of file: ASTFile) -> FileView {
        var visible: Set<String> = [file.path]
        for imp in file.imports where fileIndex[imp.path] != nil {
            visible.insert(imp.path)
            visible.formUnion(publicClosure(of: imp.path, visiting: []))
        }
        let packages = Set(visible.compactMap { path -> String? in
            let p = files[fileIndex[path]!].package
            return p.isEmpty ? nil : p
        })
        return FileView(file: file.path, visibleFiles: visible, packages: packages)
    }

    /// Files reachable from `path` through `import public` only.
    private mutating func publicClosure(of path: String, visiting: Set<String>) -> Set<String> {
        if let done = publicClosures[path] { return done }
        guard let i = fileIndex[path], !visiting.contains(path) else { return [] }
        var result: Set<String> = []
        for imp in files[i].imports where imp.isPublic && fileIndex[imp.path] != nil {
            result.insert(imp.path)
            result.formUnion(publicClosure(of: imp.path, visiting: visiting.union([path])))
        }
        publicClosures[path] = result
        return result
    }

    // MARK: - Building

    private mutating func build(_ file: ASTFile) {
        let view = views[file.path]!
        var proto = ProtoFile(
            path: file.path, source: file.source, syntax: file.syntax.isEmpty ? "proto3" : file.syntax,
            package: file.package, imports: file.imports, options: file.options, comments: file.comments)
        Validator.checkOptions(file.options, context: .file, errors: &errors)
        for m in file.messages { proto.messages.append(buildMessage(m, scope: file.package, view: view)) }
        for e in file.enums { proto.enums.append(buildEnum(e, scope: file.package, file: file.path)) }
        for s in file.services { proto.services.append(buildService(s, package: file.package, view: view)) }
        schema.files.append(proto)
    }

    private mutating func register(_ fullName: String, file: String) {
        if schema.fileOfElement[fullName] == nil { schema.fileOfElement[fullName] = file }
    }

    private mutating func buildMessage(_ ast: ASTMessage, scope: String, view: FileView) -> String {
        let full = Self.join(scope, ast.name)
        var m = MessageDescriptor(
            name: ast.name, fullName: full, reservedRanges: ast.reserved.ranges,
            reservedNames: ast.reserved.names.map(\.name), isDeprecated: Validator.flag("deprecated", in: ast.options),
            options: ast.options, comments: ast.comments, location: ast.location)
        m.fields = ast.fields.map { buildField($0, message: full, view: view) }
        m.oneofs = ast.oneofs.enumerated().map { i, o in
            OneofDescriptor(
                name: o.name, fieldNumbers: m.fields.filter { $0.oneofIndex == i }.map(\.number), options: o.options,
                comments: o.comments, location: o.location)
        }
        m.nestedMessages = ast.messages.map { buildMessage($0, scope: full, view: view) }
        m.nestedEnums = ast.enums.map { buildEnum($0, scope: full, file: view.file) }
        Validator.check(message: ast, m, errors: &errors)
        if schema.messages[full] == nil { schema.messages[full] = m }
        register(full, file: view.file)
        return full
    }

    private mutating func buildField(_ ast: ASTField, message: String, view: FileView) -> FieldDescriptor {
        let relative = message + "." + ast.name
        let type: FieldType
        switch ast.type {
        case .named(let ref):
            type = resolveFieldType(ref, relativeTo: relative, view: view)
        case .map(let keyRef, let valueRef):
            let value = resolveFieldType(valueRef, relativeTo: relative, view: view)
            var key = ScalarType.string
            if let k = keyRef.scalar, k.isValidMapKey {
                key = k
            } else {
                var kind = keyRef.scalar.map { "\($0.rawValue)" } ?? "a message or enum"
                if keyRef.scalar == nil {
                    let r = table.resolve(keyRef.name, relativeTo: relative, in: view, typesOnly: true)
                    if r.symbol?.kind == .enumeration { kind = "an enum" } else if r.symbol?.kind == .message { kind = "a message" }
                }
                errors.add(
                    keyRef.location,
                    "invalid map key type \"\(keyRef.name)\" (\(kind)): map keys must be an integral type, bool or string")
            }
            type = .map(key: key, value: value)
        }
        let label: FieldLabel
        if case .map = type {
            label = .repeated
        } else {
            switch ast.label {
            case .none, .required: label = .implicit
            case .optional: label = .optional
            case .repeated: label = .repeated
            }
        }
        let explicitJSON = ast.options.named("json_name")
        var packed = false
        if label == .repeated {
            switch type {
            case .scalar(let s): packed = s.isPackable
            case .enumeration: packed = true
            case .message, .map: packed = false
            }
            if let p = ast.options.named("packed"), packed { packed = p.value == "true" }
        }
        return FieldDescriptor(
            name: ast.name, number: ast.number, label: label, type: type,
            jsonName: explicitJSON?.value ?? Self.jsonName(ast.name), hasExplicitJSONName: explicitJSON != nil,
            oneofIndex: ast.oneofIndex, isPacked: packed, isDeprecated: Validator.flag("deprecated", in: ast.options),
            options: ast.options, comments: ast.comments, location: ast.location)
    }

    private mutating func resolveFieldType(_ ref: ASTTypeRef, relativeTo: String, view: FileView) -> FieldType {
        if let s = ref.scalar { return .scalar(s) }
        guard let (full, symbol) = resolveType(ref, relativeTo: relativeTo, view: view) else { return .scalar(.int32) }
        switch symbol.kind {
        case .message: return .message(full)
        case .enumeration: return .enumeration(full)
        default:
            errors.add(ref.location, "\"\(ref.name)\" is not a message or enum type (it is a \(symbol.kind.noun))")
            return .scalar(.int32)
        }
    }

    /// Resolves a type name, reporting `unknown type` (with the reason) when it fails.
    private mutating func resolveType(_ ref: ASTTypeRef, relativeTo: String, view: FileView) -> (String, Symbol)? {
        let r = table.resolve(ref.name, relativeTo: relativeTo, in: view, typesOnly: true)
        if let full = r.fullName, let symbol = r.symbol { return (full, symbol) }
        var message = "unknown type \"\(ref.name)\""
        if let hidden = r.hiddenIn, hidden.file != view.file {
            message += ": \"\(hidden.fullName)\" is defined in \"\(hidden.file)\", which is not imported"
        } else if let partial = r.partialMatch {
            message +=
                ": it resolves to \"\(partial)\", which is not defined (the innermost scope is searched first;"
                + " use a leading \".\" for a fully-qualified name)"
        }
        errors.add(ref.location, message)
        return nil
    }

    private mutating func buildEnum(_ ast: ASTEnum, scope: String, file: String) -> String {
        let full = Self.join(scope, ast.name)
        let values = ast.values.map { v in
            EnumValueDescriptor(
                name: v.name, number: Int32(clamping: v.number), isDeprecated: Validator.flag("deprecated", in: v.options),
                options: v.options, comments: v.comments, location: v.location)
        }
        let e = EnumDescriptor(
            name: ast.name, fullName: full, values: values, allowAlias: Validator.flag("allow_alias", in: ast.options),
            reservedRanges: ast.reserved.ranges, reservedNames: ast.reserved.names.map(\.name),
            isDeprecated: Validator.flag("deprecated", in: ast.options), options: ast.options, comments: ast.comments,
            location: ast.location)
        Validator.check(enum: ast, e, errors: &errors)
        if schema.enums[full] == nil { schema.enums[full] = e }
        register(full, file: file)
        return full
    }

    private mutating func buildService(_ ast: ASTService, package: String, view: FileView) -> String {
        let full = Self.join(package, ast.name)
        Validator.checkOptions(ast.options, context: .service, errors: &errors)
        var s = ServiceDescriptor(
            name: ast.name, fullName: full, isDeprecated: Validator.flag("deprecated", in: ast.options),
            options: ast.options, comments: ast.comments, location: ast.location)
        for m in ast.methods {
            Validator.checkOptions(m.options, context: .method, errors: &errors)
            let relative = full + "." + m.name
            s.methods.append(
                MethodDescriptor(
                    name: m.name, inputType: resolveMessage(m.input, role: "request", relativeTo: relative, view: view),
                    outputType: resolveMessage(m.output, role: "response", relativeTo: relative, view: view),
                    clientStreaming: m.clientStreaming, serverStreaming: m.serverStreaming,
                    isDeprecated: Validator.flag("deprecated", in: m.options), options: m.options, comments: m.comments,
                    location: m.location))
        }
        if schema.services[full] == nil { schema.services[full] = s }
        register(full, file: view.file)
        return full
    }

    private mutating func resolveMessage(_ ref: ASTTypeRef, role: String, relativeTo: String, view: FileView) -> String {
        if ref.scalar != nil {
            errors.add(ref.location, "rpc \(role) type \"\(ref.name)\" is not a message: rpc types must be messages")
            return ref.name
        }
        guard let (full, symbol) = resolveType(ref, relativeTo: relativeTo, view: view) else { return ref.name }
        if symbol.kind != .message {
            errors.add(
                ref.location, "rpc \(role) type \"\(ref.name)\" is not a message (it is \(symbol.kind == .enumeration ? "an" : "a") \(symbol.kind.noun))")
        }
        return full
    }

    /// protoc's default JSON name: underscores dropped, the letter after each
    /// one uppercased (`foo_bar_baz` → `fooBarBaz`, `_x` → `X`).
    static func jsonName(_ name: String) -> String {
        var out = ""
        out.reserveCapacity(name.utf8.count)
        var upperNext = false
        for ch in name {
            if ch == "_" {
                upperNext = true
            } else if upperNext {
                out += ch.uppercased()
                upperNext = false
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
