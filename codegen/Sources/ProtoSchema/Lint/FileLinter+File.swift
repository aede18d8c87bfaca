/// The file-level rules: a versioned package and no unused imports.
extension FileLinter {
    /// PACKAGE_REQUIRED and PACKAGE_VERSION_SUFFIX.
    mutating func checkPackage() {
        guard !file.package.isEmpty else {
            report(
                .packageRequired, SourceLocation(file: file.path, line: 1, column: 1), file.path,
                "the file declares no package; add e.g. `package protection.v1;`")
            return
        }
        let last = file.package.split(separator: ".").last.map(String.init) ?? file.package
        if !Self.isVersion(last) {
            report(
                .packageVersionSuffix, packageLocation(), file.package,
                "the package's last component \"\(last)\" is not a version such as v1, v2beta1 or v1alpha")
        }
    }

    /// `^v\d+((alpha|beta)\d*)?$`
    static func isVersion(_ component: String) -> Bool {
        var rest = Substring(component)
        guard rest.first == "v" else { return false }
        rest = rest.dropFirst()
        let major = rest.prefix { $0.isASCII && $0.isNumber }
        guard !major.isEmpty else { return false }
        rest = rest.dropFirst(major.count)
        if rest.isEmpty { return true }
        for stage in ["alpha", "beta"] where rest.hasPrefix(stage) {
            return rest.dropFirst(stage.count).allSatisfy { $0.isASCII && $0.isNumber }
        }
        return false
    }

    /// Where the `package` statement starts (a line beginning with `package` and naming the package).
    private func packageLocation() -> SourceLocation {
        for (i, line) in file.source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            let text = line.dropFirst(indent.count)
            guard text.hasPrefix("package"), let after = text.dropFirst("package".count).first,
                after == " " || after == "\t", text.contains(file.package)
            else { continue }
            return SourceLocation(file: file.path, line: i + 1, column: indent.count + 1)
        }
        return SourceLocation(file: file.path, line: 1, column: 1)
    }

    /// IMPORT_UNUSED: a (non-public) import none of whose files, counting
    /// those it reaches through `import public`, declares a type this file uses.
    /// An `import public` re-exports for the file's importers and is not checked.
    mutating func checkImports() {
        let used = usedFiles()
        for imp in file.imports where !imp.isPublic {
            let provided = publicClosure(of: imp.path).union([imp.path])
            if provided.isDisjoint(with: used) {
                let via = provided.count > 1 ? " (or the files it imports publicly)" : ""
                report(
                    .importUnused, imp.location, imp.path,
                    "no type declared in \"\(imp.path)\"\(via) is used here; remove the import")
            }
        }
    }

    /// The files declaring the types this file's fields and rpcs refer to.
    private func usedFiles() -> Set<String> {
        var types: [String] = []
        func add(_ type: FieldType) {
            switch type {
            case .message(let name), .enumeration(let name): types.append(name)
            case .map(_, let value): add(value)
            case .scalar: break
            }
        }
        for m in messages { m.fields.forEach { add($0.type) } }
        for s in services {
            for m in s.methods { types += [m.inputType, m.outputType] }
        }
        return Set(types.compactMap { schema.fileOfElement[$0] })
    }

    /// The files reachable from `path` through `import public` alone.
    private func publicClosure(of path: String) -> Set<String> {
        let byPath = Dictionary(schema.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var seen: Set<String> = []
        var pending = [path]
        while let p = pending.popLast() {
            for imp in byPath[p]?.imports ?? [] where imp.isPublic && seen.insert(imp.path).inserted {
                pending.append(imp.path)
            }
        }
        return seen
    }
}
