/// How a schema's use of `google/protobuf/` is checked: which files are built
/// in, and whether a vendored copy of one declares the same types.
extension WellKnownTypes {
    /// The built-in files, sorted, for error messages.
    static var builtInPaths: [String] { sources.keys.sorted() }

    /// Every built-in file linked alone, once: the reference a vendored copy is
    /// compared with, and the types the dynamic codec always knows.
    static let builtIn: Schema = {
        var files: [ASTFile] = []
        for path in builtInPaths {
            let parsed = Parser.parse(path: path, source: sources[path]!)
            precondition(parsed.errors.isEmpty, "built-in \(path) does not parse: \(parsed.errors)")
            files.append(parsed.file)
        }
        let linked = Linker.link(files)
        precondition(linked.errors.isEmpty, "built-in well-known files do not link: \(linked.errors)")
        return linked.schema
    }()

    /// The error for a `google/protobuf/` file that has no built-in Swift type.
    static func notBuiltIn(_ path: String) -> String {
        let names = builtInPaths.map { $0.dropFirst("google/protobuf/".count) }.joined(separator: ", ")
        return "\(path) is not a well-known type this generator builds in (\(names)); "
            + "to use its declarations, copy the file out of google/protobuf/ into a package of your own"
    }

    /// Where a vendored copy of a built-in file declares something else than the
    /// built-in: each message must have the same fields (name, number, label,
    /// type, oneof) and each enum the same values. Comments and options may differ.
    static func differences(of path: String, in schema: Schema) -> [SchemaError] {
        guard let file = schema.files.first(where: { $0.path == path }),
            let reference = builtIn.files.first(where: { $0.path == path })
        else { return [] }
        var problems: [String] = []
        let own = Set(schema.fileOfElement.filter { $0.value == path }.keys)
        let expected = Set(builtIn.fileOfElement.filter { $0.value == path }.keys)
        for name in expected.subtracting(own).sorted() { problems.append("\(name) is missing") }
        for name in own.subtracting(expected).sorted() { problems.append("\(name) is not part of the well-known file") }
        for name in own.intersection(expected).sorted() {
            if let m = schema.messages[name], let r = builtIn.messages[name] {
                problems += fieldDifferences(m, r, schema: schema)
            } else if let e = schema.enums[name], let r = builtIn.enums[name] {
                let values = e.values.map { "\($0.name) = \($0.number)" }
                let wanted = r.values.map { "\($0.name) = \($0.number)" }
                if values != wanted { problems.append("\(name) has values \(values), not \(wanted)") }
            }
        }
        if file.package != reference.package { problems.append("package \(file.package), not \(reference.package)") }
        guard !problems.isEmpty else { return [] }
        return [
            SchemaError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "this copy of a well-known file differs from the built-in one, which generated code uses: "
                    + problems.joined(separator: "; "))
        ]
    }

    private static func fieldDifferences(_ m: MessageDescriptor, _ r: MessageDescriptor, schema: Schema) -> [String] {
        func shape(_ d: MessageDescriptor) -> [String] {
            d.fieldsByNumber.map { f in
                let oneof = f.oneofIndex.map { " in oneof \(d.oneofs[$0].name)" } ?? ""
                let label = f.label == .implicit || f.isMap ? "" : "\(f.label) "
                return "\(label)\(FieldCompatibility.describe(f.type)) \(f.name) = \(f.number)\(oneof)"
            }
        }
        let have = shape(m)
        let want = shape(r)
        guard have != want else { return [] }
        let missing = want.filter { !have.contains($0) }
        let extra = have.filter { !want.contains($0) }
        var out: [String] = []
        if !missing.isEmpty { out.append("\(m.fullName) lacks \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { out.append("\(m.fullName) adds \(extra.joined(separator: ", "))") }
        return out
    }
}
