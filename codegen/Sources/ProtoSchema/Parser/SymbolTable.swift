/// A declared name: packages, types, enum values, fields, oneofs, services
/// and methods all share one namespace, as in protoc.
struct Symbol: Sendable {
    enum Kind: Sendable, Equatable {
        case package, message, enumeration, enumValue, service, field, oneof, method

        var isType: Bool { self == .message || self == .enumeration }
        var isAggregate: Bool { isType || self == .package || self == .service }

        var noun: String {
            switch self {
            case .package: "package"
            case .message: "message"
            case .enumeration: "enum"
            case .enumValue: "enum value"
            case .service: "service"
            case .field: "field"
            case .oneof: "oneof"
            case .method: "rpc"
            }
        }
    }

    var kind: Kind
    var file: String
    var location: SourceLocation
}

/// Which files one file can see: itself, its direct imports and, through
/// them, every `import public` chain.
struct FileView: Sendable {
    var file: String
    var visibleFiles: Set<String>
    /// Packages declared by the visible files.
    var packages: Set<String>

    /// True when `name` is a visible file's package or a prefix of one.
    func seesPackage(_ name: String) -> Bool {
        packages.contains { $0 == name || $0.hasPrefix(name + ".") }
    }
}

/// The result of resolving a name as written.
struct Resolution: Sendable {
    var fullName: String?
    var symbol: Symbol?
    /// A file that declares a candidate the referring file does not import.
    var hiddenIn: (fullName: String, file: String)?
    /// For `A.B` where `A` resolved but `A.B` did not: the name tried.
    var partialMatch: String?
}

/// Every symbol of the schema, with protoc's scoping rules.
struct SymbolTable: Sendable {
    private(set) var symbols: [String: Symbol] = [:]

    /// Defines `fullName`; a clash with an existing name is reported at `location`.
    mutating func define(_ fullName: String, kind: Symbol.Kind, file: String, location: SourceLocation, errors: inout ErrorSink) {
        if let existing = symbols[fullName] {
            if existing.kind == .package && kind == .package { return }
            let (scope, simple) = Self.split(fullName)
            let place = scope.isEmpty ? "the root scope" : "\"\(scope)\""
            var message: String
            if kind == .package {
                message = "package \"\(fullName)\" conflicts with \(existing.kind.noun) \"\(fullName)\" defined at \(existing.location)"
            } else if existing.kind == .package {
                message = "\(kind.noun) \"\(fullName)\" conflicts with package \"\(fullName)\""
            } else {
                message = "\"\(simple)\" is already defined in \(place) (as \(existing.kind.noun) at \(existing.location))"
                if kind == .enumValue || existing.kind == .enumValue {
                    message += "; enum values are siblings of their enum (C++ scoping), so their names must be unique in \(place)"
                }
            }
            errors.add(location, message)
            return
        }
        symbols[fullName] = Symbol(kind: kind, file: file, location: location)
    }

    /// Defines `a`, `a.b`, `a.b.c` for package `a.b.c`.
    mutating func definePackage(_ package: String, file: String, location: SourceLocation, errors: inout ErrorSink) {
        guard !package.isEmpty else { return }
        var prefix = ""
        for part in package.split(separator: ".") {
            prefix = prefix.isEmpty ? String(part) : prefix + "." + part
            define(prefix, kind: .package, file: file, location: location, errors: &errors)
        }
    }

    static func split(_ fullName: String) -> (scope: String, name: String) {
        guard let dot = fullName.lastIndex(of: ".") else { return ("", fullName) }
        return (String(fullName[..<dot]), String(fullName[fullName.index(after: dot)...]))
    }

    /// A symbol by full name, if `view` can see it.
    private func find(_ fullName: String, in view: FileView, hidden: inout (fullName: String, file: String)?) -> Symbol? {
        guard let s = symbols[fullName] else { return nil }
        if s.kind == .package {
            if view.seesPackage(fullName) { return s }
        } else if view.visibleFiles.contains(s.file) {
            return s
        }
        hidden = (fullName, s.file)
        return nil
    }

    /// Resolves `name` as written inside the element `relativeTo` (a full name
    /// whose last component is the referring element itself): innermost scope
    /// outwards, or from the root for `.a.b`. With `typesOnly`, a simple name
    /// that finds a non-type keeps searching outer scopes.
    func resolve(_ name: String, relativeTo: String, in view: FileView, typesOnly: Bool) -> Resolution {
        var hidden: (fullName: String, file: String)?
        if name.hasPrefix(".") {
            let full = String(name.dropFirst())
            let s = find(full, in: view, hidden: &hidden)
            return Resolution(fullName: s == nil ? nil : full, symbol: s, hiddenIn: hidden)
        }
        let firstPart = name.firstIndex(of: ".").map { String(name[..<$0]) } ?? name
        var scope = relativeTo
        while true {
            guard let dot = scope.lastIndex(of: ".") else {
                let s = find(name, in: view, hidden: &hidden)
                return Resolution(fullName: s == nil ? nil : name, symbol: s, hiddenIn: hidden)
            }
            scope = String(scope[..<dot])
            let candidate = scope + "." + firstPart
            if let s = find(candidate, in: view, hidden: &hidden) {
                if firstPart.count < name.count {
                    if s.kind.isAggregate {
                        let full = scope + "." + name
                        let r = find(full, in: view, hidden: &hidden)
                        return Resolution(
                            fullName: r == nil ? nil : full, symbol: r, hiddenIn: hidden,
                            partialMatch: r == nil ? full : nil)
                    }
                } else if !typesOnly || s.kind.isType {
                    return Resolution(fullName: candidate, symbol: s, hiddenIn: hidden)
                }
            }
        }
    }
}
