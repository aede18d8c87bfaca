import Foundation

/// Loads `.proto` files into a linked, validated `Schema`.
public enum SchemaLoader {
    /// Reads every `.proto` below `directory` (recursively; paths relative to it, '/'-separated, sorted).
    public static func load(directory: String) throws(SchemaErrors) -> Schema {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath()
        let here = SourceLocation(file: directory, line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SchemaErrors([SchemaError(location: here, message: "schema directory not found")])
        }
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw SchemaErrors([SchemaError(location: here, message: "cannot list the schema directory")])
        }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let path = relative.replacingOccurrences(of: "\\", with: "/")
            // Hidden files and folders (`.git`, `.build`) are not part of the schema.
            if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if path.hasSuffix(".proto") { paths.append(path) }
        }
        paths.sort()
        guard !paths.isEmpty else {
            throw SchemaErrors([SchemaError(location: here, message: "no .proto files found")])
        }
        var sources: [(path: String, source: String)] = []
        var errors: [SchemaError] = []
        for path in paths {
            let url = root.appendingPathComponent(path)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            do {
                let data = try Data(contentsOf: url)
                guard let text = String(data: data, encoding: .utf8) else {
                    errors.append(SchemaError(location: SourceLocation(file: path, line: 1, column: 1), message: "file is not valid UTF-8"))
                    continue
                }
                sources.append((path, text))
            } catch {
                errors.append(
                    SchemaError(location: SourceLocation(file: path, line: 1, column: 1), message: "cannot read file: \(error.localizedDescription)"))
            }
        }
        if !errors.isEmpty { throw SchemaErrors(SchemaErrors.normalized(errors)) }
        return try load(sources: sources)
    }

    /// Parses and links in-memory files (path relative to the schema root, source text).
    public static func load(sources: [(path: String, source: String)]) throws(SchemaErrors) -> Schema {
        var errors = ErrorSink()
        var parsed: [String: ASTFile] = [:]
        var parseFailed = false

        func parse(_ path: String, _ source: String) {
            let result = Parser.parse(path: path, source: source)
            parsed[path] = result.file
            if !result.errors.isEmpty {
                parseFailed = true
                errors.add(contentsOf: result.errors)
            }
        }

        var vendored: [String] = []
        for (rawPath, source) in sources {
            let path = normalize(rawPath)
            if parsed[path] != nil {
                errors.add(SourceLocation(file: path, line: 1, column: 1), "file \"\(path)\" is given more than once")
                continue
            }
            if Schema.isWellKnown(file: path) {
                // A copy of a well-known file is used as the built-in type it must
                // match; any other google/protobuf/ file has no built-in Swift type.
                if WellKnownTypes.sources[path] != nil {
                    vendored.append(path)
                } else {
                    errors.add(SourceLocation(file: path, line: 1, column: 1), WellKnownTypes.notBuiltIn(path))
                    continue
                }
            }
            parse(path, source)
            if !Schema.isWellKnown(file: path), let file = parsed[path], file.package == "google.protobuf" {
                errors.add(file.packageLocation ?? SourceLocation(file: path, line: 1, column: 1),
                           "package google.protobuf is the well-known types' own; declare \(path)'s types in a package of your own")
            }
        }

        // Resolve imports, pulling in built-in well-known files on demand.
        var pending = parsed.keys.sorted()
        while let path = pending.popLast() {
            var seen: Set<String> = []
            for imp in parsed[path]!.imports {
                if !seen.insert(imp.path).inserted {
                    errors.add(imp.location, "import \"\(imp.path)\" is listed more than once")
                }
                if parsed[imp.path] != nil { continue }
                if let builtIn = WellKnownTypes.sources[imp.path] {
                    parse(imp.path, builtIn)
                    pending.append(imp.path)
                } else if Schema.isWellKnown(file: imp.path) {
                    errors.add(imp.location, "import \"\(imp.path)\": " + WellKnownTypes.notBuiltIn(imp.path))
                } else {
                    errors.add(imp.location, "import \"\(imp.path)\" not found: no such file in the schema")
                }
            }
        }
        errors.add(contentsOf: importCycles(parsed))

        if !parseFailed {
            let linked = Linker.link(Array(parsed.values))
            errors.add(contentsOf: linked.errors)
            if linked.errors.isEmpty {
                for path in vendored { errors.add(contentsOf: WellKnownTypes.differences(of: path, in: linked.schema)) }
            }
            if errors.isEmpty { return linked.schema }
        }
        throw SchemaErrors(SchemaErrors.normalized(errors.errors))
    }

    /// Every well-known file this generator builds in, linked alone.
    public static var builtInWellKnownTypes: Schema { WellKnownTypes.builtIn }

    static func normalize(_ path: String) -> String {
        var p = path.replacingOccurrences(of: "\\", with: "/")
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }

    /// One error per cycle, at the import that closes it.
    static func importCycles(_ files: [String: ASTFile]) -> [SchemaError] {
        enum State { case visiting, done }
        var state: [String: State] = [:]
        var stack: [String] = []
        var errors: [SchemaError] = []
        func visit(_ path: String) {
            state[path] = .visiting
            stack.append(path)
            for imp in files[path]!.imports where files[imp.path] != nil {
                switch state[imp.path] {
                case .visiting:
                    let start = stack.lastIndex(of: imp.path)!
                    let cycle = (stack[start...] + [imp.path]).joined(separator: " -> ")
                    errors.append(SchemaError(location: imp.location, message: "import cycle: \(cycle)"))
                case .done:
                    break
                case nil:
                    visit(imp.path)
                }
            }
            stack.removeLast()
            state[path] = .done
        }
        for path in files.keys.sorted() where state[path] == nil { visit(path) }
        return errors
    }
}
