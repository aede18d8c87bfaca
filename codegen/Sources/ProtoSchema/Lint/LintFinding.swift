/// One problem `Linter` found: which rule, where, on which element.
public struct LintFinding: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The rule's id (`FIELD_SNAKE_CASE`).
    public var ruleID: String
    /// Where the element is declared; the file is relative to the schema root.
    public var location: SourceLocation
    /// The element: a full name (`protection.v1.Complaint.buyer_id`,
    /// `protection.v1.IntegrityService.FileComplaint`), an import path, a
    /// package or a rule id, depending on the rule.
    public var element: String
    /// What is wrong and, where there is one, the expected spelling.
    public var message: String

    public init(ruleID: String, location: SourceLocation, element: String, message: String) {
        self.ruleID = ruleID
        self.location = location
        self.element = element
        self.message = message
    }

    /// `file:line:column: RULE_ID element: message`
    public var description: String { "\(location): \(ruleID) \(element): \(message)" }

    /// The order findings are reported in: file, line, column, rule, then element and message.
    public static func areInReportOrder(_ a: LintFinding, _ b: LintFinding) -> Bool {
        if a.location.file != b.location.file { return a.location.file < b.location.file }
        if a.location.line != b.location.line { return a.location.line < b.location.line }
        if a.location.column != b.location.column { return a.location.column < b.location.column }
        if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
        if a.element != b.element { return a.element < b.element }
        return a.message < b.message
    }

    // MARK: - Codable

    // `{"ruleID": "...", "location": {"file": "...", "line": 1, "column": 1}, "element": "...", "message": "..."}`

    private enum CodingKeys: String, CodingKey {
        case ruleID, location, element, message
    }

    private enum LocationKeys: String, CodingKey {
        case file, line, column
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ruleID = try c.decode(String.self, forKey: .ruleID)
        element = try c.decode(String.self, forKey: .element)
        message = try c.decode(String.self, forKey: .message)
        let l = try c.nestedContainer(keyedBy: LocationKeys.self, forKey: .location)
        location = SourceLocation(
            file: try l.decode(String.self, forKey: .file), line: try l.decode(Int.self, forKey: .line),
            column: try l.decode(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ruleID, forKey: .ruleID)
        var l = c.nestedContainer(keyedBy: LocationKeys.self, forKey: .location)
        try l.encode(location.file, forKey: .file)
        try l.encode(location.line, forKey: .line)
        try l.encode(location.column, forKey: .column)
        try c.encode(element, forKey: .element)
        try c.encode(message, forKey: .message)
    }
}
