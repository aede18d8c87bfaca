/// One problem found while parsing, linking or validating a schema,
/// reported as `file:line:column: message`.
public struct SchemaError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// Every problem found in a schema, sorted by file, line and column.
public struct SchemaErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [SchemaError]

    public init(_ errors: [SchemaError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }

    /// Sorts by location (file, line, column, message) and drops exact duplicates.
    static func normalized(_ errors: [SchemaError]) -> [SchemaError] {
        var seen = Set<SchemaError>()
        return errors.filter { seen.insert($0).inserted }.sorted { a, b in
            if a.location.file != b.location.file { return a.location.file < b.location.file }
            if a.location.line != b.location.line { return a.location.line < b.location.line }
            if a.location.column != b.location.column { return a.location.column < b.location.column }
            return a.message < b.message
        }
    }
}

/// Collects errors while a phase runs.
struct ErrorSink {
    private(set) var errors: [SchemaError] = []

    mutating func add(_ location: SourceLocation, _ message: String) {
        errors.append(SchemaError(location: location, message: message))
    }

    mutating func add(contentsOf other: [SchemaError]) {
        errors.append(contentsOf: other)
    }

    var isEmpty: Bool { errors.isEmpty }
}
