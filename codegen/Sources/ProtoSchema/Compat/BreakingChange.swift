/// Who a schema change breaks.
public enum BreakClass: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// Peers exchanging the binary encoding (old data, old clients or servers).
    case wire = "WIRE"
    /// Peers exchanging canonical proto3 JSON.
    case json = "JSON"
    /// Code written against the generated Swift API.
    case source = "SOURCE"
    /// Who may call an rpc: its `Roles:` declaration changed. With WIRE and JSON
    /// when callers lose access; alone when access widens (a change a contract
    /// reviewer must see, though no caller fails).
    case access = "ACCESS"

    /// WIRE, JSON, SOURCE: from the widest audience to the narrowest.
    var rank: Int {
        switch self {
        case .wire: 0
        case .json: 1
        case .source: 2
        case .access: 3
        }
    }

    public static func < (a: BreakClass, b: BreakClass) -> Bool { a.rank < b.rank }
}

/// One incompatible difference between an old and a new schema.
public struct BreakingChange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The rule that found it (`FIELD_DELETED`); see `BreakingChecker.rules`.
    public var ruleID: String
    /// Who it breaks; never empty.
    public var classes: Set<BreakClass>
    /// In the new schema when the element still exists there, else in the old one.
    public var location: SourceLocation
    /// The element's full name (`protection.v1.Complaint.order_id`); a file path for file-level rules.
    public var element: String
    /// One line saying what changed.
    public var message: String

    public init(ruleID: String, classes: Set<BreakClass>, location: SourceLocation, element: String, message: String) {
        self.ruleID = ruleID
        self.classes = classes
        self.location = location
        self.element = element
        self.message = message
    }

    /// The classes in WIRE, JSON, SOURCE order.
    public var sortedClasses: [BreakClass] { classes.sorted() }

    /// `file:line:col: RULE_ID [WIRE,JSON] element: message`
    public var description: String {
        "\(location): \(ruleID) [\(sortedClasses.map(\.rawValue).joined(separator: ","))] \(element): \(message)"
    }

    /// Orders by file, line, rule id, then column, element and message so output is stable.
    static func precedes(_ a: BreakingChange, _ b: BreakingChange) -> Bool {
        if a.location.file != b.location.file { return a.location.file < b.location.file }
        if a.location.line != b.location.line { return a.location.line < b.location.line }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        if a.location.column != b.location.column { return a.location.column < b.location.column }
        if a.element != b.element { return a.element < b.element }
        return a.message < b.message
    }

    // MARK: Codable (classes as a sorted array, location as file/line/column)

    private enum CodingKeys: String, CodingKey {
        case ruleID = "rule", classes, file, line, column, element, message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ruleID = try c.decode(String.self, forKey: .ruleID)
        classes = Set(try c.decode([BreakClass].self, forKey: .classes))
        location = SourceLocation(
            file: try c.decode(String.self, forKey: .file), line: try c.decode(Int.self, forKey: .line),
            column: try c.decode(Int.self, forKey: .column))
        element = try c.decode(String.self, forKey: .element)
        message = try c.decode(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ruleID, forKey: .ruleID)
        try c.encode(sortedClasses, forKey: .classes)
        try c.encode(location.file, forKey: .file)
        try c.encode(location.line, forKey: .line)
        try c.encode(location.column, forKey: .column)
        try c.encode(element, forKey: .element)
        try c.encode(message, forKey: .message)
    }
}

/// `--fail-on`: the narrowest class of change that still fails a check.
public enum BreakingThreshold: String, Hashable, Sendable, Codable, CaseIterable {
    /// Fails only on WIRE breaks.
    case wire
    /// Fails on WIRE or JSON breaks (the default).
    case json
    /// Fails on any break, SOURCE and ACCESS included.
    case source

    /// True when `change` is at or above this threshold.
    public func fails(_ change: BreakingChange) -> Bool {
        switch self {
        case .wire: change.classes.contains(.wire)
        case .json: change.classes.contains(.wire) || change.classes.contains(.json)
        case .source: !change.classes.isEmpty
        }
    }
}
